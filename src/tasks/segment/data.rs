//! Segmentation datasets: images with per-pixel class masks.
//!
//! On disk: `DIR/images/<stem>.<ext>` and `DIR/masks/<stem>.png` (same stems), optionally
//! `DIR/classes.txt` (one class name a line, line 0 = class 0), or the same pair of folders
//! under `DIR/train/` and `DIR/val/` (or `test/`, `valid/`). A mask is a single-channel PNG
//! whose values are class indices, or a Pascal-VOC-style palette PNG (the palette index is
//! the class); colour (RGB) masks are read through the VOC colour map. The value
//! [`IGNORE`] (255) marks pixels that count for nothing (VOC's object outlines).
//!
//! Images are resized to the network input with a triangle filter; masks with
//! nearest-neighbour sampling, so class indices are never interpolated.

use std::collections::BTreeMap;
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use image::{GrayImage, ImageReader};

use crate::data::image_folder;
use crate::data::orientation::{decode_oriented, oriented_dimensions};

use crate::data::image_folder::par_map;

use crate::data::image_folder::save_png;

use crate::data::image_folder::stratified_split;
use crate::data::text::read_text;
use crate::data::walk::{Walk, check_regular};
use crate::data::{DataError, Image, Skipped, photo_scenes, shapes};

/// Mask value of pixels that are ignored by the loss and the metrics.
pub const IGNORE: u8 = 255;

/// Largest number of classes a mask can hold (indices 0..=254).
pub const MAX_CLASSES: usize = 255;

/// One image with its mask at network input size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaskedImage {
    /// The image.
    pub image: Image,
    /// `height * width` class indices, row-major; [`IGNORE`] for ignored pixels.
    pub mask: Vec<u8>,
    /// The file stem, to name predictions.
    pub name: String,
}

/// A segmentation dataset in memory.
#[derive(Clone, Debug)]
pub struct SegmentationSet {
    /// Class names; class 0 is the background.
    pub classes: Vec<String>,
    /// 1 (all images grey) or 3.
    pub channels: u32,
    /// Input height.
    pub height: u32,
    /// Input width.
    pub width: u32,
    /// Training pairs.
    pub train: Vec<MaskedImage>,
    /// Validation pairs.
    pub val: Vec<MaskedImage>,
    /// Files left out, each with the reason.
    pub skipped: Vec<Skipped>,
}

impl SegmentationSet {
    /// Number of images in `items` in which each class appears.
    pub fn image_counts(&self, items: &[MaskedImage]) -> Vec<usize> {
        let mut counts = vec![0; self.classes.len()];
        for item in items {
            let mut seen = vec![false; counts.len()];
            for &m in &item.mask {
                if let Some(s) = seen.get_mut(m as usize) {
                    *s = true;
                }
            }
            for (c, s) in counts.iter_mut().zip(seen) {
                *c += usize::from(s);
            }
        }
        counts
    }
}

/// How to read a segmentation folder.
#[derive(Clone, Debug, PartialEq)]
pub struct MaskFolderOptions {
    /// Resize to `size × size`; `None` keeps the images' common size (rounded down to a
    /// multiple of 8), or 64 × 64 when sizes differ.
    pub image_size: Option<u32>,
    /// Fraction held out for validation when there is no `val/` folder.
    pub val_fraction: f32,
    /// Seed of the split.
    pub seed: u64,
    /// Images with more pixels are skipped (decompression bombs).
    pub max_image_pixels: u64,
}

impl Default for MaskFolderOptions {
    fn default() -> Self {
        MaskFolderOptions {
            image_size: None,
            val_fraction: 0.2,
            seed: 42,
            max_image_pixels: 100_000_000,
        }
    }
}

/// Input side used when image sizes differ and none was asked for.
pub const DEFAULT_SIDE: u32 = 64;

/// Sides of segmentation inputs are rounded down to a multiple of this (the U-Net pools
/// three times).
pub const SIDE_MULTIPLE: u32 = 8;

/// A decoded mask at its file's own size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawMask {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height` class indices.
    pub values: Vec<u8>,
}

