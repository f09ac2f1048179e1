//! Batch normalisation in training mode on the CPU (Flex, f32, NCHW), forward and gradients.
//!
//! Shapes: `x` `[B, C, H, W]`, `gamma` and `beta` `[C]`, batch statistics `[2, C]` (mean,
//! biased variance), output `[B, C, H, W]`. With `M = B·H·W`, per channel `c`:
//! - statistics: `mean = Σx / M`, `var = Σ(x − mean)² / M` (two reads of the channel's
//!   `B` planes, sums in f32 lanes with f64 block totals), channels in parallel;
//! - forward: `y = (x − mean)·γ/√(var + ε) + β`, one pass, planes in parallel;
//! - backward, with `x̂ = (x − mean)/√(var + ε)`: `dβ = Σ dy`, `dγ = Σ dy·x̂`, and
//!   `dx = γ/√(var + ε) · (dy − dβ/M − x̂·dγ/M)` (the batch statistics' own dependence on
//!   `x` included), two passes, channels then planes in parallel.
//!
//! burn's generic training batch norm (which the CPU backend does not override) swaps the
//! batch and channel axes to reduce, copying the activation twice forward and twice
//! backward, and spends about ten passes on the rest.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Dispatch, Flex};
use burn::nn::BatchNorm;
use burn::prelude::*;
use burn::tensor::{DType, Shape};
use rayon::prelude::*;

use super::sums::{lane_dot, lane_sum};
use super::{CpuKernels, min_pieces, owned, tensor, values};

/// [`BatchNorm::forward`] for `[B, C, H, W]`: in training mode (an autodiff device and the
/// layer not frozen) on the Flex device with f32 values, our kernel, which also updates the
/// running statistics as burn does (`running = (1 − momentum)·running + momentum·batch`,
/// biased variance); burn's layer everywhere else and when `VISIONLAB_KERNELS=burn`.
pub fn batch_norm_layer(bn: &BatchNorm, x: Tensor<4>) -> Tensor<4> {
    let [_, channels, _, _] = x.dims();
    let device = x.device();
    let ours = super::enabled()
        && device.is_autodiff()
        && bn.training.is_enabled()
        && device.clone().inner() == Device::flex()
        && x.dtype() == DType::F32
        && bn.gamma.dims() == [channels]
        && x.shape().num_elements() > 0;
    if !ours {
        return bn.forward(x);
    }
    // [2, C] on the inner device: mean and biased variance, not tracked.
    let stats: Tensor<2> = Tensor::from_dispatch(<Dispatch as CpuKernels>::vl_batch_stats(
        x.clone().inner().into_dispatch(),
    ));
    let running = |state: Tensor<1>, batch: Tensor<1>| {
        state
            .to_device(&device)
            .mul_scalar(1.0 - bn.momentum)
            .add(Tensor::from_inner(batch).mul_scalar(bn.momentum))
            .detach()
    };
    let mean = stats.clone().narrow(0, 0, 1).reshape([channels]);
    let var = stats.clone().narrow(0, 1, 1).reshape([channels]);
    bn.running_mean
        .update(running(bn.running_mean.value_sync(), mean));
    bn.running_var
        .update(running(bn.running_var.value_sync(), var));
    Tensor::from_dispatch(<Dispatch as CpuKernels>::vl_batch_norm_train(
        x.into_dispatch(),
        bn.gamma.val().into_dispatch(),
        bn.beta.val().into_dispatch(),
        Tensor::<2>::from_inner(stats).into_dispatch(),
        bn.epsilon,
    ))
}

/// The sizes of one call.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    batch: usize,
    channels: usize,
    plane: usize,
}

impl Sizes {
    fn of(x: &FlexTensor) -> Self {
        let dims = x.layout().shape();
        let (batch, channels) = (dims[0], dims[1]);
        Sizes {
            batch,
            channels,
            plane: dims.num_elements() / (batch * channels).max(1),
        }
    }

    /// Values per channel, `M = B·H·W`.
    fn per_channel(&self) -> usize {
        self.batch * self.plane
    }

    /// Channel `c`'s plane in image `b`.
    fn plane<'a>(&self, xs: &'a [f32], b: usize, c: usize) -> &'a [f32] {
        &xs[(b * self.channels + c) * self.plane..][..self.plane]
    }
}

