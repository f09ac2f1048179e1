//! One training run as a training tab sees it: the configuration being edited, the dataset
//! as read, where the run stands, its progress and curves, its checkpoints (saved or kept
//! in its run folder), a sweep's form and queue, file dialogs and questions, and the
//! actions the shared panels trigger. Plain data only: no tensors, no waiting.
//!
//! A model is never lost without asking: Start asks before it discards a model with steps
//! in no checkpoint (with keeping on, only a run whose keeping failed, or one whose last
//! steps were not kept), and saving over an existing file asks first.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::core::job::{JobHandle, Waker};
use crate::core::limits;
use crate::core::protocol::{
    Command, DataSpec, DatasetSummary, Event, FinishReason, KeepEvent, TrainConfig,
};
use crate::tasks;
use crate::train::checkpoint;
use crate::ui::jobs::{DrainEnd, TRAINING_EVENTS_PER_FRAME, drain, guarded};
use crate::ui::settings::Settings;
use crate::ui::training::curves::{Curves, PlotView};
use crate::ui::training::sweep_queue::{SweepForm, SweepQueue};
use crate::ui::widgets::class_name;
use crate::ui::widgets::dialogs::{DialogKind, DialogPoll, PendingDialog};
use crate::ui::widgets::remote_form::RemoteForm;
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::Picture;

/// Where the training run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// No run yet.
    Idle,
    /// Loading data or taking steps.
    Running,
    /// Pause asked for, not yet confirmed.
    Pausing,
    /// Paused; settings of the epoch budget can change.
    Paused,
    /// Stop asked for, not yet confirmed.
    Stopping,
    /// The run ended; its model can still be saved.
    Finished(FinishReason),
    /// The run failed (the status bar says why).
    Failed,
}

impl Phase {
    /// Whether a run is in progress (started and not ended).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            Phase::Running | Phase::Pausing | Phase::Paused | Phase::Stopping
        )
    }
}

/// Progress of the current run, from step events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunProgress {
    /// Last global step.
    pub step: u64,
    /// Its 1-based epoch.
    pub epoch: usize,
    /// Steps in one epoch.
    pub steps_per_epoch: u64,
    /// Epoch budget of the run.
    pub epochs: usize,
    /// Images loaded of images to load, while the data loads.
    pub loading: Option<(usize, usize)>,
}

impl RunProgress {
    /// Step number within the current epoch (1-based).
    pub fn step_in_epoch(&self) -> u64 {
        let before = (self.epoch.saturating_sub(1) as u64).saturating_mul(self.steps_per_epoch);
        self.step.saturating_sub(before)
    }

    /// Fraction of the whole run done, in `0..=1`.
    pub fn fraction(&self) -> f32 {
        let total = (self.epochs as u64).saturating_mul(self.steps_per_epoch);
        if total == 0 {
            0.0
        } else {
            (self.step as f64 / total as f64).clamp(0.0, 1.0) as f32
        }
    }
}

/// A dataset summary with its thumbnails ready to show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DatasetView {
    /// Everything but the thumbnails.
    pub summary: DatasetSummary,
    /// Sample images with their label.
    pub thumbnails: Vec<(Picture, usize)>,
}

impl DatasetView {
    fn new(mut summary: DatasetSummary) -> Self {
        let thumbnails = std::mem::take(&mut summary.thumbnails)
            .into_iter()
            .map(|(image, label)| (Picture::new(image), label))
            .collect();
        DatasetView {
            summary,
            thumbnails,
        }
    }

    /// The name of class `index`, or `#index` when unknown.
    pub fn class_name(&self, index: usize) -> String {
        class_name(&self.summary.classes, index)
    }
}

/// What a training tab's pending file dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunDialog {
    /// A dataset folder.
    DatasetFolder,
    /// Where to save a checkpoint.
    SaveCheckpoint,
    /// A checkpoint to resume from.
    LoadCheckpoint,
}

/// How a checkpoint of this session was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// Saved where the user asked.
    Saved,
    /// Kept in the run folder as the latest (`last.vlck`).
    KeptLast,
    /// Kept in the run folder as the best epoch (`best.vlck`).
    KeptBest,
}

/// A checkpoint a run of this tab wrote in this session.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedCheckpoint {
    /// The file.
    pub path: PathBuf,
    /// The global step it holds.
    pub step: u64,
    /// Whole epochs it holds (known for kept ones).
    pub epochs: Option<usize>,
    /// The run that wrote it: its number in [`RunState::runs_started`].
    pub run: usize,
    /// Saved or kept.
    pub how: Written,
}

