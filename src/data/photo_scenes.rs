//! Real-photo scenes for detection and segmentation, made by cut-and-paste composition
//! ("Cut, Paste and Learn", Dwibedi et al. 2017): objects cut out of the bundled photos are
//! pasted at a random scale and place onto background crops of other photos, so the boxes,
//! the instance masks and the class masks are exact by construction.
//!
//! **Classes**, each cut out of one photo under `assets/images/` (provenance in
//! `assets/ASSETS.md`):
//! - `cat`: chelsea.png, the cat's head (an ellipse);
//! - `cup`: coffee.png, the cup and its saucer (two ellipses);
//! - `flower`: flower.jpg, the big dahlia (an ellipse);
//! - `quokka`: quokka.jpg, along the 39-point outline polygon of imgaug's
//!   `quokka_annotations.json` ([`QUOKKA_OUTLINE`]);
//! - `face`: astronaut.jpg, Eileen Collins's head (an ellipse);
//! - `motorcycle`: motorcycle_left.jpg, a polygon drawn by hand ([`MOTORCYCLE_OUTLINE`]);
//! - `coin`: coins.png, its 24 coins, each a circle ([`COINS`]).
//!
//! **Backgrounds**: square crops of random scale, flipped at random, of brick.png,
//! grass.png, gravel.png, camera.png, china.jpg, rocket.jpg and hubble_deep_field.jpg,
//! resized to the scene.
//!
//! **A scene**: a background crop of `size × size` with 1–[`MAX_OBJECTS`] objects, each of a
//! random class (and, for coins, a random coin), its longer side 20–60 % of the scene side,
//! its aspect jittered by ±15 %, flipped at random, its brightness, contrast and saturation
//! jittered (grey one time in seven), pasted with a hard edge at a random place inside the
//! scene. Later objects occlude earlier ones: an earlier instance mask loses the covered
//! pixels, and an object left with less than [`MIN_VISIBLE`] of its pasted pixels is taken
//! out of the scene altogether (its label and its remaining pixels, which show what lies
//! under it instead), so no unlabelled fragment is left. A box is the tight box of its
//! visible mask.
//!
//! **Training and validation scenes share no coin and no background pixel**: validation
//! uses coins 18–23 ([`VAL_COINS`]; training 0–17) and background crops from the right 40 %
//! of each background photo (training: the left [`TRAIN_SHARE`]), so validation measures
//! generalisation rather than memorised pixels. The other classes have one photo each and
//! appear on both sides.
//!
//! Deterministic: scene `i` depends only on `(seed, i, size)` and its split.

use std::ops::Range;
use std::path::{Path, PathBuf};

use image::imageops::{self, FilterType};
use image::{RgbImage, Rgba, RgbaImage};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::core::assets::{self, MissingAsset};
use crate::data::Image;
use crate::data::image_folder::{open_reader, par_map};
use crate::data::orientation::decode_oriented;
use crate::data::shapes::{mask_bbox, mix};
use crate::data::stream;

/// Class names, in label order.
pub const CLASSES: [&str; 7] = [
    "cat",
    "cup",
    "flower",
    "quokka",
    "face",
    "motorcycle",
    "coin",
];

/// Index of `coin` in [`CLASSES`].
const COIN: usize = 6;

/// Most objects pasted into one scene.
pub const MAX_OBJECTS: usize = 4;

/// An object keeps its label while at least this share of its pasted pixels is visible.
pub const MIN_VISIBLE: f32 = 0.3;

/// The coins (indices into [`COINS`]) that only validation scenes use; training uses the
/// others.
pub const VAL_COINS: Range<usize> = 18..24;

/// Share of each background photo's width, from its left edge, that training crops come
/// from; validation crops come from the rest.
pub const TRAIN_SHARE: f32 = 0.6;

/// Default number of scenes `visionlab dataset photos` writes.
pub const DEFAULT_COUNT: usize = 600;

/// Default scene side in pixels.
pub const DEFAULT_SIZE: u32 = 320;

/// Smallest scene side: objects are at least a fifth of it.
pub const MIN_SIZE: u32 = 32;

/// Largest scene side.
pub const MAX_SIZE: u32 = crate::core::limits::MAX_INPUT_SIDE;

/// Most scenes one request makes.
pub const MAX_COUNT: usize = 100_000;

/// The photo every background is cropped from, relative to the assets folder.
pub const BACKGROUNDS: [&str; 7] = [
    "images/brick.png",
    "images/grass.png",
    "images/gravel.png",
    "images/camera.png",
    "images/china.jpg",
    "images/rocket.jpg",
    "images/hubble_deep_field.jpg",
];

/// The photo the coins are cut from.
const COINS_FILE: &str = "images/coins.png";

/// The size of coins.png, the pixels [`COINS`] is measured in.
const COINS_SIZE: (f32, f32) = (384.0, 303.0);

