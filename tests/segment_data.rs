//! Segmentation datasets on disk: images/ + masks/ (grey index, palette and VOC colour
//! masks), classes.txt, train/ + val/ splits, and every kind of bad pair.

use std::fs;
use std::path::Path;

use visionlab::tasks::segment::data as masks;

use visionlab::tasks::segment::data::MaskFolderOptions;

use visionlab::data::{DataError, shapes};
use visionlab::tasks::segment::data::SegmentationSet;

fn rgb(w: u32, h: u32, seed: u8) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x as u8).wrapping_mul(9) ^ seed,
            (y as u8).wrapping_mul(3),
            seed,
        ])
    })
}

/// A 16×16 index mask: class `c` on the left half, 0 on the right, a 255 border row.
fn index_mask(c: u8) -> Vec<u8> {
    (0..16 * 16)
        .map(|i| {
            let (x, y) = (i % 16, i / 16);
            if y == 0 {
                255
            } else if x < 8 {
                c
            } else {
                0
            }
        })
        .collect()
}

fn save_grey(path: &Path, w: u32, h: u32, values: Vec<u8>) {
    image::GrayImage::from_raw(w, h, values)
        .expect("mask buffer")
        .save(path)
        .expect("save grey mask");
}

fn load(dir: &Path) -> Result<SegmentationSet, DataError> {
    let options = MaskFolderOptions {
        val_fraction: 0.25,
        ..MaskFolderOptions::default()
    };
    masks::load(dir, &options, &mut |_, _| {})
}

/// Good pairs a0..a3 (grey index masks) and p0..p3 (palette masks), classes.txt with 3
/// classes; plus one of each bad input.
fn write_dataset(root: &Path) {
    let images = root.join("images");
    let mask_dir = root.join("masks");
    fs::create_dir_all(&images).expect("images");
    fs::create_dir_all(&mask_dir).expect("masks");
    fs::write(root.join("classes.txt"), "background\ncat\ndog\n").expect("classes");
    for i in 0..4u8 {
        rgb(16, 16, i)
            .save(images.join(format!("a{i}.png")))
            .expect("png");
        save_grey(&mask_dir.join(format!("a{i}.png")), 16, 16, index_mask(1));
        rgb(16, 16, 50 + i)
            .save(images.join(format!("p{i}.jpg")))
            .expect("jpg");
        masks::save_mask_png(&mask_dir.join(format!("p{i}.png")), 16, 16, &index_mask(2))
            .expect("palette mask");
    }
    // A mask whose size differs from its image.
    rgb(16, 16, 7)
        .save(images.join("wrong_size.png"))
        .expect("png");
    save_grey(&mask_dir.join("wrong_size.png"), 8, 8, vec![1; 64]);
    // A value outside the class list (3 classes: 0..=2, and 255).
    rgb(16, 16, 8)
        .save(images.join("bad_value.png"))
        .expect("png");
    save_grey(&mask_dir.join("bad_value.png"), 16, 16, index_mask(7));
    // An image without a mask, and a mask without an image.
    rgb(16, 16, 9)
        .save(images.join("lonely_image.png"))
        .expect("png");
    save_grey(&mask_dir.join("lonely_mask.png"), 16, 16, index_mask(1));
    // A corrupt mask.
    rgb(16, 16, 10)
        .save(images.join("corrupt.png"))
        .expect("png");
    fs::write(mask_dir.join("corrupt.png"), b"\x89PNG\r\n\x1a\nnot really").expect("corrupt");
}

fn skipped_reason(set: &SegmentationSet, file: &str) -> String {
    set.skipped
        .iter()
        .find(|s| s.path.file_name().and_then(|n| n.to_str()) == Some(file))
        .map(|s| s.to_string())
        .unwrap_or_else(|| panic!("{file} should be skipped; skipped: {:?}", set.skipped))
}