/// A question the tab asks before it does something that loses a model.
#[derive(Clone, Debug, PartialEq)]
pub enum Question {
    /// Start would discard a model that is in no checkpoint.
    DiscardModel,
    /// Saving would replace this existing file.
    Replace(PathBuf),
}

/// The tabs a classifier can be taken to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabTab {
    /// Adversarial examples and the robustness curve.
    Attack,
    /// Quantization and pruning.
    Compress,
}

/// "Use in Attack / Compress": the run's checkpoint and data, for the app to put into that
/// tab's fields.
#[derive(Clone, Debug, PartialEq)]
pub struct UseIn {
    /// The tab to fill and show.
    pub lab: LabTab,
    /// The checkpoint.
    pub model: PathBuf,
    /// The data the run trained on.
    pub data: DataSpec,
}

/// Everything a training tab shows and edits about its run, whatever the task.
pub struct RunState {
    /// The configuration for the next run.
    pub config: TrainConfig,
    /// Text of the dataset folder field.
    pub folder_text: String,
    /// Text of the checkpoint path field.
    pub checkpoint_text: String,
    /// Smoothing of the training loss curve.
    pub smoothing: f32,
    /// Log scale and x axis of the plots.
    pub plot_view: PlotView,
    /// Image size offered when "Auto" is unticked.
    pub manual_image_size: u32,
    /// The dataset as last read (by inspection or by the run).
    pub dataset: Option<DatasetView>,
    /// Loading progress of the inspection job.
    pub inspect_loading: Option<(usize, usize)>,
    /// Where the run stands.
    pub phase: Phase,
    /// The device the run reported.
    pub device: Option<String>,
    /// The remote server's address and token ("Remote…" in the device box).
    pub remote: RemoteForm,
    /// Step / epoch progress.
    pub progress: RunProgress,
    /// Loss and accuracy curves.
    pub curves: Curves,
    /// Class names of the run the results come from.
    pub run_classes: Vec<String>,
    /// Checkpoints written during this session (saved and kept), oldest first.
    pub saved: Vec<SavedCheckpoint>,
    /// Number of runs started in this session.
    pub runs_started: usize,
    /// Where runs keep themselves (a run folder each, see
    /// [`crate::train::run_folder`]); `None` keeps nothing.
    pub runs_root: Option<PathBuf>,
    /// The current run's folder, once it has kept something.
    pub kept_in: Option<PathBuf>,
    /// The Sweep section's settings and values.
    pub sweep_form: SweepForm,
    /// The sweep under way (or how the last one ended).
    pub sweep: SweepQueue,
    /// The configuration the current run was started with.
    run_config: Option<TrainConfig>,
    /// Steps the current run's job has taken, and how many of them are in a checkpoint.
    steps_taken: u64,
    steps_checkpointed: u64,
    /// The first run whose curves are shown (later runs resumed from its checkpoints).
    curve_origin: usize,
    question: Option<Question>,
    /// "Save first": start once the save has been written.
    start_after_save: bool,
    /// A checkpoint to resume from once "discard the current model?" is answered.
    held_resume: Option<PathBuf>,
    start_requested: bool,
    use_in: Option<UseIn>,
    inspect: Option<JobHandle>,
    /// The data, its view and the folder text before the dataset being read was chosen:
    /// they come back if it cannot be read.
    data_before: Option<(DataSpec, Option<DatasetView>, String)>,
    job: Option<JobHandle>,
    dialog: Option<(RunDialog, PendingDialog)>,
}

impl RunState {
    /// A fresh run state from remembered settings.
    pub fn new(settings: &Settings) -> Self {
        RunState {
            config: settings.config.clone(),
            folder_text: settings.folder_text.clone(),
            checkpoint_text: settings.checkpoint_text.clone(),
            smoothing: settings.smoothing,
            plot_view: settings.plot_view,
            manual_image_size: settings.manual_image_size,
            dataset: None,
            inspect_loading: None,
            phase: Phase::Idle,
            device: None,
            remote: RemoteForm::new(settings.config.device, settings.remote_token.clone()),
            progress: RunProgress::default(),
            curves: Curves::default(),
            run_classes: Vec::new(),
            saved: Vec::new(),
            runs_started: 0,
            runs_root: None,
            kept_in: None,
            sweep_form: SweepForm::default(),
            sweep: SweepQueue::default(),
            run_config: None,
            steps_taken: 0,
            steps_checkpointed: 0,
            curve_origin: 0,
            question: None,
            start_after_save: false,
            held_resume: None,
            start_requested: false,
            use_in: None,
            inspect: None,
            data_before: None,
            job: None,
            dialog: None,
        }
    }

