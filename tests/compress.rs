//! Compression of a trained model: the int8 model file is smaller and within 1 point of
//! the float model's accuracy; pruning reaches the asked sparsity (counted from the
//! weights), also after a masked fine-tune; compressed models load back for predictions.

mod common;

use std::process::Command;
use std::sync::mpsc;
use visionlab::core::job;

use visionlab::compress::{report, sparsity};
use visionlab::core::device;
use visionlab::core::job::Outbox;
use visionlab::core::protocol::{
    CompressConfig, CompressSetting, DeviceChoice, Event, FinishReason, LabEvent,
};
use visionlab::tasks::classify::{self, Trained};

#[test]
fn int8_is_smaller_and_as_accurate_and_pruning_reaches_sparsity() {
    let dir = tempfile::tempdir().unwrap();
    let config = CompressConfig {
        model: common::trained_model(),
        data: common::data(),
        settings: vec![
            CompressSetting::Int8 { per_block: false },
            CompressSetting::Int8 { per_block: true },
            CompressSetting::Prune {
                sparsity: 0.5,
                finetune_epochs: 0,
            },
            CompressSetting::Prune {
                sparsity: 0.8,
                finetune_epochs: 3,
            },
            CompressSetting::Prune {
                sparsity: 0.8,
                finetune_epochs: 0,
            },
        ],
        out_dir: dir.path().to_path_buf(),
        device: DeviceChoice::Cpu,
    };
    let job = report::spawn(config, job::no_waker());
    let mut rows = Vec::new();
    for event in job.events().iter() {
        match event {
            Event::Lab(LabEvent::Compression(row)) => rows.push(row),
            Event::Finished(reason) => {
                assert_eq!(reason, FinishReason::Completed);
                break;
            }
            Event::Failed(message) => panic!("{message}"),
            _ => {}
        }
    }
    assert_eq!(rows.len(), 6);
    let float = &rows[0];
    assert_eq!(float.setting, "float");
    // Five classes (chance 20 %); the test model reaches about 50 %, a little more or less
    // with the machine's float rounding.
    assert!(
        float.accuracy > 0.35,
        "the test model learned: {}",
        float.accuracy
    );
    assert_eq!(float.images, 600);
    let selected = device::select(DeviceChoice::Cpu).unwrap();
    let weights = sparsity(
        &Trained::load(&common::trained_model(), &selected)
            .unwrap()
            .model,
    )
    .1;
    for int8 in &rows[1..3] {
        assert!(int8.path.is_file());
        assert_eq!(
            int8.size_bytes,
            std::fs::metadata(&int8.path).unwrap().len()
        );
        // Both files hold the same metadata (training history); each conv/linear weight
        // goes from 4 bytes to 1, plus the scales (one per block of ≤ 32 weights in per-block mode).
        assert!(
            float.size_bytes - int8.size_bytes >= (2.5 * weights as f64) as u64,
            "{}: {} bytes vs float {} for {weights} weights",
            int8.setting,
            int8.size_bytes,
            float.size_bytes
        );
        assert!(
            (int8.accuracy - float.accuracy).abs() <= 0.01,
            "{}: accuracy {} vs float {}",
            int8.setting,
            int8.accuracy,
            float.accuracy
        );
    }
    assert!(float.sparsity < 0.01);
    // Sparsity counted from the weights of the files loaded back.
    for (row, asked) in [(&rows[3], 0.5), (&rows[4], 0.8), (&rows[5], 0.8)] {
        assert!(
            (row.sparsity - asked).abs() < 0.002,
            "{}: {}",
            row.setting,
            row.sparsity
        );
        let loaded = Trained::load(&row.path, &selected).unwrap();
        let (zeros, total) = sparsity(&loaded.model);
        assert!((zeros as f32 / total as f32 - asked).abs() < 0.002);
    }
    // The fine-tuned 80 % model recovers part of what plain pruning loses, and is better
    // than chance (5 classes).
    assert!(
        rows[4].accuracy > rows[5].accuracy + 0.05 && rows[4].accuracy > 0.25,
        "fine-tuned 80 %: {}, plain 80 %: {}",
        rows[4].accuracy,
        rows[5].accuracy
    );

    // A compressed model predicts like any checkpoint.
    let (tx, _rx) = mpsc::channel();
    let trained = Trained::load(&rows[1].path, &selected).unwrap();
    let set = classify::load_split_for(
        &trained.checkpoint.meta,
        &common::data(),
        &Outbox::new(tx, job::no_waker()),
    )
    .unwrap();
    let images: Vec<_> = set.val.iter().take(4).map(|i| i.image.clone()).collect();
    let probs = classify::probabilities(
        &trained.model,
        &images,
        &trained.checkpoint.meta.normalization,
        &trained.device,
    )
    .unwrap();
    assert_eq!(probs.len(), 4);
    assert!(
        probs
            .iter()
            .all(|p| (p.iter().sum::<f32>() - 1.0).abs() < 1e-3)
    );
}

#[test]
fn cli_compresses_and_reports_before_and_after() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("pruned.vlck");
    let out = Command::new(env!("CARGO_BIN_EXE_visionlab"))
        // Runs the binary keeps go to a scratch folder, not the user's data folder.
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .args(["compress", "--model"])
        .arg(common::trained_model())
        .args([
            "--data", "shapes", "--prune", "0.6", "--device", "cpu", "--json", "--out",
        ])
        .arg(&out_path)
        .env("BURN_DEVICE", "flex")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    let sparsity = report["compressed"]["sparsity"].as_f64().unwrap();
    assert!((sparsity - 0.6).abs() < 0.002, "{report}");
    assert!(report["float"]["size_bytes"].as_u64().unwrap() > 0);
    assert!(out_path.is_file());

    let predict = Command::new(env!("CARGO_BIN_EXE_visionlab"))
        // Runs the binary keeps go to a scratch folder, not the user's data folder.
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .args(["compress", "--model"])
        .arg(common::trained_model())
        .args(["--data", "shapes", "--out"])
        .arg(dir.path().join("x.vlck"))
        .output()
        .unwrap();
    assert!(!predict.status.success(), "--int8 or --prune is required");
}
