//! A small U-Net: three encoder stages (two 3×3 conv + batch norm + leaky ReLU each, then 2×2 max
//! pooling), a bottleneck, and a decoder that upsamples with 2×2 transposed convolutions and
//! concatenates the encoder's skip connections; a 1×1 convolution gives per-pixel class
//! scores.
//!
//! A global-context branch (as in ParseNet / EncNet) max-pools the bottleneck over the
//! whole image and adds the result back to every position, so each pixel's class can depend
//! on what the whole image shows. The same pooled vector predicts which classes are present
//! (EncNet's "semantic encoding" loss), which teaches the branch quickly, and that
//! prediction is a prior on every pixel: the log-probability that a class is present is
//! added to its per-pixel logits, so a class the image does not show is not painted.
//!
//! Why (revision 1, [`crate::train::checkpoint::MODEL_REVISION`]): with plain ReLUs and no
//! prior, a run could merge two shapes for good. On the built-in shapes at one thread, the
//! defaults with seeds 2, 3 and 4 ended at mIoU 0.22, 0.60 and 0.56 (seed 1: 0.97); leaky
//! ReLUs alone lifted seeds 2–4 to 0.96, 0.74 and 0.92; with the prior as well seeds 3 and 4
//! pass 0.95 by epoch 5 and reach 0.975 by epoch 8.
//!
//! **Pretrained encoder** ([`UNet::with_encoder`], `--model mobilenet_v2`): ImageNet
//! MobileNetV2's feature layers replace the three encoder stages. The bottleneck reads its
//! stride-32 features; four decoder stages go up through its stride-16, -8, -4 and -2
//! features (the skips); the 1×1 head scores the stride-2 map and the logits are upsampled
//! bilinearly to the input. The global-context branch and the presence prior are the same.
//! Sides must then be multiples of 32.

use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{
    BatchNorm, BatchNormConfig, LeakyRelu, LeakyReluConfig, Linear, LinearConfig, PaddingConfig2d,
    Relu,
};
use burn::prelude::*;
use burn::tensor::activation::log_sigmoid;

use crate::core::limits;
use crate::core::protocol::TransferOptions;
use crate::kernels::{batch_norm_layer, conv2d_layer, leaky_relu_layer, max_pool2d_layer};
use crate::models::InputShape;
use crate::models::mobilenet_v2::{MobileNetV2Encoder, PYRAMID_CHANNELS, Pyramid};
use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};

use crate::models::ModelError;

/// Two 3×3 convolutions, each followed by batch norm and a leaky ReLU; keeps the
/// resolution.
#[derive(Module, Debug)]
pub struct DoubleConv {
    conv1: Conv2d,
    bn1: BatchNorm,
    conv2: Conv2d,
    bn2: BatchNorm,
    // Named `relu` as in revision-0 checkpoints; a slope of 0 is a plain ReLU.
    relu: LeakyRelu,
}

impl DoubleConv {
    fn new(cin: usize, cout: usize, device: &Device) -> Self {
        let conv = |a, b| {
            Conv2dConfig::new([a, b], [3, 3])
                .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                .with_bias(false)
                .init(device)
        };
        DoubleConv {
            conv1: conv(cin, cout),
            bn1: BatchNormConfig::new(cout).init(device),
            conv2: conv(cout, cout),
            bn2: BatchNormConfig::new(cout).init(device),
            relu: LeakyReluConfig::new()
                .with_negative_slope(UNet::NEGATIVE_SLOPE)
                .init(),
        }
    }

    /// `[b, cin, h, w]` → `[b, cout, h, w]`.
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        // The convolutions run on our CPU kernel on the CPU (burn's op elsewhere).
        let x = leaky_relu_layer(
            &self.relu,
            batch_norm_layer(&self.bn1, conv2d_layer(&self.conv1, x)),
        );
        leaky_relu_layer(
            &self.relu,
            batch_norm_layer(&self.bn2, conv2d_layer(&self.conv2, x)),
        )
    }
}

/// One decoder stage: upsample ×2, concatenate the skip, [`DoubleConv`].
#[derive(Module, Debug)]
pub struct Up {
    up: ConvTranspose2d,
    conv: DoubleConv,
}

impl Up {
    fn new(cin: usize, cskip: usize, cout: usize, device: &Device) -> Self {
        Up {
            up: ConvTranspose2dConfig::new([cin, cout], [2, 2])
                .with_stride([2, 2])
                .init(device),
            conv: DoubleConv::new(cout + cskip, cout, device),
        }
    }

