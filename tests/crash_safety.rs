//! Killing the program while it writes a checkpoint or an export leaves the previous file
//! whole: a child process saves a checkpoint and a PNG export over and over, is killed with
//! SIGKILL at several moments, and each time the file on disk still loads completely and is
//! one the child finished writing (never a partial one).
//!
//! The child is this test binary run again with `CRASH_CHILD_DIR` set: it runs
//! [`child_writer`], which uses the library's real `checkpoint::save` and
//! `segment::save_rgba_png`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use burn::prelude::Device;
use visionlab::core::protocol::{ModelKind, RgbaImage, Task, TrainConfig};
use visionlab::data::batch::Normalization;
use visionlab::models::{Classifier, InputShape};
use visionlab::train::checkpoint::{self, CheckpointMeta};

const CHILD_ENV: &str = "CRASH_CHILD_DIR";
const INPUT: InputShape = InputShape {
    channels: 3,
    height: 32,
    width: 32,
};

fn meta(step: u64) -> CheckpointMeta {
    CheckpointMeta {
        task: Task::Classify,
        classes: (0..10).map(|c| format!("class{c}")).collect(),
        input: INPUT,
        normalization: Normalization::identity(3),
        config: TrainConfig {
            model: ModelKind::ResNet,
            ..TrainConfig::default()
        },
        epochs_done: 0,
        batches_into_epoch: 0,
        step,
        // Grows the metadata a little with each generation, as a real run's does.
        step_losses: (0..step).map(|s| (s, 1.0 / (s as f32 + 1.0))).collect(),
        epochs: Vec::new(),
        revision: checkpoint::MODEL_REVISION,
    }
}

/// A 1024×1024 picture whose pixels encode `generation` (a PNG export of a few MB).
fn picture(generation: u64) -> RgbaImage {
    let (width, height) = (1024, 1024);
    let pixels = (0..width * height * 4)
        .map(|i| ((i as u64 * 2_654_435_761 + generation * 97) % 251) as u8)
        .collect();
    RgbaImage {
        width,
        height,
        pixels,
    }
}

/// The child: writes generation after generation and reports each finished one.
#[test]
fn child_writer() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return; // Only does something when started by `kill_during_writes`.
    };
    let dir = PathBuf::from(dir);
    let device = Device::flex();
    let model = Classifier::new(ModelKind::ResNet, INPUT, 10, &device).expect("a ResNet");
    for generation in 1u64.. {
        checkpoint::save(&dir.join("model.vlck"), &meta(generation), &model, None)
            .expect("checkpoint written");
        visionlab::tasks::segment::save_rgba_png(&dir.join("export.png"), &picture(generation))
            .expect("export written");
        println!("saved {generation}");
    }
}

/// Starts the child writer in `dir`.
fn start_child(dir: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the child starts")
}

/// Leftover temporary files of an interrupted write in `dir`.
fn temporary_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn kill_during_writes() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let device = Device::flex();
    let fresh = || Classifier::new(ModelKind::ResNet, INPUT, 10, &device).expect("a ResNet");
    // Kill moments after the first finished generation: spread over a write's duration.
    let base_ms = [0u64, 2, 5, 9, 14, 20, 31, 45, 60, 87, 120, 160];
    // A fast machine finishes most writes between two kills: go round the delays again
    // (at most twenty times) until at least two kills have landed mid-write. One kill in
    // 6–20 lands while a temporary file exists here (2 of 12 to 2 of 43 rounds), so four
    // times round (48 kills) once came up with none; 240 kills leave a shortfall at about
    // 1 in 10,000 runs, and the loop still stops as soon as two have landed.
    let delays_ms: Vec<u64> = base_ms
        .iter()
        .cycle()
        .take(base_ms.len() * 20)
        .copied()
        .collect();
    let mut mid_write = 0;
    let mut rounds = 0;
    for (round, &delay) in delays_ms.iter().enumerate() {
        if round >= base_ms.len() && mid_write >= 2 {
            break;
        }
        rounds += 1;
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut child = start_child(dir.path());
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        // Wait for the first finished generation, so there is a previous file to keep.
        let start = Instant::now();
        let mut finished = 0u64;
        while finished < 1 {
            let line = lines
                .next()
                .expect("the child reports a finished write")
                .expect("readable output");
            if let Some(n) = line.strip_prefix("saved ") {
                finished = n.trim().parse().expect("a generation number");
            }
            assert!(start.elapsed() < Duration::from_secs(60), "child too slow");
        }
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().expect("SIGKILL"); // `Child::kill` sends SIGKILL on Unix.
        child.wait().expect("the child is reaped");
        // Generations the child reported as finished before it died.
        for line in lines.map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("saved ") {
                finished = finished.max(n.trim().parse().unwrap_or(0));
            }
        }
        if temporary_files(dir.path()) > 0 {
            mid_write += 1;
        }

        // The checkpoint on disk is a whole one: it loads, its weights load into a fresh
        // model, and it is the last finished generation or the one being written (whose
        // rename had happened).
        let ck = checkpoint::load(&dir.path().join("model.vlck"))
            .unwrap_or_else(|e| panic!("round {round} ({delay} ms): checkpoint broken: {e}"));
        let step = ck.meta.step;
        assert!(
            step == finished || step == finished + 1,
            "round {round}: checkpoint of generation {step}, child had finished {finished}"
        );
        assert_eq!(ck.meta.step_losses.len() as u64, step);
        ck.load_into(fresh())
            .unwrap_or_else(|e| panic!("round {round}: weights do not load: {e}"));
        // The export is a whole PNG of a generation no older than the checkpoint's.
        let png = image::open(dir.path().join("export.png"))
            .unwrap_or_else(|e| panic!("round {round} ({delay} ms): export broken: {e}"));
        let rgba = png.to_rgba8();
        let generation_of = |g: u64| rgba.as_raw() == &picture(g).pixels;
        assert!(
            generation_of(step) || generation_of(step.saturating_sub(1)),
            "round {round}: the export is not a generation the child wrote whole"
        );
    }
    eprintln!("{mid_write} of {rounds} kills landed while a file was being written");
    assert!(
        mid_write >= 2,
        "only {mid_write} kills hit a write in progress: the test did not exercise crashes"
    );
}
