//! Bad dataset folders get a clear answer (issue 20, dataset loading): named pipes and other
//! special files are skipped with a warning, never opened (no hang); symbolic link loops
//! are not followed twice; detection folders are decoded one image at a time at the
//! training size, within the decode budget; a UTF-8 byte-order mark is invisible in every
//! text file; a detection set without classes names its class file; a class or split
//! folder that one split has and the other lacks is an error naming both.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use visionlab::core::protocol::InstanceMask;
use visionlab::data::image_folder::{self, FolderOptions};
use visionlab::data::{DataError, Skipped, mnist};
use visionlab::tasks::detect::data::{
    self as detection, AnnotationFormat, DetectionError, DetectionOptions, DetectionSet, write,
};
use visionlab::tasks::segment::data::{self as segmentation, MaskFolderOptions};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Runs `f` on its own thread; fails (instead of hanging the suite) when it takes longer
/// than 60 s.
fn within_a_minute<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("{what} hung (or panicked) instead of answering"))
}

/// Makes a named pipe at `path`; `false` (with a notice) where there is no `mkfifo`.
fn mkfifo(path: &Path) -> bool {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("notice: mkfifo is not available; the named-pipe case is not checked");
    }
    made
}

#[cfg(unix)]
fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

fn png(path: &Path, w: u32, h: u32) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    })
    .save(path)
    .expect("save png");
}

fn write_text(path: &Path, text: &[u8]) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    fs::write(path, text).expect("write");
}

/// A detection set written in `format` (12 scenes of 32×32: 10 train, 2 val).
fn detection_set(root: &Path, format: AnnotationFormat) -> PathBuf {
    let dir = root.join(format!("{format:?}").to_lowercase());
    write::write_shapes(&dir, format, 12, 32, 5).expect("write detection set");
    dir
}

fn load_detection(dir: &Path) -> Result<DetectionSet, DetectionError> {
    let dir = dir.to_path_buf();
    within_a_minute("detection load", move || {
        detection::load(&dir, 0.2, 1, &mut |_, _| {})
    })
}

fn load_folder(dir: &Path) -> Result<visionlab::data::ClassificationSet, DataError> {
    let dir = dir.to_path_buf();
    within_a_minute("ImageFolder load", move || {
        image_folder::load(&dir, &FolderOptions::default(), &mut |_, _| {})
    })
}

fn load_masks(dir: &Path) -> Result<segmentation::SegmentationSet, DataError> {
    let dir = dir.to_path_buf();
    within_a_minute("segmentation load", move || {
        segmentation::load(&dir, &MaskFolderOptions::default(), &mut |_, _| {})
    })
}

/// The one skipped entry for `file` whose reason holds `part`.
fn skipped_for<'a>(skipped: &'a [Skipped], file: &Path, part: &str) -> &'a Skipped {
    skipped
        .iter()
        .find(|s| s.path == file && s.reason.contains(part))
        .unwrap_or_else(|| {
            panic!(
                "no warning for {} with `{part}`: {skipped:#?}",
                file.display()
            )
        })
}