/// The Pascal VOC colour map: the colour of class `i` (bit-interleaved), `i` in 0..256.
pub fn voc_colour(index: u8) -> [u8; 3] {
    let (mut r, mut g, mut b) = (0u8, 0u8, 0u8);
    let mut c = index;
    for j in 0..8 {
        r |= (c & 1) << (7 - j);
        g |= ((c >> 1) & 1) << (7 - j);
        b |= ((c >> 2) & 1) << (7 - j);
        c >>= 3;
    }
    [r, g, b]
}

/// The whole VOC palette, 256 RGB triples.
pub fn voc_palette() -> Vec<u8> {
    (0..=255u8).flat_map(voc_colour).collect()
}

/// Reads a mask file: class indices of a grey or palette PNG (raw, not expanded), or a
/// colour image mapped through the VOC colour map.
///
/// # Errors
/// A message (without the path) when the file cannot be read or is not a mask.
pub fn read_mask(path: &Path, max_pixels: u64) -> Result<RawMask, String> {
    let meta = check_regular(path).map_err(|e| format!("mask: {e}"))?;
    if meta.len() == 0 {
        return Err("mask file is empty (0 bytes)".into());
    }
    let is_png = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("png"));
    let bytes = fs::read(path).map_err(|e| format!("cannot read mask: {e}"))?;
    if is_png {
        read_png_mask(&bytes, max_pixels)
    } else {
        read_other_mask(&bytes, max_pixels)
    }
}

/// The PNG file signature.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Reads a mask from the bytes of a file, like [`read_mask`]: a PNG (told by its
/// signature) keeps its raw indices, other formats are decoded by the image crate.
///
/// # Errors
/// A message when the bytes are not a mask.
pub fn read_mask_bytes(bytes: &[u8], max_pixels: u64) -> Result<RawMask, String> {
    if bytes.is_empty() {
        return Err("mask file is empty (0 bytes)".into());
    }
    if bytes.starts_with(PNG_SIGNATURE) {
        read_png_mask(bytes, max_pixels)
    } else {
        read_other_mask(bytes, max_pixels)
    }
}

fn read_png_mask(bytes: &[u8], max_pixels: u64) -> Result<RawMask, String> {
    use png::{BitDepth, ColorType, Transformations};
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    // Keep palette indices and grey values as they are; only unpack 1/2/4-bit rows.
    decoder.set_transformations(Transformations::IDENTITY);
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("not a readable PNG mask: {e}"))?;
    let (width, height, color, depth) = {
        let info = reader.info();
        (info.width, info.height, info.color_type, info.bit_depth)
    };
    check_size(width, height, max_pixels)?;
    let size = reader
        .output_buffer_size()
        .ok_or("PNG mask is too large to decode")?;
    let mut buf = vec![0u8; size];
    let out = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("cannot decode PNG mask: {e}"))?;
    let (w, h) = (width as usize, height as usize);
    let mut values = Vec::with_capacity(w * h);
    match (color, depth) {
        (ColorType::Grayscale | ColorType::Indexed, BitDepth::Eight) => {
            for row in buf.chunks(out.line_size).take(h) {
                values.extend_from_slice(&row[..w.min(row.len())]);
            }
        }
        (
            ColorType::Grayscale | ColorType::Indexed,
            BitDepth::One | BitDepth::Two | BitDepth::Four,
        ) => {
            let bits = depth as usize;
            let per_byte = 8 / bits;
            let mask = ((1u16 << bits) - 1) as u8;
            for row in buf.chunks(out.line_size).take(h) {
                for x in 0..w {
                    let byte = row.get(x / per_byte).copied().unwrap_or(0);
                    let shift = 8 - bits * (x % per_byte + 1);
                    values.push((byte >> shift) & mask);
                }
            }
        }
        (ColorType::Grayscale, BitDepth::Sixteen) => {
            for row in buf.chunks(out.line_size).take(h) {
                for px in row.chunks_exact(2).take(w) {
                    let v = u16::from_be_bytes([px[0], px[1]]);
                    let v = u8::try_from(v).map_err(|_| {
                        format!("16-bit mask value {v} is not a class index (0..=255)")
                    })?;
                    values.push(v);
                }
            }
        }
        (ColorType::Rgb | ColorType::Rgba, BitDepth::Eight) => {
            let channels = if color == ColorType::Rgb { 3 } else { 4 };
            let lookup = colour_lookup();
            for row in buf.chunks(out.line_size).take(h) {
                for px in row.chunks_exact(channels).take(w) {
                    values.push(colour_to_class(&lookup, [px[0], px[1], px[2]])?);
                }
            }
        }
        (color, depth) => {
            return Err(format!(
                "unsupported mask format {color:?} at {depth:?} bits: masks are grey or palette PNGs of class indices"
            ));
        }
    }
    if values.len() != w * h {
        return Err("PNG mask data is truncated".into());
    }
    Ok(RawMask {
        width,
        height,
        values,
    })
}

