//! Networks: the seed's LeNet-style [`convnet`], a small [`resnet`], and the
//! [`Classifier`] that wraps whichever one a run uses.

pub mod convnet;
pub mod mobilenet_v2;
pub mod resnet;

use burn::prelude::*;

use crate::core::protocol::ModelKind;

use crate::core::limits::{self, OutOfRange};
use crate::core::protocol::TransferOptions;

pub use convnet::ConvNet;
pub use mobilenet_v2::MobileNetV2;
pub use resnet::ResNet;

/// The network's input: channels, height, width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InputShape {
    /// 1 (grey) or 3 (RGB).
    pub channels: usize,
    /// Height in pixels.
    pub height: usize,
    /// Width in pixels.
    pub width: usize,
}

/// Why a model cannot be built for some data.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The input is smaller than the network can take.
    #[error("{model} needs images of at least {min}×{min} pixels, got {height}×{width}")]
    InputTooSmall {
        /// Model name.
        model: &'static str,
        /// Smallest side it takes.
        min: usize,
        /// Input height.
        height: usize,
        /// Input width.
        width: usize,
    },
    /// Fewer classes than the task needs (2 to classify or segment, 1 to detect).
    #[error("{model} needs at least {min}; the data has {got}")]
    TooFewClasses {
        /// What needs them ("a classifier", "the detector", "the U-Net").
        model: &'static str,
        /// The least it takes ("2 classes").
        min: &'static str,
        /// How many it got.
        got: usize,
    },
    /// The input is larger than any network takes ([`limits::MAX_INPUT_SIDE`]).
    #[error(
        "{model} takes images of at most {max}×{max} pixels, got {height}×{width} (the input size is out of range)"
    )]
    InputTooLarge {
        /// Model name.
        model: &'static str,
        /// Largest side it takes.
        max: usize,
        /// Input height.
        height: usize,
        /// Input width.
        width: usize,
    },
    /// The input has another number of channels than 1 (grey) or 3 (RGB).
    #[error("{model} takes 1 (grey) or 3 (RGB) channels, got {channels}")]
    Channels {
        /// Model name.
        model: &'static str,
        /// The channels asked for.
        channels: usize,
    },
    /// More classes than any network takes ([`limits::MAX_CLASSES`]).
    #[error("{model} takes at most {max} classes, got {classes}")]
    TooManyClasses {
        /// Model name.
        model: &'static str,
        /// The most it takes.
        max: usize,
        /// The classes asked for.
        classes: usize,
    },
    /// A size setting of the network (a width) is out of range.
    #[error("{0}")]
    Size(#[from] OutOfRange),
    /// The network would hold more weights than [`limits::MAX_WEIGHTS`].
    #[error(
        "{model} for {height}×{width} images would hold {weights} weights, more than the limit of {max}: use a smaller image size{hint}"
    )]
    TooManyWeights {
        /// Model name.
        model: &'static str,
        /// Its weights at this input.
        weights: usize,
        /// The limit.
        max: usize,
        /// Input height.
        height: usize,
        /// Input width.
        width: usize,
        /// What else to try (", or …"), may be empty.
        hint: &'static str,
    },
    /// Pretrained weights could not be found or loaded.
    #[error("{0}")]
    Pretrained(String),
}

impl ModelError {
    /// `Err` when `input` is larger than [`limits::MAX_INPUT_SIDE`] on either side, or has
    /// other than 1 or 3 channels: the checks every network makes before it is built, so
    /// a checkpoint or a flag cannot make it allocate without bound.
    pub fn check_input(model: &'static str, input: InputShape) -> Result<(), Self> {
        let max = limits::MAX_INPUT_SIDE as usize;
        if input.height > max || input.width > max {
            return Err(ModelError::InputTooLarge {
                model,
                max,
                height: input.height,
                width: input.width,
            });
        }
        if input.channels != 1 && input.channels != 3 {
            return Err(ModelError::Channels {
                model,
                channels: input.channels,
            });
        }
        Ok(())
    }

    /// `Err(TooManyClasses)` when `classes` is over [`limits::MAX_CLASSES`].
    pub fn check_classes(model: &'static str, classes: usize) -> Result<(), Self> {
        if classes > limits::MAX_CLASSES {
            return Err(ModelError::TooManyClasses {
                model,
                max: limits::MAX_CLASSES,
                classes,
            });
        }
        Ok(())
    }

    /// `Err(InputTooSmall)` when `input` is smaller than `min` on either side.
    /// (It also makes the checks of [`ModelError::check_input`].)
    pub fn check_side(model: &'static str, min: usize, input: InputShape) -> Result<(), Self> {
        Self::check_input(model, input)?;
        if input.height < min || input.width < min {
            return Err(ModelError::InputTooSmall {
                model,
                min,
                height: input.height,
                width: input.width,
            });
        }
        Ok(())
    }
}

/// An image classifier: any of the models, chosen at run time.
// One model exists per run, so the variants' size difference costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Module, Debug)]
pub enum Classifier {
    /// The seed's LeNet-style ConvNet.
    ConvNet(ConvNet),
    /// The small residual network.
    ResNet(ResNet),
    /// MobileNetV2 (pretrained on ImageNet when made by [`Classifier::pretrained`]).
    MobileNetV2(MobileNetV2),
}

