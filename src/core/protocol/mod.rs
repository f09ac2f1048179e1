//! The only types both sides of the spine know: [`Command`]s go from the UI (or CLI, or a
//! test) to a job thread, [`Event`]s come back. Everything here is plain data: no tensors.
//! One file per kind of job; this one holds what every job shares.

mod classify;
mod detect;
mod explore;
mod faces;
mod lab;
mod segment;
mod style;
mod train;

use std::path::PathBuf;

pub use classify::*;
pub use detect::*;
pub use explore::*;
pub use faces::*;
pub use lab::*;
pub use segment::*;
pub use style::*;
pub use train::*;

/// UI → job.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Stop taking steps until [`Command::Resume`]; the job keeps its state.
    Pause,
    /// Continue after a pause, from the same step.
    Resume,
    /// End the run after the current step; the model stays available for saving.
    Stop,
    /// Write a checkpoint (atomically) of the current state to this path.
    SaveCheckpoint(PathBuf),
    /// Change the epoch budget (taken while paused, or at any time).
    SetEpochs(usize),
    // --- seeing what a classifier learned (issue 6) ---
    /// Compute a saliency map and Grad-CAM for a validation image and a class (answered
    /// with [`ClassifyEvent::Explanation`]); also taken after the run has finished.
    Explain(ExplainRequest),
}

/// A small RGBA picture the UI can show as is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RgbaImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width * height * 4` bytes, row-major.
    pub pixels: Vec<u8>,
}

/// Why a run ended without failing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishReason {
    /// The epoch budget was used up.
    Completed,
    /// The user stopped it.
    Stopped,
}

/// Job → UI. Lifecycle and training-progress events are common to every job; what only
/// one kind of job sends is nested in that kind's enum, which the tab that owns it matches
/// exhaustively.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A line for the status bar / log.
    Log(String),
    /// Loading progress: `done` of `total` images read.
    Loading {
        /// Images read so far.
        done: usize,
        /// Images to read.
        total: usize,
    },
    /// The device the job runs on, in words.
    Device(String),
    /// The dataset is read.
    Dataset(DatasetSummary),
    /// One optimisation step finished.
    Step {
        /// Global step number, counting from 1 over the whole run (resumes continue it).
        step: u64,
        /// 1-based epoch the step belongs to.
        epoch: usize,
        /// Mini-batch training loss.
        loss: f32,
        /// Steps per epoch, for progress bars.
        steps_per_epoch: u64,
        /// Learning rate the step was taken with (the schedule and the task's factor
        /// applied; it may change every step).
        learning_rate: f64,
    },
    /// An epoch ended and was evaluated.
    Epoch(EpochSummary),
    /// The job is paused at this step.
    Paused {
        /// Last finished step.
        step: u64,
    },
    /// The job continues.
    Resumed,
    /// The epoch budget changed.
    EpochsChanged(usize),
    /// A checkpoint was written.
    CheckpointSaved(PathBuf),
    /// A checkpoint could not be written; the job goes on and the model is kept.
    CheckpointFailed(String),
    /// What a training run keeps in its run folder.
    Kept(KeepEvent),
    /// The job ended normally; it still answers [`Command::SaveCheckpoint`] until dropped.
    Finished(FinishReason),
    /// The job failed; the message says why.
    Failed(String),
    /// What a classification run says about its validation split.
    Classify(ClassifyEvent),
    /// What a segmentation run says about its validation split.
    Segment(SegmentEvent),
    /// What a detection run says about its validation split.
    Detect(DetectEvent),
    /// Something from the Attack or Compress tab's jobs.
    Lab(LabEvent),
    /// Something from the Style tab's job.
    Style(StyleEvent),
    /// Something from the dataset explorer's job.
    Explore(ExploreEvent),
}
