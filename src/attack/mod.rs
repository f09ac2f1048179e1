//! Adversarial examples: FGSM and PGD (L∞), untargeted and targeted, computed on the model's
//! real input pipeline.
//!
//! The perturbation lives in pixel space (0..1, before normalisation): the attacked image is
//! clamped to `[0, 1]` and to the ε-ball around the original there, and the checkpoint's
//! [`Normalization`] is applied afterwards, inside the graph, so the gradient flows through
//! it. (Perturbing the normalised tensor instead — the classic torchattacks mistake — would
//! make ε mean a different pixel change per channel and let pixels leave `[0, 1]`.)
//!
//! [`robustness`] measures accuracy against ε; [`explore`] attacks one image for the GUI.

pub mod explore;
pub mod robustness;

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::prelude::*;
use burn::tensor::TensorData;

use crate::core::protocol::{AttackMethod, AttackSettings};
use crate::data::Image;
use crate::data::batch::Normalization;
use crate::models::{Classifier, InputShape};

/// Why an attack could not run.
#[derive(Debug, thiserror::Error)]
pub enum AttackError {
    /// ε or the step size is negative or not a number.
    #[error("ε must be a number in 0..=1, got {0}")]
    BadEpsilon(f32),
    /// The pixel buffer does not match the shape, or labels do not match the batch.
    #[error(
        "a batch of {images} images got {labels} labels or {values} values for shape {shape:?}"
    )]
    Shape {
        /// Images in the batch.
        images: usize,
        /// Labels given.
        labels: usize,
        /// Pixel values given.
        values: usize,
        /// `[n, c, h, w]`.
        shape: [usize; 4],
    },
    /// A class index is not one of the model's classes.
    #[error("class {0} is not one of the model's {1} classes")]
    BadClass(usize, usize),
    /// Tensor data could not be read back.
    #[error("reading tensor data: {0}")]
    Data(String),
}

/// Images on the 0..1 pixel scale, CHW per image: `values.len() == n·c·h·w`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pixels {
    /// The values, image after image.
    pub values: Vec<f32>,
    /// `[n, c, h, w]`.
    pub shape: [usize; 4],
}

impl Pixels {
    /// Images (already at input size) as pixels on the 0..1 scale, in `input`'s layout.
    pub fn from_images<'a>(images: impl IntoIterator<Item = &'a Image>, input: InputShape) -> Self {
        let identity = Normalization::identity(input.channels as u32);
        let mut values = Vec::new();
        let mut n = 0;
        for image in images {
            values.extend(identity.write_chw(image, input.channels, input.height, input.width));
            n += 1;
        }
        Pixels {
            values,
            shape: [n, input.channels, input.height, input.width],
        }
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.shape[0]
    }

    /// Whether there is no image.
    pub fn is_empty(&self) -> bool {
        self.shape[0] == 0
    }

    /// Image `i` as 8-bit pixels. Each value is rounded towards `reference`'s value (when
    /// given, same shape), so an adversarial image stays within ε of the original after
    /// quantisation to `u8`.
    pub fn to_image(&self, i: usize, reference: Option<&Pixels>) -> Image {
        let [_, c, h, w] = self.shape;
        let plane = c * h * w;
        let mut pixels = vec![0u8; plane];
        for ch in 0..c {
            for p in 0..h * w {
                let at = i * plane + ch * h * w + p;
                let v = self.values.get(at).copied().unwrap_or(0.0).clamp(0.0, 1.0) * 255.0;
                let toward = reference.and_then(|r| r.values.get(at)).map(|r| r * 255.0);
                let q = match toward {
                    Some(r) if v > r + 1e-4 => v.floor().max(r.round()),
                    Some(r) if v < r - 1e-4 => v.ceil().min(r.round()),
                    Some(r) => r.round(),
                    None => v.round(),
                };
                pixels[p * c + ch] = q.clamp(0.0, 255.0) as u8;
            }
        }
        Image {
            width: w as u32,
            height: h as u32,
            channels: c as u32,
            pixels,
        }
    }

    fn tensor(&self, device: &Device) -> Tensor<4> {
        Tensor::from_data(TensorData::new(self.values.clone(), self.shape), device)
    }
}

