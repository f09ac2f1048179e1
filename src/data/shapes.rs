//! The built-in synthetic "shapes" dataset: one filled shape per image on a noisy
//! background, with its class, a per-pixel mask and a bounding box.
//!
//! Generation is deterministic: sample `i` only depends on `(seed, i, size)`, so
//! `generate(n, ..)` is a prefix of `generate(n + k, ..)`. Classes go round-robin
//! (`i % 5`), so every prefix is balanced.

use std::f32::consts::{PI, TAU};
use std::path::Path;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::data::image_folder::par_map;

use crate::data::image_folder::save_png;

use crate::core::limits;
use crate::data::image_folder::stratified_split;
use crate::data::{ClassificationSet, DataError, Image, LabeledImage, stream};

/// Class names, in label order.
pub const CLASSES: [&str; 5] = ["circle", "square", "triangle", "cross", "star"];

/// Fraction of the images [`write_image_folder`] puts in `test/`.
pub const TEST_FRACTION: f32 = 0.2;

/// One generated image with its annotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeSample {
    /// The RGB image (3 channels), `size × size`.
    pub image: Image,
    /// Index into [`CLASSES`].
    pub class: usize,
    /// `size * size` labels, row-major: 0 is background, `class + 1` inside the shape.
    pub mask: Vec<u8>,
    /// `[x0, y0, x1, y1]`: the smallest pixel box holding every mask pixel (`x1`, `y1`
    /// exclusive). `[0, 0, 0, 0]` only if the mask is empty (images under 8 pixels).
    pub bbox: [u32; 4],
}

/// Generates `count` samples of `size × size` pixels (sample `i` has class `i % 5`).
pub fn generate(count: usize, size: u32, seed: u64) -> Vec<ShapeSample> {
    let indices: Vec<usize> = (0..count).collect();
    par_map(&indices, |&i| sample(i, size, seed), &mut |_, _| {})
}

/// Generates sample number `index` alone (the same as `generate(index + 1, ..)[index]`).
pub fn sample(index: usize, size: u32, seed: u64) -> ShapeSample {
    let mut rng = StdRng::seed_from_u64(mix(seed, index as u64));
    let class = index % CLASSES.len();
    let s = size as f32;
    let mut canvas = Canvas::background(&mut rng, size);
    let fg = contrasting_colour(&mut rng, canvas.base);

    // Shape: diameter 30–80 % of the image, fully inside, random rotation.
    let radius = rng.random_range(0.30..=0.80) * s / 2.0;
    let cx = uniform(&mut rng, radius, s - radius);
    let cy = uniform(&mut rng, radius, s - radius);
    let angle = if class == 0 {
        0.0
    } else {
        rng.random_range(0.0..TAU)
    };
    let mut mask = vec![0u8; (size as usize).pow(2)];
    canvas.paint(
        &Placement {
            class,
            cx,
            cy,
            radius,
            angle,
            colour: fg,
        },
        &mut mask,
        class as u8 + 1,
    );
    let image = canvas.finish(&mut rng);
    let bbox = mask_bbox(&mask, size);
    ShapeSample {
        image,
        class,
        mask,
        bbox,
    }
}

/// Where and how one shape is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Placement {
    /// Index into [`CLASSES`].
    pub class: usize,
    /// Centre, in pixels.
    pub cx: f32,
    /// Centre, in pixels.
    pub cy: f32,
    /// Radius of the circle the shape fits in, in pixels.
    pub radius: f32,
    /// Rotation in radians (ignored for circles).
    pub angle: f32,
    /// Fill colour (RGB, 0–255).
    pub colour: [f32; 3],
}

/// A `size × size` RGB picture being drawn, in floating point, before noise.
pub(crate) struct Canvas {
    size: u32,
    /// The background's base colour (before gradient and noise).
    pub base: [f32; 3],
    noise_amp: f32,
    /// `size * size * 3` values.
    rgb: Vec<f32>,
}

