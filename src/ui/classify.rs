//! State of a training tab (Classify, Segment): the configuration being edited, what the jobs reported,
//! and the actions the panels trigger. Plain data only: no tensors, no waiting.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::TryRecvError;

use crate::train::engine::{self, JobHandle, Waker};
use crate::train::protocol::{
    Command, DataSpec, DatasetSummary, Event, FinishReason, Prediction, TrainConfig,
};
use crate::ui::curves::Curves;
use crate::ui::dialogs::{DialogKind, DialogPoll, PendingDialog};
use crate::ui::insight::{InsightState, InsightView};
use crate::ui::overlay::OverlayState;
// --- object detection (issue 4) ---
use crate::ui::boxes_panel::BoxesState;
use crate::ui::settings::Settings;
use crate::ui::status_bar::Status;
use crate::ui::textures::Picture;

/// Events handled per job per frame; the rest wait for the next frame.
const MAX_EVENTS_PER_FRAME: usize = 4096;

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
pub struct Progress {
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

impl Progress {
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

/// The name of class `index` in `classes`, or `#index` when out of range.
pub fn class_name(classes: &[String], index: usize) -> String {
    classes
        .get(index)
        .cloned()
        .unwrap_or_else(|| format!("#{index}"))
}

/// One validation prediction, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictionView {
    /// The image.
    pub picture: Picture,
    /// Predicted class.
    pub predicted: usize,
    /// True class.
    pub truth: usize,
    /// Probability of the predicted class.
    pub confidence: f32,
}

impl PredictionView {
    fn new(prediction: Prediction) -> Self {
        PredictionView {
            picture: Picture::new(prediction.image),
            predicted: prediction.predicted,
            truth: prediction.truth,
            confidence: prediction.confidence,
        }
    }

    /// Whether the model was right.
    pub fn is_correct(&self) -> bool {
        self.predicted == self.truth
    }
}

/// What a pending file dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogPurpose {
    /// A dataset folder.
    DatasetFolder,
    /// Where to save a checkpoint.
    SaveCheckpoint,
    /// A checkpoint to resume from.
    LoadCheckpoint,
}

/// Everything the Classify tab shows and edits.
pub struct ClassifyState {
    /// The configuration for the next run.
    pub config: TrainConfig,
    /// Text of the dataset folder field.
    pub folder_text: String,
    /// Text of the checkpoint path field.
    pub checkpoint_text: String,
    /// Smoothing of the training loss curve.
    pub smoothing: f32,
    /// Show only wrong predictions.
    pub only_mistakes: bool,
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
    /// Step / epoch progress.
    pub progress: Progress,
    /// Loss and accuracy curves.
    pub curves: Curves,
    /// Latest validation predictions.
    pub predictions: Vec<PredictionView>,
    /// Class names of the run the predictions come from.
    pub run_classes: Vec<String>,
    /// Checkpoints written during this session, with the step they hold.
    pub saved: Vec<(PathBuf, u64)>,
    /// Number of runs started in this session.
    pub runs_started: usize,
    /// Segmentation masks and the overlay's controls.
    pub overlay: OverlayState,
    /// Detection boxes, instance masks and the boxes view's controls.
    pub boxes: BoxesState,
    /// Confusion matrix, mistakes and explanations of the run's validation images.
    pub insight: InsightState,
    inspect: Option<JobHandle>,
    job: Option<JobHandle>,
    dialog: Option<(DialogPurpose, PendingDialog)>,
}

impl ClassifyState {
    /// A fresh state from remembered settings.
    pub fn new(settings: Settings) -> Self {
        ClassifyState {
            config: settings.config,
            folder_text: settings.folder_text,
            checkpoint_text: settings.checkpoint_text,
            smoothing: settings.smoothing,
            only_mistakes: settings.only_mistakes,
            manual_image_size: settings.manual_image_size,
            dataset: None,
            inspect_loading: None,
            phase: Phase::Idle,
            device: None,
            progress: Progress::default(),
            curves: Curves::default(),
            predictions: Vec::new(),
            run_classes: Vec::new(),
            saved: Vec::new(),
            runs_started: 0,
            overlay: OverlayState::default(),
            boxes: BoxesState::default(),
            insight: InsightState::default(),
            inspect: None,
            job: None,
            dialog: None,
        }
    }