/// A classifier ready to be attacked: in validation mode (batch norm uses its running
/// statistics), with its input normalisation, on a device with autodiff.
pub struct Attacker {
    /// The model on the plain device, for predictions.
    plain: Classifier,
    /// The same weights on the autodiff device, for input gradients.
    graph: Classifier,
    norm: Normalization,
    input: InputShape,
    classes: usize,
    device: Device,
    autodiff: Device,
}

impl Attacker {
    /// Prepares `model` (trained on inputs normalised with `norm`) for attacks on `device`.
    pub fn new(
        model: &Classifier,
        norm: &Normalization,
        input: InputShape,
        classes: usize,
        device: &Device,
    ) -> Self {
        let device = device.clone().inner();
        let autodiff = device.clone().autodiff();
        let plain = model.valid().to_device(&device);
        // Validation state survives the move: no weight requires a gradient and batch norm
        // keeps its running statistics, but the graph through the weights to the input is
        // recorded.
        let graph = plain.clone().to_device(&autodiff);
        Attacker {
            plain,
            graph,
            norm: norm.clone(),
            input,
            classes,
            device,
            autodiff,
        }
    }

    /// Prepares a loaded checkpoint, with its own normalisation, on its device.
    pub fn for_trained(trained: &crate::tasks::classify::Trained) -> Self {
        let meta = &trained.checkpoint.meta;
        Attacker::new(
            &trained.model,
            &meta.normalization,
            meta.input,
            meta.classes.len(),
            &trained.device,
        )
    }

    /// The network input the model takes.
    pub fn input(&self) -> InputShape {
        self.input
    }

    /// `(x - mean) / std` per channel, on `device`. `x`: `[n, c, h, w]` on the 0..1 scale.
    fn normalize(&self, x: Tensor<4>, device: &Device) -> Tensor<4> {
        let c = self.input.channels;
        let pick = |values: &[f32], fallback: f32, i: usize| {
            values.get(i).or(values.last()).copied().unwrap_or(fallback)
        };
        let mean: Vec<f32> = (0..c).map(|i| pick(&self.norm.mean, 0.0, i)).collect();
        let std: Vec<f32> = (0..c)
            .map(|i| pick(&self.norm.std, 1.0, i).max(Normalization::MIN_STD))
            .collect();
        let mean = Tensor::<4>::from_data(TensorData::new(mean, [1, c, 1, 1]), device);
        let std = Tensor::<4>::from_data(TensorData::new(std, [1, c, 1, 1]), device);
        (x - mean) / std
    }

    /// Class probabilities `[n][classes]` for pixels on the 0..1 scale.
    pub fn probabilities(&self, pixels: &Pixels) -> Result<Vec<Vec<f32>>, AttackError> {
        if pixels.is_empty() {
            return Ok(Vec::new());
        }
        let x = self.normalize(pixels.tensor(&self.device), &self.device);
        let probs = burn::tensor::activation::softmax(self.plain.forward(x), 1); // [n, k]
        let values = read(probs)?;
        Ok(values.chunks(self.classes).map(<[f32]>::to_vec).collect())
    }

    /// Predicted class of each image.
    pub fn predict(&self, pixels: &Pixels) -> Result<Vec<usize>, AttackError> {
        Ok(self
            .probabilities(pixels)?
            .iter()
            .map(|p| argmax(p))
            .collect())
    }

    /// The sign of the gradient of the cross-entropy with respect to the pixels, and the
    /// prediction on `x`. `x`: `[n, c, h, w]` plain; `labels`: `[n]`.
    fn signed_gradient(
        &self,
        x: Tensor<4>,
        labels: &Tensor<1, Int>,
    ) -> Result<(Tensor<4>, Vec<usize>), AttackError> {
        let leaf = x.autodiff().require_grad();
        let logits = self
            .graph
            .forward(self.normalize(leaf.clone(), &self.autodiff)); // [n, k]
        let loss = CrossEntropyLossConfig::new()
            .init(&self.autodiff)
            .forward(logits.clone(), Tensor::from_inner(labels.clone()));
        let grads = loss.backward();
        let predicted = read(logits.inner())?
            .chunks(self.classes)
            .map(argmax)
            .collect();
        let gradient = leaf
            .grad(&grads)
            .ok_or_else(|| AttackError::Data("no gradient reached the input".into()))?;
        Ok((gradient.sign(), predicted))
    }

