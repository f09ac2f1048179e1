//! Bad arguments, model sizes and built-in data requests get a one-line error that names the
//! argument (or the checkpoint file) and the allowed range: no panic, no abort, no
//! allocation without bound (issue 20). Each case runs with a timeout so a regression
//! cannot hang the suite.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use burn::prelude::Device;
use common::ui::{click, harness, is_enabled};
use visionlab::core::protocol::{DataSpec, DeviceChoice, ModelKind, Task, TrainConfig};
use visionlab::data::batch::Normalization;
use visionlab::models::{Classifier, InputShape};
use visionlab::tasks;
use visionlab::tasks::detect::DETECTOR_WIDTH;
use visionlab::tasks::detect::model::Detector;
use visionlab::tasks::segment::model::UNet;
use visionlab::train::checkpoint::{self, CheckpointMeta, Progress};

/// Longest any of these refusals may take (they come before any data is made).
const LIMIT: Duration = Duration::from_secs(120);

/// Runs the CLI with `env` set; kills it and fails the test after [`LIMIT`]. Returns
/// (success, stdout + stderr).
fn cli(args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (out_path, err_path) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_visionlab"))
        // Runs the binary keeps go to a scratch folder, not the user's data folder.
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .args(args)
        .envs(env.iter().copied())
        .env("BURN_DEVICE", "flex")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("the binary runs");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("visionlab {args:?} still ran after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = std::fs::read_to_string(&out_path).unwrap_or_default()
        + &std::fs::read_to_string(&err_path).unwrap_or_default();
    (status.success(), text)
}

/// Asserts the CLI refused `args` with a message holding every one of `words`, without a
/// panic.
fn refused(args: &[&str], env: &[(&str, &str)], words: &[&str]) {
    let (ok, text) = cli(args, env);
    assert!(!ok, "visionlab {args:?} should fail: {text}");
    assert!(
        !text.contains("panicked"),
        "visionlab {args:?} panicked: {text}"
    );
    for word in words {
        assert!(
            text.contains(word),
            "visionlab {args:?}: {word:?} missing in {text}"
        );
    }
}

/// Runs a training config on a thread, failing after [`LIMIT`]; returns its error.
fn training_error(config: TrainConfig) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(tasks::train_blocking(config).map(|_| ()));
    });
    match rx.recv_timeout(LIMIT) {
        Ok(Err(e)) => e.to_string(),
        Ok(Ok(())) => panic!("the run should have been refused"),
        Err(_) => panic!("the run was not refused within {LIMIT:?}"),
    }
}

/// A small CPU config of `task` on `count` shapes.
fn small(task: Task) -> TrainConfig {
    TrainConfig {
        data: DataSpec::Shapes { count: 20, seed: 1 },
        image_size: Some(16),
        epochs: 1,
        unet_width: 2,
        device: DeviceChoice::Cpu,
        ..tasks::defaults(task)
    }
}

fn input(side: usize) -> InputShape {
    InputShape {
        channels: 3,
        height: side,
        width: side,
    }
}

