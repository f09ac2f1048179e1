//! The classification training job on the CPU: accuracy, optimizers, checkpoints for other
//! classes refused, failures reported as events. (Pause, stop, save and resume are tested
//! for every task in `train_controls.rs`.)

use std::time::{Duration, Instant};
use visionlab::core::job;
use visionlab::tasks;

use visionlab::core::job::JobHandle;
use visionlab::core::protocol::{
    Command, DataSpec, DeviceChoice, Event, ModelKind, OptimizerKind, TrainConfig,
};

const TIMEOUT: Duration = Duration::from_secs(300);

/// The tests of this file, one at a time: every job seeds and draws from the same CPU
/// device's random generator, so jobs running side by side would draw each other's
/// numbers and a seeded run would not start from the same weights twice.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn shapes(count: usize) -> TrainConfig {
    TrainConfig {
        data: DataSpec::Shapes { count, seed: 3 },
        device: DeviceChoice::Cpu,
        ..TrainConfig::default()
    }
}

/// Waits for the first event that `pick` accepts; fails on `Failed` or timeout.
fn wait_for<T>(job: &JobHandle, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match job.events().recv_timeout(left) {
            Ok(Event::Failed(message)) => panic!("job failed: {message}"),
            Ok(event) => {
                if let Some(found) = pick(&event) {
                    return found;
                }
            }
            Err(e) => panic!("no expected event: {e}"),
        }
    }
}

#[test]
fn convnet_learns_shapes_to_90_percent() {
    let _serial = serial();
    let config = TrainConfig {
        epochs: 14,
        batch_size: 16,
        ..shapes(4000)
    };
    let epochs = tasks::train_blocking(config).expect("training runs");
    let last = epochs.last().expect("epochs ran");
    eprintln!("shapes convnet: {epochs:#?}");
    assert!(
        last.val_accuracy >= 0.90,
        "validation accuracy {:.3} < 0.90",
        last.val_accuracy
    );
    assert!(last.train_loss < epochs[0].train_loss);
}

/// The same seed, data and settings give the same run, to the bit: a result can be repeated
/// and two settings compared without the noise of the run itself.
#[test]
fn a_seeded_run_repeats_exactly() {
    let _serial = serial();
    let config = TrainConfig {
        epochs: 2,
        batch_size: 16,
        ..shapes(400)
    };
    let first = tasks::train_blocking(config.clone()).expect("training runs");
    let second = tasks::train_blocking(config).expect("training runs");
    assert_eq!(first.len(), 2);
    // Everything but the wall-clock seconds.
    let figures = |epochs: &[visionlab::core::protocol::EpochSummary]| {
        epochs
            .iter()
            .map(|e| [e.train_loss, e.train_accuracy, e.val_loss, e.val_accuracy].map(f32::to_bits))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        figures(&first),
        figures(&second),
        "{first:#?} vs {second:#?}"
    );
}

#[test]
fn resnet_with_sgd_trains() {
    let _serial = serial();
    let config = TrainConfig {
        model: ModelKind::ResNet,
        optimizer: OptimizerKind::Sgd,
        learning_rate: 0.05,
        epochs: 2,
        ..shapes(160)
    };
    let epochs = tasks::train_blocking(config).expect("training runs");
    assert_eq!(epochs.len(), 2);
    assert!(epochs.iter().all(|e| e.train_loss.is_finite()));
}

#[test]
fn a_panicking_job_is_reported_as_failed() {
    let _serial = serial();
    let job = job::spawn_job("boom", job::no_waker(), |_, _| {
        panic!("deliberate test panic")
    });
    let event = job.events().recv_timeout(TIMEOUT).expect("an event");
    match event {
        Event::Failed(message) => assert!(message.contains("deliberate test panic")),
        other => panic!("expected Failed, got {other:?}"),
    }
}

#[test]
fn a_missing_folder_fails_with_its_name() {
    let _serial = serial();
    let job = tasks::spawn_training(
        TrainConfig {
            data: DataSpec::Folder("/no/such/visionlab-folder".into()),
            device: DeviceChoice::Cpu,
            ..TrainConfig::default()
        },
        job::no_waker(),
    );
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match job.events().recv_timeout(deadline - Instant::now()) {
            Ok(Event::Failed(message)) => {
                assert!(message.contains("/no/such/visionlab-folder"), "{message}");
                break;
            }
            Ok(_) => {}
            Err(e) => panic!("no Failed event: {e}"),
        }
    }
}

#[test]
fn a_checkpoint_for_other_classes_is_refused() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("five.vlck");
    let job = tasks::spawn_training(
        TrainConfig {
            epochs: 1,
            ..shapes(100)
        },
        job::no_waker(),
    );
    wait_for(&job, |e| matches!(e, Event::Finished(_)).then_some(()));
    job.send(Command::SaveCheckpoint(path.clone()));
    wait_for(&job, |e| {
        matches!(e, Event::CheckpointSaved(_)).then_some(())
    });
    drop(job);

    // A two-class folder cannot continue a five-class run.
    let data = dir.path().join("two");
    for class in ["a", "b"] {
        std::fs::create_dir_all(data.join(class)).unwrap();
        for i in 0..4 {
            let img = image::RgbImage::from_pixel(32, 32, image::Rgb([i * 40, 0, 0]));
            img.save(data.join(class).join(format!("{i}.png"))).unwrap();
        }
    }
    let job = tasks::spawn_training(
        TrainConfig {
            data: DataSpec::Folder(data),
            resume_from: Some(path),
            device: DeviceChoice::Cpu,
            ..TrainConfig::default()
        },
        job::no_waker(),
    );
    let message = loop {
        match job.events().recv_timeout(TIMEOUT) {
            Ok(Event::Failed(m)) => break m,
            Ok(_) => {}
            Err(e) => panic!("no Failed event: {e}"),
        }
    };
    assert!(
        message.contains("five.vlck") && message.contains("classes"),
        "{message}"
    );
}
