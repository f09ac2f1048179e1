//! Object detection and instance segmentation with the CenterNet-style [`Detector`]:
//! target encoding (Gaussian heat-map splats, box size and offset at the centres, a
//! foreground mask), the loss, decoding to scored boxes (3×3 peak extraction, top-k,
//! score threshold, class-aware NMS), instance masks, and predictions
//! for image files.

pub mod data;
pub mod defaults;
pub mod error_views;
pub mod eval;
pub mod faces;
pub mod metrics;
pub mod model;
pub mod train;

use std::path::{Path, PathBuf};

use anyhow::Context;
use burn::nn::PaddingConfig2d;
use burn::nn::pool::MaxPool2dConfig;
use burn::prelude::*;
use burn::tensor::TensorData;
use burn::tensor::activation::{log_sigmoid, sigmoid};
use serde::Serialize;

use crate::core::device::Selected;
use crate::core::protocol::{ModelKind, RgbaImage, ScoredBox};
use crate::data::batch::Normalization;
use crate::data::orientation::decode_oriented;
use crate::data::{Image, image_folder};
use crate::models::mobilenet_v2::MobileNetV2Encoder;
use crate::models::{InputShape, ModelError};
use crate::tasks::detect::data::{DetectionSample, InstanceMask, LabeledBox};
use crate::tasks::detect::model::{Detector, DetectorOutput, MASK_STRIDE, STRIDE};
use crate::tasks::segment::{class_colour, save_rgba_png};
use crate::train::checkpoint::{self, Checkpoint};

/// Channels of the detector's first stage (doubled at each stage).
pub const DETECTOR_WIDTH: usize = 16;
/// Weight of the box-size L1 loss (CenterNet's 0.1: sizes are in cells, offsets in 0..1).
pub const SIZE_WEIGHT: f32 = 0.1;
/// Weight of the foreground-mask loss.
pub const MASK_WEIGHT: f32 = 1.0;
/// Lowest score decoding keeps (mAP needs the low-scoring tail; the UI's slider hides it).
pub const MIN_SCORE: f32 = 0.05;
/// Most boxes kept per image.
pub const MAX_BOXES: usize = 50;
/// Boxes of one class overlapping a better one by more than this are suppressed.
pub const NMS_IOU: f32 = 0.5;
/// Foreground probability above which a pixel belongs to an instance.
pub const MASK_THRESHOLD: f32 = 0.5;

/// A batch of images with their encoded targets, ready for the network.
#[derive(Clone, Debug, PartialEq)]
pub struct DetectionBatch {
    /// `[n, c, h, w]` normalised pixels.
    pub images: Vec<f32>,
    /// `[n, c, h, w]`.
    pub shape: [usize; 4],
    /// Object classes (heat-map channels).
    pub classes: usize,
    /// `[n, K, h/4, w/4]`: 1 at each object's centre cell in its class channel.
    pub positive: Vec<f32>,
    /// `[n, K, h/4, w/4]`: focal-loss weight of the negatives, `(1 - gaussian)^4`, 0 at
    /// the centres.
    pub negative_weight: Vec<f32>,
    /// `[n, 4, h/4, w/4]`: box width, height (cells) and centre offset at the centres.
    pub regression: Vec<f32>,
    /// `[n, 1, h/4, w/4]`: 1 at the centre cells (where regression counts).
    pub centres: Vec<f32>,
    /// `[n, 1, h/2, w/2]`: fraction of each stride-2 cell covered by an object.
    pub foreground: Vec<f32>,
    /// Objects in the batch.
    pub objects: usize,
}

/// CenterNet's Gaussian radius: the largest centre shift (in cells) that keeps a box of
/// `width × height` cells above `min_overlap` IoU with the truth.
pub fn gaussian_radius(width: f32, height: f32, min_overlap: f32) -> f32 {
    let (w, h) = (width.max(0.0), height.max(0.0));
    let b1 = h + w;
    let c1 = w * h * (1.0 - min_overlap) / (1.0 + min_overlap);
    let r1 = (b1 + (b1 * b1 - 4.0 * c1).max(0.0).sqrt()) / 2.0;
    let b2 = 2.0 * (h + w);
    let c2 = (1.0 - min_overlap) * w * h;
    let r2 = (b2 + (b2 * b2 - 16.0 * c2).max(0.0).sqrt()) / 2.0;
    let a3 = 4.0 * min_overlap;
    let b3 = -2.0 * min_overlap * (h + w);
    let c3 = (min_overlap - 1.0) * w * h;
    let r3 = (b3 + (b3 * b3 - 4.0 * a3 * c3).max(0.0).sqrt()) / 2.0;
    r1.min(r2).min(r3).max(0.0)
}

