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
pub mod photos;
pub mod voc;
pub mod write;
pub mod yolo;

pub use crate::core::protocol::{InstanceMask, LabeledBox};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use image::{DynamicImage, GrayImage, RgbImage};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::data::image_folder::{convert, guarded, open_reader, par_map, par_map_threads};
use crate::data::orientation::{decode_oriented, oriented_dimensions};
use crate::data::shapes::{Canvas, Placement, contrasting_colour, mask_bbox, mix, uniform};
use crate::data::walk::check_regular;
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
    /// Set when the samples did not fit the decode budget: the training split is read
    /// from these files batch by batch, and `train` holds only a decoded sample of it (for
    /// thumbnails and normalisation statistics).
    pub streamed: Option<Arc<StreamedDetections>>,
}

impl DetectionSet {
    /// Number of training images (all of them, also when streamed).
    pub fn train_len(&self) -> usize {
        self.streamed.as_ref().map_or(self.train.len(), |s| s.len())
    }

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

/// How a detection folder is read.
#[derive(Clone, Debug, PartialEq)]
pub struct DetectionOptions {
    /// Side of the square each image (with its boxes and masks) is resized to as it is
    /// read, one image at a time; `None` keeps every image at its own size.
    pub size: Option<u32>,
    /// Fraction held out for validation when the folder has no split of its own.
    pub val_fraction: f32,
    /// Seed of that split.
    pub seed: u64,
    /// Most bytes of decoded samples (images and masks at `size`) held in memory; it also
    /// bounds how many full-size images are decoded at once. `None`: no limit. When the
    /// samples need more, the training split is streamed from disk
    /// ([`DetectionSet::streamed`]) and only the validation split (at most half the budget
    /// of it) and a small sample are decoded.
    pub decode_budget: Option<u64>,
}

/// Reads a folder in whichever format it holds (detected from its layout); images are
/// kept at their own size (see [`load_with`] to resize them while reading).
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
    let opts = DetectionOptions {
        size: None,
        val_fraction,
        seed,
        decode_budget: None,
    };
    load_with(dir, &opts, progress)
}

