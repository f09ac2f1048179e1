//! Helpers for the kernels' tests: random inputs and a tolerance check against burn's ops.

use burn::prelude::*;
use burn::tensor::Distribution;

/// Uniform values in [−1, 1).
pub fn random(shape: [usize; 4], device: &Device) -> Tensor<4> {
    Tensor::random(shape, Distribution::Uniform(-1.0, 1.0), device)
}

/// Asserts max |ours − reference| ≤ 1e-4 · max(1, max |reference|); `what` and `case` name
/// the failure.
pub fn assert_close(ours: Tensor<4>, reference: Tensor<4>, what: &str, case: &str) {
    let ours = ours.into_data().try_to_vec::<f32>().expect("f32 values");
    let reference = reference
        .into_data()
        .try_to_vec::<f32>()
        .expect("f32 values");
    assert_eq!(ours.len(), reference.len(), "{what}: sizes differ, {case}");
    let scale = reference.iter().fold(1f32, |m, v| m.max(v.abs()));
    let diff = ours
        .iter()
        .zip(&reference)
        .fold(0f32, |m, (a, b)| m.max((a - b).abs()));
    assert!(
        diff <= 1e-4 * scale,
        "{what}: max abs diff {diff} (scale {scale}) for {case}"
    );
}

/// `len` deterministic pseudo-random values in [−1, 1) (xorshift from `seed`), for the
/// matrix-product tests, which work on plain slices.
pub fn values(len: usize, seed: u32) -> Vec<f32> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state as f32 / u32::MAX as f32) * 2.0 - 1.0
        })
        .collect()
}

/// One convolution test case: (batch, cin, cout, h, w, kernel, stride, padding, dilation,
/// bias, groups).
pub type ConvCase = (
    usize,
    usize,
    usize,
    usize,
    usize,
    [usize; 2],
    [usize; 2],
    [usize; 2],
    [usize; 2],
    bool,
    usize,
);

/// `op(x)` on a tracked copy of `x` (an autodiff device) and the gradient of `Σ y·cos y`
/// (different for every element) with respect to `x`: the output (not tracked) and `dX`.
pub fn output_and_input_grad(
    x: &Tensor<4>,
    op: impl FnOnce(Tensor<4>) -> Tensor<4>,
) -> (Tensor<4>, Tensor<4>) {
    let x = x.clone().require_grad();
    let y = op(x.clone());
    let grads = (y.clone() * y.clone().cos()).sum().backward();
    (y.inner(), x.grad(&grads).expect("x is tracked"))
}
