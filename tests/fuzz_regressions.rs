//! Replays the inputs kept from fuzzing the label parsers (`fuzz/`, cargo-fuzz): every file
//! under `tests/fixtures/fuzz/<target>/` (crashers that were fixed, and a few seeds) goes
//! through the same entry point as its fuzz target, which must not panic.

use std::path::Path;

use visionlab::tasks::detect::data::fuzzing;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let result = std::panic::catch_unwind(|| run(&bytes));
        assert!(result.is_ok(), "{} panics again", file.display());
    }
    files.len()
}

#[test]
fn yolo_inputs() {
    assert!(replay("yolo", fuzzing::yolo_labels) > 0);
}

#[test]
fn coco_inputs() {
    assert!(replay("coco", fuzzing::coco_json) > 0);
}

#[test]
fn voc_inputs() {
    assert!(replay("voc", fuzzing::voc_xml) > 0);
}

#[test]
fn mask_inputs() {
    assert!(replay("masks", fuzzing::mask_file) > 0);
}
