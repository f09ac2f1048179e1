//! `visionlab eval`: a classifier checkpoint's accuracy on a dataset (its test split when
//! it has one), overall and per class.

use std::path::PathBuf;

use crate::cli::args::data_spec;
use crate::cli::output::discarding_outbox;
use crate::core::device;
use crate::core::protocol::DeviceChoice;
use crate::tasks::classify::{self, Trained};

/// Images of the built-in shapes read by `--data shapes`.
const SHAPES_COUNT: usize = 2000;

/// Options of `visionlab eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// The checkpoint (.vlck).
    #[arg(long)]
    model: PathBuf,
    /// An ImageFolder directory, or `shapes`.
    #[arg(long)]
    data: String,
    /// Where tensors run: auto, cpu, gpu, or remote:ws://host:port (a `visionlab serve`).
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Runs `visionlab eval`.
pub fn run(args: &EvalArgs) -> anyhow::Result<()> {
    let selected = device::select(args.device)?;
    let trained = Trained::load(&args.model, &selected)?;
    let report = classify::evaluate(
        &trained,
        &data_spec(&args.data, SHAPES_COUNT),
        &discarding_outbox(),
    )?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    println!(
        "{} images ({} split) on {}: accuracy {:.2} %, loss {:.4}",
        report.images,
        report.split,
        selected.description,
        report.accuracy * 100.0,
        report.loss
    );
    for (class, acc) in &report.per_class_accuracy {
        println!("  {class:<20} {:.2} %", acc * 100.0);
    }
    Ok(())
}
