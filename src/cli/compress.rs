//! `visionlab compress`: the Compress tab's job, headless: int8 quantization or magnitude
//! pruning of a classifier, with size, accuracy and latency before and after.

use std::path::PathBuf;

use anyhow::{Context, bail};
use serde_json::json;

use crate::cli::args::data_spec;
use crate::cli::output::discarding_outbox;
use crate::compress::report;
use crate::core::protocol::{CompressSetting, CompressionRow, DeviceChoice};
use crate::core::{device, files};
use crate::tasks::classify::Trained;

/// Images of the built-in shapes read by `--data shapes`.
const SHAPES_COUNT: usize = 2000;

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
    /// Where tensors run: auto, cpu, gpu, or remote:ws://host:port (a `visionlab serve`).
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Runs `visionlab compress`: compresses one model and prints size, accuracy and latency
/// before and after.
pub fn run(args: CompressArgs) -> anyhow::Result<()> {
    let setting = match args.prune {
        Some(sparsity) => CompressSetting::Prune {
            sparsity,
            finetune_epochs: args.finetune,
        },
        None => CompressSetting::Int8 {
            per_block: matches!(args.granularity, Granularity::Block),
        },
    };
    // The compressed model's file is checked before the model is read and compressed.
    files::check_output_file(&args.out).context("--out")?;
    let selected = device::select(args.device)?;
    let trained = Trained::load(&args.model, &selected)?;
    let set = report::split(
        &trained,
        &data_spec(&args.data, SHAPES_COUNT),
        &discarding_outbox(),
    )?;
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

/// One row of the before/after table.
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
