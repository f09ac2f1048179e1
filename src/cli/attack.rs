//! `visionlab attack`: the Attack tab's robustness curve, headless: accuracy under FGSM
//! and PGD for each ε.

use std::path::PathBuf;

use anyhow::bail;
use serde_json::json;

use crate::attack::robustness::{self, parse_epsilons};
use crate::cli::args::data_spec;
use crate::core::job;
use crate::core::protocol::{AttackMethod, DeviceChoice, Event, LabEvent, RobustnessConfig};

/// Images of the built-in shapes read by `--data shapes`.
const SHAPES_COUNT: usize = 2000;

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
    /// Where tensors run: auto, cpu, gpu, or remote:ws://host:port (a `visionlab serve`).
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// One JSON object per (method, ε) on stdout.
    #[arg(long)]
    json: bool,
}

/// Runs `visionlab attack`: prints accuracy per ε as each point is measured.
pub fn run(args: AttackArgs) -> anyhow::Result<()> {
    let config = RobustnessConfig {
        model: args.model,
        data: data_spec(&args.data, SHAPES_COUNT),
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
    let job = robustness::spawn(config, job::no_waker());
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