/// The targets of one image of `width × height` pixels: appended to `batch` (whose
/// buffers grow by one image).
fn encode_into(
    batch: &mut DetectionBatch,
    boxes: &[LabeledBox],
    masks: Option<&[InstanceMask]>,
    width: usize,
    height: usize,
) {
    let k = batch.classes;
    let (ow, oh) = (width / STRIDE, height / STRIDE);
    let (mw, mh) = (width / MASK_STRIDE, height / MASK_STRIDE);
    let cells = ow * oh;
    let mut heat = vec![0.0f32; k * cells];
    let mut positive = vec![0.0f32; k * cells];
    let mut regression = vec![0.0f32; 4 * cells];
    let mut centres = vec![0.0f32; cells];
    for b in boxes {
        if b.class >= k || !(b.x1 > b.x0 && b.y1 > b.y0) {
            continue;
        }
        let s = STRIDE as f32;
        let (bw, bh) = ((b.x1 - b.x0) / s, (b.y1 - b.y0) / s);
        let (cx, cy) = ((b.x0 + b.x1) / 2.0 / s, (b.y0 + b.y1) / 2.0 / s);
        if !(cx.is_finite() && cy.is_finite()) {
            continue;
        }
        let ix = (cx.floor().max(0.0) as usize).min(ow.saturating_sub(1));
        let iy = (cy.floor().max(0.0) as usize).min(oh.saturating_sub(1));
        let radius = gaussian_radius(bw, bh, 0.7).floor();
        let sigma = (2.0 * radius + 1.0) / 6.0;
        let channel = &mut heat[b.class * cells..(b.class + 1) * cells];
        for y in 0..oh {
            for x in 0..ow {
                let (dx, dy) = (x as f32 - ix as f32, y as f32 - iy as f32);
                let g = (-(dx * dx + dy * dy) / (2.0 * sigma * sigma)).exp();
                let v = &mut channel[y * ow + x];
                *v = v.max(g);
            }
        }
        let at = iy * ow + ix;
        positive[b.class * cells + at] = 1.0;
        regression[at] = bw;
        regression[cells + at] = bh;
        regression[2 * cells + at] = cx - ix as f32;
        regression[3 * cells + at] = cy - iy as f32;
        centres[at] = 1.0;
        batch.objects += 1;
    }
    batch.negative_weight.extend(
        heat.iter()
            .zip(&positive)
            .map(|(&g, &p)| if p > 0.0 { 0.0 } else { (1.0 - g).powi(4) }),
    );
    batch.positive.extend_from_slice(&positive);
    batch.regression.extend_from_slice(&regression);
    batch.centres.extend_from_slice(&centres);
    // Foreground: the union of the instance masks, or of the boxes when there are none.
    let mut full = vec![0u8; width * height];
    match masks {
        Some(masks) if !masks.is_empty() => {
            for m in masks {
                if m.width as usize == width && m.height as usize == height {
                    for (f, &p) in full.iter_mut().zip(&m.pixels) {
                        *f |= u8::from(p != 0);
                    }
                }
            }
        }
        _ => {
            for b in boxes {
                let x0 = b.x0.max(0.0).round() as usize;
                let y0 = b.y0.max(0.0).round() as usize;
                let x1 = (b.x1.max(0.0).round() as usize).min(width);
                let y1 = (b.y1.max(0.0).round() as usize).min(height);
                for y in y0..y1 {
                    full[y * width + x0.min(x1)..y * width + x1].fill(1);
                }
            }
        }
    }
    let per_cell = (MASK_STRIDE * MASK_STRIDE) as f32;
    for y in 0..mh {
        for x in 0..mw {
            let mut sum = 0u32;
            for dy in 0..MASK_STRIDE {
                for dx in 0..MASK_STRIDE {
                    sum += u32::from(full[(y * MASK_STRIDE + dy) * width + x * MASK_STRIDE + dx]);
                }
            }
            batch.foreground.push(sum as f32 / per_cell);
        }
    }
}

