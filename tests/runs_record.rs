//! Every run is recorded and read back by `visionlab runs`: a CLI run appears in
//! `runs list --json` with its config and epochs; two runs compare and export one CSV row
//! each; a truncated metrics file loads with a warning; a run killed with SIGKILL leaves a
//! readable record of the epochs it finished.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn visionlab(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_visionlab"));
    command
        // Runs without --runs-dir go to a scratch folder, not the user's data folder.
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .env("BURN_DEVICE", "flex")
        .args(args);
    command
}

fn output(args: &[&str]) -> Output {
    let out = visionlab(args).output().expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn train(root: &str, lr: &str) {
    output(&[
        "train",
        "--data",
        "shapes",
        "--count",
        "300",
        "--epochs",
        "2",
        "--device",
        "cpu",
        "--lr",
        lr,
        "--runs-dir",
        root,
    ]);
}

fn list(root: &str) -> Vec<Value> {
    let out = output(&["runs", "list", "--json", "--runs-dir", root]);
    let value: Value = serde_json::from_slice(&out.stdout).expect("runs list --json is JSON");
    value.as_array().cloned().expect("an array")
}

#[test]
fn cli_runs_are_listed_shown_compared_and_exported() {
    let root = tempfile::tempdir().unwrap();
    let root_s = root.path().to_str().unwrap();
    train(root_s, "0.01");
    let runs = list(root_s);
    assert_eq!(runs.len(), 1, "{runs:?}");
    let run = &runs[0];
    assert_eq!(run["config"]["epochs"], 2);
    assert_eq!(run["config"]["learning_rate"], 0.01);
    let epochs = run["epochs"].as_array().expect("epoch lines");
    assert_eq!(epochs.len(), 2);
    assert_eq!(epochs[1]["epoch"], 2);
    assert!(epochs[1]["val_metric"].is_number());
    assert_eq!(run["status"], "finished");
    assert_eq!(run["run"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(run["steps"].as_u64().is_some_and(|n| n >= 2));
    assert!(run["warnings"].as_array().is_some_and(Vec::is_empty));
    let name = run["name"].as_str().unwrap().to_string();

    let table = String::from_utf8_lossy(&output(&["runs", "list", "--runs-dir", root_s]).stdout)
        .into_owned();
    assert!(
        table.starts_with("name") && table.contains(&name),
        "{table}"
    );
    let show = output(&["runs", "show", &name, "--runs-dir", root_s]);
    let show = String::from_utf8_lossy(&show.stdout);
    assert!(
        show.contains("learning_rate = 0.01") && show.contains("epochs:"),
        "{show}"
    );

    train(root_s, "0.02");
    let names: Vec<String> = list(root_s)
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 2);
    let compare = output(&[
        "runs",
        "compare",
        &names[0],
        &names[1],
        "--runs-dir",
        root_s,
    ]);
    let compare = String::from_utf8_lossy(&compare.stdout);
    assert!(compare.contains("learning_rate  0.02"), "{compare}");

    let csv = root.path().join("runs.csv");
    output(&[
        "runs",
        "export",
        "--csv",
        csv.to_str().unwrap(),
        "--runs-dir",
        root_s,
    ]);
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "a header and a row per run: {text}");
    assert!(lines[0].contains("config.learning_rate"));
}

#[test]
fn a_truncated_metrics_file_loads_with_a_warning() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("classify-20240101-000000");
    std::fs::create_dir(&dir).unwrap();
    let line = r#"{"kind":"epoch","epoch":1,"train_loss":1,"train_accuracy":0.5,"val_loss":1,"val_accuracy":0.5,"val_metric":0.5,"seconds":1,"elapsed":1}"#;
    let cut = &line[..40];
    std::fs::write(
        dir.join("metrics.jsonl"),
        format!(
            "{line}\n{}\n{cut}",
            line.replace("\"epoch\":1", "\"epoch\":2")
        ),
    )
    .unwrap();
    // No config.json, no run.json.
    let out = output(&[
        "runs",
        "list",
        "--json",
        "--runs-dir",
        root.path().to_str().unwrap(),
    ]);
    let runs: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(runs[0]["epochs"].as_array().map(Vec::len), Some(2));
    assert_eq!(runs[0]["task"], "classify");
    let warnings = runs[0]["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.contains("cut short"))),
        "{warnings:?}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning"));
}

/// Whether a run under `root` has recorded at least one epoch.
fn has_an_epoch(root: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(root) else {
        return false;
    };
    entries.filter_map(Result::ok).any(|entry| {
        std::fs::read_to_string(entry.path().join("metrics.jsonl"))
            .is_ok_and(|text| text.contains("\"kind\":\"epoch\""))
    })
}

#[test]
fn a_killed_run_leaves_a_readable_record() {
    let root = tempfile::tempdir().unwrap();
    let root_s = root.path().to_str().unwrap();
    let mut child = visionlab(&[
        "train",
        "--data",
        "shapes",
        "--count",
        "300",
        "--epochs",
        "500",
        "--device",
        "cpu",
        "--runs-dir",
        root_s,
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("the binary starts");
    let started = Instant::now();
    while !has_an_epoch(root.path()) {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "no epoch recorded in 5 minutes"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // SIGKILL: no chance to write anything more.
    child.kill().unwrap();
    child.wait().unwrap();
    let runs = list(root_s);
    assert_eq!(runs.len(), 1);
    assert!(runs[0]["epochs"].as_array().is_some_and(|e| !e.is_empty()));
    // Killed: its lock went with it, so it is not shown as running.
    assert_eq!(runs[0]["status"], "interrupted (no end recorded)");
    assert_eq!(runs[0]["config"]["epochs"], 500);
}

#[test]
fn a_run_that_fails_before_training_is_recorded_as_failed_with_its_reason() {
    let root = tempfile::tempdir().unwrap();
    let root_str = root.path().to_str().unwrap();
    let missing = root.path().join("no-such-folder");
    let out = visionlab(&[
        "train",
        "--data",
        missing.to_str().unwrap(),
        "--epochs",
        "1",
        "--device",
        "cpu",
        "--runs-dir",
        root_str,
    ])
    .output()
    .expect("the binary runs");
    assert!(!out.status.success(), "a missing folder cannot train");
    let runs = list(root_str);
    assert_eq!(runs.len(), 1, "one failed run recorded: {runs:?}");
    let run = &runs[0];
    assert_eq!(run["status"], "failed", "{run}");
    let text = run.to_string();
    assert!(
        text.contains("no-such-folder"),
        "the record says which folder could not be read: {text}"
    );
}
