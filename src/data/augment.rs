//! Training-time augmentation: random horizontal flip and random shift ("random crop
//! with reflection padding"). Sizes and channels are kept.
//!
//! [`Augmentation`] holds one random draw so the same change can be applied to an
//! image and to its mask.

use rand::{Rng, RngExt};

use crate::data::Image;

/// Which random changes training images get. Horizontal flips suit photos and shapes but
/// not digits or text (a mirrored "2" is no "2"), so they are a separate choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Policy {
    /// Random shifts of up to an eighth of the side ("random crop" with reflection).
    pub shift: bool,
    /// Random left–right mirroring.
    pub flip: bool,
}

impl Policy {
    /// No augmentation.
    pub const OFF: Policy = Policy {
        shift: false,
        flip: false,
    };

    /// True when nothing is changed.
    pub fn is_off(&self) -> bool {
        !self.shift && !self.flip
    }

    /// Draws one augmentation under this policy.
    pub fn draw(&self, rng: &mut impl Rng, width: u32, height: u32) -> Augmentation {
        let mut a = Augmentation::random(rng, width, height);
        a.flip &= self.flip;
        if !self.shift {
            a.dx = 0;
            a.dy = 0;
        }
        a
    }
}

/// One random augmentation: a flip and a shift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Augmentation {
    /// Mirror left–right (applied before the shift).
    pub flip: bool,
    /// Horizontal shift in pixels: output `x` reads input `x + dx`.
    pub dx: i32,
    /// Vertical shift in pixels: output `y` reads input `y + dy`.
    pub dy: i32,
}

impl Augmentation {
    /// Draws a flip with p = 0.5 and a shift of up to ±`width / 8`, ±`height / 8`.
    pub fn random(rng: &mut impl Rng, width: u32, height: u32) -> Self {
        let mx = (width / 8) as i32;
        let my = (height / 8) as i32;
        Augmentation {
            flip: rng.random_bool(0.5),
            dx: rng.random_range(-mx..=mx),
            dy: rng.random_range(-my..=my),
        }
    }

    /// Applies this augmentation to an image (any channel count).
    pub fn apply(&self, image: &Image) -> Image {
        Image {
            width: image.width,
            height: image.height,
            channels: image.channels,
            pixels: self.apply_raw(
                &image.pixels,
                image.width,
                image.height,
                image.channels as usize,
            ),
        }
    }

    /// Applies this augmentation to a `width × height` label mask (one byte a pixel).
    pub fn apply_mask(&self, mask: &[u8], width: u32, height: u32) -> Vec<u8> {
        self.apply_raw(mask, width, height, 1)
    }

    /// Like [`Augmentation::apply_mask`], but pixels whose source lies outside the mask
    /// (the reflected border a shift brings in) get `fill` — for segmentation, the ignore
    /// value, so mirrored copies of objects at the border are not learned as objects.
    pub fn apply_mask_padded(&self, mask: &[u8], width: u32, height: u32, fill: u8) -> Vec<u8> {
        let mut out = self.apply_raw(mask, width, height, 1);
        if out.len() != width as usize * height as usize {
            return out;
        }
        let (w, h) = (i64::from(width), i64::from(height));
        for y in 0..h {
            let outside_y = !(0..h).contains(&(y + i64::from(self.dy)));
            for x in 0..w {
                let fx = if self.flip { w - 1 - x } else { x };
                if outside_y || !(0..w).contains(&(fx + i64::from(self.dx))) {
                    out[(y * w + x) as usize] = fill;
                }
            }
        }
        out
    }

    fn apply_raw(&self, src: &[u8], width: u32, height: u32, channels: usize) -> Vec<u8> {
        let (w, h) = (width as i64, height as i64);
        let expected = width as usize * height as usize * channels;
        if src.len() != expected || w == 0 || h == 0 || channels == 0 {
            // Malformed buffer: leave it unchanged rather than guess.
            return src.to_vec();
        }
        let mut out = Vec::with_capacity(expected);
        for y in 0..h {
            let sy = reflect(y + i64::from(self.dy), h) as usize;
            for x in 0..w {
                let fx = if self.flip { w - 1 - x } else { x };
                let sx = reflect(fx + i64::from(self.dx), w) as usize;
                let i = (sy * width as usize + sx) * channels;
                out.extend_from_slice(&src[i..i + channels]);
            }
        }
        out
    }
}