/// Reads a folder in whichever format it holds, decoding, resizing and rasterising one
/// image at a time at `opts.size`, within `opts.decode_budget`.
///
/// # Errors
/// [`DetectionError`] naming the folder or file and what is wrong (no classes defined:
/// the file that should define them); individual bad labels go into `skipped`.
pub fn load_with(
    dir: &Path,
    opts: &DetectionOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DetectionSet, DetectionError> {
    let format = detect::detect(dir)?;
    let raw = match format {
        AnnotationFormat::Yolo => yolo::read(dir)?,
        AnnotationFormat::Coco => coco::read(dir)?,
        AnnotationFormat::Voc => voc::read(dir)?,
        AnnotationFormat::Shapes => return Err(DetectionError::UnknownLayout { path: dir.into() }),
    };
    if raw.classes.is_empty()
        && let Some(path) = &raw.classes_from
    {
        let how = match format {
            AnnotationFormat::Coco => "a non-empty `categories` list",
            AnnotationFormat::Voc => "one class name a line in classes.txt",
            _ => "`names:` in data.yaml, or one name a line in classes.txt",
        };
        return Err(DetectionError::File {
            path: path.clone(),
            message: format!("defines no classes; detection needs at least 1 class ({how})"),
        });
    }
    finish(dir, format, raw, opts, progress)
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
    /// The file (or folder) the class names come from, named when it defines none.
    pub classes_from: Option<PathBuf>,
    /// Annotated images.
    pub entries: Vec<Entry>,
    /// Labels and files left out.
    pub skipped: Vec<Skipped>,
}

/// An entry whose image header was read: its size in pixels.
type Headed = (Entry, (u32, u32));

/// The training split of a detection folder whose samples do not fit the decode budget:
/// its annotated images, decoded, resized and rasterised one at a time when a batch needs
/// them.
#[derive(Clone, Debug)]
pub struct StreamedDetections {
    /// Each training image's entry and its size in pixels (read from the header).
    pub items: Vec<(Entry, (u32, u32))>,
    /// Side the samples are resized to.
    pub size: u32,
    /// The decode budget it was streamed under, in bytes.
    pub budget: u64,
    /// Bytes all training samples would take decoded.
    pub decoded_bytes: u64,
}

impl StreamedDetections {
    /// Number of training images.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Decodes training sample `index` at [`StreamedDetections::size`]; `None` when it is
    /// out of range or its file can no longer be read (it was checked when the folder was
    /// read; it may have changed since).
    pub fn decode(&self, index: usize) -> Option<DetectionSample> {
        let (entry, size) = self.items.get(index)?;
        guarded(|| decode_entry(entry, *size, Some(self.size)))
            .ok()
            .map(|(sample, _)| sample)
    }

    /// Boxes per class in the training annotations (before the boxes are checked against
    /// their images).
    pub fn box_counts(&self, classes: usize) -> Vec<usize> {
        let mut counts = vec![0; classes];
        for b in self.items.iter().flat_map(|(e, _)| &e.boxes) {
            if let Some(c) = counts.get_mut(b.class) {
                *c += 1;
            }
        }
        counts
    }
}

/// Reads the image headers of `raw`, splits it, and decodes its images one at a time at
/// the asked size (boxes and polygons scaled to it), streaming the training split when
/// the samples do not fit the decode budget.
fn finish(
    dir: &Path,
    format: AnnotationFormat,
    raw: RawSet,
    opts: &DetectionOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DetectionSet, DetectionError> {
    let RawSet {
        classes,
        classes_from,
        entries,
        mut skipped,
    } = raw;
    // Pass 1: headers only (size), cheap.
    let headers = par_map(&entries, |e| guarded(|| read_header(e)), &mut |_, _| {});
    let mut usable: Vec<Headed> = Vec::with_capacity(entries.len());
    for (entry, header) in entries.into_iter().zip(headers) {
        match header {
            Ok(size) => usable.push((entry, size)),
            Err(reason) => skipped.push(Skipped {
                path: entry.image,
                reason,
            }),
        }
    }
    let (train_at, val_at) = split(&usable, opts.val_fraction, opts.seed);
    skipped.extend(untrained_classes(
        &usable,
        &classes,
        classes_from.as_deref().unwrap_or(dir),
    ));
    let bytes = |i: &usize| sample_bytes(&usable[*i], opts.size);
    let train_bytes: u64 = train_at.iter().map(bytes).sum();
    let val_bytes: u64 = val_at.iter().map(bytes).sum();
    let threads = decode_threads(&usable, opts.decode_budget);

    let streaming = match (opts.decode_budget, opts.size) {
        (Some(budget), Some(side)) if train_bytes + val_bytes > budget => Some((budget, side)),
        _ => None,
    };
    let (val_at, sample_at) = match streaming {
        Some((budget, _)) => {
            let largest = val_at.iter().map(bytes).max().unwrap_or(1).max(1);
            let val_cap = ((budget / 2) / largest).max(1) as usize;
            (
                spread_pick(&val_at, val_cap),
                spread_pick(&train_at, crate::data::stream::SAMPLE_SIZE),
            )
        }
        None => (val_at, train_at.clone()),
    };
    let to_decode: Vec<usize> = sample_at.iter().chain(&val_at).copied().collect();
    let decoded = par_map_threads(
        &to_decode,
        threads,
        |&i| {
            let (entry, size) = &usable[i];
            guarded(|| decode_entry(entry, *size, opts.size))
        },
        progress,
    );
    let mut train = Vec::new();
    let mut val = Vec::new();
    for (n, (&i, result)) in to_decode.iter().zip(decoded).enumerate() {
        match result {
            Ok((sample, mut left_out)) => {
                skipped.append(&mut left_out);
                if n < sample_at.len() {
                    train.push(sample);
                } else {
                    val.push(sample);
                }
            }
            Err(reason) => skipped.push(Skipped {
                path: usable[i].0.image.clone(),
                reason,
            }),
        }
    }
    if train.is_empty() && val.is_empty() {
        return Err(DetectionError::Empty {
            path: dir.into(),
            format,
            skipped,
        });
    }
    let streamed = streaming.map(|(budget, side)| {
        let mut items = Vec::with_capacity(train_at.len());
        let mut usable: Vec<Option<Headed>> = usable.into_iter().map(Some).collect();
        for &i in &train_at {
            if let Some(item) = usable[i].take() {
                items.push(item);
            }
        }
        Arc::new(StreamedDetections {
            items,
            size: side,
            budget,
            decoded_bytes: train_bytes,
        })
    });
    Ok(DetectionSet {
        classes,
        format,
        train,
        val,
        skipped,
        streamed,
    })
}

/// Warnings for classes that have boxes in the folder's own validation split but none in
/// its training split: the detector would be measured on classes it never learns. (A
/// random split is left alone: there a missing class is chance, not the folder's layout.)
fn untrained_classes(usable: &[Headed], classes: &[String], defined_in: &Path) -> Vec<Skipped> {
    let mut in_split = [vec![0usize; classes.len()], vec![0usize; classes.len()]];
    for (entry, _) in usable {
        let side = match entry.split {
            Split::Train => 0,
            Split::Val => 1,
            Split::Unsplit => return Vec::new(),
        };
        for b in &entry.boxes {
            if let Some(n) = in_split[side].get_mut(b.class) {
                *n += 1;
            }
        }
    }
    let [train, val] = in_split;
    classes
        .iter()
        .zip(train.iter().zip(&val))
        .filter(|(_, (t, v))| **t == 0 && **v > 0)
        .map(|(name, (_, v))| Skipped {
            path: defined_in.to_path_buf(),
            reason: format!(
                "class `{name}` has {v} boxes in the validation split but none in the training split: the detector never learns it"
            ),
        })
        .collect()
}

/// Bytes a sample takes decoded at `size` (its own size when `None`): the RGB image and,
/// when the source has outlines, one mask per box.
fn sample_bytes((entry, (w, h)): &Headed, size: Option<u32>) -> u64 {
    let (tw, th) = size.map_or((*w, *h), |s| (s, s));
    let pixels = u64::from(tw) * u64::from(th);
    let masks = if entry.polygons.is_some() {
        entry.boxes.len() as u64
    } else {
        0
    };
    pixels * (3 + masks)
}

/// Threads that decode at once: as many as the machine has, fewer when that many
/// full-size images (decoded, plus a converted copy) would not fit the budget.
fn decode_threads(usable: &[Headed], budget: Option<u64>) -> usize {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(2, 32);
    let Some(budget) = budget else {
        return cores;
    };
    let largest = usable
        .iter()
        .map(|(_, (w, h))| u64::from(*w) * u64::from(*h) * 8)
        .max()
        .unwrap_or(1)
        .max(1);
    ((budget / largest) as usize).clamp(1, cores)
}

/// At most `k` of `items`, spread evenly over them (all when there are `k` or fewer).
fn spread_pick(items: &[usize], k: usize) -> Vec<usize> {
    if items.len() <= k {
        return items.to_vec();
    }
    (0..k).map(|i| items[i * items.len() / k]).collect()
}

/// Reads an entry's image header: its size, checked against the limit and against the
/// size the annotation states.
fn read_header(entry: &Entry) -> Result<(u32, u32), String> {
    let (w, h) = oriented_dimensions(open_reader(&entry.image)?)
        .map_err(|e| format!("not a readable image: {e}"))?;
    if w == 0 || h == 0 {
        return Err(format!("image has no pixels ({w}×{h})"));
    }
    if u64::from(w) * u64::from(h) > MAX_IMAGE_PIXELS {
        return Err(format!(
            "image is too large: {w}×{h}, more than {MAX_IMAGE_PIXELS} pixels"
        ));
    }
    if let Some((sw, sh)) = entry.stated_size
        && (sw, sh) != (w, h)
        && sw != 0
        && sh != 0
    {
        return Err(format!(
            "annotation says the image is {sw}×{sh} but the file is {w}×{h}"
        ));
    }
    Ok((w, h))
}

/// The first of `candidates` that is a regular file; an error naming a candidate that
/// exists but is not a regular file or folder (a pipe or device is never opened).
pub(crate) fn existing_image(candidates: Vec<PathBuf>) -> Result<Option<PathBuf>, Skipped> {
    for path in candidates {
        if path.is_file() {
            return Ok(Some(path));
        }
        if path.exists()
            && !path.is_dir()
            && let Err(reason) = check_regular(&path)
        {
            return Err(Skipped { path, reason });
        }
    }
    Ok(None)
}

/// Decodes one entry's image at `size` (its own size when `None`; the full-size pixels
/// are dropped as soon as they are resized) and checks, scales and rasterises its boxes
/// and polygons at that size.
fn decode_entry(
    entry: &Entry,
    (w, h): (u32, u32),
    size: Option<u32>,
) -> Result<(DetectionSample, Vec<Skipped>), String> {
    let (tw, th) = size.map_or((w, h), |s| (s, s));
    let image = {
        let decoded = decode_oriented(open_reader(&entry.image)?)
            .map_err(|e| format!("cannot decode image: {e}"))?;
        if (decoded.width(), decoded.height()) != (w, h) {
            return Err(format!(
                "image changed while it was read: the header said {w}×{h}, the pixels are {}×{}",
                decoded.width(),
                decoded.height()
            ));
        }
        convert(&decoded, tw, th, 3)
    };
    let (sx, sy) = (tw as f32 / w as f32, th as f32 / h as f32);
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
                boxes.push(LabeledBox {
                    class: b.class,
                    x0: (b.x0 * sx).clamp(0.0, tw as f32),
                    y0: (b.y0 * sy).clamp(0.0, th as f32),
                    x1: (b.x1 * sx).clamp(0.0, tw as f32),
                    y1: (b.y1 * sy).clamp(0.0, th as f32),
                });
                if let Some(p) = entry.polygons.as_ref().and_then(|p| p.get(i)) {
                    let scaled: Vec<Vec<f32>> = p
                        .iter()
                        .map(|poly| {
                            poly.chunks_exact(2)
                                .flat_map(|xy| [xy[0] * sx, xy[1] * sy])
                                .collect()
                        })
                        .collect();
                    polygons.push(scaled);
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
                .map(|(p, b)| coco::polygon_mask(p, b, tw, th))
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

/// Splits usable entries into (training, validation) indices: the folder's own split where
/// it has one, otherwise a seeded random `val_fraction` (at least one image on each side
/// when there are two or more). Training: the `Train` entries, then the unsplit ones kept
/// for training; validation likewise.
fn split(usable: &[Headed], val_fraction: f32, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let (mut train, mut val, mut unsplit) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (entry, _)) in usable.iter().enumerate() {
        match entry.split {
            Split::Train => train.push(i),
            Split::Val => val.push(i),
            Split::Unsplit => unsplit.push(i),
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
    for (i, v) in unsplit.into_iter().zip(is_val) {
        if v {
            val.push(i);
        } else {
            train.push(i);
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
        streamed: None,
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
