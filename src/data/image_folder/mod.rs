//! ImageFolder datasets: `DIR/<class>/<image>` or `DIR/train/<class>/<image>` +
//! `DIR/test/<class>/<image>` (`val/` or `valid/` also accepted instead of `test/`).
//!
//! Images are decoded in parallel, converted to grey or RGB and resized to one network
//! input size. Files that cannot be used (empty, corrupt, too large, not an image) are
//! left out and listed in [`ClassificationSet::skipped`] with the reason; they never stop
//! the whole load.

pub mod stream;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use image::{ColorType, DynamicImage, ImageDecoder, ImageReader, imageops::FilterType};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::data::orientation::{decode_oriented, oriented_size};
use crate::data::walk::{Walk, check_regular};
use crate::data::{ClassificationSet, DataError, Image, LabeledImage, Skipped};
use stream::StreamedImages;

/// File extensions (lower case) that are read as images.
pub const IMAGE_EXTENSIONS: [&str; 6] = ["png", "jpg", "jpeg", "bmp", "gif", "webp"];

/// Names of the held-out split folder accepted next to `train/`, in order of preference.
pub const TEST_FOLDER_NAMES: [&str; 3] = ["test", "val", "valid"];

/// Input side used when the images do not all share one small size.
pub const DEFAULT_IMAGE_SIZE: u32 = 32;

/// Largest side kept as-is when every image has the same size.
pub const MAX_NATIVE_SIZE: u32 = 64;

/// How deep class folders are searched for images (a class folder may hold sub-folders).
const MAX_DEPTH: usize = 8;

/// How an ImageFolder is read.
#[derive(Clone, Debug, PartialEq)]
pub struct FolderOptions {
    /// Side of the square network input; `None` takes it from the data (the common size
    /// when all images share one size with both sides ≤ 64, else 32).
    pub image_size: Option<u32>,
    /// Smallest side the network takes: an automatic size below it is scaled up to it,
    /// keeping the aspect ratio (28×28 digits become 32×32 for a network that needs 32).
    pub min_side: u32,
    /// Fraction of each class held out for validation when the folder has no
    /// `train/` + `test/` split. In `0.0..1.0`.
    pub val_fraction: f32,
    /// Seed of the train/validation split.
    pub seed: u64,
    /// Images with more pixels than this (read from the header, before decoding) are
    /// skipped.
    pub max_image_pixels: u64,
    /// Most bytes of decoded training pixels held in memory. `None`: all images are
    /// decoded up front. When the images at input size need more, the training split is
    /// streamed from disk ([`ClassificationSet::streamed`]) and only the validation split
    /// (at most half the budget of it) and a small sample are decoded.
    pub decode_budget: Option<u64>,
}

impl Default for FolderOptions {
    fn default() -> Self {
        FolderOptions {
            image_size: None,
            min_side: 1,
            val_fraction: 0.2,
            seed: 42,
            max_image_pixels: 100_000_000,
            decode_budget: None,
        }
    }
}

/// Which split a file belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Split {
    /// Decided later by the seeded stratified split.
    Auto,
    /// From `train/`.
    Train,
    /// From `test/`, `val/` or `valid/`.
    Val,
}

/// One image file found on disk.
#[derive(Clone, Debug)]
struct Entry {
    path: PathBuf,
    class: String,
    split: Split,
}

/// What the header says about an image.
#[derive(Clone, Copy, Debug)]
struct Header {
    width: u32,
    height: u32,
    grey: bool,
}

