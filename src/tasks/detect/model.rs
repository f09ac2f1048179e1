//! A small single-stage, anchor-free detector in the style of CenterNet ("Objects as
//! Points", Zhou et al. 2019), with a foreground-mask head for instance segmentation.
//!
//! Backbone: three stages of conv-BN-ReLU (each starting with a stride-2 3×3 conv), at
//! strides 2, 4 and 8. A light FPN-style merge adds the stride-8 features (1×1 conv,
//! nearest ×2 upsampling) to the stride-4 ones; the heads read that stride-4 map:
//! - class heat-map `[b, K, H/4, W/4]`: a peak (logit; sigmoid gives the score) at each
//!   object's centre, trained with CenterNet's penalty-reduced focal loss;
//! - box `[b, 4, H/4, W/4]`: width and height (in stride-4 cells) and the sub-cell offset
//!   of the centre, trained with L1 at the centres only.
//!
//! The mask head merges the stride-4 map back into the stride-2 features the same way and
//! predicts one foreground logit per stride-2 pixel `[b, 1, H/2, W/2]`; instance masks are
//! the foreground pixels inside each detected box (see `tasks::detect`).
//!
//! **Pretrained encoder** ([`Detector::pretrained`], `--model mobilenet_v2`): the three
//! stages are replaced by ImageNet MobileNetV2's feature layers ([`MobilePyramid`]): its
//! stride-32, -16 and -8 features are merged top-down (1×1 laterals, ×2 upsampling, as in an
//! FPN) into the stride-8 map, and its stride-4 and stride-2 features are projected to the
//! widths the neck and the mask head take; the neck and heads are the same. Sides must then
//! be multiples of 32.

use burn::module::Param;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, PaddingConfig2d, Relu};
use burn::prelude::*;
use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};

use crate::core::protocol::TransferOptions;
use crate::kernels::{batch_norm_layer, conv2d_layer, relu};
use crate::models::InputShape;
use crate::models::mobilenet_v2::{MobileNetV2Encoder, PYRAMID_CHANNELS};

use crate::models::ModelError;

/// Output stride of the heat-map and box heads.
pub const STRIDE: usize = 4;
/// Output stride of the mask head.
pub const MASK_STRIDE: usize = 2;
/// Initial heat-map bias: sigmoid(-2.19) ≈ 0.1, CenterNet's prior that keeps the focal loss
/// of the many background cells from swamping the first steps.
const HEAT_PRIOR_BIAS: f32 = -2.19;

/// 3×3 conv (optionally stride 2), batch norm, ReLU.
#[derive(Module, Debug)]
pub struct ConvBnRelu {
    conv: Conv2d,
    bn: BatchNorm,
    relu: Relu,
}

impl ConvBnRelu {
    fn new(cin: usize, cout: usize, stride: usize, device: &Device) -> Self {
        ConvBnRelu {
            conv: Conv2dConfig::new([cin, cout], [3, 3])
                .with_stride([stride, stride])
                .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                .with_bias(false)
                .init(device),
            bn: BatchNormConfig::new(cout).init(device),
            relu: Relu::new(),
        }
    }

    /// `[b, cin, h, w]` → `[b, cout, h / stride, w / stride]`.
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        // The convolution runs on our CPU kernel on the CPU (burn's op elsewhere).
        relu(batch_norm_layer(&self.bn, conv2d_layer(&self.conv, x)))
    }
}

/// A stride-2 [`ConvBnRelu`] followed by a stride-1 one.
#[derive(Module, Debug)]
pub struct Stage {
    down: ConvBnRelu,
    conv: ConvBnRelu,
}

impl Stage {
    fn new(cin: usize, cout: usize, device: &Device) -> Self {
        Stage {
            down: ConvBnRelu::new(cin, cout, 2, device),
            conv: ConvBnRelu::new(cout, cout, 1, device),
        }
    }

    /// `[b, cin, h, w]` → `[b, cout, h/2, w/2]`.
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.conv.forward(self.down.forward(x))
    }
}