    /// Attacks `pixels` (0..1 scale). `labels` are the true classes for an untargeted attack
    /// (the loss on them is increased); with `settings.target` every image is pushed towards
    /// that class instead. Returns the adversarial pixels: each within `settings.eps` of the
    /// original and inside `[0, 1]`.
    ///
    /// PGD starts at the original image, takes `steps` signed steps of `step_size` and
    /// projects back onto the ε-ball after each; an image keeps the first iterate that fools
    /// the model (wrong class, or the target class).
    pub fn attack(
        &self,
        pixels: &Pixels,
        labels: &[usize],
        settings: &AttackSettings,
    ) -> Result<Pixels, AttackError> {
        let eps = settings.eps;
        if !(0.0..=1.0).contains(&eps) {
            return Err(AttackError::BadEpsilon(eps));
        }
        let [n, c, h, w] = pixels.shape;
        if labels.len() != n || pixels.values.len() != n * c * h * w {
            return Err(AttackError::Shape {
                images: n,
                labels: labels.len(),
                values: pixels.values.len(),
                shape: pixels.shape,
            });
        }
        if n == 0 || eps == 0.0 {
            return Ok(pixels.clone());
        }
        let goal: Vec<usize> = match settings.target {
            Some(t) => vec![t; n],
            None => labels.to_vec(),
        };
        if let Some(&bad) = goal.iter().find(|&&g| g >= self.classes) {
            return Err(AttackError::BadClass(bad, self.classes));
        }
        // Untargeted: climb the loss of the true class. Targeted: descend the target's.
        let direction = if settings.target.is_some() { -1.0 } else { 1.0 };
        let goal_tensor = Tensor::<1, Int>::from_data(
            TensorData::new(goal.iter().map(|&g| g as i64).collect(), [n]),
            &self.device,
        );
        let original = pixels.tensor(&self.device);
        let fooled = |predicted: usize, i: usize| match settings.target {
            Some(t) => predicted == t,
            None => predicted != labels[i],
        };
        let adversarial = match settings.method {
            AttackMethod::Fgsm => {
                let (sign, _) = self.signed_gradient(original.clone(), &goal_tensor)?;
                (original.clone() + sign * (direction * eps)).clamp(0.0, 1.0)
            }
            AttackMethod::Pgd => {
                let steps = settings.steps.max(1);
                let alpha = settings
                    .step_size
                    .unwrap_or(2.5 * eps / steps as f32)
                    .max(0.0);
                let mut x = original.clone();
                let mut done = vec![false; n];
                for step in 0..=steps {
                    let (sign, predicted) = self.signed_gradient(x.clone(), &goal_tensor)?;
                    for (i, p) in predicted.into_iter().enumerate() {
                        done[i] = done[i] || fooled(p, i);
                    }
                    if step == steps || done.iter().all(|&d| d) {
                        break;
                    }
                    // Images that already fool the model keep their iterate.
                    let keep: Vec<f32> = done.iter().map(|&d| if d { 0.0 } else { 1.0 }).collect();
                    let keep =
                        Tensor::<4>::from_data(TensorData::new(keep, [n, 1, 1, 1]), &self.device);
                    let stepped = x.clone() + sign * keep * (direction * alpha);
                    let delta = (stepped - original.clone()).clamp(-eps, eps);
                    x = (original.clone() + delta).clamp(0.0, 1.0);
                }
                x
            }
        };
        Ok(Pixels {
            values: read(adversarial)?,
            shape: pixels.shape,
        })
    }
}

/// Index of the largest value (0 for an empty slice).
pub fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)
}

