//! Segmentation training end to end on the CPU: the U-Net learns the shapes' masks, its
//! checkpoint predicts masks for image files, and bad checkpoints are refused.

use std::path::PathBuf;
use std::time::Duration;
use visionlab::tasks;

use visionlab::core::device;
use visionlab::core::job::no_waker;
use visionlab::core::protocol::{
    Command, DataSpec, DeviceChoice, Event, SegmentEvent, SegmentationSummary, TrainConfig,
};
use visionlab::tasks::segment::{TrainedSegmenter, data as masks, predict_files};

const TIMEOUT: Duration = Duration::from_secs(900);

/// The segmentation defaults (what the GUI and `visionlab train --task segment` start from),
/// on the CPU, with 6 of their 10 epochs to keep the suite quick: with the defaults, seeds
/// 1–4 at one thread all passed mIoU 0.95 by epoch 5 (`visionlab train --task segment
/// --data shapes --seed S --json`).
fn config() -> TrainConfig {
    TrainConfig {
        epochs: 6,
        device: DeviceChoice::Cpu,
        ..tasks::segment::defaults::config()
    }
}

/// Trains to the end, saves a checkpoint to `out`, returns the segmentation summaries.
fn train_and_save(config: TrainConfig, out: &std::path::Path) -> Vec<SegmentationSummary> {
    let job = tasks::spawn_training(config, no_waker());
    let mut metrics = Vec::new();
    let mut masks_seen = 0;
    loop {
        match job.events().recv_timeout(TIMEOUT) {
            Ok(Event::Segment(SegmentEvent::Metrics(m))) => metrics.push(m),
            Ok(Event::Segment(SegmentEvent::Masks(m))) => {
                assert!(!m.is_empty());
                assert!(m.iter().all(|p| p.truth.len() == p.predicted.len()
                    && p.truth.len() == p.image.width * p.image.height));
                masks_seen += 1;
            }
            Ok(Event::Finished(_)) => {
                assert!(job.send(Command::SaveCheckpoint(out.to_path_buf())));
            }
            Ok(Event::CheckpointSaved(_)) => break,
            Ok(Event::Failed(m) | Event::CheckpointFailed(m)) => panic!("failed: {m}"),
            Ok(_) => {}
            Err(e) => panic!("no event: {e}"),
        }
    }
    assert_eq!(masks_seen, metrics.len());
    metrics
}

#[test]
fn unet_learns_shapes_masks_and_predicts_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ck = tmp.path().join("seg.vlck");
    let metrics = train_and_save(config(), &ck);
    let last = metrics.last().expect("epochs ran");
    eprintln!(
        "shapes segmentation: mIoU {:.3}, pixel accuracy {:.3}, per class {:?}",
        last.mean_iou, last.pixel_accuracy, last.class_iou
    );
    assert!(
        last.mean_iou >= 0.85,
        "validation mIoU {:.3} < 0.85",
        last.mean_iou
    );
    assert!(last.pixel_accuracy > 0.9);
    assert!(metrics.first().expect("first").mean_iou < last.mean_iou);

    // The checkpoint predicts masks for image files, written at the files' own size.
    let data = tmp.path().join("data");
    masks::write_shapes(&data, 5, 48, 99).expect("write shapes");
    let images: Vec<PathBuf> = (0..5)
        .map(|i| data.join("images").join(format!("{i:05}.png")))
        .collect();
    let selected = device::select(DeviceChoice::Cpu).expect("cpu");
    let trained = TrainedSegmenter::load(&ck, &selected).expect("checkpoint loads");
    let out = tmp.path().join("pred");
    let files = predict_files(&trained, &images, &out).expect("predicts");
    assert_eq!(files.len(), 5);
    let mut right = 0usize;
    let mut total = 0usize;
    for file in &files {
        let mask = masks::read_mask(&file.mask, 1 << 20).expect("mask PNG reads back");
        assert_eq!((mask.width, mask.height), (48, 48));
        let stem = file
            .image
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("stem");
        let truth = masks::read_mask(&data.join("masks").join(format!("{stem}.png")), 1 << 20)
            .expect("truth");
        right += mask
            .values
            .iter()
            .zip(&truth.values)
            .filter(|(a, b)| a == b)
            .count();
        total += truth.values.len();
        let overlay = image::open(&file.overlay).expect("overlay decodes");
        assert_eq!((overlay.width(), overlay.height()), (48, 48));
    }
    // Upscaled 48 px images through a 32 px network: most pixels still right.
    let accuracy = right as f32 / total as f32;
    assert!(accuracy > 0.85, "pixel accuracy on files {accuracy:.3}");
}

#[test]
fn classification_checkpoints_are_refused_for_segmentation() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ck = tmp.path().join("cls.vlck");
    let job = tasks::spawn_training(
        TrainConfig {
            data: DataSpec::Shapes { count: 40, seed: 1 },
            epochs: 1,
            device: DeviceChoice::Cpu,
            ..TrainConfig::default()
        },
        no_waker(),
    );
    for event in job.events().iter() {
        match event {
            Event::Finished(_) => {
                job.send(Command::SaveCheckpoint(ck.clone()));
            }
            Event::CheckpointSaved(_) => break,
            Event::Failed(m) => panic!("{m}"),
            _ => {}
        }
    }
    let selected = device::select(DeviceChoice::Cpu).expect("cpu");
    let err = TrainedSegmenter::load(&ck, &selected)
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains("cls.vlck") && err.contains("not a segmentation model"),
        "{err}"
    );
    // Resuming a segmentation run from it fails with the same kind of message.
    let failed = tasks::train_blocking(TrainConfig {
        resume_from: Some(ck.clone()),
        ..config()
    })
    .expect_err("refused");
    assert!(
        failed.to_string().contains("segmentation checkpoint"),
        "{failed}"
    );
}

#[test]
fn a_folder_without_pairs_fails_the_job_with_its_name() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let err = tasks::train_blocking(TrainConfig {
        data: DataSpec::Folder(tmp.path().join("missing-seg")),
        ..config()
    })
    .expect_err("fails");
    assert!(err.to_string().contains("missing-seg"), "{err}");
}
