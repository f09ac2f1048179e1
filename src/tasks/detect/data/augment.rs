//! Training-time augmentation for detection: a horizontal flip and a random crop that is
//! scaled back to the image's size (a zoom), applied to the image, its boxes and its
//! instance masks together. Boxes that mostly leave the crop are dropped (with their
//! masks); the others are clipped to it.

use image::imageops::{self, FilterType};
use image::{GrayImage, RgbImage};
use rand::{Rng, RngExt};

use crate::tasks::detect::data::DetectionSample;

use crate::tasks::detect::data::InstanceMask;

use crate::data::Image;
use crate::tasks::detect::data::LabeledBox;

/// A box is kept when at least this fraction of its area stays inside the crop.
pub const MIN_VISIBLE: f32 = 0.4;

/// Smallest crop side, as a fraction of the image side.
pub const MIN_SCALE: f32 = 0.6;

/// Which random changes detection training images get.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Policy {
    /// Random left–right mirroring (p = 0.5).
    pub flip: bool,
    /// Random crops of 60–100 % of each side, scaled back to the full size.
    pub zoom: bool,
}

/// One drawn augmentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transform {
    /// Mirror left–right (after the crop).
    pub flip: bool,
    /// The crop `[x, y, width, height]` in source pixels; the whole image for none.
    pub crop: [u32; 4],
}

impl Transform {
    /// No change for a `width × height` image.
    pub fn identity(width: u32, height: u32) -> Transform {
        Transform {
            flip: false,
            crop: [0, 0, width, height],
        }
    }

    /// Draws a transform for a `width × height` image under `policy`.
    pub fn random(policy: Policy, rng: &mut impl Rng, width: u32, height: u32) -> Transform {
        let flip = policy.flip && rng.random_bool(0.5);
        let crop = if policy.zoom && width > 1 && height > 1 {
            let scale = rng.random_range(MIN_SCALE..=1.0);
            let cw = ((width as f32 * scale).round() as u32).clamp(1, width);
            let ch = ((height as f32 * scale).round() as u32).clamp(1, height);
            let x = rng.random_range(0..=width - cw);
            let y = rng.random_range(0..=height - ch);
            [x, y, cw, ch]
        } else {
            [0, 0, width, height]
        };
        Transform { flip, crop }
    }

    /// Applies the transform: the output has the input's size.
    pub fn apply(&self, sample: &DetectionSample) -> DetectionSample {
        let (w, h) = (sample.image.width, sample.image.height);
        let [cx, cy, cw, ch] = self.crop;
        let valid = cw > 0 && ch > 0 && cx + cw <= w && cy + ch <= h;
        if !valid || w == 0 || h == 0 {
            return sample.clone();
        }
        let whole = [cx, cy, cw, ch] == [0, 0, w, h];
        let image = if whole {
            sample.image.clone()
        } else {
            crop_image(&sample.image, self.crop)
        };
        let image = if self.flip {
            flip_pixels(&image.pixels, w, h, image.channels as usize)
                .map(|pixels| Image {
                    pixels,
                    ..image.clone()
                })
                .unwrap_or(image)
        } else {
            image
        };
        let (sx, sy) = (w as f32 / cw as f32, h as f32 / ch as f32);
        let mut boxes = Vec::new();
        let mut kept = Vec::new();
        for (i, b) in sample.boxes.iter().enumerate() {
            let area = b.area();
            let clipped = LabeledBox {
                class: b.class,
                x0: b.x0.clamp(cx as f32, (cx + cw) as f32),
                y0: b.y0.clamp(cy as f32, (cy + ch) as f32),
                x1: b.x1.clamp(cx as f32, (cx + cw) as f32),
                y1: b.y1.clamp(cy as f32, (cy + ch) as f32),
            };
            if area <= 0.0 || clipped.area() < MIN_VISIBLE * area {
                continue;
            }
            let mut out = LabeledBox {
                class: b.class,
                x0: (clipped.x0 - cx as f32) * sx,
                y0: (clipped.y0 - cy as f32) * sy,
                x1: (clipped.x1 - cx as f32) * sx,
                y1: (clipped.y1 - cy as f32) * sy,
            };
            if self.flip {
                (out.x0, out.x1) = (w as f32 - out.x1, w as f32 - out.x0);
            }
            boxes.push(out);
            kept.push(i);
        }
        // With instance masks, each moved box is made tight around its moved mask (a
        // clipped box can hold corners the object does not reach); a mask that lost all
        // its pixels drops its box.
        let masks = match &sample.masks {
            None => None,
            Some(masks) => {
                let mut kept_boxes = Vec::new();
                let mut kept_masks = Vec::new();
                for (b, i) in boxes.iter().zip(&kept) {
                    let Some(m) = masks.get(*i) else { continue };
                    let m = self.apply_mask(m);
                    if let Some([x0, y0, x1, y1]) = extent(&m) {
                        kept_boxes.push(LabeledBox {
                            class: b.class,
                            x0: x0 as f32,
                            y0: y0 as f32,
                            x1: x1 as f32,
                            y1: y1 as f32,
                        });
                        kept_masks.push(m);
                    }
                }
                boxes = kept_boxes;
                Some(kept_masks)
            }
        };
        DetectionSample {
            name: sample.name.clone(),
            image,
            boxes,
            masks,
        }
    }

