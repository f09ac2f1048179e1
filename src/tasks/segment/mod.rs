//! Semantic segmentation: batches of images with their masks, the loss that skips ignored
//! pixels, exact metrics over a split, and masks predicted for image files.

pub mod data;
pub mod defaults;
pub mod eval;
pub mod model;
pub mod train;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use burn::prelude::*;
use burn::tensor::TensorData;
use burn::tensor::activation::{log_sigmoid, log_softmax};
use rand::rngs::StdRng;
use serde::Serialize;

use crate::core::device::Selected;
use crate::core::files::write_atomic;
use crate::core::protocol::{ModelKind, RgbaImage};
use crate::data::augment::Policy;
use crate::data::batch::Normalization;
use crate::data::orientation::decode_oriented;
use crate::data::{Image, image_folder};
use crate::models::mobilenet_v2::MobileNetV2Encoder;
use crate::models::{InputShape, ModelError};
use crate::tasks::segment::data as masks;
use crate::tasks::segment::data::{IGNORE, MaskedImage};
use crate::tasks::segment::model::UNet;
use crate::train::checkpoint;
use crate::train::checkpoint::Checkpoint;
use crate::train::metrics::Confusion;

/// A batch of images and their masks, ready for the network.
#[derive(Clone, Debug, PartialEq)]
pub struct MaskBatch {
    /// `N * C * H * W` normalised values.
    pub images: Vec<f32>,
    /// `N * H * W` class indices (255 = ignored).
    pub targets: Vec<i64>,
    /// Index of each image in the items the batch was made from.
    pub indices: Vec<usize>,
    /// `[N, C, H, W]`.
    pub shape: [usize; 4],
}

/// Makes a batch of `items[indices]`; with `augment`, each image and its mask get the same
/// random flip and shift (the mask is moved, never interpolated; the border a shift brings
/// in is ignored by the loss).
pub fn make_mask_batch(
    items: &[MaskedImage],
    indices: &[usize],
    norm: &Normalization,
    mut augment: Option<(&mut StdRng, Policy)>,
) -> MaskBatch {
    let picked: Vec<usize> = indices
        .iter()
        .copied()
        .filter(|&i| i < items.len())
        .collect();
    let Some(first) = picked.first().map(|&i| &items[i].image) else {
        return MaskBatch {
            images: Vec::new(),
            targets: Vec::new(),
            indices: Vec::new(),
            shape: [0; 4],
        };
    };
    let (c, h, w) = (
        first.channels.max(1) as usize,
        first.height as usize,
        first.width as usize,
    );
    let mut images = Vec::with_capacity(picked.len() * c * h * w);
    let mut targets = Vec::with_capacity(picked.len() * h * w);
    for &i in &picked {
        let item = &items[i];
        let (image, mask) = match augment.as_mut() {
            Some((rng, policy)) if !policy.is_off() => {
                let a = policy.draw(&mut **rng, item.image.width, item.image.height);
                (
                    a.apply(&item.image),
                    a.apply_mask_padded(&item.mask, item.image.width, item.image.height, IGNORE),
                )
            }
            _ => (item.image.clone(), item.mask.clone()),
        };
        images.extend_from_slice(&norm.write_chw(&image, c, h, w));
        let mut m: Vec<i64> = mask.iter().map(|&v| i64::from(v)).collect();
        // A malformed mask counts for nothing rather than shifting the batch.
        m.resize(h * w, i64::from(IGNORE));
        targets.extend_from_slice(&m[..h * w]);
    }
    MaskBatch {
        images,
        targets,
        shape: [picked.len(), c, h, w],
        indices: picked,
    }
}

/// Uploads a batch: images `[n, c, h, w]`, targets `[n, h, w]`.
pub fn mask_batch_tensors(batch: MaskBatch, device: &Device) -> (Tensor<4>, Tensor<3, Int>) {
    let [n, _, h, w] = batch.shape;
    let images = Tensor::<4>::from_data(TensorData::new(batch.images, batch.shape), device);
    let targets = Tensor::<3, Int>::from_data(TensorData::new(batch.targets, [n, h, w]), device);
    (images, targets)
}