fn read_other_mask(bytes: &[u8], max_pixels: u64) -> Result<RawMask, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read mask: {e}"))?;
    let (width, height) =
        oriented_dimensions(reader).map_err(|e| format!("not a readable mask image: {e}"))?;
    check_size(width, height, max_pixels)?;
    let decoded = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read mask: {e}"))
        .and_then(|r| decode_oriented(r).map_err(|e| format!("cannot decode mask: {e}")))?;
    let values = if decoded.color().has_color() {
        let lookup = colour_lookup();
        decoded
            .to_rgb8()
            .pixels()
            .map(|p| colour_to_class(&lookup, p.0))
            .collect::<Result<Vec<u8>, String>>()?
    } else {
        decoded.to_luma8().into_raw()
    };
    Ok(RawMask {
        width,
        height,
        values,
    })
}

fn check_size(width: u32, height: u32, max_pixels: u64) -> Result<(), String> {
    if width == 0 || height == 0 {
        return Err(format!("mask has no pixels ({width}×{height})"));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > max_pixels {
        return Err(format!(
            "mask is too large: {width}×{height} = {pixels} pixels, more than the limit of {max_pixels}"
        ));
    }
    Ok(())
}

fn colour_lookup() -> BTreeMap<[u8; 3], u8> {
    let mut map: BTreeMap<[u8; 3], u8> = (0..=255u8).map(|i| (voc_colour(i), i)).collect();
    // VOC draws ignored outlines in this cream colour.
    map.insert([224, 224, 192], IGNORE);
    map
}

fn colour_to_class(lookup: &BTreeMap<[u8; 3], u8>, rgb: [u8; 3]) -> Result<u8, String> {
    lookup.get(&rgb).copied().ok_or_else(|| {
        format!(
            "colour mask pixel ({}, {}, {}) is not a Pascal VOC class colour",
            rgb[0], rgb[1], rgb[2]
        )
    })
}

/// Resizes a mask with nearest-neighbour sampling (class indices are never mixed).
pub fn resize_mask(mask: &RawMask, width: u32, height: u32) -> Vec<u8> {
    if mask.width == width && mask.height == height {
        return mask.values.clone();
    }
    match GrayImage::from_raw(mask.width, mask.height, mask.values.clone()) {
        Some(grey) => image::imageops::resize(&grey, width, height, FilterType::Nearest).into_raw(),
        None => vec![IGNORE; width as usize * height as usize],
    }
}

/// Which split a pair belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Split {
    Auto,
    Train,
    Val,
}

/// An image file and its mask file.
#[derive(Clone, Debug)]
struct Pair {
    image: PathBuf,
    mask: PathBuf,
    stem: String,
    split: Split,
}

const VAL_FOLDER_NAMES: [&str; 3] = ["val", "valid", "test"];

/// Reads `classes.txt` beside the folders: one non-empty name a line.
fn read_classes(dir: &Path) -> Result<Option<Vec<String>>, DataError> {
    let path = dir.join("classes.txt");
    if !path.exists() {
        return Ok(None);
    }
    let text = read_text(&path).map_err(|e| DataError::File {
        path: path.clone(),
        message: format!("cannot read the class list: {e}"),
    })?;
    let names: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    if names.len() < 2 {
        return Err(DataError::File {
            path,
            message: format!(
                "the class list names {} class(es); segmentation needs at least 2 (background and one more)",
                names.len()
            ),
        });
    }
    if names.len() > MAX_CLASSES {
        return Err(DataError::File {
            path,
            message: format!(
                "the class list names {} classes; masks hold at most {MAX_CLASSES}",
                names.len()
            ),
        });
    }
    Ok(Some(names))
}

