//! MobileNetV2 (Sandler et al. 2018), laid out like torchvision's so its ImageNet weights
//! load: a 3×3 stem, 17 inverted-residual blocks, a 1×1 conv to 1280 channels, global
//! average pooling and a linear classifier.
//!
//! The network takes images on the 0..1 scale (`[batch, 1 or 3, h, w]`; grey is repeated
//! to RGB) and applies ImageNet's normalisation itself, so callers never have to.
//!
//! Feature stages are numbered like torchvision's `features` list: 0 is the stem, 1..=17
//! the inverted-residual blocks, 18 the final 1×1 conv. [`MobileNetV2::features_at`] returns
//! the activations of chosen stages (for perceptual and style losses).

use std::path::Path;

use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::*;
use burn::store::{ModuleSnapshot, PytorchStore};

use crate::core::protocol::TransferOptions;
use crate::models::InputShape;

use crate::kernels::{batch_norm_layer, conv2d_layer, relu6};
use crate::models::ModelError;

/// ImageNet per-channel mean (RGB, 0..1 scale).
pub const IMAGENET_MEAN: [f32; 3] = [0.485, 0.456, 0.406];
/// ImageNet per-channel standard deviation.
pub const IMAGENET_STD: [f32; 3] = [0.229, 0.224, 0.225];
/// Channels out of the last feature stage.
pub const FEATURE_CHANNELS: usize = 1280;
/// Number of feature stages (stem, 17 blocks, final conv).
pub const STAGES: usize = 19;
/// The bundled ImageNet weights, relative to the assets folder.
pub const WEIGHTS_ASSET: &str = "weights/mobilenet_v2-b0353104.pth";
/// The bundled ImageNet class names, relative to the assets folder.
pub const LABELS_ASSET: &str = "weights/imagenet_labels.txt";

/// Inverted-residual settings: expansion t, output channels c, repeats n, first stride s.
const SETTINGS: [(usize, usize, usize, usize); 7] = [
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
];

/// Why the pretrained weights could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PretrainedError {
    /// The weights file is missing or unreadable.
    #[error("cannot read MobileNetV2 weights from {path}: {message}")]
    Read {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
    /// The file holds other tensors than torchvision's MobileNetV2.
    #[error("{path} does not hold torchvision's MobileNetV2 ImageNet weights: {message}")]
    Mismatch {
        /// The file.
        path: String,
        /// What did not fit.
        message: String,
    },
}

/// A convolution, batch norm and (optionally) ReLU6.
#[derive(Module, Debug)]
pub struct ConvBn {
    conv: Conv2d,
    bn: BatchNorm,
    #[module(skip)]
    relu: bool,
    /// The batch norm's inference statistics are folded into the convolution
    /// ([`MobileNetV2::fold_batch_norms`]): the norm is skipped.
    #[module(skip)]
    folded: bool,
}

impl ConvBn {
    fn new(
        cin: usize,
        cout: usize,
        kernel: usize,
        stride: usize,
        groups: usize,
        relu: bool,
        device: &Device,
    ) -> Self {
        let pad = kernel / 2;
        ConvBn {
            conv: Conv2dConfig::new([cin, cout], [kernel, kernel])
                .with_stride([stride, stride])
                .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
                .with_groups(groups)
                .with_bias(false)
                .init(device),
            bn: BatchNormConfig::new(cout).init(device),
            relu,
            folded: false,
        }
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let y = conv2d_layer(&self.conv, x);
        let y = if self.folded {
            y
        } else {
            batch_norm_layer(&self.bn, y)
        };
        if self.relu { relu6(y) } else { y }
    }