/// The 24 coins of coins.png as `[cx, cy, r]` in its pixels, row by row from the top left.
/// Measured once: the photo thresholded at 110, its connected components, the centre of
/// each one's extent and the 99th percentile of its pixels' distance from it, checked by
/// drawing the circles over the photo.
pub const COINS: [[f32; 3]; 24] = [
    [44.0, 52.0, 23.0],
    [100.0, 56.0, 19.0],
    [154.0, 50.0, 24.0],
    [216.0, 51.0, 24.0],
    [276.0, 52.0, 21.0],
    [334.0, 44.0, 29.0],
    [46.0, 124.0, 21.0],
    [102.0, 126.0, 19.0],
    [154.0, 127.0, 19.0],
    [206.0, 124.0, 20.0],
    [270.0, 120.0, 25.0],
    [336.0, 124.0, 19.0],
    [44.0, 197.0, 19.0],
    [102.0, 196.0, 22.0],
    [154.0, 198.0, 19.0],
    [212.0, 192.0, 24.0],
    [274.0, 194.0, 23.0],
    [347.0, 186.0, 32.0],
    [46.0, 260.0, 28.0],
    [114.0, 266.0, 21.0],
    [172.0, 262.0, 28.0],
    [244.0, 264.0, 24.0],
    [300.0, 264.0, 26.0],
    [358.0, 268.0, 22.0],
];

/// The quokka's outline in quokka.jpg's 960×643 pixels: the 39 points of `polygons[0]` in
/// `quokka_annotations.json` of PyPI imgaug 0.4.0 (`imgaug/quokka_annotations.json`),
/// copied unchanged.
pub const QUOKKA_OUTLINE: [[f32; 2]; 39] = [
    [422.0, 56.0],
    [435.0, 66.0],
    [435.0, 111.0],
    [435.0, 111.0],
    [422.0, 158.0],
    [451.0, 233.0],
    [468.0, 298.0],
    [474.0, 355.0],
    [474.0, 374.0],
    [515.0, 395.0],
    [541.0, 467.0],
    [548.0, 499.0],
    [547.0, 559.0],
    [532.0, 641.0],
    [235.0, 641.0],
    [208.0, 608.0],
    [188.0, 574.0],
    [177.0, 535.0],
    [159.0, 493.0],
    [151.0, 466.0],
    [154.0, 432.0],
    [155.0, 389.0],
    [147.0, 363.0],
    [143.0, 329.0],
    [145.0, 289.0],
    [170.0, 237.0],
    [181.0, 186.0],
    [182.0, 168.0],
    [163.0, 144.0],
    [154.0, 115.0],
    [155.0, 84.0],
    [172.0, 69.0],
    [205.0, 60.0],
    [244.0, 62.0],
    [279.0, 66.0],
    [307.0, 71.0],
    [345.0, 61.0],
    [375.0, 60.0],
    [403.0, 50.0],
];

/// The motorcycle's outline, drawn by hand in the 741×500 pixels of scikit-image's
/// motorcycle_left.png (the bundled JPEG is a 640×432 copy; outlines are scaled to the
/// file's own size): rear fender, seat, mirrors, headlamp, front wheel, engine, rear wheel.
pub const MOTORCYCLE_OUTLINE: [[f32; 2]; 38] = [
    [90.0, 198.0],
    [150.0, 155.0],
    [300.0, 180.0],
    [345.0, 165.0],
    [360.0, 150.0],
    [335.0, 115.0],
    [380.0, 118.0],
    [470.0, 140.0],
    [495.0, 100.0],
    [525.0, 85.0],
    [540.0, 120.0],
    [580.0, 125.0],
    [585.0, 150.0],
    [560.0, 190.0],
    [545.0, 215.0],
    [600.0, 265.0],
    [640.0, 285.0],
    [670.0, 320.0],
    [688.0, 370.0],
    [680.0, 410.0],
    [650.0, 440.0],
    [610.0, 452.0],
    [565.0, 440.0],
    [530.0, 410.0],
    [515.0, 370.0],
    [520.0, 330.0],
    [470.0, 360.0],
    [420.0, 380.0],
    [340.0, 380.0],
    [280.0, 370.0],
    [250.0, 395.0],
    [200.0, 402.0],
    [150.0, 385.0],
    [122.0, 340.0],
    [120.0, 290.0],
    [135.0, 250.0],
    [100.0, 235.0],
    [92.0, 215.0],
];