fn sub_dir(dir: &Path, names: &[&str]) -> Option<PathBuf> {
    let listing = fs::read_dir(dir).ok()?;
    let mut found: Vec<PathBuf> = listing
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| names.iter().any(|x| x.eq_ignore_ascii_case(n)))
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

fn stem_of(path: &Path) -> Option<String> {
    path.file_stem().and_then(|s| s.to_str()).map(String::from)
}

/// Pairs `root/images/*` with `root/masks/*` by file stem; unpaired files are skipped.
fn pair_files(
    root: &Path,
    split: Split,
    walk: &mut Walk,
    pairs: &mut Vec<Pair>,
    skipped: &mut Vec<Skipped>,
) -> Result<Found, DataError> {
    let images = sub_dir(root, &["images", "JPEGImages"]);
    let masks = sub_dir(root, &["masks", "SegmentationClass", "labels"]);
    let (images, masks) = match (images, masks) {
        (Some(i), Some(m)) => (i, m),
        (None, None) => return Ok(Found::Neither),
        (Some(i), None) => return Ok(Found::Missing(i, root.join("masks"))),
        (None, Some(m)) => return Ok(Found::Missing(m, root.join("images"))),
    };
    let mut files = |dir: &Path| -> Result<BTreeMap<String, PathBuf>, DataError> {
        let mut out = BTreeMap::new();
        if !walk.enter(dir) {
            return Ok(out);
        }
        let listing = walk
            .list(dir)
            .map_err(|error| DataError::UnreadableFolder {
                path: dir.to_path_buf(),
                error,
            })?;
        for path in listing.files {
            if !image_folder::has_image_extension(&path) {
                continue;
            }
            if let Some(stem) = stem_of(&path) {
                out.insert(stem, path);
            }
        }
        Ok(out)
    };
    let image_files = files(&images)?;
    let mut mask_files = files(&masks)?;
    for (stem, image) in image_files {
        match mask_files.remove(&stem) {
            Some(mask) => pairs.push(Pair {
                image,
                mask,
                stem,
                split,
            }),
            None => skipped.push(Skipped {
                reason: format!(
                    "image has no mask (expected {}/{stem}.png)",
                    masks.display()
                ),
                path: image,
            }),
        }
    }
    for (stem, mask) in mask_files {
        skipped.push(Skipped {
            reason: format!("mask has no image (no {}/{stem}.*)", images.display()),
            path: mask,
        });
    }
    Ok(Found::Pair)
}

/// What [`pair_files`] found in a folder.
enum Found {
    /// Both `images/` and `masks/`.
    Pair,
    /// Neither.
    Neither,
    /// One of them (`.0`) without the other (`.1`, where it was expected).
    Missing(PathBuf, PathBuf),
}

fn validate(opts: &MaskFolderOptions) -> Result<(), DataError> {
    if !(0.0..1.0).contains(&opts.val_fraction) {
        return Err(DataError::Invalid(format!(
            "validation fraction {} is out of range: it must be at least 0 and below 1",
            opts.val_fraction
        )));
    }
    let max = crate::core::limits::MAX_INPUT_SIDE;
    if let Some(s) = opts.image_size
        && !(SIDE_MULTIPLE..=max).contains(&s)
    {
        return Err(DataError::Invalid(format!(
            "--image-size {s} is out of range for segmentation: it must be between {SIDE_MULTIPLE} and {max} pixels"
        )));
    }
    Ok(())
}

/// A decoded pair before the class list is known.
struct Decoded {
    image: Image,
    mask: Vec<u8>,
    stem: String,
    split: Split,
    mask_path: PathBuf,
}

