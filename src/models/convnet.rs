//! The seed's LeNet-style ConvNet: conv 5×5 → pool → conv 5×5 → pool → 120 → 84 → classes.

use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{Initializer, Linear, LinearConfig, Relu};
use burn::prelude::*;

use crate::core::limits;
use crate::kernels::{conv2d_layer, max_pool2d_layer, relu};
use crate::models::InputShape;

use crate::models::ModelError;

/// LeNet-style CNN, sized from the input (PyTorch's CIFAR-10 tutorial net at 3×32×32).
#[derive(Module, Debug)]
pub struct ConvNet {
    conv1: Conv2d,
    conv2: Conv2d,
    pool: MaxPool2d,
    fc1: Linear,
    fc2: Linear,
    fc3: Linear,
    relu: Relu,
}

impl ConvNet {
    /// Smallest input side: two valid 5×5 convolutions and two 2×2 pools must leave ≥ 1 pixel.
    pub const MIN_SIDE: usize = 16;

    /// A new ConvNet for `input` images and `classes` outputs.
    pub fn new(input: InputShape, classes: usize, device: &Device) -> Result<Self, ModelError> {
        ModelError::check_side("ConvNet", Self::MIN_SIDE, input)?;
        // Spatial size after conv5 → pool2 → conv5 → pool2.
        let side = |s: usize| ((s - 4) / 2 - 4) / 2;
        let flat = 16 * side(input.height) * side(input.width);
        // The first dense layer grows with the input's area: refuse what would not fit.
        let weights =
            input.channels * 6 * 25 + 6 * 16 * 25 + (flat + 1) * 120 + 121 * 84 + 85 * classes;
        if weights > limits::MAX_WEIGHTS {
            return Err(ModelError::TooManyWeights {
                model: "ConvNet",
                weights,
                max: limits::MAX_WEIGHTS,
                height: input.height,
                width: input.width,
                hint: ", or the ResNet (whose size does not grow with the input)",
            });
        }
        // He initialisation. burn's default (as PyTorch's) draws weights with a sixth of its
        // variance: the signal shrinks layer by layer, and on the built-in shapes the loss sat
        // at ln(classes) for one or two epochs, depending on the seed. Every layer gets the
        // same rule, so the layers' weights keep the same relative scale as before (global
        // magnitude pruning compares weights across layers).
        let he = || Initializer::KaimingUniform {
            gain: std::f64::consts::SQRT_2,
            fan_out_only: false,
        };
        Ok(ConvNet {
            conv1: Conv2dConfig::new([input.channels, 6], [5, 5])
                .with_initializer(he())
                .init(device),
            conv2: Conv2dConfig::new([6, 16], [5, 5])
                .with_initializer(he())
                .init(device),
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            fc1: LinearConfig::new(flat, 120)
                .with_initializer(he())
                .init(device),
            fc2: LinearConfig::new(120, 84)
                .with_initializer(he())
                .init(device),
            fc3: LinearConfig::new(84, classes)
                .with_initializer(he())
                .init(device),
            relu: Relu::new(),
        })
    }

    /// `[batch, c, h, w]` → logits `[batch, classes]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        self.head(self.features(x))
    }

    /// The last feature map: `[b, c, h, w]` → `[b, 16, h', w']`.
    pub fn features(&self, x: Tensor<4>) -> Tensor<4> {
        // The convolutions and pools run our CPU kernels on the Flex device (`kernels`), burn's elsewhere.
        let x = conv2d_layer(&self.conv1, x); // [b, 6, h-4, w-4]
        let x = max_pool2d_layer(&self.pool, relu(x)); // [b, 6, (h-4)/2, ..]
        let x = conv2d_layer(&self.conv2, x); // [b, 16, .., ..]
        max_pool2d_layer(&self.pool, relu(x)) // [b, 16, h', w']
    }

    /// The fully connected layers: `[b, 16, h', w']` → logits `[b, classes]`.
    pub fn head(&self, x: Tensor<4>) -> Tensor<2> {
        self.classify_embedding(self.embedding(x))
    }

    /// The penultimate layer, the image's embedding: `[b, 16, h', w']` → `[b, 84]`.
    pub fn embedding(&self, x: Tensor<4>) -> Tensor<2> {
        let x: Tensor<2> = x.flatten(1, 3); // [b, 16·h'·w']
        let x = relu(self.fc1.forward(x)); // [b, 120]
        relu(self.fc2.forward(x)) // [b, 84]
    }

    /// The last layer: an embedding `[b, 84]` → logits `[b, classes]`.
    pub fn classify_embedding(&self, embedding: Tensor<2>) -> Tensor<2> {
        self.fc3.forward(embedding) // [b, classes]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_has_one_score_per_class() {
        let device = Device::flex();
        for (c, s) in [(3, 32), (1, 28), (3, 16)] {
            let input = InputShape {
                channels: c,
                height: s,
                width: s,
            };
            let net = ConvNet::new(input, 7, &device).unwrap();
            let out = net.forward(Tensor::zeros([2, c, s, s], &device));
            assert_eq!(out.dims(), [2, 7]);
        }
    }

    /// The first dense layer grows with the input's area: past the weight limit the net
    /// is refused before anything is allocated; past the side limit too.
    #[test]
    fn a_net_too_large_is_refused() {
        let device = Device::flex();
        for (side, words) in [(1024, "weights"), (4096, "at most 1024×1024")] {
            let input = InputShape {
                channels: 3,
                height: side,
                width: side,
            };
            let err = ConvNet::new(input, 5, &device).err().unwrap().to_string();
            assert!(err.contains(words), "{err}");
        }
    }

    #[test]
    fn too_small_input_is_an_error() {
        let input = InputShape {
            channels: 3,
            height: 12,
            width: 12,
        };
        let err = ConvNet::new(input, 3, &Device::flex()).unwrap_err();
        assert!(err.to_string().contains("16×16"));
    }
}
