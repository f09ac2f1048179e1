//! `visionlab sweep`: a 2×2 sweep makes four recorded runs, each with its config, its
//! metrics and its sweep tag; a run that fails is said and the next one runs; a setting it
//! does not know is refused, naming the known ones; Ctrl+C stops the current run (recorded
//! as stopped) and cancels the rest.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// A tiny base run: 120 shapes of 16×16 pixels, on the CPU.
const TINY: [&str; 8] = [
    "--data",
    "shapes",
    "--count",
    "120",
    "--image-size",
    "16",
    "--device",
    "cpu",
];

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn folders(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn text(out: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_two_by_two_sweep_records_four_runs() {
    let root = tempfile::tempdir().unwrap();
    let root_s = root.path().to_str().unwrap();
    let mut args = TINY.to_vec();
    args.extend([
        "--epochs",
        "1",
        "--set",
        "lr=1e-3,3e-3",
        "--set",
        "batch=16,32",
        "--runs-dir",
        root_s,
        "--json",
    ]);
    let out = visionlab(&[&["sweep"], args.as_slice()].concat())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let summary: Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    let id = summary["sweep"]
        .as_str()
        .expect("the sweep's id")
        .to_string();
    let runs = summary["runs"].as_array().expect("the runs");
    let labels: Vec<&str> = runs.iter().filter_map(|r| r["label"].as_str()).collect();
    assert_eq!(
        labels,
        [
            "lr=1e-3 batch=16",
            "lr=1e-3 batch=32",
            "lr=3e-3 batch=16",
            "lr=3e-3 batch=32"
        ]
    );
    assert_eq!(folders(root.path()).len(), 4);
    for (i, run) in runs.iter().enumerate() {
        assert_eq!(run["status"], "finished", "{run}");
        assert!(run["final"].is_number(), "{run}");
        let dir = PathBuf::from(run["folder"].as_str().expect("a run folder"));
        let config = read_json(&dir.join("config.json"));
        let lr = if i < 2 { 1e-3 } else { 3e-3 };
        let batch = if i % 2 == 0 { 16 } else { 32 };
        assert_eq!(config["learning_rate"], lr, "{config}");
        assert_eq!(config["batch_size"], batch, "{config}");
        assert_eq!(config["epochs"], 1);
        let info = read_json(&dir.join("run.json"));
        assert_eq!(info["status"], "finished");
        assert_eq!(info["epochs_done"], 1);
        let tag = &info["sweep"];
        assert_eq!(tag["id"], id.as_str(), "{info}");
        assert_eq!(
            (tag["index"].as_u64(), tag["total"].as_u64()),
            (Some(i as u64 + 1), Some(4))
        );
        assert_eq!(tag["settings"][0]["key"], "lr");
        assert_eq!(tag["settings"][1]["value"], batch.to_string());
        let metrics = std::fs::read_to_string(dir.join("metrics.jsonl")).unwrap();
        assert!(
            metrics.lines().any(|l| l.contains(r#""kind":"epoch""#)),
            "{metrics}"
        );
    }
}

#[test]
fn a_failing_run_is_said_and_the_sweep_goes_on() {
    let root = tempfile::tempdir().unwrap();
    let mut args = TINY.to_vec();
    // MobileNetV2 cannot take 16×16 images: the first run fails, the second trains.
    args.extend([
        "--epochs",
        "1",
        "--set",
        "model=mobilenet_v2,convnet",
        "--runs-dir",
        root.path().to_str().unwrap(),
        "--json",
    ]);
    let out = visionlab(&[&["sweep"], args.as_slice()].concat())
        .output()
        .unwrap();
    assert!(!out.status.success(), "a failed run fails the sweep");
    let all = text(&out);
    assert!(all.contains("going on with the next"), "{all}");
    assert!(all.contains("1 of 2 runs failed"), "{all}");
    let summary: Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    assert_eq!(summary["runs"][0]["status"], "failed", "{summary}");
    assert_eq!(summary["runs"][1]["status"], "finished", "{summary}");
    // Both runs are recorded: the failed one with its reason, the next one trained.
    let dirs = folders(root.path());
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    let mut infos: Vec<Value> = dirs
        .iter()
        .map(|d| read_json(&d.join("run.json")))
        .collect();
    infos.sort_by_key(|info| info["sweep"]["index"].as_u64());
    assert_eq!(infos[0]["sweep"]["index"], 1);
    assert_eq!(infos[0]["status"], "failed", "{}", infos[0]);
    assert!(infos[0]["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(infos[1]["sweep"]["index"], 2);
    assert_eq!(infos[1]["status"], "finished", "{}", infos[1]);
}

#[test]
fn an_unknown_setting_is_refused_naming_the_known_ones() {
    let root = tempfile::tempdir().unwrap();
    let out = visionlab(&[
        "sweep",
        "--set",
        "momentum=0.9,0.99",
        "--runs-dir",
        root.path().to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown setting `momentum`") && stderr.contains("lr, batch, epochs"),
        "{stderr}"
    );
    let out = visionlab(&["sweep", "--set", "lr=1e-3,fast"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("lr: `fast` is not a number"), "{stderr}");
    assert!(folders(root.path()).is_empty(), "nothing ran");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_current_run_and_cancels_the_rest() {
    use std::time::{Duration, Instant};

    let root = tempfile::tempdir().unwrap();
    let root_s = root.path().to_str().unwrap();
    let mut args = TINY.to_vec();
    args.extend(["--epochs", "500", "--set", "seed=1,2", "--runs-dir", root_s]);
    let child = visionlab(&[&["sweep"], args.as_slice()].concat())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first run's first steps in its record.
    let start = Instant::now();
    let stepping = || {
        folders(root.path()).first().is_some_and(|dir| {
            std::fs::read_to_string(dir.join("metrics.jsonl"))
                .is_ok_and(|m| m.contains(r#""kind":"step""#))
        })
    };
    while !stepping() {
        assert!(start.elapsed() < Duration::from_secs(120), "no steps");
        std::thread::sleep(Duration::from_millis(100));
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let dirs = folders(root.path());
    assert_eq!(dirs.len(), 1, "the second run was cancelled: {dirs:?}");
    let info = read_json(&dirs[0].join("run.json"));
    assert_eq!(info["status"], "stopped", "{info}");
    assert_eq!(info["sweep"]["index"], 1);
    let all = text(&out);
    assert!(all.contains("Sweep stopped: 1 of 2 ran"), "{all}");
    assert!(all.contains("cancelled"), "{all}");
}
