//! What the Classify, Segment and Detect tabs share: one run's lifecycle ([`RunState`]:
//! dataset, start / pause / resume / stop, checkpoints, progress and curves) and the panels
//! that show it. Each tab adds its own results ([`TaskTab`]),
//! filled by the events only its task sends; [`TrainingTab`] is the two together.

pub mod controls_panel;
pub mod curves;
pub mod data_panel;
pub mod plot_panel;
pub mod run_state;
pub mod sweep_panel;
pub mod sweep_queue;
pub mod train_panel;

use std::path::PathBuf;

use crate::core::job::Waker;
use crate::core::protocol::{DataSpec, Event, TrainConfig};
use crate::train::sweep::SweepRun;
use crate::ui::settings::Settings;
use crate::ui::training::curves::Curves;
use crate::ui::widgets::status_bar::Status;

pub use run_state::{
    DatasetView, LabTab, Phase, Question, RunDialog, RunProgress, RunState, SavedCheckpoint, UseIn,
    Written,
};

/// The part of a training tab that belongs to its task: the results only its runs send,
/// and how they arrive and go.
pub trait TaskTab {
    /// The events only this task's runs send (for example
    /// [`ClassifyEvent`](crate::core::protocol::ClassifyEvent)), matched exhaustively by
    /// [`TaskTab::apply`].
    type Event;

    /// A fresh tab from remembered settings.
    fn new(settings: &Settings) -> Self;

    /// Adds what this tab remembers between sessions to `settings`.
    fn remember(&self, _settings: &mut Settings) {}

    /// This task's event inside a job event, or the job event back.
    #[allow(clippy::result_large_err)] // `Err` hands the event back unchanged, not an error.
    fn own(event: Event) -> Result<Self::Event, Event>;

    /// Takes in one of this task's events; `run` is the run that sent it.
    fn apply(&mut self, event: Self::Event, run: &RunState, status: &mut Status);

    /// Forgets every result: a fresh run starts.
    fn clear(&mut self);

    /// A run resumes from a checkpoint: one written in this session at `saved_step` (the
    /// curves after it are dropped), or one from elsewhere (`None`: the curves start anew).
    fn resume(&mut self, saved_step: Option<u64>);
}

/// A training tab's state: its run and its task's results.
pub struct TrainingTab<T> {
    /// The run: configuration, dataset, lifecycle, progress and curves.
    pub run: RunState,
    /// What only this tab's task shows.
    pub task: T,
    /// A resume not yet confirmed by the run (its first step): what to restore if it fails.
    resuming: Option<Resuming>,
}

/// What a resume changes only once the run has restored the checkpoint: a resume that fails
/// (a bad file, another model's checkpoint) leaves the tab as it was.
struct Resuming {
    /// Step of the checkpoint when written in this session (see [`TaskTab::resume`]).
    saved_step: Option<u64>,
    /// The dataset shown before (the resumed run reads its own and sends it first).
    dataset: Option<DatasetView>,
    /// The class names of the results shown before.
    run_classes: Vec<String>,
}

impl<T: TaskTab> TrainingTab<T> {
    /// A fresh tab from remembered settings.
    pub fn new(settings: Settings) -> Self {
        TrainingTab {
            run: RunState::new(&settings),
            task: T::new(&settings),
            resuming: None,
        }
    }

    /// The settings worth remembering.
    pub fn settings(&self) -> Settings {
        let mut settings = self.run.settings();
        self.task.remember(&mut settings);
        settings
    }

    /// One line on what the tab's jobs are doing, for the status bar.
    pub fn phase_text(&self) -> String {
        self.run.phase_text()
    }

    /// Starts a fresh run with the current configuration (or the sweep that was waiting
    /// for the answer to "discard the current model?").
    pub fn start(&mut self, wake: Waker, status: &mut Status) {
        if let Some(path) = self.run.take_held_resume() {
            self.resume_now(path, wake, status);
            return;
        }
        if let Some(runs) = self.run.sweep.take_held() {
            self.start_sweep(runs, wake, status);
            return;
        }
        let config = self.run.config.clone();
        self.start_fresh(config, wake, status);
    }

    /// Starts a sweep: its runs one after another, the first now ([`TrainingTab::poll`]
    /// starts each next one when the one before ends).
    pub fn start_sweep(&mut self, runs: Vec<SweepRun>, wake: Waker, status: &mut Status) {
        self.run.sweep.begin(runs);
        self.next_of_sweep(wake, status);
    }

    /// Starts the sweep's next run, or says it is over.
    fn next_of_sweep(&mut self, wake: Waker, status: &mut Status) {
        match self.run.sweep.take_next() {
            Some(run) => {
                if let Some(line) = self.run.sweep.line() {
                    status.log(line);
                }
                self.start_fresh(run.config, wake, status);
            }
            None => status.log(self.run.sweep.finish()),
        }
    }

    /// Starts a fresh run of `config`: the curves and the task's results start anew.
    fn start_fresh(&mut self, mut config: TrainConfig, wake: Waker, status: &mut Status) {
        config.resume_from = None;
        self.resuming = None;
        self.run.curves = Curves::default();
        self.task.clear();
        self.run.launch(config, wake, status);
    }