/// What the detector predicts for a batch.
#[derive(Debug, Clone)]
pub struct DetectorOutput {
    /// Class heat-map logits `[b, K, H/4, W/4]`.
    pub heat: Tensor<4>,
    /// Box regression `[b, 4, H/4, W/4]`: width, height (stride-4 cells), x and y offset of
    /// the centre within its cell.
    pub boxes: Tensor<4>,
    /// Foreground logits `[b, 1, H/2, W/2]`.
    pub mask: Tensor<4>,
}

/// The detector (see the module documentation).
#[derive(Module, Debug)]
pub struct Detector {
    // The from-scratch stages (`None` with a pretrained encoder). Options keep the parameter
    // paths of checkpoints from before the encoder existed.
    stage1: Option<Stage>,
    stage2: Option<Stage>,
    stage3: Option<Stage>,
    /// The pretrained encoder (`None` from scratch).
    encoder: Option<MobilePyramid>,
    lateral: Conv2d,
    neck: ConvBnRelu,
    heat: Conv2d,
    boxes: Conv2d,
    mask_lateral: Conv2d,
    mask_conv: ConvBnRelu,
    mask: Conv2d,
}

impl Detector {
    /// Input sides must be multiples of this (three stride-2 stages).
    pub const SIDE_MULTIPLE: usize = 8;
    /// The smallest input side.
    pub const MIN_SIDE: usize = 16;

    /// A detector for `input` images and `classes` object classes (no background class),
    /// `width` channels in the first stage (doubling at each stage).
    pub fn new(
        input: InputShape,
        classes: usize,
        width: usize,
        device: &Device,
    ) -> Result<Self, ModelError> {
        // The input and classes may come from a checkpoint: bound them before allocating.
        ModelError::check_input("the detector", input)?;
        ModelError::check_classes("the detector", classes)?;
        if !input.height.is_multiple_of(Self::SIDE_MULTIPLE)
            || !input.width.is_multiple_of(Self::SIDE_MULTIPLE)
            || input.height < Self::MIN_SIDE
            || input.width < Self::MIN_SIDE
        {
            return Err(ModelError::InputTooSmall {
                model: "the detector (sides must be multiples of 8)",
                min: Self::MIN_SIDE,
                height: input.height,
                width: input.width,
            });
        }
        if classes == 0 {
            return Err(ModelError::TooFewClasses {
                model: "the detector",
                min: "1 class",
                got: classes,
            });
        }
        let width = width.max(1);
        let (w1, w2, w3) = (width, width * 2, width * 4);
        let mut heat = Conv2dConfig::new([w2, classes], [1, 1]).init(device);
        heat.bias = Some(Param::from_tensor(Tensor::full(
            [classes],
            HEAT_PRIOR_BIAS,
            device,
        )));
        Ok(Detector {
            stage1: Some(Stage::new(input.channels, w1, device)),
            stage2: Some(Stage::new(w1, w2, device)),
            stage3: Some(Stage::new(w2, w3, device)),
            encoder: None,
            lateral: Conv2dConfig::new([w3, w2], [1, 1]).init(device),
            neck: ConvBnRelu::new(w2, w2, 1, device),
            heat,
            boxes: Conv2dConfig::new([w2, 4], [1, 1]).init(device),
            mask_lateral: Conv2dConfig::new([w2, w1], [1, 1]).init(device),
            mask_conv: ConvBnRelu::new(w1, w1, 1, device),
            mask: Conv2dConfig::new([w1, 1], [1, 1]).init(device),
        })
    }

    /// A detector on ImageNet MobileNetV2's features (see the module documentation), its
    /// encoder built from `encoder` (pretrained weights, or a fresh one that a checkpoint's
    /// weights replace). Sides must be multiples of 32; `width` as in [`Detector::new`].
    pub fn with_encoder(
        input: InputShape,
        classes: usize,
        width: usize,
        encoder: MobileNetV2Encoder,
        device: &Device,
    ) -> Result<Self, ModelError> {
        MobileNetV2Encoder::check_input(
            "the MobileNetV2 detector (sides must be multiples of 32)",
            input,
        )?;
        let mut net = Detector::new(input, classes, width, device)?;
        net.stage1 = None;
        net.stage2 = None;
        net.stage3 = None;
        net.encoder = Some(MobilePyramid::new(encoder, width.max(1), device));
        Ok(net)
    }