/// Class 1: a named pipe (or other special file) anywhere a loader lists or opens files is
/// skipped with a warning naming it; nothing blocks on it.
#[test]
fn named_pipes_are_skipped_with_a_warning_never_opened() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();

    // YOLO: a pipe as an image and as a label file, and a pipe data.yaml elsewhere.
    let yolo = detection_set(root, AnnotationFormat::Yolo);
    let pipe_image = yolo.join("images/train/pipe.png");
    if !mkfifo(&pipe_image) {
        return;
    }
    png(&yolo.join("images/train/piped_label.png"), 32, 32);
    let pipe_label = yolo.join("labels/train/piped_label.txt");
    assert!(mkfifo(&pipe_label));
    let set = load_detection(&yolo).expect("YOLO set with pipes loads");
    // The 12 scenes and piped_label.png, whose label file is left out: no objects.
    assert_eq!(set.train.len() + set.val.len(), 13, "{:#?}", set.skipped);
    let s = skipped_for(&set.skipped, &pipe_image, "named pipe");
    assert!(s.to_string().contains("pipe.png"), "{s}");
    skipped_for(&set.skipped, &pipe_label, "named pipe");

    let yaml_pipe = root.join("yolo_pipe_yaml");
    write::write_shapes(&yaml_pipe, AnnotationFormat::Yolo, 12, 32, 5).expect("write");
    fs::remove_file(yaml_pipe.join("data.yaml")).expect("rm");
    assert!(mkfifo(&yaml_pipe.join("data.yaml")));
    let e = load_detection(&yaml_pipe).expect_err("a pipe is no class list");
    assert!(
        e.to_string().contains("data.yaml") && e.to_string().contains("named pipe"),
        "{e}"
    );

    // COCO: the image a JSON file names is a pipe; a pipe among the annotation files.
    let coco = detection_set(root, AnnotationFormat::Coco);
    let named = fs::read_dir(coco.join("images/train"))
        .expect("images")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .min()
        .expect("an image");
    fs::remove_file(&named).expect("rm");
    assert!(mkfifo(&named));
    let pipe_json = coco.join("annotations/instances_extra.json");
    assert!(mkfifo(&pipe_json));
    let set = load_detection(&coco).expect("COCO set with pipes loads");
    assert_eq!(set.train.len() + set.val.len(), 11);
    skipped_for(&set.skipped, &named, "named pipe");
    skipped_for(&set.skipped, &pipe_json, "named pipe");

    // VOC: a pipe image, a pipe annotation and a pipe split list.
    let voc = detection_set(root, AnnotationFormat::Voc);
    let pipe_xml = voc.join("Annotations/zz_pipe.xml");
    assert!(mkfifo(&pipe_xml));
    let pipe_list = voc.join("ImageSets/Main/val.txt");
    fs::remove_file(&pipe_list).expect("rm");
    assert!(mkfifo(&pipe_list));
    let set = load_detection(&voc).expect("VOC set with pipes loads");
    assert_eq!(set.train.len() + set.val.len(), 12);
    skipped_for(&set.skipped, &pipe_xml, "named pipe");
    skipped_for(&set.skipped, &pipe_list, "named pipe");

    // ImageFolder: a pipe in a class folder.
    let folder = root.join("folder");
    visionlab::data::shapes::write_image_folder(&folder, 20, 16, 3).expect("write");
    let class_dir = fs::read_dir(folder.join("train"))
        .expect("train")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .min()
        .expect("a class");
    let pipe = class_dir.join("pipe.png");
    assert!(mkfifo(&pipe));
    let set = load_folder(&folder).expect("ImageFolder with a pipe loads");
    assert_eq!(set.train.len() + set.val.len(), 20);
    skipped_for(&set.skipped, &pipe, "named pipe");

    // Segmentation: a pipe image and a pipe classes.txt.
    let seg = root.join("seg");
    segmentation::write_shapes(&seg, 12, 16, 3).expect("write");
    let pipe = seg.join("images/zz_pipe.png");
    assert!(mkfifo(&pipe));
    let set = load_masks(&seg).expect("segmentation with a pipe loads");
    assert_eq!(set.train.len() + set.val.len(), 12);
    skipped_for(&set.skipped, &pipe, "named pipe");
    fs::remove_file(seg.join("classes.txt")).expect("rm");
    assert!(mkfifo(&seg.join("classes.txt")));
    let e = load_masks(&seg).expect_err("a pipe is no class list");
    assert!(e.to_string().contains("classes.txt") && e.to_string().contains("named pipe"));
}

/// Class 2: a link loop is not followed (a warning names the link) and a file reached
/// twice is read once, so 12 files stay 12 samples.
#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed_and_files_are_read_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();

    // ImageFolder: two classes of 6 images, a loop in each class folder, a second link to
    // an image, and test/ as a link to train/.
    let folder = root.join("folder");
    for class in ["a", "b"] {
        for i in 0..6 {
            png(&folder.join(format!("{class}/{i}.png")), 8, 8);
        }
        symlink("..", &folder.join(format!("{class}/loop")));
        symlink(".", &folder.join(format!("{class}/self")));
    }
    symlink("0.png", &folder.join("a/zz_again.png"));
    let set = load_folder(&folder).expect("loads");
    assert_eq!(set.train.len() + set.val.len(), 12, "{:#?}", set.skipped);
    skipped_for(&set.skipped, &folder.join("a/self"), "loop");
    skipped_for(&set.skipped, &folder.join("a/zz_again.png"), "read once");

    // YOLO: a loop under images/train and under labels/train.
    let yolo = detection_set(root, AnnotationFormat::Yolo);
    symlink("..", &yolo.join("images/train/up"));
    symlink(".", &yolo.join("labels/train/here"));
    let set = load_detection(&yolo).expect("loads");
    assert_eq!(set.train.len() + set.val.len(), 12, "{:#?}", set.skipped);
    let s = skipped_for(&set.skipped, &yolo.join("labels/train/here"), "loop");
    assert!(s.to_string().contains("here"));

    // Segmentation: val/ is a link to train/: read once.
    let seg = root.join("seg");
    segmentation::write_shapes(&seg.join("train"), 6, 16, 3).expect("write");
    fs::rename(seg.join("train/classes.txt"), seg.join("classes.txt")).expect("mv");
    symlink("train", &seg.join("val"));
    let set = load_masks(&seg).expect("loads");
    assert_eq!(set.train.len() + set.val.len(), 6, "{:#?}", set.skipped);
}