/// Reads an ImageFolder into memory.
///
/// `progress(done, total)` is called from the calling thread while images are decoded
/// (`total` is the number of image files found); it is called at least once at the start
/// and once at the end.
///
/// # Errors
/// [`DataError::UnreadableFolder`] when `dir` (or its `train/`/`test/` folder) cannot be
/// listed, [`DataError::Empty`] when no usable image is found in class sub-folders,
/// [`DataError::OneClass`] when only one class has images, and [`DataError::Invalid`] for
/// out-of-range options or when image files were found but none could be used (the
/// message names the first bad file and why). Bad files are not errors: they are listed in
/// [`ClassificationSet::skipped`].
pub fn load(
    dir: &Path,
    opts: &FolderOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ClassificationSet, DataError> {
    validate(opts)?;
    let mut skipped = Vec::new();
    let entries = scan(dir, &mut skipped)?;
    check_classes(dir, entries.iter().map(|e| e.class.as_str()))?;

    // Pass 1: headers only (size and colour type), cheap and parallel.
    let max_pixels = opts.max_image_pixels;
    let headers = par_map(
        &entries,
        |e| guarded(|| read_header(&e.path, max_pixels)),
        &mut |_, _| {},
    );

    let mut usable: Vec<(&Entry, Header)> = Vec::with_capacity(entries.len());
    for (entry, header) in entries.iter().zip(headers) {
        match header {
            Ok(h) => usable.push((entry, h)),
            Err(reason) => skipped.push(Skipped {
                path: entry.path.clone(),
                reason,
            }),
        }
    }

    let (width, height) = input_size(opts.image_size, usable.iter().map(|(_, h)| *h));
    let (width, height) = match opts.image_size {
        Some(_) => (width, height),
        None => at_least(width, height, opts.min_side),
    };
    let channels = if !usable.is_empty() && usable.iter().all(|(_, h)| h.grey) {
        1
    } else {
        3
    };

    let image_bytes = u64::from(width * height * channels);
    if let Some(budget) = opts.decode_budget
        && usable.len() as u64 * image_bytes > budget
    {
        let streamed = Streaming {
            width,
            height,
            channels,
            budget,
        };
        return streamed.load(dir, &usable, entries.len(), skipped, opts, progress);
    }

    // Pass 2: decode and resize, parallel, results in file order.
    let total = entries.len();
    let already = total - usable.len();
    progress(already, total);
    let decoded = par_map(
        &usable,
        |(e, _)| guarded(|| decode(&e.path, width, height, channels)),
        &mut |done, _| progress(already + done, total),
    );

    let mut kept: Vec<(&Entry, Image)> = Vec::with_capacity(usable.len());
    for ((entry, _), image) in usable.iter().zip(decoded) {
        match image {
            Ok(image) => kept.push((entry, image)),
            Err(reason) => skipped.push(Skipped {
                path: entry.path.clone(),
                reason,
            }),
        }
    }
    progress(total, total);

    if kept.is_empty()
        && let Some(first) = skipped.iter().find(|s| has_image_extension(&s.path))
    {
        return Err(DataError::Invalid(format!(
            "none of the {total} image files in {} could be used; for example {first}",
            dir.display()
        )));
    }
    // Classes: the sorted names of class folders that hold at least one usable image.
    check_classes(dir, kept.iter().map(|(e, _)| e.class.as_str()))?;
    let Labelled {
        classes,
        labels,
        is_val,
    } = label_and_split(kept.iter().map(|(e, _)| *e), opts);

    let mut train = Vec::new();
    let mut val = Vec::new();
    for (((_, image), label), v) in kept.into_iter().zip(labels).zip(is_val) {
        let item = LabeledImage { image, label };
        if v {
            val.push(item);
        } else {
            train.push(item);
        }
    }

    Ok(ClassificationSet {
        classes,
        channels,
        height,
        width,
        train,
        val,
        skipped,
        streamed: None,
    })
}

/// Class names, each entry's label, and which entries are held out for validation.
struct Labelled {
    classes: Vec<String>,
    labels: Vec<usize>,
    is_val: Vec<bool>,
}

/// Labels entries by their class folder (classes are the sorted folder names) and splits
/// them: `test/` entries are validation, `train/` entries training, and the others a
/// seeded stratified `val_fraction` of each class.
fn label_and_split<'a>(
    entries: impl Iterator<Item = &'a Entry> + Clone,
    opts: &FolderOptions,
) -> Labelled {
    let mut names: Vec<&str> = entries.clone().map(|e| e.class.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let class_index: BTreeMap<&str, usize> =
        names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let entries: Vec<&Entry> = entries.collect();
    let labels: Vec<usize> = entries
        .iter()
        .map(|e| class_index.get(e.class.as_str()).copied().unwrap_or(0))
        .collect();
    let auto: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].split == Split::Auto)
        .collect();
    let auto_labels: Vec<usize> = auto.iter().map(|&i| labels[i]).collect();
    let auto_val = stratified_split(&auto_labels, names.len(), opts.val_fraction, opts.seed);
    let mut is_val: Vec<bool> = entries.iter().map(|e| e.split == Split::Val).collect();
    for (&i, v) in auto.iter().zip(auto_val) {
        is_val[i] = v;
    }
    Labelled {
        classes: names.iter().map(|n| n.to_string()).collect(),
        labels,
        is_val,
    }
}

