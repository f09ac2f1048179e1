//! The model side of the explorer: a checkpoint's classifier or the bundled ImageNet
//! MobileNetV2, turning decoded images into embeddings (the penultimate layer) and class
//! probabilities.

use std::path::PathBuf;

use anyhow::Context;
use burn::prelude::*;
use burn::tensor::TensorData;
use image::DynamicImage;

use crate::core::assets;
use crate::core::device::Selected;
use crate::core::protocol::{EmbeddingModel, TrainConfig};
use crate::data::Image;
use crate::data::batch::Normalization;
use crate::data::image_folder;
use crate::models::mobilenet_v2;
use crate::models::{Classifier, InputShape, MobileNetV2};
use crate::tasks::classify::Trained;
use crate::tasks::classify::imagenet::{self, ImageNetClassifier};

/// A model ready to embed images.
pub enum Embedder {
    /// A classifier checkpoint.
    Checkpoint {
        /// The checkpoint.
        trained: Box<Trained>,
        /// Its network in inference mode.
        model: Box<Classifier>,
    },
    /// The ImageNet MobileNetV2 and its 1000 class names, reading `side`×`side` crops.
    ImageNet {
        /// The network and its class names.
        net: Box<ImageNetClassifier>,
        /// Side of the input crop.
        side: u32,
    },
}

/// Embeddings and probabilities of a batch of images.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbeddedBatch {
    /// `n × dim` values.
    pub embeddings: Vec<f32>,
    /// Length of an embedding.
    pub dim: usize,
    /// `n × classes` softmax probabilities.
    pub probabilities: Vec<f32>,
}

impl Embedder {
    /// Loads the model onto `device`; the ImageNet model reads `imagenet_side`-pixel crops
    /// (`None`: 224). Errors name the checkpoint file (missing, damaged, not a classifier),
    /// the missing asset or a side out of range.
    pub fn load(
        model: &EmbeddingModel,
        imagenet_side: Option<u32>,
        device: &Selected,
    ) -> anyhow::Result<Self> {
        match model {
            EmbeddingModel::Checkpoint(path) => {
                let trained = Trained::load(path, device)?;
                let model = Box::new(trained.model.valid());
                Ok(Embedder::Checkpoint {
                    trained: Box::new(trained),
                    model,
                })
            }
            EmbeddingModel::ImageNet => {
                let side = imagenet_side.unwrap_or(imagenet::INPUT_SIDE);
                let min = MobileNetV2::MIN_SIDE as u32;
                if !(min..=imagenet::INPUT_SIDE).contains(&side) {
                    anyhow::bail!(
                        "the ImageNet model reads crops of {min} to {} pixels, not {side}",
                        imagenet::INPUT_SIDE
                    );
                }
                let net = ImageNetClassifier::load(&device.device)
                    .context("loading the bundled ImageNet MobileNetV2")?;
                Ok(Embedder::ImageNet {
                    net: Box::new(net),
                    side,
                })
            }
        }
    }

    /// The model's class names (1000 for the ImageNet model).
    pub fn classes(&self) -> &[String] {
        match self {
            Embedder::Checkpoint { trained, .. } => trained.classes(),
            Embedder::ImageNet { net, .. } => &net.labels,
        }
    }

    /// The input images are prepared to.
    pub fn input(&self) -> InputShape {
        match self {
            Embedder::Checkpoint { trained, .. } => trained.checkpoint.meta.input,
            Embedder::ImageNet { side, .. } => InputShape {
                channels: 3,
                height: *side as usize,
                width: *side as usize,
            },
        }
    }

    /// Whether the probabilities are over the dataset's own classes (a checkpoint), so
    /// they can judge its labels.
    pub fn knows_the_classes(&self) -> bool {
        matches!(self, Embedder::Checkpoint { .. })
    }