/// Makes a batch of `samples` (all of one size, a multiple of 8 on each side), encoding
/// their boxes (and masks) as the detector's targets.
pub fn make_batch<'a>(
    samples: impl IntoIterator<Item = &'a DetectionSample>,
    classes: usize,
    norm: &Normalization,
) -> DetectionBatch {
    let mut batch = DetectionBatch {
        images: Vec::new(),
        shape: [0; 4],
        classes,
        positive: Vec::new(),
        negative_weight: Vec::new(),
        regression: Vec::new(),
        centres: Vec::new(),
        foreground: Vec::new(),
        objects: 0,
    };
    let mut n = 0;
    for sample in samples {
        let image = &sample.image;
        let (c, h, w) = (3usize, image.height as usize, image.width as usize);
        if n == 0 {
            batch.shape = [0, c, h, w];
        } else if [c, h, w] != batch.shape[1..] {
            // A sample of another size would shift the batch: it is left out.
            continue;
        }
        batch.images.extend(norm.write_chw(image, c, h, w));
        encode_into(&mut batch, &sample.boxes, sample.masks.as_deref(), w, h);
        n += 1;
    }
    batch.shape[0] = n;
    batch
}

/// A batch's tensors on a device.
pub struct BatchTensors {
    /// `[n, c, h, w]`.
    pub images: Tensor<4>,
    /// `[n, K, h/4, w/4]`.
    pub positive: Tensor<4>,
    /// `[n, K, h/4, w/4]`.
    pub negative_weight: Tensor<4>,
    /// `[n, 4, h/4, w/4]`.
    pub regression: Tensor<4>,
    /// `[n, 1, h/4, w/4]`.
    pub centres: Tensor<4>,
    /// `[n, 1, h/2, w/2]`.
    pub foreground: Tensor<4>,
    /// Objects in the batch (at least 1, the loss's divisor).
    pub objects: f32,
}

impl DetectionBatch {
    /// Uploads the batch.
    pub fn tensors(self, device: &Device) -> BatchTensors {
        let [n, c, h, w] = self.shape;
        let (oh, ow) = (h / STRIDE, w / STRIDE);
        let (mh, mw) = (h / MASK_STRIDE, w / MASK_STRIDE);
        let k = self.classes;
        let t = |data: Vec<f32>, shape: [usize; 4]| {
            Tensor::<4>::from_data(TensorData::new(data, shape), device)
        };
        BatchTensors {
            images: t(self.images, [n, c, h, w]),
            positive: t(self.positive, [n, k, oh, ow]),
            negative_weight: t(self.negative_weight, [n, k, oh, ow]),
            regression: t(self.regression, [n, 4, oh, ow]),
            centres: t(self.centres, [n, 1, oh, ow]),
            foreground: t(self.foreground, [n, 1, mh, mw]),
            objects: self.objects.max(1) as f32,
        }
    }
}

/// The loss's parts for one batch (each a `[1]` tensor).
pub struct DetectionLoss {
    /// Everything, weighted: what is minimised.
    pub total: Tensor<1>,
    /// Heat-map focal loss.
    pub heat: Tensor<1>,
    /// Box size and offset L1.
    pub boxes: Tensor<1>,
    /// Foreground binary cross-entropy.
    pub mask: Tensor<1>,
}

/// CenterNet's loss: penalty-reduced focal loss (α = 2, β = 4) on the heat-map, L1 on the
/// size (× [`SIZE_WEIGHT`]) and offset at the centres, each divided by the object count,
/// plus the mean binary cross-entropy of the foreground mask (× [`MASK_WEIGHT`]).
pub fn detection_loss(out: DetectorOutput, t: &BatchTensors) -> DetectionLoss {
    let logits = out.heat; // [n, K, oh, ow]
    let p = sigmoid(logits.clone());
    let one_minus_p = p.clone().neg() + 1.0;
    let pos =
        (log_sigmoid(logits.clone()) * one_minus_p.clone() * one_minus_p * t.positive.clone())
            .sum();
    let neg = (log_sigmoid(logits.neg()) * p.clone() * p * t.negative_weight.clone()).sum();
    let heat = (pos + neg).neg() / t.objects;

    let [n, _, oh, ow] = out.boxes.dims();
    let diff = (out.boxes - t.regression.clone()).abs() * t.centres.clone(); // [n, 4, oh, ow]
    let size = diff.clone().narrow(1, 0, 2).sum();
    let offset = diff.narrow(1, 2, 2).sum();
    debug_assert_eq!(t.centres.dims(), [n, 1, oh, ow]);
    let boxes = (size * SIZE_WEIGHT + offset) / t.objects;

    let x = out.mask; // [n, 1, mh, mw]
    let target = t.foreground.clone();
    let bce = (log_sigmoid(x.clone()) * target.clone()
        + log_sigmoid(x.neg()) * (target.neg() + 1.0))
        .mean()
        .neg();
    let mask = bce;
    DetectionLoss {
        total: heat.clone() + boxes.clone() + mask.clone() * MASK_WEIGHT,
        heat,
        boxes,
        mask,
    }
}