impl Canvas {
    /// A random background: base colour, a linear gradient, and the amplitude of the
    /// per-pixel noise that [`Canvas::finish`] adds.
    pub fn background(rng: &mut StdRng, size: u32) -> Canvas {
        let base: [f32; 3] = [
            rng.random_range(0.0..=255.0),
            rng.random_range(0.0..=255.0),
            rng.random_range(0.0..=255.0),
        ];
        let grad_angle: f32 = rng.random_range(0.0..TAU);
        let grad_amp: f32 = rng.random_range(0.0..=40.0);
        let noise_amp: f32 = rng.random_range(3.0..=14.0);
        let n = size as usize;
        let s = size as f32;
        let (gx, gy) = (grad_angle.cos(), grad_angle.sin());
        let mut rgb = Vec::with_capacity(n * n * 3);
        for y in 0..n {
            for x in 0..n {
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let g = if s > 0.0 {
                    grad_amp * ((px * gx + py * gy) / s - 0.5)
                } else {
                    0.0
                };
                rgb.extend(base.iter().map(|b| b + g));
            }
        }
        Canvas {
            size,
            base,
            noise_amp,
            rgb,
        }
    }

    /// Paints one shape (anti-aliased by 3×3 supersampling near its outline) and sets
    /// `mask` to `value` on the pixels whose centre is inside it.
    pub fn paint(&mut self, p: &Placement, mask: &mut [u8], value: u8) {
        const SUB: usize = 3;
        let n = self.size as usize;
        let (sin, cos) = p.angle.sin_cos();
        let inside = |px: f32, py: f32| -> bool {
            if p.radius <= 0.0 {
                return false;
            }
            let dx = px - p.cx;
            let dy = py - p.cy;
            let u = (dx * cos + dy * sin) / p.radius;
            let v = (-dx * sin + dy * cos) / p.radius;
            inside_unit_shape(p.class, u, v)
        };
        for y in 0..n {
            for x in 0..n {
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let dist = ((px - p.cx).powi(2) + (py - p.cy).powi(2)).sqrt();
                if dist > p.radius + 1.0 {
                    continue;
                }
                if inside(px, py)
                    && let Some(m) = mask.get_mut(y * n + x)
                {
                    *m = value;
                }
                let mut hits = 0;
                for sy in 0..SUB {
                    for sx in 0..SUB {
                        let qx = x as f32 + (sx as f32 + 0.5) / SUB as f32;
                        let qy = y as f32 + (sy as f32 + 0.5) / SUB as f32;
                        if inside(qx, qy) {
                            hits += 1;
                        }
                    }
                }
                let coverage = hits as f32 / (SUB * SUB) as f32;
                let i = (y * n + x) * 3;
                for c in 0..3 {
                    let back = self.rgb[i + c];
                    self.rgb[i + c] = back + (p.colour[c] - back) * coverage;
                }
            }
        }
    }

    /// Adds the per-pixel noise and rounds to an RGB [`Image`].
    pub fn finish(self, rng: &mut StdRng) -> Image {
        let pixels = self
            .rgb
            .iter()
            .map(|&value| {
                let noise = rng.random_range(-1.0f32..=1.0) * self.noise_amp;
                (value + noise).round().clamp(0.0, 255.0) as u8
            })
            .collect();
        Image {
            width: self.size,
            height: self.size,
            channels: 3,
            pixels,
        }
    }
}

/// Checks a request for `count` built-in shapes images of `size × size` before any is
/// made: the count and the size in range ([`limits`]), and all of them, held with
/// `bytes_per_pixel` bytes a pixel (3 for the RGB image, more with masks), within the
/// decode budget ([`stream::budget_bytes`], the one folders stream over). The error names
/// `--count` or `--image-size` and says how many images fit.
pub fn check_request(count: usize, size: u32, bytes_per_pixel: u64) -> Result<(), DataError> {
    let invalid = |e: limits::OutOfRange| DataError::Invalid(e.to_string());
    limits::check_shapes_count(count).map_err(invalid)?;
    limits::check_image_size(size).map_err(invalid)?;
    let per_image = u64::from(size) * u64::from(size) * bytes_per_pixel.max(1);
    let needed = (count as u64).saturating_mul(per_image);
    let budget = stream::budget_bytes();
    if needed <= budget {
        return Ok(());
    }
    let mb = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    let fits = budget / per_image;
    let advice = if fits >= limits::MIN_SHAPES_COUNT as u64 {
        format!("use --count {fits} or fewer at this size, or a smaller --image-size")
    } else {
        "use a smaller --image-size".to_string()
    };
    Err(DataError::Invalid(format!(
        "--count {count} is out of range at --image-size {size}: {count} built-in shapes images of {size}×{size} would take {:.0} MB in memory, more than the decode budget of {:.0} MB ({}); {advice}",
        mb(needed),
        mb(budget),
        stream::BUDGET_ENV
    )))
}

