//! Object-detection datasets: images with labelled boxes (and, where the source has
//! them, one instance mask per box).
//!
//! Three on-disk formats are read, told apart by the folder's layout ([`detect`]):
//! - **YOLO**: `images/` + `labels/<stem>.txt` (one `class cx cy w h` line per box,
//!   normalised to 0–1), class names in `data.yaml` (`names:`) or `classes.txt`;
//! - **COCO**: `annotations/*.json` (images, annotations with `bbox` = x, y, w, h in
//!   pixels and optional `segmentation` polygons, categories) + the images beside it;
//! - **Pascal VOC**: `Annotations/<stem>.xml` + `JPEGImages/<stem>.jpg`.
//!
//! Bad labels never stop a load: each is left out and recorded in
//! [`DetectionSet::skipped`] naming its file (and line, where there is one). The
//! synthetic [`shapes_set`] is the zero-set-up default, and [`write`] puts a set on disk in
//! each format.

pub mod augment;
pub mod coco;
pub mod detect;
#[doc(hidden)]
pub mod fuzzing;
pub mod voc;
pub mod write;
pub mod yolo;

pub use crate::core::protocol::{InstanceMask, LabeledBox};

use std::path::{Path, PathBuf};

use image::{DynamicImage, GrayImage, RgbImage};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::data::image_folder::convert;

use crate::data::image_folder::par_map;
use crate::data::shapes::{Canvas, Placement, contrasting_colour, mask_bbox, mix, uniform};
use crate::data::{Image, Skipped, shapes};
use crate::tasks::segment::data::{RawMask, resize_mask};

/// One image with its boxes.
#[derive(Clone, Debug)]
pub struct DetectionSample {
    /// File stem or generated name.
    pub name: String,
    /// RGB (channels 3).
    pub image: Image,
    /// The labelled boxes.
    pub boxes: Vec<LabeledBox>,
    /// Some where the source has instance outlines (shapes, COCO polygons): one per box.
    pub masks: Option<Vec<InstanceMask>>,
}

impl DetectionSample {
    /// The sample resized to size×size (image bilinear/triangle, boxes scaled, masks
    /// nearest).
    pub fn resized(&self, size: u32) -> DetectionSample {
        let (w, h) = (self.image.width, self.image.height);
        if w == size && h == size {
            return self.clone();
        }
        let image = resize_image(&self.image, size);
        let (sx, sy) = if w == 0 || h == 0 {
            (0.0, 0.0)
        } else {
            (size as f32 / w as f32, size as f32 / h as f32)
        };
        let limit = size as f32;
        let boxes = self
            .boxes
            .iter()
            .map(|b| LabeledBox {
                class: b.class,
                x0: (b.x0 * sx).clamp(0.0, limit),
                y0: (b.y0 * sy).clamp(0.0, limit),
                x1: (b.x1 * sx).clamp(0.0, limit),
                y1: (b.y1 * sy).clamp(0.0, limit),
            })
            .collect();
        let masks = self.masks.as_ref().map(|masks| {
            masks
                .iter()
                .map(|m| InstanceMask {
                    width: size,
                    height: size,
                    pixels: resize_mask(
                        &RawMask {
                            width: m.width,
                            height: m.height,
                            values: m.pixels.clone(),
                        },
                        size,
                        size,
                    ),
                })
                .collect()
        });
        DetectionSample {
            name: self.name.clone(),
            image,
            boxes,
            masks,
        }
    }
}

/// Resizes an image to `size × size` RGB with a triangle filter.
fn resize_image(image: &Image, size: u32) -> Image {
    let (w, h) = (image.width, image.height);
    let decoded = if image.channels == 1 {
        GrayImage::from_raw(w, h, image.pixels.clone()).map(DynamicImage::ImageLuma8)
    } else {
        RgbImage::from_raw(w, h, image.pixels.clone()).map(DynamicImage::ImageRgb8)
    };
    match decoded {
        Some(d) => convert(&d, size, size, 3),
        // A pixel buffer that does not match its size: a black image rather than a panic.
        None => Image {
            width: size,
            height: size,
            channels: 3,
            pixels: vec![0; (size as usize).pow(2) * 3],
        },
    }
}

