//! The pretrained ImageNet MobileNetV2 as a ready classifier: top-k of the 1000 classes for
//! image files, with torchvision's preprocessing (shorter side to 256, centre crop 224).

use std::path::{Path, PathBuf};

use anyhow::Context;
use burn::prelude::*;
use burn::tensor::TensorData;
use image::DynamicImage;
use image::imageops::FilterType;

use crate::core::assets;
use crate::data::orientation::decode_oriented;
use crate::models::mobilenet_v2::{self, MobileNetV2};
use crate::tasks::classify::{FilePrediction, Scored};

/// Side of the network input.
pub const INPUT_SIDE: u32 = 224;
/// Shorter side the image is resized to before the centre crop.
pub const RESIZE_SIDE: u32 = 256;

/// The ImageNet network with its class names.
pub struct ImageNetClassifier {
    /// The network in inference mode.
    pub model: MobileNetV2,
    /// The 1000 class names.
    pub labels: Vec<String>,
    /// Where it runs.
    pub device: Device,
}

impl ImageNetClassifier {
    /// Loads the bundled weights and labels (see [`assets`]).
    pub fn load(device: &Device) -> anyhow::Result<Self> {
        let weights = assets::find(mobilenet_v2::WEIGHTS_ASSET)?;
        let labels = assets::find(mobilenet_v2::LABELS_ASSET)?;
        Self::load_from(&weights, &labels, device)
    }

    /// Loads weights and labels from explicit files.
    pub fn load_from(weights: &Path, labels: &Path, device: &Device) -> anyhow::Result<Self> {
        Ok(ImageNetClassifier {
            model: MobileNetV2::pretrained(weights, device)?,
            labels: mobilenet_v2::read_labels(labels)?,
            device: device.clone(),
        })
    }

    /// Class probabilities for one decoded image: `[1000]`.
    pub fn probabilities(&self, image: &DynamicImage) -> anyhow::Result<Vec<f32>> {
        let x = input_tensor(image, &self.device);
        let probs = burn::tensor::activation::softmax(self.model.forward(x), 1);
        probs
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|e| anyhow::anyhow!("reading probabilities: {e:?}"))
    }

    /// Top-`k` classes for each image file.
    pub fn predict_files(
        &self,
        paths: &[PathBuf],
        k: usize,
    ) -> anyhow::Result<Vec<FilePrediction>> {
        paths
            .iter()
            .map(|path| {
                let image = open(path)?;
                let p = self.probabilities(&image)?;
                Ok(FilePrediction {
                    path: path.clone(),
                    top: top_k(&p, k)
                        .into_iter()
                        .map(|i| Scored {
                            class: self.labels.get(i).cloned().unwrap_or_default(),
                            probability: p[i],
                        })
                        .collect(),
                })
            })
            .collect()
    }
}

/// Decodes an image file.
pub fn open(path: &Path) -> anyhow::Result<DynamicImage> {
    image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .with_context(|| format!("cannot open {}", path.display()))
        .and_then(|r| {
            decode_oriented(r)
                .with_context(|| format!("{} is not a readable image", path.display()))
        })
}

/// Indices of the `k` largest values, largest first.
pub fn top_k(values: &[f32], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    order.truncate(k.max(1));
    order
}

/// torchvision's evaluation preprocessing: shorter side to 256, centre 224×224 crop, RGB.
pub fn preprocess(image: &DynamicImage) -> image::RgbImage {
    preprocess_at(image, INPUT_SIDE)
}

/// The same preprocessing scaled to a `side`×`side` crop (shorter side to `side`·256/224
/// first): a smaller input is faster on a CPU, at some cost in accuracy.
pub fn preprocess_at(image: &DynamicImage, side: u32) -> image::RgbImage {
    let side = side.max(1);
    let resize = (side as f32 * RESIZE_SIDE as f32 / INPUT_SIDE as f32).round();
    let (w, h) = (image.width().max(1), image.height().max(1));
    let scale = resize / w.min(h) as f32;
    let (nw, nh) = (
        ((w as f32 * scale).round() as u32).max(side),
        ((h as f32 * scale).round() as u32).max(side),
    );
    let resized = image.resize_exact(nw, nh, FilterType::Triangle).to_rgb8();
    let (x0, y0) = ((nw - side) / 2, (nh - side) / 2);
    image::imageops::crop_imm(&resized, x0, y0, side, side).to_image()
}

/// The network input for one image: `[1, 3, 224, 224]` on 0..1.
pub fn input_tensor(image: &DynamicImage, device: &Device) -> Tensor<4> {
    let rgb = preprocess(image);
    let side = INPUT_SIDE as usize;
    let mut chw = vec![0f32; 3 * side * side];
    for (i, px) in rgb.pixels().enumerate() {
        for c in 0..3 {
            chw[c * side * side + i] = f32::from(px[c]) / 255.0;
        }
    }
    Tensor::from_data(TensorData::new(chw, [1, 3, side, side]), device)
}