/// A classification set of `count` shapes: validation is a seeded stratified
/// `val_fraction` of each class (each class of two or more keeps an image on each side).
/// The fraction is checked by the caller ([`limits::check_val_fraction`]).
pub fn classification_set(
    count: usize,
    size: u32,
    seed: u64,
    val_fraction: f32,
) -> ClassificationSet {
    let samples = generate(count, size, seed);
    let labels: Vec<usize> = samples.iter().map(|s| s.class).collect();
    let is_val = stratified_split(&labels, CLASSES.len(), val_fraction, seed);
    let mut train = Vec::new();
    let mut val = Vec::new();
    for (s, v) in samples.into_iter().zip(is_val) {
        let item = LabeledImage {
            image: s.image,
            label: s.class,
        };
        if v {
            val.push(item);
        } else {
            train.push(item);
        }
    }
    ClassificationSet {
        classes: CLASSES.iter().map(|c| c.to_string()).collect(),
        channels: 3,
        height: size,
        width: size,
        train,
        val,
        skipped: Vec::new(),
        streamed: None,
    }
}

/// Writes `count` shapes as an ImageFolder: `DIR/train/<class>/NNNNN.png` and
/// `DIR/test/<class>/NNNNN.png` (a stratified 20 % in `test/`; `NNNNN` is the sample
/// index). Returns the number of files written.
///
/// # Errors
/// [`DataError::Invalid`] for a size outside 8..=1024, [`DataError::File`] naming the
/// file or folder that could not be written.
pub fn write_image_folder(
    dir: &Path,
    count: usize,
    size: u32,
    seed: u64,
) -> Result<usize, DataError> {
    if !(8..=1024).contains(&size) {
        return Err(DataError::Invalid(format!(
            "shape image size {size} is out of range: it must be between 8 and 1024 pixels"
        )));
    }
    let labels: Vec<usize> = (0..count).map(|i| i % CLASSES.len()).collect();
    let is_test = stratified_split(&labels, CLASSES.len(), TEST_FRACTION, seed);
    const CHUNK: usize = 256;
    let mut written = 0;
    for start in (0..count).step_by(CHUNK) {
        let end = (start + CHUNK).min(count);
        let indices: Vec<usize> = (start..end).collect();
        let samples = par_map(&indices, |&i| sample(i, size, seed), &mut |_, _| {});
        for (i, s) in indices.into_iter().zip(samples) {
            let split = if is_test[i] { "test" } else { "train" };
            let path = dir
                .join(split)
                .join(CLASSES[s.class])
                .join(format!("{i:05}.png"));
            save_png(&path, &s.image)?;
            written += 1;
        }
    }
    Ok(written)
}

/// The bounding box `[x0, y0, x1, y1]` (exclusive end) of the non-zero pixels of a
/// `size × size` mask; `[0; 4]` when it has none.
pub fn mask_bbox(mask: &[u8], size: u32) -> [u32; 4] {
    let n = size as usize;
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for (i, &m) in mask.iter().enumerate().take(n * n) {
        if m != 0 {
            let (x, y) = ((i % n) as u32, (i / n) as u32);
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x + 1);
            y1 = y1.max(y + 1);
        }
    }
    if x0 == u32::MAX {
        [0; 4]
    } else {
        [x0, y0, x1, y1]
    }
}

