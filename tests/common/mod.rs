//! Helpers shared by the integration tests. Each test binary that says `mod common;`
//! compiles all of them and uses only some, hence the `dead_code` allowance.
//!
//! - this file: a small ConvNet trained on the built-in shapes once per test binary (the
//!   attack and compression tests), training a config and saving its checkpoint, and the
//!   tiny detection and segmentation runs that end in seconds;
//! - [`ui`]: driving the app through its accessibility tree (the `ui_*` tests);
//! - [`events`]: waiting for a job's events (the training tests);
//! - [`cli`]: running the binary.
#![allow(dead_code)]

pub mod cli;
pub mod events;
pub mod ui;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use visionlab::core::job;
use visionlab::tasks;

use visionlab::core::protocol::{Command, DataSpec, DeviceChoice, Event, Task, TrainConfig};

/// The data the model is trained on: 3000 shapes, 600 of them held out for validation.
pub fn data() -> DataSpec {
    DataSpec::Shapes {
        count: 3000,
        seed: 7,
    }
}

/// Path of a ConvNet checkpoint trained on [`data`] (trained on first use,
/// kept in a temporary folder for the life of the test binary).
pub fn trained_model() -> PathBuf {
    static MODEL: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let path = dir.path().join("shapes.vlck");
            let config = TrainConfig {
                data: data(),
                // 16×16 shapes: a ConvNet gets to about 50 % (2.5× chance) in ~10 s on 2 cores.
                image_size: Some(16),
                epochs: 20,
                batch_size: 32,
                learning_rate: 4e-3,
                augment: true,
                flip: false,
                device: DeviceChoice::Cpu,
                ..TrainConfig::default()
            };
            train_and_save(config, &path);
            (dir, path)
        })
        .1
        .clone()
}

/// Trains `config` and saves its checkpoint at `path`; panics when either fails.
pub fn train_and_save(config: TrainConfig, path: &Path) {
    let job = tasks::spawn_training(config, job::no_waker());
    for event in job.events().iter() {
        match event {
            Event::Finished(_) => {
                job.send(Command::SaveCheckpoint(path.to_path_buf()));
            }
            Event::CheckpointSaved(_) => return,
            Event::Failed(message) | Event::CheckpointFailed(message) => {
                panic!("training the test model failed: {message}")
            }
            _ => {}
        }
    }
    panic!("the training job ended without a checkpoint")
}

/// A detection run that ends in seconds: one epoch of `count` 32×32 shapes scenes on the
/// CPU.
pub fn tiny_detect_config(count: usize) -> TrainConfig {
    TrainConfig {
        task: Task::Detect,
        data: DataSpec::Shapes { count, seed: 3 },
        epochs: 1,
        batch_size: 16,
        image_size: Some(32),
        device: DeviceChoice::Cpu,
        ..TrainConfig::default()
    }
}

/// A segmentation run that ends in seconds: one epoch of 120 shapes on the CPU, a U-Net
/// of width 8.
pub fn tiny_segment_config() -> TrainConfig {
    TrainConfig {
        task: Task::Segment,
        data: DataSpec::Shapes {
            count: 120,
            seed: 3,
        },
        epochs: 1,
        batch_size: 16,
        unet_width: 8,
        device: DeviceChoice::Cpu,
        ..TrainConfig::default()
    }
}
