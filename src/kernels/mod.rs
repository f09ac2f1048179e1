//! Our own CPU kernels for burn's Flex device, added through burn's backend extension
//! mechanism (`#[backend_extension]`), with hand-written autodiff.
//!
//! Each kernel lives in its own module with its shapes and algorithm; its public wrapper
//! takes `Tensor`s and decides where it runs: our op on the Flex CPU device (with or
//! without autodiff) where the kernel covers the case, burn's own op everywhere else
//! (GPU, remote devices, other dtypes, unsupported options). `VISIONLAB_KERNELS=burn`
//! forces burn's ops everywhere, for A/B runs.

mod activation;
mod batch_norm;
mod conv2d;
mod conv_direct;
mod conv_geometry;
mod depthwise;
mod max_pool2d;
mod phases;
mod reflect_pad;
mod sgemm;
mod sgemm_dot;
mod shifted;
mod strips;
pub mod sums;
#[cfg(test)]
mod testing;

pub use activation::{clamp, leaky_relu, leaky_relu_layer, relu, relu6};
pub use batch_norm::batch_norm_layer;
pub use conv2d::{conv2d, conv2d_layer};
pub use max_pool2d::{max_pool2d, max_pool2d_layer};
pub use reflect_pad::reflect_pad;

use std::sync::OnceLock;

use activation::Activation;

use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::flex::{FlexTensor, Layout};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Flex, backend_extension};
use burn::nn::PaddingConfig2d;
use burn::tensor::ops::{ConvOptions, MaxPoolOptions};
use burn::tensor::{Bytes, DType, Shape};

/// The operations our CPU kernels add to the backend. The macro generates the routing from
/// burn's `Dispatch` backend to the implementations below (Flex, and Flex under autodiff);
/// the wrappers only call it on those devices.
#[backend_extension(Flex, Autodiff)]
pub trait CpuKernels: Backend {
    /// 2D convolution with a bias, NCHW, groups 1 (see [`conv2d`]).
    fn vl_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self>;

    /// 2D convolution without a bias (the macro takes no `Option` of a tensor).
    fn vl_conv2d_no_bias(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self>;

    /// 2D max pooling, NCHW, floor mode (see [`max_pool2d`]).
    fn vl_max_pool2d(x: FloatTensor<Self>, options: MaxPoolOptions<2>) -> FloatTensor<Self>;

    /// Reflection padding of `[B, C, H, W]` by `[top, bottom, left, right]` (see
    /// [`reflect_pad`]).
    fn vl_reflect_pad(x: FloatTensor<Self>, pads: [usize; 4]) -> FloatTensor<Self>;

    /// `min ≤ x ≤ max`, any shape (see [`clamp`]).
    fn vl_clamp(x: FloatTensor<Self>, min: f32, max: f32) -> FloatTensor<Self>;

    /// Leaky ReLU with a slope ≥ 0, any shape (see [`leaky_relu`]).
    fn vl_leaky_relu(x: FloatTensor<Self>, slope: f32) -> FloatTensor<Self>;

    /// Per-channel mean and biased variance of `[B, C, H, W]` as `[2, C]`, not tracked.
    fn vl_batch_stats(x: FloatTensor<Self>) -> FloatTensor<Self>;

    /// Training-mode batch norm of `[B, C, H, W]` with the given `[2, C]` statistics (see
    /// [`batch_norm_layer`]).
    fn vl_batch_norm_train(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        stats: FloatTensor<Self>,
        epsilon: f64,
    ) -> FloatTensor<Self>;
}

impl CpuKernels for Flex {
    fn vl_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        conv2d::forward_flex(x, weight, Some(bias), &options)
    }

    fn vl_conv2d_no_bias(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        conv2d::forward_flex(x, weight, None, &options)
    }

    fn vl_max_pool2d(x: FloatTensor<Self>, options: MaxPoolOptions<2>) -> FloatTensor<Self> {
        max_pool2d::forward_flex(x, &options)
    }

    fn vl_reflect_pad(x: FloatTensor<Self>, pads: [usize; 4]) -> FloatTensor<Self> {
        reflect_pad::forward_flex(x, pads)
    }

    fn vl_clamp(x: FloatTensor<Self>, min: f32, max: f32) -> FloatTensor<Self> {
        activation::forward_flex(x, Activation::Clamp { min, max })
    }

    fn vl_leaky_relu(x: FloatTensor<Self>, slope: f32) -> FloatTensor<Self> {
        activation::forward_flex(x, Activation::Leaky { slope })
    }