/// Which on-disk format a folder was read from.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
pub enum AnnotationFormat {
    /// `images/` + `labels/*.txt`.
    Yolo,
    /// `annotations/*.json`.
    Coco,
    /// `Annotations/*.xml` + `JPEGImages/`.
    Voc,
    /// The built-in synthetic scenes (not a file format).
    #[value(skip)]
    Shapes,
}

impl std::fmt::Display for AnnotationFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AnnotationFormat::Yolo => "YOLO",
            AnnotationFormat::Coco => "COCO",
            AnnotationFormat::Voc => "Pascal VOC",
            AnnotationFormat::Shapes => "shapes",
        })
    }
}

/// A detection dataset in memory.
#[derive(Clone, Debug)]
pub struct DetectionSet {
    /// Class names; a box's `class` indexes this.
    pub classes: Vec<String>,
    /// Where it was read from.
    pub format: AnnotationFormat,
    /// Training images.
    pub train: Vec<DetectionSample>,
    /// Validation images.
    pub val: Vec<DetectionSample>,
    /// Labels/images left out, each naming file (and line where there is one) and
    /// reason.
    pub skipped: Vec<Skipped>,
}

impl DetectionSet {
    /// Number of boxes of each class in `items`.
    pub fn box_counts(&self, items: &[DetectionSample]) -> Vec<usize> {
        let mut counts = vec![0; self.classes.len()];
        for b in items.iter().flat_map(|s| &s.boxes) {
            if let Some(c) = counts.get_mut(b.class) {
                *c += 1;
            }
        }
        counts
    }
}

/// Why a detection folder could not be read. Each names the folder or file.
#[derive(Debug, thiserror::Error)]
pub enum DetectionError {
    /// The folder does not exist or cannot be listed.
    #[error("cannot read folder {path}: {error}")]
    UnreadableFolder {
        /// The folder.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// The layout matches none of the formats.
    #[error(
        "{path} is not a detection dataset: expected YOLO (images/ + labels/*.txt), COCO (annotations/*.json) or Pascal VOC (Annotations/*.xml + JPEGImages/)"
    )]
    UnknownLayout {
        /// The folder.
        path: PathBuf,
    },
    /// A file the whole set depends on (class list, annotation file) is unusable.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Nothing usable was found.
    #[error("{path} ({format}) holds no usable labelled images{}", first_reason(.skipped))]
    Empty {
        /// The folder.
        path: PathBuf,
        /// The format it looked like.
        format: AnnotationFormat,
        /// What was left out.
        skipped: Vec<Skipped>,
    },
    /// Files could not be written.
    #[error("cannot write {path}: {message}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

fn first_reason(skipped: &[Skipped]) -> String {
    match skipped.first() {
        Some(s) if skipped.len() == 1 => format!(": {s}"),
        Some(s) => format!(": {s} (and {} more left out)", skipped.len() - 1),
        None => String::new(),
    }
}

/// Largest image (in pixels) read from a detection folder.
pub const MAX_IMAGE_PIXELS: u64 = 100_000_000;

/// Reads a folder in whichever format it holds (detected from its layout); images are
/// kept at their own size (the trainer resizes with [`DetectionSample::resized`]).
///
/// `progress(done, total)` is called now and then while images are decoded.
///
/// # Errors
/// [`DetectionError`] naming the folder and what is wrong; individual bad labels go into
/// `skipped`.
pub fn load(
    dir: &Path,
    val_fraction: f32,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DetectionSet, DetectionError> {
    let format = detect::detect(dir)?;
    let raw = match format {
        AnnotationFormat::Yolo => yolo::read(dir)?,
        AnnotationFormat::Coco => coco::read(dir)?,
        AnnotationFormat::Voc => voc::read(dir)?,
        AnnotationFormat::Shapes => return Err(DetectionError::UnknownLayout { path: dir.into() }),
    };
    finish(dir, format, raw, val_fraction, seed, progress)
}

/// Which split an annotated image belongs to, when the folder says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// Training.
    Train,
    /// Validation (or test).
    Val,
    /// Not said: split by `val_fraction`.
    Unsplit,
}