#[test]
fn loads_pairs_and_skips_each_bad_input_with_its_reason() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_dataset(tmp.path());
    let set = load(tmp.path()).expect("dataset loads");
    assert_eq!(set.classes, vec!["background", "cat", "dog"]);
    assert_eq!((set.width, set.height, set.channels), (16, 16, 3));
    assert_eq!(set.train.len() + set.val.len(), 8, "the 8 good pairs");
    assert_eq!(set.val.len(), 2);
    assert_eq!(set.skipped.len(), 5, "{:?}", set.skipped);
    assert!(skipped_reason(&set, "wrong_size.png").contains("mask is 8×8 but its image"));
    assert!(
        skipped_reason(&set, "bad_value.png").contains("mask value 7 is outside the class list")
    );
    assert!(skipped_reason(&set, "lonely_image.png").contains("image has no mask"));
    assert!(skipped_reason(&set, "lonely_mask.png").contains("mask has no image"));
    assert!(skipped_reason(&set, "corrupt.png").contains("mask"));
    // Index values come through unchanged, 255 included, for both mask kinds.
    for item in set.train.iter().chain(&set.val) {
        let class = if item.name.starts_with('a') { 1 } else { 2 };
        assert_eq!(item.mask, index_mask(class), "{}", item.name);
    }
}

#[test]
fn resizing_samples_masks_without_new_classes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_dataset(tmp.path());
    let options = MaskFolderOptions {
        image_size: Some(24),
        ..MaskFolderOptions::default()
    };
    let set = masks::load(tmp.path(), &options, &mut |_, _| {}).expect("loads");
    assert_eq!((set.width, set.height), (24, 24));
    for item in set.train.iter().chain(&set.val) {
        assert_eq!(item.mask.len(), 24 * 24);
        assert!(item.mask.iter().all(|v| [0, 1, 2, 255].contains(v)));
        assert_eq!(item.image.pixels.len(), 24 * 24 * 3);
    }
}

#[test]
fn train_and_val_folders_and_voc_colour_masks() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (split, n) in [("train", 3u8), ("val", 2u8)] {
        let images = tmp.path().join(split).join("images");
        let mask_dir = tmp.path().join(split).join("masks");
        fs::create_dir_all(&images).expect("images");
        fs::create_dir_all(&mask_dir).expect("masks");
        for i in 0..n {
            rgb(16, 16, i)
                .save(images.join(format!("{i}.png")))
                .expect("png");
            // A VOC colour mask: class 1 is (128, 0, 0); the border is VOC's void colour.
            let colour = image::RgbImage::from_fn(16, 16, |x, y| {
                if y == 0 {
                    image::Rgb([224, 224, 192])
                } else if x < 8 {
                    image::Rgb([128, 0, 0])
                } else {
                    image::Rgb([0, 0, 0])
                }
            });
            colour
                .save(mask_dir.join(format!("{i}.png")))
                .expect("colour mask");
        }
    }
    let set = load(tmp.path()).expect("loads");
    assert_eq!((set.train.len(), set.val.len()), (3, 2));
    assert_eq!(set.classes, vec!["background", "class 1"]);
    assert_eq!(set.train[0].mask, index_mask(1));
}

#[test]
fn folder_problems_name_the_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let missing = tmp.path().join("nope");
    let err = load(&missing).expect_err("missing folder").to_string();
    assert!(err.contains("nope"), "{err}");
    let err = load(tmp.path()).expect_err("no images/masks").to_string();
    assert!(err.contains("images/ and masks/"), "{err}");
    fs::create_dir_all(tmp.path().join("images")).expect("images");
    fs::create_dir_all(tmp.path().join("masks")).expect("masks");
    fs::write(tmp.path().join("classes.txt"), "only\n").expect("classes");
    let err = load(tmp.path()).expect_err("one class").to_string();
    assert!(
        err.contains("classes.txt") && err.contains("at least 2"),
        "{err}"
    );
}

#[test]
fn written_shapes_read_back_as_generated() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let n = masks::write_shapes(tmp.path(), 20, 32, 5).expect("writes");
    assert_eq!(n, 20);
    let set = masks::load(
        tmp.path(),
        &MaskFolderOptions {
            val_fraction: 0.0,
            ..MaskFolderOptions::default()
        },
        &mut |_, _| {},
    )
    .expect("loads");
    assert_eq!(set.classes, masks::shapes_classes());
    assert!(set.skipped.is_empty(), "{:?}", set.skipped);
    let generated = shapes::generate(20, 32, 5);
    for item in &set.train {
        let i: usize = item.name.parse().expect("numbered");
        assert_eq!(item.mask, generated[i].mask);
        assert_eq!(item.image, generated[i].image);
    }
}