    /// Applies the transform to one instance mask (nearest-neighbour scaling).
    pub fn apply_mask(&self, mask: &InstanceMask) -> InstanceMask {
        let (w, h) = (mask.width, mask.height);
        let [cx, cy, cw, ch] = self.crop;
        let Some(grey) = GrayImage::from_raw(w, h, mask.pixels.clone()) else {
            return mask.clone();
        };
        let pixels = if [cx, cy, cw, ch] == [0, 0, w, h] || cx + cw > w || cy + ch > h {
            grey.into_raw()
        } else {
            let cropped = imageops::crop_imm(&grey, cx, cy, cw, ch).to_image();
            imageops::resize(&cropped, w, h, FilterType::Nearest).into_raw()
        };
        let pixels = if self.flip {
            flip_pixels(&pixels, w, h, 1).unwrap_or(pixels)
        } else {
            pixels
        };
        InstanceMask {
            width: w,
            height: h,
            pixels,
        }
    }
}

/// Draws and applies one augmentation under `policy`.
pub fn augment(sample: &DetectionSample, policy: Policy, rng: &mut impl Rng) -> DetectionSample {
    Transform::random(policy, rng, sample.image.width, sample.image.height).apply(sample)
}

/// The pixel box `[x0, y0, x1, y1]` (end exclusive) of a mask's set pixels; `None` when
/// it has none.
fn extent(m: &InstanceMask) -> Option<[u32; 4]> {
    let w = m.width.max(1) as usize;
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for (i, _) in m.pixels.iter().enumerate().filter(|(_, p)| **p != 0) {
        let (x, y) = ((i % w) as u32, (i / w) as u32);
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
    }
    (x0 != u32::MAX).then_some([x0, y0, x1, y1])
}

/// Crops an RGB (or grey) image and scales the crop back to the full size (triangle).
fn crop_image(image: &Image, [x, y, cw, ch]: [u32; 4]) -> Image {
    let (w, h) = (image.width, image.height);
    let pixels = if image.channels == 1 {
        GrayImage::from_raw(w, h, image.pixels.clone()).map(|g| {
            let c = imageops::crop_imm(&g, x, y, cw, ch).to_image();
            imageops::resize(&c, w, h, FilterType::Triangle).into_raw()
        })
    } else {
        RgbImage::from_raw(w, h, image.pixels.clone()).map(|g| {
            let c = imageops::crop_imm(&g, x, y, cw, ch).to_image();
            imageops::resize(&c, w, h, FilterType::Triangle).into_raw()
        })
    };
    Image {
        pixels: pixels.unwrap_or_else(|| image.pixels.clone()),
        ..image.clone()
    }
}

