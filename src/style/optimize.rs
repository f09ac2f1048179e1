//! Optimisation-based style transfer (Gatys et al.) on the features of the pretrained
//! MobileNetV2: the pixels are optimised (Adam or L-BFGS) against a content loss on one
//! stage, a Gram-matrix style loss on several and a total-variation loss.

use std::path::Path;

use burn::module::Module;
use burn::prelude::*;
use burn::tensor::TensorData;

use crate::core::protocol::{PixelOptimizer, StyleInit, StyleLosses};
use crate::models::mobilenet_v2::{MobileNetV2, STAGES};
use crate::style::StyleError;
use crate::style::losses::{gram, mse, style_loss, total_variation};

/// Loss weights and layers.
#[derive(Clone, Debug, PartialEq)]
pub struct Objective {
    /// Stage of the content loss.
    pub content_layer: usize,
    /// Stages of the style loss.
    pub style_layers: Vec<usize>,
    /// Weight of the content loss.
    pub content_weight: f32,
    /// Weight of the style loss.
    pub style_weight: f32,
    /// Weight of the total-variation loss.
    pub tv_weight: f32,
}

impl Objective {
    /// Checks the layers: at least one style layer, all below the classifier stage.
    pub fn check(&self) -> Result<(), StyleError> {
        if self.style_layers.is_empty() {
            return Err(StyleError::Options(
                "choose at least one style layer".into(),
            ));
        }
        let last = STAGES - 1;
        if let Some(bad) = self
            .style_layers
            .iter()
            .chain([&self.content_layer])
            .find(|&&l| l > last)
        {
            return Err(StyleError::Options(format!(
                "layer {bad} does not exist: MobileNetV2's stages are 0..={last}"
            )));
        }
        Ok(())
    }

    /// The deepest stage used.
    pub fn deepest(&self) -> usize {
        self.style_layers
            .iter()
            .copied()
            .chain([self.content_layer])
            .max()
            .unwrap_or(0)
    }

    /// All stages to compute: the style layers, then the content layer.
    fn stages(&self) -> Vec<usize> {
        let mut stages = self.style_layers.clone();
        stages.push(self.content_layer);
        stages
    }
}

/// The pretrained network, frozen in inference mode, on an autodiff device.
pub struct FeatureNet {
    net: MobileNetV2,
}

impl FeatureNet {
    /// Loads the torchvision weights from `path` onto `device` (plain or autodiff).
    pub fn load(path: &Path, device: &Device) -> Result<Self, StyleError> {
        let plain = device.clone().inner();
        let net = MobileNetV2::pretrained(path, &plain)
            .map_err(|e| StyleError::Weights(e.to_string()))?;
        Ok(Self::from_net(net, &plain))
    }

    /// Uses an already loaded network.
    pub fn from_net(net: MobileNetV2, device: &Device) -> Self {
        let autodiff = device.clone().inner().autodiff();
        // Inference mode survives the move: no weight requires a gradient, but the graph back
        // to the pixels is recorded. The batch norms' running statistics are folded into the
        // convolutions: each iteration's forward and backward skip the norms' passes.
        let net = net.valid().fold_batch_norms().to_device(&autodiff);
        FeatureNet { net }
    }
}

/// A running optimisation: the targets, the pixels and the optimizer's state.
pub struct Optimization {
    objective: Objective,
    content_target: Tensor<4>,
    style_targets: Vec<Tensor<3>>,
    /// The image being optimised, `[1, 3, h, w]` on the plain device.
    x: Tensor<4>,
    optimizer: State,
    learning_rate: f32,
    iteration: usize,
}

enum State {
    Adam {
        m: Tensor<4>,
        v: Tensor<4>,
    },
    Lbfgs {
        /// (s, y, 1 / yᵀs), oldest first.
        history: Vec<(Tensor<4>, Tensor<4>, f32)>,
        previous: Option<(Tensor<4>, Tensor<4>)>,
    },
}

/// L-BFGS history length.
const LBFGS_HISTORY: usize = 10;

