//! The command line: the same engine as the GUI, with progress bars or JSON lines.
//!
//! This module is the clap tree ([`Cli`], [`Cmd`]) and the dispatch ([`run`]); each
//! subcommand has its own file holding its options and what it does. Subcommand files
//! share only [`args`] (how `--data` is read) and [`output`] (progress bars, the event sink
//! of blocking calls); none imports another, but for [`sweep`], which is `train`'s options
//! and run watching over several runs.

pub mod args;
pub mod assets;
pub mod attack;
pub mod bench;
pub mod compress;
pub mod dataset;
pub mod devices;
pub mod eval;
pub mod explore;
pub mod figures;
pub mod output;
pub mod pixel_font;
pub mod predict;
pub mod runs;
pub mod serve;
pub mod stylize;
pub mod sweep;
pub mod train;

use clap::{Parser, Subcommand};

/// A workbench for computer-vision experiments. Without a subcommand it opens the window.
#[derive(Parser, Debug)]
#[command(name = "visionlab", version, about)]
pub struct Cli {
    /// The subcommand; none opens the window.
    #[command(subcommand)]
    pub command: Option<Cmd>,
    /// The token of a remote server, in a file: the one a job on `--device remote:…`
    /// presents, or the one `serve` asks its clients for (else $VISIONLAB_REMOTE_TOKEN).
    #[arg(long, global = true, value_name = "FILE")]
    pub token_file: Option<std::path::PathBuf>,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Train a model.
    Train(train::TrainArgs),
    /// Train several runs, one after another: `visionlab train`'s options with one or two
    /// settings varied (`--set lr=1e-3,3e-3 --set batch=32,64`), each run recorded.
    #[command(
        after_help = "For a sweep, --json prints one JSON summary of the sweep instead of the \
                      table; --out and --resume are refused (each run starts afresh and keeps \
                      its checkpoints in its run folder)."
    )]
    Sweep(sweep::SweepArgs),
    /// Evaluate a checkpoint on a dataset (a classifier on its test split when it has one;
    /// a detector or segmenter, `--task detect|segment`, on its validation split, with the
    /// error views in the JSON and, with `--plots DIR`, as PNG figures).
    Eval(eval::EvalArgs),
    /// Classify image files with a checkpoint, or with `--model imagenet` (the bundled
    /// pretrained MobileNetV2 and its 1000 classes); with `--task segment`, write their masks;
    /// with `--task detect`, print boxes `[x0, y0, x1, y1, score, class]` (and draw them).
    Predict(predict::PredictArgs),
    /// Write a dataset to disk.
    #[command(subcommand)]
    Dataset(dataset::DatasetCmd),
    /// Measure training throughput (images/second) of the seed ConvNet and friends.
    Bench(bench::BenchArgs),
    /// List the compute devices this machine offers.
    Devices,
    /// Show where the bundled assets (weights, labels, sample images) are read from.
    Assets,
    /// Accuracy under FGSM/PGD attacks for each ε (a robustness curve).
    Attack(attack::AttackArgs),
    /// Shrink a classifier (int8 quantization or magnitude pruning) and compare it.
    Compress(compress::CompressArgs),
    /// Stylize an image: optimisation (Gatys), 26 built-in styles, or any style image.
    Stylize(stylize::StylizeArgs),
    /// A dataset seen through a model: likely label errors, duplicates (and train/validation
    /// leaks) and a 2-D map of the embeddings, with a checkpoint or `--model imagenet`.
    Explore(explore::ExploreArgs),
    /// The recorded training runs: list, show one, compare, export as CSV.
    #[command(subcommand)]
    Runs(runs::RunsCmd),
    /// Host this machine's device for jobs started on another machine
    /// (`--device remote:ws://host:3000` there).
    Serve(serve::ServeArgs),
}

/// Runs the parsed command line: the window without a subcommand, else the subcommand.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let Some(command) = cli.command else {
        return crate::ui::run().map_err(|e| anyhow::anyhow!("the window failed: {e}"));
    };
    // A device that is a poor choice (a software rasteriser) is said once, on stderr.
    crate::core::device::report_warnings_to(|warning| eprintln!("warning: {warning}"));
    if let Some(path) = &cli.token_file
        && !matches!(command, Cmd::Serve(_))
    {
        crate::core::remote::set_default_token(&crate::core::remote::read_token_file(path)?);
    }
    match command {
        Cmd::Train(args) => train::run(&args),
        Cmd::Sweep(args) => sweep::run(&args),
        Cmd::Eval(args) => eval::run(&args),
        Cmd::Predict(args) => predict::run(&args),
        Cmd::Dataset(command) => dataset::run(command),
        Cmd::Bench(args) => bench::run(args),
        Cmd::Devices => devices::run(),
        Cmd::Assets => {
            assets::run();
            Ok(())
        }
        Cmd::Attack(args) => attack::run(args),
        Cmd::Compress(args) => compress::run(args),
        Cmd::Stylize(args) => stylize::run(args),
        Cmd::Explore(args) => explore::run(args),
        Cmd::Runs(command) => runs::run(command),
        Cmd::Serve(args) => serve::run(&args, cli.token_file.as_deref()),
    }
}