/// What is cut out of a photo, in the pixels of the photo it was measured on.
#[derive(Clone, Copy, Debug)]
enum Outline {
    /// The union of ellipses `[cx, cy, rx, ry]`.
    Ellipses(&'static [[f32; 4]]),
    /// A circle `[cx, cy, r]`.
    Circle([f32; 3]),
    /// A closed polygon of `[x, y]` points (even-odd rule).
    Polygon(&'static [[f32; 2]]),
}

impl Outline {
    /// Whether the point lies inside.
    fn contains(&self, x: f32, y: f32) -> bool {
        let in_ellipse = |[cx, cy, rx, ry]: [f32; 4]| {
            rx > 0.0 && ry > 0.0 && ((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2) <= 1.0
        };
        match self {
            Outline::Ellipses(all) => all.iter().any(|e| in_ellipse(*e)),
            Outline::Circle([cx, cy, r]) => in_ellipse([*cx, *cy, *r, *r]),
            Outline::Polygon(points) => {
                let mut inside = false;
                let Some(mut previous) = points.last().copied() else {
                    return false;
                };
                for &[xi, yi] in points.iter() {
                    let [xj, yj] = previous;
                    if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                        inside = !inside;
                    }
                    previous = [xi, yi];
                }
                inside
            }
        }
    }

    /// `[x0, y0, x1, y1]` around it.
    fn bounds(&self) -> [f32; 4] {
        let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
        let mut grow = |x0: f32, y0: f32, x1: f32, y1: f32| {
            b = [b[0].min(x0), b[1].min(y0), b[2].max(x1), b[3].max(y1)];
        };
        match self {
            Outline::Ellipses(all) => {
                for [cx, cy, rx, ry] in all.iter() {
                    grow(cx - rx, cy - ry, cx + rx, cy + ry);
                }
            }
            Outline::Circle([cx, cy, r]) => grow(cx - r, cy - r, cx + r, cy + r),
            Outline::Polygon(points) => {
                for [x, y] in points.iter() {
                    grow(*x, *y, *x, *y);
                }
            }
        }
        b
    }
}

/// An object class's photo and outline.
struct ObjectPhoto {
    /// Index into [`CLASSES`].
    class: usize,
    /// The photo, relative to the assets folder.
    file: &'static str,
    /// The photo's size when the outline was measured (the outline is scaled to the file).
    measured: (f32, f32),
    /// The cut.
    outline: Outline,
}

/// Every class but the coins (one photo each; the coins are [`COINS`]).
const OBJECT_PHOTOS: [ObjectPhoto; 6] = [
    ObjectPhoto {
        class: 0,
        file: "images/chelsea.png",
        measured: (451.0, 300.0),
        outline: Outline::Ellipses(&[[205.0, 160.0, 180.0, 140.0]]),
    },
    ObjectPhoto {
        class: 1,
        file: "images/coffee.png",
        measured: (600.0, 400.0),
        // The cup (top) and the saucer (bottom).
        outline: Outline::Ellipses(&[[290.0, 118.0, 122.0, 100.0], [280.0, 236.0, 206.0, 150.0]]),
    },
    ObjectPhoto {
        class: 2,
        file: "images/flower.jpg",
        measured: (640.0, 427.0),
        outline: Outline::Ellipses(&[[307.0, 222.0, 137.0, 137.0]]),
    },
    ObjectPhoto {
        class: 3,
        file: "images/quokka.jpg",
        measured: (960.0, 643.0),
        outline: Outline::Polygon(&QUOKKA_OUTLINE),
    },
    ObjectPhoto {
        class: 4,
        file: "images/astronaut.jpg",
        measured: (512.0, 512.0),
        outline: Outline::Ellipses(&[[226.0, 97.0, 74.0, 86.0]]),
    },
    ObjectPhoto {
        class: 5,
        file: "images/motorcycle_left.jpg",
        measured: (741.0, 500.0),
        outline: Outline::Polygon(&MOTORCYCLE_OUTLINE),
    },
];

/// Which side of the split a scene (or a cut-out) belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoSplit {
    /// Training.
    Train,
    /// Validation.
    Val,
}

/// One object cut out of a photo.
#[derive(Clone, Debug)]
pub struct Cutout {
    /// Index into [`CLASSES`].
    pub class: usize,
    /// The photo it comes from (relative to the assets folder).
    pub file: &'static str,
    /// For a coin, its index into [`COINS`].
    pub coin: Option<usize>,
    /// The only split that uses it; `None`: both.
    pub split: Option<PhotoSplit>,
    /// The photo's pixels in the outline's bounding box; alpha 255 inside the outline,
    /// 0 outside.
    pub pixels: RgbaImage,
}

impl Cutout {
    /// Whether scenes of `split` may use it.
    pub fn used_in(&self, split: PhotoSplit) -> bool {
        self.split.is_none_or(|s| s == split)
    }
}

/// The decoded photos scenes are made of: the cut-outs and the background photos.
#[derive(Clone, Debug)]
pub struct Photos {
    cutouts: Vec<Cutout>,
    backgrounds: Vec<RgbImage>,
}

/// Why the photos could not be read, or a request is out of range.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    /// A bundled photo is missing (the message names it and where it was looked for).
    #[error(transparent)]
    Missing(#[from] MissingAsset),
    /// A photo cannot be read or does not fit its outline.
    #[error("{path}: {message}")]
    File {
        /// The photo.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A setting is out of range (the message names it).
    #[error("{0}")]
    Invalid(String),
}

impl Photos {
    /// Reads the photos from the bundled assets ([`assets::find`]).
    ///
    /// # Errors
    /// [`PhotoError::Missing`] naming the first photo that is not there,
    /// [`PhotoError::File`] naming one that cannot be decoded.
    pub fn load() -> Result<Photos, PhotoError> {
        Photos::read(&|name| Ok(assets::find(name)?))
    }

    /// Reads the photos from an assets folder `dir` (`dir/images/...`).
    ///
    /// # Errors
    /// As [`Photos::load`]; a missing photo is a [`PhotoError::File`] naming its path.
    pub fn from_dir(dir: &Path) -> Result<Photos, PhotoError> {
        Photos::read(&|name| {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(PhotoError::File {
                    path,
                    message: "not found (the photo scenes are cut out of it)".into(),
                })
            }
        })
    }

    fn read(find: &dyn Fn(&str) -> Result<PathBuf, PhotoError>) -> Result<Photos, PhotoError> {
        let mut cutouts = Vec::new();
        for object in &OBJECT_PHOTOS {
            let path = find(object.file)?;
            let photo = decode(&path)?;
            cutouts.push(Cutout {
                class: object.class,
                file: object.file,
                coin: None,
                split: None,
                pixels: cut(&photo, object.measured, &object.outline, &path)?,
            });
        }
        let path = find(COINS_FILE)?;
        let photo = decode(&path)?;
        for (k, coin) in COINS.iter().enumerate() {
            cutouts.push(Cutout {
                class: COIN,
                file: COINS_FILE,
                coin: Some(k),
                split: Some(if VAL_COINS.contains(&k) {
                    PhotoSplit::Val
                } else {
                    PhotoSplit::Train
                }),
                pixels: cut(&photo, COINS_SIZE, &Outline::Circle(*coin), &path)?,
            });
        }
        let mut backgrounds = Vec::new();
        for name in BACKGROUNDS {
            let path = find(name)?;
            let photo = decode(&path)?;
            if photo.width() < 16 || photo.height() < 16 {
                return Err(PhotoError::File {
                    path,
                    message: format!(
                        "a background photo must be at least 16×16 pixels; this one is {}×{}",
                        photo.width(),
                        photo.height()
                    ),
                });
            }
            backgrounds.push(photo);
        }
        Ok(Photos {
            cutouts,
            backgrounds,
        })
    }

    /// The cut-outs: one per class but the coin, then the 24 coins in [`COINS`] order.
    pub fn cutouts(&self) -> &[Cutout] {
        &self.cutouts
    }

    /// Width and height of each background photo, in [`BACKGROUNDS`] order.
    pub fn background_sizes(&self) -> Vec<(u32, u32)> {
        self.backgrounds.iter().map(|b| b.dimensions()).collect()
    }
}

/// Decodes a photo as RGB, naming the file when it cannot.
fn decode(path: &Path) -> Result<RgbImage, PhotoError> {
    let fail = |message: String| PhotoError::File {
        path: path.to_path_buf(),
        message,
    };
    let reader = open_reader(path).map_err(fail)?;
    let decoded = decode_oriented(reader).map_err(|e| fail(format!("cannot decode: {e}")))?;
    Ok(decoded.to_rgb8())
}

/// The pixels of `photo` in `outline`'s bounding box (the outline measured on a photo of
/// `measured` size and scaled to this one), alpha 255 where a pixel's centre is inside.
fn cut(
    photo: &RgbImage,
    measured: (f32, f32),
    outline: &Outline,
    path: &Path,
) -> Result<RgbaImage, PhotoError> {
    let (w, h) = photo.dimensions();
    let (sx, sy) = (w as f32 / measured.0, h as f32 / measured.1);
    let [bx0, by0, bx1, by1] = outline.bounds();
    let x0 = (bx0 * sx).floor().clamp(0.0, w as f32) as u32;
    let y0 = (by0 * sy).floor().clamp(0.0, h as f32) as u32;
    let x1 = (bx1 * sx).ceil().clamp(0.0, w as f32) as u32;
    let y1 = (by1 * sy).ceil().clamp(0.0, h as f32) as u32;
    let mut out = RgbaImage::new(x1.saturating_sub(x0), y1.saturating_sub(y0));
    let mut inside = 0usize;
    for (x, y, p) in out.enumerate_pixels_mut() {
        let (px, py) = (x0 + x, y0 + y);
        let [r, g, b] = photo.get_pixel(px, py).0;
        let hit = outline.contains((px as f32 + 0.5) / sx, (py as f32 + 0.5) / sy);
        inside += usize::from(hit);
        *p = Rgba([r, g, b, if hit { 255 } else { 0 }]);
    }
    if inside == 0 {
        return Err(PhotoError::File {
            path: path.to_path_buf(),
            message: format!(
                "the outline cut out of this {w}×{h} photo holds no pixel (it was measured on a {}×{} photo)",
                measured.0, measured.1
            ),
        });
    }
    Ok(out)
}

/// The square a scene's background was cropped from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackgroundCrop {
    /// Index into [`BACKGROUNDS`].
    pub photo: usize,
    /// Left edge in the photo's pixels.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Side of the square.
    pub side: u32,
    /// Whether it was flipped left to right.
    pub flipped: bool,
}