/// Class 3: detection folders are decoded at the training size one image at a time
/// (masks rasterised at that size), and a set over the decode budget streams its
/// training split.
#[test]
fn detection_folders_decode_at_the_training_size_within_the_budget() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let coco = tmp.path().join("coco");
    write::write_shapes(&coco, AnnotationFormat::Coco, 12, 256, 9).expect("write");
    let opts = DetectionOptions {
        size: Some(32),
        val_fraction: 0.2,
        seed: 1,
        decode_budget: Some(64 << 20),
    };
    let set = detection::load_with(&coco, &opts, &mut |_, _| {}).expect("loads");
    assert!(set.streamed.is_none());
    let full = detection::load(&coco, 0.2, 1, &mut |_, _| {}).expect("loads");
    assert_eq!(set.train.len(), full.train.len());
    for (small, big) in set.train.iter().zip(&full.train) {
        assert_eq!((small.image.width, small.image.height), (32, 32));
        assert_eq!((big.image.width, big.image.height), (256, 256));
        let masks: &Vec<InstanceMask> = small.masks.as_ref().expect("COCO polygons");
        assert!(masks.iter().all(|m| m.pixels.len() == 32 * 32));
        for (a, b) in small.boxes.iter().zip(&big.boxes) {
            assert_eq!(a.class, b.class);
            assert!((a.x0 - b.x0 / 8.0).abs() < 1e-3 && (a.y1 - b.y1 / 8.0).abs() < 1e-3);
        }
        // The mask covers about the same share of the image as at full size.
        for (m, n) in masks.iter().zip(full_masks(big)) {
            let share = |m: &InstanceMask| m.area() as f32 / m.pixels.len() as f32;
            assert!(
                (share(m) - share(n)).abs() < 0.05,
                "{} vs {}",
                share(m),
                share(n)
            );
        }
    }

    // A budget the samples do not fit: the training split is streamed.
    let tight = DetectionOptions {
        decode_budget: Some(4 * 32 * 32 * 3),
        ..opts
    };
    let streamed = detection::load_with(&coco, &tight, &mut |_, _| {}).expect("loads");
    let s = streamed.streamed.as_ref().expect("streamed");
    assert_eq!(streamed.train_len(), full.train.len());
    assert_eq!(s.len(), full.train.len());
    assert!(streamed.val.len() <= 2);
    let first = s.decode(0).expect("decodes");
    assert_eq!((first.image.width, first.image.height), (32, 32));
}

fn full_masks(sample: &detection::DetectionSample) -> &[InstanceMask] {
    sample.masks.as_deref().unwrap_or(&[])
}