/// Reads a segmentation folder into memory. Pairs with a problem (unreadable image or
/// mask, sizes that differ, a value outside the class list, a file without its partner)
/// are skipped and listed in [`SegmentationSet::skipped`], never fatal.
///
/// # Errors
/// [`DataError`] naming the folder when it cannot be read, has no `images/` + `masks/`
/// folders, no usable pair, or a bad `classes.txt`.
pub fn load(
    dir: &Path,
    opts: &MaskFolderOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<SegmentationSet, DataError> {
    validate(opts)?;
    fs::read_dir(dir).map_err(|error| DataError::UnreadableFolder {
        path: dir.to_path_buf(),
        error,
    })?;
    let declared = read_classes(dir)?;
    let mut pairs = Vec::new();
    let mut skipped = Vec::new();
    let mut walk = Walk::new();
    let train_dir = sub_dir(dir, &["train"]);
    let val_dir = sub_dir(dir, &VAL_FOLDER_NAMES);
    let found = match (train_dir, val_dir) {
        (Some(train), Some(val)) => {
            let t = pair_files(&train, Split::Train, &mut walk, &mut pairs, &mut skipped)?;
            let v = pair_files(&val, Split::Val, &mut walk, &mut pairs, &mut skipped)?;
            match (t, v) {
                (Found::Pair, Found::Pair) => Found::Pair,
                (Found::Missing(a, b), _) | (_, Found::Missing(a, b)) => Found::Missing(a, b),
                (Found::Neither, _) => Found::Missing(train.clone(), train.join("images")),
                (_, Found::Neither) => Found::Missing(val.clone(), val.join("images")),
            }
        }
        _ => pair_files(dir, Split::Auto, &mut walk, &mut pairs, &mut skipped)?,
    };
    skipped.append(&mut walk.skipped);
    match found {
        Found::Pair => {}
        Found::Neither => {
            return Err(DataError::File {
                path: dir.to_path_buf(),
                message:
                    "expected images/ and masks/ folders (or train/ and val/ each holding them)"
                        .into(),
            });
        }
        Found::Missing(present, missing) => {
            return Err(DataError::File {
                path: missing,
                message: format!(
                    "is missing: {} needs its partner folder (images/ and masks/ with the same file stems)",
                    present.display()
                ),
            });
        }
    }

    // Sizes from the headers (cheap), then decode in parallel.
    let max = opts.max_image_pixels;
    let sizes: Vec<Result<(u32, u32), String>> = par_map(
        &pairs,
        |p| {
            check_regular(&p.image)?;
            let reader = ImageReader::open(&p.image)
                .and_then(|r| r.with_guessed_format())
                .map_err(|e| format!("cannot read image: {e}"))?;
            let (w, h) =
                oriented_dimensions(reader).map_err(|e| format!("not a readable image: {e}"))?;
            check_size(w, h, max)?;
            Ok((w, h))
        },
        &mut |_, _| {},
    );
    let (width, height) = input_size(opts.image_size, sizes.iter().filter_map(|s| s.clone().ok()));
    let total = pairs.len();
    progress(0, total);
    let decoded: Vec<Result<Decoded, Skipped>> = par_map(
        &pairs,
        |p| decode_pair(p, width, height, max),
        &mut |done, total| progress(done, total),
    );
    progress(total, total);

    let mut kept = Vec::new();
    for d in decoded {
        match d {
            Ok(d) => kept.push(d),
            Err(s) => skipped.push(s),
        }
    }
    let classes = match declared {
        Some(names) => names,
        None => {
            let top = kept
                .iter()
                .flat_map(|d| d.mask.iter().copied())
                .filter(|&v| v != IGNORE)
                .max()
                .unwrap_or(0);
            let n = (top as usize + 1).max(2);
            (0..n)
                .map(|i| {
                    if i == 0 {
                        "background".to_string()
                    } else {
                        format!("class {i}")
                    }
                })
                .collect()
        }
    };
    let mut checked = Vec::with_capacity(kept.len());
    for d in kept {
        match d
            .mask
            .iter()
            .find(|&&v| v != IGNORE && v as usize >= classes.len())
        {
            Some(&bad) => skipped.push(Skipped {
                path: d.mask_path,
                reason: format!(
                    "mask value {bad} is outside the class list (0..={}, or 255 to ignore)",
                    classes.len() - 1
                ),
            }),
            None => checked.push(d),
        }
    }
    if checked.is_empty() {
        let why = skipped
            .first()
            .map(|s| format!(": first problem: {s}"))
            .unwrap_or_default();
        return Err(DataError::File {
            path: dir.to_path_buf(),
            message: format!("no usable image + mask pair{why}"),
        });
    }
    let channels = if checked.iter().all(|d| d.image.channels == 1) {
        1
    } else {
        3
    };
    let auto: Vec<usize> = (0..checked.len())
        .filter(|&i| checked[i].split == Split::Auto)
        .collect();
    // Auto pairs are split with a seeded shuffle (one "class" for the stratified split).
    let is_val_auto = stratified_split(&vec![0; auto.len()], 1, opts.val_fraction, opts.seed);
    let mut is_val = vec![false; checked.len()];
    for (k, &i) in auto.iter().enumerate() {
        is_val[i] = is_val_auto[k];
    }
    let mut train = Vec::new();
    let mut val = Vec::new();
    for (i, d) in checked.into_iter().enumerate() {
        let to_val = match d.split {
            Split::Train => false,
            Split::Val => true,
            Split::Auto => is_val[i],
        };
        let image = if channels == 3 && d.image.channels == 1 {
            grey_to_rgb(d.image)
        } else {
            d.image
        };
        let item = MaskedImage {
            image,
            mask: d.mask,
            name: d.stem,
        };
        if to_val {
            val.push(item)
        } else {
            train.push(item)
        }
    }
    if train.is_empty() {
        return Err(DataError::File {
            path: dir.to_path_buf(),
            message: "no training pairs (all usable pairs are in the validation split)".into(),
        });
    }
    Ok(SegmentationSet {
        classes,
        channels,
        height,
        width,
        train,
        val,
        skipped,
    })
}

fn grey_to_rgb(image: Image) -> Image {
    Image {
        width: image.width,
        height: image.height,
        channels: 3,
        pixels: image.pixels.iter().flat_map(|&v| [v, v, v]).collect(),
    }
}

/// The network input size: the requested side, else the common size of the images rounded
/// down to a multiple of 8, else [`DEFAULT_SIDE`].
fn input_size(requested: Option<u32>, sizes: impl Iterator<Item = (u32, u32)>) -> (u32, u32) {
    if let Some(s) = requested {
        let s = (s / SIDE_MULTIPLE).max(1) * SIDE_MULTIPLE;
        return (s, s);
    }
    let mut common: Option<(u32, u32)> = None;
    for size in sizes {
        match common {
            None => common = Some(size),
            Some(c) if c != size => return (DEFAULT_SIDE, DEFAULT_SIDE),
            Some(_) => {}
        }
    }
    let round = |v: u32| ((v / SIDE_MULTIPLE).max(1) * SIDE_MULTIPLE).min(1024);
    match common {
        Some((w, h)) => (round(w), round(h)),
        None => (DEFAULT_SIDE, DEFAULT_SIDE),
    }
}

fn decode_pair(p: &Pair, width: u32, height: u32, max: u64) -> Result<Decoded, Skipped> {
    let skip = |path: &Path, reason: String| Skipped {
        path: path.to_path_buf(),
        reason,
    };
    let guarded = |f: &dyn Fn() -> Result<Decoded, Skipped>| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
            Err(skip(
                &p.image,
                "the decoder failed on this pair (internal error)".into(),
            ))
        })
    };
    guarded(&|| {
        check_regular(&p.image).map_err(|e| skip(&p.image, e))?;
        let decoded = ImageReader::open(&p.image)
            .and_then(|r| r.with_guessed_format())
            .map_err(|e| skip(&p.image, format!("cannot read image: {e}")))
            .and_then(|r| {
                decode_oriented(r).map_err(|e| skip(&p.image, format!("cannot decode image: {e}")))
            })?;
        let (iw, ih) = (decoded.width(), decoded.height());
        check_size(iw, ih, max).map_err(|e| skip(&p.image, e))?;
        let raw = read_mask(&p.mask, max).map_err(|e| skip(&p.mask, e))?;
        if (raw.width, raw.height) != (iw, ih) {
            return Err(skip(
                &p.mask,
                format!(
                    "mask is {}×{} but its image {} is {iw}×{ih}",
                    raw.width,
                    raw.height,
                    p.image.display()
                ),
            ));
        }
        let grey = matches!(
            decoded.color(),
            image::ColorType::L8 | image::ColorType::L16 | image::ColorType::La8
        );
        let image = image_folder::convert(&decoded, width, height, if grey { 1 } else { 3 });
        Ok(Decoded {
            image,
            mask: resize_mask(&raw, width, height),
            stem: p.stem.clone(),
            split: p.split,
            mask_path: p.mask.clone(),
        })
    })
}

