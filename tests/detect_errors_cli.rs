//! `visionlab eval --task detect|segment` end to end: a tiny model is trained and saved,
//! then evaluated; the JSON carries the error views (PR points, AP per class, the F1 curve
//! with its best threshold, the confusion matrix) and `--plots DIR` writes PNG figures
//! that decode.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

fn run_cli(args: &[&str], runs: &Path) -> std::process::Output {
    Process::new(env!("CARGO_BIN_EXE_visionlab"))
        .env("VISIONLAB_RUNS_DIR", runs)
        .env("BURN_DEVICE", "flex")
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs `eval` with `--json --plots` and returns the JSON and the plots folder.
fn eval(task: &str, checkpoint: &Path, dir: &Path) -> (serde_json::Value, PathBuf) {
    let plots = dir.join("plots");
    let output = run_cli(
        &[
            "eval",
            "--task",
            task,
            "--model",
            checkpoint.to_str().expect("utf-8 path"),
            "--data",
            "shapes",
            "--device",
            "cpu",
            "--json",
            "--plots",
            plots.to_str().expect("utf-8 path"),
        ],
        &dir.join("runs"),
    );
    assert!(
        output.status.success(),
        "eval failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = serde_json::from_slice(&output.stdout).expect("one JSON object");
    (json, plots)
}

fn assert_png(path: &Path) {
    let picture = image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(picture.width() >= 200 && picture.height() >= 100);
}

#[test]
fn detect_eval_writes_the_error_views_as_json_and_png() {
    let dir = tempfile::tempdir().expect("tempdir");
    let checkpoint = dir.path().join("detect.vlck");
    common::train_and_save(common::tiny_detect_config(48), &checkpoint);
    let (v, plots) = eval("detect", &checkpoint, dir.path());
    let classes = v["classes"].as_array().expect("classes").len();
    assert!(classes > 0);
    assert!(v["images"].as_u64().is_some_and(|n| n > 0));
    assert!(v["map50"].is_number());
    assert_eq!(v["ap50"].as_array().map(Vec::len), Some(classes));
    let curves = v["pr_curves"].as_array().expect("pr_curves");
    assert_eq!(curves.len(), classes);
    let with_truth = curves
        .iter()
        .find(|c| c["ap50"].is_number())
        .expect("a class with boxes");
    let points = with_truth["points"].as_array().expect("points");
    assert_eq!(points.len(), 101);
    assert_eq!(points[0].as_array().map(Vec::len), Some(2));
    let f1 = &v["f1"];
    assert_eq!(f1["confidence"].as_array().map(Vec::len), Some(101));
    assert_eq!(f1["all"].as_array().map(Vec::len), Some(101));
    assert!(f1["best_confidence"].is_number() && f1["best_f1"].is_number());
    assert_eq!(f1["per_class"].as_array().map(Vec::len), Some(classes));
    let counts = v["confusion"]["counts"]
        .as_array()
        .expect("confusion counts");
    assert_eq!(counts.len(), classes + 1, "a background row");
    assert!(
        counts
            .iter()
            .all(|r| r.as_array().map(Vec::len) == Some(classes + 1))
    );
    assert!(v["confusion"]["confidence"].is_number());
    for file in ["pr_curve.png", "f1_curve.png", "confusion_matrix.png"] {
        assert_png(&plots.join(file));
    }
}

#[test]
fn segment_eval_writes_iou_bars_and_the_pixel_confusion_matrix() {
    let dir = tempfile::tempdir().expect("tempdir");
    let checkpoint = dir.path().join("segment.vlck");
    common::train_and_save(common::tiny_segment_config(), &checkpoint);
    let (v, plots) = eval("segment", &checkpoint, dir.path());
    let classes = v["classes"].as_array().expect("classes").len();
    assert_eq!(v["class_iou"].as_array().map(Vec::len), Some(classes));
    let counts = v["confusion"].as_array().expect("confusion");
    assert_eq!(counts.len(), classes);
    assert!(v["mean_iou"].is_number() && v["pixel_accuracy"].is_number());
    for file in ["iou_per_class.png", "confusion_matrix.png"] {
        assert_png(&plots.join(file));
    }
}