/// Mean per-pixel cross-entropy over the pixels whose target is not [`IGNORE`].
///
/// `logits`: `[n, k, h, w]`, `targets`: `[n, h, w]` → `[1]` (0 when every pixel is
/// ignored).
pub fn masked_cross_entropy(logits: Tensor<4>, targets: Tensor<3, Int>) -> Tensor<1> {
    let valid = targets.clone().not_equal_elem(i64::from(IGNORE)); // [n, h, w]
    let safe = targets.mask_fill(valid.clone().bool_not(), 0); // ignored → class 0
    let log_p = log_softmax(logits, 1); // [n, k, h, w]
    let picked: Tensor<3> = log_p.gather(1, safe.unsqueeze_dim(1)).squeeze_dim(1); // [n, h, w]
    let weight = valid.float(); // [n, h, w]
    let count = weight.clone().sum().clamp_min(1.0); // [1]
    (picked * weight).sum().neg() / count
}

/// Weight of the class-presence loss beside the per-pixel loss (EncNet uses 0.2; on the
/// shapes, 0.5 tells the similar classes apart epochs earlier).
pub const PRESENCE_WEIGHT: f32 = 0.5;

/// For each image of a batch, 1.0 for each class that occurs in its (non-ignored) pixels:
/// `n * classes` values, row-major.
pub fn presence_targets(batch: &MaskBatch, classes: usize) -> Vec<f32> {
    let [n, _, h, w] = batch.shape;
    let mut out = vec![0f32; n * classes];
    for (i, mask) in batch.targets.chunks(h * w).enumerate().take(n) {
        for &t in mask {
            if let Ok(c) = usize::try_from(t)
                && c < classes
            {
                out[i * classes + c] = 1.0;
            }
        }
    }
    out
}

/// Mean binary cross-entropy of class-presence logits `[n, k]` against 0/1 targets
/// `[n, k]` → `[1]`.
pub fn presence_loss(logits: Tensor<2>, present: Tensor<2>) -> Tensor<1> {
    let absent = present.clone().neg() + 1.0;
    let per = present * log_sigmoid(logits.clone()) + absent * log_sigmoid(logits.neg());
    per.mean().neg()
}

/// The most likely class of every pixel: `[n, k, h, w]` → `n * h * w` indices.
pub fn argmax_masks(logits: Tensor<4>) -> anyhow::Result<Vec<u8>> {
    let classes = logits.dims()[1];
    let best = logits.argmax(1); // [n, 1, h, w]
    let values = best
        .into_data()
        .convert::<i64>()
        .try_into_vec::<i64>()
        .map_err(|e| anyhow::anyhow!("reading predicted masks: {e:?}"))?;
    Ok(masks_from_indices(values, classes))
}

/// Mask pixels from the class indices of `argmax(1)` over `classes` (read back already).
pub fn masks_from_indices(values: Vec<i64>, classes: usize) -> Vec<u8> {
    values
        .into_iter()
        .map(|v| v.clamp(0, classes.saturating_sub(1) as i64) as u8)
        .collect()
}

/// Loss, confusion matrix and predicted masks of a model over a split.
pub struct SplitEval {
    /// Mean masked cross-entropy over the batches (weighted by images).
    pub loss: f32,
    /// Pixel confusion matrix (ignored pixels left out).
    pub confusion: Confusion,
    /// One predicted mask per item, in order.
    pub predicted: Vec<Vec<u8>>,
}

/// Evaluates `model` on `items` in inference mode.
pub fn evaluate(
    model: &UNet,
    items: &[MaskedImage],
    norm: &Normalization,
    classes: usize,
    batch_size: usize,
    device: &Device,
) -> anyhow::Result<SplitEval> {
    let model = model.valid();
    let mut confusion = Confusion::new(classes);
    let mut predicted = Vec::with_capacity(items.len());
    let mut loss_sum = 0.0f64;
    let indices: Vec<usize> = (0..items.len()).collect();
    for chunk in indices.chunks(batch_size.max(1)) {
        let batch = make_mask_batch(items, chunk, norm, None);
        let [n, _, h, w] = batch.shape;
        let (x, y) = mask_batch_tensors(batch, device);
        let logits = model.forward(x); // [n, k, h, w]
        let loss: f32 = masked_cross_entropy(logits.clone(), y).into_scalar();
        loss_sum += f64::from(loss) * n as f64;
        let masks = argmax_masks(logits)?;
        for (k, &i) in chunk.iter().enumerate() {
            let pred = masks[k * h * w..(k + 1) * h * w].to_vec();
            confusion.add_pixels(&items[i].mask, &pred);
            predicted.push(pred);
        }
    }
    Ok(SplitEval {
        loss: if items.is_empty() {
            0.0
        } else {
            (loss_sum / items.len() as f64) as f32
        },
        confusion,
        predicted,
    })
}

