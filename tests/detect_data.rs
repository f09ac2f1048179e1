//! Detection datasets: the three on-disk formats read from fixtures (with one of every
//! bad input), format detection, the shapes set written in each format and read back to
//! the same boxes, and the `dataset shapes --task detect` command.

use std::path::{Path, PathBuf};

use visionlab::data::Skipped;
use visionlab::tasks::detect::data as detection;
use visionlab::tasks::detect::data::{
    AnnotationFormat, DetectionError, DetectionSample, DetectionSet, LabeledBox, detect, write,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/detect")
        .join(name)
}

fn load(dir: &Path) -> DetectionSet {
    detection::load(dir, 0.0, 1, &mut |_, _| {})
        .unwrap_or_else(|e| panic!("{} does not load: {e}", dir.display()))
}

/// All samples by name.
fn by_name(set: &DetectionSet) -> Vec<&DetectionSample> {
    let mut all: Vec<&DetectionSample> = set.train.iter().chain(&set.val).collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

fn corners(b: &LabeledBox) -> (usize, [f32; 4]) {
    (b.class, [b.x0, b.y0, b.x1, b.y1])
}

/// Asserts that exactly one skipped entry is for a file ending in `file` with a reason
/// containing every part of `reason`.
fn assert_skipped(skipped: &[Skipped], file: &str, reason: &[&str]) {
    let hits: Vec<&Skipped> = skipped
        .iter()
        .filter(|s| s.path.ends_with(file) && reason.iter().all(|r| s.reason.contains(r)))
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "expected one skipped entry for {file} with {reason:?}; skipped: {skipped:#?}"
    );
    // The message shown to the user names the file.
    assert!(hits[0].to_string().contains(file));
}

#[test]
fn yolo_fixture_with_every_bad_label() {
    let dir = fixture("yolo");
    assert_eq!(detect::detect(&dir).unwrap(), AnnotationFormat::Yolo);
    let set = load(&dir);
    assert_eq!(set.format, AnnotationFormat::Yolo);
    assert_eq!(
        set.classes,
        ["circle", "square", "triangle", "cross", "star"]
    );
    let s = by_name(&set);
    let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    // a.png is 20×10: `0 0.5 0.5 0.5 0.4` is x 5..15, y 3..7; `4 0.25 0.5 0.1 0.2` is
    // x 4..6, y 4..6.
    let a: Vec<_> = s[0].boxes.iter().map(corners).collect();
    assert_eq!(a, [(0, [5.0, 3.0, 15.0, 7.0]), (4, [4.0, 4.0, 6.0, 6.0])]);
    let b: Vec<_> = s[1].boxes.iter().map(corners).collect();
    assert_eq!(b, [(2, [5.0, 2.5, 15.0, 7.5])]);
    assert!(
        s[2].boxes.is_empty(),
        "an image without a label file has no objects"
    );
    assert!(s.iter().all(|s| s.masks.is_none() && s.image.channels == 3));

    let k = &set.skipped;
    assert_skipped(
        k,
        "labels/a.txt",
        &["line 2: class 7 out of range (5 classes)"],
    );
    assert_skipped(k, "labels/a.txt", &["line 3", "zero or negative size"]);
    assert_skipped(k, "labels/a.txt", &["line 4", "outside the image"]);
    assert_skipped(k, "labels/a.txt", &["line 5", "expected 5 fields"]);
    assert_skipped(k, "labels/b.txt", &["line 1", "zero or negative size"]);
    assert_skipped(k, "labels/ghost.txt", &["missing image"]);
    assert_eq!(k.len(), 6, "{k:#?}");
}

#[test]
fn coco_fixture_with_every_bad_annotation() {
    let dir = fixture("coco");
    assert_eq!(detect::detect(&dir).unwrap(), AnnotationFormat::Coco);
    let set = load(&dir);
    assert_eq!(set.classes, ["circle", "square"]);
    let s = by_name(&set);
    assert_eq!(s.len(), 2);
    let a: Vec<_> = s[0].boxes.iter().map(corners).collect();
    assert_eq!(a, [(0, [5.0, 3.0, 15.0, 7.0])]);
    let b: Vec<_> = s[1].boxes.iter().map(corners).collect();
    assert_eq!(b, [(1, [1.0, 1.0, 5.0, 5.0])]);
    // The polygon of a.png's box is the box itself: 10 × 4 pixel centres.
    let masks = s[0].masks.as_ref().expect("COCO polygons give masks");
    assert_eq!(masks[0].pixels.iter().filter(|&&p| p == 1).count(), 40);
    assert_eq!((masks[0].width, masks[0].height), (20, 10));
    assert_eq!(masks[0].pixels[3 * 20 + 5], 1);
    assert_eq!(masks[0].pixels[7 * 20 + 5], 0);
    // b.png's box has no polygon: its mask is the filled box.
    assert_eq!(
        s[1].masks.as_ref().unwrap()[0]
            .pixels
            .iter()
            .filter(|&&p| p == 1)
            .count(),
        16
    );

    let k = &set.skipped;
    let json = "annotations/instances.json";
    assert_skipped(k, json, &["(id 2)", "category_id 9", "2 categories"]);
    assert_skipped(k, json, &["(id 3)", "outside the 20×10 image"]);
    assert_skipped(k, json, &["(id 4)", "zero or negative size"]);
    assert_skipped(k, json, &["(id 5)", "image id 7, which is not in `images`"]);
    assert_skipped(k, json, &["image `missing.png` is named but not found"]);
    assert_skipped(
        k,
        "annotations/broken.json",
        &["malformed COCO JSON", "line 3 column"],
    );
    assert_eq!(k.len(), 6, "{k:#?}");
}

