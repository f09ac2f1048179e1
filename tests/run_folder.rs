//! Every training run keeps itself in a run folder under its runs root, driven through the
//! protocol: `config.json`, `last.vlck` after every epoch (and when stopped mid-epoch),
//! `best.vlck` after the best epoch, and the run's record; a run resumed from its folder
//! continues it, one resumed from elsewhere gets a new folder; every task keeps.

mod common;

use std::path::{Path, PathBuf};

use common::events::{serial, wait_for};
use visionlab::core::job::{JobHandle, no_waker};
use visionlab::core::protocol::{
    Command, DataSpec, DeviceChoice, Event, FinishReason, KeepEvent, KeptCheckpoint, Task,
    TrainConfig,
};
use visionlab::tasks;
use visionlab::train::checkpoint;
use visionlab::train::record::Status;
use visionlab::train::run_folder::{self, BEST, CONFIG, LAST};
use visionlab::train::runs;

/// A small run of `task` on the CPU that keeps itself under `root`.
fn small(task: Task, root: &Path, epochs: usize) -> TrainConfig {
    TrainConfig {
        data: DataSpec::Shapes {
            count: 120,
            seed: 3,
        },
        epochs,
        batch_size: 32,
        image_size: Some(16),
        device: DeviceChoice::Cpu,
        runs_dir: Some(root.to_path_buf()),
        ..tasks::defaults(task)
    }
}

/// What a run said until it finished: its folder, its kept checkpoints, its epochs'
/// validation accuracies, and how it ended.
struct Kept {
    folder: PathBuf,
    checkpoints: Vec<KeptCheckpoint>,
    accuracies: Vec<f32>,
    reason: FinishReason,
}

fn until_finished(job: &JobHandle) -> Kept {
    until_finished_in(job, None)
}

/// [`until_finished`] for a run whose folder was already reported (`folder`).
fn until_finished_in(job: &JobHandle, mut folder: Option<PathBuf>) -> Kept {
    let mut checkpoints = Vec::new();
    let mut accuracies = Vec::new();
    let reason = wait_for(job, |event| match event {
        Event::Kept(KeepEvent::Folder(dir)) => {
            assert!(folder.is_none(), "one folder per run");
            folder = Some(dir.clone());
            None
        }
        Event::Kept(KeepEvent::Checkpoint(kept)) => {
            checkpoints.push(kept.clone());
            None
        }
        Event::Kept(KeepEvent::Failed(message)) => panic!("keeping failed: {message}"),
        Event::Epoch(summary) => {
            accuracies.push(summary.val_accuracy);
            None
        }
        Event::Finished(reason) => Some(*reason),
        _ => None,
    });
    Kept {
        folder: folder.expect("the run folder was reported"),
        checkpoints,
        accuracies,
        reason,
    }
}