/// The colour masks and overlays use for class `index`: the Pascal VOC colour map, with
/// class 0 (background) black; ignored pixels cream.
pub fn class_colour(index: u8) -> [u8; 3] {
    if index == IGNORE {
        [224, 224, 192]
    } else {
        masks::voc_colour(index)
    }
}

/// Blends the colour of each pixel's class over `image` with `opacity` (0..1); background
/// (class 0) stays uncoloured. `mask` has one value per pixel of `image`.
pub fn blend(image: &RgbaImage, mask: &[u8], opacity: f32) -> RgbaImage {
    let a = opacity.clamp(0.0, 1.0);
    let mut pixels = image.pixels.clone();
    for (px, &m) in pixels.chunks_exact_mut(4).zip(mask) {
        if m == 0 {
            continue;
        }
        let c = class_colour(m);
        for k in 0..3 {
            px[k] = (f32::from(px[k]) * (1.0 - a) + f32::from(c[k]) * a).round() as u8;
        }
    }
    RgbaImage {
        width: image.width,
        height: image.height,
        pixels,
    }
}

/// A segmentation checkpoint loaded for inference.
pub struct TrainedSegmenter {
    /// The checkpoint's metadata.
    pub checkpoint: Checkpoint,
    /// The network.
    pub model: UNet,
    /// Where it runs.
    pub device: Device,
}

/// A U-Net for `input` and `classes`: from scratch, or on MobileNetV2's encoder when
/// `model` is [`ModelKind::MobileNetV2`] — with its ImageNet weights when `pretrained`, else
/// fresh (a checkpoint's weights replace them).
pub fn build_unet(
    model: ModelKind,
    input: InputShape,
    classes: usize,
    width: usize,
    pretrained: bool,
    device: &Device,
) -> Result<UNet, ModelError> {
    if model != ModelKind::MobileNetV2 {
        return UNet::new(input, classes, width, device);
    }
    let encoder = MobileNetV2Encoder::for_input(
        "the MobileNetV2 U-Net (sides must be multiples of 32)",
        input,
        pretrained,
        device,
    )?;
    UNet::with_encoder(input, classes, width, encoder, device)
}

/// Builds the U-Net a checkpoint describes and loads its weights. Checkpoints of revision 0
/// get the network they were trained in (plain ReLUs, no presence prior).
pub fn unet_from(checkpoint: &Checkpoint, device: &Device) -> anyhow::Result<UNet> {
    let meta = &checkpoint.meta;
    checkpoint.expect_task(crate::core::protocol::Task::Segment, "a segmentation model")?;
    // A width of 0 would panic in batch norm, a huge one allocate without bound: say which
    // file holds it (the other sizes are checked by `UNet::new`).
    crate::core::limits::check_unet_width(meta.config.unet_width)
        .map_err(|e| anyhow::anyhow!(e.in_file(&checkpoint.path)))?;
    let fresh = build_unet(
        meta.config.model,
        meta.input,
        meta.classes.len(),
        meta.config.unet_width,
        false,
        device,
    )
    .map_err(|e| checkpoint.format_error(e.to_string()))?;
    Ok(checkpoint.load_into(fresh)?.with_revision(meta.revision))
}