    /// The settings worth remembering (a task's own view options are added by its tab).
    pub fn settings(&self) -> Settings {
        Settings {
            config: self.config.clone(),
            folder_text: self.folder_text.clone(),
            checkpoint_text: self.checkpoint_text.clone(),
            smoothing: self.smoothing,
            only_mistakes: false,
            manual_image_size: self.manual_image_size,
            plot_view: self.plot_view,
            remote_token: self.remote.token.clone(),
        }
    }

    /// Class names of the run's results (or of the dataset before a run).
    pub fn classes_shown(&self) -> Vec<String> {
        if self.run_classes.is_empty() {
            self.dataset
                .as_ref()
                .map(|d| d.summary.classes.clone())
                .unwrap_or_default()
        } else {
            self.run_classes.clone()
        }
    }

    /// Whether hyper-parameters and data may be edited (no run in progress).
    pub fn can_edit(&self) -> bool {
        !self.phase.is_active()
    }

    /// Whether a dataset is being read.
    pub fn is_inspecting(&self) -> bool {
        self.inspect.is_some()
    }

    /// Whether the current (or just finished) run can write a checkpoint.
    pub fn can_save(&self) -> bool {
        self.job.is_some()
            && matches!(
                self.phase,
                Phase::Running | Phase::Pausing | Phase::Paused | Phase::Finished(_)
            )
    }

    /// Whether a run's model is there to ask about images (e.g. to explain them).
    pub fn has_model(&self) -> bool {
        self.job.is_some() && !matches!(self.phase, Phase::Idle | Phase::Failed)
    }

    /// What a pending file dialog is for, if one is open.
    pub fn dialog_open(&self) -> Option<RunDialog> {
        self.dialog.as_ref().map(|(purpose, _)| *purpose)
    }

    /// One line on what the job is doing, for the status bar.
    pub fn phase_text(&self) -> String {
        if let Some((done, total)) = self.inspect_loading {
            return format!("Reading dataset {done}/{total}");
        }
        if self.inspect.is_some() {
            return "Reading dataset…".into();
        }
        match self.phase {
            Phase::Idle => "Idle".into(),
            Phase::Running => match self.progress.loading {
                Some((done, total)) => format!("Loading data {done}/{total}"),
                None if self.progress.step == 0 => "Starting…".into(),
                None => format!("Training (step {})", self.progress.step),
            },
            Phase::Pausing => "Pausing…".into(),
            Phase::Paused => format!("Paused at step {}", self.progress.step),
            Phase::Stopping => "Stopping…".into(),
            Phase::Finished(FinishReason::Completed) => "Finished".into(),
            Phase::Finished(FinishReason::Stopped) => "Stopped".into(),
            Phase::Failed => "Failed".into(),
        }
    }

    // Actions.

    /// Reads `data` in the background to show its summary, and makes it the run's data.
    pub fn choose_data(&mut self, data: DataSpec, wake: Waker, status: &mut Status) {
        if !self.can_edit() {
            status.fail("Stop the run before changing the dataset.");
            return;
        }
        // What was there before, unless a read is already under way (then its own "before"
        // is still the state to come back to).
        let before = self.data_before.take().unwrap_or_else(|| {
            (
                self.config.data.clone(),
                self.dataset.clone(),
                self.folder_text.clone(),
            )
        });
        self.data_before = Some(before);
        self.config.data = data.clone();
        self.forget_path_of_other_data(&data, status);
        self.dataset = None;
        self.inspect_loading = None;
        self.inspect = None;
        let image_size = self.config.image_size;
        let (task, model) = (self.config.task, self.config.model);
        match guarded(|| tasks::spawn_inspect(task, data.clone(), image_size, model, wake)) {
            Ok(handle) => {
                self.inspect = Some(handle);
                status.log(format!("Reading {}", data.describe()));
            }
            Err(message) => {
                status.fail(format!("Could not read the dataset: {message}"));
                self.restore_data_before(status);
            }
        }
    }

