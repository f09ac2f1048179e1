//! Peak memory of a training run over the full Fashion-MNIST (60 000 training images): a
//! child `visionlab train` on the dataset written as an ImageFolder of PNGs, its peak
//! resident set (VmHWM) read from /proc while it runs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::Context;

use crate::bench::table::{Goal, Row, Table};
use crate::data::{image_folder, mnist, stream};

/// How the child holds its images.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The default decode budget: decoded up front when they fit it.
    Budget,
    /// A 1 MB budget: streamed from disk batch by batch.
    Streamed,
}

impl Mode {
    /// Said in the table.
    pub fn describe(self) -> &'static str {
        match self {
            Mode::Budget => "default budget",
            Mode::Streamed => "streamed (1 MB budget)",
        }
    }
}

/// One measured run.
pub struct PeakRun {
    /// Peak resident set, MB.
    pub peak_mb: f64,
    /// Training images in the folder.
    pub train_images: usize,
    /// The child's line saying how it holds the images.
    pub loading_line: String,
}

/// The Fashion-MNIST ImageFolder under `scratch` (train/ 60 000, test/ 10 000 images),
/// written from the IDX files in `idx_dir` on first use.
pub fn fashion_folder(idx_dir: &Path, scratch: &Path) -> anyhow::Result<PathBuf> {
    let dir = scratch.join("fashion-mnist-png");
    let done = dir.join(".complete");
    if done.is_file() {
        return Ok(dir);
    }
    eprintln!(
        "  writing Fashion-MNIST from {} as PNGs to {} (once)…",
        idx_dir.display(),
        dir.display()
    );
    let mut items = mnist::read_idx(
        &idx_dir.join("train-images-idx3-ubyte.gz"),
        &idx_dir.join("train-labels-idx1-ubyte.gz"),
    )?;
    items.extend(mnist::read_idx(
        &idx_dir.join("t10k-images-idx3-ubyte.gz"),
        &idx_dir.join("t10k-labels-idx1-ubyte.gz"),
    )?);
    let names: Vec<String> = mnist::FASHION_CLASSES
        .iter()
        .map(|c| c.to_string())
        .collect();
    // 70 000 images, 1/7 of each class held out: 60 000 train, 10 000 test.
    mnist::write_image_folder(&items, &names, &dir, 1.0 / 7.0, 7)?;
    std::fs::write(&done, b"")?;
    Ok(dir)
}

/// Image files under `dir`.
fn count_images(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                count_images(&path)
            } else {
                usize::from(image_folder::has_image_extension(&path))
            }
        })
        .sum()
}

/// VmHWM of a process in kB.
fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Trains a ConvNet for one epoch on `folder` in a child process and returns its peak
/// resident memory.
pub fn peak_rss_training(folder: &Path, mode: Mode) -> anyhow::Result<PeakRun> {
    let exe = std::env::current_exe().context("finding visionlab's executable")?;
    let mut command = Command::new(exe);
    command
        .args([
            "train", "--model", "convnet", "--device", "cpu", "--epochs", "1",
        ])
        .args([
            "--batch",
            "64",
            "--optimizer",
            "sgd",
            "--no-augment",
            "--no-flip",
            "--data",
        ])
        .arg(folder)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if mode == Mode::Streamed {
        command.env(stream::BUDGET_ENV, "1");
    }
    let mut child = command.spawn().context("starting visionlab train")?;
    let pid = child.id();
    let stderr = child.stderr.take().context("the child's stderr")?;
    let lines = std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<String>>()
    });
    let mut peak_kb = 0;
    loop {
        if let Some(kb) = vm_hwm_kb(pid) {
            peak_kb = peak_kb.max(kb);
        }
        if child.try_wait()?.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = child.wait()?;
    let lines = lines.join().unwrap_or_default();
    anyhow::ensure!(
        status.success(),
        "visionlab train failed: {}",
        lines.join("\n")
    );
    let loading_line = lines
        .iter()
        .find(|l| l.starts_with(stream::MODE_LINE_PREFIX))
        .cloned()
        .unwrap_or_else(|| "(no line about how images are held)".into());
    Ok(PeakRun {
        peak_mb: peak_kb as f64 / 1024.0,
        train_images: count_images(&folder.join("train")),
        loading_line,
    })
}

/// The peak-memory rows: one epoch on Fashion-MNIST with the images decoded in memory (the
/// default budget) and streamed from disk, each in a child process.
pub fn rows(idx_dir: &Path, scratch: &Path, table: &mut Table) -> anyhow::Result<()> {
    let folder = fashion_folder(idx_dir, scratch)?;
    for mode in [Mode::Budget, Mode::Streamed] {
        let run = peak_rss_training(&folder, mode)?;
        println!("memory ({}): {}", mode.describe(), run.loading_line);
        table.push(Row::new(
            format!(
                "peak RSS, 1 epoch on Fashion-MNIST {} images, {}",
                run.train_images,
                mode.describe()
            ),
            "MB",
            run.peak_mb,
            Goal::Below(1024.0),
        ));
    }
    Ok(())
}