/// Reading a folder whose images do not fit the decode budget.
struct Streaming {
    width: u32,
    height: u32,
    channels: u32,
    budget: u64,
}

impl Streaming {
    /// Splits the usable files, decodes the validation split (at most half the budget of
    /// it, spread over the split) and a sample of the training split, and leaves the rest
    /// of the training split on disk.
    fn load(
        &self,
        dir: &Path,
        usable: &[(&Entry, Header)],
        total: usize,
        mut skipped: Vec<Skipped>,
        opts: &FolderOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ClassificationSet, DataError> {
        check_classes(dir, usable.iter().map(|(e, _)| e.class.as_str()))?;
        let Labelled {
            classes,
            labels,
            is_val,
        } = label_and_split(usable.iter().map(|(e, _)| *e), opts);

        let (val_at, train_at): (Vec<usize>, Vec<usize>) =
            (0..usable.len()).partition(|&i| is_val[i]);
        let image_bytes = u64::from(self.width * self.height * self.channels).max(1);
        let val_cap = ((self.budget / 2) / image_bytes).max(1) as usize;
        let val_at: Vec<usize> = spread_pick(&val_at, val_cap);
        let sample_at: Vec<usize> = spread_pick(&train_at, stream::SAMPLE_SIZE);
        let to_decode: Vec<(usize, &Entry)> = val_at
            .iter()
            .chain(&sample_at)
            .map(|&i| (i, usable[i].0))
            .collect();
        let already = total - to_decode.len();
        progress(already, total);
        let (w, h, c) = (self.width, self.height, self.channels);
        let decoded = par_map(
            &to_decode,
            |(_, e)| guarded(|| decode(&e.path, w, h, c)),
            &mut |done, _| progress(already + done, total),
        );
        progress(total, total);
        let mut val = Vec::with_capacity(val_at.len());
        let mut train = Vec::with_capacity(sample_at.len());
        for (n, ((i, entry), image)) in to_decode.into_iter().zip(decoded).enumerate() {
            match image {
                Ok(image) => {
                    let item = LabeledImage {
                        image,
                        label: labels[i],
                    };
                    if n < val_at.len() {
                        val.push(item);
                    } else {
                        train.push(item);
                    }
                }
                Err(reason) => skipped.push(Skipped {
                    path: entry.path.clone(),
                    reason,
                }),
            }
        }
        let files = train_at
            .iter()
            .map(|&i| (usable[i].0.path.clone(), labels[i]))
            .collect();
        Ok(ClassificationSet {
            classes,
            channels: self.channels,
            height: self.height,
            width: self.width,
            train,
            val,
            skipped,
            streamed: Some(std::sync::Arc::new(StreamedImages {
                files,
                width: self.width,
                height: self.height,
                channels: self.channels,
                budget: self.budget,
            })),
        })
    }
}

/// At most `k` of `items`, spread evenly over them (all when there are `k` or fewer).
fn spread_pick(items: &[usize], k: usize) -> Vec<usize> {
    if items.len() <= k {
        return items.to_vec();
    }
    (0..k).map(|i| items[i * items.len() / k]).collect()
}

/// Runs a per-file step, turning a decoder panic into a skip reason.
pub(crate) fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err("the image decoder failed on this file (internal error)".into()))
}