/// One annotated image before its pixels are read.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The image file.
    pub image: PathBuf,
    /// Name of the sample (the file stem).
    pub name: String,
    /// Its split.
    pub split: Split,
    /// The image size the annotation states, when it states one (COCO, VOC): checked
    /// against the file.
    pub stated_size: Option<(u32, u32)>,
    /// Boxes in pixels (YOLO: normalised, turned into pixels once the size is known).
    pub boxes: Vec<LabeledBox>,
    /// Instance outlines (COCO polygons), one list of polygons per box; `None` when the
    /// source has none.
    pub polygons: Option<Vec<Vec<Vec<f32>>>>,
    /// YOLO boxes are normalised: `true` until they are scaled to pixels.
    pub normalised: bool,
}

/// What a format reader found: classes, annotated images and what it left out.
#[derive(Clone, Debug, Default)]
pub struct RawSet {
    /// Class names.
    pub classes: Vec<String>,
    /// Annotated images.
    pub entries: Vec<Entry>,
    /// Labels and files left out.
    pub skipped: Vec<Skipped>,
}

/// Decodes the images of `raw`, turns normalised boxes and polygons into pixels, and
/// splits the set.
fn finish(
    dir: &Path,
    format: AnnotationFormat,
    raw: RawSet,
    val_fraction: f32,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DetectionSet, DetectionError> {
    let RawSet {
        classes,
        entries,
        mut skipped,
    } = raw;
    let decoded = par_map(&entries, decode_entry, progress);
    let mut samples = Vec::new();
    for (entry, result) in entries.into_iter().zip(decoded) {
        match result {
            Ok((sample, mut left_out)) => {
                skipped.append(&mut left_out);
                samples.push((entry.split, sample));
            }
            Err(reason) => skipped.push(Skipped {
                path: entry.image,
                reason,
            }),
        }
    }
    if samples.is_empty() {
        return Err(DetectionError::Empty {
            path: dir.into(),
            format,
            skipped,
        });
    }
    let (train, val) = split(samples, val_fraction, seed);
    Ok(DetectionSet {
        classes,
        format,
        train,
        val,
        skipped,
    })
}

/// Reads one entry's image and checks its boxes against the image's size.
fn decode_entry(entry: &Entry) -> Result<(DetectionSample, Vec<Skipped>), String> {
    let image = read_rgb(&entry.image)?;
    let (w, h) = (image.width, image.height);
    if let Some((sw, sh)) = entry.stated_size
        && (sw, sh) != (w, h)
        && sw != 0
        && sh != 0
    {
        return Err(format!(
            "annotation says the image is {sw}×{sh} but the file is {w}×{h}"
        ));
    }
    let mut boxes = Vec::new();
    let mut polygons = Vec::new();
    let mut skipped = Vec::new();
    for (i, b) in entry.boxes.iter().enumerate() {
        let b = if entry.normalised {
            LabeledBox {
                class: b.class,
                x0: b.x0 * w as f32,
                y0: b.y0 * h as f32,
                x1: b.x1 * w as f32,
                y1: b.y1 * h as f32,
            }
        } else {
            *b
        };
        match check_box(&b, w, h) {
            Ok(b) => {
                boxes.push(b);
                if let Some(p) = entry.polygons.as_ref().and_then(|p| p.get(i)) {
                    polygons.push(p.clone());
                }
            }
            Err(reason) => skipped.push(Skipped {
                path: entry.image.clone(),
                reason: format!("box {}: {reason}", i + 1),
            }),
        }
    }
    let masks = match &entry.polygons {
        Some(_) if polygons.len() == boxes.len() => Some(
            polygons
                .iter()
                .zip(&boxes)
                .map(|(p, b)| coco::polygon_mask(p, b, w, h))
                .collect(),
        ),
        _ => None,
    };
    Ok((
        DetectionSample {
            name: entry.name.clone(),
            image,
            boxes,
            masks,
        },
        skipped,
    ))
}

/// Tolerance, in pixels, for boxes that stick out of the image (rounding in writers).
const EDGE_SLACK: f32 = 1.0;

/// Checks a pixel box against a `w × h` image: finite, positive size, inside (within
/// [`EDGE_SLACK`]); returns it clipped to the image.
pub fn check_box(b: &LabeledBox, w: u32, h: u32) -> Result<LabeledBox, String> {
    let (wf, hf) = (w as f32, h as f32);
    let coords = [b.x0, b.y0, b.x1, b.y1];
    if coords.iter().any(|c| !c.is_finite()) {
        return Err("box coordinates are not finite numbers".into());
    }
    if b.x1 - b.x0 <= 0.0 || b.y1 - b.y0 <= 0.0 {
        return Err(format!(
            "box has zero or negative size ({:.1}×{:.1} pixels)",
            b.x1 - b.x0,
            b.y1 - b.y0
        ));
    }
    if b.x0 < -EDGE_SLACK || b.y0 < -EDGE_SLACK || b.x1 > wf + EDGE_SLACK || b.y1 > hf + EDGE_SLACK
    {
        return Err(format!(
            "box ({:.1}, {:.1})–({:.1}, {:.1}) lies outside the {w}×{h} image",
            b.x0, b.y0, b.x1, b.y1
        ));
    }
    let clipped = LabeledBox {
        class: b.class,
        x0: b.x0.clamp(0.0, wf),
        y0: b.y0.clamp(0.0, hf),
        x1: b.x1.clamp(0.0, wf),
        y1: b.y1.clamp(0.0, hf),
    };
    if clipped.x1 <= clipped.x0 || clipped.y1 <= clipped.y0 {
        return Err(format!("box lies outside the {w}×{h} image"));
    }
    Ok(clipped)
}

/// Reads an image file as RGB at its own size.
fn read_rgb(path: &Path) -> Result<Image, String> {
    let reader = image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| format!("cannot read image: {e}"))?;
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| format!("not a readable image: {e}"))?;
    if w == 0 || h == 0 {
        return Err(format!("image has no pixels ({w}×{h})"));
    }
    if u64::from(w) * u64::from(h) > MAX_IMAGE_PIXELS {
        return Err(format!(
            "image is too large: {w}×{h}, more than {MAX_IMAGE_PIXELS} pixels"
        ));
    }
    let decoded = image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| format!("cannot read image: {e}"))?
        .decode()
        .map_err(|e| format!("cannot decode image: {e}"))?;
    Ok(convert(&decoded, w, h, 3))
}

