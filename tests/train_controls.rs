//! Pause, stop, save and resume for every training task, through the protocol only
//! (`tasks::spawn_training`, [`Command`]s in, [`Event`]s out): the one training run gives
//! each task the same controls, so one test body runs over classify, segment and detect.
//!
//! Each case trains a tiny model on a few built-in shapes on the CPU (seconds on 2 cores):
//! - pause: `Paused` names the last finished step, no step runs while paused, a checkpoint
//!   can be saved while paused, and `Resume` continues from the next step;
//! - stop: `Stop` mid-epoch ends the run with `Finished(Stopped)`;
//! - save: the checkpoint file exists, loads, names the task and holds the step count,
//!   the position inside the epoch, the losses and the epoch history;
//! - resume: a run started from the checkpoint saved while paused takes the same steps
//!   (the same losses) as the first run did after the pause: weights, optimizer state and
//!   batch order are restored; a run started from the checkpoint saved after the stop
//!   continues the step count inside the same epoch, completes the budget and keeps the
//!   epoch history, and a larger budget (`SetEpochs` + `Resume`) trains one more epoch
//!   after it finished.

mod common;

use std::path::Path;
use std::time::Duration;

use common::events::{drain, serial, wait_for};
use visionlab::core::job::{JobHandle, no_waker};
use visionlab::core::protocol::{
    ClassifyEvent, Command, DataSpec, DetectEvent, DeviceChoice, EpochSummary, Event, FinishReason,
    SegmentEvent, Task, TrainConfig,
};
use visionlab::tasks;
use visionlab::train::checkpoint::{self, Checkpoint};

/// Epoch budget of the first run (the resumed run completes it, then adds one).
const EPOCHS: usize = 3;

/// The task's defaults, made tiny: 200 shapes, 160 of them trained on in 10 steps of 16
/// per epoch, on the CPU.
fn small(task: Task) -> TrainConfig {
    TrainConfig {
        data: DataSpec::Shapes {
            count: 200,
            seed: 3,
        },
        epochs: EPOCHS,
        batch_size: 16,
        device: DeviceChoice::Cpu,
        resume_from: None,
        ..tasks::defaults(task)
    }
}

#[test]
fn classify_pauses_stops_saves_and_resumes() {
    let config = TrainConfig {
        image_size: Some(16),
        ..small(Task::Classify)
    };
    pause_stop_save_resume(config, |e| {
        matches!(e, Event::Classify(ClassifyEvent::Validation(_)))
    });
}

#[test]
fn segment_pauses_stops_saves_and_resumes() {
    let config = TrainConfig {
        image_size: Some(32),
        unet_width: 4,
        ..small(Task::Segment)
    };
    pause_stop_save_resume(config, |e| {
        matches!(e, Event::Segment(SegmentEvent::Metrics(_)))
    });
}

#[test]
fn detect_pauses_stops_saves_and_resumes() {
    let config = TrainConfig {
        image_size: Some(32),
        ..small(Task::Detect)
    };
    pause_stop_save_resume(config, |e| {
        matches!(e, Event::Detect(DetectEvent::Metrics(_)))
    });
}

/// What a run has said so far: every step, the epoch summaries and how many of the task's
/// own per-epoch metrics events came.
struct Seen {
    /// Whether an event is the task's per-epoch metrics.
    is_metrics: fn(&Event) -> bool,
    /// (step, epoch, loss) of every step, in order.
    steps: Vec<(u64, usize, f32)>,
    /// Steps per epoch, from the step events.
    steps_per_epoch: u64,
    /// Epoch summaries, in order.
    epochs: Vec<EpochSummary>,
    /// The task's metrics events.
    metrics: usize,
}

impl Seen {
    fn new(is_metrics: fn(&Event) -> bool) -> Self {
        Seen {
            is_metrics,
            steps: Vec::new(),
            steps_per_epoch: 0,
            epochs: Vec::new(),
            metrics: 0,
        }
    }

    /// Records an event, checking that steps count up one at a time.
    fn see(&mut self, event: &Event) {
        match event {
            Event::Step {
                step,
                epoch,
                loss,
                steps_per_epoch,
                ..
            } => {
                if let Some(&(last, ..)) = self.steps.last() {
                    assert_eq!(*step, last + 1, "steps count up one at a time");
                }
                assert!(loss.is_finite(), "step {step}: loss {loss}");
                self.steps.push((*step, *epoch, *loss));
                self.steps_per_epoch = *steps_per_epoch;
            }
            Event::Epoch(summary) => self.epochs.push(*summary),
            e if (self.is_metrics)(e) => self.metrics += 1,
            _ => {}
        }
    }

