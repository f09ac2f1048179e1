//! `visionlab runs list|show|compare|export`: the recorded runs under a runs root
//! ([`crate::train::runs`]) as tables, JSON or a CSV file. A run folder that cannot be read
//! whole is shown with what could be read, and its warnings go to stderr.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::core::files;
use crate::train::run_folder;
use crate::train::runs::{LoadedRun, differing_settings, list_runs, load_run};

/// The `runs` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum RunsCmd {
    /// A table of the recorded runs, newest first.
    List(ListArgs),
    /// One run: its config, its summary and its epochs.
    Show(ShowArgs),
    /// Runs side by side: the settings that differ and their epochs' validation metrics.
    Compare(CompareArgs),
    /// Write the runs table to a CSV file (one row per run).
    Export(ExportArgs),
}

/// Where the runs are.
#[derive(clap::Args, Debug, Clone)]
pub struct RootArg {
    /// The runs root (default: $VISIONLAB_RUNS_DIR, else visionlab/runs in the user's data
    /// folder).
    #[arg(long, value_name = "DIR")]
    runs_dir: Option<PathBuf>,
}

/// Options of `runs list`.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    root: RootArg,
    /// A JSON array (each run with its config and epoch lines) instead of a table.
    #[arg(long)]
    json: bool,
}

/// Options of `runs show`.
#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    #[command(flatten)]
    root: RootArg,
    /// The run: its folder's name under the root, or its folder.
    name: String,
    /// The run as JSON instead of tables.
    #[arg(long)]
    json: bool,
}

/// Options of `runs compare`.
#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    #[command(flatten)]
    root: RootArg,
    /// The runs: folder names under the root, or folders.
    #[arg(num_args = 2.., required = true)]
    names: Vec<String>,
}

/// Options of `runs export`.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    root: RootArg,
    /// The CSV file to write (atomically).
    #[arg(long, value_name = "FILE")]
    csv: PathBuf,
}

/// Runs a `runs` subcommand.
pub fn run(command: RunsCmd) -> anyhow::Result<()> {
    match command {
        RunsCmd::List(args) => {
            let runs = list_runs(&root(&args.root)?);
            warn(&runs);
            if args.json {
                let all: Vec<Value> = runs.iter().map(run_json).collect();
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                print!("{}", list_table(&runs));
            }
        }
        RunsCmd::Show(args) => {
            let run = find(&root(&args.root)?, &args.name)?;
            warn(std::slice::from_ref(&run));
            if args.json {
                println!("{}", serde_json::to_string_pretty(&run_json(&run))?);
            } else {
                print!("{}", show_text(&run));
            }
        }
        RunsCmd::Compare(args) => {
            let root = root(&args.root)?;
            let runs = args
                .names
                .iter()
                .map(|name| find(&root, name))
                .collect::<anyhow::Result<Vec<_>>>()?;
            warn(&runs);
            print!("{}", compare_text(&runs));
        }
        RunsCmd::Export(args) => {
            files::check_output_file(&args.csv).context("--csv")?;
            let runs = list_runs(&root(&args.root)?);
            warn(&runs);
            files::write_atomic(&args.csv, csv_text(&runs).as_bytes())?;
            eprintln!("wrote {} runs to {}", runs.len(), args.csv.display());
        }
    }
    Ok(())
}

/// `--runs-dir`, else the default root.
fn root(arg: &RootArg) -> anyhow::Result<PathBuf> {
    match arg.runs_dir.clone().or_else(run_folder::default_root) {
        Some(root) => Ok(root),
        None => bail!("this system names no data folder: give --runs-dir"),
    }
}

/// The run `name`: a folder under `root`, or a folder.
fn find(root: &Path, name: &str) -> anyhow::Result<LoadedRun> {
    let under = root.join(name);
    let dir = if under.is_dir() {
        under
    } else if Path::new(name).is_dir() {
        PathBuf::from(name)
    } else {
        bail!(
            "no run {name} under {} (see `visionlab runs list`)",
            root.display()
        );
    };
    Ok(load_run(&dir))
}

/// Each run's warnings, on stderr.
fn warn(runs: &[LoadedRun]) {
    for run in runs {
        for warning in &run.warnings {
            eprintln!("warning: {}: {warning}", run.name);
        }
    }
}

/// A number to 4 significant places, or `-`.
fn num(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{:.4}", v),
        Some(_) => "NaN".into(),
        None => "-".into(),
    }
}

/// Seconds as `1h02m`, `3m05s` or `12.3s`.
fn duration(seconds: Option<f64>) -> String {
    let Some(s) = seconds else {
        return "-".into();
    };
    let whole = s.round() as u64;
    if whole >= 3600 {
        format!("{}h{:02}m", whole / 3600, whole % 3600 / 60)
    } else if whole >= 60 {
        format!("{}m{:02}s", whole / 60, whole % 60)
    } else {
        format!("{s:.1}s")
    }
}

