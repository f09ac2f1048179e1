//! `visionlab bench`: its options, handed to [`crate::bench`], which measures and prints
//! the table.

use std::path::PathBuf;

use anyhow::Context;

use crate::bench::{self, BenchOptions, Measure};
use crate::core::files;
use crate::core::protocol::DeviceChoice;

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
    /// Where tensors run: auto, cpu, gpu, or remote:ws://host:port (a `visionlab serve`).
    #[arg(long, default_value = "cpu")]
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
    /// The detector reference.
    #[arg(long, default_value = "tools/bench/detector_train_ref.py")]
    detector_reference_script: PathBuf,
    /// The MobileNetV2 fine-tuning reference.
    #[arg(long, default_value = "tools/bench/mobilenet_finetune_ref.py")]
    mobilenet_reference_script: PathBuf,
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

/// Runs `visionlab bench`.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    // Where the results and the scratch data go is checked before minutes of measuring.
    if let Some(json) = &args.json {
        files::check_output_file(json).context("--json")?;
    }
    if let Some(scratch) = &args.scratch {
        files::check_output_dir(scratch).context("--scratch")?;
    }
    bench::run(&BenchOptions {
        steps: args.steps,
        batch: args.batch,
        device: args.device,
        resnet: args.resnet,
        only: args.only,
        reference_python: args.reference_python,
        reference_script: args.reference_script,
        unet_reference_script: args.unet_reference_script,
        detector_reference_script: args.detector_reference_script,
        mobilenet_reference_script: args.mobilenet_reference_script,
        style_reference_script: args.style_reference_script,
        threads: args.threads,
        fashion_mnist: args.fashion_mnist,
        scratch: args.scratch,
        ui_seconds: args.ui_seconds,
        json: args.json,
    })
}
