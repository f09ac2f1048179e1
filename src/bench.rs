//! `visionlab bench`: one run that measures visionlab against its peers on this machine
//! and prints a table of named measurements: our figure, the peer's figure (run in the same
//! go, so machine noise hits both), the ratio and the target.
//!
//! Rows: training throughput of the seed ConvNet (vs `shared/bench/convnet_train_ref.py`)
//! and of the U-Net (vs `tools/bench/unet_train_ref.py`, a layer-for-layer PyTorch mirror),
//! the UI's frame time while a training job runs (headless), and the peak memory of a
//! training run over the full Fashion-MNIST (60 000 images, both decoded in memory and
//! streamed from disk).
//!
//! Each measurement runs on its own compute pool, as the app's jobs do
//! ([`visionlab::compute`]).
//!
//! Adding a row is a few lines in [`run`]: measure, then `table.push(Row::new(..))` with a
//! [`Goal`] (and [`peer`] for a reference program that prints `label: number unit`).

mod memory;
mod ui_frames;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::Context;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::{Distribution, TensorData};
use serde::Serialize;

use visionlab::compute::run_on_pool;
use visionlab::device;
use visionlab::models::unet::UNet;
use visionlab::models::{Classifier, InputShape};
use visionlab::tasks::segment::{PRESENCE_WEIGHT, masked_cross_entropy, presence_loss};
use visionlab::train::engine;
use visionlab::train::protocol::{DeviceChoice, ModelKind, OptimizerKind};

/// The measurements `visionlab bench` can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Measure {
    /// Seed ConvNet training img/s (and the small ResNet with --resnet).
    Convnet,
    /// U-Net training img/s.
    Unet,
    /// Detector training img/s (64×64 shapes scenes, batch 16).
    Detector,
    /// UI frame time while a training job runs (headless).
    Ui,
    /// Peak memory of training on the full Fashion-MNIST.
    Memory,
    /// Style transfer: the 26-style network at 512², optimisation iterations at 256².
    Style,
}

/// Options of `visionlab bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Timed training steps of the ConvNet (after 10 warm-up steps); the U-Net takes a
    /// quarter as many.
    #[arg(long, default_value_t = 200)]
    steps: usize,
    /// Images per ConvNet step.
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// Where tensors run.
    #[arg(long, value_enum, default_value = "cpu")]
    device: DeviceChoice,
    /// Also time the small ResNet.
    #[arg(long)]
    resnet: bool,
    /// Only these measurements (comma-separated; default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Measure>,
    /// A Python with torch installed: runs the PyTorch references in the same go.
    #[arg(long)]
    reference_python: Option<PathBuf>,
    /// The ConvNet reference (default: ../shared/bench/convnet_train_ref.py).
    #[arg(long, default_value = "../shared/bench/convnet_train_ref.py")]
    reference_script: PathBuf,
    /// The U-Net reference.
    #[arg(long, default_value = "tools/bench/unet_train_ref.py")]
    unet_reference_script: PathBuf,
    /// The style-transfer reference (onnxruntime and PyTorch).
    #[arg(long, default_value = "../shared/bench/style_ref.py")]
    style_reference_script: PathBuf,
    /// Threads for the references (they also run on one thread; the faster figure is the
    /// peer's).
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Folder with Fashion-MNIST's IDX files (train-images-idx3-ubyte.gz, …) for the
    /// memory measurement.
    #[arg(long, default_value = "../shared/assets/data/fashion-mnist")]
    fashion_mnist: PathBuf,
    /// Where the Fashion-MNIST ImageFolder is written (once) for the memory measurement.
    #[arg(long)]
    scratch: Option<PathBuf>,
    /// Seconds of UI frames timed while training runs.
    #[arg(long, default_value_t = 10.0)]
    ui_seconds: f64,
    /// Also write the table as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
}