/// Class 4: a UTF-8 byte-order mark at the start of any text file a loader reads changes
/// nothing.
#[test]
fn a_byte_order_mark_is_invisible_in_every_text_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let with_bom = |path: &Path| {
        let text = fs::read(path).expect("read");
        let mut out = BOM.to_vec();
        out.extend_from_slice(&text);
        fs::write(path, out).expect("write");
    };

    // YOLO: data.yaml and every label file.
    let yolo = detection_set(root, AnnotationFormat::Yolo);
    let plain = load_detection(&yolo).expect("loads");
    with_bom(&yolo.join("data.yaml"));
    for split in ["train", "val"] {
        for e in fs::read_dir(yolo.join("labels").join(split)).expect("labels") {
            with_bom(&e.expect("entry").path());
        }
    }
    let set = load_detection(&yolo).expect("loads with BOMs");
    assert_eq!(set.classes, plain.classes);
    assert!(set.skipped.is_empty(), "{:#?}", set.skipped);
    assert_eq!(set.box_counts(&set.train), plain.box_counts(&plain.train));

    // YOLO with classes.txt instead of data.yaml.
    fs::remove_file(yolo.join("data.yaml")).expect("rm");
    let mut names = BOM.to_vec();
    names.extend_from_slice(plain.classes.join("\n").as_bytes());
    write_text(&yolo.join("classes.txt"), &names);
    assert_eq!(load_detection(&yolo).expect("loads").classes, plain.classes);

    // COCO JSON.
    let coco = detection_set(root, AnnotationFormat::Coco);
    for e in fs::read_dir(coco.join("annotations")).expect("annotations") {
        with_bom(&e.expect("entry").path());
    }
    let set = load_detection(&coco).expect("COCO JSON with a BOM loads");
    assert_eq!(set.train.len() + set.val.len(), 12);
    assert!(set.skipped.is_empty(), "{:#?}", set.skipped);

    // VOC XML, classes.txt and split lists.
    let voc = detection_set(root, AnnotationFormat::Voc);
    let plain = load_detection(&voc).expect("loads");
    with_bom(&voc.join("classes.txt"));
    with_bom(&voc.join("ImageSets/Main/val.txt"));
    with_bom(&voc.join("ImageSets/Main/train.txt"));
    for e in fs::read_dir(voc.join("Annotations")).expect("annotations") {
        with_bom(&e.expect("entry").path());
    }
    let set = load_detection(&voc).expect("VOC with BOMs loads");
    assert_eq!(set.classes, plain.classes);
    assert_eq!(
        (set.train.len(), set.val.len()),
        (plain.train.len(), plain.val.len())
    );
    assert!(set.skipped.is_empty(), "{:#?}", set.skipped);

    // Segmentation classes.txt.
    let seg = root.join("seg");
    segmentation::write_shapes(&seg, 8, 16, 3).expect("write");
    let plain = load_masks(&seg).expect("loads");
    with_bom(&seg.join("classes.txt"));
    assert_eq!(load_masks(&seg).expect("loads").classes, plain.classes);

    // MNIST CSV, with and without a header row.
    let row = |label: u8| {
        let mut r: Vec<String> = vec!["0".into(); 4];
        r.push(label.to_string());
        r.join(",")
    };
    let csv = root.join("digits.csv");
    write_text(&csv, format!("\u{feff}{}\n{}\n", row(1), row(2)).as_bytes());
    let items = mnist::read_csv_gz(&csv).expect("reads");
    assert_eq!(items.iter().map(|i| i.label).collect::<Vec<_>>(), [1, 2]);
    write_text(&csv, "\u{feff}label,p0,p1,p2,p3\n3,0,0,0,0\n".as_bytes());
    let items = mnist::read_csv_gz(&csv).expect("reads");
    assert_eq!(items.iter().map(|i| i.label).collect::<Vec<_>>(), [3]);
}

/// Class 5: a detection set without classes names the file that should define them and
/// detection's own minimum (1 class), not a classifier's.
#[test]
fn a_detection_set_without_classes_names_its_class_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();

    let coco = detection_set(root, AnnotationFormat::Coco);
    for e in fs::read_dir(coco.join("annotations")).expect("annotations") {
        let path = e.expect("entry").path();
        let mut json: serde_json::Value =
            serde_json::from_slice(&fs::read(&path).expect("read")).expect("json");
        json["categories"] = serde_json::json!([]);
        json["annotations"] = serde_json::json!([]);
        fs::write(&path, json.to_string()).expect("write");
    }
    let e = load_detection(&coco).expect_err("no categories");
    let message = e.to_string();
    assert!(message.contains("instances_"), "{message}");
    assert!(message.contains("at least 1 class"), "{message}");
    assert!(!message.contains("classifier"), "{message}");

    let yolo = detection_set(root, AnnotationFormat::Yolo);
    fs::remove_file(yolo.join("data.yaml")).expect("rm");
    write_text(&yolo.join("classes.txt"), b"\n  \n");
    let message = load_detection(&yolo).expect_err("no names").to_string();
    assert!(
        message.contains("classes.txt") && message.contains("1 class"),
        "{message}"
    );

    let voc = detection_set(root, AnnotationFormat::Voc);
    write_text(&voc.join("classes.txt"), BOM);
    let message = load_detection(&voc).expect_err("no names").to_string();
    assert!(
        message.contains("classes.txt") && message.contains("1 class"),
        "{message}"
    );

    // One class is enough to detect.
    let single = root.join("single");
    png(&single.join("images/a.png"), 16, 16);
    png(&single.join("images/b.png"), 16, 16);
    write_text(&single.join("labels/a.txt"), b"0 0.5 0.5 0.5 0.5\n");
    write_text(&single.join("labels/b.txt"), b"0 0.5 0.5 0.5 0.5\n");
    write_text(&single.join("data.yaml"), b"names: [thing]\n");
    assert_eq!(
        load_detection(&single).expect("one class").classes,
        ["thing"]
    );

    // The models say which model needs how many classes.
    let device = burn::prelude::Device::flex();
    let input = visionlab::models::InputShape {
        channels: 3,
        height: 16,
        width: 16,
    };
    let e = visionlab::tasks::detect::model::Detector::new(input, 0, 4, &device)
        .expect_err("no classes")
        .to_string();
    assert!(e.contains("detector") && e.contains("1 class"), "{e}");
}