    /// `bn(conv(x)) = conv'(x)` with the running statistics: per output channel
    /// `s = γ / √(var + ε)`, weights `W·s` and bias `β − mean·s`.
    fn fold(mut self) -> Self {
        if self.folded {
            return self;
        }
        let bn = &self.bn;
        let scale = bn.gamma.val() / (bn.running_var.value() + bn.epsilon).sqrt(); // [cout]
        // A conv bias b would be normalised too: (b − mean)·s + β.
        let mean = match &self.conv.bias {
            Some(bias) => bn.running_mean.value() - bias.val(),
            None => bn.running_mean.value(),
        };
        let shift = bn.beta.val() - mean * scale.clone(); // [cout]
        let [cout, _, _, _] = self.conv.weight.dims();
        let weight = self.conv.weight.val() * scale.reshape([cout, 1, 1, 1]);
        self.conv.weight = Param::from_tensor(weight).set_require_grad(false);
        self.conv.bias = Some(Param::from_tensor(shift).set_require_grad(false));
        self.folded = true;
        self
    }
}

/// Expand (1×1) → depthwise 3×3 → project (1×1, linear), with a shortcut when the shape
/// is kept.
#[derive(Module, Debug)]
pub struct InvertedResidual {
    expand: Option<ConvBn>,
    depthwise: ConvBn,
    project: ConvBn,
    #[module(skip)]
    residual: bool,
}

impl InvertedResidual {
    fn new(cin: usize, cout: usize, stride: usize, expansion: usize, device: &Device) -> Self {
        let hidden = cin * expansion;
        InvertedResidual {
            expand: (expansion != 1).then(|| ConvBn::new(cin, hidden, 1, 1, 1, true, device)),
            depthwise: ConvBn::new(hidden, hidden, 3, stride, hidden, true, device),
            project: ConvBn::new(hidden, cout, 1, 1, 1, false, device),
            residual: stride == 1 && cin == cout,
        }
    }

    /// `[b, cin, h, w]` → `[b, cout, h/stride, w/stride]`.
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let y = match &self.expand {
            Some(e) => e.forward(x.clone()),
            None => x.clone(),
        };
        let y = self.project.forward(self.depthwise.forward(y));
        if self.residual { y + x } else { y }
    }
}

/// MobileNetV2 with a linear classifier of any size (1000 ImageNet classes when pretrained).
#[derive(Module, Debug)]
pub struct MobileNetV2 {
    stem: ConvBn,
    blocks: Vec<InvertedResidual>,
    last: ConvBn,
    classifier: Linear,
}

impl MobileNetV2 {
    /// Smallest input side: five stride-2 stages bring 32 pixels down to 1.
    pub const MIN_SIDE: usize = 32;

    /// A randomly initialised network with `classes` outputs.
    pub fn new(classes: usize, device: &Device) -> Self {
        let mut blocks = Vec::with_capacity(STAGES - 2);
        let mut cin = 32;
        for (t, c, n, s) in SETTINGS {
            for i in 0..n {
                let stride = if i == 0 { s } else { 1 };
                blocks.push(InvertedResidual::new(cin, c, stride, t, device));
                cin = c;
            }
        }
        MobileNetV2 {
            stem: ConvBn::new(3, 32, 3, 2, 1, true, device),
            blocks,
            last: ConvBn::new(cin, FEATURE_CHANNELS, 1, 1, 1, true, device),
            classifier: LinearConfig::new(FEATURE_CHANNELS, classes).init(device),
        }
    }

    /// Checks that `input` is large enough for the backbone.
    pub fn check_input(input: InputShape) -> Result<(), ModelError> {
        ModelError::check_side("MobileNetV2", Self::MIN_SIDE, input)
    }

    /// The ImageNet network with torchvision's weights from `path` (a `.pth` state dict).
    pub fn pretrained(path: &Path, device: &Device) -> Result<Self, PretrainedError> {
        let shown = path.display().to_string();
        if !path.is_file() {
            return Err(PretrainedError::Read {
                path: shown,
                message: "no such file".into(),
            });
        }
        let mut model = MobileNetV2::new(1000, device);
        let mut store = PytorchStore::from_file(path)
            .map_indices_contiguous(false)
            .allow_partial(false);
        for (from, to) in torchvision_key_map() {
            store = store.with_key_remapping(from, to);
        }
        let result = model
            .load_from(&mut store)
            .map_err(|e| PretrainedError::Mismatch {
                path: shown.clone(),
                message: e.to_string(),
            })?;
        if !result.errors.is_empty() || !result.missing.is_empty() {
            return Err(PretrainedError::Mismatch {
                path: shown,
                message: result.to_string(),
            });
        }
        Ok(model)
    }

