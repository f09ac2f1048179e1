//! Detection training end to end on the CPU: the CenterNet-style detector learns the
//! shapes' boxes (mAP@0.5 ≥ 0.85), its checkpoint round-trips, `visionlab predict --task
//! detect --json` prints boxes in the file's own pixels and draws them, and bad input is
//! refused with a message.

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use visionlab::tasks;

use visionlab::tasks::detect::data as detection;

use visionlab::core::device;
use visionlab::core::job::no_waker;
use visionlab::core::protocol::{
    Command, DataSpec, DetectEvent, DetectionSummary, DeviceChoice, Event, TrainConfig,
};
use visionlab::data::image_folder::save_png;
use visionlab::tasks::detect::TrainedDetector;
use visionlab::tasks::detect::data::LabeledBox;

const TIMEOUT: Duration = Duration::from_secs(900);
/// The shapes the detector trains on (and whose validation split the tests reuse).
const SHAPES: DataSpec = DataSpec::Shapes {
    count: 2500,
    seed: 7,
};

/// The detection defaults (what the GUI and `visionlab train --task detect` start from), on
/// the CPU, two epochs shorter to keep the suite quick (6 epochs reach mAP@0.5 ≈ 0.96).
fn config() -> TrainConfig {
    TrainConfig {
        epochs: 6,
        device: DeviceChoice::Cpu,
        ..tasks::detect::defaults::config()
    }
}

struct Trained {
    _dir: tempfile::TempDir,
    checkpoint: PathBuf,
    metrics: Vec<DetectionSummary>,
    seconds: f32,
}

/// Trains once per test binary and saves the checkpoint.
fn trained() -> &'static Trained {
    static TRAINED: OnceLock<Trained> = OnceLock::new();
    TRAINED.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let checkpoint = dir.path().join("detect.vlck");
        let started = Instant::now();
        let job = tasks::spawn_training(config(), no_waker());
        let mut metrics = Vec::new();
        let mut boxes_seen = 0;
        loop {
            match job.events().recv_timeout(TIMEOUT) {
                Ok(Event::Detect(DetectEvent::Metrics(m))) => metrics.push(m),
                Ok(Event::Detect(DetectEvent::Boxes(b))) => {
                    assert!(!b.is_empty());
                    for p in &b {
                        assert_eq!(p.image.pixels.len(), p.image.width * p.image.height * 4);
                        for s in &p.predicted {
                            let mask = s.mask.as_ref().expect("an instance mask per box");
                            assert_eq!(mask.pixels.len(), p.image.width * p.image.height);
                        }
                    }
                    boxes_seen += 1;
                }
                Ok(Event::Finished(_)) => {
                    assert!(job.send(Command::SaveCheckpoint(checkpoint.clone())));
                }
                Ok(Event::CheckpointSaved(_)) => break,
                Ok(Event::Failed(m) | Event::CheckpointFailed(m)) => panic!("failed: {m}"),
                Ok(_) => {}
                Err(e) => panic!("no event: {e}"),
            }
        }
        assert_eq!(boxes_seen, metrics.len());
        Trained {
            _dir: dir,
            checkpoint,
            metrics,
            seconds: started.elapsed().as_secs_f32(),
        }
    })
}

#[test]
fn detector_learns_shapes_boxes() {
    let t = trained();
    let last = t.metrics.last().expect("epochs ran");
    eprintln!(
        "shapes detection: mAP@0.5 {:.3}, mAP@0.5:0.95 {:.3}, per class {:?}, {:.0} s",
        last.map50, last.map, last.class_ap50, t.seconds
    );
    assert!(
        last.map50 >= 0.85,
        "validation mAP@0.5 {:.3} < 0.85",
        last.map50
    );
    assert!(last.map <= last.map50);
    assert!(t.metrics[0].map50 < last.map50);
}

