//! Bad input, issue 20's classes on checkpoints, style transfer, devices and output paths:
//! each gives a one-line error naming the file or the argument (or works), never a panic.
//!
//! - style transfer on any image size, 1×1 to extreme panoramas, for every method;
//! - checkpoints: checksums name the damaged section (and tensor), old files without them
//!   still load, metadata a model cannot use is refused;
//! - `--builtin` blend weights: huge ones blend, unusable ones are refused naming the option;
//! - devices: a software rasteriser is named as one and warned about once, and the Vulkan
//!   loader's `XDG_RUNTIME_DIR` noise stays off stderr;
//! - output paths (`--out`, `--json`, the compress job's folder) are checked before the
//!   work starts.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::Duration;

use burn::nn::LinearConfig;
use burn::prelude::*;
use image::RgbImage;

use visionlab::compress::report;
use visionlab::core::protocol::{
    CompressConfig, CompressSetting, DataSpec, DeviceChoice, Event, ModelKind, StyleMethod,
    StyleRequest, Task, TrainConfig,
};
use visionlab::core::{device, files, job};
use visionlab::data::batch::Normalization;
use visionlab::models::{Classifier, InputShape};
use visionlab::style::fast::{FastStyle, STYLES, style_weights};
use visionlab::style::{job as style_job, picture};
use visionlab::train::checkpoint::{self, CheckpointMeta, Progress};

/// Runs the CLI with the CPU as burn's default device; the child is killed after
/// `limit` (a hang fails the test instead of blocking it).
fn cli_within(args: &[&str], envs: &[(&str, Option<&str>)], limit: Duration) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_visionlab"));
    // Runs the binary keeps go to a scratch folder, not the user's data folder.
    command.env(
        "VISIONLAB_RUNS_DIR",
        std::env::temp_dir().join("visionlab-test-runs"),
    );
    command.args(args).env("BURN_DEVICE", "flex");
    for (key, value) in envs {
        match value {
            Some(v) => command.env(key, v),
            None => command.env_remove(key),
        };
    }
    let (tx, rx) = mpsc::channel();
    let child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let id = child.id();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(output) => output.expect("the binary runs"),
        Err(_) => {
            // Kill the one child this test started, by its id.
            let _ = Command::new("kill").args(["-9", &id.to_string()]).status();
            panic!("visionlab {args:?} did not finish within {limit:?}");
        }
    }
}