    /// Whether the detector runs on the pretrained encoder.
    pub fn has_encoder(&self) -> bool {
        self.encoder.is_some()
    }

    /// Sets which encoder weights train in 1-based `epoch` (see
    /// [`MobileNetV2Encoder::with_transfer`]); a from-scratch detector trains whole.
    pub fn with_transfer(mut self, transfer: &TransferOptions, epoch: usize) -> Self {
        if let Some(pyramid) = self.encoder.take() {
            self.encoder = Some(MobilePyramid {
                encoder: pyramid.encoder.with_transfer(transfer, epoch),
                ..pyramid
            });
        }
        self
    }

    /// Number of object classes (heat-map channels).
    pub fn classes(&self) -> usize {
        self.heat.weight.dims()[0]
    }

    /// The features at strides 2, 4 and 8 (`[b, w1, H/2, W/2]`, `[b, w2, H/4, W/4]`,
    /// `[b, w3, H/8, W/8]`), from the stages or the pretrained encoder.
    fn backbone(&self, x: Tensor<4>) -> [Tensor<4>; 3] {
        if let Some(pyramid) = &self.encoder {
            return pyramid.forward(x);
        }
        match (&self.stage1, &self.stage2, &self.stage3) {
            (Some(stage1), Some(stage2), Some(stage3)) => {
                let s1 = stage1.forward(x); // [b, w1, H/2, W/2]
                let s2 = stage2.forward(s1.clone()); // [b, w2, H/4, W/4]
                let s3 = stage3.forward(s2.clone()); // [b, w3, H/8, W/8]
                [s1, s2, s3]
            }
            // Not built by either constructor.
            _ => unreachable!("a detector has either its stages or an encoder"),
        }
    }

    /// `[b, c, H, W]` → heat-map, box and mask outputs (see [`DetectorOutput`]).
    pub fn forward(&self, x: Tensor<4>) -> DetectorOutput {
        let [s1, s2, s3] = self.backbone(x);
        let top = upsample2(conv2d_layer(&self.lateral, s3)); // [b, w2, H/4, W/4]
        let features = self.neck.forward(s2 + top); // [b, w2, H/4, W/4]
        let heat = conv2d_layer(&self.heat, features.clone()); // [b, K, H/4, W/4]
        let boxes = conv2d_layer(&self.boxes, features.clone()); // [b, 4, H/4, W/4]
        let up = upsample2(conv2d_layer(&self.mask_lateral, features)); // [b, w1, H/2, W/2]
        let mask = conv2d_layer(&self.mask, self.mask_conv.forward(s1 + up)); // [b, 1, H/2, W/2]
        DetectorOutput { heat, boxes, mask }
    }
}

/// ImageNet MobileNetV2's features as the detector's three levels: the stride-32, -16 and
/// -8 features merged top-down into the stride-8 map, the stride-4 and stride-2 features
/// projected to the neck's and the mask head's widths.
#[derive(Module, Debug)]
pub struct MobilePyramid {
    encoder: MobileNetV2Encoder,
    lateral32: Conv2d,
    lateral16: Conv2d,
    lateral8: Conv2d,
    smooth8: ConvBnRelu,
    project4: ConvBnRelu,
    project2: ConvBnRelu,
}

impl MobilePyramid {
    fn new(encoder: MobileNetV2Encoder, width: usize, device: &Device) -> Self {
        let [c2, c4, c8, c16, c32] = PYRAMID_CHANNELS;
        let (w1, w2, w3) = (width, width * 2, width * 4);
        let lateral = |cin| Conv2dConfig::new([cin, w3], [1, 1]).init(device);
        MobilePyramid {
            encoder,
            lateral32: lateral(c32),
            lateral16: lateral(c16),
            lateral8: lateral(c8),
            smooth8: ConvBnRelu::new(w3, w3, 1, device),
            project4: ConvBnRelu::new(c4, w2, 1, device),
            project2: ConvBnRelu::new(c2, w1, 1, device),
        }
    }