fn read<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>, AttackError> {
    tensor
        .into_data()
        .try_to_vec::<f32>()
        .map_err(|e| AttackError::Data(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::ModelKind;

    fn setup(kind: ModelKind, channels: usize) -> (Attacker, Pixels) {
        let device = Device::flex();
        device.seed(3);
        // MobileNetV2 needs at least 32 pixels a side.
        let side = if kind == ModelKind::MobileNetV2 {
            32
        } else {
            16
        };
        let input = InputShape {
            channels,
            height: side,
            width: side,
        };
        // MobileNetV2 starts from its ImageNet weights: a deep network with random weights
        // can saturate its softmax, and a saturated loss has no gradient to follow.
        let model = if channels == 3 {
            Classifier::pretrained(kind, input, 4, &device).unwrap()
        } else {
            Classifier::new(kind, input, 4, &device).unwrap()
        };
        let norm = Normalization {
            mean: vec![0.4; channels],
            std: vec![0.2; channels],
        };
        let values: Vec<f32> = (0..3 * channels * side * side)
            .map(|i| ((i * 37) % 255) as f32 / 255.0)
            .collect();
        let pixels = Pixels {
            values,
            shape: [3, channels, side, side],
        };
        (Attacker::new(&model, &norm, input, 4, &device), pixels)
    }

    #[test]
    fn attacks_stay_in_the_ball_and_in_range() {
        for kind in ModelKind::ALL {
            let (attacker, pixels) = setup(kind, 3);
            // The model's own answers as labels and a class it predicts for none of the
            // images as the target: an image already away from its label (or at its target)
            // is left alone, and the random head is drawn from a generator the other tests
            // share, so fixed labels could leave nothing to attack.
            let labels = attacker.predict(&pixels).unwrap();
            let unused = (0..4).find(|c| !labels.contains(c)).unwrap();
            for method in AttackMethod::ALL {
                for target in [None, Some(unused)] {
                    let settings = AttackSettings {
                        method,
                        eps: 0.03,
                        steps: 4,
                        step_size: None,
                        target,
                    };
                    let adv = attacker.attack(&pixels, &labels, &settings).unwrap();
                    assert_eq!(adv.shape, pixels.shape);
                    let moved = adv
                        .values
                        .iter()
                        .zip(&pixels.values)
                        .map(|(a, o)| (a - o).abs())
                        .fold(0f32, f32::max);
                    assert!(moved <= 0.03 + 1e-6, "{kind:?} {method:?}: moved {moved}");
                    assert!(moved > 0.01, "{kind:?} {method:?}: the attack did nothing");
                    assert!(adv.values.iter().all(|v| (0.0..=1.0).contains(v)));
                }
            }
        }
    }

    #[test]
    fn batch_norm_model_is_attacked_in_validation_mode() {
        let (attacker, pixels) = setup(ModelKind::ResNet, 1);
        // The graph copy gives the same logits as the plain one (running statistics, not
        // batch statistics).
        let plain = attacker.probabilities(&pixels).unwrap();
        let x = attacker.normalize(pixels.tensor(&attacker.autodiff), &attacker.autodiff);
        let graph = burn::tensor::activation::softmax(attacker.graph.forward(x), 1);
        let graph = read(graph.inner()).unwrap();
        for (a, b) in plain.concat().iter().zip(&graph) {
            assert!((a - b).abs() < 1e-4);
        }
    }

    #[test]
    fn rounding_keeps_u8_images_within_eps() {
        let original = Pixels {
            values: vec![10.0 / 255.0, 200.0 / 255.0, 0.0, 1.0],
            shape: [1, 1, 2, 2],
        };
        let adv = Pixels {
            values: vec![12.7 / 255.0, 197.2 / 255.0, 0.001, 0.9999],
            shape: [1, 1, 2, 2],
        };
        let image = adv.to_image(0, Some(&original));
        assert_eq!(image.pixels, vec![12, 198, 0, 255]);
    }

    #[test]
    fn bad_inputs_are_errors() {
        let (attacker, pixels) = setup(ModelKind::ConvNet, 1);
        let settings = AttackSettings::default();
        assert!(attacker.attack(&pixels, &[0], &settings).is_err());
        let bad = AttackSettings {
            eps: -0.1,
            ..settings
        };
        assert!(attacker.attack(&pixels, &[0, 0, 0], &bad).is_err());
        let bad = AttackSettings {
            target: Some(9),
            ..settings
        };
        assert!(attacker.attack(&pixels, &[0, 0, 0], &bad).is_err());
    }
}