/// Splits samples: the folder's own split where it has one, otherwise a seeded random
/// `val_fraction` (at least one image on each side when there are two or more).
fn split(
    samples: Vec<(Split, DetectionSample)>,
    val_fraction: f32,
    seed: u64,
) -> (Vec<DetectionSample>, Vec<DetectionSample>) {
    let (mut train, mut val, mut unsplit) = (Vec::new(), Vec::new(), Vec::new());
    for (s, sample) in samples {
        match s {
            Split::Train => train.push(sample),
            Split::Val => val.push(sample),
            Split::Unsplit => unsplit.push(sample),
        }
    }
    if unsplit.is_empty() {
        return (train, val);
    }
    let fraction = if val_fraction.is_finite() {
        val_fraction.clamp(0.0, 0.95)
    } else {
        0.0
    };
    let n = unsplit.len();
    let mut n_val = ((n as f64) * f64::from(fraction)).round() as usize;
    if fraction > 0.0 && n >= 2 {
        n_val = n_val.clamp(1, n - 1);
    }
    let mut order: Vec<usize> = (0..n).collect();
    {
        use rand::seq::SliceRandom;
        order.shuffle(&mut StdRng::seed_from_u64(seed));
    }
    let mut is_val = vec![false; n];
    for &i in &order[..n_val.min(n)] {
        is_val[i] = true;
    }
    for (sample, v) in unsplit.into_iter().zip(is_val) {
        if v {
            val.push(sample);
        } else {
            train.push(sample);
        }
    }
    (train, val)
}