    /// The settings worth remembering.
    pub fn settings(&self) -> Settings {
        Settings {
            config: self.config.clone(),
            folder_text: self.folder_text.clone(),
            checkpoint_text: self.checkpoint_text.clone(),
            smoothing: self.smoothing,
            only_mistakes: self.only_mistakes,
            manual_image_size: self.manual_image_size,
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

    /// What a pending file dialog is for, if one is open.
    pub fn dialog_open(&self) -> Option<DialogPurpose> {
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

    // ---------------------------------------------------------------- actions

    /// Reads `data` in the background to show its summary, and makes it the run's data.
    pub fn choose_data(&mut self, data: DataSpec, wake: Waker, status: &mut Status) {
        if !self.can_edit() {
            status.fail("Stop the run before changing the dataset.");
            return;
        }
        self.config.data = data.clone();
        self.dataset = None;
        self.inspect_loading = None;
        self.inspect = None;
        let image_size = self.config.image_size;
        let task = self.config.task;
        match guarded(|| engine::spawn_inspect(task, data.clone(), image_size, wake)) {
            Ok(handle) => {
                self.inspect = Some(handle);
                status.log(format!("Reading {}", data.describe()));
            }
            Err(message) => status.fail(format!("Could not read the dataset: {message}")),
        }
    }

    /// Starts a fresh run with the current configuration.
    pub fn start(&mut self, wake: Waker, status: &mut Status) {
        let mut config = self.config.clone();
        config.resume_from = None;
        self.curves = Curves::default();
        self.predictions.clear();
        self.overlay.clear();
        self.boxes.clear();
        self.insight.clear();
        self.launch(config, wake, status);
    }

    /// Starts a run that continues from the checkpoint at `path`.
    ///
    /// When the checkpoint was written in this session, the curves so far are kept (up to
    /// its step); otherwise a fresh curve starts at the checkpoint's step.
    pub fn resume_from(&mut self, path: PathBuf, wake: Waker, status: &mut Status) {
        let saved_step = self
            .saved
            .iter()
            .rev()
            .find(|(saved, _)| *saved == path)
            .map(|(_, step)| *step);
        match saved_step {
            Some(step) => self.curves.truncate_after(step),
            None => {
                self.curves = Curves::default();
                self.predictions.clear();
                self.overlay.clear();
                self.boxes.clear();
            }
        }
        let mut config = self.config.clone();
        config.resume_from = Some(path);
        self.launch(config, wake, status);
    }

    fn launch(&mut self, config: TrainConfig, wake: Waker, status: &mut Status) {
        if !self.can_edit() {
            status.fail("A run is already in progress.");
            return;
        }
        // Ending the previous (finished) job frees its model.
        self.job = None;
        status.dismiss();
        self.device = None;
        self.progress = Progress {
            epochs: config.epochs,
            step: self.curves.last_step(),
            ..Progress::default()
        };
        let what = match &config.resume_from {
            Some(path) => format!("Resuming from {}", path.display()),
            None => format!("Training on {}", config.data.describe()),
        };
        match guarded(|| engine::spawn_training(config, wake)) {
            Ok(handle) => {
                self.job = Some(handle);
                self.phase = Phase::Running;
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

    /// Asks the run to stop.
    pub fn stop(&mut self, status: &mut Status) {
        if self.phase.is_active() && self.send(Command::Stop, status) {
            self.phase = Phase::Stopping;
        }
    }

    /// Changes the epoch budget of a paused run.
    pub fn set_epochs(&mut self, epochs: usize, status: &mut Status) {
        if self.phase.is_active() {
            self.send(Command::SetEpochs(epochs), status);
        }
    }

    /// Asks the run to write a checkpoint to `path`.
    pub fn save_checkpoint(&mut self, path: PathBuf, status: &mut Status) {
        if !self.can_save() {
            status.fail("There is no model to save: start a run first.");
            return;
        }
        if self.send(Command::SaveCheckpoint(path.clone()), status) {
            status.log(format!("Saving checkpoint to {}…", path.display()));
        }
    }

    /// Whether a run's model is there to explain images with.
    pub fn can_explain(&self) -> bool {
        self.job.is_some() && !matches!(self.phase, Phase::Idle | Phase::Failed)
    }

    /// Asks the run for the saliency map and Grad-CAM of validation image `index`, and
    /// shows the explanation view.
    pub fn explain(&mut self, index: usize, status: &mut Status) {
        self.insight.view = InsightView::Explain;
        if !self.can_explain() {
            status.fail("There is no model to explain: start a run first.");
            return;
        }
        if self.send(Command::Explain(index), status) {
            self.insight.explaining = Some(index);
        }
    }

    fn send(&mut self, command: Command, status: &mut Status) -> bool {
        let sent = self.job.as_ref().is_some_and(|job| job.send(command));
        if !sent {
            status.fail("The training job is no longer running.");
        }
        sent
    }

    /// Opens a file dialog on its own thread.
    pub fn open_dialog(&mut self, purpose: DialogPurpose, wake: Waker, status: &mut Status) {
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
            DialogPurpose::DatasetFolder => DialogKind::PickFolder(near(&self.folder_text)),
            DialogPurpose::SaveCheckpoint => {
                DialogKind::SaveCheckpoint(near(&self.checkpoint_text))
            }
            DialogPurpose::LoadCheckpoint => {
                DialogKind::OpenCheckpoint(near(&self.checkpoint_text))
            }
        };
        match PendingDialog::spawn(kind, move || wake()) {
            Ok(dialog) => self.dialog = Some((purpose, dialog)),
            Err(message) => status.fail(message),
        }
    }

    /// Stops waiting for an open dialog (the path fields still work).
    pub fn forget_dialog(&mut self) {
        self.dialog = None;
    }

    // ---------------------------------------------------------------- events

    /// Handles what the jobs and dialogs sent since the last frame. Returns true when
    /// events are left over for the next frame.
    pub fn poll(&mut self, wake: &Waker, status: &mut Status) -> bool {
        self.poll_dialog(wake, status);
        let more_inspect = self.drain_inspect(status);
        let more_train = self.drain_training(status);
        more_inspect || more_train
    }

    fn poll_dialog(&mut self, wake: &Waker, status: &mut Status) {
        let Some((purpose, dialog)) = &self.dialog else {
            return;
        };
        let purpose = *purpose;
        let answer = dialog.poll();
        if answer == DialogPoll::Pending {
            return;
        }
        self.dialog = None;
        match answer {
            DialogPoll::Pending | DialogPoll::Cancelled => {}
            DialogPoll::Failed(message) => status.fail(message),
            DialogPoll::Unavailable => status.fail(
                "No file dialog could be opened (it needs a desktop portal or zenity); \
                 type the path into the text field instead.",
            ),
            DialogPoll::Picked(path) => match purpose {
                DialogPurpose::DatasetFolder => {
                    self.folder_text = path.display().to_string();
                    self.choose_data(DataSpec::Folder(path), wake.clone(), status);
                }
                DialogPurpose::SaveCheckpoint => {
                    self.checkpoint_text = path.display().to_string();
                    self.save_checkpoint(path, status);
                }
                DialogPurpose::LoadCheckpoint => {
                    self.checkpoint_text = path.display().to_string();
                    self.resume_from(path, wake.clone(), status);
                }
            },
        }
    }

    fn drain_inspect(&mut self, status: &mut Status) -> bool {
        let Some(job) = &self.inspect else {
            return false;
        };
        let (events, end) = drain(job);
        for event in events {
            match event {
                Event::Log(line) => status.log(line),
                Event::Loading { done, total } => self.inspect_loading = Some((done, total)),
                Event::Dataset(summary) => self.dataset = Some(DatasetView::new(summary)),
                Event::Finished(_) => {
                    self.inspect = None;
                    self.inspect_loading = None;
                    status.log("Dataset read.");
                }
                Event::Failed(message) => {
                    self.inspect = None;
                    self.inspect_loading = None;
                    status.fail(format!("Could not read the dataset: {message}"));
                }
                _ => {}
            }
        }
        if end == DrainEnd::Disconnected && self.inspect.is_some() {
            self.inspect = None;
            self.inspect_loading = None;
            status.fail("Reading the dataset ended unexpectedly.");
        }
        self.inspect.is_some() && end == DrainEnd::More
    }

    fn drain_training(&mut self, status: &mut Status) -> bool {
        let Some(job) = &self.job else {
            return false;
        };
        let (events, end) = drain(job);
        for event in events {
            self.apply(event, status);
        }
        if end == DrainEnd::Disconnected && self.job.is_some() {
            self.job = None;
            if self.phase.is_active() {
                self.phase = Phase::Failed;
                status.fail("The training job ended unexpectedly.");
            }
        }
        self.job.is_some() && end == DrainEnd::More
    }

    /// Routes one training event into the state.
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
            } => {
                self.progress.loading = None;
                self.progress.step = step;
                self.progress.epoch = epoch;
                self.progress.steps_per_epoch = steps_per_epoch;
                self.curves.push_step(step, loss);
            }
            Event::Epoch(summary) => {
                self.curves.push_epoch(summary);
                status.log(format!(
                    "Epoch {}: train loss {:.4}, val loss {:.4}, val accuracy {:.1}%",
                    summary.epoch,
                    summary.train_loss,
                    summary.val_loss,
                    summary.val_accuracy * 100.0
                ));
            }
            Event::Predictions(predictions) => {
                self.predictions = predictions.into_iter().map(PredictionView::new).collect();
            }
            Event::Paused { step } => {
                self.progress.step = self.progress.step.max(step);
                if self.phase.is_active() && self.phase != Phase::Stopping {
                    self.phase = Phase::Paused;
                }
            }
            Event::Resumed => {
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
                self.saved.push((path, self.progress.step));
            }
            Event::CheckpointFailed(message) => {
                status.fail(format!("Could not save the checkpoint: {message}"));
            }
            Event::Finished(reason) => {
                self.phase = Phase::Finished(reason);
                self.progress.loading = None;
                status.log(match reason {
                    FinishReason::Completed => "Training finished.",
                    FinishReason::Stopped => "Training stopped.",
                });
            }
            Event::Failed(message) => {
                self.phase = Phase::Failed;
                self.progress.loading = None;
                self.job = None;
                status.fail(message);
            }
            Event::Segmentation(summary) => {
                status.log(format!(
                    "Epoch {}: mean IoU {:.3}, pixel accuracy {:.1}%",
                    summary.epoch,
                    summary.mean_iou,
                    summary.pixel_accuracy * 100.0
                ));
                self.curves.push_segmentation(summary);
            }
            Event::Masks(masks) => self.overlay.set_masks(masks),
            // The Attack, Compress and Style tabs' jobs; a training job never sends them.
            Event::Lab(_) | Event::Style(_) => {}
            Event::ValidationImages(images) => self.insight.set_images(images),
            Event::Validation(outcome) => {
                self.insight.set_outcome(outcome, self.run_classes.len());
            }
            Event::Explanation(explanation) => self.insight.set_explanation(explanation),
            // --- object detection (issue 4) ---
            Event::Detection(summary) => {
                status.log(format!(
                    "Epoch {}: mAP@0.5 {:.3}, mAP@0.5:0.95 {:.3}",
                    summary.epoch, summary.map50, summary.map
                ));
                self.boxes.history.push(summary);
            }
            Event::Boxes(boxes) => self.boxes.set_boxes(boxes),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DrainEnd {
    Empty,
    More,
    Disconnected,
}

fn drain(job: &JobHandle) -> (Vec<Event>, DrainEnd) {
    let mut events = Vec::new();
    while events.len() < MAX_EVENTS_PER_FRAME {
        match job.events().try_recv() {
            Ok(event) => events.push(event),
            Err(TryRecvError::Empty) => return (events, DrainEnd::Empty),
            Err(TryRecvError::Disconnected) => return (events, DrainEnd::Disconnected),
        }
    }
    (events, DrainEnd::More)
}

/// Runs a job-spawning call, turning a panic into an error message so the app lives on.
fn guarded<T>(spawn: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(AssertUnwindSafe(spawn)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the job could not be started".into())
    })
}

/// A waker that repaints the given egui context.
pub fn waker(ctx: &egui::Context) -> Waker {
    let ctx = ctx.clone();
    Arc::new(move || ctx.request_repaint())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::protocol::{EpochSummary, RgbaImage};

    fn state() -> ClassifyState {
        ClassifyState::new(Settings::default())
    }

    #[test]
    fn events_route_into_state() {
        let mut state = state();
        let mut status = Status::default();
        state.phase = Phase::Running;
        state.progress.epochs = 2;
        for step in 1..=4 {
            state.apply(
                Event::Step {
                    step,
                    epoch: 1 + (step as usize - 1) / 2,
                    loss: 1.0 / step as f32,
                    steps_per_epoch: 2,
                },
                &mut status,
            );
        }
        assert_eq!(state.progress.step_in_epoch(), 2);
        assert_eq!(state.progress.fraction(), 1.0);
        state.apply(
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
        assert_eq!(state.curves.epochs()[0].step, 4);
        state.apply(
            Event::Predictions(vec![Prediction {
                image: RgbaImage {
                    width: 1,
                    height: 1,
                    pixels: vec![0; 4],
                },
                predicted: 1,
                truth: 0,
                confidence: 0.7,
            }]),
            &mut status,
        );
        assert_eq!(state.predictions.len(), 1);
        assert!(!state.predictions[0].is_correct());
        state.apply(Event::Paused { step: 4 }, &mut status);
        assert_eq!(state.phase, Phase::Paused);
        state.apply(Event::CheckpointSaved("/tmp/a.vlck".into()), &mut status);
        assert_eq!(state.saved, vec![(PathBuf::from("/tmp/a.vlck"), 4)]);
        state.apply(Event::Failed("boom".into()), &mut status);
        assert_eq!(state.phase, Phase::Failed);
        assert_eq!(status.error.as_deref(), Some("boom"));
        assert!(state.can_edit());
    }

    #[test]
    fn class_names_fall_back_to_indices() {
        let classes = vec!["circle".to_string()];
        assert_eq!(class_name(&classes, 0), "circle");
        assert_eq!(class_name(&classes, 3), "#3");
    }

    #[test]
    fn panics_while_spawning_become_errors() {
        let result: Result<(), String> = guarded(|| panic!("not yet"));
        assert_eq!(result, Err("not yet".to_string()));
    }
}