    /// `x`: `[b, cin, h, w]`, `skip`: `[b, cskip, 2h, 2w]` → `[b, cout, 2h, 2w]`.
    fn forward(&self, x: Tensor<4>, skip: Tensor<4>) -> Tensor<4> {
        let x = self.up.forward(x); // [b, cout, 2h, 2w]
        self.conv.forward(Tensor::cat(vec![x, skip], 1)) // [b, cout + cskip, 2h, 2w] → [b, cout, ..]
    }
}

/// The U-Net.
#[derive(Module, Debug)]
pub struct UNet {
    // The from-scratch encoder stages (`None` with a pretrained encoder). Options keep the
    // parameter paths of checkpoints from before the encoder existed.
    enc1: Option<DoubleConv>,
    enc2: Option<DoubleConv>,
    enc3: Option<DoubleConv>,
    /// The pretrained encoder (`None` from scratch).
    encoder: Option<MobileNetV2Encoder>,
    bottleneck: DoubleConv,
    context: Linear,
    presence: Linear,
    /// The decoder stage from stride 32 to 16 (pretrained encoder only).
    up4: Option<Up>,
    up3: Up,
    up2: Up,
    up1: Up,
    head: Conv2d,
    pool: MaxPool2d,
    relu: Relu,
    /// Whether the presence logits are a prior on the pixel logits (false in revision 0).
    #[module(skip)]
    presence_prior: bool,
}

impl UNet {
    /// Input sides must be multiples of this (three 2× poolings).
    pub const SIDE_MULTIPLE: usize = 8;

    /// Slope of the convolution stages' leaky ReLUs below zero (plain ReLUs, whose units
    /// can die for good, in revision-0 checkpoints).
    pub const NEGATIVE_SLOPE: f64 = 0.1;

    /// A U-Net for `input` images and `classes` labels (background included), with `width`
    /// channels in the first stage (doubling each stage).
    pub fn new(
        input: InputShape,
        classes: usize,
        width: usize,
        device: &Device,
    ) -> Result<Self, ModelError> {
        // Bounds first: a width of 0 would panic in batch norm, a huge one or a huge input
        // would allocate without bound (the width and input may come from a checkpoint).
        limits::check_unet_width(width)?;
        ModelError::check_input("the U-Net", input)?;
        ModelError::check_classes("the U-Net", classes)?;
        if !input.height.is_multiple_of(Self::SIDE_MULTIPLE)
            || !input.width.is_multiple_of(Self::SIDE_MULTIPLE)
            || input.height < Self::SIDE_MULTIPLE
            || input.width < Self::SIDE_MULTIPLE
        {
            return Err(ModelError::InputTooSmall {
                model: "U-Net (sides must be multiples of 8)",
                min: Self::SIDE_MULTIPLE,
                height: input.height,
                width: input.width,
            });
        }
        if classes < 2 {
            return Err(ModelError::TooFewClasses {
                model: "segmentation (background and one more class)",
                min: "2 classes",
                got: classes,
            });
        }
        let (w1, w2, w3, w4) = (width, width * 2, width * 4, width * 8);
        Ok(UNet {
            enc1: Some(DoubleConv::new(input.channels, w1, device)),
            enc2: Some(DoubleConv::new(w1, w2, device)),
            enc3: Some(DoubleConv::new(w2, w3, device)),
            encoder: None,
            bottleneck: DoubleConv::new(w3, w4, device),
            context: LinearConfig::new(w4, w4).init(device),
            presence: LinearConfig::new(w4, classes).init(device),
            up4: None,
            up3: Up::new(w4, w3, w3, device),
            up2: Up::new(w3, w2, w2, device),
            up1: Up::new(w2, w1, w1, device),
            head: Conv2dConfig::new([w1, classes], [1, 1]).init(device),
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            relu: Relu::new(),
            presence_prior: true,
        })
    }

    /// A U-Net on ImageNet MobileNetV2's features (see the module documentation), its
    /// encoder built from `encoder` (pretrained weights, or a fresh one that a checkpoint's
    /// weights replace). Sides must be multiples of 32; `width` as in [`UNet::new`].
    pub fn with_encoder(
        input: InputShape,
        classes: usize,
        width: usize,
        encoder: MobileNetV2Encoder,
        device: &Device,
    ) -> Result<Self, ModelError> {
        MobileNetV2Encoder::check_input(
            "the MobileNetV2 U-Net (sides must be multiples of 32)",
            input,
        )?;
        let mut net = UNet::new(input, classes, width, device)?;
        let [c2, c4, c8, c16, c32] = PYRAMID_CHANNELS;
        let (w1, w2, w3, w4) = (width, width * 2, width * 4, width * 8);
        net.enc1 = None;
        net.enc2 = None;
        net.enc3 = None;
        net.encoder = Some(encoder);
        net.bottleneck = DoubleConv::new(c32, w4, device);
        net.up4 = Some(Up::new(w4, c16, w4, device));
        net.up3 = Up::new(w4, c8, w3, device);
        net.up2 = Up::new(w3, c4, w2, device);
        net.up1 = Up::new(w2, c2, w1, device);
        Ok(net)
    }