/// A detected object in input pixels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Detected {
    /// Class index.
    pub class: usize,
    /// Heat-map peak probability, 0..1.
    pub score: f32,
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
}

impl Detected {
    /// As the metrics' detection type.
    pub fn as_detection(&self) -> crate::tasks::detect::metrics::Detection {
        crate::tasks::detect::metrics::Detection {
            class: self.class,
            score: self.score,
            x0: self.x0,
            y0: self.y0,
            x1: self.x1,
            y1: self.y1,
        }
    }

    /// As a labelled box (the score dropped).
    pub fn labeled(&self) -> LabeledBox {
        LabeledBox {
            class: self.class,
            x0: self.x0,
            y0: self.y0,
            x1: self.x1,
            y1: self.y1,
        }
    }
}

/// A foreground probability map of one image (at the mask head's resolution).
#[derive(Clone, Debug, PartialEq)]
pub struct Foreground {
    /// Width in cells.
    pub width: usize,
    /// Height in cells.
    pub height: usize,
    /// `width * height` probabilities.
    pub probabilities: Vec<f32>,
}

impl Foreground {
    /// Bilinear sample at `(u, v)` in cell coordinates (cell centres at `i + 0.5`).
    fn sample(&self, u: f32, v: f32) -> f32 {
        if self.width == 0 || self.height == 0 {
            return 0.0;
        }
        let x = (u - 0.5).clamp(0.0, (self.width - 1) as f32);
        let y = (v - 0.5).clamp(0.0, (self.height - 1) as f32);
        let (x0, y0) = (x.floor() as usize, y.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(self.width - 1), (y0 + 1).min(self.height - 1));
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let p = |xx: usize, yy: usize| self.probabilities[yy * self.width + xx];
        let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
        let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
        top * (1.0 - fy) + bottom * fy
    }

    /// The instance mask of `detected` in a `width × height` picture whose pixels map onto
    /// this map's whole extent: the foreground pixels inside the box.
    pub fn instance_mask(&self, detected: &Detected, width: u32, height: u32) -> InstanceMask {
        let mut pixels = vec![0u8; width as usize * height as usize];
        let sx = self.width as f32 / width.max(1) as f32;
        let sy = self.height as f32 / height.max(1) as f32;
        let x0 = detected.x0.max(0.0).floor() as u32;
        let y0 = detected.y0.max(0.0).floor() as u32;
        let x1 = (detected.x1.max(0.0).ceil() as u32).min(width);
        let y1 = (detected.y1.max(0.0).ceil() as u32).min(height);
        for y in y0..y1 {
            for x in x0..x1 {
                let (cx, cy) = (x as f32 + 0.5, y as f32 + 0.5);
                if cx < detected.x0 || cx > detected.x1 || cy < detected.y0 || cy > detected.y1 {
                    continue;
                }
                if self.sample(cx * sx, cy * sy) > MASK_THRESHOLD {
                    pixels[(y * width + x) as usize] = 1;
                }
            }
        }
        InstanceMask {
            width,
            height,
            pixels,
        }
    }
}

/// What the detector says about each image of a batch.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// Boxes kept after NMS, best first, in input pixels.
    pub boxes: Vec<Detected>,
    /// The foreground map, for instance masks.
    pub foreground: Foreground,
}

