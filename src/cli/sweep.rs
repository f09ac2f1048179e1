//! `visionlab sweep`: `visionlab train`'s options for the base run, and `--set KEY=VALUES`
//! for one or two settings to vary ([`crate::train::sweep`]). It prints the plan, then
//! trains the runs one after another, each shown and recorded in its run folder as
//! `visionlab train` does, and ends with a table of the runs. A run that fails is recorded
//! as failed and the sweep goes on; Ctrl+C stops the current run (recorded as stopped) and
//! cancels the rest (a second Ctrl+C quits at once).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use anyhow::{Context, bail};
use serde_json::json;

use crate::cli::train::{End, Shown, TrainArgs, config_from_args, runs_root, watch};
use crate::core::protocol::{FinishReason, TrainConfig};
use crate::train::record::{RUN, RunInfo};
use crate::train::sweep::{self, Axis};

/// Options of `visionlab sweep`.
#[derive(clap::Args, Debug, Clone)]
pub struct SweepArgs {
    /// The base run: every option of `visionlab train` (`--json` prints a JSON summary of
    /// the sweep instead of the table; `--out` and `--resume` are not for sweeps).
    #[command(flatten)]
    pub train: TrainArgs,
    /// A setting to vary and its values: a list (`lr=1e-3,3e-3,1e-2`, `model=convnet,resnet`)
    /// or a range FROM..TOxN, log-spaced (`lr=1e-4..1e-2x3`); give it once or twice.
    /// Settings: lr, batch, epochs, seed, model, optimizer, image_size, val_fraction, count,
    /// augment, flip, unet_width, freeze_backbone, unfreeze_last, unfreeze_after,
    /// unfreeze_lr_factor.
    #[arg(long = "set", value_name = "KEY=VALUES", required = true)]
    pub set: Vec<String>,
}

/// How one run of the sweep ended, for the table.
struct Row {
    label: String,
    status: String,
    folder: Option<PathBuf>,
    metric: String,
    last: Option<f32>,
    best: Option<f32>,
}