#[test]
fn voc_fixture_with_every_bad_object() {
    let dir = fixture("voc");
    assert_eq!(detect::detect(&dir).unwrap(), AnnotationFormat::Voc);
    let set = load(&dir);
    assert_eq!(set.classes, ["circle", "square"]);
    let s = by_name(&set);
    let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    // VOC corners are 1-based and inclusive: (6, 4)–(15, 7) is x 5..15, y 3..7.
    let a: Vec<_> = s[0].boxes.iter().map(corners).collect();
    assert_eq!(a, [(0, [5.0, 3.0, 15.0, 7.0])]);
    let b: Vec<_> = s[1].boxes.iter().map(corners).collect();
    assert_eq!(b, [(1, [1.0, 1.0, 5.0, 5.0])]);

    let k = &set.skipped;
    assert_skipped(
        k,
        "Annotations/a.xml",
        &["object 2", "class `dog` is not one of the 2"],
    );
    assert_skipped(
        k,
        "Annotations/a.xml",
        &["object 3", "outside the 20×10 image"],
    );
    assert_skipped(
        k,
        "Annotations/a.xml",
        &["object 4", "zero or negative size"],
    );
    assert_skipped(
        k,
        "Annotations/b.xml",
        &["object 2", "xmin `abc` is not a number"],
    );
    assert_skipped(k, "Annotations/broken.xml", &["malformed VOC XML"]);
    assert_skipped(k, "Annotations/ghost.xml", &["missing image", "ghost.png"]);
    assert_eq!(k.len(), 6, "{k:#?}");
}

#[test]
fn unknown_and_missing_folders_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("pictures")).unwrap();
    let e = detection::load(tmp.path(), 0.2, 1, &mut |_, _| {}).unwrap_err();
    assert!(matches!(e, DetectionError::UnknownLayout { .. }), "{e}");
    assert!(
        e.to_string().contains("YOLO") && e.to_string().contains(&tmp.path().display().to_string())
    );

    let missing = tmp.path().join("nope");
    let e = detection::load(&missing, 0.2, 1, &mut |_, _| {}).unwrap_err();
    assert!(e.to_string().contains("nope"), "{e}");

    // A YOLO layout without class names.
    let yolo = tmp.path().join("yolo");
    std::fs::create_dir_all(yolo.join("images")).unwrap();
    std::fs::create_dir_all(yolo.join("labels")).unwrap();
    let e = detection::load(&yolo, 0.2, 1, &mut |_, _| {}).unwrap_err();
    assert!(e.to_string().contains("classes.txt"), "{e}");

    // A COCO folder whose only file is malformed: the error says why.
    let coco = tmp.path().join("coco");
    std::fs::create_dir_all(coco.join("annotations")).unwrap();
    std::fs::write(coco.join("annotations/x.json"), "{\"images\": [}").unwrap();
    let e = detection::load(&coco, 0.2, 1, &mut |_, _| {}).unwrap_err();
    assert!(matches!(e, DetectionError::Empty { .. }), "{e}");
    assert!(
        e.to_string().contains("x.json") && e.to_string().contains("line 1"),
        "{e}"
    );
}

