//! Element-wise activations on the CPU (Flex, f32), forward and gradient: clamp (ReLU6 for
//! MobileNetV2, ReLU as `clamp(0, ∞)`) and leaky ReLU (the U-Net's).
//!
//! Shapes: any; the output has the input's shape.
//!
//! Algorithm: one pass over the values for `y = f(x)` (NaN stays NaN), chunks in parallel;
//! the backward pass is one more, `dx = dy·f'(x)` with `f'` read from the output it keeps
//! (no mask tensor): clamp passes `dy` where `min < y < max`, leaky ReLU where `y > 0` and
//! `slope·dy` elsewhere (`y > 0` exactly when `x > 0`, as the slope is not negative). burn's
//! ops make masked fills or selects forward and record masks for the backward, about five
//! passes in all.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Dispatch, Flex};
use burn::prelude::*;
use burn::tensor::DType;
use rayon::prelude::*;

use super::{CpuKernels, owned, values};

/// Values per parallel chunk.
const CHUNK: usize = 1 << 14;

/// `x.clamp(min, max)`: our kernel on the Flex device for f32 tensors, burn's op elsewhere
/// and when `VISIONLAB_KERNELS=burn`.
pub fn clamp<const D: usize>(x: Tensor<D>, min: f32, max: f32) -> Tensor<D> {
    if ours_applies(&x) {
        Tensor::from_dispatch(<Dispatch as CpuKernels>::vl_clamp(
            x.into_dispatch(),
            min,
            max,
        ))
    } else {
        x.clamp(min, max)
    }
}

/// ReLU6, `min(max(x, 0), 6)`, through [`clamp`].
pub fn relu6<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    clamp(x, 0.0, 6.0)
}

/// ReLU, `max(x, 0)`, through [`clamp`] (burn's `relu` where ours does not run).
pub fn relu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    if ours_applies(&x) {
        clamp(x, 0.0, f32::INFINITY)
    } else {
        burn::tensor::activation::relu(x)
    }
}

/// Leaky ReLU, `x` where positive and `slope·x` elsewhere (`slope ≥ 0`): our kernel on the
/// Flex device for f32 tensors, burn's op elsewhere.
pub fn leaky_relu<const D: usize>(x: Tensor<D>, slope: f64) -> Tensor<D> {
    if ours_applies(&x) && slope >= 0.0 {
        Tensor::from_dispatch(<Dispatch as CpuKernels>::vl_leaky_relu(
            x.into_dispatch(),
            slope as f32,
        ))
    } else {
        burn::tensor::activation::leaky_relu(x, slope)
    }
}

/// [`burn::nn::LeakyRelu::forward`] through [`leaky_relu`].
pub fn leaky_relu_layer<const D: usize>(layer: &burn::nn::LeakyRelu, x: Tensor<D>) -> Tensor<D> {
    leaky_relu(x, layer.negative_slope)
}

/// Whether our kernels take `x`: Flex device, f32.
fn ours_applies<const D: usize>(x: &Tensor<D>) -> bool {
    super::enabled() && x.device().inner() == Device::flex() && x.dtype() == DType::F32
}

/// One activation and its constants.
#[derive(Debug, Clone, Copy)]
pub(super) enum Activation {
    /// `min ≤ y ≤ max`.
    Clamp { min: f32, max: f32 },
    /// `y = x` for `x > 0`, `slope·x` elsewhere (`slope ≥ 0`).
    Leaky { slope: f32 },
}

impl Activation {
    /// `f` in place. Every value is stored whatever it is (a select, not a branch around
    /// the store), so the loop compiles to vector compares and blends: a conditional store
    /// stays scalar and mispredicts on about half of the values of a real layer.
    fn apply(self, values: &mut [f32]) {
        match self {
            Activation::Clamp { min, max } => {
                for v in values {
                    let x = *v;
                    // NaN fails both compares and stays NaN.
                    let low = if x < min { min } else { x };
                    *v = if low > max { max } else { low };
                }
            }
            Activation::Leaky { slope } => {
                for v in values {
                    let x = *v;
                    *v = if x < 0.0 { x * slope } else { x };
                }
            }
        }
    }

    /// `dy·f'` in place, `f'` read from the output `y` (a select on every value, as in
    /// [`Activation::apply`]).
    fn gradient(self, dy: &mut [f32], y: &[f32]) {
        match self {
            Activation::Clamp { min, max } => {
                for (d, &v) in dy.iter_mut().zip(y) {
                    *d = if v > min && v < max { *d } else { 0.0 };
                }
            }
            Activation::Leaky { slope } => {
                for (d, &v) in dy.iter_mut().zip(y) {
                    let g = *d;
                    *d = if v > 0.0 { g } else { g * slope };
                }
            }
        }
    }
}