    /// After a dataset that could not be read: the data, its view and the folder field
    /// as they were before it was chosen.
    fn restore_data_before(&mut self, status: &mut Status) {
        if let Some((data, view, folder_text)) = self.data_before.take() {
            status.log(format!("Still using {}.", data.describe()));
            self.config.data = data;
            self.dataset = view;
            self.folder_text = folder_text;
        }
    }

    /// Empties the checkpoint path field when it names a checkpoint of other data than
    /// `data` (it described another model: saving there would replace it, resuming from it
    /// would not fit). A path to no readable checkpoint stays.
    fn forget_path_of_other_data(&mut self, data: &DataSpec, status: &mut Status) {
        let text = self.checkpoint_text.trim();
        if text.is_empty() {
            return;
        }
        let Ok(meta) = checkpoint::read_meta(Path::new(text)) else {
            return;
        };
        if !same_data(&meta.config.data, data) {
            status.log(format!(
                "Cleared the checkpoint path: {text} holds a model of {}",
                meta.config.data.describe()
            ));
            self.checkpoint_text.clear();
        }
    }

    /// The step of a checkpoint written in this session at `path` by a run whose curves
    /// are shown, if it is one.
    pub fn saved_step(&self, path: &Path) -> Option<u64> {
        self.saved
            .iter()
            .rev()
            .filter(|saved| saved.run >= self.curve_origin)
            .find(|saved| saved.path == path)
            .map(|saved| saved.step)
    }

    /// The latest checkpoint the user saved from the current run.
    pub fn last_saved(&self) -> Option<&SavedCheckpoint> {
        self.saved
            .iter()
            .rev()
            .filter(|saved| saved.run == self.runs_started)
            .find(|saved| saved.how == Written::Saved)
    }

    /// The current run's latest checkpoint: what "Use in Attack / Compress" takes (the
    /// latest state, not the best epoch's).
    pub fn latest_checkpoint(&self) -> Option<&SavedCheckpoint> {
        self.saved
            .iter()
            .rev()
            .filter(|saved| saved.run == self.runs_started)
            .find(|saved| saved.how != Written::KeptBest)
    }

    /// The current run's latest kept checkpoint of each kind (`last.vlck`, `best.vlck`).
    pub fn kept(&self, how: Written) -> Option<&SavedCheckpoint> {
        self.saved
            .iter()
            .rev()
            .filter(|saved| saved.run == self.runs_started)
            .find(|saved| saved.how == how)
    }

    /// Whether the tab holds a trained model with steps that are in no checkpoint (saved or
    /// kept) of its run: starting anew would lose them.
    pub fn model_unsaved(&self) -> bool {
        self.has_model() && self.steps_taken > self.steps_checkpointed
    }

    /// Whether Start may go ahead now; when it would discard a model that is in no
    /// checkpoint, the tab asks first ([`Question::DiscardModel`]) and this is false.
    pub fn confirm_start(&mut self) -> bool {
        if self.model_unsaved() {
            self.question = Some(Question::DiscardModel);
            false
        } else {
            true
        }
    }

    /// Whether resuming from `path` may go ahead now: the resumed checkpoint replaces the
    /// model, so one in no checkpoint is asked about first ([`Question::DiscardModel`]) and
    /// the path is held for the answer ([`RunState::take_held_resume`]).
    pub fn confirm_resume(&mut self, path: &Path) -> bool {
        if self.model_unsaved() {
            self.held_resume = Some(path.to_path_buf());
            self.question = Some(Question::DiscardModel);
            false
        } else {
            true
        }
    }

    /// The checkpoint that waited for "discard the current model?", taken.
    pub fn take_held_resume(&mut self) -> Option<PathBuf> {
        self.held_resume.take()
    }

    /// The question the tab is asking, if any.
    pub fn question(&self) -> Option<&Question> {
        self.question.as_ref()
    }

    /// Drops the question (Cancel): nothing happens.
    pub fn cancel_question(&mut self) {
        self.question = None;
        self.start_after_save = false;
        self.held_resume = None;
        self.sweep.drop_held();
    }

    /// "Discard": drops the question; the caller starts the run.
    pub fn discard_model(&mut self) {
        self.question = None;
    }

    /// "Save first": opens the save dialog, and starts once the checkpoint is written.
    pub fn save_first(&mut self, wake: Waker) {
        self.question = None;
        self.start_after_save = true;
        self.open_dialog(RunDialog::SaveCheckpoint, wake);
    }

