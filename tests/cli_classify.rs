//! The command line end to end: write a dataset, train with JSON lines, evaluate, predict,
//! and bad input giving clear errors.

use std::path::Path;
use std::process::{Command, Output};

fn visionlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_visionlab"))
        // Runs the binary keeps go to a scratch folder, not the user's data folder.
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .args(args)
        .env("BURN_DEVICE", "flex")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn dataset_train_eval_predict() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("shapes");
    let data_s = data.to_str().unwrap();
    let out = visionlab(&["dataset", "shapes", "--out", data_s, "--count", "400"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(data.join("train").is_dir() && data.join("test").is_dir());

    let ck = dir.path().join("model.vlck");
    let ck_s = ck.to_str().unwrap();
    let out = visionlab(&[
        "train", "--task", "classify", "--data", data_s, "--epochs", "2", "--batch", "32",
        "--device", "cpu", "--json", "--out", ck_s,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each stdout line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2, "one JSON object per epoch");
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["epoch"], i + 1);
        for key in ["train_loss", "val_loss", "val_accuracy", "seconds"] {
            assert!(line[key].is_number(), "{key} missing in {line}");
        }
    }
    assert!(ck.is_file());

    let out = visionlab(&[
        "eval", "--model", ck_s, "--data", data_s, "--device", "cpu", "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(report["split"], "test");
    assert_eq!(report["images"], 80);
    let accuracy = report["accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&accuracy));

    let image = first_png(&data.join("test").join("circle"));
    let out = visionlab(&[
        "predict",
        "--model",
        ck_s,
        image.to_str().unwrap(),
        "--device",
        "cpu",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let p: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(p["top"].as_array().unwrap().len(), 3);
    let total: f64 = p["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["probability"].as_f64().unwrap())
        .sum();
    assert!(total > 0.0 && total <= 1.0001);
}

fn first_png(dir: &Path) -> std::path::PathBuf {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.into_iter().next().expect("a file")
}

#[test]
fn bad_input_gives_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here");
    let out = visionlab(&[
        "train",
        "--data",
        missing.to_str().unwrap(),
        "--device",
        "cpu",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("nothing-here"),
        "{}",
        text(&out.stderr)
    );

    let bogus = dir.path().join("bogus.vlck");
    std::fs::write(&bogus, b"not a checkpoint").unwrap();
    let out = visionlab(&["predict", "--model", bogus.to_str().unwrap(), "x.png"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("bogus.vlck") && err.contains("not a visionlab checkpoint"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}