/// One labelled object of a scene.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SceneObject {
    /// Index into [`CLASSES`].
    pub class: usize,
    /// Index into [`Photos::cutouts`].
    pub cutout: usize,
    /// `size * size` values, 1 where the object is visible.
    pub mask: Vec<u8>,
    /// `[x0, y0, x1, y1]` (ends exclusive): the tight box of `mask`.
    pub bbox: [u32; 4],
    /// Pixels it had when pasted, before later objects covered some.
    pub pasted: usize,
}

/// One composed scene.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoScene {
    /// `photo_NNNNN` (the scene index).
    pub name: String,
    /// Its split.
    pub split: PhotoSplit,
    /// The RGB image, `size × size`.
    pub image: Image,
    /// Where the background came from.
    pub background: BackgroundCrop,
    /// The visible objects, bottom first.
    pub objects: Vec<SceneObject>,
}

impl PhotoScene {
    /// The class mask: 0 for the background, `class + 1` where an object is visible.
    pub fn class_mask(&self) -> Vec<u8> {
        let n = self.image.width as usize * self.image.height as usize;
        let mut mask = vec![0u8; n];
        for o in &self.objects {
            for (m, &v) in mask.iter_mut().zip(&o.mask) {
                if v != 0 {
                    *m = o.class as u8 + 1;
                }
            }
        }
        mask
    }
}