/// Class 6: a class only one ImageFolder split has, and a YOLO or segmentation split whose
/// labels (or images) folder is missing, are errors naming the folders.
#[test]
fn splits_that_do_not_match_are_errors_naming_both_folders() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();

    let folder = root.join("folder");
    for class in ["cat", "dog"] {
        for i in 0..3 {
            png(&folder.join(format!("train/{class}/{i}.png")), 8, 8);
            png(&folder.join(format!("test/{class}/{i}.png")), 8, 8);
        }
    }
    assert!(load_folder(&folder).is_ok());
    png(&folder.join("test/bird/0.png"), 8, 8);
    let message = load_folder(&folder)
        .expect_err("bird is not trained")
        .to_string();
    assert!(message.contains("`bird`"), "{message}");
    assert!(
        message.contains(&folder.join("test").display().to_string())
            && message.contains(&folder.join("train").display().to_string()),
        "{message}"
    );
    // The converse: a class that is never validated.
    fs::remove_dir_all(folder.join("test/bird")).expect("rm");
    fs::remove_dir_all(folder.join("test/dog")).expect("rm");
    let message = load_folder(&folder)
        .expect_err("dog is never validated")
        .to_string();
    assert!(
        message.contains("`dog`") && message.contains("never be validated"),
        "{message}"
    );

    // YOLO: images/val without labels/val, and the converse.
    let yolo = detection_set(root, AnnotationFormat::Yolo);
    fs::rename(yolo.join("labels/val"), root.join("hidden_labels")).expect("mv");
    let message = load_detection(&yolo)
        .expect_err("no labels/val")
        .to_string();
    assert!(
        message.contains(&yolo.join("labels/val").display().to_string()),
        "{message}"
    );
    assert!(message.contains("images/val"), "{message}");
    fs::rename(root.join("hidden_labels"), yolo.join("labels/val")).expect("mv");
    fs::rename(yolo.join("images/val"), root.join("hidden_images")).expect("mv");
    let message = load_detection(&yolo)
        .expect_err("no images/val")
        .to_string();
    assert!(
        message.contains(&yolo.join("images/val").display().to_string()),
        "{message}"
    );
    fs::rename(root.join("hidden_images"), yolo.join("images/val")).expect("mv");
    // An empty labels folder: its images are background, and a warning says so.
    for e in fs::read_dir(yolo.join("labels/val")).expect("labels") {
        fs::remove_file(e.expect("entry").path()).expect("rm");
    }
    let set = load_detection(&yolo).expect("loads");
    assert_eq!(set.val.len(), 2);
    skipped_for(&set.skipped, &yolo.join("labels/val"), "without objects");

    // A class with validation boxes but no training boxes: a warning naming the class file.
    let untrained = root.join("untrained");
    png(&untrained.join("images/train/a.png"), 16, 16);
    png(&untrained.join("images/val/b.png"), 16, 16);
    write_text(
        &untrained.join("labels/train/a.txt"),
        b"0 0.5 0.5 0.5 0.5\n",
    );
    write_text(&untrained.join("labels/val/b.txt"), b"1 0.5 0.5 0.5 0.5\n");
    write_text(&untrained.join("data.yaml"), b"names: [seen, unseen]\n");
    let set = load_detection(&untrained).expect("loads");
    skipped_for(&set.skipped, &untrained.join("data.yaml"), "`unseen`");

    // Segmentation: val/images without val/masks.
    let seg = root.join("seg");
    segmentation::write_shapes(&seg.join("train"), 6, 16, 3).expect("write");
    segmentation::write_shapes(&seg.join("val"), 4, 16, 4).expect("write");
    fs::remove_dir_all(seg.join("val/masks")).expect("rm");
    let message = load_masks(&seg).expect_err("no val/masks").to_string();
    assert!(
        message.contains(&seg.join("val/masks").display().to_string()),
        "{message}"
    );
}