fn validate(opts: &FolderOptions) -> Result<(), DataError> {
    if !(0.0..1.0).contains(&opts.val_fraction) {
        return Err(DataError::Invalid(format!(
            "validation fraction {} is out of range: it must be at least 0 and below 1",
            opts.val_fraction
        )));
    }
    if let Some(s) = opts.image_size {
        crate::core::limits::check_image_size(s).map_err(|e| DataError::Invalid(e.to_string()))?;
    }
    Ok(())
}

/// Fails with `Empty` or `OneClass` unless at least two distinct class names occur.
fn check_classes<'a>(dir: &Path, names: impl Iterator<Item = &'a str>) -> Result<(), DataError> {
    let mut first: Option<&str> = None;
    for name in names {
        match first {
            None => first = Some(name),
            Some(f) if f != name => return Ok(()),
            Some(_) => {}
        }
    }
    match first {
        None => Err(DataError::Empty {
            path: dir.to_path_buf(),
        }),
        Some(class) => Err(DataError::OneClass {
            path: dir.to_path_buf(),
            class: class.to_string(),
        }),
    }
}

/// The network input size for the given image headers.
fn input_size(requested: Option<u32>, headers: impl Iterator<Item = Header>) -> (u32, u32) {
    if let Some(s) = requested {
        return (s, s);
    }
    let mut common: Option<(u32, u32)> = None;
    for h in headers {
        match common {
            None => common = Some((h.width, h.height)),
            Some(c) if c != (h.width, h.height) => {
                return (DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE);
            }
            Some(_) => {}
        }
    }
    match common {
        Some((w, h)) if w <= MAX_NATIVE_SIZE && h <= MAX_NATIVE_SIZE && w > 0 && h > 0 => (w, h),
        _ => (DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE),
    }
}

/// `(width, height)` scaled up so that its shorter side is at least `min_side`, keeping the
/// aspect ratio (rounded); unchanged when it already is.
fn at_least(width: u32, height: u32, min_side: u32) -> (u32, u32) {
    let short = width.min(height).max(1);
    if short >= min_side {
        return (width, height);
    }
    let scale = f64::from(min_side) / f64::from(short);
    let up = |side: u32| ((f64::from(side) * scale).round() as u32).max(min_side);
    (up(width), up(height))
}

/// An image file of an ImageFolder, as [`load`] finds it (not yet decoded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FolderFile {
    /// The file.
    pub path: PathBuf,
    /// Its class: the class folder's name.
    pub class: String,
    /// `Some(true)` in the held-out folder (`test/`, `val/`), `Some(false)` in `train/`,
    /// `None` where the seeded split decides: [`stratified_split`] over the labels of the
    /// usable files, in this order, as [`load`] does.
    pub held_out: Option<bool>,
}

/// Lists the image files of an ImageFolder in the order [`load`] reads them, without
/// decoding them, and what the walk left out.
///
/// # Errors
/// As [`load`]: [`DataError::UnreadableFolder`] naming a folder that cannot be listed, or
/// an inconsistent `train/` + `test/` split.
pub fn list_files(dir: &Path) -> Result<(Vec<FolderFile>, Vec<Skipped>), DataError> {
    let mut skipped = Vec::new();
    let files = scan(dir, &mut skipped)?
        .into_iter()
        .map(|e| FolderFile {
            held_out: match e.split {
                Split::Auto => None,
                Split::Train => Some(false),
                Split::Val => Some(true),
            },
            path: e.path,
            class: e.class,
        })
        .collect();
    Ok((files, skipped))
}

/// Whether a path has one of [`IMAGE_EXTENSIONS`] (any case).
pub fn has_image_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn unreadable(path: &Path, error: std::io::Error) -> DataError {
    DataError::UnreadableFolder {
        path: path.to_path_buf(),
        error,
    }
}

