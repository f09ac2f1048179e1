//! `visionlab attack` and `visionlab compress`: the Attack and Compress tabs' jobs, headless.

use std::path::PathBuf;
use std::sync::mpsc;

use anyhow::bail;
use serde_json::json;

use visionlab::attack::robustness::{self, parse_epsilons};
use visionlab::compress::report;
use visionlab::device;
use visionlab::tasks::classify::Trained;
use visionlab::train::engine::{self, Outbox};
use visionlab::train::protocol::{
    AttackMethod, CompressSetting, CompressionRow, DeviceChoice, Event, LabEvent, RobustnessConfig,
};

/// Options of `visionlab attack`.
#[derive(clap::Args, Debug)]
pub struct AttackArgs {
    /// The classifier checkpoint (.vlck).
    #[arg(long)]
    model: PathBuf,
    /// An ImageFolder directory (its test/ split, or the model's validation split), or
    /// `shapes`.
    #[arg(long)]
    data: String,
    /// The attack (default: both FGSM and PGD).
    #[arg(long, value_enum)]
    method: Option<AttackMethod>,
    /// ε values on the 0..1 pixel scale, comma-separated; `N/255` works too.
    #[arg(long, default_value = "0,0.01,0.02,0.05,0.1,0.2")]
    eps: String,
    /// PGD iterations.
    #[arg(long, default_value_t = 10)]
    steps: usize,
    /// PGD step size (default 2.5·ε/steps).
    #[arg(long)]
    step_size: Option<f32>,
    /// Attack at most this many images (spread over the split).
    #[arg(long)]
    max_images: Option<usize>,
    /// Images per batch.
    #[arg(long, default_value_t = 100)]
    batch: usize,
    /// Where tensors run.
    #[arg(long, value_enum, default_value = "auto")]
    device: DeviceChoice,
    /// One JSON object per (method, ε) on stdout.
    #[arg(long)]
    json: bool,
}

/// Prints accuracy per ε as each point is measured.
pub fn attack(args: AttackArgs) -> anyhow::Result<()> {
    let config = RobustnessConfig {
        model: args.model,
        data: crate::cli::data_spec(&args.data, 2000),
        methods: match args.method {
            Some(m) => vec![m],
            None => AttackMethod::ALL.to_vec(),
        },
        epsilons: parse_epsilons(&args.eps)?,
        steps: args.steps,
        step_size: args.step_size,
        max_images: args.max_images,
        batch_size: args.batch,
        device: args.device,
    };
    let job = robustness::spawn(config, engine::no_waker());
    for event in job.events().iter() {
        match event {
            Event::Device(d) if !args.json => println!("device: {d}"),
            Event::Log(line) => eprintln!("{line}"),
            Event::Lab(LabEvent::Robustness(p)) => {
                if args.json {
                    println!(
                        "{}",
                        json!({
                            "method": p.method,
                            "eps": p.eps,
                            "accuracy": p.accuracy,
                            "images": p.images,
                        })
                    );
                } else {
                    println!(
                        "{:<5} ε = {:.4} ({:>5.1}/255): accuracy {:6.2} % ({} images)",
                        match p.method {
                            AttackMethod::Fgsm => "fgsm",
                            AttackMethod::Pgd => "pgd",
                        },
                        p.eps,
                        p.eps * 255.0,
                        p.accuracy * 100.0,
                        p.images
                    );
                }
            }
            Event::Finished(_) => return Ok(()),
            Event::Failed(message) => bail!(message),
            _ => {}
        }
    }
    bail!("the attack job ended unexpectedly")
}

/// Quantization granularity on the command line.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Granularity {
    /// One scale per weight tensor.
    Tensor,
    /// One scale per block of up to 32 weights.
    Block,
}

/// Options of `visionlab compress`.
#[derive(clap::Args, Debug)]
pub struct CompressArgs {
    /// The classifier checkpoint (.vlck).
    #[arg(long)]
    model: PathBuf,
    /// The data it was trained on (ImageFolder directory or `shapes`): the validation split
    /// measures accuracy, the training split fine-tunes.
    #[arg(long)]
    data: String,
    /// Quantize the conv/linear weights to int8.
    #[arg(long, required_unless_present = "prune", conflicts_with = "prune")]
    int8: bool,
    /// With --int8: one scale per tensor or per block.
    #[arg(long, value_enum, default_value = "tensor")]
    granularity: Granularity,
    /// Prune this fraction (0..1) of the conv/linear weights by global magnitude.
    #[arg(long)]
    prune: Option<f32>,
    /// With --prune: epochs of fine-tuning with the mask kept.
    #[arg(long, default_value_t = 0)]
    finetune: usize,
    /// Where to write the compressed model.
    #[arg(long)]
    out: PathBuf,
    /// Where tensors run.
    #[arg(long, value_enum, default_value = "auto")]
    device: DeviceChoice,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Compresses one model and prints size, accuracy and latency before and after.
pub fn compress(args: CompressArgs) -> anyhow::Result<()> {
    let setting = match args.prune {
        Some(sparsity) => CompressSetting::Prune {
            sparsity,
            finetune_epochs: args.finetune,
        },
        None => CompressSetting::Int8 {
            per_block: matches!(args.granularity, Granularity::Block),
        },
    };
    let selected = device::select(args.device)?;
    let trained = Trained::load(&args.model, &selected)?;
    let (tx, _rx) = mpsc::channel();
    let out = Outbox::new(tx, engine::no_waker());
    let set = report::split(&trained, &crate::cli::data_spec(&args.data, 2000), &out)?;
    let before = report::baseline(&trained, &set.1, &selected)?;
    let Some(after) =
        report::compress_to_file(&trained, &set, setting, &args.out, &selected, &mut |_| true)?
    else {
        bail!("compression was stopped");
    };
    let input_size = std::fs::metadata(&args.model).map_or(0, |m| m.len());
    if args.json {
        println!(
            "{}",
            json!({
                "device": selected.description,
                "input_file_bytes": input_size,
                "float": before,
                "compressed": after,
            })
        );
        return Ok(());
    }
    println!(
        "device: {} — {} validation images; {} is {input_size} bytes with optimizer state",
        selected.description,
        after.images,
        args.model.display()
    );
    println!(
        "{:<32} {:>12} {:>10} {:>14} {:>9}",
        "model", "size (B)", "accuracy", "latency ms/img", "sparsity"
    );
    for row in [&before, &after] {
        print_row(row);
    }
    println!("wrote {}", args.out.display());
    Ok(())
}

fn print_row(row: &CompressionRow) {
    println!(
        "{:<32} {:>12} {:>9.2}% {:>14.4} {:>8.1}%",
        row.setting,
        row.size_bytes,
        row.accuracy * 100.0,
        row.latency_ms,
        row.sparsity * 100.0
    );
}
