//! `visionlab bench`: one run that measures visionlab against its peers on this machine
//! and prints a table of named measurements: our figure, the peer's figure (run in the same
//! go, so machine noise hits both), the ratio and the target.
//!
//! Rows: training throughput of the seed ConvNet (vs `shared/bench/convnet_train_ref.py`),
//! of the U-Net (vs `tools/bench/unet_train_ref.py`, a layer-for-layer PyTorch mirror), of
//! the detector (vs `tools/bench/detector_train_ref.py`, likewise) and of a whole-network
//! fine-tuning step of the pretrained MobileNetV2 at 96² (vs
//! `tools/bench/mobilenet_finetune_ref.py`) ([`training`]); the UI's frame time while a
//! training job runs, headless ([`ui_frames`]), the Runs tab's with 200 recorded runs
//! ([`runs_panel`]) and the Explore map's with 10 000 images ([`explore_map`]); style
//! transfer vs onnxruntime and PyTorch ([`style`]); and the peak
//! memory of a training run over the full Fashion-MNIST (60 000 images, both decoded in
//! memory and streamed from disk; [`memory`]); the ConvNet through a loopback remote server
//! against the local device ([`remote`]).
//!
//! Each measurement runs on its own compute pool, as the app's jobs do
//! ([`crate::core::compute`]).
//!
//! The busy-machine rule ([`busy`]): on a machine whose load average at the start is above
//! 0.5 per core every ratio is refused; otherwise each row with a peer repeats (up to 3
//! times) until two consecutive figures of ours agree within 10 %.
//!
//! Adding a row is a few lines: measure, then `table.push(Row::new(..))` with a [`Goal`]
//! (and [`reference::peer`] for a reference program that prints `label: number unit`), and
//! call it from [`run`].

pub mod busy;
pub mod explore_map;
pub mod memory;
pub mod reference;
pub mod remote;
pub mod runs_panel;
pub mod style;
pub mod table;
pub mod training;
pub mod ui_frames;

use std::path::PathBuf;

use crate::core::compute::run_on_pool;
use crate::core::device;
use crate::core::protocol::DeviceChoice;

pub use table::{Goal, Row, Table};

/// The measurements `visionlab bench` can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Measure {
    /// Seed ConvNet training img/s (and the small ResNet with --resnet).
    Convnet,
    /// U-Net training img/s.
    Unet,
    /// Detector training img/s (64×64 shapes scenes, batch 16).
    Detector,
    /// MobileNetV2 fine-tuning step img/s (pretrained, whole network, 96², batch 32).
    Mobilenet,
    /// UI frame time while a training job runs (headless).
    Ui,
    /// Peak memory of training on the full Fashion-MNIST.
    Memory,
    /// Style transfer: the 26-style network at 512², optimisation iterations at 256².
    Style,
    /// Seed ConvNet training img/s through a loopback `visionlab serve` vs local.
    Remote,
}

/// What to measure and how (the options of `visionlab bench`).
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// Timed training steps of the ConvNet (after 10 warm-up steps); the U-Net takes a
    /// quarter as many, the detector an eighth.
    pub steps: usize,
    /// Images per ConvNet step.
    pub batch: usize,
    /// Where tensors run.
    pub device: DeviceChoice,
    /// Also time the small ResNet.
    pub resnet: bool,
    /// Only these measurements (empty: all).
    pub only: Vec<Measure>,
    /// A Python with torch installed: runs the PyTorch references in the same go.
    pub reference_python: Option<PathBuf>,
    /// The ConvNet reference.
    pub reference_script: PathBuf,
    /// The U-Net reference.
    pub unet_reference_script: PathBuf,
    /// The detector reference.
    pub detector_reference_script: PathBuf,
    /// The MobileNetV2 fine-tuning reference.
    pub mobilenet_reference_script: PathBuf,
    /// The style-transfer reference (onnxruntime and PyTorch).
    pub style_reference_script: PathBuf,
    /// Threads for the references (they also run on one thread; the faster figure is the
    /// peer's).
    pub threads: usize,
    /// Folder with Fashion-MNIST's IDX files for the memory measurement.
    pub fashion_mnist: PathBuf,
    /// Where the Fashion-MNIST ImageFolder is written (once); default: a folder in the
    /// system's temporary directory.
    pub scratch: Option<PathBuf>,
    /// Seconds of UI frames timed while training runs.
    pub ui_seconds: f64,
    /// Also write the table as JSON here.
    pub json: Option<PathBuf>,
}

/// Runs the benchmark and prints the table.
pub fn run(options: &BenchOptions) -> anyhow::Result<()> {
    let wanted = |m: Measure| options.only.is_empty() || options.only.contains(&m);
    let selected = device::select(options.device)?;
    println!("device: {}", selected.description);
    let load = busy::Load::read();
    println!("{}", load.describe());
    let mut table = Table::at_load(load);
    if let Some(why) = &table.refused {
        println!("{why}: measuring, but every ratio is refused");
    }

    if wanted(Measure::Convnet) {
        training::convnet_rows(options, &selected.device, &mut table)?;
    }
    if wanted(Measure::Unet) {
        training::unet_rows(options, &selected.device, &mut table)?;
    }
    if wanted(Measure::Detector) {
        training::detector_rows(options, &selected.device, &mut table)?;
    }
    if wanted(Measure::Mobilenet) {
        training::mobilenet_rows(options, &selected.device, &mut table)?;
    }
    if wanted(Measure::Ui) {
        ui_frames::rows(options.ui_seconds, &mut table)?;
        runs_panel::rows(&mut table)?;
        explore_map::rows(&mut table);
    }
    if wanted(Measure::Style) {
        run_on_pool("bench", || {
            style::rows(options, &selected.device, &mut table)
        })?;
    }
    if wanted(Measure::Remote) {
        remote::rows(options, &selected.device, &mut table)?;
    }
    if wanted(Measure::Memory) {
        let scratch = options
            .scratch
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("visionlab-bench"));
        memory::rows(&options.fashion_mnist, &scratch, &mut table)?;
    }

    println!();
    print!("{}", table.markdown());
    if let Some(path) = &options.json {
        let json = serde_json::to_vec_pretty(&table)?;
        crate::core::files::write_atomic(path, &json)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
