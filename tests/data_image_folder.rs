//! ImageFolder loading, the synthetic shapes set and MNIST CSV reading, on real files.

use std::fs;
use std::path::{Path, PathBuf};

use visionlab::data::image_folder::{self, FolderOptions};
use visionlab::data::{ClassificationSet, DataError, mnist, shapes};

fn rgb(w: u32, h: u32, seed: u8) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x as u8).wrapping_mul(7).wrapping_add(seed),
            (y as u8).wrapping_mul(5),
            seed,
        ])
    })
}

fn grey(w: u32, h: u32, seed: u8) -> image::GrayImage {
    image::GrayImage::from_fn(w, h, |x, y| image::Luma([(x + y) as u8 ^ seed]))
}

fn mkdir(p: &Path) -> PathBuf {
    fs::create_dir_all(p).expect("create test folder");
    p.to_path_buf()
}

fn load(dir: &Path) -> Result<ClassificationSet, DataError> {
    image_folder::load(dir, &FolderOptions::default(), &mut |_, _| {})
}

/// cats: 6 PNG (40×30) + 4 JPEG (50×50); dogs: 9 PNG (40×30) + 1 BMP (20×20).
fn write_mixed_folder(root: &Path) {
    let cats = mkdir(&root.join("cats"));
    let dogs = mkdir(&root.join("dogs"));
    for i in 0..6 {
        rgb(40, 30, i)
            .save(cats.join(format!("c{i}.png")))
            .expect("png");
    }
    for i in 0..4 {
        rgb(50, 50, i)
            .save(cats.join(format!("c{i}.JPG")))
            .expect("jpg");
    }
    for i in 0..9 {
        rgb(40, 30, 100 + i)
            .save(dogs.join(format!("d{i}.png")))
            .expect("png");
    }
    rgb(20, 20, 3).save(dogs.join("d.bmp")).expect("bmp");
    // Ignored silently: other extensions and hidden files.
    fs::write(dogs.join("notes.txt"), "not an image").expect("txt");
    fs::write(dogs.join(".hidden.png"), "junk").expect("hidden");
    fs::write(root.join("README"), "about").expect("readme");
}

#[test]
fn loads_mixed_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_mixed_folder(tmp.path());
    let mut calls = Vec::new();
    let set = image_folder::load(tmp.path(), &FolderOptions::default(), &mut |d, t| {
        calls.push((d, t))
    })
    .expect("load");
    assert_eq!(set.classes, vec!["cats", "dogs"]);
    assert_eq!(set.channels, 3);
    // Mixed sizes → 32×32.
    assert_eq!((set.width, set.height), (32, 32));
    assert!(set.skipped.is_empty(), "{:?}", set.skipped);
    assert_eq!(set.train.len() + set.val.len(), 20);
    // 20 % of each class of 10 → 2 validation images per class.
    assert_eq!(set.counts(&set.val), vec![2, 2]);
    assert_eq!(set.counts(&set.train), vec![8, 8]);
    for item in set.train.iter().chain(&set.val) {
        assert_eq!(item.image.pixels.len(), 32 * 32 * 3);
        assert_eq!(
            (item.image.width, item.image.height, item.image.channels),
            (32, 32, 3)
        );
    }
    assert_eq!(calls.last(), Some(&(20, 20)));

    // Deterministic: the same seed gives the same split; another seed another one.
    let again = load(tmp.path()).expect("load again");
    assert_eq!(again.val, set.val);
    let other = image_folder::load(
        tmp.path(),
        &FolderOptions {
            seed: 7,
            ..FolderOptions::default()
        },
        &mut |_, _| {},
    )
    .expect("load seed 7");
    assert_eq!(other.val.len(), 4);

    // An explicit size wins.
    let sized = image_folder::load(
        tmp.path(),
        &FolderOptions {
            image_size: Some(24),
            ..FolderOptions::default()
        },
        &mut |_, _| {},
    )
    .expect("load sized");
    assert_eq!((sized.width, sized.height), (24, 24));
    assert_eq!(sized.train[0].image.pixels.len(), 24 * 24 * 3);
}