/// The validation scenes of [`SHAPES`] (the same generator and split as the run).
fn validation_scenes() -> Vec<detection::DetectionSample> {
    let DataSpec::Shapes { count, seed } = SHAPES else {
        unreachable!()
    };
    detection::shapes_set(count, 64, seed, 0.2).val
}

fn iou(a: &LabeledBox, b: [f32; 4]) -> f32 {
    let w = (a.x1.min(b[2]) - a.x0.max(b[0])).max(0.0);
    let h = (a.y1.min(b[3]) - a.y0.max(b[1])).max(0.0);
    let inter = w * h;
    let union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
    inter / union.max(1e-6)
}

#[test]
fn checkpoint_round_trips_and_resumes() {
    let t = trained();
    let selected = device::select(DeviceChoice::Cpu).expect("cpu");
    let a = TrainedDetector::load(&t.checkpoint, &selected).expect("loads");
    let b = TrainedDetector::load(&t.checkpoint, &selected).expect("loads again");
    assert_eq!(
        a.classes(),
        ["circle", "square", "triangle", "cross", "star"]
    );
    let scene = &validation_scenes()[0];
    let pa = a.predict(&scene.image).expect("predicts");
    let pb = b.predict(&scene.image).expect("predicts");
    assert_eq!(pa.boxes, pb.boxes);
    assert!(!pa.boxes.is_empty());

    // Resuming continues the step count and the epoch budget.
    let dir = tempfile::tempdir().expect("tempdir");
    let resumed = TrainConfig {
        epochs: config().epochs + 1,
        resume_from: Some(t.checkpoint.clone()),
        data: DataSpec::Shapes { count: 60, seed: 7 },
        ..config()
    };
    let job = tasks::spawn_training(resumed, no_waker());
    let mut epochs = Vec::new();
    let mut first_step = None;
    loop {
        match job.events().recv_timeout(TIMEOUT) {
            Ok(Event::Step { step, .. }) => {
                first_step.get_or_insert(step);
            }
            Ok(Event::Epoch(e)) => epochs.push(e.epoch),
            Ok(Event::Finished(_)) => {
                job.send(Command::SaveCheckpoint(dir.path().join("more.vlck")));
            }
            Ok(Event::CheckpointSaved(_)) => break,
            Ok(Event::Failed(m) | Event::CheckpointFailed(m)) => panic!("failed: {m}"),
            Ok(_) => {}
            Err(e) => panic!("no event: {e}"),
        }
    }
    assert_eq!(epochs, vec![config().epochs + 1]);
    assert!(first_step.expect("steps") > 1);
}

fn run_cli(args: &[&str]) -> std::process::Output {
    Process::new(env!("CARGO_BIN_EXE_visionlab"))
        // Runs the binary keeps go to a scratch folder, not the user's data folder.
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .args(args)
        .env("BURN_DEVICE", "flex")
        .output()
        .expect("the binary runs")
}

/// Writes `scene` upscaled ×2 (nearest) as PNG, so the boxes must come back in the file's
/// own pixels.
fn write_upscaled(scene: &detection::DetectionSample, path: &Path) {
    let img = &scene.image;
    let (w, h) = (img.width * 2, img.height * 2);
    let mut pixels = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let i = (((y / 2) * img.width + x / 2) * 3) as usize;
            pixels.extend_from_slice(&img.pixels[i..i + 3]);
        }
    }
    let big = visionlab::data::Image {
        width: w,
        height: h,
        channels: 3,
        pixels,
    };
    save_png(path, &big).expect("png written");
}