    /// "Replace": saves over the file the question named.
    pub fn replace(&mut self, status: &mut Status) {
        if let Some(Question::Replace(path)) = self.question.take() {
            self.save_checkpoint(path, status);
        }
    }

    /// Whether a run was asked to start (after "Save first" saved); asking clears it.
    pub fn take_start_request(&mut self) -> bool {
        std::mem::take(&mut self.start_requested)
    }

    /// "Use in Attack / Compress": asks the app to take the current run's latest checkpoint
    /// and data to `lab` (the app takes it with [`RunState::take_use_in`]).
    pub fn use_in(&mut self, lab: LabTab, status: &mut Status) {
        let request = match (self.latest_checkpoint(), &self.run_config) {
            (Some(saved), Some(config)) => UseIn {
                lab,
                model: saved.path.clone(),
                data: config.data.clone(),
            },
            _ => return status.fail(self.why_not_usable()),
        };
        self.use_in = Some(request);
    }

    /// Why "Use in Attack / Compress" cannot be used now (when it cannot).
    pub fn why_not_usable(&self) -> String {
        if self.run_config.is_none() {
            "Train a model first.".into()
        } else if self.runs_root.is_some() {
            "No checkpoint of this run yet: a run keeps one after each epoch (or save one).".into()
        } else {
            "Save a checkpoint of the model first (keeping runs is off).".into()
        }
    }

    /// A "Use in Attack / Compress" request, taken once.
    pub fn take_use_in(&mut self) -> Option<UseIn> {
        self.use_in.take()
    }

    /// Starts the training job for `config` (a fresh run, or one resuming from a
    /// checkpoint); the curves up to now are kept.
    pub(super) fn launch(&mut self, config: TrainConfig, wake: Waker, status: &mut Status) {
        if !self.can_edit() {
            status.fail("A run is already in progress.");
            return;
        }
        // The same checks as the CLI's and the run's, said before anything starts (remembered
        // settings may hold values the fields would not allow).
        if let Err(e) = limits::check_train_config(&config) {
            status.fail(format!("Cannot start: {e}"));
            return;
        }
        // Ending the previous (finished) job frees its model.
        self.job = None;
        status.dismiss();
        // The run keeps itself under the tab's runs root.
        let config = TrainConfig {
            runs_dir: self.runs_root.clone(),
            ..config
        };
        // The curves start anew (not continued from a checkpoint of a run shown).
        if self.curves.last_step() == 0 {
            self.curve_origin = self.runs_started + 1;
        }
        self.run_config = Some(config.clone());
        self.kept_in = None;
        self.question = None;
        (self.steps_taken, self.steps_checkpointed) = (0, 0);
        self.device = None;
        self.progress = RunProgress {
            epochs: config.epochs,
            step: self.curves.last_step(),
            ..RunProgress::default()
        };
        let what = match &config.resume_from {
            Some(path) => format!("Resuming from {}", path.display()),
            None => format!("Training on {}", config.data.describe()),
        };
        match guarded(|| tasks::spawn_training(config, wake)) {
            Ok(handle) => {
                self.job = Some(handle);
                self.phase = Phase::Running;
                self.curves.start_clock(Instant::now());
                self.runs_started += 1;
                status.log(what);
            }
            Err(message) => {
                self.phase = Phase::Failed;
                status.fail(format!("Could not start training: {message}"));
            }
        }
    }

    /// Asks the run to pause.
    pub fn pause(&mut self, status: &mut Status) {
        if self.phase == Phase::Running && self.send(Command::Pause, status) {
            self.phase = Phase::Pausing;
        }
    }

    /// Asks a paused run to continue.
    pub fn resume(&mut self, status: &mut Status) {
        if self.phase == Phase::Paused && self.send(Command::Resume, status) {
            self.phase = Phase::Running;
        }
    }

    /// Asks the run to stop; a sweep under way is stopped too (its runs not started are
    /// dropped).
    pub fn stop(&mut self, status: &mut Status) {
        if self.phase.is_active() && self.send(Command::Stop, status) {
            self.phase = Phase::Stopping;
        }
        if let Some(line) = self.sweep.cancel() {
            status.log(line);
        }
    }

    /// Changes the epoch budget of a paused run.
    pub fn set_epochs(&mut self, epochs: usize, status: &mut Status) {
        if self.phase.is_active() {
            self.send(Command::SetEpochs(epochs), status);
        }
    }