#[test]
fn common_small_size_and_grey_channels() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (c, name) in ["a", "b", "c"].iter().enumerate() {
        let d = mkdir(&tmp.path().join(name));
        for i in 0..5 {
            grey(28, 20, (c * 10 + i) as u8)
                .save(d.join(format!("{i}.png")))
                .expect("png");
        }
    }
    // A grey JPEG too.
    grey(28, 20, 99)
        .save(tmp.path().join("a").join("j.jpeg"))
        .expect("jpeg");
    let set = load(tmp.path()).expect("load");
    assert_eq!(set.classes, vec!["a", "b", "c"]);
    assert_eq!(set.channels, 1);
    assert_eq!((set.width, set.height), (28, 20));
    assert_eq!(set.train.len() + set.val.len(), 16);
    assert_eq!(set.train[0].image.pixels.len(), 28 * 20);

    // One colour image makes the whole set RGB.
    rgb(28, 20, 1)
        .save(tmp.path().join("b").join("colour.png"))
        .expect("png");
    let set = load(tmp.path()).expect("load");
    assert_eq!(set.channels, 3);
    assert_eq!(set.train[0].image.pixels.len(), 28 * 20 * 3);
}

#[test]
fn train_test_layout() {
    for test_name in ["test", "val", "valid"] {
        let tmp = tempfile::tempdir().expect("tempdir");
        for (split, n) in [("train", 6u8), (test_name, 2u8)] {
            for class in ["x", "y"] {
                let d = mkdir(&tmp.path().join(split).join(class));
                for i in 0..n {
                    rgb(16, 16, i)
                        .save(d.join(format!("{i}.png")))
                        .expect("png");
                }
            }
        }
        let set = load(tmp.path()).expect("load");
        assert_eq!(set.classes, vec!["x", "y"]);
        assert_eq!((set.width, set.height), (16, 16));
        assert_eq!(set.counts(&set.train), vec![6, 6]);
        assert_eq!(set.counts(&set.val), vec![2, 2]);

        // A class only present in the held-out folder is one the model never trains on.
        let z = mkdir(&tmp.path().join(test_name).join("z"));
        rgb(16, 16, 0).save(z.join("0.png")).expect("png");
        let err = image_folder::load(tmp.path(), &FolderOptions::default(), &mut |_, _| {})
            .expect_err("z is never trained on");
        assert!(matches!(err, DataError::SplitClasses { .. }), "{err:?}");
        assert!(err.to_string().contains("`z`"), "{err}");
    }
}

#[test]
fn missing_folder_is_unreadable() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let missing = tmp.path().join("no-such-folder");
    let err = load(&missing).expect_err("missing folder");
    assert!(matches!(err, DataError::UnreadableFolder { .. }), "{err:?}");
    assert!(err.to_string().contains("no-such-folder"), "{err}");
}

#[test]
fn empty_and_one_class() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let err = load(tmp.path()).expect_err("empty");
    assert!(matches!(err, DataError::Empty { .. }), "{err:?}");

    // Class folders with no images are still empty.
    mkdir(&tmp.path().join("a"));
    fs::write(tmp.path().join("a").join("x.txt"), "hi").expect("txt");
    let err = load(tmp.path()).expect_err("empty class");
    assert!(matches!(err, DataError::Empty { .. }), "{err:?}");

    rgb(8, 8, 1)
        .save(tmp.path().join("a").join("1.png"))
        .expect("png");
    let err = load(tmp.path()).expect_err("one class");
    match &err {
        DataError::OneClass { class, .. } => assert_eq!(class, "a"),
        other => panic!("expected OneClass, got {other:?}"),
    }
    assert!(err.to_string().contains("only one class"), "{err}");

    // A second class whose only image is corrupt leaves one usable class.
    mkdir(&tmp.path().join("b"));
    fs::write(tmp.path().join("b").join("bad.png"), b"not a png").expect("bad");
    let err = load(tmp.path()).expect_err("one usable class");
    assert!(matches!(err, DataError::OneClass { .. }), "{err:?}");
}

/// A PNG signature and IHDR chunk announcing a `w × h` RGB image, and nothing else.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut chunk = b"IHDR".to_vec();
    chunk.extend_from_slice(&w.to_be_bytes());
    chunk.extend_from_slice(&h.to_be_bytes());
    chunk.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut crc = flate2::Crc::new();
    crc.update(&chunk);
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    // The start of the pixel data: decoders read up to the first IDAT chunk.
    let mut idat = b"IDAT".to_vec();
    idat.extend_from_slice(&[0x78, 0x9C, 0x00, 0x00, 0x00, 0xFF, 0xFF]);
    let mut crc = flate2::Crc::new();
    crc.update(&idat);
    out.extend_from_slice(&((idat.len() - 4) as u32).to_be_bytes());
    out.extend_from_slice(&idat);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out
}