    /// Whether the U-Net runs on the pretrained encoder.
    pub fn has_encoder(&self) -> bool {
        self.encoder.is_some()
    }

    /// Sets which encoder weights train in 1-based `epoch` (see
    /// [`MobileNetV2Encoder::with_transfer`]); a from-scratch U-Net trains whole.
    pub fn with_transfer(mut self, transfer: &TransferOptions, epoch: usize) -> Self {
        self.encoder = self
            .encoder
            .map(|encoder| encoder.with_transfer(transfer, epoch));
        self
    }

    /// The same network as checkpoints of `revision` were trained in: revision 0 had plain
    /// ReLUs and no presence prior; later ones have both of today's.
    pub fn with_revision(mut self, revision: u32) -> Self {
        let (slope, prior) = if revision >= 1 {
            (Self::NEGATIVE_SLOPE, true)
        } else {
            (0.0, false)
        };
        self.presence_prior = prior;
        let decoder = [
            Some(&mut self.bottleneck),
            self.up4.as_mut().map(|up| &mut up.conv),
            Some(&mut self.up3.conv),
            Some(&mut self.up2.conv),
            Some(&mut self.up1.conv),
        ];
        let encoder = [self.enc1.as_mut(), self.enc2.as_mut(), self.enc3.as_mut()];
        for stage in decoder.into_iter().chain(encoder).flatten() {
            stage.relu.negative_slope = slope;
        }
        self
    }

    /// `[b, c, h, w]` → per-pixel logits `[b, classes, h, w]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.forward_with_presence(x).0
    }

    /// Per-pixel logits `[b, classes, h, w]` and, for each image, logits of each class
    /// being present somewhere in it `[b, classes]`.
    pub fn forward_with_presence(&self, x: Tensor<4>) -> (Tensor<4>, Tensor<2>) {
        let [_, _, height, width] = x.dims();
        let (b, skips) = self.encode(x);
        let [n, c, _, _] = b.dims();
        let pooled: Tensor<2> = b.clone().max_dim(3).max_dim(2).reshape([n, c]); // [b, w4]
        let global = self.relu.forward(self.context.forward(pooled)); // [b, w4]
        let presence = self.presence.forward(global.clone()); // [b, classes]
        let b = b + global.reshape([n, c, 1, 1]); // broadcast over the bottleneck's cells
        let logits = match (skips, &self.up4) {
            (Skips::Scratch(skips), _) => {
                let [s1, s2, s3] = *skips;
                let x = self.up3.forward(b, s3); // [b, w3, h/4, w/4]
                let x = self.up2.forward(x, s2); // [b, w2, h/2, w/2]
                let x = self.up1.forward(x, s1); // [b, w1, h, w]
                conv2d_layer(&self.head, x) // [b, classes, h, w]
            }
            (Skips::Encoder(p), Some(up4)) => {
                let x = up4.forward(b, p.s16); // [b, w4, h/16, w/16]
                let x = self.up3.forward(x, p.s8); // [b, w3, h/8, w/8]
                let x = self.up2.forward(x, p.s4); // [b, w2, h/4, w/4]
                let x = self.up1.forward(x, p.s2); // [b, w1, h/2, w/2]
                let half = conv2d_layer(&self.head, x); // [b, classes, h/2, w/2]
                interpolate(
                    half,
                    InterpolateOptions::new(InterpolateMode::Bilinear)
                        .with_output_size([height, width]),
                ) // [b, classes, h, w]
            }
            // Not built by either constructor.
            (Skips::Encoder(_), None) => unreachable!("an encoder U-Net has its fourth stage"),
        };
        if !self.presence_prior {
            return (logits, presence);
        }
        // log P(class present), broadcast over the pixels: [b, classes, 1, 1].
        let classes = presence.dims()[1];
        let prior = log_sigmoid(presence.clone()).reshape([n, classes, 1, 1]);
        (logits + prior, presence) // [b, classes, h, w], [b, classes]
    }
}

/// The encoder's skip connections, by kind of encoder.
enum Skips {
    /// The from-scratch stages: `[b, w1, h, w]`, `[b, w2, h/2, w/2]`, `[b, w3, h/4, w/4]`.
    Scratch(Box<[Tensor<4>; 3]>),
    /// The pretrained encoder's levels (the stride-32 one is the bottleneck's input).
    Encoder(Box<Pyramid>),
}