    /// The validation fraction and seed that split a single-folder dataset: the
    /// checkpoint's run's, or the training defaults for the ImageNet model.
    pub fn split_rule(&self) -> (f32, u64) {
        match self {
            Embedder::Checkpoint { trained, .. } => {
                let config = &trained.checkpoint.meta.config;
                (config.val_fraction, config.seed)
            }
            Embedder::ImageNet { .. } => {
                let config = TrainConfig::default();
                (config.val_fraction, config.seed)
            }
        }
    }

    /// Words that identify the model and how it reads images, and its file, for the
    /// cache's fingerprint.
    pub fn identity(&self) -> (Vec<String>, Option<PathBuf>) {
        let input = self.input();
        let shape = format!("{}x{}x{}", input.channels, input.height, input.width);
        match self {
            Embedder::Checkpoint { trained, .. } => (
                vec![
                    "checkpoint".into(),
                    shape,
                    trained.checkpoint.meta.step.to_string(),
                ],
                Some(trained.checkpoint.path.clone()),
            ),
            Embedder::ImageNet { .. } => (
                vec!["imagenet".into(), shape],
                assets::find(mobilenet_v2::WEIGHTS_ASSET).ok(),
            ),
        }
    }

    /// How images are prepared for the model ([`Preparer::prepare`]).
    pub fn preparer(&self) -> Preparer {
        match self {
            Embedder::Checkpoint { .. } => Preparer::Resize(self.input()),
            Embedder::ImageNet { side, .. } => Preparer::CentreCrop(*side),
        }
    }

    /// Embeddings and class probabilities of images prepared by [`Embedder::preparer`].
    pub fn embed(&self, images: &[Image]) -> anyhow::Result<EmbeddedBatch> {
        let input = self.input();
        let (c, h, w) = (input.channels, input.height, input.width);
        let (norm, device) = match self {
            Embedder::Checkpoint { trained, .. } => (
                trained.checkpoint.meta.normalization.clone(),
                &trained.device,
            ),
            Embedder::ImageNet { net, .. } => (Normalization::identity(3), &net.device),
        };
        let n = images.len();
        if n == 0 {
            return Ok(EmbeddedBatch {
                embeddings: Vec::new(),
                dim: 0,
                probabilities: Vec::new(),
            });
        }
        let mut values = Vec::with_capacity(n * c * h * w);
        for image in images {
            values.extend(norm.write_chw(image, c, h, w));
        }
        let x = Tensor::<4>::from_data(TensorData::new(values, [n, c, h, w]), device);
        let (embedding, logits) = match self {
            Embedder::Checkpoint { model, .. } => model.embed(x), // [n, d], [n, classes]
            Embedder::ImageNet { net, .. } => net.model.embed(x), // [n, 1280], [n, 1000]
        };
        let dim = embedding.dims()[1];
        let probabilities = burn::tensor::activation::softmax(logits, 1); // [n, classes]
        let read = |t: Tensor<2>| {
            t.into_data()
                .try_to_vec::<f32>()
                .map_err(|e| anyhow::anyhow!("reading tensor data: {e:?}"))
        };
        Ok(EmbeddedBatch {
            embeddings: read(embedding)?,
            dim,
            probabilities: read(probabilities)?,
        })
    }
}

/// How a decoded image becomes the model's input (plain data, shared by the decoding
/// threads).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preparer {
    /// Resized (and made grey or RGB) to the input, as training reads images.
    Resize(InputShape),
    /// torchvision's ImageNet preprocessing scaled to this side (224: shorter side to 256,
    /// centre 224×224 crop).
    CentreCrop(u32),
}

impl Preparer {
    /// The decoded image at the model's input.
    pub fn prepare(self, decoded: &DynamicImage) -> Image {
        match self {
            Preparer::Resize(input) => image_folder::convert(
                decoded,
                input.width as u32,
                input.height as u32,
                input.channels as u32,
            ),
            Preparer::CentreCrop(side) => {
                let rgb = imagenet::preprocess_at(decoded, side);
                Image {
                    width: rgb.width(),
                    height: rgb.height(),
                    channels: 3,
                    pixels: rgb.into_raw(),
                }
            }
        }
    }
}