/// What a row's target is.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Goal {
    /// Ours ≥ the peer's (throughput): ratio ours/peer ≥ 1.
    AtLeastPeer,
    /// Ours ≤ the peer's (time): ratio ours/peer ≤ 1 (the style-transfer rows).
    AtMostPeer,
    /// Ours below this figure.
    Below(f64),
    /// No target: shown for information.
    Info,
}

/// One measurement.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// What was measured.
    pub name: String,
    /// Unit of both figures.
    pub unit: &'static str,
    /// Our figure.
    pub ours: f64,
    /// The peer's name and figure, when one ran.
    pub peer: Option<(String, f64)>,
    /// The target.
    pub goal: Goal,
}

impl Row {
    /// A row without a peer figure.
    pub fn new(name: impl Into<String>, unit: &'static str, ours: f64, goal: Goal) -> Self {
        Row {
            name: name.into(),
            unit,
            ours,
            peer: None,
            goal,
        }
    }

    /// The same row compared with `peer`'s figure (when it ran).
    pub fn against(mut self, peer: Option<(String, f64)>) -> Self {
        self.peer = peer;
        self
    }

    /// Ours / the peer's.
    pub fn ratio(&self) -> Option<f64> {
        self.peer
            .as_ref()
            .filter(|(_, p)| *p > 0.0)
            .map(|(_, p)| self.ours / p)
    }

    /// Whether the target is met; `None` when it cannot be told (no peer, no target).
    pub fn met(&self) -> Option<bool> {
        match self.goal {
            Goal::AtLeastPeer => self.ratio().map(|r| r >= 1.0),
            Goal::AtMostPeer => self.ratio().map(|r| r <= 1.0),
            Goal::Below(limit) => Some(self.ours < limit),
            Goal::Info => None,
        }
    }

    fn target_text(&self) -> String {
        match self.goal {
            Goal::AtLeastPeer => "≥ 1.0× peer".into(),
            Goal::AtMostPeer => "≤ 1.0× peer".into(),
            Goal::Below(limit) => format!("< {} {}", number(limit), self.unit),
            Goal::Info => String::new(),
        }
    }
}

/// Figures with a sensible number of digits.
fn number(value: f64) -> String {
    if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else if value.abs() >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// The results, in the order measured.
#[derive(Debug, Default, Serialize)]
pub struct Table {
    /// The rows.
    pub rows: Vec<Row>,
}

impl Table {
    /// Adds a row and prints it at once (a long run shows progress).
    pub fn push(&mut self, row: Row) {
        eprintln!("  measured {}: {} {}", row.name, number(row.ours), row.unit);
        self.rows.push(row);
    }

    /// The table as Markdown (also readable in a terminal).
    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "| measurement | visionlab | peer | peer figure | ratio | target | met |\n|---|---|---|---|---|---|---|\n",
        );
        for row in &self.rows {
            let (peer, peer_figure) = match &row.peer {
                Some((name, value)) => (name.clone(), format!("{} {}", number(*value), row.unit)),
                None => ("-".into(), "-".into()),
            };
            let ratio = row.ratio().map_or("-".into(), |r| format!("{r:.2}×"));
            let met = match row.met() {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "-",
            };
            out.push_str(&format!(
                "| {} | {} {} | {peer} | {peer_figure} | {ratio} | {} | {met} |\n",
                row.name,
                number(row.ours),
                row.unit,
                row.target_text()
            ));
        }
        out
    }
}