/// Mean and biased variance per channel: `x` `[B, C, H, W]` → `[2, C]`.
pub(super) fn batch_stats(x: FlexTensor) -> FlexTensor {
    let x = x.to_contiguous();
    let s = Sizes::of(&x);
    let xs = values(&x);
    let m = s.per_channel().max(1) as f64;
    let (means, vars): (Vec<f32>, Vec<f32>) = (0..s.channels)
        .into_par_iter()
        .with_min_len(min_pieces(s.per_channel()))
        .map(|c| {
            let mean = (0..s.batch)
                .map(|b| lane_sum(s.plane(xs, b, c), |v| v))
                .sum::<f64>()
                / m;
            let mean = mean as f32;
            let var = (0..s.batch)
                .map(|b| lane_sum(s.plane(xs, b, c), |v| (v - mean) * (v - mean)))
                .sum::<f64>()
                / m;
            (mean, var as f32)
        })
        .unzip();
    tensor([means, vars].concat(), Shape::new([2, s.channels]))
}

/// Per channel, the scale `γ/√(var + ε)` and the shift `β − mean·scale`.
fn affine(stats: &[f32], gamma: &[f32], beta: &[f32], epsilon: f64) -> Vec<(f32, f32)> {
    let channels = gamma.len();
    (0..channels)
        .map(|c| {
            let inv_std = 1.0 / (f64::from(stats[channels + c]) + epsilon).sqrt();
            let scale = (f64::from(gamma[c]) * inv_std) as f32;
            (scale, beta[c] - stats[c] * scale)
        })
        .collect()
}

/// `y = x·scale + shift` per channel (no autodiff).
pub(super) fn forward_flex(
    x: FlexTensor,
    gamma: FlexTensor,
    beta: FlexTensor,
    stats: FlexTensor,
    epsilon: f64,
) -> FlexTensor {
    // In place when `x` owns its buffer alone; a copy when the backward pass keeps `x`.
    let mut y = owned(x);
    let (gamma, beta, stats) = (
        gamma.to_contiguous(),
        beta.to_contiguous(),
        stats.to_contiguous(),
    );
    let s = Sizes::of(&y);
    let coefficients = affine(values(&stats), values(&gamma), values(&beta), epsilon);
    if let Some(values) = y.try_storage_mut::<f32>()
        && s.plane > 0
    {
        values
            .par_chunks_mut(s.plane)
            .enumerate()
            .with_min_len(min_pieces(s.plane))
            .for_each(|(i, plane)| {
                let (scale, shift) = coefficients[i % s.channels];
                plane.iter_mut().for_each(|v| *v = *v * scale + shift);
            });
    }
    y
}

/// The forward pass under autodiff: keeps `x`, `γ`, the statistics and `ε` when tracked.
pub(super) fn forward_autodiff<C: CheckpointStrategy>(
    x: FloatTensor<Autodiff<Flex, C>>,
    gamma: FloatTensor<Autodiff<Flex, C>>,
    beta: FloatTensor<Autodiff<Flex, C>>,
    stats: FloatTensor<Autodiff<Flex, C>>,
    epsilon: f64,
) -> FloatTensor<Autodiff<Flex, C>> {
    match BatchNormBackward
        .prepare::<C>([x.node(), gamma.node(), beta.node()])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(prep) => {
            let xp = x.primitive().to_contiguous();
            let gp = gamma.primitive().to_contiguous();
            let sp = stats.primitive().to_contiguous();
            let y = forward_flex(
                xp.clone(),
                gp.clone(),
                beta.into_primitive(),
                sp.clone(),
                epsilon,
            );
            prep.finish((xp, gp, sp, epsilon), y)
        }
        OpsKind::UnTracked(prep) => prep.finish(forward_flex(
            x.into_primitive(),
            gamma.into_primitive(),
            beta.into_primitive(),
            stats.into_primitive(),
            epsilon,
        )),
    }
}

/// The backward step: parents `[x, γ, β]`.
#[derive(Debug)]
struct BatchNormBackward;

impl Backward<Flex, 3> for BatchNormBackward {
    type State = (FlexTensor, FlexTensor, FlexTensor, f64);