/// Writes a mask as an 8-bit palette PNG (VOC colours; pixel values are the class indices),
/// atomically.
///
/// # Errors
/// [`DataError::File`] naming the file.
pub fn save_mask_png(path: &Path, width: u32, height: u32, mask: &[u8]) -> Result<(), DataError> {
    let err = |message: String| DataError::File {
        path: path.to_path_buf(),
        message,
    };
    if mask.len() != width as usize * height as usize {
        return Err(err(format!(
            "mask has {} values for {width}×{height} pixels",
            mask.len()
        )));
    }
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(voc_palette());
        let mut writer = encoder
            .write_header()
            .map_err(|e| err(format!("cannot encode mask: {e}")))?;
        writer
            .write_image_data(mask)
            .map_err(|e| err(format!("cannot encode mask: {e}")))?;
        writer
            .finish()
            .map_err(|e| err(format!("cannot encode mask: {e}")))?;
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| err(format!("cannot create folder: {e}")))?;
    }
    crate::core::files::write_atomic(path, &bytes).map_err(|e| err(e.to_string()))
}

/// The built-in shapes as a segmentation set: class 0 background, then the shapes.
pub fn shapes_set(count: usize, size: u32, seed: u64, val_fraction: f32) -> SegmentationSet {
    let samples = shapes::generate(count, size, seed);
    let labels: Vec<usize> = samples.iter().map(|s| s.class).collect();
    let is_val = stratified_split(&labels, shapes::CLASSES.len(), val_fraction, seed);
    let mut train = Vec::new();
    let mut val = Vec::new();
    for (i, (s, v)) in samples.into_iter().zip(is_val).enumerate() {
        let item = MaskedImage {
            image: s.image,
            mask: s.mask,
            name: format!("{i:05}"),
        };
        if v { val.push(item) } else { train.push(item) }
    }
    SegmentationSet {
        classes: shapes_classes(),
        channels: 3,
        height: size,
        width: size,
        train,
        val,
        skipped: Vec::new(),
    }
}