/// Mirrors rows of a `w × h × channels` buffer; `None` when the buffer does not match.
fn flip_pixels(src: &[u8], w: u32, h: u32, channels: usize) -> Option<Vec<u8>> {
    let row = w as usize * channels;
    if channels == 0 || src.len() != row * h as usize {
        return None;
    }
    let mut out = Vec::with_capacity(src.len());
    for r in src.chunks_exact(row.max(1)) {
        for px in r.chunks_exact(channels).rev() {
            out.extend_from_slice(px);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::shapes::mask_bbox;
    use crate::tasks::detect::data::shapes_scene;
    use rand::SeedableRng;

    fn sample_with(boxes: Vec<LabeledBox>) -> DetectionSample {
        let (w, h) = (20u32, 10u32);
        // Pixel value = x, so where pixels went can be read back.
        let pixels = (0..w * h).flat_map(|i| [(i % w) as u8; 3]).collect();
        let masks = boxes
            .iter()
            .map(|b| InstanceMask {
                width: w,
                height: h,
                pixels: (0..w * h)
                    .map(|i| {
                        let (x, y) = ((i % w) as f32 + 0.5, (i / w) as f32 + 0.5);
                        u8::from(x > b.x0 && x < b.x1 && y > b.y0 && y < b.y1)
                    })
                    .collect(),
            })
            .collect();
        DetectionSample {
            name: "t".into(),
            image: Image {
                width: w,
                height: h,
                channels: 3,
                pixels,
            },
            boxes,
            masks: Some(masks),
        }
    }

    fn bx(class: usize, x0: f32, y0: f32, x1: f32, y1: f32) -> LabeledBox {
        LabeledBox {
            class,
            x0,
            y0,
            x1,
            y1,
        }
    }

    #[test]
    fn flip_mirrors_image_boxes_and_masks() {
        let s = sample_with(vec![bx(1, 2.0, 1.0, 6.0, 4.0)]);
        let t = Transform {
            flip: true,
            crop: [0, 0, 20, 10],
        };
        let out = t.apply(&s);
        assert_eq!(out.boxes, vec![bx(1, 14.0, 1.0, 18.0, 4.0)]);
        assert_eq!(
            out.image.pixels[0], 19,
            "left column holds the old right column"
        );
        let m = &out.masks.unwrap()[0];
        assert_eq!(extent(m), Some([14, 1, 18, 4]));
        // Flipping twice is the identity.
        let back = t.apply(&t.apply(&s));
        assert_eq!(back.image, s.image);
        assert_eq!(back.boxes, s.boxes);
    }

    #[test]
    fn crop_moves_clips_and_drops_boxes() {
        let s = sample_with(vec![
            bx(0, 2.0, 2.0, 6.0, 6.0),
            bx(1, 8.0, 0.0, 12.0, 4.0),
            bx(2, 0.0, 0.0, 10.0, 10.0),
        ]);
        // Box 1 is half inside the first crop: clipped and kept.
        // Crop the left half (x 0..10), rows 0..10: scaled ×2 horizontally.
        let t = Transform {
            flip: false,
            crop: [0, 0, 10, 10],
        };
        let out = t.apply(&s);
        assert_eq!(
            out.boxes,
            vec![
                bx(0, 4.0, 2.0, 12.0, 6.0),
                bx(1, 16.0, 0.0, 20.0, 4.0),
                bx(2, 0.0, 0.0, 20.0, 10.0)
            ]
        );
        // A crop that leaves less than 40 % of the third box.
        let t = Transform {
            flip: false,
            crop: [8, 0, 12, 10],
        };
        let out = t.apply(&s);
        let classes: Vec<usize> = out.boxes.iter().map(|b| b.class).collect();
        assert_eq!(
            classes,
            vec![1],
            "box 0 left the crop, box 2 is 20 % inside"
        );
        assert_eq!(out.masks.as_ref().unwrap().len(), 1);
        // Pixels: output x=0 shows source x=8.
        assert!((out.image.pixels[0] as i32 - 8).abs() <= 1);
    }

    #[test]
    fn random_transforms_keep_boxes_on_masks() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let policy = Policy {
            flip: true,
            zoom: true,
        };
        for i in 0..20 {
            let s = shapes_scene(i, 64, 5);
            let out = augment(&s, policy, &mut rng);
            assert_eq!((out.image.width, out.image.height), (64, 64));
            let masks = out.masks.as_ref().unwrap();
            assert_eq!(masks.len(), out.boxes.len());
            for (b, m) in out.boxes.iter().zip(masks) {
                assert!(b.x0 >= 0.0 && b.x1 <= 64.0 && b.x0 < b.x1 && b.y0 < b.y1);
                // Boxes stay tight around their (moved) masks.
                let [x0, y0, x1, y1] = mask_bbox(&m.pixels, 64);
                assert_eq!(
                    [x0 as f32, y0 as f32, x1 as f32, y1 as f32],
                    [b.x0, b.y0, b.x1, b.y1]
                );
            }
        }
    }
}