/// Mirrors an out-of-range coordinate back into `0..n` (reflection without repeating
/// the edge pixel, like NumPy's `reflect`).
fn reflect(i: i64, n: i64) -> i64 {
    if n <= 1 {
        return 0;
    }
    let period = 2 * (n - 1);
    let m = i.rem_euclid(period);
    if m < n { m } else { period - m }
}

/// Returns a randomly augmented copy: horizontal flip with p = 0.5, then a shift by up to
/// ±size/8 pixels with reflection padding. Size and channels are kept.
pub fn augment(image: &Image, rng: &mut impl Rng) -> Image {
    Augmentation::random(rng, image.width, image.height).apply(image)
}

/// A left–right mirrored copy.
pub fn flip_horizontal(image: &Image) -> Image {
    Augmentation {
        flip: true,
        dx: 0,
        dy: 0,
    }
    .apply(image)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn ramp(w: u32, h: u32, c: u32) -> Image {
        Image {
            width: w,
            height: h,
            channels: c,
            pixels: (0..w * h * c).map(|i| (i * 7 % 251) as u8).collect(),
        }
    }

    #[test]
    fn keeps_shape() {
        let mut rng = StdRng::seed_from_u64(1);
        for (w, h, c) in [(32, 32, 3), (28, 28, 1), (17, 9, 3), (1, 1, 1)] {
            let img = ramp(w, h, c);
            for _ in 0..20 {
                let out = augment(&img, &mut rng);
                assert_eq!((out.width, out.height, out.channels), (w, h, c));
                assert_eq!(out.pixels.len(), img.pixels.len());
            }
        }
    }

    #[test]
    fn flip_twice_is_identity() {
        let img = ramp(13, 7, 3);
        let once = flip_horizontal(&img);
        assert_ne!(once, img);
        assert_eq!(flip_horizontal(&once), img);
        // First pixel of a row becomes the last one.
        assert_eq!(once.pixels[..3], img.pixels[12 * 3..13 * 3]);
    }

    #[test]
    fn identity_and_shift() {
        let img = ramp(8, 8, 1);
        assert_eq!(Augmentation::default().apply(&img), img);
        let shifted = Augmentation {
            flip: false,
            dx: 1,
            dy: 0,
        }
        .apply(&img);
        for y in 0..8 {
            for x in 0..7 {
                assert_eq!(shifted.pixels[y * 8 + x], img.pixels[y * 8 + x + 1]);
            }
            // Reflection: column 8 reads column 6.
            assert_eq!(shifted.pixels[y * 8 + 7], img.pixels[y * 8 + 6]);
        }
    }

    #[test]
    fn reflect_stays_in_range() {
        for n in 1..6 {
            for i in -20..20 {
                let r = reflect(i, n);
                assert!((0..n).contains(&r));
            }
        }
        assert_eq!(reflect(-1, 5), 1);
        assert_eq!(reflect(5, 5), 3);
    }

    #[test]
    fn random_draws_vary_and_stay_bounded() {
        let mut rng = StdRng::seed_from_u64(3);
        let mut flips = 0;
        for _ in 0..200 {
            let a = Augmentation::random(&mut rng, 32, 32);
            assert!(a.dx.abs() <= 4 && a.dy.abs() <= 4);
            flips += a.flip as usize;
        }
        assert!((60..140).contains(&flips));
    }

    #[test]
    fn padded_masks_ignore_what_the_shift_brings_in() {
        let a = Augmentation {
            flip: false,
            dx: 1,
            dy: -1,
        };
        // 3×2 mask; output (x, y) reads (x + 1, y − 1).
        let mask = [1, 2, 3, 4, 5, 6];
        assert_eq!(
            a.apply_mask_padded(&mask, 3, 2, 255),
            vec![255, 255, 255, 2, 3, 255]
        );
        let none = Augmentation::default();
        assert_eq!(none.apply_mask_padded(&mask, 3, 2, 255), mask.to_vec());
    }

    #[test]
    fn mask_follows_image() {
        let img = ramp(10, 6, 1);
        let a = Augmentation {
            flip: true,
            dx: -2,
            dy: 1,
        };
        assert_eq!(a.apply(&img).pixels, a.apply_mask(&img.pixels, 10, 6));
    }
}