#[test]
fn a_classification_run_keeps_last_and_best_and_a_resumed_run_continues_its_folder() {
    let _serial = serial();
    let root = tempfile::tempdir().expect("a temporary folder");
    let config = small(Task::Classify, root.path(), 2);
    let job = tasks::spawn_training(config.clone(), no_waker());
    let first = until_finished(&job);
    drop(job);
    assert_eq!(first.reason, FinishReason::Completed);
    let name = first.folder.file_name().unwrap().to_string_lossy();
    assert!(name.starts_with("classify-"), "{name}");
    assert_eq!(first.folder.parent(), Some(root.path()));

    // last.vlck after each epoch; best.vlck after the first and any epoch that beat it.
    let lasts: Vec<(usize, bool)> = first
        .checkpoints
        .iter()
        .filter(|k| !k.best)
        .map(|k| (k.epochs_done, k.path == first.folder.join(LAST)))
        .collect();
    assert_eq!(lasts, [(1, true), (2, true)]);
    let best = first
        .checkpoints
        .iter()
        .rfind(|k| k.best)
        .expect("a best checkpoint");
    assert_eq!(best.path, first.folder.join(BEST));
    assert!(first.checkpoints[1].best, "epoch 1 is the first best");

    // The files: the config, the last epoch, the best epoch (highest accuracy).
    let json = std::fs::read(first.folder.join(CONFIG)).expect("config.json");
    let kept_config: TrainConfig = serde_json::from_slice(&json).expect("a TrainConfig");
    assert_eq!(kept_config.data, config.data);
    assert_eq!(kept_config.runs_dir, config.runs_dir);
    let last = checkpoint::load(&first.folder.join(LAST)).expect("last.vlck loads");
    assert_eq!(last.meta.epochs_done, 2);
    let best_meta = checkpoint::read_meta(&first.folder.join(BEST)).expect("best.vlck");
    let top = first.accuracies.iter().cloned().fold(f32::MIN, f32::max);
    assert_eq!(best_meta.epochs.last().map(|e| e.val_accuracy), Some(top));
    assert_eq!(best_meta.epochs_done, best.epochs_done);

    // Resuming from the run's folder: the same folder, its record continued.
    let elsewhere = root.path().join("copy.vlck");
    std::fs::copy(first.folder.join(LAST), &elsewhere).expect("a copy");
    let resumed = tasks::spawn_training(
        TrainConfig {
            epochs: 3,
            resume_from: Some(first.folder.join(LAST)),
            ..config.clone()
        },
        no_waker(),
    );
    let second = until_finished(&resumed);
    drop(resumed);
    assert_eq!(second.folder, first.folder);
    let record = run_folder::find_runs(root.path(), None, 10);
    assert_eq!(record.len(), 1);
    let loaded = runs::load_run(&first.folder);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let epochs: Vec<usize> = loaded.epochs.iter().map(|e| e.epoch).collect();
    assert_eq!(epochs, [1, 2, 3]);
    let info = loaded.info.expect("run.json");
    assert_eq!(info.status, Status::Finished);
    assert_eq!(info.resumed_from, Some(first.folder.join(LAST)));
    assert_eq!(info.epochs_done, 3);
    let epochs: Vec<usize> = second
        .checkpoints
        .iter()
        .filter(|k| !k.best)
        .map(|k| k.epochs_done)
        .collect();
    assert_eq!(epochs, [3]);

    // Resuming from a checkpoint outside a run folder: a new folder.
    let resumed = tasks::spawn_training(
        TrainConfig {
            epochs: 3,
            resume_from: Some(elsewhere),
            ..config
        },
        no_waker(),
    );
    let second = until_finished(&resumed);
    assert_ne!(second.folder, first.folder);
    let epochs: Vec<usize> = second
        .checkpoints
        .iter()
        .filter(|k| !k.best)
        .map(|k| k.epochs_done)
        .collect();
    assert_eq!(epochs, [3]);
    let found = run_folder::find_runs(root.path(), Some(Task::Classify), 10);
    assert_eq!(found.len(), 2);
}

#[test]
fn a_run_stopped_mid_epoch_keeps_where_it_stopped() {
    let _serial = serial();
    let root = tempfile::tempdir().expect("a temporary folder");
    let config = TrainConfig {
        data: DataSpec::Shapes {
            count: 1200,
            seed: 3,
        },
        ..small(Task::Classify, root.path(), 5)
    };
    let job = tasks::spawn_training(config, no_waker());
    // 960 training images in batches of 32: 30 steps an epoch; stop early in the first.
    // The folder is made when the run starts, before its first step.
    let mut folder = None;
    wait_for(&job, |event| match event {
        Event::Kept(KeepEvent::Folder(dir)) => {
            folder = Some(dir.clone());
            None
        }
        Event::Step { step: 2, .. } => Some(()),
        _ => None,
    });
    assert!(folder.is_some(), "the folder is made before the first step");
    job.send(Command::Stop);
    let kept = until_finished_in(&job, folder);
    assert_eq!(kept.reason, FinishReason::Stopped);
    let info = runs::load_run(&kept.folder).info.expect("run.json");
    assert_eq!(info.status, Status::Stopped);
    let [last] = kept.checkpoints.as_slice() else {
        panic!("one kept checkpoint: {:?}", kept.checkpoints);
    };
    assert!(!last.best);
    assert_eq!(last.epochs_done, 0);
    assert!(
        last.step >= 2 && last.step < 30,
        "stopped at step {}",
        last.step
    );
    assert_eq!(last.path, kept.folder.join(LAST));
    let meta = checkpoint::read_meta(&last.path).expect("last.vlck");
    assert_eq!((meta.step, meta.epochs_done), (last.step, 0));
}

#[test]
fn segmentation_and_detection_runs_keep_themselves_too() {
    let _serial = serial();
    let root = tempfile::tempdir().expect("a temporary folder");
    for (task, prefix) in [(Task::Segment, "segment-"), (Task::Detect, "detect-")] {
        let config = TrainConfig {
            data: DataSpec::Shapes { count: 40, seed: 3 },
            image_size: tasks::defaults(task).image_size,
            ..small(task, root.path(), 1)
        };
        let job = tasks::spawn_training(config, no_waker());
        let kept = until_finished(&job);
        let name = kept
            .folder
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(name.starts_with(prefix), "{name}");
        for file in [LAST, BEST, CONFIG] {
            assert!(kept.folder.join(file).is_file(), "{name}/{file}");
        }
        let meta = checkpoint::read_meta(&kept.folder.join(LAST)).expect("last.vlck");
        assert_eq!((meta.task, meta.epochs_done), (task, 1));
    }
}