/// Finds the image files of an ImageFolder, in a deterministic order. Folders are entered
/// once and only regular files are taken ([`Walk`]); what the walk leaves out goes into
/// `skipped`.
fn scan(dir: &Path, skipped: &mut Vec<Skipped>) -> Result<Vec<Entry>, DataError> {
    let mut walk = Walk::new();
    walk.enter(dir);
    let dirs = walk.list(dir).map_err(|e| unreadable(dir, e))?.dirs;
    let named = |names: &[&str]| -> Option<PathBuf> {
        names.iter().find_map(|n| {
            dirs.iter()
                .find(|d| {
                    d.file_name()
                        .and_then(|f| f.to_str())
                        .is_some_and(|f| f.eq_ignore_ascii_case(n))
                })
                .cloned()
        })
    };
    let train_dir = named(&["train"]);
    let test_dir = named(&TEST_FOLDER_NAMES);

    let mut entries = Vec::new();
    match (train_dir, test_dir) {
        (Some(train), Some(test)) => {
            // Both claimed first: a link from one into the other is not followed.
            walk.enter(&train);
            walk.enter(&test);
            scan_classes(&train, Split::Train, &mut walk, &mut entries)?;
            scan_classes(&test, Split::Val, &mut walk, &mut entries)?;
            check_split_classes(&train, &test, &entries)?;
        }
        (Some(train), None) if dirs.len() == 1 => {
            // Only `train/`: split it like a single folder.
            scan_classes(&train, Split::Auto, &mut walk, &mut entries)?;
        }
        _ => scan_classes(dir, Split::Auto, &mut walk, &mut entries)?,
    }
    skipped.append(&mut walk.skipped);
    Ok(entries)
}

/// Fails when a class has images in one split folder and none in the other: a class only
/// in `test/` is one the model never trains on; a class only in `train/` is never
/// validated. (When the held-out folder has no images at all, nothing is compared.)
fn check_split_classes(train: &Path, test: &Path, entries: &[Entry]) -> Result<(), DataError> {
    let classes = |split: Split| -> std::collections::BTreeSet<&str> {
        entries
            .iter()
            .filter(|e| e.split == split)
            .map(|e| e.class.as_str())
            .collect()
    };
    let (in_train, in_test) = (classes(Split::Train), classes(Split::Val));
    if in_test.is_empty() {
        return Ok(());
    }
    if let Some(class) = in_test.difference(&in_train).next() {
        return Err(DataError::SplitClasses {
            class: class.to_string(),
            has: test.to_path_buf(),
            lacks: train.to_path_buf(),
            why: "the model would be tested on a class it never trains on; add training images of it or remove the folder",
        });
    }
    if let Some(class) = in_train.difference(&in_test).next() {
        return Err(DataError::SplitClasses {
            class: class.to_string(),
            has: train.to_path_buf(),
            lacks: test.to_path_buf(),
            why: "the class would never be validated; add held-out images of it or remove it from the training folder",
        });
    }
    Ok(())
}

/// Adds the images of every class sub-folder of `root`.
fn scan_classes(
    root: &Path,
    split: Split,
    walk: &mut Walk,
    entries: &mut Vec<Entry>,
) -> Result<(), DataError> {
    if !walk.enter(root) {
        return Ok(());
    }
    let listing = walk.list(root).map_err(|e| unreadable(root, e))?;
    for file in listing.files {
        if has_image_extension(&file) {
            walk.skipped.push(Skipped {
                path: file,
                reason: "image is not inside a class sub-folder; it has no label".into(),
            });
        }
    }
    // Every class folder is claimed before any is read: a link in one class folder to
    // another class folder does not take that class's images.
    for class_dir in walk.enter_all(listing.dirs) {
        let Some(class) = class_dir.file_name().and_then(|n| n.to_str()) else {
            walk.skipped.push(Skipped {
                path: class_dir.clone(),
                reason: "class folder name is not valid UTF-8".into(),
            });
            continue;
        };
        let class = class.to_string();
        collect_images(&class_dir, &class, split, 0, walk, entries);
    }
    Ok(())
}