/// Checks a request before any photo is read: `count` in 1..=[`MAX_COUNT`], `size` in
/// [`MIN_SIZE`]..=[`MAX_SIZE`], `val_fraction` at least 0 and below 1.
///
/// # Errors
/// [`PhotoError::Invalid`] naming `--count`, `--size` or `--val-fraction`.
pub fn check_request(count: usize, size: u32, val_fraction: f32) -> Result<(), PhotoError> {
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(PhotoError::Invalid(format!(
            "--count {count} is out of range: it must be between 1 and {MAX_COUNT} scenes"
        )));
    }
    if !(MIN_SIZE..=MAX_SIZE).contains(&size) {
        return Err(PhotoError::Invalid(format!(
            "--size {size} is out of range: the scene side must be between {MIN_SIZE} and {MAX_SIZE} pixels"
        )));
    }
    if !(0.0..1.0).contains(&val_fraction) {
        return Err(PhotoError::Invalid(format!(
            "--val-fraction {val_fraction} is out of range: it must be at least 0 and below 1"
        )));
    }
    Ok(())
}

/// Checks that `count` scenes of `size × size` with their instance masks (at most
/// [`MAX_OBJECTS`] a scene) fit the decode budget ([`stream::budget_bytes`]): a detection
/// set is held in memory before it is written.
///
/// # Errors
/// [`PhotoError::Invalid`] saying how many scenes fit.
pub fn check_in_memory(count: usize, size: u32) -> Result<(), PhotoError> {
    let per_scene = u64::from(size) * u64::from(size) * (3 + MAX_OBJECTS as u64);
    let needed = (count as u64).saturating_mul(per_scene);
    let budget = stream::budget_bytes();
    if needed <= budget {
        return Ok(());
    }
    let mb = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    Err(PhotoError::Invalid(format!(
        "--count {count} is too many at --size {size}: the detection set is held in memory before it is written, up to {:.0} MB, more than the decode budget of {:.0} MB ({}); use --count {} or fewer, or a smaller --size",
        mb(needed),
        mb(budget),
        stream::BUDGET_ENV,
        budget / per_scene.max(1)
    )))
}

/// How many of `count` scenes are validation scenes: `val_fraction` of them, rounded, and
/// at least one training scene left.
pub fn val_count(count: usize, val_fraction: f32) -> usize {
    let fraction = if val_fraction.is_finite() {
        val_fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let n = ((count as f64) * f64::from(fraction)).round() as usize;
    n.min(count.saturating_sub(1))
}

/// The split of scene `index` of `count`: the last [`val_count`] are validation scenes.
pub fn split_of(index: usize, count: usize, val_fraction: f32) -> PhotoSplit {
    if index + val_count(count, val_fraction) >= count {
        PhotoSplit::Val
    } else {
        PhotoSplit::Train
    }
}

/// Scenes `indices` of a set of `count` (`size × size`, seeded), made in parallel, in
/// order.
pub fn scenes(
    photos: &Photos,
    indices: Range<usize>,
    count: usize,
    size: u32,
    seed: u64,
    val_fraction: f32,
) -> Vec<PhotoScene> {
    let indices: Vec<usize> = indices.collect();
    par_map(
        &indices,
        |&i| scene(photos, i, split_of(i, count, val_fraction), size, seed),
        &mut |_, _| {},
    )
}

/// Salts that keep training and validation scene seeds apart.
const SALTS: [u64; 2] = [0x9407_05CE_7E00_0001, 0x9407_05CE_7E00_0002];

/// Scene number `index` of `split`: only depends on `(index, split, size, seed)`.
pub fn scene(photos: &Photos, index: usize, split: PhotoSplit, size: u32, seed: u64) -> PhotoScene {
    let salt = SALTS[usize::from(split == PhotoSplit::Val)];
    let mut rng = StdRng::seed_from_u64(mix(seed ^ salt, index as u64));
    let (image, background) = background(photos, &mut rng, split, size);
    let wanted = rng.random_range(1..=MAX_OBJECTS);
    let mut layers = Vec::with_capacity(wanted);
    for _ in 0..wanted {
        let class = rng.random_range(0..CLASSES.len());
        let choices: Vec<usize> = photos
            .cutouts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.class == class && c.used_in(split))
            .map(|(i, _)| i)
            .collect();
        if let Some(&k) = choices.get(rng.random_range(0..choices.len().max(1))) {
            layers.push(Layer::random(&photos.cutouts[k], k, &mut rng, size));
        }
    }
    let (image, objects) = compose(image, &layers);
    PhotoScene {
        name: format!("photo_{index:05}"),
        split,
        image,
        background,
        objects,
    }
}

