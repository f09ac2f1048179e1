//! `visionlab bench`: training throughput of the seed ConvNet (and the small ResNet) on the
//! same synthetic batch as `shared/bench/convnet_train_ref.py`, optionally running that
//! PyTorch reference in the same go and printing the ratio.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::Context;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::{Distribution, TensorData};

use visionlab::device;
use visionlab::models::{Classifier, InputShape};
use visionlab::train::engine;
use visionlab::train::protocol::{DeviceChoice, ModelKind, OptimizerKind};

/// Options of `visionlab bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Timed training steps per model (after 10 warm-up steps).
    #[arg(long, default_value_t = 200)]
    steps: usize,
    /// Images per step.
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// Where tensors run.
    #[arg(long, value_enum, default_value = "cpu")]
    device: DeviceChoice,
    /// Also time the small ResNet.
    #[arg(long)]
    resnet: bool,
    /// A Python with torch installed: runs shared/bench/convnet_train_ref.py in the same go.
    #[arg(long)]
    reference_python: Option<PathBuf>,
    /// The reference script (default: ../shared/bench/convnet_train_ref.py).
    #[arg(long, default_value = "../shared/bench/convnet_train_ref.py")]
    reference_script: PathBuf,
    /// Threads for the reference.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Time style transfer instead (shared/bench/style_ref.py next to the reference script).
    #[arg(long)]
    style: bool,
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

fn reference(args: &BenchArgs) -> anyhow::Result<Option<f64>> {
    let Some(python) = &args.reference_python else {
        return Ok(None);
    };
    let output = Command::new(python)
        .arg(&args.reference_script)
        .arg(args.threads.to_string())
        .arg(args.steps.to_string())
        .output()
        .with_context(|| format!("running {}", python.display()))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        anyhow::bail!(
            "the reference failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    print!("{text}");
    // "pytorch convnet train: 12345 img/s (threads=2, batch=64)"
    let value = text
        .split(':')
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse::<f64>().ok())
        .with_context(|| format!("unexpected reference output: {text}"))?;
    Ok(Some(value))
}

/// Runs the benchmark and prints a table.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    // --- neural style transfer (issue 5) ---
    if args.style {
        let script = args.reference_script.with_file_name("style_ref.py");
        let python = args.reference_python.as_deref();
        return crate::style_cli::bench(args.device, python, &script, args.threads);
    }
    let selected = device::select(args.device)?;
    println!("device: {}", selected.description);
    let convnet = train_throughput(ModelKind::ConvNet, args.steps, args.batch, &selected.device)?;
    println!(
        "visionlab convnet train: {convnet:.0} img/s (batch={}, 3x32x32, SGD+momentum)",
        args.batch
    );
    if args.resnet {
        let resnet = train_throughput(
            ModelKind::ResNet,
            args.steps / 4 + 1,
            args.batch,
            &selected.device,
        )?;
        println!(
            "visionlab resnet train: {resnet:.0} img/s (batch={})",
            args.batch
        );
    }
    if let Some(reference) = reference(&args)? {
        println!(
            "ratio visionlab / pytorch: {:.2}x (target >= 1.0)",
            convnet / reference
        );
    }
    Ok(())
}