impl Classifier {
    /// Builds a freshly initialised model for `input` images and `classes` classes.
    pub fn new(
        kind: ModelKind,
        input: InputShape,
        classes: usize,
        device: &Device,
    ) -> Result<Self, ModelError> {
        if classes < 2 {
            return Err(ModelError::TooFewClasses {
                model: "a classifier",
                min: "2 classes",
                got: classes,
            });
        }
        ModelError::check_classes("a classifier", classes)?;
        Ok(match kind {
            ModelKind::ConvNet => Classifier::ConvNet(ConvNet::new(input, classes, device)?),
            ModelKind::ResNet => Classifier::ResNet(ResNet::new(input, classes, device)?),
            ModelKind::MobileNetV2 => {
                MobileNetV2::check_input(input)?;
                Classifier::MobileNetV2(MobileNetV2::new(classes, device))
            }
        })
    }

    /// Like [`Classifier::new`], but a pretrained network starts from its bundled ImageNet
    /// weights (with a fresh head of `classes` outputs).
    pub fn pretrained(
        kind: ModelKind,
        input: InputShape,
        classes: usize,
        device: &Device,
    ) -> Result<Self, ModelError> {
        let fresh = Self::new(kind, input, classes, device)?;
        match fresh {
            Classifier::MobileNetV2(_) => {
                let path = crate::core::assets::find(mobilenet_v2::WEIGHTS_ASSET)
                    .map_err(|e| ModelError::Pretrained(e.to_string()))?;
                let net = MobileNetV2::pretrained(&path, device)
                    .map_err(|e| ModelError::Pretrained(e.to_string()))?;
                Ok(Classifier::MobileNetV2(net.with_classes(classes, device)))
            }
            other => Ok(other),
        }
    }

    /// The smallest input side the network takes (an automatic image size is raised to it).
    pub fn min_side(kind: ModelKind) -> u32 {
        let side = match kind {
            ModelKind::ConvNet => ConvNet::MIN_SIDE,
            ModelKind::ResNet => ResNet::MIN_SIDE,
            ModelKind::MobileNetV2 => MobileNetV2::MIN_SIDE,
        };
        side as u32
    }

    /// Whether inputs are raw 0..1 pixels (the network normalises them itself) rather than
    /// normalised with the training set's statistics.
    pub fn normalizes_itself(kind: ModelKind) -> bool {
        kind == ModelKind::MobileNetV2
    }

    /// Sets which weights train in 1-based `epoch`: a pretrained backbone is frozen or
    /// (partly) unfrozen as `transfer` says; networks trained from scratch train whole.
    pub fn with_transfer(self, transfer: &TransferOptions, epoch: usize) -> Self {
        match self {
            Classifier::MobileNetV2(net) => {
                let net = net.unfreeze();
                Classifier::MobileNetV2(if !transfer.freeze_backbone {
                    net
                } else if transfer.unfrozen_in(epoch) {
                    net.freeze_backbone().unfreeze_last(transfer.unfreeze_last)
                } else {
                    net.freeze_backbone()
                })
            }
            other => other,
        }
    }

    /// Class scores (logits).
    ///
    /// `images`: `[batch, channels, height, width]` → `[batch, classes]`.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        match self {
            Classifier::ConvNet(m) => m.forward(images),
            Classifier::ResNet(m) => m.forward(images),
            Classifier::MobileNetV2(m) => m.forward(images),
        }
    }

    /// The last convolutional feature map (what Grad-CAM weighs):
    /// `[batch, channels, height, width]` → `[batch, k, h', w']`.
    pub fn features(&self, images: Tensor<4>) -> Tensor<4> {
        match self {
            Classifier::ConvNet(m) => m.features(images),
            Classifier::ResNet(m) => m.features(images),
            Classifier::MobileNetV2(m) => m.features(images),
        }
    }

    /// The penultimate layer's output (the image's embedding) and the logits:
    /// `[batch, channels, height, width]` → (`[batch, d]`, `[batch, classes]`), with `d`
    /// 84 (ConvNet), 64 (ResNet) or 1280 (MobileNetV2).
    pub fn embed(&self, images: Tensor<4>) -> (Tensor<2>, Tensor<2>) {
        let features = self.features(images); // [batch, k, h', w']
        let embedding = match self {
            Classifier::ConvNet(m) => m.embedding(features),
            Classifier::ResNet(m) => m.embedding(features),
            Classifier::MobileNetV2(m) => m.embedding(features),
        }; // [batch, d]
        let logits = match self {
            Classifier::ConvNet(m) => m.classify_embedding(embedding.clone()),
            Classifier::ResNet(m) => m.classify_embedding(embedding.clone()),
            Classifier::MobileNetV2(m) => m.classify_embedding(embedding.clone()),
        }; // [batch, classes]
        (embedding, logits)
    }

    /// The layers after [`Classifier::features`]: `[batch, k, h', w']` → `[batch, classes]`.
    pub fn head(&self, features: Tensor<4>) -> Tensor<2> {
        match self {
            Classifier::ConvNet(m) => m.head(features),
            Classifier::ResNet(m) => m.head(features),
            Classifier::MobileNetV2(m) => m.head(features),
        }
    }
}