/// A random square crop of a random background photo, from the split's part of it,
/// resized to `size × size` and flipped at random. Crop sides are drawn from the same range
/// on both sides (40–100 % of the narrower part's width or the height), so training and
/// validation backgrounds have the same scale.
fn background(
    photos: &Photos,
    rng: &mut StdRng,
    split: PhotoSplit,
    size: u32,
) -> (Image, BackgroundCrop) {
    let index = rng.random_range(0..photos.backgrounds.len().max(1));
    let blank = || Image {
        width: size,
        height: size,
        channels: 3,
        pixels: vec![0; (size as usize).pow(2) * 3],
    };
    let Some(photo) = photos.backgrounds.get(index) else {
        let crop = BackgroundCrop {
            photo: 0,
            x: 0,
            y: 0,
            side: 0,
            flipped: false,
        };
        return (blank(), crop);
    };
    let (w, h) = photo.dimensions();
    let cut = ((w as f32 * TRAIN_SHARE).round() as u32).clamp(1, w.saturating_sub(1).max(1));
    let (left, right) = match split {
        PhotoSplit::Train => (0, cut),
        PhotoSplit::Val => (cut, w),
    };
    let most = cut.min(w - cut).min(h).max(1);
    let side = ((most as f32 * rng.random_range(0.4f32..=1.0)).round() as u32).clamp(1, most);
    let x = left + rng.random_range(0..=(right - left).saturating_sub(side));
    let y = rng.random_range(0..=h.saturating_sub(side));
    let crop = imageops::crop_imm(photo, x, y, side, side).to_image();
    let mut resized = imageops::resize(&crop, size, size, FilterType::Triangle);
    let flipped = rng.random_bool(0.5);
    if flipped {
        imageops::flip_horizontal_in_place(&mut resized);
    }
    let image = Image {
        width: size,
        height: size,
        channels: 3,
        pixels: resized.into_raw(),
    };
    let crop = BackgroundCrop {
        photo: index,
        x,
        y,
        side,
        flipped,
    };
    (image, crop)
}

/// An object ready to paste: its pixels at scene scale, jittered, and where it goes.
#[derive(Clone, Debug)]
struct Layer {
    /// Index into [`CLASSES`].
    class: usize,
    /// Index into [`Photos::cutouts`].
    cutout: usize,
    /// Left edge in the scene.
    x: u32,
    /// Top edge.
    y: u32,
    /// Width (the height is `mask.len() / width`).
    width: u32,
    /// `width * height * 3` RGB bytes.
    rgb: Vec<u8>,
    /// `width * height`: whether the pixel belongs to the object.
    mask: Vec<bool>,
}

impl Layer {
    /// `cut` resized (longer side 20–60 % of `size`, aspect ±15 %), flipped at random,
    /// colour-jittered, at a random place inside the scene.
    fn random(cut: &Cutout, cutout: usize, rng: &mut StdRng, size: u32) -> Layer {
        let (cw, ch) = cut.pixels.dimensions();
        let longer = rng.random_range(0.2f32..=0.6) * size as f32;
        let aspect = rng.random_range(0.85f32..=1.15);
        let (w0, h0) = (cw.max(1) as f32 * aspect, ch.max(1) as f32);
        let k = longer / w0.max(h0);
        let width = ((w0 * k).round() as u32).clamp(1, size.max(1));
        let height = ((h0 * k).round() as u32).clamp(1, size.max(1));
        let mut pixels = imageops::resize(&cut.pixels, width, height, FilterType::Triangle);
        if rng.random_bool(0.5) {
            imageops::flip_horizontal_in_place(&mut pixels);
        }
        let mask: Vec<bool> = pixels.pixels().map(|p| p.0[3] >= 128).collect();
        let mut rgb: Vec<u8> = pixels
            .pixels()
            .flat_map(|p| [p.0[0], p.0[1], p.0[2]])
            .collect();
        jitter_colours(&mut rgb, &mask, rng);
        let x = rng.random_range(0..=size.saturating_sub(width));
        let y = rng.random_range(0..=size.saturating_sub(height));
        Layer {
            class: cut.class,
            cutout,
            x,
            y,
            width,
            rgb,
            mask,
        }
    }

    /// The scene indices (`y * size + x`) of its object pixels inside a `size × size`
    /// scene.
    fn scene_pixels(&self, size: u32) -> impl Iterator<Item = usize> {
        let width = self.width.max(1);
        self.mask.iter().enumerate().filter_map(move |(i, &m)| {
            let (x, y) = (self.x + i as u32 % width, self.y + i as u32 / width);
            (m && x < size && y < size).then_some(y as usize * size as usize + x as usize)
        })
    }
}

/// Brightness and contrast ×0.75–1.25, saturation ×0.6–1.4 (none at all one time in
/// seven), on the object pixels of `rgb`.
fn jitter_colours(rgb: &mut [u8], mask: &[bool], rng: &mut StdRng) {
    let brightness = rng.random_range(0.75f32..=1.25);
    let contrast = rng.random_range(0.75f32..=1.25);
    let saturation = if rng.random_bool(1.0 / 7.0) {
        0.0
    } else {
        rng.random_range(0.6f32..=1.4)
    };
    let luma =
        |p: &[u8]| 0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2]);
    let (mut sum, mut n) = (0.0f32, 0usize);
    for (p, _) in rgb.chunks_exact(3).zip(mask).filter(|(_, m)| **m) {
        sum += luma(p);
        n += 1;
    }
    let mean = if n > 0 { sum / n as f32 } else { 0.0 };
    for (p, _) in rgb.chunks_exact_mut(3).zip(mask).filter(|(_, m)| **m) {
        let grey = luma(p);
        for v in p.iter_mut() {
            let saturated = grey + (f32::from(*v) - grey) * saturation;
            let contrasted = (saturated - mean) * contrast + mean;
            *v = (contrasted * brightness).round().clamp(0.0, 255.0) as u8;
        }
    }
}