    /// For inference only (the style-transfer feature extractor): folds every batch norm's
    /// running statistics into the convolution before it, so a forward (and backward to
    /// the input) pass skips the norms' element-wise work. Same outputs up to rounding; not
    /// for training (the norms no longer see batch statistics) nor for saving.
    pub fn fold_batch_norms(mut self) -> Self {
        self.stem = self.stem.fold();
        self.blocks = self
            .blocks
            .into_iter()
            .map(|b| InvertedResidual {
                expand: b.expand.map(ConvBn::fold),
                depthwise: b.depthwise.fold(),
                project: b.project.fold(),
                residual: b.residual,
            })
            .collect();
        self.last = self.last.fold();
        self
    }

    /// The feature layers alone, as an encoder for dense tasks (drops the final 1×1 conv
    /// and the classifier).
    pub fn into_encoder(self) -> MobileNetV2Encoder {
        MobileNetV2Encoder {
            stem: self.stem,
            blocks: self.blocks,
        }
    }

    /// Replaces the classifier with a fresh one of `classes` outputs (for fine-tuning).
    pub fn with_classes(mut self, classes: usize, device: &Device) -> Self {
        self.classifier = LinearConfig::new(FEATURE_CHANNELS, classes).init(device);
        self
    }

    /// Number of outputs of the classifier.
    pub fn classes(&self) -> usize {
        self.classifier.weight.shape().dims::<2>()[1]
    }

    /// Freezes every feature stage (weights and batch-norm statistics); the classifier
    /// stays trainable.
    pub fn freeze_backbone(self) -> Self {
        let MobileNetV2 {
            stem,
            blocks,
            last,
            classifier,
        } = self;
        let features = MobileNetV2Encoder { stem, blocks }.freeze_all();
        MobileNetV2 {
            stem: features.stem,
            blocks: features.blocks,
            last: last.freeze(),
            classifier,
        }
    }

    /// Makes the last `n` feature stages trainable again (18 first, then 17, …).
    pub fn unfreeze_last(self, n: usize) -> Self {
        if n == 0 {
            return self;
        }
        let MobileNetV2 {
            stem,
            blocks,
            last,
            classifier,
        } = self;
        // Stage 18 is the last conv; the other n - 1 are the encoder's deepest (the stem
        // once all 17 blocks are).
        let features = MobileNetV2Encoder { stem, blocks }.unfreeze_last(n - 1);
        MobileNetV2 {
            stem: features.stem,
            blocks: features.blocks,
            last: last.unfreeze(),
            classifier,
        }
    }

    /// Applies ImageNet normalisation; grey input is repeated to three channels.
    /// `[b, 1|3, h, w]` on 0..1 → `[b, 3, h, w]`.
    pub fn normalize(x: Tensor<4>) -> Tensor<4> {
        let device = x.device();
        let x = if x.dims()[1] == 1 {
            x.repeat_dim(1, 3)
        } else {
            x
        };
        let mean = Tensor::<1>::from_floats(IMAGENET_MEAN, &device).reshape([1, 3, 1, 1]);
        let std = Tensor::<1>::from_floats(IMAGENET_STD, &device).reshape([1, 3, 1, 1]);
        (x - mean) / std
    }

