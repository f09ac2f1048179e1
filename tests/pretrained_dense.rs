//! Detection and segmentation on the pretrained MobileNetV2 encoder (`--model
//! mobilenet_v2`): a run loads the ImageNet weights, trains the heads with the encoder
//! frozen, keeps a checkpoint that predicts and resumes on the same network; the CLI takes
//! the model; sizes the encoder cannot take and classifier-only models are refused with a
//! message.

mod common;

use std::path::Path;

use common::cli::{text, visionlab};
use visionlab::core::device;
use visionlab::core::job::no_waker;
use visionlab::core::protocol::{
    Command, DataSpec, DeviceChoice, Event, ModelKind, Task, TrainConfig,
};
use visionlab::data::Image;
use visionlab::tasks;
use visionlab::tasks::detect::TrainedDetector;
use visionlab::tasks::segment::TrainedSegmenter;

/// A short run of `task` on the encoder: one epoch of 48 built-in shapes at 64×64.
fn encoder_config(task: Task) -> TrainConfig {
    TrainConfig {
        model: ModelKind::MobileNetV2,
        data: DataSpec::Shapes { count: 48, seed: 5 },
        image_size: Some(64),
        epochs: 1,
        batch_size: 16,
        device: DeviceChoice::Cpu,
        ..tasks::defaults(task)
    }
}

/// Runs `config` to its end, saves the checkpoint at `path` and returns the log lines.
fn run_and_save(config: TrainConfig, path: &Path) -> Vec<String> {
    let job = tasks::spawn_training(config, no_waker());
    let mut logs = Vec::new();
    for event in job.events().iter() {
        match event {
            Event::Log(line) => logs.push(line),
            Event::Finished(_) => {
                job.send(Command::SaveCheckpoint(path.to_path_buf()));
            }
            Event::CheckpointSaved(_) => return logs,
            Event::Failed(m) | Event::CheckpointFailed(m) => panic!("failed: {m}"),
            _ => {}
        }
    }
    panic!("the run ended without a checkpoint: {logs:?}")
}

/// The message a run that cannot start fails with.
fn failure(config: TrainConfig) -> String {
    let job = tasks::spawn_training(config, no_waker());
    for event in job.events().iter() {
        match event {
            Event::Failed(m) => return m,
            Event::Finished(_) => panic!("the run should have been refused"),
            _ => {}
        }
    }
    panic!("the job ended without a message")
}

/// A grey 64×64 test picture with a bright square.
fn picture() -> Image {
    let mut pixels = vec![90u8; 64 * 64 * 3];
    for y in 20..40 {
        for x in 16..44 {
            let i = (y * 64 + x) * 3;
            pixels[i..i + 3].copy_from_slice(&[230, 40, 40]);
        }
    }
    Image {
        width: 64,
        height: 64,
        channels: 3,
        pixels,
    }
}

#[test]
fn a_detector_trains_on_the_pretrained_encoder_and_its_checkpoint_predicts_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("det.vlck");
    let logs = run_and_save(encoder_config(Task::Detect), &first);
    assert!(
        logs.iter()
            .any(|l| l.contains("Loading the pretrained MobileNetV2 encoder")),
        "{logs:?}"
    );
    let cpu = device::select(DeviceChoice::Cpu).unwrap();
    let trained = TrainedDetector::load(&first, &cpu).unwrap();
    assert_eq!(trained.checkpoint.meta.config.model, ModelKind::MobileNetV2);
    assert!(trained.model.has_encoder());
    trained.predict(&picture()).unwrap();

    // Resumed, the run keeps the encoder network (and does not read ImageNet again).
    let second = dir.path().join("det2.vlck");
    let resumed = TrainConfig {
        epochs: 2,
        resume_from: Some(first.clone()),
        model: ModelKind::ConvNet,
        ..encoder_config(Task::Detect)
    };
    let logs = run_and_save(resumed, &second);
    assert!(
        !logs.iter().any(|l| l.contains("Loading the pretrained")),
        "{logs:?}"
    );
    let again = TrainedDetector::load(&second, &cpu).unwrap();
    assert!(again.model.has_encoder());
    assert_eq!(again.checkpoint.meta.epochs_done, 2);
}

#[test]
fn a_unet_trains_on_the_pretrained_encoder_and_its_checkpoint_predicts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seg.vlck");
    let config = TrainConfig {
        unet_width: 8,
        ..encoder_config(Task::Segment)
    };
    run_and_save(config, &path);
    let cpu = device::select(DeviceChoice::Cpu).unwrap();
    let trained = TrainedSegmenter::load(&path, &cpu).unwrap();
    assert!(trained.model.has_encoder());
    let mask = trained.predict(&picture()).unwrap();
    assert_eq!(mask.len(), 64 * 64);
}

#[test]
fn sizes_and_models_the_encoder_cannot_take_are_refused() {
    for task in [Task::Detect, Task::Segment] {
        let odd = TrainConfig {
            image_size: Some(72),
            ..encoder_config(task)
        };
        let message = failure(odd);
        assert!(message.contains("multiple of 32"), "{message}");
        let resnet = TrainConfig {
            model: ModelKind::ResNet,
            ..encoder_config(task)
        };
        let message = failure(resnet);
        assert!(message.contains("mobilenet_v2"), "{message}");
    }
}

#[test]
fn the_cli_trains_a_detector_on_the_encoder_and_predicts_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let ck = dir.path().join("cli.vlck");
    let out = visionlab(&[
        "train",
        "--task",
        "detect",
        "--model",
        "mobilenet_v2",
        "--data",
        "shapes",
        "--count",
        "40",
        "--image-size",
        "64",
        "--epochs",
        "1",
        "--no-keep",
        "--device",
        "cpu",
        "--out",
        ck.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let image = dir.path().join("p.png");
    let p = picture();
    visionlab::data::image_folder::save_png(&image, &p).unwrap();
    let out = visionlab(&[
        "predict",
        "--task",
        "detect",
        "--device",
        "cpu",
        "--model",
        ck.to_str().unwrap(),
        image.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("\"boxes\""),
        "{}",
        text(&out.stdout)
    );
}