/// Adds the images under one class folder, already entered (recursively, up to
/// [`MAX_DEPTH`]; each folder once).
fn collect_images(
    dir: &Path,
    class: &str,
    split: Split,
    depth: usize,
    walk: &mut Walk,
    entries: &mut Vec<Entry>,
) {
    let listing = match walk.list(dir) {
        Ok(listing) => listing,
        Err(e) => {
            walk.skipped.push(Skipped {
                path: dir.to_path_buf(),
                reason: format!("cannot read folder: {e}"),
            });
            return;
        }
    };
    for path in listing.files {
        if has_image_extension(&path) {
            entries.push(Entry {
                path,
                class: class.to_string(),
                split,
            });
        }
    }
    if depth < MAX_DEPTH {
        for sub in walk.enter_all(listing.dirs) {
            collect_images(&sub, class, split, depth + 1, walk, entries);
        }
    }
}

/// Opens an image file for reading: a regular file only (never a pipe or a device), not
/// empty.
pub(crate) fn open_reader(
    path: &Path,
) -> Result<ImageReader<std::io::BufReader<fs::File>>, String> {
    let meta = check_regular(path)?;
    if meta.len() == 0 {
        return Err("file is empty (0 bytes)".into());
    }
    ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| format!("cannot read file: {e}"))
}

fn is_grey(c: ColorType) -> bool {
    matches!(
        c,
        ColorType::L8 | ColorType::L16 | ColorType::La8 | ColorType::La16
    )
}

/// Reads size and colour type from the header, without decoding the pixels.
fn read_header(path: &Path, max_pixels: u64) -> Result<Header, String> {
    let reader = open_reader(path)?;
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("not a readable image: {e}"))?;
    let (width, height) = oriented_size(&mut decoder);
    let pixels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 {
        return Err(format!("image has no pixels ({width}×{height})"));
    }
    if pixels > max_pixels {
        return Err(format!(
            "image is too large: {width}×{height} = {pixels} pixels, more than the limit of {max_pixels}"
        ));
    }
    Ok(Header {
        width,
        height,
        grey: is_grey(decoder.color_type()),
    })
}

/// Decodes one image and converts it to the input size and channel count.
/// Decodes an image file and converts it to `channels` at `width`×`height` (the reason as
/// text when it cannot be).
pub(crate) fn decode_file(
    path: &Path,
    width: u32,
    height: u32,
    channels: u32,
) -> Result<Image, String> {
    guarded(|| decode(path, width, height, channels))
}

fn decode(path: &Path, width: u32, height: u32, channels: u32) -> Result<Image, String> {
    let reader = open_reader(path)?;
    let decoded = decode_oriented(reader).map_err(|e| format!("cannot decode image: {e}"))?;
    Ok(convert(&decoded, width, height, channels))
}

/// Reads one image file at network input size (for predicting on a single image).
///
/// # Errors
/// [`DataError::File`] naming the file when it is empty, not an image, corrupt or has
/// more than `max_pixels` pixels.
pub fn read_image(
    path: &Path,
    width: u32,
    height: u32,
    channels: u32,
    max_pixels: u64,
) -> Result<Image, DataError> {
    guarded(|| {
        read_header(path, max_pixels)?;
        decode(path, width, height, channels)
    })
    .map_err(|message| DataError::File {
        path: path.to_path_buf(),
        message,
    })
}

/// Converts a decoded image to `channels` (1 or 3) and resizes it (triangle filter).
pub fn convert(decoded: &DynamicImage, width: u32, height: u32, channels: u32) -> Image {
    let pixels = if channels == 1 {
        let grey = decoded.to_luma8();
        if grey.dimensions() == (width, height) {
            grey.into_raw()
        } else {
            image::imageops::resize(&grey, width, height, FilterType::Triangle).into_raw()
        }
    } else {
        let rgb = decoded.to_rgb8();
        if rgb.dimensions() == (width, height) {
            rgb.into_raw()
        } else {
            image::imageops::resize(&rgb, width, height, FilterType::Triangle).into_raw()
        }
    };
    Image {
        width,
        height,
        channels: if channels == 1 { 1 } else { 3 },
        pixels,
    }
}

