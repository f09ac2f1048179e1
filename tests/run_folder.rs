//! Every training run keeps itself in a run folder under its runs root, driven through the
//! protocol: `config.json`, `last.vlck` after every epoch (and when stopped mid-epoch),
//! `best.vlck` after the best epoch; a resumed run gets a new folder; every task keeps.

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
use visionlab::train::run_folder::{self, BEST, CONFIG, LAST};

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
    let mut folder = None;
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
fn a_classification_run_keeps_last_and_best_and_a_resumed_run_gets_a_new_folder() {
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

    // Resuming: a new folder, continuing the epochs.
    let resumed = tasks::spawn_training(
        TrainConfig {
            epochs: 3,
            resume_from: Some(first.folder.join(LAST)),
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
    wait_for(&job, |event| match event {
        Event::Step { step: 2, .. } => Some(()),
        _ => None,
    });
    job.send(Command::Stop);
    let kept = until_finished(&job);
    assert_eq!(kept.reason, FinishReason::Stopped);
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