    /// The last finished step (0 before the first).
    fn last_step(&self) -> u64 {
        self.steps.last().map_or(0, |s| s.0)
    }
}

/// Waits for the next event that `pick` accepts, recording every event on the way.
fn next<T>(job: &JobHandle, seen: &mut Seen, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
    wait_for(job, |e| {
        seen.see(e);
        pick(e)
    })
}

/// Saves a checkpoint to `path` and loads it back.
fn save(job: &JobHandle, seen: &mut Seen, path: &Path) -> Checkpoint {
    assert!(job.send(Command::SaveCheckpoint(path.to_path_buf())));
    let saved = next(job, seen, |e| match e {
        Event::CheckpointSaved(p) => Some(p.clone()),
        _ => None,
    });
    assert_eq!(saved, path);
    assert!(path.is_file(), "{} exists", path.display());
    checkpoint::load(path).unwrap_or_else(|e| panic!("{} loads: {e}", path.display()))
}

/// The one test body: see the file's documentation for what it checks. `is_metrics` picks
/// the task's own per-epoch metrics event.
fn pause_stop_save_resume(config: TrainConfig, is_metrics: fn(&Event) -> bool) {
    let _serial = serial();
    let dir = tempfile::tempdir().expect("a temporary folder");

    // A first run, two steps into its second epoch.
    let job = tasks::spawn_training(config.clone(), no_waker());
    let mut seen = Seen::new(is_metrics);
    next(&job, &mut seen, |e| match e {
        Event::Step {
            step,
            steps_per_epoch,
            ..
        } => (*step >= steps_per_epoch + 2).then_some(()),
        _ => None,
    });
    let spe = seen.steps_per_epoch;
    assert!(
        spe >= 5,
        "{spe} steps per epoch: too few to stop inside one"
    );
    assert_eq!(seen.steps[0].0, 1, "a fresh run counts from step 1");
    assert_eq!(seen.epochs.len(), 1, "epoch 1 was evaluated");
    assert_eq!(seen.epochs[0].epoch, 1);

    // Pause: the step it names is the last one, and no step runs while paused.
    assert!(job.send(Command::Pause));
    let paused_at = next(&job, &mut seen, |e| match e {
        Event::Paused { step } => Some(*step),
        _ => None,
    });
    assert_eq!(seen.last_step(), paused_at, "Paused names the last step");
    std::thread::sleep(Duration::from_millis(600));
    for event in drain(&job) {
        assert!(
            !matches!(event, Event::Step { .. }),
            "a step ran while paused: {event:?}"
        );
        seen.see(&event);
    }
    // A checkpoint saved while paused holds the paused step.
    let paused_path = dir.path().join("paused.vlck");
    let while_paused = save(&job, &mut seen, &paused_path);
    assert_eq!(while_paused.meta.step, paused_at);
    assert_eq!(seen.last_step(), paused_at, "saving does not step");

    // Resume: the next step is the one after the pause.
    assert!(job.send(Command::Resume));
    next(&job, &mut seen, |e| {
        matches!(e, Event::Resumed).then_some(())
    });
    let after = next(&job, &mut seen, |e| match e {
        Event::Step { step, .. } => Some(*step),
        _ => None,
    });
    assert_eq!(after, paused_at + 1, "resumes from the next step");

    // Stop while running, inside the second epoch.
    next(&job, &mut seen, |e| match e {
        Event::Step { step, .. } => (*step >= paused_at + 2).then_some(()),
        _ => None,
    });
    assert!(job.send(Command::Stop));
    let reason = next(&job, &mut seen, |e| match e {
        Event::Finished(reason) => Some(*reason),
        _ => None,
    });
    assert_eq!(reason, FinishReason::Stopped);
    let stopped_at = seen.last_step();
    assert!(
        stopped_at < EPOCHS as u64 * spe,
        "stopped at step {stopped_at}, before the budget's end"
    );
    let epochs_done = (stopped_at / spe) as usize;
    assert_eq!(
        seen.epochs.len(),
        epochs_done,
        "only whole epochs are evaluated"
    );
    assert_eq!(seen.metrics, epochs_done, "one metrics event per epoch");

    // Save after the stop: the checkpoint knows the task and where the run was.
    let first_path = dir.path().join("stopped.vlck");
    let first = save(&job, &mut seen, &first_path);
    drop(job);
    assert_eq!(first.meta.task, config.task);
    assert_eq!(first.meta.step, stopped_at);
    assert_eq!(first.meta.epochs_done, epochs_done);
    assert_eq!(first.meta.batches_into_epoch, stopped_at % spe);
    assert_eq!(first.meta.epochs, seen.epochs, "the epoch history is saved");
    let losses: Vec<(u64, f32)> = seen.steps.iter().map(|s| (s.0, s.2)).collect();
    assert_eq!(first.meta.step_losses, losses, "the loss curve is saved");

    // A run resumed from the checkpoint saved while paused takes the very steps the first
    // run took after the pause: weights, optimizer state and batch order are restored.
    let replay = tasks::spawn_training(
        TrainConfig {
            resume_from: Some(paused_path),
            ..config.clone()
        },
        no_waker(),
    );
    let mut replayed = Seen::new(is_metrics);
    next(&replay, &mut replayed, |e| match e {
        Event::Step { step, .. } => (*step >= paused_at + 2).then_some(()),
        _ => None,
    });
    assert!(replay.send(Command::Stop));
    next(&replay, &mut replayed, |e| {
        matches!(e, Event::Finished(_)).then_some(())
    });
    drop(replay);
    let first_run = &seen.steps[paused_at as usize..];
    assert_eq!(
        replayed.steps[0].0,
        paused_at + 1,
        "the replay starts after the pause"
    );
    let mut largest = 0.0f32;
    for (again, before) in replayed.steps.iter().zip(first_run).take(2) {
        assert_eq!(again.0, before.0);
        let difference = (again.2 - before.2).abs();
        largest = largest.max(difference);
        assert!(
            difference <= 1e-4 * before.2.abs().max(1.0),
            "step {}: loss {} after resuming, {} in the first run",
            before.0,
            again.2,
            before.2
        );
    }
    eprintln!(
        "{:?}: {spe} steps per epoch, paused at {paused_at}, stopped at {stopped_at}; \
         resumed losses differ by at most {largest:e}",
        config.task
    );

    // Resume from the checkpoint saved after the stop: the step count continues inside the
    // same epoch.
    let job = tasks::spawn_training(
        TrainConfig {
            resume_from: Some(first_path),
            ..config
        },
        no_waker(),
    );
    let mut resumed = Seen::new(is_metrics);
    let (step, epoch) = next(&job, &mut resumed, |e| match e {
        Event::Step { step, epoch, .. } => Some((*step, *epoch)),
        _ => None,
    });
    assert_eq!(step, stopped_at + 1, "the step count continues");
    assert_eq!(epoch, epochs_done + 1, "continues inside the stopped epoch");
    let reason = next(&job, &mut resumed, |e| match e {
        Event::Finished(reason) => Some(*reason),
        _ => None,
    });
    assert_eq!(reason, FinishReason::Completed);
    assert_eq!(
        resumed.last_step(),
        EPOCHS as u64 * spe,
        "the budget is used up"
    );
    let numbers: Vec<usize> = resumed.epochs.iter().map(|e| e.epoch).collect();
    assert_eq!(numbers, (epochs_done + 1..=EPOCHS).collect::<Vec<_>>());
    assert_eq!(resumed.metrics, resumed.epochs.len());

    // A larger budget after the end trains one more epoch.
    assert!(job.send(Command::SetEpochs(EPOCHS + 1)));
    let budget = next(&job, &mut resumed, |e| match e {
        Event::EpochsChanged(n) => Some(*n),
        _ => None,
    });
    assert_eq!(budget, EPOCHS + 1);
    assert!(job.send(Command::Resume));
    next(&job, &mut resumed, |e| {
        matches!(e, Event::Resumed).then_some(())
    });
    let reason = next(&job, &mut resumed, |e| match e {
        Event::Finished(reason) => Some(*reason),
        _ => None,
    });
    assert_eq!(reason, FinishReason::Completed);
    let total = (EPOCHS as u64 + 1) * spe;
    assert_eq!(resumed.last_step(), total);
    assert_eq!(resumed.epochs.last().map(|e| e.epoch), Some(EPOCHS + 1));

    // The last checkpoint holds the whole history: the first run's, then the resumed one's.
    let last = save(&job, &mut resumed, &dir.path().join("extended.vlck"));
    assert_eq!(last.meta.task, config.task);
    assert_eq!(last.meta.step, total);
    assert_eq!(last.meta.epochs_done, EPOCHS + 1);
    assert_eq!(last.meta.batches_into_epoch, 0);
    let numbers: Vec<usize> = last.meta.epochs.iter().map(|e| e.epoch).collect();
    assert_eq!(numbers, (1..=EPOCHS + 1).collect::<Vec<_>>());
    assert_eq!(last.meta.epochs[..epochs_done], first.meta.epochs[..]);
    assert_eq!(last.meta.epochs[epochs_done..], resumed.epochs[..]);
    assert_eq!(last.meta.step_losses.len() as u64, total);
    assert_eq!(
        last.meta.step_losses[..losses.len()],
        losses[..],
        "the loss curve continues the first run's"
    );
}