    /// Activations of the chosen feature stages (0..=18), in the order asked. The forward
    /// pass stops after the deepest stage asked for. Stages out of range are left out.
    ///
    /// `x`: `[b, 1|3, h, w]` on 0..1.
    pub fn features_at(&self, x: Tensor<4>, stages: &[usize]) -> Vec<Tensor<4>> {
        let Some(&deepest) = stages.iter().filter(|&&s| s < STAGES).max() else {
            return Vec::new();
        };
        let mut found: Vec<Option<Tensor<4>>> = vec![None; STAGES];
        let mut x = self.stem.forward(Self::normalize(x));
        found[0] = Some(x.clone());
        for (i, block) in self.blocks.iter().enumerate() {
            if i + 1 > deepest {
                break;
            }
            x = block.forward(x);
            found[i + 1] = Some(x.clone());
        }
        if deepest == STAGES - 1 {
            found[STAGES - 1] = Some(self.last.forward(x));
        }
        stages
            .iter()
            .filter_map(|&s| found.get(s).cloned().flatten())
            .collect()
    }

    /// The last feature map: `[b, 1|3, h, w]` → `[b, 1280, ⌈h/32⌉, ⌈w/32⌉]`.
    pub fn features(&self, x: Tensor<4>) -> Tensor<4> {
        let mut x = self.stem.forward(Self::normalize(x));
        for block in &self.blocks {
            x = block.forward(x);
        }
        self.last.forward(x)
    }

    /// Global average pooling and the classifier: `[b, 1280, h', w']` → `[b, classes]`.
    pub fn head(&self, features: Tensor<4>) -> Tensor<2> {
        self.classify_embedding(self.embedding(features))
    }

    /// The penultimate layer, the image's embedding (global average pooling):
    /// `[b, 1280, h', w']` → `[b, 1280]`.
    pub fn embedding(&self, features: Tensor<4>) -> Tensor<2> {
        features.mean_dim(3).mean_dim(2).flatten(1, 3) // [b, 1280]
    }

    /// The classifier: an embedding `[b, 1280]` → logits `[b, classes]`.
    pub fn classify_embedding(&self, embedding: Tensor<2>) -> Tensor<2> {
        self.classifier.forward(embedding) // [b, classes]
    }

    /// The embedding and the logits of images: `[b, 1|3, h, w]` on 0..1 →
    /// (`[b, 1280]`, `[b, classes]`).
    pub fn embed(&self, x: Tensor<4>) -> (Tensor<2>, Tensor<2>) {
        let embedding = self.embedding(self.features(x)); // [b, 1280]
        let logits = self.classify_embedding(embedding.clone()); // [b, classes]
        (embedding, logits)
    }

    /// Class scores: `[b, 1|3, h, w]` on 0..1 → `[b, classes]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        self.head(self.features(x))
    }
}

/// Channels of the encoder's feature pyramid at strides 2, 4, 8, 16 and 32 (the outputs of
/// torchvision's feature stages 1, 3, 6, 13 and 17).
pub const PYRAMID_CHANNELS: [usize; 5] = [16, 24, 32, 96, 320];
/// The feature stage (1..=17) whose output is each pyramid level.
const PYRAMID_STAGES: [usize; 5] = [1, 3, 6, 13, 17];

/// MobileNetV2's feature layers as an encoder for dense tasks (the detector, the U-Net):
/// the stem and the 17 inverted-residual blocks, without the final 1×1 conv and the
/// classifier, which dense heads do not use. Takes images on the 0..1 scale and normalises
/// them itself, as [`MobileNetV2`] does.
#[derive(Module, Debug)]
pub struct MobileNetV2Encoder {
    stem: ConvBn,
    blocks: Vec<InvertedResidual>,
}

/// The encoder's features: `[b, 16, H/2, W/2]`, `[b, 24, H/4, W/4]`, `[b, 32, H/8, W/8]`,
/// `[b, 96, H/16, W/16]`, `[b, 320, H/32, W/32]` (for sides that are multiples of 32).
#[derive(Debug, Clone)]
pub struct Pyramid {
    /// Stride 2.
    pub s2: Tensor<4>,
    /// Stride 4.
    pub s4: Tensor<4>,
    /// Stride 8.
    pub s8: Tensor<4>,
    /// Stride 16.
    pub s16: Tensor<4>,
    /// Stride 32.
    pub s32: Tensor<4>,
}

