//! The three losses of optimisation-based style transfer (Gatys et al.): content (mean
//! squared error of features), style (mean squared error of Gram matrices) and total
//! variation (sum of absolute differences between neighbouring pixels).

use burn::prelude::*;

/// Gram matrix of each image's feature map, normalised by the number of elements:
/// `G[b] = F Fᵀ / (c·h·w)` with `F` the `[c, h·w]` features. `[b, c, h, w]` → `[b, c, c]`.
pub fn gram(features: Tensor<4>) -> Tensor<3> {
    let [b, c, h, w] = features.dims();
    let f: Tensor<3> = features.reshape([b, c, h * w]);
    f.clone().matmul(f.swap_dims(1, 2)) / (c * h * w) as f32
}

/// Mean squared error over all elements: a `[1]` tensor.
pub fn mse<const D: usize>(a: Tensor<D>, b: Tensor<D>) -> Tensor<1> {
    (a - b).square().mean()
}

/// Anisotropic total variation: `Σ |x[.., i+1, j] − x[.., i, j]| + Σ |x[.., i, j+1] − x[.., i, j]|`
/// over all images and channels. `[b, c, h, w]` → `[1]`.
pub fn total_variation(x: Tensor<4>) -> Tensor<1> {
    let [_, _, h, w] = x.dims();
    let vertical = if h > 1 {
        (x.clone().narrow(2, 1, h - 1) - x.clone().narrow(2, 0, h - 1))
            .abs()
            .sum()
    } else {
        Tensor::zeros([1], &x.device())
    };
    let horizontal = if w > 1 {
        (x.clone().narrow(3, 1, w - 1) - x.narrow(3, 0, w - 1))
            .abs()
            .sum()
    } else {
        Tensor::zeros([1], &vertical.device())
    };
    vertical + horizontal
}

/// Style loss: the sum over layers of the MSE between each layer's Gram matrix and its
/// target. Layers and targets are paired in order.
pub fn style_loss(features: &[Tensor<4>], targets: &[Tensor<3>]) -> Option<Tensor<1>> {
    features
        .iter()
        .zip(targets)
        .map(|(f, g)| mse(gram(f.clone()), g.clone()))
        .reduce(|a, b| a + b)
}