    /// Asks the run to write a checkpoint to `path`, asking first
    /// ([`Question::Replace`]) when a file is there.
    pub fn save_checkpoint_asking(&mut self, path: PathBuf, status: &mut Status) {
        if path.exists() {
            self.question = Some(Question::Replace(path));
        } else {
            self.save_checkpoint(path, status);
        }
    }

    /// Asks the run to write a checkpoint to `path` (replacing a file there).
    pub fn save_checkpoint(&mut self, path: PathBuf, status: &mut Status) {
        if !self.can_save() {
            status.fail("There is no model to save: start a run first.");
            return;
        }
        if self.send(Command::SaveCheckpoint(path.clone()), status) {
            status.log(format!("Saving checkpoint to {}…", path.display()));
        }
    }

    /// Sends `command` to the run's job; false (and an error on the status bar) when the
    /// job is gone.
    pub fn send(&mut self, command: Command, status: &mut Status) -> bool {
        let sent = self.job.as_ref().is_some_and(|job| job.send(command));
        if !sent {
            status.fail("The training job is no longer running.");
        }
        sent
    }

    /// Opens a file dialog: the system's on its own thread, or visionlab's in the window.
    pub fn open_dialog(&mut self, purpose: RunDialog, wake: Waker) {
        if self.dialog.is_some() {
            return;
        }
        let near = |text: &str| {
            let path = PathBuf::from(text.trim());
            if path.is_dir() {
                Some(path)
            } else {
                path.parent().map(PathBuf::from).filter(|p| p.is_dir())
            }
        };
        let kind = match purpose {
            RunDialog::DatasetFolder => DialogKind::PickFolder(near(&self.folder_text)),
            RunDialog::SaveCheckpoint => DialogKind::SaveCheckpoint(near(&self.checkpoint_text)),
            RunDialog::LoadCheckpoint => DialogKind::OpenCheckpoint(near(&self.checkpoint_text)),
        };
        self.dialog = Some((purpose, PendingDialog::spawn(kind, move || wake())));
    }

    /// Whether a system file dialog is open (it runs outside the window: the tab shows a
    /// "waiting" line with a way to stop waiting).
    pub fn waiting_for_system_dialog(&self) -> bool {
        self.dialog.as_ref().is_some_and(|(_, d)| !d.is_in_window())
    }

    /// Draws the open dialog when it is visionlab's own (a system dialog draws itself).
    pub fn show_dialog(&mut self, ctx: &egui::Context) {
        if let Some((_, dialog)) = &mut self.dialog {
            dialog.show(ctx);
        }
    }

    /// Stops waiting for an open dialog (the path fields still work).
    pub fn forget_dialog(&mut self) {
        self.dialog = None;
    }

    // Events.

    /// Takes the answer of an open file dialog. A dataset folder is read and a checkpoint
    /// saved here; a checkpoint to resume from is returned, for the tab to resume from it.
    pub(super) fn poll_dialog(&mut self, wake: &Waker, status: &mut Status) -> Option<PathBuf> {
        let (purpose, dialog) = self.dialog.as_mut()?;
        let purpose = *purpose;
        let answer = dialog.poll();
        match answer {
            DialogPoll::Pending => return None,
            DialogPoll::FellBack(message) => {
                status.log(message);
                return None;
            }
            _ => self.dialog = None,
        }
        match answer {
            DialogPoll::Pending | DialogPoll::FellBack(_) => {}
            DialogPoll::Cancelled => self.start_after_save = false,
            DialogPoll::Picked(path) => match purpose {
                RunDialog::DatasetFolder => {
                    self.folder_text = path.display().to_string();
                    self.choose_data(DataSpec::Folder(path), wake.clone(), status);
                }
                RunDialog::SaveCheckpoint => {
                    self.checkpoint_text = path.display().to_string();
                    // The system's dialog may have asked already, but not about the
                    // extension it added: ask again rather than replace unasked.
                    self.save_checkpoint_asking(path, status);
                }
                RunDialog::LoadCheckpoint => {
                    self.checkpoint_text = path.display().to_string();
                    return Some(path);
                }
            },
        }
        None
    }