/// Decodes a forward pass: 3×3 max-pool peaks of the class heat-maps, the best
/// [`MAX_BOXES`] × 2 peaks with score ≥ `min_score`, their boxes, then class-aware NMS.
pub fn decode(out: DetectorOutput, min_score: f32) -> anyhow::Result<Vec<Decoded>> {
    let heat = sigmoid(out.heat); // [n, K, oh, ow]
    let pool = MaxPool2dConfig::new([3, 3])
        .with_strides([1, 1])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init();
    let peaks = pool.forward(heat.clone()); // [n, K, oh, ow]
    let kept = heat.clone().mask_fill(heat.not_equal(peaks), 0.0); // local maxima only
    let [n, k, oh, ow] = kept.dims();
    let [_, _, mh, mw] = out.mask.dims();
    let scores = to_vec(kept)?;
    let regression = to_vec(out.boxes)?;
    let foreground = to_vec(sigmoid(out.mask))?;
    let cells = oh * ow;
    let mut decoded = Vec::with_capacity(n);
    for i in 0..n {
        let image_scores = &scores[i * k * cells..(i + 1) * k * cells];
        let reg = &regression[i * 4 * cells..(i + 1) * 4 * cells];
        let mut candidates: Vec<(f32, usize)> = image_scores
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, s)| s >= min_score && s.is_finite())
            .map(|(j, s)| (s, j))
            .collect();
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        candidates.truncate(MAX_BOXES * 2);
        let s = STRIDE as f32;
        let boxes: Vec<Detected> = candidates
            .into_iter()
            .map(|(score, j)| {
                let (class, at) = (j / cells, j % cells);
                let (x, y) = ((at % ow) as f32, (at / ow) as f32);
                let (w, h) = (reg[at].max(0.0) * s, reg[cells + at].max(0.0) * s);
                let cx = (x + reg[2 * cells + at]) * s;
                let cy = (y + reg[3 * cells + at]) * s;
                Detected {
                    class,
                    score,
                    x0: cx - w / 2.0,
                    y0: cy - h / 2.0,
                    x1: cx + w / 2.0,
                    y1: cy + h / 2.0,
                }
            })
            .collect();
        decoded.push(Decoded {
            boxes: non_maximum_suppression(boxes, NMS_IOU, MAX_BOXES),
            foreground: Foreground {
                width: mw,
                height: mh,
                probabilities: foreground[i * mh * mw..(i + 1) * mh * mw].to_vec(),
            },
        });
    }
    Ok(decoded)
}

fn to_vec<const D: usize>(t: Tensor<D>) -> anyhow::Result<Vec<f32>> {
    t.into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| anyhow::anyhow!("cannot read the detector's output: {e:?}"))
}

/// Class-aware non-maximum suppression (greedy, as torchvision's `batched_nms`): best
/// score first, a box is dropped when its IoU with a kept box of the same class is above
/// `iou_threshold`; boxes of different classes never suppress each other. Returns the kept
/// boxes, best first, at most `max` of them. Boxes with a NaN score are dropped.
///
/// Written here rather than taken from `burn::vision`: that crate is used for nothing else,
/// and it brings every codec of `image` (an AV1 encoder among them) into the build.
pub fn non_maximum_suppression(
    mut boxes: Vec<Detected>,
    iou_threshold: f32,
    max: usize,
) -> Vec<Detected> {
    boxes.retain(|b| !b.score.is_nan());
    // Stable: of equal scores, the earlier box wins.
    boxes.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Detected> = Vec::with_capacity(boxes.len().min(max));
    for candidate in boxes {
        if kept.len() >= max {
            break;
        }
        let suppressed = kept.iter().any(|k| {
            k.class == candidate.class
                && metrics::iou(&k.as_detection(), &candidate.as_detection()) > iou_threshold
        });
        if !suppressed {
            kept.push(candidate);
        }
    }
    kept
}

/// Decoded boxes with their instance masks at the input size, as the protocol carries them.
pub fn scored_boxes(decoded: &Decoded, width: u32, height: u32) -> Vec<ScoredBox> {
    decoded
        .boxes
        .iter()
        .map(|d| ScoredBox {
            bbox: d.labeled(),
            score: d.score,
            mask: Some(decoded.foreground.instance_mask(d, width, height)),
        })
        .collect()
}

/// A stable colour for class `class` (the segmentation palette, skipping black).
pub fn box_colour(class: usize) -> [u8; 3] {
    class_colour((class % 254 + 1) as u8)
}

/// A colour per instance `index` (golden-angle hues, saturated).
pub fn instance_colour(index: usize) -> [u8; 3] {
    hsv_rgb((index as f32 * 137.508) % 360.0, 0.85, 0.95)
}