    fn backward(
        self,
        ops: Ops<Self::State, 3>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let dy = grads.consume::<Flex>(&ops.node).to_contiguous();
        let (x, gamma, stats, epsilon) = ops.state;
        let s = Sizes::of(&x);
        let (xs, dys, gs, ss) = (values(&x), values(&dy), values(&gamma), values(&stats));
        let inv_std: Vec<f32> = (0..s.channels)
            .map(|c| (1.0 / (f64::from(ss[s.channels + c]) + epsilon).sqrt()) as f32)
            .collect();
        // Per channel: Σ dy and Σ dy·x̂.
        let (dbeta, dgamma): (Vec<f32>, Vec<f32>) = (0..s.channels)
            .into_par_iter()
            .with_min_len(min_pieces(s.per_channel()))
            .map(|c| {
                let (mean, k) = (ss[c], inv_std[c]);
                let (mut sum, mut dot) = (0f64, 0f64);
                for b in 0..s.batch {
                    let (x, dy) = (s.plane(xs, b, c), s.plane(dys, b, c));
                    sum += lane_sum(dy, |v| v);
                    dot += lane_dot(x, dy, |x, g| (x - mean) * k * g);
                }
                (sum as f32, dot as f32)
            })
            .unzip();
        let [node_x, node_gamma, node_beta] = ops.parents;
        if let Some(node) = node_x {
            let m = s.per_channel().max(1) as f32;
            let mut dx = vec![0f32; xs.len()];
            if s.plane > 0 {
                dx.par_chunks_mut(s.plane)
                    .enumerate()
                    .with_min_len(min_pieces(s.plane))
                    .for_each(|(i, dxp)| {
                        let c = i % s.channels;
                        let (x, dy) = (
                            &xs[i * s.plane..][..s.plane],
                            &dys[i * s.plane..][..s.plane],
                        );
                        let (mean, k) = (ss[c], inv_std[c]);
                        let scale = gs[c] * k;
                        let (mean_dy, mean_dot) = (dbeta[c] / m, dgamma[c] / m);
                        for ((d, &x), &g) in dxp.iter_mut().zip(x).zip(dy) {
                            *d = scale * (g - mean_dy - (x - mean) * k * mean_dot);
                        }
                    });
            }
            grads.register::<Flex>(node.id, tensor(dx, x.layout().shape().clone()));
        }
        if let Some(node) = node_gamma {
            grads.register::<Flex>(node.id, tensor(dgamma, Shape::new([s.channels])));
        }
        if let Some(node) = node_beta {
            grads.register::<Flex>(node.id, tensor(dbeta, Shape::new([s.channels])));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::testing::{assert_close, random};
    use burn::nn::BatchNormConfig;
    use burn::tensor::Distribution;

    #[test]
    fn training_forward_gradients_and_running_stats_match_burn() {
        let device = Device::flex().autodiff();
        for shape in [[4, 3, 7, 5], [1, 2, 3, 3], [3, 5, 1, 1]] {
            let [_, c, _, _] = shape;
            let x = random(shape, &device).mul_scalar(3.0).add_scalar(1.5);
            let gamma = Tensor::<1>::random([c], Distribution::Uniform(0.5, 1.5), &device);
            let beta = Tensor::<1>::random([c], Distribution::Default, &device);
            let run = |use_ours: bool| {
                let mut bn = BatchNormConfig::new(c).init(&device);
                bn.gamma = bn.gamma.map(|_| gamma.clone().require_grad());
                bn.beta = bn.beta.map(|_| beta.clone().require_grad());
                let x = x.clone().require_grad();
                let y = if use_ours {
                    batch_norm_layer(&bn, x.clone())
                } else {
                    bn.forward(x.clone())
                };
                let grads = (y.clone() * y.clone().cos()).sum().backward();
                let dx = x.grad(&grads).expect("x is tracked");
                let dgamma = bn.gamma.grad(&grads).expect("gamma is tracked");
                let dbeta = bn.beta.grad(&grads).expect("beta is tracked");
                let flat = |t: Tensor<1>| t.reshape([1, 1, 1, c]);
                (
                    y.inner(),
                    dx,
                    flat(dgamma),
                    flat(dbeta),
                    flat(bn.running_mean.value().inner()),
                    flat(bn.running_var.value().inner()),
                )
            };
            let ours = run(true);
            let reference = run(false);
            let what = format!("{shape:?}");
            assert_close(ours.0, reference.0, "forward", &what);
            assert_close(ours.1, reference.1, "dX", &what);
            assert_close(ours.2, reference.2, "dγ", &what);
            assert_close(ours.3, reference.3, "dβ", &what);
            assert_close(ours.4, reference.4, "running mean", &what);
            assert_close(ours.5, reference.5, "running variance", &what);
        }
    }

    #[test]
    fn inference_and_frozen_layers_keep_burns_path() {
        let device = Device::flex();
        let bn = BatchNormConfig::new(3).init(&device);
        let x = random([2, 3, 4, 4], &device);
        assert_close(
            batch_norm_layer(&bn, x.clone()),
            bn.forward(x),
            "inference",
            "[2, 3, 4, 4]",
        );
    }
}
