//! Bounded memory: a folder whose decoded images exceed the decode budget is streamed from
//! disk batch by batch (only the validation split and a small sample are decoded), gives
//! the same batches as the same folder decoded in memory, and trains end to end.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use visionlab::data::augment::Policy;
use visionlab::data::batch::{Loader, Normalization};
use visionlab::data::image_folder::{self, FolderOptions};
use visionlab::data::stream;

/// 3 classes × 400 grey 16×16 PNGs (1 200 images, 300 KB decoded), each image's pixels
/// telling its class and number.
fn write_folder(root: &Path) {
    for class in 0..3u32 {
        let dir = root.join(format!("class{class}"));
        std::fs::create_dir_all(&dir).expect("class folder");
        for i in 0..400u32 {
            let img = image::GrayImage::from_fn(16, 16, |x, y| {
                let band = if class == 0 {
                    x
                } else if class == 1 {
                    y
                } else {
                    x ^ y
                };
                image::Luma([((band * 16 + i) % 256) as u8])
            });
            img.save(dir.join(format!("{i:04}.png"))).expect("png");
        }
    }
}

#[test]
fn over_budget_folder_streams_and_matches_memory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_folder(tmp.path());
    let in_memory = image_folder::load(tmp.path(), &FolderOptions::default(), &mut |_, _| {})
        .expect("decoded load");
    assert!(in_memory.streamed.is_none());
    assert_eq!(in_memory.train.len(), 960);

    // 200 KB: the 1 200 images (300 KB) do not fit.
    let opts = FolderOptions {
        decode_budget: Some(200 * 1024),
        ..FolderOptions::default()
    };
    let mut calls = 0;
    let set = image_folder::load(tmp.path(), &opts, &mut |_, _| calls += 1).expect("streamed");
    let streamed = set
        .streamed
        .clone()
        .expect("over the budget the set is streamed");
    assert!(calls >= 2, "progress is reported");
    // Same split, same classes; only a sample of the training split is decoded.
    assert_eq!(set.classes, in_memory.classes);
    assert_eq!(set.train_len(), 960);
    assert_eq!(set.train_counts(), in_memory.counts(&in_memory.train));
    assert!(set.train.len() <= stream::SAMPLE_SIZE);
    assert_eq!(
        set.val, in_memory.val,
        "the validation split (fits half the budget)"
    );
    let decoded_bytes: usize = set
        .train
        .iter()
        .chain(&set.val)
        .map(|i| i.image.pixels.len())
        .sum();
    assert!(decoded_bytes <= 200 * 1024, "{decoded_bytes} bytes decoded");

    // The loader over the files gives the very batches of the decoded set.
    let norm = Normalization::from_images(&in_memory.train, 1);
    let from_disk: Vec<_> = Loader::new(streamed, 64, norm.clone(), true, Policy::OFF, 5).collect();
    let from_memory: Vec<_> =
        Loader::new(Arc::new(in_memory.train), 64, norm, true, Policy::OFF, 5).collect();
    assert_eq!(from_disk.len(), 15);
    assert_eq!(from_disk, from_memory);

    // A validation split larger than half the budget is capped, spread over the classes.
    let tight = FolderOptions {
        decode_budget: Some(16 * 1024),
        ..FolderOptions::default()
    };
    let set = image_folder::load(tmp.path(), &tight, &mut |_, _| {}).expect("tight");
    assert_eq!(set.val.len(), 32, "8 KB of 256-byte images");
    assert_eq!(set.counts(&set.val).iter().filter(|&&n| n > 0).count(), 3);
}

#[test]
fn cli_trains_a_streamed_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_folder(tmp.path());
    let out = Command::new(env!("CARGO_BIN_EXE_visionlab"))
        // Runs the binary keeps go to a scratch folder, not the user's data folder.
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .args([
            "train", "--device", "cpu", "--epochs", "1", "--batch", "32", "--json",
        ])
        .arg("--data")
        .arg(tmp.path())
        // A budget of 0 MB: everything over it streams.
        .env(stream::BUDGET_ENV, "0")
        .output()
        .expect("visionlab runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("{}streamed from disk", stream::MODE_LINE_PREFIX)),
        "says it streams: {stderr}"
    );
    assert!(stderr.contains("960 train"), "{stderr}");
    // One epoch summary with a finite loss.
    let epoch: serde_json::Value = serde_json::from_str(
        stdout
            .lines()
            .find(|l| l.starts_with('{'))
            .expect("an epoch line"),
    )
    .expect("JSON");
    let loss = epoch["train_loss"].as_f64().expect("train_loss");
    assert!(loss.is_finite() && loss > 0.0, "{epoch}");

    // Without a budget override the same folder fits and is decoded.
    let out = Command::new(env!("CARGO_BIN_EXE_visionlab"))
        // Runs the binary keeps go to a scratch folder, not the user's data folder.
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .args([
            "train", "--device", "cpu", "--epochs", "1", "--batch", "32", "--json",
        ])
        .arg("--data")
        .arg(tmp.path())
        .env_remove(stream::BUDGET_ENV)
        .output()
        .expect("visionlab runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("{}decoded in memory", stream::MODE_LINE_PREFIX)),
        "{stderr}"
    );
}