    /// Starts a run that continues from the checkpoint at `path`.
    ///
    /// When the checkpoint was written in this session, the curves so far are kept (up to
    /// its step); otherwise a fresh curve starts at the checkpoint's step. Nothing shown
    /// changes until the run has restored the checkpoint: a resume that fails leaves the
    /// curves, results and dataset as they were.
    ///
    /// The checkpoint replaces the model: one in no checkpoint is asked about first
    /// ("discard the current model?"), and the resume waits for the answer.
    pub fn resume_from(&mut self, path: PathBuf, wake: Waker, status: &mut Status) {
        if self.run.confirm_resume(&path) {
            self.resume_now(path, wake, status);
        }
    }

    fn resume_now(&mut self, path: PathBuf, wake: Waker, status: &mut Status) {
        let resuming = Resuming {
            saved_step: self.run.saved_step(&path),
            dataset: self.run.dataset.clone(),
            run_classes: self.run.run_classes.clone(),
        };
        let mut config = self.run.config.clone();
        config.resume_from = Some(path);
        self.run.launch(config, wake, status);
        if self.run.phase.is_active() {
            self.resuming = Some(resuming);
        }
    }

    /// The resumed run took its first step: the curves after the checkpoint go, and the
    /// task's results are those of the resumed run from now on.
    fn confirm_resume(&mut self) {
        if let Some(resuming) = self.resuming.take() {
            match resuming.saved_step {
                Some(step) => self.run.curves.truncate_after(step),
                None => self.run.curves = Curves::default(),
            }
            self.task.resume(resuming.saved_step);
        }
    }

    /// The resumed run failed before its first step: the dataset shown before comes back
    /// (curves and results were never touched).
    fn undo_resume(&mut self, status: &mut Status) {
        if let Some(resuming) = self.resuming.take() {
            self.run.dataset = resuming.dataset;
            self.run.run_classes = resuming.run_classes;
            status.log("The resume failed: the results shown are those from before it.");
        }
    }

    /// Takes a recorded run's settings (the Runs tab's "Run again" and "Open checkpoint"):
    /// `config` becomes the next run's (its data read again), and `checkpoint`, when given,
    /// fills the checkpoint path. Refused (false, said in `status`) while a run is active.
    pub fn take_recorded(
        &mut self,
        config: TrainConfig,
        checkpoint: Option<PathBuf>,
        wake: Waker,
        status: &mut Status,
    ) -> bool {
        if !self.run.can_edit() {
            status.fail("Stop this tab's run before loading a recorded run's settings.");
            return false;
        }
        let data = config.data.clone();
        self.run.config = TrainConfig {
            data: self.run.config.data.clone(),
            resume_from: None,
            // Run again is a run of its own, not one more of the recorded run's sweep.
            sweep: None,
            ..config
        };
        if let DataSpec::Folder(path) = &data {
            self.run.folder_text = path.display().to_string();
        }
        self.run.choose_data(data, wake, status);
        if let Some(path) = checkpoint {
            self.run.checkpoint_text = path.display().to_string();
        }
        true
    }

    /// Stops the run, as the Stop button does.
    pub fn stop(&mut self, status: &mut Status) {
        self.run.stop(status);
    }

    /// Handles what the jobs and dialogs sent since the last frame. Returns true when
    /// events are left over for the next frame.
    pub fn poll(&mut self, wake: &Waker, status: &mut Status) -> bool {
        if let Some(checkpoint) = self.run.poll_dialog(wake, status) {
            self.resume_from(checkpoint, wake.clone(), status);
        }
        let more_inspect = self.run.drain_inspect(status);
        let (events, end) = self.run.take_events();
        for event in events {
            self.apply(event, status);
        }
        let more_train = self.run.after_events(end, status);
        // "Save first" saved: the run the user asked for starts now.
        if self.run.take_start_request() {
            self.start(wake.clone(), status);
        }
        // A sweep's run ended (finished or failed): the next one starts.
        if self.run.sweep.is_running() && !self.run.phase.is_active() {
            if self.run.phase == Phase::Failed {
                let why = status.error.clone().unwrap_or_default();
                status.log(format!("This run of the sweep failed ({why}); going on."));
            }
            self.next_of_sweep(wake.clone(), status);
        }
        more_inspect || more_train
    }

    /// Routes one event of the run: the task's own to the task, the rest to the run.
    pub fn apply(&mut self, event: Event, status: &mut Status) {
        if self.resuming.is_some() {
            match &event {
                Event::Step { .. } | Event::Epoch(_) | Event::Paused { .. } => {
                    self.confirm_resume();
                }
                Event::Failed(_) => {
                    self.run.apply(event, status);
                    self.undo_resume(status);
                    return;
                }
                _ => {}
            }
        }
        match T::own(event) {
            Ok(event) => self.task.apply(event, &self.run, status),
            Err(event) => self.run.apply(event, status),
        }
    }
}