fn skipped_reason<'a>(set: &'a ClassificationSet, name: &str) -> &'a str {
    let s = set
        .skipped
        .iter()
        .find(|s| s.path.file_name().and_then(|n| n.to_str()) == Some(name))
        .unwrap_or_else(|| panic!("{name} not in skipped list: {:?}", set.skipped));
    assert!(
        s.to_string().contains(name),
        "message must name the file: {s}"
    );
    &s.reason
}

#[test]
fn bad_files_are_skipped_with_reasons() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let a = mkdir(&tmp.path().join("a"));
    let b = mkdir(&tmp.path().join("b"));
    for i in 0..4 {
        rgb(12, 12, i)
            .save(a.join(format!("{i}.png")))
            .expect("png");
        rgb(12, 12, i + 50)
            .save(b.join(format!("{i}.png")))
            .expect("png");
    }
    fs::write(a.join("zero.png"), b"").expect("zero");
    let mut good = Vec::new();
    image::DynamicImage::ImageRgb8(rgb(12, 12, 9))
        .write_to(
            &mut std::io::Cursor::new(&mut good),
            image::ImageFormat::Png,
        )
        .expect("encode");
    fs::write(a.join("truncated.png"), &good[..good.len() / 2]).expect("trunc");
    fs::write(b.join("x.png"), "this is a text file, not a picture\n").expect("text");
    fs::write(b.join("huge.png"), png_header(50_000, 50_000)).expect("huge");
    fs::write(b.join("fake.jpg"), [0xFF, 0xD8, 0xFF, 0x00, 0x01]).expect("fake jpg");

    let set = load(tmp.path()).expect("load");
    assert_eq!(set.train.len() + set.val.len(), 8);
    assert_eq!(set.skipped.len(), 5, "{:?}", set.skipped);
    assert!(skipped_reason(&set, "zero.png").contains("empty"));
    let r = skipped_reason(&set, "truncated.png");
    assert!(!r.is_empty());
    skipped_reason(&set, "x.png");
    skipped_reason(&set, "fake.jpg");
    let r = skipped_reason(&set, "huge.png");
    assert!(r.contains("too large") && r.contains("50000"), "{r}");
    // All 12×12: the common size is kept despite the bad files.
    assert_eq!((set.width, set.height), (12, 12));

    // A tiny pixel limit skips the real images too, by their header.
    let opts = FolderOptions {
        max_image_pixels: 100,
        ..FolderOptions::default()
    };
    let err = image_folder::load(tmp.path(), &opts, &mut |_, _| {}).expect_err("all too large");
    assert!(matches!(err, DataError::Invalid(_)), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("none of the") && msg.contains(".png"), "{msg}");
}

#[cfg(unix)]
#[test]
fn unreadable_class_folder_is_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    for class in ["a", "b", "locked"] {
        let d = mkdir(&tmp.path().join(class));
        for i in 0..3 {
            rgb(10, 10, i)
                .save(d.join(format!("{i}.png")))
                .expect("png");
        }
    }
    let locked = tmp.path().join("locked");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    let blocked = fs::read_dir(&locked).is_err();
    let result = load(tmp.path());
    // Restore so the temporary folder can be removed.
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).expect("chmod back");
    let set = result.expect("load");
    if blocked {
        assert_eq!(set.classes, vec!["a", "b"]);
        let s = set
            .skipped
            .iter()
            .find(|s| s.path.ends_with("locked"))
            .unwrap_or_else(|| panic!("locked folder not skipped: {:?}", set.skipped));
        assert!(s.to_string().contains("locked"));
    } else {
        eprintln!(
            "note: running as a user that can read chmod-000 folders (root); skipping that assertion"
        );
        assert_eq!(set.classes, vec!["a", "b", "locked"]);
    }

    // The root folder itself unreadable.
    let root = tmp.path().join("b");
    fs::set_permissions(&root, fs::Permissions::from_mode(0o000)).expect("chmod");
    let blocked = fs::read_dir(&root).is_err();
    let result = load(&root);
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).expect("chmod back");
    if blocked {
        assert!(matches!(result, Err(DataError::UnreadableFolder { .. })));
    }
    // A file given as the folder is unreadable too.
    let file = tmp.path().join("a").join("0.png");
    let err = load(&file).expect_err("file as folder");
    assert!(matches!(err, DataError::UnreadableFolder { .. }), "{err:?}");
}