/// Pastes `layers` (bottom first) onto `background` (a square RGB image). Later layers
/// cover earlier ones; going down from the top, a layer left with less than
/// [`MIN_VISIBLE`] of its pixels by the layers kept above it is taken out (its label and
/// its pixels, which then show what lies under it). Each remaining layer becomes an object
/// with its visible mask and that mask's tight box.
fn compose(mut background: Image, layers: &[Layer]) -> (Image, Vec<SceneObject>) {
    let size = background.width;
    let n = size as usize;
    // Which kept layer is on top at each pixel: `k + 1` for layer `k`, 0 for none.
    let mut ids = vec![0u8; n * n];
    let mut pasted = vec![0usize; layers.len()];
    for (k, layer) in layers.iter().enumerate().rev() {
        let pixels: Vec<usize> = layer.scene_pixels(size).collect();
        pasted[k] = pixels.len();
        let visible = pixels.iter().filter(|&&i| ids[i] == 0).count();
        if visible == 0 || (visible as f32) < MIN_VISIBLE * pixels.len() as f32 {
            continue;
        }
        for i in pixels {
            if ids[i] == 0 {
                ids[i] = k as u8 + 1;
            }
        }
    }
    for (i, &id) in ids.iter().enumerate() {
        let Some(layer) = (id as usize).checked_sub(1).and_then(|k| layers.get(k)) else {
            continue;
        };
        let (x, y) = ((i % n) as u32 - layer.x, (i / n) as u32 - layer.y);
        let at = (y * layer.width + x) as usize * 3;
        background.pixels[i * 3..i * 3 + 3].copy_from_slice(&layer.rgb[at..at + 3]);
    }
    let mut objects = Vec::new();
    for (k, layer) in layers.iter().enumerate() {
        let mask: Vec<u8> = ids.iter().map(|&v| u8::from(v as usize == k + 1)).collect();
        let bbox = mask_bbox(&mask, size);
        if bbox[2] <= bbox[0] || bbox[3] <= bbox[1] {
            continue; // Taken out (or never inside the scene).
        }
        objects.push(SceneObject {
            class: layer.class,
            cutout: layer.cutout,
            mask,
            bbox,
            pasted: pasted[k],
        });
    }
    (background, objects)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn photos() -> &'static Photos {
        static PHOTOS: OnceLock<Photos> = OnceLock::new();
        PHOTOS.get_or_init(|| match Photos::load() {
            Ok(p) => p,
            Err(e) => panic!("the bundled photos load: {e}"),
        })
    }

    #[test]
    fn every_cutout_is_a_real_part_of_its_photo() {
        let cutouts = photos().cutouts();
        assert_eq!(cutouts.len(), OBJECT_PHOTOS.len() + COINS.len());
        for (class, name) in CLASSES.iter().enumerate() {
            for split in [PhotoSplit::Train, PhotoSplit::Val] {
                assert!(
                    cutouts.iter().any(|c| c.class == class && c.used_in(split)),
                    "{name} in {split:?}"
                );
            }
        }
        for c in cutouts {
            let inside = c.pixels.pixels().filter(|p| p.0[3] == 255).count();
            let all = (c.pixels.width() * c.pixels.height()) as usize;
            // An ellipse fills π/4 of its box; the polygons somewhat less.
            assert!(inside * 2 > all && inside < all, "{} {:?}", c.file, c.coin);
        }
    }

    #[test]
    fn scenes_are_deterministic_for_a_seed() {
        let a = scenes(photos(), 0..6, 6, 64, 7, 0.5);
        let b = scenes(photos(), 0..6, 6, 64, 7, 0.5);
        assert_eq!(a, b);
        assert_eq!(
            a.iter().map(|s| s.split).collect::<Vec<_>>(),
            [[PhotoSplit::Train; 3], [PhotoSplit::Val; 3]].concat()
        );
        // One scene alone is the same as in the set; another seed gives other scenes.
        assert_eq!(scene(photos(), 4, PhotoSplit::Val, 64, 7), a[4]);
        assert_ne!(scenes(photos(), 0..6, 6, 64, 8, 0.5)[0].image, a[0].image);
    }

    #[test]
    fn boxes_are_the_tight_boxes_of_the_visible_masks() {
        let mut per_count = [0usize; MAX_OBJECTS + 1];
        let mut classes = [0usize; CLASSES.len()];
        for s in scenes(photos(), 0..40, 40, 64, 3, 0.2) {
            assert_eq!(s.image.pixels.len(), 64 * 64 * 3);
            assert!((1..=MAX_OBJECTS).contains(&s.objects.len()), "{}", s.name);
            per_count[s.objects.len()] += 1;
            let mut covered = vec![0u8; 64 * 64];
            for o in &s.objects {
                classes[o.class] += 1;
                let [x0, y0, x1, y1] = o.bbox;
                assert_eq!(mask_bbox(&o.mask, 64), o.bbox);
                assert!(x1 > x0 && y1 > y0);
                let area = o.mask.iter().filter(|&&m| m != 0).count();
                assert!(area as f32 >= MIN_VISIBLE * o.pasted as f32 && area <= o.pasted);
                for (c, &m) in covered.iter_mut().zip(&o.mask) {
                    *c += m;
                }
            }
            // Visible masks never overlap, and the class mask is their union.
            assert!(covered.iter().all(|&c| c <= 1));
            let class_mask = s.class_mask();
            assert_eq!(
                class_mask.iter().filter(|&&c| c != 0).count(),
                covered.iter().filter(|&&c| c != 0).count()
            );
        }
        assert!(
            per_count.iter().filter(|&&c| c > 0).count() >= 3,
            "{per_count:?}"
        );
        assert!(classes.iter().all(|&c| c > 0), "{classes:?}");
    }

    fn square(class: usize, x: u32, y: u32, side: u32, colour: u8) -> Layer {
        let n = (side * side) as usize;
        Layer {
            class,
            cutout: class,
            x,
            y,
            width: side,
            rgb: vec![colour; n * 3],
            mask: vec![true; n],
        }
    }

    fn grey(size: u32, v: u8) -> Image {
        Image {
            width: size,
            height: size,
            channels: 3,
            pixels: vec![v; (size * size * 3) as usize],
        }
    }

    #[test]
    fn occluded_objects_lose_pixels_and_are_dropped_below_the_share() {
        // B covers the right half of A: A keeps its left half and a box around it.
        let (image, objects) = compose(
            grey(20, 0),
            &[square(0, 0, 0, 10, 100), square(1, 5, 0, 10, 200)],
        );
        assert_eq!(objects.len(), 2);
        assert_eq!(
            (objects[0].class, objects[0].bbox, objects[0].pasted),
            (0, [0, 0, 5, 10], 100)
        );
        assert_eq!(objects[0].mask.iter().filter(|&&m| m != 0).count(), 50);
        assert_eq!(objects[1].bbox, [5, 0, 15, 10]);
        assert_eq!(&image.pixels[..3], &[100; 3]);
        assert_eq!(&image.pixels[5 * 3..5 * 3 + 3], &[200; 3]);
        // B covers 90 % of A: A is taken out, its visible column shows the background.
        let (image, objects) = compose(
            grey(20, 7),
            &[square(0, 0, 0, 10, 100), square(1, 1, 0, 10, 200)],
        );
        assert_eq!(objects.len(), 1);
        assert_eq!((objects[0].class, objects[0].bbox), (1, [1, 0, 11, 10]));
        assert_eq!(&image.pixels[..3], &[7; 3]);
        // C lies under A and B: A is taken out, so C is judged by what B leaves of it
        // (half) and kept.
        let (image, objects) = compose(
            grey(20, 0),
            &[
                square(2, 0, 10, 2, 50),
                square(0, 0, 8, 10, 100),
                square(1, 1, 8, 10, 200),
            ],
        );
        assert_eq!(objects.iter().map(|o| o.class).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(objects[0].bbox, [0, 10, 1, 12]);
        assert_eq!(&image.pixels[10 * 20 * 3..10 * 20 * 3 + 3], &[50; 3]);
        assert_eq!(&image.pixels[8 * 20 * 3..8 * 20 * 3 + 3], &[0; 3]);
    }

    #[test]
    fn validation_never_uses_training_coins_or_background_pixels() {
        let cutouts = photos().cutouts();
        let sizes = photos().background_sizes();
        let mut coins = [0usize; 2];
        for s in scenes(photos(), 0..80, 80, 48, 11, 0.5) {
            let val = s.split == PhotoSplit::Val;
            let crop = s.background;
            let (w, _) = sizes[crop.photo];
            let cut = (w as f32 * TRAIN_SHARE).round() as u32;
            if val {
                assert!(crop.x >= cut, "{} crop {crop:?} of width {w}", s.name);
            } else {
                assert!(
                    crop.x + crop.side <= cut,
                    "{} crop {crop:?} of width {w}",
                    s.name
                );
            }
            for o in &s.objects {
                let c = &cutouts[o.cutout];
                assert_eq!(c.class, o.class);
                assert!(c.used_in(s.split));
                if let Some(k) = c.coin {
                    assert_eq!(VAL_COINS.contains(&k), val, "{}: coin {k}", s.name);
                    coins[usize::from(val)] += 1;
                }
            }
        }
        assert!(coins[0] > 0 && coins[1] > 0, "{coins:?}");
    }

    #[test]
    fn splits_and_requests() {
        assert_eq!(val_count(600, 0.2), 120);
        assert_eq!(val_count(1, 0.5), 0);
        assert_eq!(val_count(10, 0.0), 0);
        assert_eq!(split_of(479, 600, 0.2), PhotoSplit::Train);
        assert_eq!(split_of(480, 600, 0.2), PhotoSplit::Val);
        assert!(check_request(600, 320, 0.2).is_ok());
        for (count, size, fraction, flag) in [
            (0, 320, 0.2, "--count"),
            (10, 7, 0.2, "--size"),
            (10, 2048, 0.2, "--size"),
            (10, 64, 1.0, "--val-fraction"),
            (10, 64, f32::NAN, "--val-fraction"),
        ] {
            let err = check_request(count, size, fraction)
                .unwrap_err()
                .to_string();
            assert!(err.contains(flag), "{err}");
        }
        assert!(check_in_memory(600, 320).is_ok());
        let err = check_in_memory(MAX_COUNT, 1024).unwrap_err().to_string();
        assert!(err.contains("--count") && err.contains("or fewer"), "{err}");
    }

    #[test]
    fn a_missing_photo_is_named() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let err = Photos::from_dir(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("chelsea.png") && err.contains("not found"),
            "{err}"
        );
    }

    #[test]
    fn tiny_scenes_do_not_panic() {
        for size in [1, 2, 8] {
            let s = scene(photos(), 0, PhotoSplit::Train, size, 1);
            assert_eq!(s.image.pixels.len(), (size * size * 3) as usize);
        }
    }
}
