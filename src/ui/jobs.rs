//! The UI's side of jobs: taking a job's events a frame at a time without waiting, the
//! waker that repaints the window when a job sends, starting a job without letting its
//! panic end the app, and how the lab tabs read their jobs' events.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::mpsc::TryRecvError;

use crate::core::job::{JobHandle, Waker};
use crate::core::protocol::{DetectEvent, Event, ExploreEvent, FinishReason, LabEvent, StyleEvent};

/// Events a training tab takes from one job per frame; the rest wait for the next frame.
pub const TRAINING_EVENTS_PER_FRAME: usize = 4096;

/// Events a lab tab takes from one job per frame; the rest wait for the next frame.
pub const LAB_EVENTS_PER_FRAME: usize = 1024;

/// How a [`drain`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrainEnd {
    /// The job has sent nothing more for now.
    Empty,
    /// The limit was reached: more events wait for the next frame.
    More,
    /// The job has gone (its channel is closed).
    Disconnected,
}

/// Up to `limit` events the job sent since the last call, and how the taking ended.
pub fn drain(job: &JobHandle, limit: usize) -> (Vec<Event>, DrainEnd) {
    let mut events = Vec::new();
    while events.len() < limit {
        match job.events().try_recv() {
            Ok(event) => events.push(event),
            Err(TryRecvError::Empty) => return (events, DrainEnd::Empty),
            Err(TryRecvError::Disconnected) => return (events, DrainEnd::Disconnected),
        }
    }
    (events, DrainEnd::More)
}

/// A waker that repaints the given egui context.
pub fn waker(ctx: &egui::Context) -> Waker {
    let ctx = ctx.clone();
    Arc::new(move || ctx.request_repaint())
}

/// Runs a job-spawning call, turning a panic into an error message so the app lives on.
pub fn guarded<T>(spawn: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(AssertUnwindSafe(spawn)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the job could not be started".into())
    })
}

/// A job event as a lab tab (Attack, Compress, Style) reads it: what only its kind of job
/// sends, or one of the few lifecycle events a lab tab shows.
#[derive(Clone, Debug, PartialEq)]
pub enum LabReport<T> {
    /// An event only this kind of job sends.
    Own(T),
    /// A line for the status bar.
    Log(String),
    /// The device the job runs on, in words.
    Device(String),
    /// The job ended normally.
    Finished(FinishReason),
    /// The job failed; the message says why.
    Failed(String),
    /// Training progress or another kind of job's event: nothing a lab tab shows.
    Ignored,
}

impl LabReport<LabEvent> {
    /// An Attack or Compress job's event.
    pub fn lab(event: Event) -> Self {
        match event {
            Event::Lab(event) => LabReport::Own(event),
            other => Self::shared(other),
        }
    }
}

impl LabReport<StyleEvent> {
    /// A Style job's event.
    pub fn style(event: Event) -> Self {
        match event {
            Event::Style(event) => LabReport::Own(event),
            other => Self::shared(other),
        }
    }
}

impl LabReport<ExploreEvent> {
    /// An Explore job's event.
    pub fn explore(event: Event) -> Self {
        match event {
            Event::Explore(event) => LabReport::Own(event),
            other => Self::shared(other),
        }
    }
}

impl LabReport<DetectEvent> {
    /// The Detect tab's face-detection job's event.
    pub fn detect(event: Event) -> Self {
        match event {
            Event::Detect(event) => LabReport::Own(event),
            other => Self::shared(other),
        }
    }
}

impl<T> LabReport<T> {
    /// The lifecycle events every job may send; the rest are [`LabReport::Ignored`].
    fn shared(event: Event) -> Self {
        match event {
            Event::Log(line) => LabReport::Log(line),
            Event::Device(device) => LabReport::Device(device),
            Event::Finished(reason) => LabReport::Finished(reason),
            Event::Failed(message) => LabReport::Failed(message),
            Event::Loading { .. }
            | Event::Dataset(_)
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
            | Event::Explore(_) => LabReport::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_while_spawning_become_errors() {
        let result: Result<(), String> = guarded(|| panic!("not yet"));
        assert_eq!(result, Err("not yet".to_string()));
    }

    #[test]
    fn lab_reports_keep_their_kind_and_the_lifecycle() {
        let progress = LabEvent::Progress { done: 1, total: 2 };
        assert_eq!(
            LabReport::lab(Event::Lab(progress.clone())),
            LabReport::Own(progress)
        );
        assert_eq!(
            LabReport::<LabEvent>::lab(Event::Failed("boom".into())),
            LabReport::Failed("boom".into())
        );
        assert_eq!(
            LabReport::style(Event::Lab(LabEvent::Progress { done: 1, total: 2 })),
            LabReport::Ignored
        );
        assert_eq!(
            LabReport::<StyleEvent>::style(Event::Resumed),
            LabReport::Ignored
        );
    }
}