impl UNet {
    /// The bottleneck's features (`[b, w4, h/8, w/8]` from scratch, `[b, w4, h/32, w/32]` on
    /// the pretrained encoder) and the skips.
    fn encode(&self, x: Tensor<4>) -> (Tensor<4>, Skips) {
        if let Some(encoder) = &self.encoder {
            let p = encoder.pyramid(x);
            let b = self.bottleneck.forward(p.s32.clone());
            return (b, Skips::Encoder(Box::new(p)));
        }
        match (&self.enc1, &self.enc2, &self.enc3) {
            (Some(enc1), Some(enc2), Some(enc3)) => {
                let s1 = enc1.forward(x); // [b, w1, h, w]
                let s2 = enc2.forward(max_pool2d_layer(&self.pool, s1.clone())); // [b, w2, h/2, w/2]
                let s3 = enc3.forward(max_pool2d_layer(&self.pool, s2.clone())); // [b, w3, h/4, w/4]
                let b = self
                    .bottleneck
                    .forward(max_pool2d_layer(&self.pool, s3.clone())); // [b, w4, h/8, w/8]
                (b, Skips::Scratch(Box::new([s1, s2, s3])))
            }
            // Not built by either constructor.
            _ => unreachable!("a U-Net has either its stages or an encoder"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logits_keep_the_input_resolution() {
        let device = Device::flex();
        let input = InputShape {
            channels: 3,
            height: 32,
            width: 48,
        };
        let net = UNet::new(input, 4, 8, &device).unwrap();
        let (out, presence) = net.forward_with_presence(Tensor::zeros([2, 3, 32, 48], &device));
        assert_eq!(out.dims(), [2, 4, 32, 48]);
        assert_eq!(presence.dims(), [2, 4]);
    }

    /// Revision 1 adds log P(present) to every pixel's logits; revision 0 (old
    /// checkpoints) does not.
    #[test]
    fn the_presence_prior_is_added_to_the_logits_from_revision_one() {
        let device = Device::flex();
        let input = InputShape {
            channels: 3,
            height: 16,
            width: 16,
        };
        let net = UNet::new(input, 3, 4, &device).unwrap();
        let x = Tensor::<4>::random(
            [2, 3, 16, 16],
            burn::tensor::Distribution::Normal(0.0, 1.0),
            &device,
        );
        let (plain, presence) = net
            .clone()
            .with_revision(0)
            .forward_with_presence(x.clone());
        // Revision 0 has plain ReLUs too: compare the prior alone, with the slope the same.
        let mut with_prior = net.with_revision(0);
        with_prior.presence_prior = true;
        let (logits, _) = with_prior.forward_with_presence(x);
        let expected = plain + log_sigmoid(presence).reshape([2, 3, 1, 1]);
        let diff: f32 = (logits - expected).abs().max().into_scalar();
        assert!(diff < 1e-5, "{diff}");
    }

    /// The pretrained-encoder U-Net keeps the input resolution; its sides divide by 32.
    #[test]
    fn the_encoder_unet_keeps_the_input_resolution() {
        let device = Device::flex();
        let input = |h, w| InputShape {
            channels: 3,
            height: h,
            width: w,
        };
        let net = UNet::with_encoder(
            input(64, 96),
            4,
            4,
            MobileNetV2Encoder::new(&device),
            &device,
        )
        .unwrap();
        assert!(net.has_encoder());
        let (out, presence) = net.forward_with_presence(Tensor::zeros([2, 3, 64, 96], &device));
        assert_eq!(out.dims(), [2, 4, 64, 96]);
        assert_eq!(presence.dims(), [2, 4]);
        let err = UNet::with_encoder(
            input(40, 64),
            4,
            4,
            MobileNetV2Encoder::new(&device),
            &device,
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("multiples of 32"), "{err}");
    }

    #[test]
    fn sides_must_divide_by_eight() {
        let input = InputShape {
            channels: 3,
            height: 30,
            width: 32,
        };
        assert!(UNet::new(input, 3, 8, &Device::flex()).is_err());
    }

    /// A width of 0 (which panicked in batch norm) or over the limit, an input over the
    /// side limit and a wrong channel count are errors that say so, before anything is
    /// allocated.
    #[test]
    fn sizes_out_of_range_are_errors() {
        let input = |side, channels| InputShape {
            channels,
            height: side,
            width: side,
        };
        let device = Device::flex();
        let err = |input, width| {
            UNet::new(input, 3, width, &device)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(err(input(16, 3), 0).contains("--unet-width 0 is out of range"));
        assert!(err(input(16, 3), 100_000).contains("between 1 and 64"));
        assert!(err(input(65_536, 3), 8).contains("at most 1024×1024"));
        assert!(err(input(16, 7), 8).contains("got 7"));
    }
}