/// The RGB bytes of a colour given by `hue` (degrees, `0..360`), `saturation` and `value`
/// (both `0..=1`).
pub fn hsv_rgb(hue: f32, saturation: f32, value: f32) -> [u8; 3] {
    let c = value * saturation;
    let x = c * (1.0 - ((hue / 60.0) % 2.0 - 1.0).abs());
    let m = value - c;
    let (r, g, b) = match (hue / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    [r, g, b].map(|v| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8)
}

/// Paints instance masks (one colour each, blended at `opacity`; later boxes are painted
/// first so the best-scoring box's colour wins where masks overlap) over `picture`.
pub fn paint_instances(picture: &mut RgbaImage, boxes: &[ScoredBox], opacity: f32) {
    let a = opacity.clamp(0.0, 1.0);
    for (index, b) in boxes.iter().enumerate().rev() {
        let Some(mask) = &b.mask else { continue };
        if mask.width as usize != picture.width || mask.height as usize != picture.height {
            continue;
        }
        let colour = instance_colour(index);
        for (px, &m) in picture.pixels.chunks_exact_mut(4).zip(&mask.pixels) {
            if m != 0 {
                for k in 0..3 {
                    px[k] = (f32::from(px[k]) * (1.0 - a) + f32::from(colour[k]) * a).round() as u8;
                }
            }
        }
    }
}

/// Draws a box outline `thickness` pixels wide in `colour` onto `picture` (clipped).
pub fn draw_box(picture: &mut RgbaImage, b: &LabeledBox, colour: [u8; 3], thickness: usize) {
    let (w, h) = (picture.width as i64, picture.height as i64);
    if w == 0
        || h == 0
        || !(b.x0.is_finite() && b.y0.is_finite() && b.x1.is_finite() && b.y1.is_finite())
    {
        return;
    }
    let x0 = (b.x0.round() as i64).clamp(0, w - 1);
    let y0 = (b.y0.round() as i64).clamp(0, h - 1);
    let x1 = ((b.x1.round() as i64) - 1).clamp(0, w - 1);
    let y1 = ((b.y1.round() as i64) - 1).clamp(0, h - 1);
    let t = thickness.max(1) as i64;
    let mut put = |x: i64, y: i64| {
        if (0..w).contains(&x) && (0..h).contains(&y) {
            let i = ((y * w + x) * 4) as usize;
            picture.pixels[i..i + 3].copy_from_slice(&colour);
            picture.pixels[i + 3] = 255;
        }
    };
    for d in 0..t {
        for x in x0..=x1 {
            put(x, y0 + d);
            put(x, y1 - d);
        }
        for y in y0..=y1 {
            put(x0 + d, y);
            put(x1 - d, y);
        }
    }
}

/// A detection checkpoint loaded for inference.
pub struct TrainedDetector {
    /// The checkpoint's metadata.
    pub checkpoint: Checkpoint,
    /// The network.
    pub model: Detector,
    /// Where it runs.
    pub device: Device,
}

/// A detector for `input` and `classes`: from scratch, or on MobileNetV2's encoder when
/// `model` is [`ModelKind::MobileNetV2`] — with its ImageNet weights when `pretrained`, else
/// fresh (a checkpoint's weights replace them).
pub fn build_detector(
    model: ModelKind,
    input: InputShape,
    classes: usize,
    pretrained: bool,
    device: &Device,
) -> Result<Detector, ModelError> {
    if model != ModelKind::MobileNetV2 {
        return Detector::new(input, classes, DETECTOR_WIDTH, device);
    }
    let encoder = MobileNetV2Encoder::for_input(
        "the MobileNetV2 detector (sides must be multiples of 32)",
        input,
        pretrained,
        device,
    )?;
    Detector::with_encoder(input, classes, DETECTOR_WIDTH, encoder, device)
}

/// Builds the detector a checkpoint describes and loads its weights.
pub fn detector_from(checkpoint: &Checkpoint, device: &Device) -> anyhow::Result<Detector> {
    let meta = &checkpoint.meta;
    checkpoint.expect_task(crate::core::protocol::Task::Detect, "a detection model")?;
    let fresh = build_detector(
        meta.config.model,
        meta.input,
        meta.classes.len(),
        false,
        device,
    )
    .map_err(|e| checkpoint.format_error(e.to_string()))?;
    Ok(checkpoint.load_into(fresh)?)
}

impl TrainedDetector {
    /// Loads a detection checkpoint onto a device.
    pub fn load(path: &Path, device: &Selected) -> anyhow::Result<Self> {
        let checkpoint = checkpoint::load(path)?;
        let model = detector_from(&checkpoint, &device.device)?.valid();
        Ok(TrainedDetector {
            checkpoint,
            model,
            device: device.device.clone(),
        })
    }

    /// Class names.
    pub fn classes(&self) -> &[String] {
        &self.checkpoint.meta.classes
    }

    /// The network input.
    pub fn input(&self) -> InputShape {
        self.checkpoint.meta.input
    }

    /// Detects objects in one RGB image already at input size.
    pub fn predict(&self, image: &Image) -> anyhow::Result<Decoded> {
        let sample = DetectionSample {
            name: String::new(),
            image: image.clone(),
            boxes: Vec::new(),
            masks: None,
        };
        let batch = make_batch(
            [&sample],
            self.classes().len(),
            &self.checkpoint.meta.normalization,
        );
        let t = batch.tensors(&self.device);
        let mut decoded = decode(self.model.forward(t.images), MIN_SCORE)?;
        decoded
            .pop()
            .context("the detector returned no output for the image")
    }
}

/// One predicted box in the original image's pixels: `[x0, y0, x1, y1, score, class]`.
pub type BoxRow = [f32; 6];

/// What `predict` found in one image file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BoxFile {
    /// The image.
    pub image: PathBuf,
    /// Its width and height in pixels.
    pub size: [u32; 2],
    /// Boxes with score ≥ the threshold, best first: `[x0, y0, x1, y1, score, class]`.
    pub boxes: Vec<BoxRow>,
    /// Class name of each box.
    pub labels: Vec<String>,
    /// The picture with boxes and instance masks drawn, when `--out` was given.
    pub drawn: Option<PathBuf>,
}