#[test]
fn predict_cli_prints_boxes_in_file_pixels_and_draws_them() {
    let t = trained();
    let dir = tempfile::tempdir().expect("tempdir");
    let scenes = validation_scenes();
    let mut files = Vec::new();
    for (i, scene) in scenes.iter().take(3).enumerate() {
        let path = dir.path().join(format!("scene{i}.png"));
        write_upscaled(scene, &path);
        files.push(path);
    }
    let out_dir = dir.path().join("out");
    let mut args = vec![
        "predict",
        "--task",
        "detect",
        "--model",
        t.checkpoint.to_str().expect("utf-8 path"),
        "--json",
        "--device",
        "cpu",
        "--out",
        out_dir.to_str().expect("utf-8 path"),
    ];
    args.extend(files.iter().map(|f| f.to_str().expect("utf-8 path")));
    let output = run_cli(&args);
    assert!(
        output.status.success(),
        "predict failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "one JSON line per image: {stdout}");
    let mut matched = 0;
    let mut truths = 0;
    for (line, scene) in lines.iter().zip(&scenes) {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        assert_eq!(v["size"], serde_json::json!([128, 128]));
        let boxes = v["boxes"].as_array().expect("boxes");
        for b in boxes {
            let row: Vec<f64> = b
                .as_array()
                .expect("a row")
                .iter()
                .map(|x| x.as_f64().expect("a number"))
                .collect();
            assert_eq!(row.len(), 6, "[x0, y0, x1, y1, score, class]");
            assert!(row[4] >= 0.3 && row[4] <= 1.0);
            assert!(row[0] <= row[2] && row[1] <= row[3]);
            assert!(row[2] <= 128.0 && row[3] <= 128.0);
        }
        // Each true box (×2) is found by a box of its class.
        for truth in &scene.boxes {
            truths += 1;
            let scaled = LabeledBox {
                class: truth.class,
                x0: truth.x0 * 2.0,
                y0: truth.y0 * 2.0,
                x1: truth.x1 * 2.0,
                y1: truth.y1 * 2.0,
            };
            if boxes.iter().any(|b| {
                let r: Vec<f32> = b
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|x| x.as_f64().unwrap_or(-1.0) as f32)
                    .collect();
                r[5] as usize == truth.class && iou(&scaled, [r[0], r[1], r[2], r[3]]) >= 0.5
            }) {
                matched += 1;
            }
        }
        let drawn = v["drawn"].as_str().expect("a drawn picture");
        let picture = image::open(drawn).expect("readable PNG");
        assert_eq!((picture.width(), picture.height()), (128, 128));
    }
    assert!(
        matched * 10 >= truths * 7,
        "{matched} of {truths} true boxes found"
    );
}

#[test]
fn bad_input_is_refused_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A missing folder.
    let missing = dir.path().join("nope");
    let err = tasks::train_blocking(TrainConfig {
        data: DataSpec::Folder(missing.clone()),
        ..config()
    })
    .expect_err("a missing folder fails");
    assert!(err.to_string().contains("nope"), "{err}");
    // An image size the detector cannot take.
    let err = tasks::train_blocking(TrainConfig {
        image_size: Some(30),
        data: DataSpec::Shapes { count: 20, seed: 1 },
        ..config()
    })
    .expect_err("30 px fails");
    assert!(err.to_string().contains("multiple of 8"), "{err}");
    // A file that is no checkpoint, and an unreadable image.
    let fake = dir.path().join("fake.vlck");
    std::fs::write(&fake, b"not a checkpoint").expect("write");
    let output = run_cli(&[
        "predict",
        "--task",
        "detect",
        "--model",
        fake.to_str().expect("utf-8"),
        "x.png",
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("fake.vlck"));
    let t = trained();
    let broken = dir.path().join("broken.png");
    std::fs::write(&broken, b"\x89PNG garbage").expect("write");
    let output = run_cli(&[
        "predict",
        "--task",
        "detect",
        "--model",
        t.checkpoint.to_str().expect("utf-8"),
        broken.to_str().expect("utf-8"),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("broken.png") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn throughput_is_measured() {
    let device = burn::tensor::Device::flex();
    let rate = visionlab::tasks::detect::train::detector_train_images_per_second(2, 4, &device);
    assert!(rate.is_finite() && rate > 0.0, "{rate} images/s");
}