/// Maps `f` over `items` on 2 to `available_parallelism` threads; results come back in
/// item order. `progress(done, total)` is called on the calling thread now and then.
pub(crate) fn par_map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(2, 32);
    par_map_threads(items, threads, f, progress)
}

/// [`par_map`] on at most `threads` threads (at least one), for steps whose memory must
/// stay bounded.
pub(crate) fn par_map_threads<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<R> {
    let total = items.len();
    if total == 0 {
        return Vec::new();
    }
    let threads = threads.clamp(1, total);
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<R>> = (0..total).map(|_| None).collect();
    let step = (total / 100).max(1);
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, R)>();
        for _ in 0..threads {
            let tx = tx.clone();
            let next = &next;
            let f = &f;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    if tx.send((i, f(item))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut done = 0;
        for (i, r) in rx {
            results[i] = Some(r);
            done += 1;
            if done % step == 0 || done == total {
                progress(done, total);
            }
        }
    });
    // Every index below `total` is handed out exactly once; a worker only stops early
    // if it panicked, in which case the scope above has already re-raised the panic.
    results.into_iter().flatten().collect()
}

/// A seeded, per-class stratified split: `true` for the items held out for validation.
///
/// Each class with at least two items keeps at least one item on each side when
/// `val_fraction > 0`; the held-out count is `round(n * val_fraction)`. The result only
/// depends on the labels, the fraction and the seed.
pub fn stratified_split(
    labels: &[usize],
    num_classes: usize,
    val_fraction: f32,
    seed: u64,
) -> Vec<bool> {
    let mut out = vec![false; labels.len()];
    let fraction = if val_fraction.is_finite() {
        val_fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    if fraction <= 0.0 {
        return out;
    }
    let classes = num_classes.max(labels.iter().map(|&l| l + 1).max().unwrap_or(0));
    let mut per_class: Vec<Vec<usize>> = vec![Vec::new(); classes];
    for (i, &l) in labels.iter().enumerate() {
        per_class[l].push(i);
    }
    for (c, mut members) in per_class.into_iter().enumerate() {
        let n = members.len();
        if n < 2 {
            continue;
        }
        let mut n_val = ((n as f64) * f64::from(fraction)).round() as usize;
        n_val = n_val.clamp(1, n - 1);
        let class_seed = seed ^ (c as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut rng = StdRng::seed_from_u64(class_seed);
        members.shuffle(&mut rng);
        for &i in &members[..n_val] {
            out[i] = true;
        }
    }
    out
}

/// Writes an [`Image`] as a PNG file (grey or RGB), creating parent folders.
///
/// # Errors
/// [`DataError::File`] naming the file when it cannot be written, or when the pixel
/// buffer does not match the size.
pub fn save_png(path: &Path, image: &Image) -> Result<(), DataError> {
    let file_err = |message: String| DataError::File {
        path: path.to_path_buf(),
        message,
    };
    let color = match image.channels {
        1 => image::ExtendedColorType::L8,
        3 => image::ExtendedColorType::Rgb8,
        c => return Err(file_err(format!("cannot save an image with {c} channels"))),
    };
    let expected = image.width as usize * image.height as usize * image.channels as usize;
    if image.pixels.len() != expected {
        return Err(file_err(format!(
            "image buffer holds {} bytes, expected {expected} for {}×{}×{}",
            image.pixels.len(),
            image.width,
            image.height,
            image.channels
        )));
    }
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        fs::create_dir_all(parent).map_err(|e| DataError::File {
            path: parent.to_path_buf(),
            message: format!("cannot create folder: {e}"),
        })?;
    }
    image::save_buffer_with_format(
        path,
        &image.pixels,
        image.width,
        image.height,
        color,
        image::ImageFormat::Png,
    )
    .map_err(|e| file_err(format!("cannot write PNG: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(w: u32, h: u32) -> Header {
        Header {
            width: w,
            height: h,
            grey: false,
        }
    }

    #[test]
    fn input_size_rule() {
        assert_eq!(input_size(Some(20), [header(5, 5)].into_iter()), (20, 20));
        assert_eq!(
            input_size(None, [header(28, 28), header(28, 28)].into_iter()),
            (28, 28)
        );
        assert_eq!(
            input_size(None, [header(28, 28), header(30, 28)].into_iter()),
            (32, 32)
        );
        assert_eq!(input_size(None, [header(100, 100)].into_iter()), (32, 32));
        assert_eq!(input_size(None, [header(64, 48)].into_iter()), (64, 48));
        assert_eq!(input_size(None, std::iter::empty()), (32, 32));
    }

    #[test]
    fn automatic_size_is_raised_to_the_network_minimum() {
        assert_eq!(at_least(28, 28, 32), (32, 32));
        assert_eq!(at_least(28, 28, 16), (28, 28));
        assert_eq!(at_least(16, 24, 32), (32, 48));
        assert_eq!(at_least(64, 48, 32), (64, 48));
        assert_eq!(at_least(0, 0, 8), (8, 8));
    }

    #[test]
    fn split_is_stratified_and_deterministic() {
        let labels: Vec<usize> = (0..100).map(|i| i % 3).collect();
        let a = stratified_split(&labels, 3, 0.2, 1);
        let b = stratified_split(&labels, 3, 0.2, 1);
        assert_eq!(a, b);
        for c in 0..3 {
            let n = labels.iter().filter(|&&l| l == c).count();
            let v = (0..100).filter(|&i| labels[i] == c && a[i]).count();
            assert_eq!(v, ((n as f64) * 0.2).round() as usize);
        }
        let other = stratified_split(&labels, 3, 0.2, 2);
        assert_ne!(a, other);
        assert!(stratified_split(&labels, 3, 0.0, 1).iter().all(|v| !v));
        // Tiny classes keep one image on each side.
        let tiny = stratified_split(&[0, 0, 1, 1, 2], 3, 0.01, 0);
        assert_eq!(tiny.iter().filter(|&&v| v).count(), 2);
    }

    #[test]
    fn par_map_keeps_order_and_reports_progress() {
        let items: Vec<usize> = (0..1000).collect();
        let mut calls = Vec::new();
        let out = par_map(&items, |x| x * 2, &mut |d, t| calls.push((d, t)));
        assert_eq!(out, (0..1000).map(|x| x * 2).collect::<Vec<_>>());
        assert_eq!(calls.last(), Some(&(1000, 1000)));
        assert!(calls.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn extensions_are_case_insensitive() {
        assert!(has_image_extension(Path::new("a/b.PNG")));
        assert!(has_image_extension(Path::new("a/b.JpEg")));
        assert!(!has_image_extension(Path::new("a/b.txt")));
        assert!(!has_image_extension(Path::new("a/png")));
    }

    #[test]
    fn read_single_image() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("one.png");
        image::RgbImage::from_pixel(10, 6, image::Rgb([200, 10, 10]))
            .save(&path)
            .expect("save");
        let img = read_image(&path, 4, 4, 1, 1_000).expect("read");
        assert_eq!((img.width, img.height, img.channels), (4, 4, 1));
        assert_eq!(img.pixels.len(), 16);
        let err = read_image(&path, 4, 4, 3, 10).expect_err("too large");
        assert!(err.to_string().contains("one.png"), "{err}");
        let missing = read_image(&dir.path().join("no.png"), 4, 4, 3, 10);
        assert!(missing.is_err());
    }

    #[test]
    fn invalid_options_are_rejected() {
        let opts = FolderOptions {
            val_fraction: 1.5,
            ..FolderOptions::default()
        };
        let err = load(Path::new("/nonexistent"), &opts, &mut |_, _| {});
        assert!(matches!(err, Err(DataError::Invalid(_))));
    }
}