impl Optimization {
    /// Prepares an optimisation of `content` (`[1, 3, h, w]`, 0..1) towards the style of
    /// `style` (`[1, 3, h', w']`, any size), both on the plain device.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        net: &FeatureNet,
        content: Tensor<4>,
        style: Tensor<4>,
        objective: Objective,
        init: StyleInit,
        seed: u64,
        optimizer: PixelOptimizer,
        learning_rate: f32,
    ) -> Result<Self, StyleError> {
        objective.check()?;
        let plain = content.device();
        let stages = objective.stages();
        let targets = net.net.features_at(content.clone().autodiff(), &stages);
        let content_target = targets
            .last()
            .ok_or_else(|| StyleError::Internal("no content features".into()))?
            .clone()
            .inner();
        let style_targets: Vec<Tensor<3>> = net
            .net
            .features_at(style.autodiff(), &objective.style_layers)
            .into_iter()
            .map(|f| gram(f.inner()))
            .collect();
        let x = match init {
            StyleInit::Content => content,
            StyleInit::Noise => noise(content.dims(), seed, &plain),
        };
        let state = match optimizer {
            PixelOptimizer::Adam => State::Adam {
                m: x.zeros_like(),
                v: x.zeros_like(),
            },
            PixelOptimizer::Lbfgs => State::Lbfgs {
                history: Vec::new(),
                previous: None,
            },
        };
        Ok(Optimization {
            objective,
            content_target,
            style_targets,
            x,
            optimizer: state,
            learning_rate,
            iteration: 0,
        })
    }

    /// The losses at the current image and their gradient with respect to the pixels.
    fn evaluate(&self, net: &FeatureNet) -> Result<(StyleLosses, Tensor<4>), StyleError> {
        let leaf = self.x.clone().autodiff().require_grad();
        let features = net.net.features_at(leaf.clone(), &self.objective.stages());
        let (content_features, style_features) = features
            .split_last()
            .ok_or_else(|| StyleError::Internal("no features".into()))?;
        let o = &self.objective;
        let targets: Vec<Tensor<3>> = self
            .style_targets
            .iter()
            .map(|t| Tensor::from_inner(t.clone()))
            .collect();
        let content = mse(
            content_features.clone(),
            Tensor::from_inner(self.content_target.clone()),
        ) * o.content_weight;
        let style = style_loss(style_features, &targets)
            .ok_or_else(|| StyleError::Internal("no style layers".into()))?
            * o.style_weight;
        let tv = total_variation(leaf.clone()) * o.tv_weight;
        let parts = Tensor::cat(
            vec![
                content.clone().inner(),
                style.clone().inner(),
                tv.clone().inner(),
            ],
            0,
        );
        let grads = (content + style + tv).backward();
        let gradient = leaf
            .grad(&grads)
            .ok_or_else(|| StyleError::Internal("no gradient reached the pixels".into()))?;
        let values = parts
            .into_data()
            .try_to_vec_as::<f32>()
            .map_err(|e| StyleError::Internal(format!("{e:?}")))?;
        let losses = StyleLosses {
            content: values[0],
            style: values[1],
            tv: values[2],
        };
        Ok((losses, gradient))
    }

    /// One iteration; returns the losses before the update.
    pub fn step(&mut self, net: &FeatureNet) -> Result<StyleLosses, StyleError> {
        let (losses, g) = self.evaluate(net)?;
        if !losses.total().is_finite() {
            return Err(StyleError::Options(
                "the loss is no longer finite: lower the learning rate or the weights".into(),
            ));
        }
        self.iteration += 1;
        let lr = self.learning_rate;
        let x = self.x.clone();
        let next = match &mut self.optimizer {
            State::Adam { m, v } => {
                let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
                let t = self.iteration as i32;
                *m = m.clone() * b1 + g.clone() * (1.0 - b1);
                *v = v.clone() * b2 + g.square() * (1.0 - b2);
                let m_hat = m.clone() / (1.0 - b1.powi(t));
                let v_hat = v.clone() / (1.0 - b2.powi(t));
                x - m_hat / (v_hat.sqrt() + eps) * lr
            }
            State::Lbfgs { history, previous } => {
                if let Some((x_old, g_old)) = previous.take() {
                    let s = x.clone() - x_old;
                    let y = g.clone() - g_old;
                    let ys = dot(&y, &s);
                    if ys > 1e-10 {
                        if history.len() == LBFGS_HISTORY {
                            history.remove(0);
                        }
                        history.push((s, y, 1.0 / ys));
                    }
                }
                let direction = lbfgs_direction(&g, history);
                *previous = Some((x.clone(), g.clone()));
                // The first step is scaled like PyTorch's: min(1, 1/|g|₁)·lr.
                let scale = if history.is_empty() {
                    lr * (1.0 / g.clone().abs().sum().into_scalar::<f32>().max(1e-12)).min(1.0)
                } else {
                    lr
                };
                x + direction * scale
            }
        };
        self.x = next.clamp(0.0, 1.0);
        Ok(losses)
    }

    /// The image now, `[1, 3, h, w]` on 0..1.
    pub fn image(&self) -> Tensor<4> {
        self.x.clone()
    }

    /// Iterations done.
    pub fn iterations(&self) -> usize {
        self.iteration
    }
}

/// `Σ a·b`.
fn dot(a: &Tensor<4>, b: &Tensor<4>) -> f32 {
    (a.clone() * b.clone()).sum().into_scalar::<f32>()
}

/// L-BFGS's two-loop recursion: the descent direction `−H·g`.
fn lbfgs_direction(g: &Tensor<4>, history: &[(Tensor<4>, Tensor<4>, f32)]) -> Tensor<4> {
    let mut q = g.clone();
    let mut alphas = Vec::with_capacity(history.len());
    for (s, y, rho) in history.iter().rev() {
        let alpha = rho * dot(s, &q);
        q = q - y.clone() * alpha;
        alphas.push(alpha);
    }
    if let Some((s, y, _)) = history.last() {
        let gamma = dot(s, y) / dot(y, y).max(1e-20);
        q = q * gamma;
    }
    for ((s, y, rho), alpha) in history.iter().zip(alphas.into_iter().rev()) {
        let beta = rho * dot(y, &q);
        q = q + s.clone() * (alpha - beta);
    }
    q.neg()
}

/// Uniform noise on 0..1, the same for a seed on every device.
pub fn noise(dims: [usize; 4], seed: u64, device: &Device) -> Tensor<4> {
    let n: usize = dims.iter().product();
    let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
    let values: Vec<f32> = (0..n)
        .map(|_| {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z >> 40) as f32 / (1u64 << 24) as f32
        })
        .collect();
    Tensor::from_data(TensorData::new(values, dims), device)
}