/// The runs `args` ask for: the base run with each `--set`.
///
/// # Errors
/// A `--set` that cannot be read, or a run out of range.
pub fn plan(args: &SweepArgs, id: &str) -> anyhow::Result<Vec<sweep::SweepRun>> {
    if args.train.out.is_some() {
        bail!("--out is not for sweeps: every run keeps its checkpoints in its run folder");
    }
    let base = TrainConfig {
        runs_dir: runs_root(&args.train),
        ..config_from_args(&args.train)
    };
    if base.resume_from.is_some() {
        bail!("--resume is not for sweeps: each run of a sweep starts afresh");
    }
    let axes = args
        .set
        .iter()
        .map(|set| Axis::parse(set).with_context(|| format!("--set {set}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(sweep::plan(&base, &axes, id)?)
}

/// Runs `visionlab sweep`.
pub fn run(args: &SweepArgs) -> anyhow::Result<()> {
    let id = sweep::new_id(SystemTime::now());
    let runs = plan(args, &id)?;
    let total = runs.len();
    let json = args.train.json;
    let say = |line: String| {
        if json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    say(format!("{id}: {total} runs"));
    for (i, run) in runs.iter().enumerate() {
        say(format!("  {}/{total}  {}", i + 1, run.label));
    }
    let interrupt = ctrl_c_flag();
    let mut rows = Vec::new();
    for (i, planned) in runs.into_iter().enumerate() {
        let index = i + 1;
        if interrupt.load(Ordering::SeqCst) {
            rows.push(Row::not_run(&planned.label, "cancelled"));
            continue;
        }
        eprintln!("run {index}/{total}: {}", planned.label);
        let shown = Shown {
            json: false,
            epochs: !json,
            prefix: format!("run {index}/{total} · "),
        };
        let watched = watch(planned.config, &shown, None, Some(&interrupt))?;
        let status = match &watched.end {
            End::Finished(FinishReason::Completed) => "finished".to_string(),
            End::Finished(FinishReason::Stopped) => "stopped".to_string(),
            End::Failed(message) => {
                let next = if index < total {
                    "; going on with the next"
                } else {
                    ""
                };
                eprintln!(
                    "run {index}/{total} ({}) failed: {message}{next}",
                    planned.label
                );
                "failed".to_string()
            }
        };
        rows.push(Row::read(planned.label, status, watched.folder));
    }
    let ran = rows.iter().filter(|row| row.status != "cancelled").count();
    if interrupt.load(Ordering::SeqCst) {
        eprintln!("Sweep stopped: {ran} of {total} ran");
    }
    if json {
        println!("{}", summary_json(&id, &rows));
    } else {
        print_table(&rows);
    }
    let failed = rows.iter().filter(|row| row.status == "failed").count();
    if failed > 0 {
        bail!("{failed} of {total} runs failed");
    }
    Ok(())
}

/// A flag Ctrl+C sets (the current run stops, the rest are cancelled); a second Ctrl+C
/// ends the process. Without a handler (it could not be installed) Ctrl+C ends the
/// process as usual.
fn ctrl_c_flag() -> Arc<AtomicBool> {
    use signal_hook::consts::SIGINT;
    use signal_hook::flag;
    let interrupt = Arc::new(AtomicBool::new(false));
    // The first registration ends the process on a Ctrl+C once the flag is set.
    let installed = flag::register_conditional_shutdown(SIGINT, 130, Arc::clone(&interrupt))
        .and_then(|_| flag::register(SIGINT, Arc::clone(&interrupt)));
    if let Err(e) = installed {
        eprintln!("warning: Ctrl+C will end the sweep at once ({e})");
    }
    interrupt
}

impl Row {
    /// A run that never started.
    fn not_run(label: &str, status: &str) -> Self {
        Row {
            label: label.to_string(),
            status: status.to_string(),
            folder: None,
            metric: String::new(),
            last: None,
            best: None,
        }
    }

    /// A run that ended: its metrics as its record (`run.json`) says them.
    fn read(label: String, status: String, folder: Option<PathBuf>) -> Self {
        let info = folder
            .as_ref()
            .and_then(|dir| std::fs::read(dir.join(RUN)).ok())
            .and_then(|bytes| serde_json::from_slice::<RunInfo>(&bytes).ok())
            .unwrap_or_default();
        Row {
            label,
            status,
            folder,
            metric: info.metric,
            last: info.last.map(|e| e.val_metric),
            best: info.best.map(|e| e.val_metric),
        }
    }
}

/// A metric as the table shows it.
fn shown_metric(value: Option<f32>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.4}"),
        _ => "–".into(),
    }
}

/// The table of the sweep's runs on stdout.
fn print_table(rows: &[Row]) {
    let metric = rows
        .iter()
        .map(|row| row.metric.as_str())
        .find(|m| !m.is_empty())
        .unwrap_or("metric");
    let width = rows
        .iter()
        .map(|row| row.label.chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    let final_head = format!("final {metric}");
    let best_head = format!("best {metric}");
    let metric_width = final_head.len().max(10);
    println!(
        "{:>3}  {:<width$}  {:>metric_width$}  {:>metric_width$}  {:<9}  run folder",
        "#", "run", final_head, best_head, "status"
    );
    for (i, row) in rows.iter().enumerate() {
        let folder = row
            .folder
            .as_ref()
            .map_or("–".to_string(), |dir| dir.display().to_string());
        println!(
            "{:>3}  {:<width$}  {:>metric_width$}  {:>metric_width$}  {:<9}  {folder}",
            i + 1,
            row.label,
            shown_metric(row.last),
            shown_metric(row.best),
            row.status
        );
    }
}

/// The sweep as one JSON object: its id and one object per run.
fn summary_json(id: &str, rows: &[Row]) -> serde_json::Value {
    let runs: Vec<serde_json::Value> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            json!({
                "index": i + 1,
                "label": row.label,
                "status": row.status,
                "folder": row.folder,
                "metric": row.metric,
                "final": row.last.filter(|v| v.is_finite()),
                "best": row.best.filter(|v| v.is_finite()),
            })
        })
        .collect();
    json!({ "sweep": id, "runs": runs })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Cmd};

    fn sweep_args(args: &[&str]) -> Result<SweepArgs, String> {
        let argv = ["visionlab", "sweep"].iter().chain(args);
        match Cli::try_parse_from(argv) {
            Ok(Cli {
                command: Some(Cmd::Sweep(args)),
                ..
            }) => Ok(args),
            Ok(other) => Err(format!("not a sweep command: {other:?}")),
            Err(error) => Err(error.to_string()),
        }
    }

    #[test]
    fn the_train_options_set_the_base_and_each_set_a_setting() {
        let args = sweep_args(&[
            "--epochs",
            "2",
            "--set",
            "lr=1e-3,3e-3",
            "--set",
            "batch=16,32",
            "--runs-dir",
            "/tmp/r",
        ])
        .unwrap();
        let runs = plan(&args, "s").unwrap();
        assert_eq!(runs.len(), 4);
        assert!(runs.iter().all(|r| r.config.epochs == 2));
        assert_eq!(runs[1].label, "lr=1e-3 batch=32");
        assert_eq!(runs[1].config.runs_dir, Some(PathBuf::from("/tmp/r")));
        assert!(sweep_args(&["--epochs", "2"]).is_err(), "--set is required");
        let bad = plan(&sweep_args(&["--set", "momentum=0.9"]).unwrap(), "s").unwrap_err();
        assert!(
            format!("{bad:#}").contains("unknown setting `momentum`"),
            "{bad:#}"
        );
        let out = sweep_args(&["--set", "lr=1e-3", "--out", "/tmp/x.vlck"]).unwrap();
        assert!(plan(&out, "s").is_err());
    }
}