/// Runs `python script args…` and returns its stdout (echoed).
fn run_reference(python: &Path, script: &Path, args: &[String]) -> anyhow::Result<String> {
    let output = Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .with_context(|| format!("running {} {}", python.display(), script.display()))?;
    if !output.status.success() {
        anyhow::bail!(
            "the reference {} failed: {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    eprint!("  {text}");
    Ok(text)
}

/// The figure of the first line `label: FIGURE unit …` whose label starts with `prefix`.
pub fn figure_after(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .filter(|line| line.trim_start().starts_with(prefix))
        .find_map(|line| {
            line.split_once(':')?
                .1
                .split_whitespace()
                .next()?
                .parse::<f64>()
                .ok()
        })
}

/// Runs a reference program when a Python was given: `(name, figure)` of the line that
/// starts with `prefix`. A failing reference is reported and the row goes without a peer.
pub fn peer(
    args: &BenchArgs,
    script: &Path,
    script_args: &[String],
    prefix: &str,
) -> Option<(String, f64)> {
    let python = args.reference_python.as_ref()?;
    match run_reference(python, script, script_args) {
        Ok(text) => match figure_after(&text, prefix) {
            Some(value) => Some((prefix.to_string(), value)),
            None => {
                eprintln!("  unexpected output of {}: {text}", script.display());
                None
            }
        },
        Err(error) => {
            eprintln!("  {error:#}");
            None
        }
    }
}

/// The peer's best throughput over `--threads` threads and one thread (its first
/// argument): on a busy machine PyTorch's OpenMP threads spin and one thread can be several
/// times faster, so the target is set by its best showing, named with its thread count.
pub fn peer_best_throughput(
    args: &BenchArgs,
    script: &Path,
    rest: &[String],
    prefix: &str,
) -> Option<(String, f64)> {
    let mut counts = vec![args.threads.max(1)];
    if !counts.contains(&1) {
        counts.push(1);
    }
    counts
        .into_iter()
        .filter_map(|threads| {
            let mut script_args = vec![threads.to_string()];
            script_args.extend_from_slice(rest);
            peer(args, script, &script_args, prefix)
                .map(|(name, value)| (format!("{name} ({threads} thr)"), value))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Images per second of SGD+momentum training steps of `kind` on a fixed 3×32×32 batch.
fn train_throughput(
    kind: ModelKind,
    steps: usize,
    batch: usize,
    device: &Device,
) -> anyhow::Result<f64> {
    let ad = device.clone().autodiff();
    let input = InputShape {
        channels: 3,
        height: 32,
        width: 32,
    };
    let mut model = Classifier::new(kind, input, 10, &ad)?;
    let mut optim = engine::optimizer(OptimizerKind::Sgd);
    let loss_fn = CrossEntropyLossConfig::new().init(&ad);
    let x = Tensor::<4>::random([batch, 3, 32, 32], Distribution::Normal(0.0, 1.0), &ad);
    let labels: Vec<i64> = (0..batch as i64).map(|i| i % 10).collect();
    let y = Tensor::<1, Int>::from_data(TensorData::new(labels, [batch]), &ad);
    let warmup = 10;
    let mut started = Instant::now();
    for i in 0..steps + warmup {
        if i == warmup {
            started = Instant::now();
        }
        let loss = loss_fn.forward(model.forward(x.clone()), y.clone());
        // Read the loss each step, as the reference does (and as training does).
        let _: f32 = loss.clone().into_scalar();
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(0.01, model, grads);
    }
    Ok((steps * batch) as f64 / started.elapsed().as_secs_f64())
}

/// The U-Net benchmark's shape: the Segment tab's defaults (shapes at 32², 6 classes,
/// width 8, batch 16, Adam).
pub struct UnetShape {
    /// Images per step.
    pub batch: usize,
    /// Input side.
    pub side: usize,
    /// First-stage channels.
    pub width: usize,
    /// Classes, background included.
    pub classes: usize,
}

/// The default U-Net benchmark.
pub const UNET: UnetShape = UnetShape {
    batch: 16,
    side: 32,
    width: 8,
    classes: 6,
};

/// Images per second of Adam training steps of the U-Net on a fixed batch, with the
/// segmentation job's loss (masked per-pixel cross-entropy + presence loss).
fn unet_throughput(shape: &UnetShape, steps: usize, device: &Device) -> anyhow::Result<f64> {
    let ad = device.clone().autodiff();
    let UnetShape {
        batch,
        side,
        width,
        classes,
    } = *shape;
    let input = InputShape {
        channels: 3,
        height: side,
        width: side,
    };
    let mut model = UNet::new(input, classes, width, &ad)?;
    let mut optim = engine::optimizer(OptimizerKind::Adam);
    let x = Tensor::<4>::random([batch, 3, side, side], Distribution::Normal(0.0, 1.0), &ad);
    let targets: Vec<i64> = (0..batch * side * side)
        .map(|i| ((i * 7919) % classes) as i64)
        .collect();
    let y = Tensor::<3, Int>::from_data(TensorData::new(targets, [batch, side, side]), &ad);
    // Every class occurs in every image of this target.
    let present = Tensor::<2>::ones([batch, classes], &ad);
    let warmup = 5;
    let mut started = Instant::now();
    for i in 0..steps + warmup {
        if i == warmup {
            started = Instant::now();
        }
        let (logits, presence) = model.forward_with_presence(x.clone());
        let pixel = masked_cross_entropy(logits, y.clone());
        let _: f32 = pixel.clone().into_scalar();
        let loss = pixel + presence_loss(presence, present.clone()) * PRESENCE_WEIGHT;
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(3e-3, model, grads);
    }
    Ok((steps * batch) as f64 / started.elapsed().as_secs_f64())
}

/// Runs the benchmark and prints the table.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    let wanted = |m: Measure| args.only.is_empty() || args.only.contains(&m);
    let selected = device::select(args.device)?;
    println!("device: {}", selected.description);
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average at start: {}", load.trim());
    }
    let mut table = Table::default();

    if wanted(Measure::Convnet) {
        let convnet = run_on_pool("bench", || {
            train_throughput(ModelKind::ConvNet, args.steps, args.batch, &selected.device)
        })?;
        let reference = peer_best_throughput(
            &args,
            &args.reference_script,
            &[args.steps.to_string()],
            "pytorch convnet train",
        );
        table.push(
            Row::new(
                format!("ConvNet training (batch {}, 3×32×32, SGD)", args.batch),
                "img/s",
                convnet,
                Goal::AtLeastPeer,
            )
            .against(reference),
        );
        if args.resnet {
            let resnet = train_throughput(
                ModelKind::ResNet,
                args.steps / 4 + 1,
                args.batch,
                &selected.device,
            )?;
            table.push(Row::new(
                format!("ResNet training (batch {})", args.batch),
                "img/s",
                resnet,
                Goal::Info,
            ));
        }
    }

    if wanted(Measure::Unet) {
        let steps = (args.steps / 4).max(5);
        let unet = run_on_pool("bench", || unet_throughput(&UNET, steps, &selected.device))?;
        let reference = peer_best_throughput(
            &args,
            &args.unet_reference_script,
            &[
                steps.to_string(),
                UNET.width.to_string(),
                UNET.side.to_string(),
                UNET.batch.to_string(),
            ],
            "pytorch unet train",
        );
        table.push(
            Row::new(
                format!(
                    "U-Net training (batch {}, 3×{s}×{s}, width {}, Adam)",
                    UNET.batch,
                    UNET.width,
                    s = UNET.side
                ),
                "img/s",
                unet,
                Goal::AtLeastPeer,
            )
            .against(reference),
        );
    }

    if wanted(Measure::Detector) {
        let steps = (args.steps / 8).max(5);
        let images_per_second = run_on_pool("bench", || {
            visionlab::train::detection::detector_train_images_per_second(
                steps,
                16,
                &selected.device,
            )
        });
        table.push(Row::new(
            "detector training (batch 16, 3×64×64 scenes, Adam)",
            "img/s",
            images_per_second,
            Goal::Info,
        ));
    }

    if wanted(Measure::Ui) {
        let frames = ui_frames::measure(args.ui_seconds)?;
        println!(
            "UI: {} frames while training ({} training steps reported)",
            frames.frames, frames.steps_seen
        );
        table.push(Row::new(
            "UI frame time p50, training running",
            "ms",
            frames.p50_ms,
            Goal::Below(16.0),
        ));
        table.push(Row::new(
            "UI frame time p95, training running",
            "ms",
            frames.p95_ms,
            Goal::Below(16.0),
        ));
    }

    if wanted(Measure::Style) {
        run_on_pool("bench", || style_rows(&args, &selected.device, &mut table))?;
    }

    if wanted(Measure::Memory) {
        let scratch = args
            .scratch
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("visionlab-bench"));
        let folder = memory::fashion_folder(&args.fashion_mnist, &scratch)?;
        for mode in [memory::Mode::Budget, memory::Mode::Streamed] {
            let run = memory::peak_rss_training(&folder, mode)?;
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
    }

    println!();
    print!("{}", table.markdown());
    if let Some(path) = &args.json {
        let json = serde_json::to_vec_pretty(&table)?;
        visionlab::train::checkpoint::write_atomic(path, &json)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// The style-transfer rows: the reference prints both of its figures in one run.
fn style_rows(args: &BenchArgs, device: &Device, table: &mut Table) -> anyhow::Result<()> {
    use visionlab::style::bench as style;
    let fast = style::fast_ms(512, 5, device)?;
    let weights = visionlab::assets::find(visionlab::models::mobilenet_v2::WEIGHTS_ASSET)?;
    let per_iteration = style::optimize_ms_per_iter(&weights, 256, 20, device)?;
    let reference = match &args.reference_python {
        Some(python) => {
            let threads = [args.threads.max(1).to_string()];
            match run_reference(python, &args.style_reference_script, &threads) {
                Ok(text) => Some(text),
                Err(error) => {
                    eprintln!("  {error:#}");
                    None
                }
            }
        }
        None => None,
    };
    let peer_figure = |prefix: &str| {
        let text = reference.as_deref()?;
        figure_after(text, prefix).map(|value| (prefix.to_string(), value))
    };
    table.push(
        Row::new(
            "fast style (multistyle26), 512² image",
            "ms",
            fast,
            Goal::AtMostPeer,
        )
        .against(peer_figure("onnxruntime multistyle26")),
    );
    table.push(
        Row::new(
            "optimisation style (MobileNetV2, Adam), 256², per iteration",
            "ms",
            per_iteration,
            Goal::AtMostPeer,
        )
        .against(peer_figure("pytorch gatys")),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_and_targets() {
        let faster =
            Row::new("a", "img/s", 200.0, Goal::AtLeastPeer).against(Some(("p".into(), 100.0)));
        assert_eq!(faster.ratio(), Some(2.0));
        assert_eq!(faster.met(), Some(true));
        let slower = Row::new("b", "ms", 30.0, Goal::AtMostPeer).against(Some(("p".into(), 20.0)));
        assert_eq!(slower.met(), Some(false));
        assert_eq!(
            Row::new("c", "ms", 12.0, Goal::Below(16.0)).met(),
            Some(true)
        );
        assert_eq!(Row::new("d", "img/s", 1.0, Goal::AtLeastPeer).met(), None);
        let table = Table {
            rows: vec![faster, slower],
        };
        let text = table.markdown();
        assert!(text.contains("2.00×") && text.contains("NO"), "{text}");
    }

    #[test]
    fn reads_reference_figures() {
        let text = "pytorch convnet train: 12345 img/s (threads=2, batch=64)\nonnxruntime multistyle26 512x512: 850 ms/image\n";
        assert_eq!(figure_after(text, "pytorch convnet train"), Some(12345.0));
        assert_eq!(figure_after(text, "onnxruntime"), Some(850.0));
        assert_eq!(figure_after(text, "missing"), None);
    }
}
