//! A small residual CNN with batch norm: a 3×3 stem and three stages of basic blocks
//! (16, 32, 64 channels; the last two halve the resolution), global average pooling and a
//! linear head.

use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{AdaptiveAvgPool2d, AdaptiveAvgPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig, PaddingConfig2d, Relu};
use burn::prelude::*;

use crate::models::InputShape;

use crate::kernels::{batch_norm_layer, conv2d_layer, relu};
use crate::models::ModelError;

/// Conv 3×3 (no bias: batch norm follows).
fn conv3x3(cin: usize, cout: usize, stride: usize, device: &Device) -> Conv2d {
    Conv2dConfig::new([cin, cout], [3, 3])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .with_bias(false)
        .init(device)
}

/// A 1×1 convolution + batch norm that matches the shortcut to the block's output.
#[derive(Module, Debug)]
pub struct Projection {
    conv: Conv2d,
    bn: BatchNorm,
}

/// Two 3×3 conv + batch norm layers with an identity (or 1×1 projection) shortcut.
#[derive(Module, Debug)]
pub struct BasicBlock {
    conv1: Conv2d,
    bn1: BatchNorm,
    conv2: Conv2d,
    bn2: BatchNorm,
    shortcut: Option<Projection>,
    relu: Relu,
}

impl BasicBlock {
    fn new(cin: usize, cout: usize, stride: usize, device: &Device) -> Self {
        let shortcut = (stride != 1 || cin != cout).then(|| Projection {
            conv: Conv2dConfig::new([cin, cout], [1, 1])
                .with_stride([stride, stride])
                .with_bias(false)
                .init(device),
            bn: BatchNormConfig::new(cout).init(device),
        });
        BasicBlock {
            conv1: conv3x3(cin, cout, stride, device),
            bn1: BatchNormConfig::new(cout).init(device),
            conv2: conv3x3(cout, cout, 1, device),
            bn2: BatchNormConfig::new(cout).init(device),
            shortcut,
            relu: Relu::new(),
        }
    }

    /// `[b, cin, h, w]` → `[b, cout, h/stride, w/stride]`.
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let identity = match &self.shortcut {
            Some(p) => batch_norm_layer(&p.bn, conv2d_layer(&p.conv, x.clone())),
            None => x.clone(),
        };
        let y = relu(batch_norm_layer(&self.bn1, conv2d_layer(&self.conv1, x)));
        let y = batch_norm_layer(&self.bn2, conv2d_layer(&self.conv2, y));
        relu(y + identity)
    }
}

/// The small ResNet.
#[derive(Module, Debug)]
pub struct ResNet {
    stem: Conv2d,
    stem_bn: BatchNorm,
    blocks: Vec<BasicBlock>,
    pool: AdaptiveAvgPool2d,
    head: Linear,
    relu: Relu,
}

impl ResNet {
    /// Smallest input side (two stride-2 stages).
    pub const MIN_SIDE: usize = 8;

    /// A new ResNet for `input` images and `classes` outputs.
    pub fn new(input: InputShape, classes: usize, device: &Device) -> Result<Self, ModelError> {
        ModelError::check_side("ResNet", Self::MIN_SIDE, input)?;
        Ok(ResNet {
            stem: conv3x3(input.channels, 16, 1, device),
            stem_bn: BatchNormConfig::new(16).init(device),
            blocks: vec![
                BasicBlock::new(16, 16, 1, device),
                BasicBlock::new(16, 32, 2, device),
                BasicBlock::new(32, 64, 2, device),
            ],
            pool: AdaptiveAvgPool2dConfig::new([1, 1]).init(),
            head: LinearConfig::new(64, classes).init(device),
            relu: Relu::new(),
        })
    }

    /// `[b, c, h, w]` → logits `[b, classes]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        self.head(self.features(x))
    }

    /// The last feature map: `[b, c, h, w]` → `[b, 64, h/4, w/4]`.
    pub fn features(&self, x: Tensor<4>) -> Tensor<4> {
        let mut x = relu(batch_norm_layer(&self.stem_bn, conv2d_layer(&self.stem, x))); // [b, 16, h, w]
        for block in &self.blocks {
            x = block.forward(x);
        }
        x
    }

    /// Pooling and the linear head: `[b, 64, h', w']` → logits `[b, classes]`.
    pub fn head(&self, x: Tensor<4>) -> Tensor<2> {
        self.classify_embedding(self.embedding(x))
    }

    /// The penultimate layer, the image's embedding (global average pooling):
    /// `[b, 64, h', w']` → `[b, 64]`.
    pub fn embedding(&self, x: Tensor<4>) -> Tensor<2> {
        let x = self.pool.forward(x); // [b, 64, 1, 1]
        x.flatten(1, 3) // [b, 64]
    }

    /// The linear head: an embedding `[b, 64]` → logits `[b, classes]`.
    pub fn classify_embedding(&self, embedding: Tensor<2>) -> Tensor<2> {
        self.head.forward(embedding) // [b, classes]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_has_one_score_per_class() {
        let device = Device::flex();
        let input = InputShape {
            channels: 3,
            height: 32,
            width: 32,
        };
        let net = ResNet::new(input, 5, &device).unwrap();
        let out = net.forward(Tensor::zeros([2, 3, 32, 32], &device));
        assert_eq!(out.dims(), [2, 5]);
    }
}