fn cli(args: &[&str]) -> Output {
    cli_within(args, &[], Duration::from_secs(120))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that the command failed with a one-line error holding every one of `expected`.
fn assert_refused(output: &Output, expected: &[&str]) {
    let err = stderr(output);
    assert!(!output.status.success(), "succeeded: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_else(|| panic!("no error line in {err:?}"));
    for e in expected {
        assert!(line.contains(e), "expected {e:?} in {line:?}");
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

// ---------------------------------------------------------------------------------------
// Style transfer on any image size

/// A picture of `w×h` with some structure (a gradient and a checker).
fn write_picture(dir: &Path, w: u32, h: u32) -> PathBuf {
    let image = RgbImage::from_fn(w, h, |x, y| {
        let check = if (x / 3 + y / 3) % 2 == 0 { 200 } else { 40 };
        image::Rgb([
            (x * 255 / w.max(1)) as u8,
            (y * 255 / h.max(1)) as u8,
            check,
        ])
    });
    let path = dir.join(format!("{w}x{h}.png"));
    image.save(&path).expect("png written");
    path
}

fn style_request(method: StyleMethod, content: PathBuf, style: PathBuf, size: u32) -> StyleRequest {
    StyleRequest {
        content,
        style: (method != StyleMethod::Fast).then_some(style),
        method,
        builtin: vec![(3, 1.0)],
        size,
        iterations: 2,
        style_layers: vec![2, 4],
        content_layer: 4,
        preview_every: 0,
        strength: 0.5,
        device: DeviceChoice::Cpu,
        ..StyleRequest::default()
    }
}

#[test]
fn style_transfer_takes_any_image_size() {
    let dir = tempfile::tempdir().unwrap();
    let style = write_picture(dir.path(), 24, 24);
    // (width, height, --size): tiny, thin, and a panorama scaled to 64×1.
    let sizes: [(u32, u32, u32); 7] = [
        (1, 1, 512),
        (2, 3, 512),
        (7, 5, 512),
        (4000, 4, 4000),
        (4, 1000, 1000),
        (3000, 60, 64),
        (9, 13, 512),
    ];
    for (w, h, size) in sizes {
        let content = write_picture(dir.path(), w, h);
        let ((ow, oh), _) = picture::output_size((w, h), size).unwrap();
        let methods: &[StyleMethod] = match (w, h) {
            // The slower methods on the smallest and the thinnest cases.
            (1, 1) | (3000, 60) => &[
                StyleMethod::Fast,
                StyleMethod::Arbitrary,
                StyleMethod::Optimize,
            ],
            (4, 1000) => &[StyleMethod::Fast, StyleMethod::Optimize],
            (4000, 4) => &[StyleMethod::Fast, StyleMethod::Arbitrary],
            _ => &[StyleMethod::Fast],
        };
        for &method in methods {
            let request = style_request(method, content.clone(), style.clone(), size);
            let image = style_job::stylize_blocking(request, |_| {})
                .unwrap_or_else(|e| panic!("{method:?} on {w}×{h} (size {size}) failed: {e}"));
            assert_eq!(
                (image.width, image.height),
                (ow as usize, oh as usize),
                "{method:?} on {w}×{h}"
            );
        }
    }
}

#[test]
fn the_fast_network_takes_any_tensor_size() {
    let device = Device::flex();
    let net = FastStyle::load(&device).expect("bundled weights");
    let mut weights = [0f32; STYLES];
    weights[5] = 1.0;
    for [h, w] in [[1, 1], [1, 9], [5, 3], [4, 4], [8, 8], [10, 2], [0, 4]] {
        let x = Tensor::<4>::ones([1, 3, h, w], &device) * 0.5;
        let y = net.forward(x, &weights);
        assert_eq!(y.dims(), [1, 3, h, w]);
    }
}

#[test]
fn the_cli_stylizes_a_single_pixel() {
    let dir = tempfile::tempdir().unwrap();
    let content = write_picture(dir.path(), 1, 1);
    let out = dir.path().join("dot.png");
    let done = cli(&[
        "stylize",
        "--content",
        path_str(&content),
        "--builtin",
        "7",
        "--device",
        "cpu",
        "--out",
        path_str(&out),
    ]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert_eq!(image::image_dimensions(&out).unwrap(), (1, 1));
}

// ---------------------------------------------------------------------------------------
// Checkpoints: checksums and metadata

fn meta(task: Task, channels: usize, classes: usize) -> CheckpointMeta {
    CheckpointMeta::new(
        task,
        &(0..classes).map(|c| format!("c{c}")).collect::<Vec<_>>(),
        InputShape {
            channels,
            height: 28,
            width: 28,
        },
        &Normalization::identity(channels as u32),
        &TrainConfig {
            model: ModelKind::ConvNet,
            ..TrainConfig::default()
        },
        &Progress::default(),
    )
}

/// A ConvNet classifier checkpoint (1×28×28, two classes) with metadata `meta`.
fn save_classifier(path: &Path, meta: &CheckpointMeta) {
    let device = Device::flex();
    let model = Classifier::new(ModelKind::ConvNet, meta.input, 2, &device).expect("a ConvNet");
    checkpoint::save(path, meta, &model, None).expect("checkpoint written");
}

/// `(start, end)` of the metadata, model and optimizer sections of a checkpoint file.
fn sections(bytes: &[u8]) -> [(usize, usize); 3] {
    let mut at = 8;
    let mut out = [(0, 0); 3];
    for section in &mut out {
        let len = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
        *section = (at + 8, at + 8 + len);
        at += 8 + len;
    }
    out
}

fn load_err(path: &Path) -> String {
    match checkpoint::load(path) {
        Ok(_) => panic!("{} loaded", path.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn checkpoint_damage_is_named_by_section_and_tensor() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.vlck");
    save_classifier(&good, &meta(Task::Classify, 1, 2));
    let ck = checkpoint::load(&good).expect("a whole checkpoint loads");
    assert!(ck.checksummed);
    assert!(ck.integrity_note().is_none());
    ck.model(&Device::flex()).expect("its weights load");

    let bytes = std::fs::read(&good).unwrap();
    let [meta_range, model_range, optim_range] = sections(&bytes);
    assert_eq!(optim_range.0, optim_range.1, "no optimizer state");
    let variant = |name: &str, edit: &dyn Fn(&mut Vec<u8>)| -> PathBuf {
        let mut copy = bytes.clone();
        edit(&mut copy);
        let path = dir.path().join(name);
        std::fs::write(&path, copy).unwrap();
        path
    };

    // A flipped bit in the last weight: the tensor is named.
    let last = variant("last-weight.vlck", &|b| b[model_range.1 - 1] ^= 0x10);
    let err = load_err(&last);
    assert!(
        err.contains("last-weight.vlck") && err.contains("model weights") && err.contains("tensor"),
        "{err}"
    );
    // A flipped bit anywhere in the model section (index, padding or data) is caught.
    for (i, at) in (model_range.0..model_range.1).step_by(4999).enumerate() {
        let path = variant(&format!("model-{i}.vlck"), &|b| b[at] ^= 0x01);
        let err = load_err(&path);
        assert!(
            err.contains(&format!("model-{i}.vlck")) && err.contains("model weights section"),
            "byte {at}: {err}"
        );
    }
    // The metadata: a changed digit would otherwise read as valid JSON.
    let digit = (meta_range.0..meta_range.1)
        .find(|&i| bytes[i].is_ascii_digit())
        .unwrap();
    let path = variant("meta.vlck", &|b| {
        b[digit] = if b[digit] == b'7' { b'8' } else { b'7' }
    });
    let err = load_err(&path);
    assert!(
        err.contains("meta.vlck") && err.contains("metadata section is damaged"),
        "{err}"
    );
    // The checksums themselves, a truncated file, and bytes appended.
    let path = variant("sums.vlck", &|b| {
        let n = b.len();
        b[n - 6] ^= 0x20;
    });
    let err = load_err(&path);
    assert!(
        err.contains("sums.vlck") && err.contains("checksum section"),
        "{err}"
    );
    let path = variant("short.vlck", &|b| b.truncate(model_range.0 + 10));
    let err = load_err(&path);
    assert!(
        err.contains("short.vlck") && err.contains("truncated"),
        "{err}"
    );
    let path = variant("length.vlck", &|b| b[model_range.0 - 2] ^= 0x40);
    let err = load_err(&path);
    assert!(
        err.contains("length.vlck") && err.contains("model weights"),
        "{err}"
    );

    // A checkpoint from before checksums (it ends after the optimizer section) loads as
    // before, with a note.
    let old = variant("old.vlck", &|b| b.truncate(optim_range.1));
    let ck = checkpoint::load(&old).expect("an old checkpoint loads");
    assert!(!ck.checksummed);
    let note = ck.integrity_note().expect("a note");
    assert!(
        note.contains("old.vlck") && note.contains("checksum"),
        "{note}"
    );
    ck.model(&Device::flex()).expect("its weights load");
    // … and its damage is found where the records can tell (here: nowhere), never a panic.
    let old_flipped = variant("old-flipped.vlck", &|b| {
        b.truncate(optim_range.1);
        b[model_range.0 + 3] ^= 0xff;
    });
    let _ = checkpoint::load(&old_flipped).and_then(|ck| ck.model(&Device::flex()).map(|_| ()));

    // The CLI says the same in one line naming the file.
    let image = write_picture(dir.path(), 28, 28);
    let output = cli(&[
        "predict",
        "--model",
        path_str(&last),
        "--device",
        "cpu",
        path_str(&image),
    ]);
    assert_refused(&output, &["last-weight.vlck", "damaged"]);
}

#[test]
fn checkpoint_metadata_a_model_cannot_use_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let with = |edit: &dyn Fn(&mut CheckpointMeta)| {
        let mut m = meta(Task::Classify, 1, 2);
        edit(&mut m);
        m
    };
    let cases: Vec<(&str, CheckpointMeta, &str)> = vec![
        (
            "mean3.vlck",
            with(&|m| m.normalization.mean = vec![0.5; 3]),
            "3 mean values for 1 input channels",
        ),
        (
            "std0.vlck",
            with(&|m| m.normalization.std = vec![]),
            "0 std values",
        ),
        (
            "nan.vlck",
            with(&|m| m.normalization.mean = vec![f32::NAN]),
            "mean holds NaN",
        ),
        (
            "zero-std.vlck",
            with(&|m| m.normalization.std = vec![0.0]),
            "above 0",
        ),
        (
            "negative-std.vlck",
            with(&|m| m.normalization.std = vec![-1.0]),
            "above 0",
        ),
        (
            "channels.vlck",
            with(&|m| {
                m.input.channels = 2;
                m.normalization = Normalization::identity(2);
            }),
            "2 channels",
        ),
        ("empty-input.vlck", with(&|m| m.input.width = 0), "empty"),
        (
            "classes.vlck",
            with(&|m| m.classes = vec!["c".into(); checkpoint::MAX_CLASSES + 1]),
            "classes",
        ),
    ];
    for (name, meta, expected) in cases {
        let path = dir.path().join(name);
        // The weights do not matter: the metadata is refused before them.
        let device = Device::flex();
        let linear = LinearConfig::new(2, 2).init(&device);
        checkpoint::save(&path, &meta, &linear, None).unwrap();
        let err = load_err(&path);
        assert!(
            err.contains(name) && err.contains("metadata") && err.contains(expected),
            "{name}: {err}"
        );
    }
    // A classifier needs two classes: its loader says so.
    let one = dir.path().join("one-class.vlck");
    save_classifier(&one, &meta(Task::Classify, 1, 1));
    let err = match checkpoint::load(&one).unwrap().model(&Device::flex()) {
        Ok(_) => panic!("a one-class classifier loaded"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("one-class.vlck") && err.contains("at least 2"),
        "{err}"
    );

    // The CLI: one line naming the file and the problem.
    let bad = dir.path().join("mean3.vlck");
    let image = write_picture(dir.path(), 28, 28);
    let output = cli(&[
        "predict",
        "--model",
        path_str(&bad),
        "--device",
        "cpu",
        path_str(&image),
    ]);
    assert_refused(&output, &["mean3.vlck", "normalisation"]);
}

// ---------------------------------------------------------------------------------------
// Blend weights

#[test]
fn builtin_blend_weights_never_overflow_and_bad_ones_name_the_option() {
    // Huge weights blend like equal ones.
    assert_eq!(
        style_weights(&[(0, 3e38), (1, 3e38)]).unwrap(),
        style_weights(&[(0, 1.0), (1, 1.0)]).unwrap()
    );
    let dir = tempfile::tempdir().unwrap();
    let content = write_picture(dir.path(), 16, 12);
    let stylize = |builtin: Vec<(usize, f32)>| {
        style_job::stylize_blocking(
            StyleRequest {
                builtin,
                ..style_request(StyleMethod::Fast, content.clone(), content.clone(), 64)
            },
            |_| {},
        )
    };
    let huge = stylize(vec![(0, 3e38), (1, 3e38)]).unwrap();
    let equal = stylize(vec![(0, 1.0), (1, 1.0)]).unwrap();
    assert_eq!(huge, equal, "3e38:3e38 is the same blend as 1:1");

    // Unusable weights are refused, by the job (what the GUI runs) and the CLI.
    for builtin in [
        vec![(0, f32::INFINITY)],
        vec![(0, f32::NAN)],
        vec![(0, -1.0), (1, 2.0)],
        vec![(0, 0.0), (1, 0.0)],
    ] {
        let err = stylize(builtin.clone()).unwrap_err().to_string();
        assert!(err.contains("--builtin"), "{builtin:?}: {err}");
    }
    let out = dir.path().join("never.png");
    for text in ["0:3e39", "0:nan", "0:-1", "0:0,1:0", "0:1e-50", "0:inf,1:1"] {
        let output = cli(&[
            "stylize",
            "--content",
            path_str(&content),
            "--builtin",
            text,
            "--device",
            "cpu",
            "--out",
            path_str(&out),
        ]);
        assert_refused(&output, &["--builtin"]);
        assert!(!out.exists(), "{text}: an image was written");
    }
    let output = cli(&[
        "stylize",
        "--content",
        path_str(&content),
        "--builtin",
        "0:3e38,1:3e38",
        "--device",
        "cpu",
        "--out",
        path_str(&out),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
}

// ---------------------------------------------------------------------------------------
// Devices

#[test]
fn a_software_adapter_is_named_and_the_loader_noise_stays_off_stderr() {
    let quiet: &[(&str, Option<&str>)] = &[
        ("XDG_RUNTIME_DIR", None),
        ("NODEVICE_SELECT", None),
        ("WAYLAND_DISPLAY", None),
    ];
    let listed = cli_within(&["devices"], quiet, Duration::from_secs(120));
    assert!(listed.status.success(), "{}", stderr(&listed));
    assert!(
        !stderr(&listed).contains("XDG_RUNTIME_DIR"),
        "{}",
        stderr(&listed)
    );
    let stdout = String::from_utf8_lossy(&listed.stdout).into_owned();
    let software = device::adapters().iter().any(|a| a.software);
    if software {
        assert!(stdout.contains("software rasteriser"), "{stdout}");
    }
    // Auto never takes a software adapter.
    let auto = device::select(DeviceChoice::Auto).unwrap();
    assert_eq!(auto.is_gpu, device::hardware_gpu().is_some());
    if device::hardware_gpu().is_none() && software {
        assert!(auto.description.contains("software rasteriser"), "{auto:?}");
    }

    // `--device gpu` on a software adapter: one warning line, and the command goes on
    // (here to a missing model, so nothing runs on the slow adapter).
    let missing = std::env::temp_dir().join("visionlab-no-such-model.vlck");
    let output = cli_within(
        &[
            "eval",
            "--model",
            path_str(&missing),
            "--data",
            "shapes",
            "--device",
            "gpu",
        ],
        quiet,
        Duration::from_secs(120),
    );
    let err = stderr(&output);
    assert!(!output.status.success());
    assert!(!err.contains("XDG_RUNTIME_DIR"), "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    match (device::adapters().first(), device::hardware_gpu()) {
        (None, _) => {
            println!("notice: no wgpu adapter here: --device gpu is refused");
            assert!(err.contains("no GPU adapter"), "{err}");
        }
        (Some(_), Some(_)) => assert!(warnings.is_empty(), "{err}"),
        (Some(adapter), None) => {
            assert_eq!(warnings.len(), 1, "{err}");
            assert!(
                warnings[0].contains(&adapter.name)
                    && warnings[0].contains("software rasteriser")
                    && warnings[0].contains("--device cpu"),
                "{err}"
            );
            assert!(err.contains("visionlab-no-such-model.vlck"), "{err}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Output paths, checked before the work

#[test]
fn output_paths_are_checked_before_the_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a_file = d.join("a-file.txt");
    std::fs::write(&a_file, b"x").unwrap();
    let no_folder = d.join("no-such-folder");
    // Inputs that do not exist: an error about them would mean the work had started.
    let missing_input = d.join("missing-input.png");
    let missing_model = d.join("missing-model.vlck");
    let unwritable = d.join("read-only");
    std::fs::create_dir(&unwritable).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&unwritable, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    // Root writes anywhere: the read-only case only applies to others.
    let read_only_applies = files::check_output_dir(&unwritable).is_err();

    let stylize = |out: &Path| {
        cli(&[
            "stylize",
            "--content",
            path_str(&missing_input),
            "--builtin",
            "1",
            "--out",
            path_str(out),
        ])
    };
    let mut cases: Vec<(PathBuf, &str)> = vec![
        (no_folder.join("out.png"), "does not exist"),
        (d.to_path_buf(), "is a folder"),
        (d.join("out.gif"), ".gif"),
        (d.join("out.tiff"), ".tiff"),
        (a_file.join("out.png"), "not a folder"),
    ];
    if read_only_applies {
        cases.push((unwritable.join("out.png"), "cannot write"));
    }
    for (out, expected) in &cases {
        let output = stylize(out);
        assert_refused(&output, &[path_str(out), expected]);
        assert!(
            !stderr(&output).contains("missing-input"),
            "{}",
            stderr(&output)
        );
    }

    // train --out, before the data is read.
    let output = cli(&[
        "train",
        "--data",
        path_str(&d.join("missing-data")),
        "--epochs",
        "1",
        "--out",
        path_str(&no_folder.join("model.vlck")),
    ]);
    assert_refused(&output, &["--out", "model.vlck", "does not exist"]);
    let output = cli(&[
        "train",
        "--data",
        path_str(&d.join("missing-data")),
        "--out",
        path_str(d),
    ]);
    assert_refused(&output, &["--out", "is a folder"]);

    // compress --out, before the model is read.
    let output = cli(&[
        "compress",
        "--model",
        path_str(&missing_model),
        "--data",
        "shapes",
        "--int8",
        "--out",
        path_str(&no_folder.join("small.vlck")),
    ]);
    assert_refused(&output, &["--out", "small.vlck", "does not exist"]);

    // predict --out (a folder of masks), before the model is read.
    let output = cli(&[
        "predict",
        "--task",
        "segment",
        "--model",
        path_str(&missing_model),
        "--out",
        path_str(&a_file),
        path_str(&missing_input),
    ]);
    assert_refused(&output, &["--out", "a-file.txt", "is a file"]);

    // dataset --out, before anything is generated.
    let output = cli(&[
        "dataset",
        "shapes",
        "--out",
        path_str(&a_file.join("set")),
        "--count",
        "10",
    ]);
    assert_refused(&output, &["--out", "a-file.txt", "is a file"]);
    if read_only_applies {
        let output = cli(&[
            "dataset",
            "shapes",
            "--out",
            path_str(&unwritable.join("set")),
            "--count",
            "10",
        ]);
        assert_refused(&output, &["--out", "read-only", "cannot write"]);
    }

    // bench --json, before minutes of measuring.
    let output = cli(&[
        "bench",
        "--only",
        "style",
        "--json",
        path_str(&no_folder.join("bench.json")),
    ]);
    assert_refused(&output, &["--json", "bench.json", "does not exist"]);

    // The GUI's compress job: its folder is checked before the model is read.
    let job = report::spawn(
        CompressConfig {
            model: missing_model.clone(),
            data: DataSpec::Shapes { count: 10, seed: 1 },
            settings: vec![CompressSetting::Int8 { per_block: false }],
            out_dir: a_file.clone(),
            device: DeviceChoice::Cpu,
        },
        job::no_waker(),
    );
    let failed = job
        .events()
        .iter()
        .find_map(|event| match event {
            Event::Failed(message) => Some(message),
            Event::Finished(_) => panic!("the job ran"),
            _ => None,
        })
        .expect("the job fails");
    assert!(
        failed.contains("a-file.txt") && failed.contains("is a file"),
        "{failed}"
    );

    // Exports the GUI makes (after the work, with a path from a dialog) say why in words.
    let picture = visionlab::core::protocol::RgbaImage {
        width: 1,
        height: 1,
        pixels: vec![1, 2, 3, 255],
    };
    let err = picture::export(d, &picture).unwrap_err().to_string();
    assert!(err.contains("is a folder"), "{err}");
    let err = picture::export(&no_folder.join("x.png"), &picture)
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not exist"), "{err}");

    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&unwritable, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}