/// Class names of the shapes segmentation set: "background" then the shapes.
pub fn shapes_classes() -> Vec<String> {
    std::iter::once("background")
        .chain(shapes::CLASSES)
        .map(String::from)
        .collect()
}

/// Writes `count` shapes as a segmentation folder: `DIR/images/NNNNN.png`,
/// `DIR/masks/NNNNN.png` (palette PNG of class indices) and `DIR/classes.txt`. Returns the
/// number of pairs written.
///
/// # Errors
/// [`DataError::Invalid`] for a size outside 8..=1024, [`DataError::File`] naming the file
/// that could not be written.
pub fn write_shapes(dir: &Path, count: usize, size: u32, seed: u64) -> Result<usize, DataError> {
    if !(8..=1024).contains(&size) {
        return Err(DataError::Invalid(format!(
            "shape image size {size} is out of range: it must be between 8 and 1024 pixels"
        )));
    }
    fs::create_dir_all(dir).map_err(|e| DataError::File {
        path: dir.to_path_buf(),
        message: format!("cannot create folder: {e}"),
    })?;
    let classes = shapes_classes().join("\n") + "\n";
    let list = dir.join("classes.txt");
    crate::core::files::write_atomic(&list, classes.as_bytes()).map_err(|e| DataError::File {
        path: list.clone(),
        message: e.to_string(),
    })?;
    const CHUNK: usize = 256;
    let mut written = 0;
    for start in (0..count).step_by(CHUNK) {
        let indices: Vec<usize> = (start..(start + CHUNK).min(count)).collect();
        let samples = par_map(&indices, |&i| shapes::sample(i, size, seed), &mut |_, _| {});
        for (i, s) in indices.into_iter().zip(samples) {
            save_png(&dir.join("images").join(format!("{i:05}.png")), &s.image)?;
            save_mask_png(
                &dir.join("masks").join(format!("{i:05}.png")),
                size,
                size,
                &s.mask,
            )?;
            written += 1;
        }
    }
    Ok(written)
}

/// Class names of the real-photo scenes as a segmentation set: "background" then the
/// object classes of [`photo_scenes::CLASSES`].
pub fn photo_classes() -> Vec<String> {
    std::iter::once("background")
        .chain(photo_scenes::CLASSES)
        .map(String::from)
        .collect()
}

