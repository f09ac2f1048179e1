//! Our own CPU kernels for burn's Flex device, added through burn's backend extension
//! mechanism (`#[backend_extension]`), with hand-written autodiff.
//!
//! Each kernel lives in its own module with its shapes and algorithm; its public wrapper
//! takes `Tensor`s and decides where it runs: our op on the Flex CPU device (with or
//! without autodiff) where the kernel covers the case, burn's own op everywhere else
//! (GPU, remote devices, other dtypes, unsupported options). `VISIONLAB_KERNELS=burn`
//! forces burn's ops everywhere, for A/B runs.

mod conv2d;

pub use conv2d::{conv2d, conv2d_layer};

use std::sync::OnceLock;

use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Flex, backend_extension};
use burn::tensor::ops::ConvOptions;

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
}
/// Whether our kernels may run at all: false when `VISIONLAB_KERNELS=burn` (read once).
fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var("VISIONLAB_KERNELS").map_or(true, |v| v != "burn"))
}