/// The forward pass on Flex.
/// In place when `x` owns its buffer alone (the usual case: a layer's fresh output).
pub(super) fn forward_flex(x: FlexTensor, f: Activation) -> FlexTensor {
    let mut y = owned(x);
    if let Some(values) = y.try_storage_mut::<f32>() {
        values
            .par_chunks_mut(CHUNK)
            .for_each(|chunk| f.apply(chunk));
    }
    y
}

/// The forward pass under autodiff: keeps the output for the backward pass when tracked.
pub(super) fn forward_autodiff<C: CheckpointStrategy>(
    x: FloatTensor<Autodiff<Flex, C>>,
    f: Activation,
) -> FloatTensor<Autodiff<Flex, C>> {
    match ActivationBackward
        .prepare::<C>([x.node()])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(prep) => {
            let y = forward_flex(x.into_primitive(), f);
            prep.finish((y.clone(), f), y)
        }
        OpsKind::UnTracked(prep) => prep.finish(forward_flex(x.into_primitive(), f)),
    }
}

/// The backward step: one parent, `x`; the state keeps the output and the activation.
#[derive(Debug)]
struct ActivationBackward;

impl Backward<Flex, 1> for ActivationBackward {
    type State = (FlexTensor, Activation);

    fn backward(
        self,
        ops: Ops<Self::State, 1>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        // dy becomes dx in place when nothing else holds it.
        let mut dx = owned(grads.consume::<Flex>(&ops.node));
        let (y, f) = ops.state;
        if let [Some(node)] = ops.parents {
            let y = y.to_contiguous();
            if let Some(dx) = dx.try_storage_mut::<f32>() {
                dx.par_chunks_mut(CHUNK)
                    .zip(values(&y).par_chunks(CHUNK))
                    .for_each(|(dx, y)| f.gradient(dx, y));
            }
            grads.register::<Flex>(node.id, dx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::testing::{assert_close, random};

    #[test]
    fn forward_and_gradient_match_burn() {
        let device = Device::flex().autodiff();
        // Values in [−8, 8): both bounds of ReLU6 are crossed.
        let x = random([2, 3, 17, 33], &device).mul_scalar(8.0);
        let run = |use_ours: bool| {
            let x = x.clone().require_grad();
            let y = if use_ours {
                relu6(x.clone())
            } else {
                x.clone().clamp(0.0, 6.0)
            };
            let grads = (y.clone() * y.clone().cos()).sum().backward();
            (y.inner(), x.grad(&grads).expect("x is tracked"))
        };
        let ((y, dx), (y_ref, dx_ref)) = (run(true), run(false));
        assert_close(y, y_ref, "forward", "relu6");
        assert_close(dx, dx_ref, "dX", "relu6");
        let plain = random([1, 2, 5, 5], &Device::flex()).mul_scalar(3.0);
        assert_close(
            clamp(plain.clone(), -1.0, 0.5),
            plain.clamp(-1.0, 0.5),
            "forward without autodiff",
            "clamp(-1, 0.5)",
        );
    }

    #[test]
    fn relu_and_leaky_relu_match_burn() {
        let device = Device::flex().autodiff();
        let x = random([2, 3, 9, 11], &device).mul_scalar(4.0);
        for slope in [None, Some(0.0), Some(0.1)] {
            let run = |use_ours: bool| {
                let x = x.clone().require_grad();
                let y = match (slope, use_ours) {
                    (None, true) => relu(x.clone()),
                    (None, false) => burn::tensor::activation::relu(x.clone()),
                    (Some(a), true) => leaky_relu(x.clone(), a),
                    (Some(a), false) => burn::tensor::activation::leaky_relu(x.clone(), a),
                };
                let grads = (y.clone() * y.clone().cos()).sum().backward();
                (y.inner(), x.grad(&grads).expect("x is tracked"))
            };
            let ((y, dx), (y_ref, dx_ref)) = (run(true), run(false));
            let what = format!("slope {slope:?}");
            assert_close(y, y_ref, "forward", &what);
            assert_close(dx, dx_ref, "dX", &what);
        }
    }

    #[test]
    fn nan_stays_nan() {
        let x = Tensor::<1>::from_floats([f32::NAN, -1.0, 7.0, 3.0], &Device::flex());
        let y = relu6(x).into_data().try_to_vec::<f32>().expect("f32");
        assert!(y[0].is_nan());
        assert_eq!(&y[1..], &[0.0, 6.0, 3.0]);
    }
}