/// Writes `count` real-photo scenes ([`photo_scenes`], `size × size`, seeded) as a
/// segmentation folder: `DIR/classes.txt` and, for the training and the validation scenes
/// (the last `val_fraction`, made from their own coins and background pixels),
/// `DIR/train/images/photo_NNNNN.png` + `DIR/train/masks/photo_NNNNN.png` and the same
/// under `DIR/val/`, so [`load`] keeps that split (with no validation scene, `images/` and
/// `masks/` at the top). Masks are palette PNGs of class indices. Returns the numbers of
/// training and validation pairs written.
///
/// # Errors
/// [`DataError::Invalid`] for a request out of range ([`photo_scenes::check_request`]),
/// [`DataError::File`] naming the file that could not be written.
pub fn write_photos(
    dir: &Path,
    photos: &photo_scenes::Photos,
    count: usize,
    size: u32,
    seed: u64,
    val_fraction: f32,
) -> Result<(usize, usize), DataError> {
    photo_scenes::check_request(count, size, val_fraction)
        .map_err(|e| DataError::Invalid(e.to_string()))?;
    fs::create_dir_all(dir).map_err(|e| DataError::File {
        path: dir.to_path_buf(),
        message: format!("cannot create folder: {e}"),
    })?;
    let classes = photo_classes().join("\n") + "\n";
    let list = dir.join("classes.txt");
    crate::core::files::write_atomic(&list, classes.as_bytes()).map_err(|e| DataError::File {
        path: list.clone(),
        message: e.to_string(),
    })?;
    let split_folders = photo_scenes::val_count(count, val_fraction) > 0;
    const CHUNK: usize = 64;
    let mut written = (0, 0);
    for start in (0..count).step_by(CHUNK) {
        let end = (start + CHUNK).min(count);
        for scene in photo_scenes::scenes(photos, start..end, count, size, seed, val_fraction) {
            let root = match (split_folders, scene.split) {
                (false, _) => dir.to_path_buf(),
                (true, photo_scenes::PhotoSplit::Train) => dir.join("train"),
                (true, photo_scenes::PhotoSplit::Val) => dir.join("val"),
            };
            let file = format!("{}.png", scene.name);
            save_png(&root.join("images").join(&file), &scene.image)?;
            save_mask_png(
                &root.join("masks").join(&file),
                size,
                size,
                &scene.class_mask(),
            )?;
            match scene.split {
                photo_scenes::PhotoSplit::Train => written.0 += 1,
                photo_scenes::PhotoSplit::Val => written.1 += 1,
            }
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voc_colours_match_the_published_map() {
        assert_eq!(voc_colour(0), [0, 0, 0]);
        assert_eq!(voc_colour(1), [128, 0, 0]);
        assert_eq!(voc_colour(2), [0, 128, 0]);
        assert_eq!(voc_colour(3), [128, 128, 0]);
        assert_eq!(voc_colour(15), [192, 128, 128]); // person
        assert_eq!(voc_colour(20), [0, 64, 128]); // tv/monitor
    }

    #[test]
    fn nearest_resize_never_invents_classes() {
        let raw = RawMask {
            width: 4,
            height: 2,
            values: vec![0, 1, 2, 3, 3, 2, 1, 255],
        };
        let out = resize_mask(&raw, 7, 5);
        assert_eq!(out.len(), 35);
        assert!(out.iter().all(|v| [0, 1, 2, 3, 255].contains(v)));
        assert_eq!(resize_mask(&raw, 4, 2), raw.values);
    }

    #[test]
    fn input_size_rounds_to_multiples_of_eight() {
        assert_eq!(input_size(Some(30), std::iter::empty()), (24, 24));
        assert_eq!(input_size(None, [(50, 35), (50, 35)].into_iter()), (48, 32));
        assert_eq!(input_size(None, [(50, 35), (20, 20)].into_iter()), (64, 64));
    }

    #[test]
    fn palette_masks_round_trip_their_indices() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.png");
        let mask = vec![0, 1, 2, 255, 20, 0];
        save_mask_png(&path, 3, 2, &mask).unwrap();
        let back = read_mask(&path, 1000).unwrap();
        assert_eq!((back.width, back.height), (3, 2));
        assert_eq!(back.values, mask);
    }
}