/// Most shapes in one synthetic scene.
pub const MAX_SHAPES: usize = 4;

/// Salt that keeps scene seeds apart from the classification shapes' seeds.
const SCENE_SALT: u64 = 0x5CE7_E5EE_D000_0004;

/// The synthetic shapes scene set: `count` images of size×size, each with 1–4 shapes
/// (non-overlapping or lightly overlapping) of the 5 shape classes on a varied
/// background, boxes tight around each shape, one instance mask per shape. Deterministic
/// in seed. val = last val_fraction of them.
pub fn shapes_set(count: usize, size: u32, seed: u64, val_fraction: f32) -> DetectionSet {
    let indices: Vec<usize> = (0..count).collect();
    let mut samples = par_map(&indices, |&i| shapes_scene(i, size, seed), &mut |_, _| {});
    let fraction = if val_fraction.is_finite() {
        val_fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    // At least one training image is left.
    let n_val = ((count as f64) * f64::from(fraction)).round() as usize;
    let val = samples.split_off(count - n_val.min(count.saturating_sub(1)));
    DetectionSet {
        classes: shapes::CLASSES.iter().map(|c| c.to_string()).collect(),
        format: AnnotationFormat::Shapes,
        train: samples,
        val,
        skipped: Vec::new(),
    }
}

/// Scene number `index` of the shapes detection set (named `shapes_NNNNN`): only depends
/// on `(index, size, seed)`.
pub fn shapes_scene(index: usize, size: u32, seed: u64) -> DetectionSample {
    let mut rng = StdRng::seed_from_u64(mix(seed ^ SCENE_SALT, index as u64));
    let s = size as f32;
    let mut canvas = Canvas::background(&mut rng, size);
    let wanted = rng.random_range(1..=MAX_SHAPES);
    let mut placed: Vec<Placement> = Vec::new();
    for _ in 0..wanted {
        let class = rng.random_range(0..shapes::CLASSES.len());
        let colour = contrasting_colour(&mut rng, canvas.base);
        let angle = if class == 0 {
            0.0
        } else {
            rng.random_range(0.0..std::f32::consts::TAU)
        };
        // Diameter 22–50 % of the image; centres far enough apart that shapes overlap
        // at most lightly. A shape that finds no room in 24 tries is left out.
        for _ in 0..24 {
            let radius = rng.random_range(0.11..=0.25) * s;
            let cx = uniform(&mut rng, radius, s - radius);
            let cy = uniform(&mut rng, radius, s - radius);
            let room = placed.iter().all(|p| {
                let d = ((p.cx - cx).powi(2) + (p.cy - cy).powi(2)).sqrt();
                d >= 0.85 * (p.radius + radius)
            });
            if room {
                placed.push(Placement {
                    class,
                    cx,
                    cy,
                    radius,
                    angle,
                    colour,
                });
                break;
            }
        }
    }
    // Instance ids (1-based) per pixel; later shapes cover earlier ones.
    let mut ids = vec![0u8; (size as usize).pow(2)];
    for (k, p) in placed.iter().enumerate() {
        canvas.paint(p, &mut ids, k as u8 + 1);
    }
    let image = canvas.finish(&mut rng);
    let mut boxes = Vec::new();
    let mut masks = Vec::new();
    for (k, p) in placed.iter().enumerate() {
        let pixels: Vec<u8> = ids.iter().map(|&v| u8::from(v == k as u8 + 1)).collect();
        let [x0, y0, x1, y1] = mask_bbox(&pixels, size);
        if x1 <= x0 || y1 <= y0 {
            continue; // Nothing of it is visible (only at tiny sizes).
        }
        boxes.push(LabeledBox {
            class: p.class,
            x0: x0 as f32,
            y0: y0 as f32,
            x1: x1 as f32,
            y1: y1 as f32,
        });
        masks.push(InstanceMask {
            width: size,
            height: size,
            pixels,
        });
    }
    DetectionSample {
        name: format!("shapes_{index:05}"),
        image,
        boxes,
        masks: Some(masks),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenes_are_deterministic_with_tight_boxes() {
        let a = shapes_set(30, 64, 7, 0.2);
        let b = shapes_set(30, 64, 7, 0.2);
        assert_eq!(a.train.len(), 24);
        assert_eq!(a.val.len(), 6);
        assert_eq!(a.classes, shapes::CLASSES.map(String::from).to_vec());
        let mut counts = [0usize; MAX_SHAPES + 1];
        for (x, y) in a.train.iter().zip(&b.train) {
            assert_eq!(x.image, y.image);
            assert_eq!(x.boxes, y.boxes);
            let masks = x.masks.as_ref().expect("shapes have masks");
            assert_eq!(masks.len(), x.boxes.len());
            assert!((1..=MAX_SHAPES).contains(&x.boxes.len()));
            counts[x.boxes.len()] += 1;
            for (m, bx) in masks.iter().zip(&x.boxes) {
                assert!(m.area() >= 20, "a shape covers a real part of the image");
                let [x0, y0, x1, y1] = mask_bbox(&m.pixels, 64);
                assert_eq!(
                    [x0 as f32, y0 as f32, x1 as f32, y1 as f32],
                    [bx.x0, bx.y0, bx.x1, bx.y1]
                );
                assert!(bx.class < 5 && bx.x0 < bx.x1 && bx.x1 <= 64.0 && bx.y1 <= 64.0);
            }
        }
        // Scenes hold different numbers of shapes.
        assert!(counts.iter().filter(|&&c| c > 0).count() >= 3, "{counts:?}");
        assert_ne!(shapes_scene(0, 64, 8).image, a.train[0].image);
    }

    #[test]
    fn resized_scales_boxes_and_masks() {
        let s = shapes_scene(3, 64, 1);
        let r = s.resized(32);
        assert_eq!(
            (r.image.width, r.image.height, r.image.pixels.len()),
            (32, 32, 32 * 32 * 3)
        );
        for (a, b) in s.boxes.iter().zip(&r.boxes) {
            assert_eq!(a.class, b.class);
            assert!((a.x0 / 2.0 - b.x0).abs() < 1e-4 && (a.y1 / 2.0 - b.y1).abs() < 1e-4);
        }
        let masks = r.masks.expect("masks are kept");
        assert!(
            masks
                .iter()
                .all(|m| m.pixels.len() == 32 * 32 && m.area() > 0)
        );
        // Same size: unchanged.
        assert_eq!(s.resized(64).boxes, s.boxes);
    }

    #[test]
    fn tiny_scenes_do_not_panic() {
        for size in [0, 1, 3, 7] {
            let s = shapes_scene(1, size, 0);
            assert_eq!(s.image.pixels.len(), (size * size * 3) as usize);
            let _ = s.resized(4);
        }
    }

    #[test]
    fn boxes_are_checked_and_clipped() {
        let b = |x0, y0, x1, y1| LabeledBox {
            class: 0,
            x0,
            y0,
            x1,
            y1,
        };
        assert_eq!(
            check_box(&b(-0.5, 0.0, 10.5, 5.0), 10, 10),
            Ok(b(0.0, 0.0, 10.0, 5.0))
        );
        assert!(
            check_box(&b(2.0, 2.0, 2.0, 5.0), 10, 10)
                .unwrap_err()
                .contains("zero or negative")
        );
        assert!(check_box(&b(5.0, 2.0, 3.0, 5.0), 10, 10).is_err());
        assert!(
            check_box(&b(2.0, 2.0, 30.0, 5.0), 10, 10)
                .unwrap_err()
                .contains("outside")
        );
        assert!(check_box(&b(f32::NAN, 2.0, 3.0, 5.0), 10, 10).is_err());
    }
}