    /// Takes in what the dataset inspection sent. Returns true when events are left over
    /// for the next frame.
    pub(super) fn drain_inspect(&mut self, status: &mut Status) -> bool {
        let Some(job) = &self.inspect else {
            return false;
        };
        let (events, end) = drain(job, TRAINING_EVENTS_PER_FRAME);
        for event in events {
            match event {
                Event::Log(line) => status.log(line),
                Event::Loading { done, total } => self.inspect_loading = Some((done, total)),
                Event::Dataset(summary) => {
                    self.data_before = None;
                    self.flips_off_for_grey(&summary, status);
                    self.dataset = Some(DatasetView::new(summary));
                }
                Event::Finished(_) => {
                    self.inspect = None;
                    self.inspect_loading = None;
                    status.log("Dataset read.");
                }
                Event::Failed(message) => {
                    self.inspect = None;
                    self.inspect_loading = None;
                    status.fail(format!("Could not read the dataset: {message}"));
                    self.restore_data_before(status);
                }
                // Reading a dataset trains nothing.
                Event::Device(_)
                | Event::Step { .. }
                | Event::Epoch(_)
                | Event::Paused { .. }
                | Event::Resumed
                | Event::EpochsChanged(_)
                | Event::CheckpointSaved(_)
                | Event::CheckpointFailed(_)
                | Event::Kept(_)
                | Event::Classify(_)
                | Event::Segment(_)
                | Event::Detect(_)
                | Event::Lab(_)
                | Event::Style(_)
                | Event::Explore(_) => {}
            }
        }
        if end == DrainEnd::Disconnected && self.inspect.is_some() {
            self.inspect = None;
            self.inspect_loading = None;
            status.fail("Reading the dataset ended unexpectedly.");
            self.restore_data_before(status);
        }
        self.inspect.is_some() && end == DrainEnd::More
    }

    /// Turns horizontal flips off for a grey single-channel dataset (digits, text,
    /// documents: a mirrored 7 or "b" is another thing), and says so; the box stays free.
    fn flips_off_for_grey(&mut self, summary: &DatasetSummary, status: &mut Status) {
        if summary.input_shape[0] == 1 && self.config.flip {
            self.config.flip = false;
            status.log(
                "Flips turned off: the images are grey single-channel (digits and text must \
                 not be mirrored). Tick \"flips\" to turn them back on.",
            );
        }
    }

    /// What the training job sent since the last frame (nothing without a job).
    pub(super) fn take_events(&mut self) -> (Vec<Event>, DrainEnd) {
        match &self.job {
            Some(job) => drain(job, TRAINING_EVENTS_PER_FRAME),
            None => (Vec::new(), DrainEnd::Empty),
        }
    }

    /// After a frame's events: notes a job that went away without a word. Returns true
    /// when events are left over for the next frame.
    pub(super) fn after_events(&mut self, end: DrainEnd, status: &mut Status) -> bool {
        if end == DrainEnd::Disconnected && self.job.is_some() {
            self.job = None;
            if self.phase.is_active() {
                self.phase = Phase::Failed;
                status.fail("The training job ended unexpectedly.");
            }
        }
        self.job.is_some() && end == DrainEnd::More
    }

    /// Notes a checkpoint the current run wrote: it holds every step taken so far.
    fn checkpointed(&mut self, path: PathBuf, step: u64, epochs: Option<usize>, how: Written) {
        self.steps_checkpointed = self.steps_taken;
        self.saved.push(SavedCheckpoint {
            path,
            step,
            epochs,
            run: self.runs_started,
            how,
        });
    }