impl MobileNetV2Encoder {
    /// Input sides must be multiples of this (five stride-2 stages), so that every level
    /// is exactly half the one before and decoders can add them after a ×2 upsampling.
    pub const SIDE_MULTIPLE: usize = 32;

    /// A randomly initialised encoder (its weights are replaced by a checkpoint's).
    pub fn new(device: &Device) -> Self {
        MobileNetV2::new(1, device).into_encoder()
    }

    /// The encoder with torchvision's ImageNet weights from `path`.
    pub fn pretrained(path: &Path, device: &Device) -> Result<Self, PretrainedError> {
        Ok(MobileNetV2::pretrained(path, device)?.into_encoder())
    }

    /// The encoder with the bundled ImageNet weights ([`WEIGHTS_ASSET`]).
    pub fn bundled(device: &Device) -> Result<Self, ModelError> {
        let path = crate::core::assets::find(WEIGHTS_ASSET)
            .map_err(|e| ModelError::Pretrained(e.to_string()))?;
        Self::pretrained(&path, device).map_err(|e| ModelError::Pretrained(e.to_string()))
    }

    /// The encoder a dense network (`model`, named in errors) for `input` starts from: the
    /// bundled ImageNet weights when `pretrained`, else fresh ones (that a checkpoint's
    /// replace). The input is checked first, so no weights are read for a network that
    /// cannot be built.
    pub fn for_input(
        model: &'static str,
        input: InputShape,
        pretrained: bool,
        device: &Device,
    ) -> Result<Self, ModelError> {
        Self::check_input(model, input)?;
        if pretrained {
            Self::bundled(device)
        } else {
            Ok(Self::new(device))
        }
    }

    /// `Err` naming `model` unless both sides of `input` are positive multiples of
    /// [`Self::SIDE_MULTIPLE`].
    pub fn check_input(model: &'static str, input: InputShape) -> Result<(), ModelError> {
        let m = Self::SIDE_MULTIPLE;
        if input.height < m
            || input.width < m
            || !input.height.is_multiple_of(m)
            || !input.width.is_multiple_of(m)
        {
            return Err(ModelError::InputTooSmall {
                model,
                min: m,
                height: input.height,
                width: input.width,
            });
        }
        Ok(())
    }

    /// The five feature levels of images on the 0..1 scale: `[b, 1|3, H, W]` → [`Pyramid`].
    pub fn pyramid(&self, x: Tensor<4>) -> Pyramid {
        let stem = self.stem.forward(MobileNetV2::normalize(x)); // [b, 32, H/2, W/2]
        // The blocks after feature stage `from` up to stage `to` (stage i is block i - 1).
        let stages = |x: Tensor<4>, from: usize, to: usize| {
            self.blocks
                .iter()
                .take(to)
                .skip(from)
                .fold(x, |x, block| block.forward(x))
        };
        let [l2, l4, l8, l16, l32] = PYRAMID_STAGES;
        let s2 = stages(stem, 0, l2);
        let s4 = stages(s2.clone(), l2, l4);
        let s8 = stages(s4.clone(), l4, l8);
        let s16 = stages(s8.clone(), l8, l16);
        let s32 = stages(s16.clone(), l16, l32);
        Pyramid {
            s2,
            s4,
            s8,
            s16,
            s32,
        }
    }

    /// Freezes the whole encoder (weights and batch-norm statistics).
    pub fn freeze_all(mut self) -> Self {
        self.stem = self.stem.freeze();
        self.blocks = self.blocks.into_iter().map(|b| b.freeze()).collect();
        self
    }

    /// Makes the deepest `n` blocks trainable again (block 17 first, then 16, …; the stem
    /// too when `n` ≥ 18).
    pub fn unfreeze_last(mut self, n: usize) -> Self {
        let blocks = self.blocks.len();
        let first = blocks.saturating_sub(n);
        self.blocks = self
            .blocks
            .into_iter()
            .enumerate()
            .map(|(i, b)| if i >= first { b.unfreeze() } else { b })
            .collect();
        if n > blocks {
            self.stem = self.stem.unfreeze();
        }
        self
    }

