//! `visionlab dataset photos`: real-photo scenes written as a COCO detection set and as a
//! segmentation folder, read back with the project's loaders (classes, counts, the
//! train/validation split, masks), and a bad request refused before anything is written.

use std::path::Path;
use std::process::{Command, Output};

use visionlab::data::photo_scenes::CLASSES;
use visionlab::tasks::detect::data::{self as detection, AnnotationFormat, DetectionOptions};
use visionlab::tasks::segment::data::{self as segmentation, MaskFolderOptions};

fn visionlab(args: &[&str], out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_visionlab"))
        // Runs the binary keeps go to a scratch folder, not the user's data folder.
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .args(["dataset", "photos"])
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_coco_detection_set_reads_back_with_its_split_and_masks() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("photos");
    let run = visionlab(
        &[
            "--task", "detect", "--format", "coco", "--count", "24", "--size", "128",
        ],
        &out,
    );
    let stdout = text(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", text(&run.stderr));
    assert!(
        stdout.contains("wrote 24 images") && stdout.contains("19 training, 5 validation"),
        "{stdout}"
    );
    assert!(out.join("annotations/instances_val.json").is_file());
    let opts = DetectionOptions {
        size: None,
        // The folder's own split is kept: this fraction would give other numbers.
        val_fraction: 0.5,
        seed: 1,
        decode_budget: None,
    };
    let set = detection::load_with(&out, &opts, &mut |_, _| {}).unwrap();
    assert_eq!(set.format, AnnotationFormat::Coco);
    assert_eq!(set.classes, CLASSES.map(String::from).to_vec());
    assert_eq!((set.train.len(), set.val.len()), (19, 5));
    assert!(set.skipped.is_empty(), "{:?}", set.skipped);
    assert!(set.val.iter().all(|s| s.name.as_str() >= "photo_00019"));
    for s in set.train.iter().chain(&set.val) {
        assert_eq!((s.image.width, s.image.height), (128, 128));
        assert!((1..=4).contains(&s.boxes.len()), "{}", s.name);
        let masks = s.masks.as_ref().expect("COCO keeps the instance masks");
        assert_eq!(masks.len(), s.boxes.len());
        assert!(masks.iter().all(|m| m.area() > 0));
    }
    let boxes = set.box_counts(&set.train);
    assert!(boxes.iter().filter(|&&n| n > 0).count() >= 4, "{boxes:?}");
}

#[test]
fn a_segmentation_folder_reads_back_with_its_split() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("photos");
    let run = visionlab(
        &["--task", "segment", "--count", "12", "--size", "96"],
        &out,
    );
    let stdout = text(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", text(&run.stderr));
    assert!(stdout.contains("10 training, 2 validation"), "{stdout}");
    let set = segmentation::load(&out, &MaskFolderOptions::default(), &mut |_, _| {}).unwrap();
    let mut classes = vec!["background".to_string()];
    classes.extend(CLASSES.map(String::from));
    assert_eq!(set.classes, classes);
    assert_eq!((set.train.len(), set.val.len()), (10, 2));
    assert_eq!((set.width, set.height, set.channels), (96, 96, 3));
    for item in set.train.iter().chain(&set.val) {
        assert!(item.mask.iter().any(|&c| c != 0), "{}", item.name);
        assert!(item.mask.iter().all(|&c| (c as usize) < classes.len()));
    }
}

#[test]
fn bad_requests_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, says) in [
        (vec!["--task", "detect", "--size", "7"], "--size 7"),
        (vec!["--task", "segment", "--count", "0"], "--count 0"),
        (vec!["--task", "classify"], "--task detect"),
    ] {
        let out = tmp.path().join("never");
        let run = visionlab(&args, &out);
        let stderr = text(&run.stderr);
        assert!(!run.status.success(), "{args:?}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!out.exists(), "{args:?}");
    }
}