/// The run's summary columns: (header, value), in the list's order.
fn columns(run: &LoadedRun) -> Vec<(&'static str, String)> {
    let info = run.info.as_ref();
    let text = |v: Option<String>| v.filter(|v| !v.is_empty()).unwrap_or_else(|| "-".into());
    let metric = info.map(|i| i.metric.clone()).filter(|m| !m.is_empty());
    vec![
        ("name", run.name.clone()),
        ("task", run.task()),
        ("data", text(info.map(|i| i.data.clone()))),
        ("model", text(info.map(|i| i.model.clone()))),
        ("lr", text(run.setting("learning_rate"))),
        ("batch", text(run.setting("batch_size"))),
        ("epochs", text(run.setting("epochs"))),
        ("metric", text(metric)),
        ("best", num(run.best().map(|e| f64::from(e.val_metric)))),
        ("final", num(run.last().map(|e| f64::from(e.val_metric)))),
        ("duration", duration(run.duration())),
        ("status", run.status()),
    ]
}

/// Rows under headers, columns padded to their widest cell.
fn table(headers: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(headers);
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

fn list_table(runs: &[LoadedRun]) -> String {
    if runs.is_empty() {
        return "no runs recorded\n".into();
    }
    let headers: Vec<String> = columns(&LoadedRun::default())
        .into_iter()
        .map(|(h, _)| h.to_string())
        .collect();
    let rows: Vec<Vec<String>> = runs
        .iter()
        .map(|run| columns(run).into_iter().map(|(_, v)| v).collect())
        .collect();
    table(&headers, &rows)
}

/// The run as JSON: its folder, summary, `run.json`, config, epoch lines and warnings.
fn run_json(run: &LoadedRun) -> Value {
    json!({
        "name": run.name,
        "dir": run.dir,
        "task": run.task(),
        "status": run.status(),
        "best_val_metric": run.best().map(|e| e.val_metric),
        "final_val_metric": run.last().map(|e| e.val_metric),
        "duration_s": run.duration(),
        "run": run.info,
        "config": run.config,
        "epochs": run.epochs,
        "steps": run.steps.len(),
        "warnings": run.warnings,
    })
}

fn epoch_table(run: &LoadedRun) -> String {
    let headers: Vec<String> = [
        "epoch",
        "train loss",
        "train acc",
        "val loss",
        "val acc",
        "val metric",
        "seconds",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = run
        .epochs
        .iter()
        .map(|e| {
            vec![
                e.epoch.to_string(),
                num(Some(f64::from(e.train_loss))),
                num(Some(f64::from(e.train_accuracy))),
                num(Some(f64::from(e.val_loss))),
                num(Some(f64::from(e.val_accuracy))),
                num(Some(f64::from(e.val_metric))),
                format!("{:.1}", e.seconds),
            ]
        })
        .collect();
    table(&headers, &rows)
}

fn show_text(run: &LoadedRun) -> String {
    let mut out = format!("{}\n  folder: {}\n", run.name, run.dir.display());
    for (key, value) in columns(run).into_iter().skip(1) {
        out.push_str(&format!("  {key}: {value}\n"));
    }
    if let Some(info) = &run.info {
        let pairs = [
            ("started", Some(info.started.clone())),
            ("ended", info.ended.clone()),
            ("message", info.message.clone()),
            ("device", Some(info.device.clone())),
            ("version", Some(info.version.clone())),
            ("steps", Some(info.step.to_string())),
            (
                "last checkpoint",
                info.last_checkpoint
                    .as_ref()
                    .map(|p| p.display().to_string()),
            ),
            (
                "best checkpoint",
                info.best_checkpoint
                    .as_ref()
                    .map(|p| p.display().to_string()),
            ),
            (
                "resumed from",
                info.resumed_from.as_ref().map(|p| p.display().to_string()),
            ),
            ("note", Some(info.note.clone())),
        ];
        for (key, value) in pairs {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                out.push_str(&format!("  {key}: {value}\n"));
            }
        }
    }
    out.push_str("\nconfig:\n");
    for (key, value) in run.settings() {
        out.push_str(&format!("  {key} = {value}\n"));
    }
    out.push_str("\nepochs:\n");
    out.push_str(&epoch_table(run));
    out
}

fn compare_text(runs: &[LoadedRun]) -> String {
    let mut out = String::new();
    for (i, run) in runs.iter().enumerate() {
        out.push_str(&format!("run {}: {} ({})\n", i + 1, run.name, run.status()));
    }
    let labels: Vec<String> = (1..=runs.len()).map(|i| format!("run {i}")).collect();
    let differing = differing_settings(runs);
    out.push_str("\nsettings that differ:\n");
    if differing.is_empty() {
        out.push_str("  none\n");
    } else {
        let headers: Vec<String> = std::iter::once("setting".to_string())
            .chain(labels.iter().cloned())
            .collect();
        let rows: Vec<Vec<String>> = differing
            .iter()
            .map(|key| {
                std::iter::once(key.clone())
                    .chain(
                        runs.iter()
                            .map(|r| r.setting(key).unwrap_or_else(|| "-".into())),
                    )
                    .collect()
            })
            .collect();
        out.push_str(&table(&headers, &rows));
    }
    out.push_str("\nvalidation loss / metric per epoch:\n");
    let epochs = runs.iter().map(|r| r.epochs.len()).max().unwrap_or(0);
    let headers: Vec<String> = std::iter::once("epoch".to_string())
        .chain(
            labels
                .iter()
                .flat_map(|l| [format!("{l} loss"), format!("{l} metric")]),
        )
        .collect();
    let rows: Vec<Vec<String>> = (0..epochs)
        .map(|i| {
            std::iter::once((i + 1).to_string())
                .chain(runs.iter().flat_map(|r| {
                    let e = r.epochs.get(i);
                    [
                        num(e.map(|e| f64::from(e.val_loss))),
                        num(e.map(|e| f64::from(e.val_metric))),
                    ]
                }))
                .collect()
        })
        .collect();
    out.push_str(&table(&headers, &rows));
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// One row per run: the summary, then every setting of any run's config.
fn csv_text(runs: &[LoadedRun]) -> String {
    let settings: BTreeSet<String> = runs.iter().flat_map(|r| r.settings().into_keys()).collect();
    let summary = |run: &LoadedRun| -> Vec<(String, String)> {
        let info = run.info.as_ref();
        let opt = |v: Option<String>| v.unwrap_or_default();
        let float = |v: Option<f32>| opt(v.map(|v| v.to_string()));
        vec![
            ("name".into(), run.name.clone()),
            ("task".into(), run.task()),
            ("status".into(), run.status()),
            ("started".into(), opt(info.map(|i| i.started.clone()))),
            (
                "duration_s".into(),
                opt(run.duration().map(|d| format!("{d:.1}"))),
            ),
            ("data".into(), opt(info.map(|i| i.data.clone()))),
            ("model".into(), opt(info.map(|i| i.model.clone()))),
            ("device".into(), opt(info.map(|i| i.device.clone()))),
            ("metric".into(), opt(info.map(|i| i.metric.clone()))),
            ("epochs_done".into(), run.epochs.len().to_string()),
            (
                "best_epoch".into(),
                opt(run.best().map(|e| e.epoch.to_string())),
            ),
            (
                "best_val_metric".into(),
                float(run.best().map(|e| e.val_metric)),
            ),
            (
                "final_val_metric".into(),
                float(run.last().map(|e| e.val_metric)),
            ),
            (
                "final_val_loss".into(),
                float(run.last().map(|e| e.val_loss)),
            ),
            (
                "final_train_loss".into(),
                float(run.last().map(|e| e.train_loss)),
            ),
            ("note".into(), opt(info.map(|i| i.note.clone()))),
        ]
    };
    let headers: Vec<String> = summary(&LoadedRun::default())
        .into_iter()
        .map(|(h, _)| h)
        .chain(settings.iter().map(|k| format!("config.{k}")))
        .collect();
    let mut out = headers
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for run in runs {
        let all = run.settings();
        let row: Vec<String> = summary(run)
            .into_iter()
            .map(|(_, v)| v)
            .chain(
                settings
                    .iter()
                    .map(|k| all.get(k).cloned().unwrap_or_default()),
            )
            .map(|v| csv_field(&v))
            .collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, config: Value) -> LoadedRun {
        LoadedRun {
            name: name.into(),
            config: Some(config),
            ..LoadedRun::default()
        }
    }

    #[test]
    fn csv_has_a_row_per_run_and_quotes_what_needs_it() {
        let runs = [
            run(
                "a",
                json!({"learning_rate": 0.1, "data": {"Folder": "x,y"}}),
            ),
            run("b", json!({"learning_rate": 0.2})),
        ];
        let text = csv_text(&runs);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("name,task,status,"));
        assert!(lines[0].ends_with(",config.data.Folder,config.learning_rate"));
        assert!(lines[1].starts_with("a,a,unknown,") && lines[1].ends_with(",\"x,y\",0.1"));
        assert!(lines[2].ends_with(",,0.2"));
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn tables_pad_and_compare_shows_what_differs() {
        let text = table(
            &["a".into(), "bb".into()],
            &[vec!["long".into(), "x".into()]],
        );
        assert_eq!(text, "a     bb\nlong  x\n");
        let runs = [
            run("one", json!({"learning_rate": 0.1, "seed": 1})),
            run("two", json!({"learning_rate": 0.2, "seed": 1})),
        ];
        let text = compare_text(&runs);
        assert!(text.contains("learning_rate  0.1    0.2"), "{text}");
        assert!(!text.contains("seed"), "{text}");
        assert_eq!(duration(Some(3725.0)), "1h02m");
        assert_eq!(duration(Some(65.0)), "1m05s");
        assert_eq!(num(None), "-");
        assert!(list_table(&[]).contains("no runs"));
    }
}