    /// Which weights train in 1-based `epoch`, as classification's fine-tuning does: all of
    /// them when the backbone is not frozen; none while frozen; the deepest
    /// `unfreeze_last` blocks once [`TransferOptions::unfrozen_in`] says so.
    pub fn with_transfer(self, transfer: &TransferOptions, epoch: usize) -> Self {
        let net = self.unfreeze();
        if !transfer.freeze_backbone {
            net
        } else if transfer.unfrozen_in(epoch) {
            net.freeze_all().unfreeze_last(transfer.unfreeze_last)
        } else {
            net.freeze_all()
        }
    }
}

/// Regex remappings from torchvision's state-dict keys to this module's paths.
fn torchvision_key_map() -> Vec<(String, String)> {
    let mut map = vec![
        (r"^features\.0\.0\.".into(), "stem.conv.".into()),
        (r"^features\.0\.1\.".into(), "stem.bn.".into()),
        (r"^features\.18\.0\.".into(), "last.conv.".into()),
        (r"^features\.18\.1\.".into(), "last.bn.".into()),
        (r"^classifier\.1\.".into(), "classifier.".into()),
    ];
    for stage in 1..STAGES - 1 {
        let b = stage - 1;
        let parts: &[(&str, &str)] = if stage == 1 {
            // Expansion 1: no expand conv.
            &[
                ("conv.0.0", "depthwise.conv"),
                ("conv.0.1", "depthwise.bn"),
                ("conv.1", "project.conv"),
                ("conv.2", "project.bn"),
            ]
        } else {
            &[
                ("conv.0.0", "expand.conv"),
                ("conv.0.1", "expand.bn"),
                ("conv.1.0", "depthwise.conv"),
                ("conv.1.1", "depthwise.bn"),
                ("conv.2", "project.conv"),
                ("conv.3", "project.bn"),
            ]
        };
        for (from, to) in parts {
            map.push((
                format!(r"^features\.{stage}\.{}\.", from.replace('.', r"\.")),
                format!("blocks.{b}.{to}."),
            ));
        }
    }
    map
}