#[test]
fn three_formats_of_the_shapes_set_load_to_the_same_boxes() {
    let (count, size, seed) = (15, 48, 11);
    let reference = detection::shapes_set(count, size, seed, 0.2);
    let tmp = tempfile::tempdir().unwrap();
    let mut loaded = Vec::new();
    for format in [
        AnnotationFormat::Yolo,
        AnnotationFormat::Coco,
        AnnotationFormat::Voc,
    ] {
        let dir = tmp.path().join(format!("{format:?}"));
        assert_eq!(
            write::write_shapes(&dir, format, count, size, seed).unwrap(),
            count
        );
        assert_eq!(detect::detect(&dir).unwrap(), format);
        let set = load(&dir);
        assert!(set.skipped.is_empty(), "{format}: {:#?}", set.skipped);
        assert_eq!(set.classes, reference.classes);
        // The folder's own split is kept: the last 20 % are validation.
        let names = |v: &[DetectionSample]| v.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        let mut val = names(&set.val);
        val.sort();
        assert_eq!(val, names(&reference.val), "{format}");
        loaded.push((format, set));
    }
    let expected = by_name(&reference);
    for (format, set) in &loaded {
        let got = by_name(set);
        assert_eq!(got.len(), expected.len());
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!(g.name, e.name);
            assert_eq!(g.image, e.image, "{format}: PNG keeps the pixels");
            assert_eq!(g.boxes.len(), e.boxes.len(), "{format} {}", g.name);
            for (gb, eb) in g.boxes.iter().zip(&e.boxes) {
                assert_eq!(gb.class, eb.class);
                let (gc, ec) = (corners(gb).1, corners(eb).1);
                for (x, y) in gc.iter().zip(ec) {
                    assert!(
                        (x - y).abs() < 1e-3,
                        "{format} {}: {gc:?} vs {ec:?}",
                        g.name
                    );
                }
            }
        }
    }
    // COCO carries the instance masks through its polygons, exactly.
    let coco = &loaded[1].1;
    for (g, e) in by_name(coco).iter().zip(&expected) {
        assert_eq!(g.masks, e.masks, "{}", g.name);
    }
}

#[test]
fn unsplit_folders_are_split_by_fraction_and_seed() {
    let dir = fixture("voc");
    let a = detection::load(&dir, 0.5, 3, &mut |_, _| {}).unwrap();
    assert_eq!((a.train.len(), a.val.len()), (1, 1));
    let b = detection::load(&dir, 0.5, 3, &mut |_, _| {}).unwrap();
    assert_eq!(a.val[0].name, b.val[0].name);
    let all = detection::load(&dir, 0.0, 3, &mut |_, _| {}).unwrap();
    assert_eq!((all.train.len(), all.val.len()), (2, 0));
}

#[test]
fn garbage_files_never_panic() {
    // Every kind of annotation file filled with junk: loads fail or skip, never panic.
    let junk: [&[u8]; 5] = [
        b"",
        b"\xff\xfe\x00garbage",
        b"0 1e39 -inf nan 0.5\n\t\t\n5 5 5 5 5 5",
        b"<annotation><size><width>-1</width></size><object><bndbox/></object></annotation>",
        b"{\"images\": [{\"id\": 1}], \"annotations\": [{\"bbox\": [1e300, 0, 1, 1]}], \"categories\": []}",
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (i, bytes) in junk.iter().enumerate() {
        let root = tmp.path().join(format!("j{i}"));
        let files = [
            ("yolo/classes.txt", &b"a\n"[..]),
            ("yolo/labels/x.txt", bytes),
            ("coco/annotations/x.json", bytes),
            ("voc/Annotations/x.xml", bytes),
        ];
        for (name, content) in files {
            let p = root.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, content).unwrap();
        }
        std::fs::create_dir_all(root.join("yolo/images")).unwrap();
        std::fs::write(root.join("yolo/images/x.png"), bytes).unwrap();
        for format in ["yolo", "coco", "voc"] {
            let _ = detection::load(&root.join(format), 0.2, 1, &mut |_, _| {});
        }
    }
}

#[test]
fn cli_writes_each_format() {
    let tmp = tempfile::tempdir().unwrap();
    for format in ["yolo", "coco", "voc"] {
        let out = tmp.path().join(format);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_visionlab"))
            // Runs the binary keeps go to a scratch folder, not the user's data folder.
            .env(
                "VISIONLAB_RUNS_DIR",
                std::env::temp_dir().join("visionlab-test-runs"),
            )
            .args([
                "dataset", "shapes", "--task", "detect", "--format", format, "--count", "5",
                "--size", "32",
            ])
            .arg("--out")
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        let set = load(&out);
        assert_eq!(set.train.len() + set.val.len(), 5, "{format}");
        assert!(set.train.iter().all(|s| !s.boxes.is_empty()));
    }
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_visionlab"))
        // Runs the binary keeps go to a scratch folder, not the user's data folder.
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .args([
            "dataset", "shapes", "--task", "detect", "--format", "shapes", "--out",
        ])
        .arg(tmp.path().join("x"))
        .output()
        .unwrap();
    assert!(!status.status.success());
}