    /// `[b, 3, H, W]` on 0..1 → `[b, w1, H/2, W/2]`, `[b, w2, H/4, W/4]`, `[b, w3, H/8, W/8]`.
    fn forward(&self, x: Tensor<4>) -> [Tensor<4>; 3] {
        let p = self.encoder.pyramid(x);
        let top = upsample2(conv2d_layer(&self.lateral32, p.s32)); // [b, w3, H/16, W/16]
        let mid = upsample2(conv2d_layer(&self.lateral16, p.s16) + top); // [b, w3, H/8, W/8]
        let s3 = self
            .smooth8
            .forward(conv2d_layer(&self.lateral8, p.s8) + mid); // [b, w3, H/8, W/8]
        let s2 = self.project4.forward(p.s4); // [b, w2, H/4, W/4]
        let s1 = self.project2.forward(p.s2); // [b, w1, H/2, W/2]
        [s1, s2, s3]
    }
}

/// Nearest-neighbour ×2 upsampling: `[b, c, h, w]` → `[b, c, 2h, 2w]`.
fn upsample2(x: Tensor<4>) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    interpolate(
        x,
        InterpolateOptions::new(InterpolateMode::Nearest).with_output_size([2 * h, 2 * w]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_have_the_documented_shapes() {
        let device = Device::flex();
        let input = InputShape {
            channels: 3,
            height: 32,
            width: 48,
        };
        let net = Detector::new(input, 5, 4, &device).unwrap();
        let out = net.forward(Tensor::zeros([2, 3, 32, 48], &device));
        assert_eq!(out.heat.dims(), [2, 5, 8, 12]);
        assert_eq!(out.boxes.dims(), [2, 4, 8, 12]);
        assert_eq!(out.mask.dims(), [2, 1, 16, 24]);
        assert_eq!(net.classes(), 5);
    }

    /// The pretrained-encoder detector gives the same heads; its sides must divide by 32;
    /// frozen, only the neck and heads train.
    #[test]
    fn the_encoder_detector_has_the_same_heads() {
        let device = Device::flex();
        let input = |h, w| InputShape {
            channels: 3,
            height: h,
            width: w,
        };
        let net = Detector::with_encoder(
            input(64, 96),
            3,
            8,
            MobileNetV2Encoder::new(&device),
            &device,
        )
        .unwrap();
        assert!(net.has_encoder());
        let out = net.forward(Tensor::zeros([1, 3, 64, 96], &device));
        assert_eq!(out.heat.dims(), [1, 3, 16, 24]);
        assert_eq!(out.boxes.dims(), [1, 4, 16, 24]);
        assert_eq!(out.mask.dims(), [1, 1, 32, 48]);
        let err = Detector::with_encoder(
            input(72, 64),
            3,
            8,
            MobileNetV2Encoder::new(&device),
            &device,
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("multiples of 32"), "{err}");

        let autodiff = device.clone().autodiff();
        let net = Detector::with_encoder(
            input(64, 64),
            2,
            8,
            MobileNetV2Encoder::new(&autodiff),
            &autodiff,
        )
        .unwrap();
        let trainable = |net: &Detector| {
            let mut n = 0;
            net.clone().map(&mut CountTrainable(&mut n));
            n
        };
        let all = trainable(&net);
        let frozen = trainable(&net.clone().with_transfer(&TransferOptions::default(), 1));
        let unfrozen = trainable(&net.with_transfer(
            &TransferOptions {
                unfreeze_last: 3,
                ..TransferOptions::default()
            },
            1,
        ));
        assert!(
            frozen < unfrozen && unfrozen < all,
            "{frozen} {unfrozen} {all}"
        );
    }

    /// Counts the parameters that require gradients.
    struct CountTrainable<'a>(&'a mut usize);

    impl burn::module::ModuleMapper for CountTrainable<'_> {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            if param.val().is_require_grad() {
                *self.0 += param.val().shape().num_elements();
            }
            param
        }
    }

    #[test]
    fn sides_must_divide_by_eight() {
        let input = InputShape {
            channels: 3,
            height: 36,
            width: 32,
        };
        assert!(Detector::new(input, 3, 8, &Device::flex()).is_err());
        // A checkpoint's 65536² input (which ran for minutes) is refused before anything.
        let huge = InputShape {
            channels: 3,
            height: 65_536,
            width: 65_536,
        };
        let err = Detector::new(huge, 3, 8, &Device::flex()).err().unwrap();
        assert!(err.to_string().contains("at most 1024×1024"), "{err}");
    }
}