    fn vl_batch_stats(x: FloatTensor<Self>) -> FloatTensor<Self> {
        batch_norm::batch_stats(x)
    }

    fn vl_batch_norm_train(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        stats: FloatTensor<Self>,
        epsilon: f64,
    ) -> FloatTensor<Self> {
        batch_norm::forward_flex(x, gamma, beta, stats, epsilon)
    }
}

impl<C: CheckpointStrategy> CpuKernels for Autodiff<Flex, C> {
    fn vl_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        conv2d::forward_autodiff::<C>(x, weight, Some(bias), options)
    }

    fn vl_conv2d_no_bias(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        conv2d::forward_autodiff::<C>(x, weight, None, options)
    }

    fn vl_max_pool2d(x: FloatTensor<Self>, options: MaxPoolOptions<2>) -> FloatTensor<Self> {
        max_pool2d::forward_autodiff::<C>(x, options)
    }

    fn vl_reflect_pad(x: FloatTensor<Self>, pads: [usize; 4]) -> FloatTensor<Self> {
        reflect_pad::forward_autodiff::<C>(x, pads)
    }

    fn vl_clamp(x: FloatTensor<Self>, min: f32, max: f32) -> FloatTensor<Self> {
        activation::forward_autodiff::<C>(x, Activation::Clamp { min, max })
    }

    fn vl_leaky_relu(x: FloatTensor<Self>, slope: f32) -> FloatTensor<Self> {
        activation::forward_autodiff::<C>(x, Activation::Leaky { slope })
    }

    fn vl_batch_stats(x: FloatTensor<Self>) -> FloatTensor<Self> {
        <FloatTensor<Self>>::new(batch_norm::batch_stats(x.into_primitive()))
    }

    fn vl_batch_norm_train(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        stats: FloatTensor<Self>,
        epsilon: f64,
    ) -> FloatTensor<Self> {
        batch_norm::forward_autodiff::<C>(x, gamma, beta, stats, epsilon)
    }
}

/// Fewest values one parallel task of an element-wise loop works on: rayon splits no finer
/// (MobileNetV2's deepest planes are 3×3: one task per plane would be 30 000 tasks of 9
/// values).
const TASK_VALUES: usize = 4096;

/// How many `len`-value pieces (planes, channels) one parallel task takes at least, for
/// rayon's `with_min_len`.
fn min_pieces(len: usize) -> usize {
    TASK_VALUES.div_ceil(len.max(1))
}

/// Whether our kernels may run at all: false when `VISIONLAB_KERNELS=burn` (read once).
fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var("VISIONLAB_KERNELS").map_or(true, |v| v != "burn"))
}

/// The values of a contiguous f32 tensor.
fn values(t: &FlexTensor) -> &[f32] {
    t.as_slice::<f32>()
        .expect("the wrappers only send contiguous f32 tensors")
}

/// `x` as a contiguous f32 tensor that owns its whole buffer alone, so its values can be
/// changed in place ([`FlexTensor::try_storage_mut`]): `x` itself when it already is one (no
/// copy), a copy otherwise.
fn owned(x: FlexTensor) -> FlexTensor {
    let whole = x
        .as_slice::<f32>()
        .is_some_and(|v| std::mem::size_of_val(v) == x.bytes().len());
    if whole && x.is_unique() {
        x
    } else {
        tensor(
            values(&x.to_contiguous()).to_vec(),
            x.layout().shape().clone(),
        )
    }
}

/// A new contiguous f32 tensor.
fn tensor(values: Vec<f32>, shape: Shape) -> FlexTensor {
    FlexTensor::new(
        Bytes::from_elems(values),
        Layout::contiguous(shape),
        DType::F32,
    )
}

/// A layer's padding as `[(top, bottom), (left, right)]` for an input of `[height, width]`,
/// as burn's layers compute it (`Same`: the odd pixel at the end).
fn padding_pairs(
    config: &PaddingConfig2d,
    kernel: [usize; 2],
    stride: [usize; 2],
    [height, width]: [usize; 2],
) -> [(usize, usize); 2] {
    let same = |k: usize, s: usize, len: usize| {
        let out = len.div_ceil(s);
        let total = if out > 0 {
            ((out - 1) * s + k).saturating_sub(len)
        } else {
            0
        };
        (total / 2, total - total / 2)
    };
    match config {
        PaddingConfig2d::Valid => [(0, 0), (0, 0)],
        PaddingConfig2d::Same => [
            same(kernel[0], stride[0], height),
            same(kernel[1], stride[1], width),
        ],
        PaddingConfig2d::Explicit(top, left, bottom, right) => [(*top, *bottom), (*left, *right)],
    }
}