/// Detects objects in image files; boxes are scaled back to each file's own pixels. With
/// `out_dir`, writes `<stem>_boxes.png` (instance masks and boxes over the image) there.
pub fn predict_files(
    trained: &TrainedDetector,
    images: &[PathBuf],
    min_score: f32,
    out_dir: Option<&Path>,
) -> anyhow::Result<Vec<BoxFile>> {
    if let Some(dir) = out_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let input = trained.input();
    let mut found = Vec::with_capacity(images.len());
    for path in images {
        let decoded = image::ImageReader::open(path)
            .and_then(|r| r.with_guessed_format())
            .with_context(|| format!("cannot open {}", path.display()))
            .and_then(|r| {
                decode_oriented(r)
                    .with_context(|| format!("{} is not a readable image", path.display()))
            })?;
        let (w, h) = (decoded.width(), decoded.height());
        let small = image_folder::convert(&decoded, input.width as u32, input.height as u32, 3);
        let result = trained.predict(&small)?;
        let (sx, sy) = (
            w as f32 / input.width as f32,
            h as f32 / input.height as f32,
        );
        let kept: Vec<Detected> = result
            .boxes
            .iter()
            .filter(|d| d.score >= min_score)
            .map(|d| Detected {
                x0: (d.x0 * sx).clamp(0.0, w as f32),
                y0: (d.y0 * sy).clamp(0.0, h as f32),
                x1: (d.x1 * sx).clamp(0.0, w as f32),
                y1: (d.y1 * sy).clamp(0.0, h as f32),
                ..*d
            })
            .collect();
        let drawn = match out_dir {
            Some(dir) => {
                let stem = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("image")
                    .to_string();
                let mut picture = RgbaImage {
                    width: w as usize,
                    height: h as usize,
                    pixels: decoded.to_rgba8().into_raw(),
                };
                let scored: Vec<ScoredBox> = kept
                    .iter()
                    .map(|d| ScoredBox {
                        bbox: d.labeled(),
                        score: d.score,
                        mask: Some(result.foreground.instance_mask(d, w, h)),
                    })
                    .collect();
                paint_instances(&mut picture, &scored, 0.45);
                let thickness = (w.max(h) as usize / 200).max(1);
                for b in &scored {
                    draw_box(&mut picture, &b.bbox, box_colour(b.bbox.class), thickness);
                }
                let file = dir.join(format!("{stem}_boxes.png"));
                save_rgba_png(&file, &picture)?;
                Some(file)
            }
            None => None,
        };
        found.push(BoxFile {
            image: path.clone(),
            size: [w, h],
            boxes: kept
                .iter()
                .map(|d| [d.x0, d.y0, d.x1, d.y1, d.score, d.class as f32])
                .collect(),
            labels: kept
                .iter()
                .map(|d| {
                    trained
                        .classes()
                        .get(d.class)
                        .cloned()
                        .unwrap_or_else(|| d.class.to_string())
                })
                .collect(),
            drawn,
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(boxes: Vec<LabeledBox>) -> DetectionSample {
        DetectionSample {
            name: "t".into(),
            image: Image {
                width: 32,
                height: 32,
                channels: 3,
                pixels: vec![100; 32 * 32 * 3],
            },
            boxes,
            masks: None,
        }
    }

    #[test]
    fn targets_put_a_peak_and_the_box_at_the_centre() {
        let b = LabeledBox {
            class: 1,
            x0: 4.0,
            y0: 8.0,
            x1: 20.0,
            y1: 16.0,
        };
        let batch = make_batch([&sample(vec![b])], 2, &Normalization::identity(3));
        assert_eq!(batch.shape, [1, 3, 32, 32]);
        assert_eq!(batch.objects, 1);
        // Centre (12, 12) px → cell (3, 3) of 8×8, offset 0.
        let at = 3 * 8 + 3;
        assert_eq!(batch.positive[64 + at], 1.0);
        assert_eq!(batch.positive.iter().sum::<f32>(), 1.0);
        assert_eq!(batch.negative_weight[64 + at], 0.0);
        assert_eq!(batch.regression[at], 4.0); // 16 px wide = 4 cells
        assert_eq!(batch.regression[64 + at], 2.0);
        assert_eq!(batch.regression[128 + at], 0.0);
        assert_eq!(batch.centres.iter().sum::<f32>(), 1.0);
        // The box fills the foreground where there is no mask: 16×8 px of 32×32.
        let fg: f32 = batch.foreground.iter().sum::<f32>() * 4.0;
        assert_eq!(fg, 128.0);
        // Class 0's channel holds no splat.
        assert!(batch.negative_weight[..64].iter().all(|&w| w == 1.0));
    }

    #[test]
    fn nms_keeps_the_best_of_overlapping_boxes_per_class() {
        let d = |class, score, x0| Detected {
            class,
            score,
            x0,
            y0: 0.0,
            x1: x0 + 10.0,
            y1: 10.0,
        };
        let kept = non_maximum_suppression(
            vec![
                d(0, 0.5, 1.0),
                d(0, 0.9, 0.0),
                d(1, 0.7, 0.0),
                d(0, 0.3, 30.0),
            ],
            0.5,
            10,
        );
        let scores: Vec<f32> = kept.iter().map(|k| k.score).collect();
        assert_eq!(scores, vec![0.9, 0.7, 0.3]);
        // At most `max` boxes, the best ones.
        let two =
            non_maximum_suppression(vec![d(0, 0.2, 0.0), d(1, 0.8, 0.0), d(2, 0.5, 0.0)], 0.5, 2);
        assert_eq!(two.iter().map(|k| k.class).collect::<Vec<_>>(), vec![1, 2]);
        // Half-overlapping boxes (IoU 1/3) both stay at 0.5 and not at 0.3; NaN scores
        // are dropped.
        let third = || vec![d(0, 0.9, 0.0), d(0, 0.8, 5.0), d(0, f32::NAN, 0.0)];
        assert_eq!(non_maximum_suppression(third(), 0.5, 10).len(), 2);
        assert_eq!(non_maximum_suppression(third(), 0.3, 10).len(), 1);
    }

    #[test]
    fn instance_mask_is_the_foreground_inside_the_box() {
        let fg = Foreground {
            width: 4,
            height: 4,
            probabilities: vec![1.0; 16],
        };
        let d = Detected {
            class: 0,
            score: 1.0,
            x0: 2.0,
            y0: 2.0,
            x1: 6.0,
            y1: 4.0,
        };
        let m = fg.instance_mask(&d, 8, 8);
        assert_eq!(m.pixels.iter().filter(|&&p| p == 1).count(), 8);
        assert_eq!(m.pixels[2 * 8 + 2], 1);
        assert_eq!(m.pixels[2 * 8 + 6], 0);
    }

    #[test]
    fn gaussian_radius_grows_with_the_box() {
        assert!(gaussian_radius(2.0, 2.0, 0.7) < gaussian_radius(8.0, 8.0, 0.7));
        assert_eq!(gaussian_radius(0.0, 0.0, 0.7), 0.0);
    }
}