#[test]
fn shapes_are_deterministic_balanced_and_consistent() {
    let a = shapes::generate(30, 32, 11);
    let b = shapes::generate(30, 32, 11);
    assert_eq!(a, b);
    let longer = shapes::generate(45, 32, 11);
    assert_eq!(a[..], longer[..30]);
    let other = shapes::generate(30, 32, 12);
    assert_ne!(a[0].image.pixels, other[0].image.pixels);

    let mut per_class = [0usize; 5];
    for s in &longer {
        per_class[s.class] += 1;
        assert_eq!(s.image.channels, 3);
        assert_eq!(s.mask.len(), 32 * 32);
        let [x0, y0, x1, y1] = s.bbox;
        assert!(x0 < x1 && y0 < y1 && x1 <= 32 && y1 <= 32, "{:?}", s.bbox);
        let mut tight = [u32::MAX, u32::MAX, 0, 0];
        for (i, &m) in s.mask.iter().enumerate() {
            if m == 0 {
                continue;
            }
            assert_eq!(m as usize, s.class + 1);
            let (x, y) = ((i % 32) as u32, (i / 32) as u32);
            assert!(x >= x0 && x < x1 && y >= y0 && y < y1);
            tight = [
                tight[0].min(x),
                tight[1].min(y),
                tight[2].max(x + 1),
                tight[3].max(y + 1),
            ];
        }
        assert_eq!(tight, s.bbox, "box must be tight");
    }
    assert_eq!(per_class, [9; 5]);
    assert_eq!(shapes::CLASSES.len(), 5);

    let set = shapes::classification_set(200, 32, 3, 0.2);
    assert_eq!(set.counts(&set.train), vec![32; 5]);
    assert_eq!(set.counts(&set.val), vec![8; 5]);
}

#[test]
fn shapes_folder_round_trips() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let written = shapes::write_image_folder(tmp.path(), 50, 32, 4).expect("write");
    assert_eq!(written, 50);
    assert!(
        tmp.path()
            .join("train")
            .join("circle")
            .join("00000.png")
            .exists()
            || tmp
                .path()
                .join("test")
                .join("circle")
                .join("00000.png")
                .exists()
    );
    let set = load(tmp.path()).expect("load");
    assert_eq!(set.classes.len(), 5);
    let mut sorted: Vec<&str> = shapes::CLASSES.to_vec();
    sorted.sort_unstable();
    assert_eq!(set.classes, sorted);
    assert_eq!(set.counts(&set.train), vec![8; 5]);
    assert_eq!(set.counts(&set.val), vec![2; 5]);
    assert_eq!((set.width, set.height, set.channels), (32, 32, 3));
    assert!(set.skipped.is_empty());

    // Pixels survive the PNG round trip exactly.
    let samples = shapes::generate(50, 32, 4);
    let circle = set
        .classes
        .iter()
        .position(|c| c == "circle")
        .expect("circle class");
    let first_circle = set
        .train
        .iter()
        .chain(&set.val)
        .find(|it| it.label == circle)
        .expect("a circle");
    assert!(samples.iter().any(|s| s.image == first_circle.image));

    let err = shapes::write_image_folder(tmp.path(), 5, 2, 0).expect_err("tiny size");
    assert!(matches!(err, DataError::Invalid(_)));
}

#[test]
fn mnist_csv_bundled_in_assets() {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/data/mnist_5k.csv.gz"
    ));
    let items = mnist::read_csv_gz(path).expect("read mnist csv");
    assert_eq!(items.len(), 5000);
    let mut counts = [0usize; 10];
    for it in &items {
        assert!(it.label < 10);
        counts[it.label] += 1;
        assert_eq!(
            (it.image.width, it.image.height, it.image.channels),
            (28, 28, 1)
        );
        assert_eq!(it.image.pixels.len(), 784);
    }
    assert!(counts.iter().all(|&c| c > 0), "{counts:?}");

    // And it survives being written as an ImageFolder and read back.
    let tmp = tempfile::tempdir().expect("tempdir");
    let names: Vec<String> = (0..10).map(|d| d.to_string()).collect();
    // The file is sorted by label: take every 25th row to get all ten digits.
    let some: Vec<_> = items.iter().step_by(25).cloned().collect();
    let n = mnist::write_image_folder(&some, &names, tmp.path(), 0.2, 1).expect("write");
    assert_eq!(n, 200);
    let set = load(tmp.path()).expect("load");
    assert_eq!(set.channels, 1);
    assert_eq!((set.width, set.height), (28, 28));
    assert_eq!(set.train.len() + set.val.len(), 200);
    assert_eq!(set.classes, names);
    assert_eq!(set.counts(&set.val), vec![4; 10]);
}