/// The 1000 ImageNet class names (index = class), from a one-name-a-line file.
pub fn read_labels(path: &Path) -> Result<Vec<String>, PretrainedError> {
    let text = std::fs::read_to_string(path).map_err(|e| PretrainedError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let labels: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    if labels.len() != 1000 {
        return Err(PretrainedError::Mismatch {
            path: path.display().to_string(),
            message: format!("expected 1000 class names, found {}", labels.len()),
        });
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Folding the norms into the convolutions keeps the outputs, feature stages included.
    #[test]
    fn folded_batch_norms_give_the_same_outputs() {
        let device = Device::flex();
        // Norms with statistics far from the identity, so a wrong fold shows.
        let net = MobileNetV2::new(4, &device).map(&mut RandomiseNorms);
        let net = net.valid();
        let x = Tensor::<4>::random([2, 3, 40, 40], burn::tensor::Distribution::Default, &device);
        let before = net.features_at(x.clone(), &[2, 7, 18]);
        let logits = net.forward(x.clone());
        let folded = net.fold_batch_norms();
        let after = folded.features_at(x.clone(), &[2, 7, 18]);
        for (b, a) in before
            .into_iter()
            .zip(after)
            .chain([(logits.unsqueeze::<4>(), folded.forward(x).unsqueeze::<4>())])
        {
            let scale: f32 = b.clone().abs().max().into_scalar();
            let worst: f32 = (b - a).abs().max().into_scalar();
            assert!(
                worst <= 1e-4 * scale.max(1.0),
                "largest difference {worst} (scale {scale})"
            );
        }
    }

    /// Sets every batch norm's γ, β, mean and variance to random values.
    struct RandomiseNorms;

    impl burn::module::ModuleMapper for RandomiseNorms {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            let (id, tensor, mapper) = param.consume();
            let tensor = if D == 1 {
                Tensor::random(
                    tensor.shape(),
                    burn::tensor::Distribution::Uniform(0.5, 1.5),
                    &tensor.device(),
                )
            } else {
                tensor
            };
            Param::from_mapped_value(id, tensor, mapper)
        }
    }

    #[test]
    fn shapes_through_the_network() {
        let device = Device::flex();
        let net = MobileNetV2::new(5, &device);
        let x = Tensor::<4>::zeros([2, 1, 32, 32], &device);
        assert_eq!(net.forward(x.clone()).dims(), [2, 5]);
        let f = net.features_at(x, &[18, 0, 3]);
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].dims(), [2, 1280, 1, 1]);
        assert_eq!(f[1].dims(), [2, 32, 16, 16]);
        assert_eq!(f[2].dims(), [2, 24, 8, 8]);
        assert_eq!(net.classes(), 5);
    }

    /// The encoder's pyramid is the network's feature stages 1, 3, 6, 13 and 17.
    #[test]
    fn the_pyramid_levels_are_the_feature_stages() {
        let device = Device::flex();
        let net = MobileNetV2::new(3, &device)
            .map(&mut RandomiseNorms)
            .valid();
        let x = Tensor::<4>::random([1, 3, 64, 96], burn::tensor::Distribution::Default, &device);
        let stages = net.features_at(x.clone(), &PYRAMID_STAGES);
        let p = net.into_encoder().pyramid(x);
        let levels = [p.s2, p.s4, p.s8, p.s16, p.s32];
        let strides = [2, 4, 8, 16, 32];
        for (((level, stage), channels), stride) in levels
            .into_iter()
            .zip(stages)
            .zip(PYRAMID_CHANNELS)
            .zip(strides)
        {
            assert_eq!(level.dims(), [1, channels, 64 / stride, 96 / stride]);
            let worst: f32 = (level - stage).abs().max().into_scalar();
            assert!(worst < 1e-5, "{worst}");
        }
        let input = |side| InputShape {
            channels: 3,
            height: side,
            width: side,
        };
        assert!(MobileNetV2Encoder::check_input("enc", input(160)).is_ok());
        assert!(MobileNetV2Encoder::check_input("enc", input(144)).is_err());
        assert!(MobileNetV2Encoder::check_input("enc", input(0)).is_err());
    }

    #[test]
    fn key_map_covers_every_stage_once() {
        let map = torchvision_key_map();
        // stem 2 + last 2 + classifier 1 + block 1: 4 + 16 blocks × 6.
        assert_eq!(map.len(), 5 + 4 + 16 * 6);
        let re = |s: &str| regex_lite_match(&map, s);
        assert_eq!(
            re("features.1.conv.1.weight"),
            "blocks.0.project.conv.weight"
        );
        assert_eq!(
            re("features.17.conv.3.running_var"),
            "blocks.16.project.bn.running_var"
        );
        assert_eq!(
            re("features.10.conv.1.0.weight"),
            "blocks.9.depthwise.conv.weight"
        );
    }

    /// Applies the first matching pattern by hand (prefix patterns only).
    fn regex_lite_match(map: &[(String, String)], key: &str) -> String {
        for (from, to) in map {
            let prefix = from.trim_start_matches('^').replace(r"\.", ".");
            if let Some(rest) = key.strip_prefix(&prefix) {
                return format!("{to}{rest}");
            }
        }
        key.to_string()
    }

    #[test]
    fn missing_weights_are_a_clear_error() {
        let err = MobileNetV2::pretrained(Path::new("/no/such.pth"), &Device::flex())
            .unwrap_err()
            .to_string();
        assert!(err.contains("/no/such.pth"), "{err}");
    }

    #[test]
    fn too_small_input_is_an_error() {
        let input = InputShape {
            channels: 3,
            height: 24,
            width: 24,
        };
        let err = MobileNetV2::check_input(input).unwrap_err().to_string();
        assert!(err.contains("32×32"), "{err}");
    }
}