/// Writes a checkpoint of `model` whose metadata says `meta_input` and `config` (as an
/// edited or damaged file could).
fn write_checkpoint<M: burn::module::Module>(
    path: &Path,
    task: Task,
    classes: &[String],
    meta_input: InputShape,
    config: &TrainConfig,
    model: &M,
) {
    let meta = CheckpointMeta::new(
        task,
        classes,
        meta_input,
        &Normalization::identity(3),
        config,
        &Progress::default(),
    );
    checkpoint::save(path, &meta, model, None).expect("the checkpoint is written");
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn shape_classes() -> Vec<String> {
    names(&["circle", "square", "triangle", "cross", "star"])
}

fn png(dir: &Path) -> PathBuf {
    let path = dir.join("picture.png");
    image::RgbImage::new(24, 24)
        .save(&path)
        .expect("a test image");
    path
}

fn s(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Class 1: model sizes. A U-Net width of 0 (which panicked in batch norm) or 100000 is
/// refused from the CLI, the config, and a checkpoint (predict and resume) with the range
/// and the file; a checkpoint with a huge class list or channel count is refused.
#[test]
fn model_sizes_out_of_range_are_refused() {
    for width in ["0", "100000"] {
        refused(
            &[
                "train",
                "--task",
                "segment",
                "--data",
                "shapes",
                "--count",
                "20",
                "--image-size",
                "16",
                "--epochs",
                "1",
                "--device",
                "cpu",
                "--unet-width",
                width,
            ],
            &[],
            &[&format!("--unet-width {width}"), "between 1 and 64"],
        );
    }
    let err = training_error(TrainConfig {
        unet_width: 0,
        ..small(Task::Segment)
    });
    assert!(err.contains("--unet-width 0 is out of range"), "{err}");

    let dir = tempfile::tempdir().expect("a temporary folder");
    let ck = dir.path().join("width0.vlck");
    let classes = names(&[
        "background",
        "circle",
        "square",
        "triangle",
        "cross",
        "star",
    ]);
    let unet = UNet::new(input(16), classes.len(), 2, &Device::flex()).expect("a U-Net");
    let zero = TrainConfig {
        unet_width: 0,
        ..small(Task::Segment)
    };
    write_checkpoint(&ck, Task::Segment, &classes, input(16), &zero, &unet);
    let picture = png(dir.path());
    refused(
        &[
            "predict",
            "--task",
            "segment",
            "--model",
            s(&ck),
            "--device",
            "cpu",
            "--out",
            s(dir.path()),
            s(&picture),
        ],
        &[],
        &["width0.vlck", "U-Net width 0", "between 1 and 64"],
    );
    refused(
        &[
            "train",
            "--task",
            "segment",
            "--resume",
            s(&ck),
            "--data",
            "shapes",
            "--count",
            "20",
            "--epochs",
            "1",
            "--device",
            "cpu",
        ],
        &[],
        &["width0.vlck", "U-Net width 0"],
    );

    // A classifier checkpoint claiming 20000 classes or 7 channels.
    let net = Classifier::new(ModelKind::ConvNet, input(16), 5, &Device::flex()).expect("a net");
    let many: Vec<String> = (0..20_000).map(|i| format!("c{i}")).collect();
    let ck = dir.path().join("many.vlck");
    write_checkpoint(
        &ck,
        Task::Classify,
        &many,
        input(16),
        &small(Task::Classify),
        &net,
    );
    refused(
        &["predict", "--model", s(&ck), "--device", "cpu", s(&picture)],
        &[],
        &["many.vlck", "at most 10000 classes"],
    );
    let ck = dir.path().join("channels.vlck");
    let seven = InputShape {
        channels: 7,
        height: 16,
        width: 16,
    };
    write_checkpoint(
        &ck,
        Task::Classify,
        &shape_classes(),
        seven,
        &small(Task::Classify),
        &net,
    );
    refused(
        &[
            "eval",
            "--model",
            s(&ck),
            "--data",
            "shapes",
            "--device",
            "cpu",
        ],
        &[],
        &["channels.vlck", "7 channels"],
    );
}

/// Class 2: input sizes. `--image-size 100000` is refused on every task before any data is
/// made; a checkpoint whose stored input is 65536² is refused by `predict` (detect: it ran
/// for minutes) and by `train --resume` (before the data is made at that size), naming the
/// file; a folder takes the same bound.
#[test]
fn input_sizes_out_of_range_are_refused() {
    for task in ["classify", "segment", "detect"] {
        refused(
            &[
                "train",
                "--task",
                task,
                "--data",
                "shapes",
                "--image-size",
                "100000",
                "--device",
                "cpu",
            ],
            &[],
            &["--image-size 100000 is out of range", "between 1 and 1024"],
        );
    }
    let err = training_error(TrainConfig {
        image_size: Some(65_536),
        ..small(Task::Detect)
    });
    assert!(err.contains("--image-size 65536"), "{err}");

    let dir = tempfile::tempdir().expect("a temporary folder");
    let picture = png(dir.path());
    let huge = input(65_536);
    let detector =
        Detector::new(input(16), 5, DETECTOR_WIDTH, &Device::flex()).expect("a detector");
    let ck = dir.path().join("huge_detect.vlck");
    write_checkpoint(
        &ck,
        Task::Detect,
        &shape_classes(),
        huge,
        &small(Task::Detect),
        &detector,
    );
    refused(
        &[
            "predict",
            "--task",
            "detect",
            "--model",
            s(&ck),
            "--device",
            "cpu",
            s(&picture),
        ],
        &[],
        &["huge_detect.vlck", "at most 1024×1024"],
    );

    let net = Classifier::new(ModelKind::ConvNet, input(16), 5, &Device::flex()).expect("a net");
    let ck = dir.path().join("huge_classify.vlck");
    write_checkpoint(
        &ck,
        Task::Classify,
        &shape_classes(),
        huge,
        &small(Task::Classify),
        &net,
    );
    refused(
        &[
            "train",
            "--resume",
            s(&ck),
            "--data",
            "shapes",
            "--epochs",
            "1",
            "--device",
            "cpu",
        ],
        &[],
        &[
            "huge_classify.vlck",
            "image size 65536",
            "between 1 and 1024",
        ],
    );
    refused(
        &["predict", "--model", s(&ck), "--device", "cpu", s(&picture)],
        &[],
        &["huge_classify.vlck", "at most 1024×1024"],
    );

    // A folder: the same bound.
    let folder = dir.path().join("folder");
    for class in ["a", "b"] {
        std::fs::create_dir_all(folder.join(class)).expect("a class folder");
        image::RgbImage::new(8, 8)
            .save(folder.join(class).join("x.png"))
            .expect("an image");
    }
    refused(
        &[
            "train",
            "--data",
            s(&folder),
            "--image-size",
            "5000",
            "--device",
            "cpu",
        ],
        &[],
        &["--image-size 5000 is out of range"],
    );
}

/// Class 3: the built-in shapes are held in memory only within the decode budget: a count
/// or an image size past it is refused up front with the limit and how many images fit.
#[test]
fn built_in_data_stays_within_the_decode_budget() {
    refused(
        &[
            "train",
            "--data",
            "shapes",
            "--count",
            "100000000",
            "--device",
            "cpu",
        ],
        &[],
        &["--count 100000000 is out of range"],
    );
    refused(
        &[
            "train",
            "--data",
            "shapes",
            "--image-size",
            "2000",
            "--epochs",
            "1",
            "--device",
            "cpu",
        ],
        &[],
        &["--image-size 2000 is out of range"],
    );
    // 4000 images of 512² (the default count) would take 4 GB: refused with what fits.
    refused(
        &[
            "train",
            "--data",
            "shapes",
            "--image-size",
            "512",
            "--epochs",
            "1",
            "--batch",
            "4",
            "--device",
            "cpu",
        ],
        &[],
        &[
            "is out of range at --image-size 512",
            "decode budget",
            "--count 512 or fewer",
        ],
    );
    // A smaller budget, for each task: 200 images of 64² are over 1 MB.
    for (task, fits) in [("classify", "64"), ("segment", "64"), ("detect", "36")] {
        refused(
            &[
                "train",
                "--task",
                task,
                "--data",
                "shapes",
                "--count",
                "200",
                "--image-size",
                "64",
                "--epochs",
                "1",
                "--device",
                "cpu",
            ],
            &[("VISIONLAB_DECODE_BUDGET_MB", "1")],
            &[
                "--count 200",
                "VISIONLAB_DECODE_BUDGET_MB",
                &format!("--count {fits} or fewer"),
            ],
        );
    }
    refused(
        &[
            "dataset",
            "shapes",
            "--out",
            "/nonexistent/never",
            "--count",
            "100000000",
        ],
        &[],
        &["--count 100000000 is out of range"],
    );
}

/// Class 4: numeric training settings out of range (NaN and infinities too) are refused
/// with the argument's name and range, from the CLI, from a config (what the GUI and the
/// tests send), and by the GUI's Start button with settings its fields would not allow.
#[test]
fn numeric_settings_out_of_range_are_refused() {
    for (flag, value) in [
        ("--epochs", "0"),
        ("--lr", "-1"),
        ("--lr", "NaN"),
        ("--lr", "inf"),
        ("--val-fraction", "1"),
        ("--val-fraction", "-0.5"),
        ("--val-fraction", "NaN"),
        ("--batch", "0"),
        ("--count", "3"),
    ] {
        // `--lr=-1`: clap reads a bare `-1` as a flag.
        let given = format!("{flag}={value}");
        let mut args = vec!["train", "--data", "shapes", "--device", "cpu", &given];
        for (other, small) in [("--epochs", "1"), ("--count", "20")] {
            if other != flag {
                args.extend([other, small]);
            }
        }
        refused(&args, &[], &[&format!("{flag} {value} is out of range")]);
    }

    type Edit = fn(&mut TrainConfig);
    let cases: [(Edit, &str); 7] = [
        (|c| c.epochs = 0, "--epochs 0"),
        (|c| c.learning_rate = -1.0, "--lr -1"),
        (|c| c.learning_rate = f64::NAN, "--lr NaN"),
        (|c| c.val_fraction = 1.0, "--val-fraction 1"),
        (|c| c.val_fraction = f32::NAN, "--val-fraction NaN"),
        (|c| c.batch_size = 0, "--batch 0"),
        (
            |c| c.transfer.unfreeze_lr_factor = -1.0,
            "unfreeze learning-rate factor -1",
        ),
    ];
    for task in [Task::Classify, Task::Segment, Task::Detect] {
        for (edit, words) in cases {
            let mut config = small(task);
            edit(&mut config);
            let err = training_error(config);
            assert!(
                err.contains(words) && err.contains("out of range"),
                "{task:?}: {err}"
            );
        }
    }

    // The GUI: its fields keep values in range (egui clamps what a remembered settings file
    // holds into the field's range, taken from `core::limits`); a setting without a field
    // is refused when Start is pressed, in the status bar, and no run starts.
    let mut app = visionlab::ui::VisionApp::new();
    app.config_mut().learning_rate = -1.0;
    app.config_mut().epochs = 0;
    app.config_mut().val_fraction = f32::NAN;
    let mut ui = harness(app);
    ui.step();
    let config = ui.state_mut().config_mut().clone();
    assert!(config.learning_rate > 0.0, "{}", config.learning_rate);
    assert!(config.epochs >= 1);
    click(&mut ui, "Start");
    let error = ui.state().status().error.clone().unwrap_or_default();
    assert!(
        error.contains("--val-fraction NaN is out of range"),
        "{error}"
    );
    assert!(is_enabled(&ui, "Start"), "no run started");
    assert!(!is_enabled(&ui, "Stop"), "no run started");
}