    /// Takes in one lifecycle or progress event of the run. A task's own (nested) events
    /// go to its tab; one that reaches here came from another kind of job and is dropped.
    pub fn apply(&mut self, event: Event, status: &mut Status) {
        match event {
            Event::Log(line) => status.log(line),
            Event::Loading { done, total } => self.progress.loading = Some((done, total)),
            Event::Device(device) => self.device = Some(device),
            Event::Dataset(summary) => {
                self.progress.loading = None;
                self.run_classes = summary.classes.clone();
                self.dataset = Some(DatasetView::new(summary));
            }
            Event::Step {
                step,
                epoch,
                loss,
                steps_per_epoch,
                learning_rate,
            } => {
                self.progress.loading = None;
                self.progress.step = step;
                self.progress.epoch = epoch;
                self.progress.steps_per_epoch = steps_per_epoch;
                self.steps_taken += 1;
                let now = Instant::now();
                self.curves
                    .push_step(step, epoch, steps_per_epoch, loss, learning_rate, now);
            }
            Event::Epoch(summary) => {
                self.curves.push_epoch(summary, Instant::now());
                status.log(format!(
                    "Epoch {}: train loss {:.4}, val loss {:.4}, val accuracy {:.1}%",
                    summary.epoch,
                    summary.train_loss,
                    summary.val_loss,
                    summary.val_accuracy * 100.0
                ));
            }
            Event::Paused { step } => {
                self.curves.pause_clock(Instant::now());
                self.progress.step = self.progress.step.max(step);
                if self.phase.is_active() && self.phase != Phase::Stopping {
                    self.phase = Phase::Paused;
                }
            }
            Event::Resumed => {
                self.curves.resume_clock(Instant::now());
                if self.phase.is_active() && self.phase != Phase::Stopping {
                    self.phase = Phase::Running;
                }
            }
            Event::EpochsChanged(epochs) => {
                self.progress.epochs = epochs;
                status.log(format!("Epoch budget is now {epochs}."));
            }
            Event::CheckpointSaved(path) => {
                status.log(format!("Checkpoint saved to {}", path.display()));
                self.checkpointed(path, self.progress.step, None, Written::Saved);
                if std::mem::take(&mut self.start_after_save) {
                    self.start_requested = true;
                }
            }
            Event::CheckpointFailed(message) => {
                self.start_after_save = false;
                status.fail(format!("Could not save the checkpoint: {message}"));
            }
            Event::Kept(KeepEvent::Folder(dir)) => {
                status.log(format!("Keeping this run in {}", dir.display()));
                self.kept_in = Some(dir);
            }
            Event::Kept(KeepEvent::Checkpoint(kept)) => {
                let how = if kept.best {
                    Written::KeptBest
                } else {
                    Written::KeptLast
                };
                self.checkpointed(kept.path, kept.step, Some(kept.epochs_done), how);
            }
            Event::Kept(KeepEvent::Failed(message)) => status.fail(message),
            Event::Finished(reason) => {
                self.curves.pause_clock(Instant::now());
                self.phase = Phase::Finished(reason);
                self.progress.loading = None;
                status.log(match reason {
                    FinishReason::Completed => "Training finished.",
                    FinishReason::Stopped => "Training stopped.",
                });
            }
            Event::Failed(message) => {
                self.curves.pause_clock(Instant::now());
                self.phase = Phase::Failed;
                self.progress.loading = None;
                self.job = None;
                status.fail(message);
            }
            Event::Classify(_)
            | Event::Segment(_)
            | Event::Detect(_)
            | Event::Lab(_)
            | Event::Style(_)
            | Event::Explore(_) => {}
        }
    }
}

/// Whether a model trained on `a` is a model of `b`: the same folder, or the built-in
/// shapes (whatever their count: the classes are the same).
fn same_data(a: &DataSpec, b: &DataSpec) -> bool {
    matches!((a, b), (DataSpec::Shapes { .. }, DataSpec::Shapes { .. })) || a == b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::EpochSummary;

    #[test]
    fn lifecycle_events_route_into_the_run() {
        let mut run = RunState::new(&Settings::default());
        let mut status = Status::default();
        run.phase = Phase::Running;
        run.progress.epochs = 2;
        for step in 1..=4 {
            run.apply(
                Event::Step {
                    step,
                    epoch: 1 + (step as usize - 1) / 2,
                    loss: 1.0 / step as f32,
                    steps_per_epoch: 2,
                    learning_rate: 0.01,
                },
                &mut status,
            );
        }
        assert_eq!(run.progress.step_in_epoch(), 2);
        assert_eq!(run.progress.fraction(), 1.0);
        run.apply(
            Event::Epoch(EpochSummary {
                epoch: 2,
                train_loss: 0.3,
                train_accuracy: 0.9,
                val_loss: 0.4,
                val_accuracy: 0.8,
                seconds: 1.0,
            }),
            &mut status,
        );
        assert_eq!(run.curves.epochs()[0].step, 4);
        run.apply(Event::Paused { step: 4 }, &mut status);
        assert_eq!(run.phase, Phase::Paused);
        run.apply(Event::CheckpointSaved("/tmp/a.vlck".into()), &mut status);
        assert_eq!(run.saved.len(), 1);
        assert_eq!((run.saved[0].step, run.saved[0].how), (4, Written::Saved));
        assert_eq!(run.saved_step(Path::new("/tmp/a.vlck")), Some(4));
        run.apply(Event::Failed("boom".into()), &mut status);
        assert_eq!(run.phase, Phase::Failed);
        assert_eq!(status.error.as_deref(), Some("boom"));
        assert!(run.can_edit());
    }
}
