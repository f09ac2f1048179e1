//! Networks: the seed's LeNet-style [`convnet`], a small [`resnet`], and the
//! [`Classifier`] that wraps whichever one a run uses.

pub mod convnet;
pub mod resnet;
pub mod unet;

use burn::prelude::*;

use crate::train::protocol::ModelKind;

pub use convnet::ConvNet;
pub use resnet::ResNet;
pub use unet::UNet;

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
    /// Fewer than two classes.
    #[error("a classifier needs at least 2 classes, got {0}")]
    TooFewClasses(usize),
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
            return Err(ModelError::TooFewClasses(classes));
        }
        Ok(match kind {
            ModelKind::ConvNet => Classifier::ConvNet(ConvNet::new(input, classes, device)?),
            ModelKind::ResNet => Classifier::ResNet(ResNet::new(input, classes, device)?),
        })
    }

    /// Class scores (logits).
    ///
    /// `images`: `[batch, channels, height, width]` → `[batch, classes]`.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        match self {
            Classifier::ConvNet(m) => m.forward(images),
            Classifier::ResNet(m) => m.forward(images),
        }
    }
}
