//! The training tasks, one folder each: its data format, model, loss, decoding, metrics,
//! prediction and defaults. This module starts a task's training or dataset inspection.

pub mod classify;
pub mod detect;
pub mod segment;

use anyhow::{Context, bail};

use crate::core::job::{JobHandle, Waker, no_waker, spawn_job};
use crate::core::limits;
use crate::core::protocol::{
    DataSpec, EpochSummary, Event, FinishReason, ModelKind, Task, TrainConfig,
};
use crate::train::run::run_job;

/// The default configuration of a `task` run: the one source the GUI's first launch, the
/// CLI (before its flags) and the tests start from (each task's `defaults.rs`).
pub fn defaults(task: Task) -> TrainConfig {
    match task {
        Task::Classify => classify::defaults::config(),
        Task::Segment => segment::defaults::config(),
        Task::Detect => detect::defaults::config(),
    }
}

/// Starts a training run (of the config's task) on its own thread: the one training run
/// ([`crate::train::run`]) with the task's part.
pub fn spawn_training(config: TrainConfig, wake: Waker) -> JobHandle {
    spawn_job("train", wake, move |inbox, out| match config.task {
        Task::Classify => run_job::<classify::train::ClassifyTask>(config, inbox, out),
        Task::Segment => run_job::<segment::train::SegmentTask>(config, inbox, out),
        Task::Detect => run_job::<detect::train::DetectTask>(config, inbox, out),
    })
}

/// Reads a dataset (for `task`) on its own thread and sends [`Event::Dataset`] then
/// [`Event::Finished`] (or [`Event::Failed`]).
/// `model` is the network the data is read for: an automatic image size is raised to what
/// it takes, as the run will.
pub fn spawn_inspect(
    task: Task,
    data: DataSpec,
    image_size: Option<u32>,
    model: ModelKind,
    wake: Waker,
) -> JobHandle {
    spawn_job("inspect", wake, move |_inbox, out| {
        let config = TrainConfig {
            task,
            data,
            image_size,
            model,
            ..TrainConfig::default()
        };
        // The image size and the shapes count in range before anything is read.
        limits::check_train_config(&config)?;
        let summary = match task {
            Task::Classify => classify::train::summarize(
                &config.data,
                &classify::train::load_training_set(&config, out)?,
            ),
            Task::Segment => segment::train::summarize(
                &config.data,
                &segment::train::load_dataset(&config, out)?,
            ),
            Task::Detect => {
                detect::train::summarize(&config.data, &detect::train::load_dataset(&config, out)?)
            }
        };
        out.send(Event::Dataset(summary));
        out.send(Event::Finished(FinishReason::Completed));
        Ok(())
    })
}

/// Runs a training config to the end on the calling thread, returning the epoch summaries.
/// For tests and tools that need no controls.
pub fn train_blocking(config: TrainConfig) -> anyhow::Result<Vec<EpochSummary>> {
    let job = spawn_training(config, no_waker());
    let mut epochs = Vec::new();
    for event in job.events().iter() {
        match event {
            Event::Epoch(summary) => epochs.push(summary),
            Event::Finished(_) => return Ok(epochs),
            Event::Failed(message) => bail!(message),
            _ => {}
        }
    }
    Err(anyhow::anyhow!("the training job ended without a result")).context("train_blocking")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::core::protocol::{Command, DeviceChoice};

    const TIMEOUT: Duration = Duration::from_secs(300);

    /// The next event, failing the test on `Failed` or after [`TIMEOUT`].
    fn next(job: &JobHandle) -> Event {
        match job.events().recv_timeout(TIMEOUT) {
            Ok(Event::Failed(message)) => panic!("the run failed: {message}"),
            Ok(event) => event,
            Err(e) => panic!("no event: {e}"),
        }
    }

    /// The losses (as bits) of the steps after `after`, and the last epoch's validation
    /// loss and accuracy, until the run finishes.
    fn rest_of_run(job: &JobHandle, after: u64) -> (Vec<(u64, u32)>, (f32, f32)) {
        let mut steps = Vec::new();
        let mut last = (f32::NAN, f32::NAN);
        loop {
            match next(job) {
                Event::Step { step, loss, .. } if step > after => {
                    steps.push((step, loss.to_bits()))
                }
                Event::Epoch(summary) => last = (summary.val_loss, summary.val_accuracy),
                Event::Finished(reason) => {
                    assert_eq!(reason, FinishReason::Completed);
                    return (steps, last);
                }
                _ => {}
            }
        }
    }

    /// A run saved mid-epoch and resumed from the file takes exactly the steps the saved
    /// run took after the save: same batches, same augmentation, same losses to the bit.
    fn resuming_repeats_the_run(config: TrainConfig) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("mid.vlck");
        let config = TrainConfig {
            data: DataSpec::Shapes { count: 60, seed: 5 },
            batch_size: 8,
            epochs: 2,
            device: DeviceChoice::Cpu,
            ..config
        };
        // 48 training images: 6 steps per epoch; pause two steps into the second.
        let job = spawn_training(config.clone(), no_waker());
        loop {
            if let Event::Step { step: 8, .. } = next(&job) {
                break;
            }
        }
        assert!(job.send(Command::Pause));
        let paused_at = loop {
            if let Event::Paused { step } = next(&job) {
                break step;
            }
        };
        assert!(paused_at < 12, "paused at step {paused_at}, inside epoch 2");
        job.send(Command::SaveCheckpoint(path.clone()));
        loop {
            match next(&job) {
                Event::CheckpointSaved(_) => break,
                Event::CheckpointFailed(message) => panic!("{message}"),
                _ => {}
            }
        }
        job.send(Command::Resume);
        let first = rest_of_run(&job, paused_at);
        drop(job);

        let resumed = spawn_training(
            TrainConfig {
                resume_from: Some(path),
                ..config
            },
            no_waker(),
        );
        let second = rest_of_run(&resumed, 0);
        assert_eq!(first.0.first().map(|s| s.0), Some(paused_at + 1));
        assert_eq!(first, second);
    }

    #[test]
    fn a_resumed_classification_repeats_the_run() {
        resuming_repeats_the_run(TrainConfig {
            image_size: Some(16),
            ..defaults(Task::Classify)
        });
    }

    #[test]
    fn a_resumed_segmentation_repeats_the_run() {
        resuming_repeats_the_run(TrainConfig {
            image_size: Some(16),
            unet_width: 2,
            augment: true,
            flip: true,
            ..defaults(Task::Segment)
        });
    }

    #[test]
    fn a_resumed_detection_repeats_the_run() {
        resuming_repeats_the_run(TrainConfig {
            image_size: Some(16),
            flip: true,
            ..defaults(Task::Detect)
        });
    }
}