impl TrainedSegmenter {
    /// Loads a segmentation checkpoint onto a device.
    pub fn load(path: &Path, device: &Selected) -> anyhow::Result<Self> {
        let checkpoint = checkpoint::load(path)?;
        let model = unet_from(&checkpoint, &device.device)?.valid();
        Ok(TrainedSegmenter {
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

    /// Predicts the mask of one image already at input size: `height * width` classes.
    pub fn predict(&self, image: &Image) -> anyhow::Result<Vec<u8>> {
        let item = MaskedImage {
            image: image.clone(),
            mask: Vec::new(),
            name: String::new(),
        };
        let batch = make_mask_batch(
            std::slice::from_ref(&item),
            &[0],
            &self.checkpoint.meta.normalization,
            None,
        );
        let (x, _) = mask_batch_tensors(batch, &self.device);
        argmax_masks(self.model.forward(x))
    }
}

/// What `predict` wrote for one image.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MaskFile {
    /// The image.
    pub image: PathBuf,
    /// The predicted class indices, as a palette PNG at the image's own size.
    pub mask: PathBuf,
    /// The image with the mask blended over it.
    pub overlay: PathBuf,
    /// Fraction of the pixels given to each class, by name.
    pub class_fractions: Vec<(String, f32)>,
}

/// Predicts masks for image files and writes, for each, `<stem>_mask.png` (class indices
/// at the image's own size) and `<stem>_overlay.png` into `out_dir`.
pub fn predict_files(
    trained: &TrainedSegmenter,
    images: &[PathBuf],
    out_dir: &Path,
) -> anyhow::Result<Vec<MaskFile>> {
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    let input = trained.input();
    let mut written = Vec::with_capacity(images.len());
    for path in images {
        let decoded = image::ImageReader::open(path)
            .and_then(|r| r.with_guessed_format())
            .with_context(|| format!("cannot open {}", path.display()))
            .and_then(|r| {
                decode_oriented(r)
                    .with_context(|| format!("{} is not a readable image", path.display()))
            })?;
        let (w, h) = (decoded.width(), decoded.height());
        let small = image_folder::convert(
            &decoded,
            input.width as u32,
            input.height as u32,
            input.channels as u32,
        );
        let mask = trained.predict(&small)?;
        // Back to the image's own size, nearest neighbour.
        let full = masks::resize_mask(
            &masks::RawMask {
                width: input.width as u32,
                height: input.height as u32,
                values: mask,
            },
            w,
            h,
        );
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("image")
            .to_string();
        let mask_path = out_dir.join(format!("{stem}_mask.png"));
        masks::save_mask_png(&mask_path, w, h, &full)?;
        let rgba = decoded.to_rgba8();
        let original = RgbaImage {
            width: w as usize,
            height: h as usize,
            pixels: rgba.into_raw(),
        };
        let overlay = blend(&original, &full, 0.5);
        let overlay_path = out_dir.join(format!("{stem}_overlay.png"));
        save_rgba_png(&overlay_path, &overlay)?;
        let mut counts = vec![0usize; trained.classes().len()];
        for &v in &full {
            if let Some(c) = counts.get_mut(v as usize) {
                *c += 1;
            }
        }
        let total = full.len().max(1) as f32;
        written.push(MaskFile {
            image: path.clone(),
            mask: mask_path,
            overlay: overlay_path,
            class_fractions: trained
                .classes()
                .iter()
                .cloned()
                .zip(counts.iter().map(|&c| c as f32 / total))
                .collect(),
        });
    }
    Ok(written)
}

/// Writes an RGBA picture as PNG, atomically.
pub fn save_rgba_png(path: &Path, picture: &RgbaImage) -> anyhow::Result<()> {
    let Some(buffer) = image::RgbaImage::from_raw(
        picture.width as u32,
        picture.height as u32,
        picture.pixels.clone(),
    ) else {
        bail!("{}: picture buffer has the wrong size", path.display());
    };
    let mut bytes = std::io::Cursor::new(Vec::new());
    buffer
        .write_to(&mut bytes, image::ImageFormat::Png)
        .with_context(|| format!("cannot encode {}", path.display()))?;
    write_atomic(path, bytes.get_ref())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(mask: Vec<u8>) -> MaskedImage {
        MaskedImage {
            image: Image {
                width: 2,
                height: 2,
                channels: 1,
                pixels: vec![0, 255, 0, 255],
            },
            mask,
            name: "x".into(),
        }
    }

    #[test]
    fn loss_skips_ignored_pixels_exactly() {
        let device = Device::flex();
        // One image, 2 classes, 1×2 pixels: logits favour class 0 then class 1.
        let logits = Tensor::<4>::from_data(
            TensorData::new(vec![2.0f32, 0.0, 0.0, 1.0], [1, 2, 1, 2]),
            &device,
        );
        let ln = |x: f64| x.ln();
        // Pixel 0: p(class 0) = e²/(e²+1); pixel 1: p(class 1) = e/(1+e).
        let p0 = -ln((2f64).exp() / ((2f64).exp() + 1.0));
        let p1 = -ln((1f64).exp() / (1.0 + (1f64).exp()));
        let both = Tensor::<3, Int>::from_data(TensorData::new(vec![0i64, 1], [1, 1, 2]), &device);
        let loss: f32 = masked_cross_entropy(logits.clone(), both).into_scalar();
        assert!((f64::from(loss) - (p0 + p1) / 2.0).abs() < 1e-5);
        let second_ignored =
            Tensor::<3, Int>::from_data(TensorData::new(vec![0i64, 255], [1, 1, 2]), &device);
        let loss: f32 = masked_cross_entropy(logits.clone(), second_ignored).into_scalar();
        assert!((f64::from(loss) - p0).abs() < 1e-5);
        let all_ignored =
            Tensor::<3, Int>::from_data(TensorData::new(vec![255i64, 255], [1, 1, 2]), &device);
        let loss: f32 = masked_cross_entropy(logits, all_ignored).into_scalar();
        assert_eq!(loss, 0.0);
    }

    #[test]
    fn presence_targets_and_loss_by_hand() {
        let batch = MaskBatch {
            images: vec![0.0; 4],
            targets: vec![0, 2, 255, 0],
            indices: vec![0, 1],
            shape: [2, 1, 1, 2],
        };
        assert_eq!(
            presence_targets(&batch, 3),
            vec![1.0, 0.0, 1.0, 1.0, 0.0, 0.0]
        );
        let device = Device::flex();
        let logits = Tensor::<2>::from_data(TensorData::new(vec![0.0f32, 2.0], [1, 2]), &device);
        let present = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, 0.0], [1, 2]), &device);
        let loss: f32 = presence_loss(logits, present).into_scalar();
        // −(ln σ(0) + ln(1 − σ(2))) / 2
        let expected = (2f64.ln() + (1.0 + 2f64.exp()).ln()) / 2.0;
        assert!((f64::from(loss) - expected).abs() < 1e-5);
    }

    #[test]
    fn argmax_gives_one_class_per_pixel() {
        let device = Device::flex();
        let logits = Tensor::<4>::from_data(
            TensorData::new(vec![2.0f32, 0.0, 0.0, 1.0, 5.0, -1.0], [1, 3, 1, 2]),
            &device,
        );
        assert_eq!(argmax_masks(logits).unwrap(), vec![2, 1]);
    }

    #[test]
    fn augmentation_moves_image_and_mask_together() {
        use rand::SeedableRng;
        let items = vec![item(vec![0, 1, 0, 1])];
        let norm = Normalization::identity(1);
        let mut rng = StdRng::seed_from_u64(1);
        let policy = Policy {
            shift: false,
            flip: true,
        };
        for _ in 0..8 {
            let b = make_mask_batch(&items, &[0], &norm, Some((&mut rng, policy)));
            // Bright pixels are exactly the class-1 pixels, flipped or not.
            for (v, t) in b.images.iter().zip(&b.targets) {
                assert_eq!(*v > 0.5, *t == 1);
            }
        }
    }

    #[test]
    fn blend_leaves_background_and_colours_classes() {
        let image = RgbaImage {
            width: 2,
            height: 1,
            pixels: vec![100, 100, 100, 255, 100, 100, 100, 255],
        };
        let out = blend(&image, &[0, 1], 0.5);
        assert_eq!(&out.pixels[..4], &[100, 100, 100, 255]);
        // Class 1 is VOC (128, 0, 0): halfway between.
        assert_eq!(&out.pixels[4..], &[114, 50, 50, 255]);
    }
}