/// SplitMix64-style mixing of the seed and the sample index.
pub(crate) fn mix(seed: u64, index: u64) -> u64 {
    let mut z = seed ^ index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub(crate) fn uniform(rng: &mut StdRng, lo: f32, hi: f32) -> f32 {
    if hi > lo {
        rng.random_range(lo..=hi)
    } else {
        lo
    }
}

fn luminance(c: [f32; 3]) -> f32 {
    0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
}

/// A random colour whose luminance differs from `bg`'s by at least 70.
pub(crate) fn contrasting_colour(rng: &mut StdRng, bg: [f32; 3]) -> [f32; 3] {
    let bg_lum = luminance(bg);
    for _ in 0..64 {
        let c = [
            rng.random_range(0.0..=255.0),
            rng.random_range(0.0..=255.0),
            rng.random_range(0.0..=255.0),
        ];
        if (luminance(c) - bg_lum).abs() >= 70.0 {
            return c;
        }
    }
    if bg_lum > 127.0 {
        [20.0, 20.0, 20.0]
    } else {
        [235.0, 235.0, 235.0]
    }
}

/// Whether `(u, v)` (shape coordinates: the shape fits in the unit circle) is inside.
fn inside_unit_shape(class: usize, u: f32, v: f32) -> bool {
    match class {
        0 => u * u + v * v <= 1.0,
        1 => u.abs() <= 0.70 && v.abs() <= 0.70,
        2 => inside_polygon(&regular_points(3, 1.0, 1.0), u, v),
        3 => (u.abs() <= 0.3 && v.abs() <= 0.95) || (v.abs() <= 0.3 && u.abs() <= 0.95),
        _ => inside_polygon(&regular_points(5, 1.0, 0.42), u, v),
    }
}

/// `2 * points` vertices alternating between radius `outer` and `inner` (a star), or
/// `points` vertices when `inner == outer` (a regular polygon); the first points up.
fn regular_points(points: usize, outer: f32, inner: f32) -> Vec<(f32, f32)> {
    let star = (inner - outer).abs() > f32::EPSILON;
    let count = if star { points * 2 } else { points };
    (0..count)
        .map(|k| {
            let a = -PI / 2.0 + TAU * k as f32 / count as f32;
            let r = if star && k % 2 == 1 { inner } else { outer };
            (r * a.cos(), r * a.sin())
        })
        .collect()
}

/// Even-odd point-in-polygon test.
fn inside_polygon(poly: &[(f32, f32)], x: f32, y: f32) -> bool {
    let mut inside = false;
    let mut j = poly.len().wrapping_sub(1);
    for i in 0..poly.len() {
        let (xi, yi) = poly[i];
        let (xj, yj) = poly[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_prefix() {
        let a = generate(12, 32, 5);
        let b = generate(17, 32, 5);
        assert_eq!(a[..], b[..12]);
        assert_eq!(sample(7, 32, 5), a[7]);
        assert_ne!(generate(3, 32, 6)[0].image, a[0].image);
    }

    #[test]
    fn masks_and_boxes_agree() {
        for s in generate(40, 32, 1) {
            let n = 32usize;
            let [x0, y0, x1, y1] = s.bbox;
            assert!(x0 < x1 && y0 < y1 && x1 <= 32 && y1 <= 32);
            let mut count = 0;
            for (i, &m) in s.mask.iter().enumerate() {
                let (x, y) = ((i % n) as u32, (i / n) as u32);
                assert!(m == 0 || m as usize == s.class + 1);
                if m != 0 {
                    count += 1;
                    assert!(x >= x0 && x < x1 && y >= y0 && y < y1);
                }
            }
            // The shape covers a real part of the image (diameter ≥ 30 %).
            assert!(count >= 20, "class {} has {count} mask pixels", s.class);
            assert_eq!(s.image.pixels.len(), 32 * 32 * 3);
        }
    }

    #[test]
    fn shapes_contrast_with_background() {
        for s in generate(25, 32, 9) {
            let lum = |i: usize| {
                let p = &s.image.pixels[i * 3..i * 3 + 3];
                luminance([p[0] as f32, p[1] as f32, p[2] as f32])
            };
            let (mut fin, mut nin, mut fout, mut nout) = (0.0, 0, 0.0, 0);
            for (i, &m) in s.mask.iter().enumerate() {
                if m != 0 {
                    fin += lum(i);
                    nin += 1;
                } else {
                    fout += lum(i);
                    nout += 1;
                }
            }
            let diff = (fin / nin as f32 - fout / nout as f32).abs();
            assert!(diff > 35.0, "sample class {} contrast {diff}", s.class);
        }
    }

    #[test]
    fn classification_set_is_balanced_and_split() {
        let set = classification_set(100, 16, 3, 0.2);
        assert_eq!(set.classes.len(), 5);
        assert_eq!(set.train.len() + set.val.len(), 100);
        assert_eq!(set.counts(&set.val), vec![4; 5]);
        assert_eq!(set.counts(&set.train), vec![16; 5]);
    }

    #[test]
    fn tiny_sizes_do_not_panic() {
        for size in [0, 1, 2, 5] {
            let s = sample(3, size, 0);
            assert_eq!(s.image.pixels.len(), (size * size * 3) as usize);
        }
    }

    #[test]
    fn polygon_shapes_contain_their_centre() {
        for class in 0..5 {
            assert!(inside_unit_shape(class, 0.0, 0.0));
            assert!(!inside_unit_shape(class, 1.01, 0.0));
        }
    }
}
