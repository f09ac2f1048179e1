//! 2D convolution on the CPU (Flex, f32, groups 1), forward and both gradients.
//!
//! Shapes: `x` `[B, Ci, H, W]`, weight `[Co, Ci, kh, kw]` (OIHW), bias `[Co]`, output
//! `[B, Co, OH, OW]` with `OH = (H + pad_top + pad_bottom − dh·(kh − 1) − 1) / sh + 1` (and
//! `OW` likewise); any stride, padding (per side) and dilation.
//!
//! Algorithm, per image `b`, with `K = Ci·kh·kw` and `N = OH·OW`: `col(X_b)` is the
//! `[K × N]` im2col matrix whose rows are ordered `(ci, ki, kj)`, the order of the OIHW
//! weight, so the weight is the `[Co × K]` left operand as it is (no repacking, no NHWC
//! copies), and every product writes straight into NCHW memory:
//! - forward: `Y_b = W · col(X_b)` (+ bias per row);
//! - weight gradient: `dW = Σ_b dY_b · col(X_b)ᵀ` (the forward's im2col again; a partial
//!   `dW` per worker, summed at the end);
//! - input gradient: `dX_b = col2im(Wᵀ · dY_b)` (skipped when `x` needs no gradient);
//! - bias gradient: `Σ dY` over `b`, `oh`, `ow`.
//!
//! Images run in parallel on rayon, each product single-threaded; when there are fewer
//! images than threads the products use gemm's own rayon parallelism instead. A 1×1
//! convolution with stride 1 and no padding uses `X_b` itself as `col(X_b)`.
//!
//! Depthwise convolutions (`groups = Ci = Co`, MobileNetV2's 3×3 layers) take the direct
//! loops of [`super::depthwise`] instead of im2col: each output is a 9-tap sum, too small a
//! product for gemm.

use std::ops::Range;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Dispatch, Flex};
use burn::nn::conv::Conv2d;
use burn::prelude::*;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{DType, Shape};
use gemm::Parallelism;
use rayon::prelude::*;

use super::conv_geometry::Geometry;
use super::sgemm::sgemm;
use super::{
    CpuKernels, conv_direct, depthwise, min_pieces, padding_pairs, phases, tensor, values,
};

/// 2D convolution, as [`burn::tensor::module::conv2d`]: our kernel on the Flex device for f32
/// tensors with groups 1 or depthwise (see the module's doc), burn's op everywhere else and
/// when `VISIONLAB_KERNELS=burn`.
///
/// Shapes: `x` `[B, Ci, H, W]`, `weight` `[Co, Ci / groups, kh, kw]`, `bias` `[Co]`;
/// returns `[B, Co, OH, OW]`.
pub fn conv2d(
    x: Tensor<4>,
    weight: Tensor<4>,
    bias: Option<Tensor<1>>,
    options: ConvOptions<2>,
) -> Tensor<4> {
    if super::enabled() && ours_applies(&x, &weight, bias.as_ref(), &options) {
        ours(x, weight, bias, options)
    } else {
        burn::tensor::module::conv2d(x, weight, bias, options)
    }
}

/// [`Conv2d::forward`] through [`conv2d`]: the layer's weight, bias, stride, dilation,
/// groups and padding (`Same` as burn computes it: the odd pixel at the end).
///
/// Shapes: `x` `[B, Ci, H, W]` → `[B, Co, OH, OW]`.
pub fn conv2d_layer(conv: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    let [_, _, height, width] = x.dims();
    let padding = padding_pairs(
        &conv.padding,
        conv.kernel_size,
        conv.stride,
        [height, width],
    );
    let options = ConvOptions::new_with_padding(conv.stride, padding, conv.dilation, conv.groups);
    conv2d(
        x,
        conv.weight.val(),
        conv.bias.as_ref().map(|b| b.val()),
        options,
    )
}

/// Whether our kernel covers this call: Flex device, f32, groups 1 or depthwise (groups = Ci
/// = Co), consistent shapes and a non-empty output (anything else goes to burn's op, which
/// reports its own errors).
fn ours_applies(
    x: &Tensor<4>,
    weight: &Tensor<4>,
    bias: Option<&Tensor<1>>,
    options: &ConvOptions<2>,
) -> bool {
    let [_, channels, _, _] = x.dims();
    let [out_channels, in_channels, _, _] = weight.dims();
    x.device().inner() == Device::flex()
        && x.dtype() == DType::F32
        && weight.dtype() == DType::F32
        && bias.is_none_or(|b| b.dtype() == DType::F32 && b.dims() == [out_channels])
        && ((options.groups == 1 && in_channels == channels)
            || (options.groups == channels && in_channels == 1 && out_channels == channels))
        && Geometry::new(&x.shape(), &weight.shape(), options).is_some()
}

/// Our op, through the backend extension (the caller checked [`ours_applies`]).
fn ours(
    x: Tensor<4>,
    weight: Tensor<4>,
    bias: Option<Tensor<1>>,
    options: ConvOptions<2>,
) -> Tensor<4> {
    let (x, weight) = (x.into_dispatch(), weight.into_dispatch());
    Tensor::from_dispatch(match bias {
        Some(bias) => <Dispatch as CpuKernels>::vl_conv2d(x, weight, bias.into_dispatch(), options),
        None => <Dispatch as CpuKernels>::vl_conv2d_no_bias(x, weight, options),
    })
}

/// The forward pass on Flex (no autodiff).
pub(super) fn forward_flex(
    x: FlexTensor,
    weight: FlexTensor,
    bias: Option<FlexTensor>,
    options: &ConvOptions<2>,
) -> FlexTensor {
    let x = x.to_contiguous();
    let weight = weight.to_contiguous();
    let bias = bias.map(|b| b.to_contiguous());
    forward(&x, &weight, bias.as_ref(), options)
}

/// The forward pass on Flex under autodiff: records [`ConvBackward`] when any input is
/// tracked.
pub(super) fn forward_autodiff<C: CheckpointStrategy>(
    x: FloatTensor<Autodiff<Flex, C>>,
    weight: FloatTensor<Autodiff<Flex, C>>,
    bias: Option<FloatTensor<Autodiff<Flex, C>>>,
    options: ConvOptions<2>,
) -> FloatTensor<Autodiff<Flex, C>> {
    match bias {
        Some(bias) => {
            match ConvBackward
                .prepare::<C>([x.node(), weight.node(), bias.node()])
                .compute_bound()
                .stateful()
            {
                OpsKind::Tracked(prep) => {
                    let xp = x.primitive().to_contiguous();
                    let wp = weight.primitive().to_contiguous();
                    let bp = bias.primitive().to_contiguous();
                    let y = forward(&xp, &wp, Some(&bp), &options);
                    prep.finish((xp, wp, options), y)
                }
                OpsKind::UnTracked(prep) => prep.finish(forward_flex(
                    x.into_primitive(),
                    weight.into_primitive(),
                    Some(bias.into_primitive()),
                    &options,
                )),
            }
        }
        None => {
            match ConvBackward
                .prepare::<C>([x.node(), weight.node()])
                .compute_bound()
                .stateful()
            {
                OpsKind::Tracked(prep) => {
                    let xp = x.primitive().to_contiguous();
                    let wp = weight.primitive().to_contiguous();
                    let y = forward(&xp, &wp, None, &options);
                    prep.finish((xp, wp, options), y)
                }
                OpsKind::UnTracked(prep) => prep.finish(forward_flex(
                    x.into_primitive(),
                    weight.into_primitive(),
                    None,
                    &options,
                )),
            }
        }
    }
}

/// The backward step: parents `[x, weight]` or `[x, weight, bias]`; the state keeps the
/// (contiguous) input and weight.
#[derive(Debug)]
struct ConvBackward;

impl<const N: usize> Backward<Flex, N> for ConvBackward {
    type State = (FlexTensor, FlexTensor, ConvOptions<2>);

    fn backward(
        self,
        ops: Ops<Self::State, N>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let dy = grads.consume::<Flex>(&ops.node).to_contiguous();
        let (x, weight, options) = ops.state;
        let geometry = Geometry::new(x.layout().shape(), weight.layout().shape(), &options)
            .expect("the forward pass checked the geometry");
        let mut parents = ops.parents.into_iter();
        let (node_x, node_w, node_b) = (
            parents.next().flatten(),
            parents.next().flatten(),
            parents.next().flatten(),
        );
        if let Some(node) = node_b {
            grads.register::<Flex>(node.id, bias_grad(&geometry, &dy));
        }
        if let Some(node) = node_w {
            grads.register::<Flex>(node.id, weight_grad(&geometry, &x, &dy));
        }
        if let Some(node) = node_x {
            grads.register::<Flex>(node.id, input_grad(&geometry, &weight, &dy));
        }
    }
}

/// `Y_b = W · col(X_b) + bias`, images in parallel, `col` tile by tile.
fn forward(
    x: &FlexTensor,
    weight: &FlexTensor,
    bias: Option<&FlexTensor>,
    options: &ConvOptions<2>,
) -> FlexTensor {
    let g = Geometry::new(x.layout().shape(), weight.layout().shape(), options)
        .expect("the wrapper checked the geometry");
    let (xs, ws) = (values(x), values(weight));
    let bs = bias.map(values);
    let shape = Shape::new([g.batch, g.cout, g.oh, g.ow]);
    if g.depthwise {
        return tensor(depthwise::forward(&g, xs, ws, bs), shape);
    }
    if conv_direct::applies(&g) {
        return tensor(conv_direct::forward(&g, xs, ws, bs), shape);
    }
    let (k, n) = (g.k(), g.n());
    debug_assert_eq!(ws.len(), g.cout * k);
    let mut y = vec![0f32; g.batch * g.cout * n];
    let par = g.parallelism();
    let image = |col: &mut Vec<f32>, (b, yb): (usize, &mut [f32])| {
        let xb = &xs[b * g.cin * g.h * g.w..][..g.cin * g.h * g.w];
        if g.pointwise() {
            // SAFETY: yb is [Co × N], ws [Co × K], xb [K × N], all row-major and disjoint.
            unsafe {
                sgemm(
                    [g.cout, n, k],
                    yb.as_mut_ptr(),
                    [n, 1],
                    false,
                    ws.as_ptr(),
                    [k, 1],
                    xb.as_ptr(),
                    [n, 1],
                    par,
                )
            };
        } else {
            for tile in g.tiles() {
                let out = yb[tile.start * g.ow..].as_mut_ptr();
                // SAFETY: the tile's columns of yb ([Co × t] at row stride N) lie inside yb.
                unsafe { band_forward(&g, xb, ws, col, tile, out, par) };
            }
        }
        if let Some(bs) = bs {
            for (row, &bias) in yb.chunks_exact_mut(n).zip(bs) {
                row.iter_mut().for_each(|v| *v += bias);
            }
        }
    };
    if g.cout * n == 0 {
        return tensor(y, shape);
    }
    let one_band = g.tiles().nth(1).is_none();
    if g.pointwise() || g.batch >= rayon::current_num_threads() || one_band {
        y.par_chunks_mut(g.cout * n)
            .enumerate()
            .for_each_init(Vec::new, image);
    } else {
        // Fewer images than threads (one 512² style image): the bands of output rows run in
        // parallel instead, each its own im2col and single-threaded product.
        let out = SharedOut(y.as_mut_ptr());
        let bands: Vec<(usize, Range<usize>)> = (0..g.batch)
            .flat_map(|b| g.tiles().map(move |tile| (b, tile)))
            .collect();
        bands
            .into_par_iter()
            .for_each_init(Vec::new, |col, (b, tile)| {
                let xb = &xs[b * g.cin * g.h * g.w..][..g.cin * g.h * g.w];
                // SAFETY: the band's columns of image b's [Co × N] output (row stride N) lie
                // inside y, and no two bands share a column.
                unsafe {
                    let out = out.at(b * g.cout * n + tile.start * g.ow);
                    band_forward(&g, xb, ws, col, tile, out, Parallelism::None)
                };
            });
        if let Some(bs) = bs {
            y.par_chunks_mut(n)
                .enumerate()
                .with_min_len(min_pieces(n))
                .for_each(|(row, values)| {
                    let bias = bs[row % g.cout];
                    values.iter_mut().for_each(|v| *v += bias);
                });
        }
    }
    tensor(y, shape)
}

/// One band of output rows of one image: `col` = its im2col (`[K × t]`), then `[Co × t]` =
/// `W · col` written at `out` with row stride `N`.
///
/// # Safety
/// `out` must address `Co` rows of `t = tile.len()·OW` values, `N` apart, that nothing else
/// reads or writes meanwhile.
unsafe fn band_forward(
    g: &Geometry,
    xb: &[f32],
    ws: &[f32],
    col: &mut Vec<f32>,
    tile: Range<usize>,
    out: *mut f32,
    par: Parallelism,
) {
    let (k, n, t) = (g.k(), g.n(), tile.len() * g.ow);
    col.resize(k * t, 0.0);
    g.im2col(xb, col, tile);
    // SAFETY: the caller's contract for `out`; ws is [Co × K] and col [K × t], both disjoint
    // from it.
    unsafe {
        sgemm(
            [g.cout, t, k],
            out,
            [n, 1],
            false,
            ws.as_ptr(),
            [k, 1],
            col.as_ptr(),
            [t, 1],
            par,
        )
    }
}

/// The output buffer, shared by the parallel bands of [`forward`], which write disjoint
/// elements of it.
#[derive(Clone, Copy)]
struct SharedOut(*mut f32);

// SAFETY: the bands write disjoint elements (see `forward`), and the buffer outlives them.
unsafe impl Send for SharedOut {}
// SAFETY: as for `Send`: shared between bands that never write the same element.
unsafe impl Sync for SharedOut {}

impl SharedOut {
    /// The element `offset` places in.
    ///
    /// # Safety
    /// `offset` must lie inside the buffer.
    unsafe fn at(self, offset: usize) -> *mut f32 {
        // SAFETY: the caller's contract.
        unsafe { self.0.add(offset) }
    }
}

/// Most partial sums [`weight_grad`] splits a batch into; fixed, so the result does not
/// depend on the number of threads or on how rayon schedules them.
const WEIGHT_GRAD_PARTS: usize = 16;

/// `dW = Σ_b dY_b · col(X_b)ᵀ` (tile by tile).
///
/// The batch is cut into at most [`WEIGHT_GRAD_PARTS`] runs of images, each run summed by
/// GEMM into its own partial, and the partials added up a fixed binary tree (halves, in
/// order): the same inputs give the same bits on every run, as burn's op does, so a seeded
/// training run repeats exactly. (A rayon `fold`/`reduce` adds partials in an order that
/// follows work stealing.)
fn weight_grad(g: &Geometry, x: &FlexTensor, dy: &FlexTensor) -> FlexTensor {
    let (xs, dys) = (values(x), values(dy));
    if g.depthwise {
        let dw = depthwise::weight_grad(g, xs, dys);
        return tensor(dw, Shape::new([g.cout, 1, g.kh, g.kw]));
    }
    let run = g.batch.div_ceil(WEIGHT_GRAD_PARTS).max(1);
    let direct = conv_direct::WeightGrad::new(g);
    let dw = weight_grad_tree(g, direct.as_ref(), xs, dys, 0..g.batch, run);
    tensor(dw, Shape::new([g.cout, g.cin, g.kh, g.kw]))
}

/// `Σ_{b ∈ images} dY_b · col(X_b)ᵀ`: one partial when `images` is at most `run` long,
/// otherwise the two halves in parallel, the right added into the left.
fn weight_grad_tree(
    g: &Geometry,
    direct: Option<&conv_direct::WeightGrad>,
    xs: &[f32],
    dys: &[f32],
    images: Range<usize>,
    run: usize,
) -> Vec<f32> {
    if images.len() > run {
        // Halves on a multiple of `run`, so the leaves are the same runs at any depth.
        let mid = images.start + images.len().div_ceil(2 * run) * run;
        let (mut left, right) = rayon::join(
            || weight_grad_tree(g, direct, xs, dys, images.start..mid, run),
            || weight_grad_tree(g, direct, xs, dys, mid..images.end, run),
        );
        left.iter_mut().zip(&right).for_each(|(a, b)| *a += b);
        return left;
    }
    let (k, n) = (g.k(), g.n());
    let par = g.parallelism();
    let mut dw = vec![0f32; g.cout * k];
    let mut col = Vec::new();
    let mut started = false;
    let mut scratch = phases::Scratch::default();
    for b in images {
        let xb = &xs[b * g.cin * g.h * g.w..][..g.cin * g.h * g.w];
        let dyb = &dys[b * g.cout * n..][..g.cout * n];
        if let Some(direct) = direct {
            direct.add_image(g, xb, dyb, &mut dw, started, &mut scratch);
            started = true;
            continue;
        }
        for tile in g.tiles() {
            let t = tile.len() * g.ow;
            let cols: &[f32] = if g.pointwise() {
                xb
            } else {
                col.resize(k * t, 0.0);
                g.im2col(xb, &mut col, tile.clone());
                &col
            };
            // SAFETY: dw is [Co × K]; the tile's columns of dyb ([Co × t] at row stride N);
            // colᵀ [t × K] read through col's [K × t] layout (row stride 1, column stride
            // t); dw is disjoint from both.
            unsafe {
                sgemm(
                    [g.cout, k, t],
                    dw.as_mut_ptr(),
                    [k, 1],
                    started,
                    dyb[tile.start * g.ow..].as_ptr(),
                    [n, 1],
                    cols.as_ptr(),
                    [1, t],
                    par,
                )
            };
            started = true;
        }
    }
    dw
}

/// `dX_b = col2im(Wᵀ · dY_b)` (tile by tile), images in parallel.
fn input_grad(g: &Geometry, weight: &FlexTensor, dy: &FlexTensor) -> FlexTensor {
    let (ws, dys) = (values(weight), values(dy));
    if g.depthwise {
        let dx = depthwise::input_grad(g, ws, dys);
        return tensor(dx, Shape::new([g.batch, g.cin, g.h, g.w]));
    }
    let (k, n) = (g.k(), g.n());
    let plane = g.cin * g.h * g.w;
    let mut dx = vec![0f32; g.batch * plane];
    let par = g.parallelism();
    let image = |dcol: &mut Vec<f32>, (b, dxb): (usize, &mut [f32])| {
        let dyb = &dys[b * g.cout * n..][..g.cout * n];
        if g.pointwise() {
            // SAFETY: dxb is [K × N]; Wᵀ [K × Co] read through W's [Co × K] layout (row
            // stride 1, column stride K); dyb [Co × N] row-major; all disjoint.
            unsafe {
                sgemm(
                    [k, n, g.cout],
                    dxb.as_mut_ptr(),
                    [n, 1],
                    false,
                    ws.as_ptr(),
                    [1, k],
                    dyb.as_ptr(),
                    [n, 1],
                    par,
                )
            };
            return;
        }
        for tile in g.tiles() {
            let t = tile.len() * g.ow;
            dcol.resize(k * t, 0.0);
            // SAFETY: dcol is [K × t]; Wᵀ as above; the tile's columns of dyb ([Co × t] at
            // row stride N); dcol is disjoint from both.
            unsafe {
                sgemm(
                    [k, t, g.cout],
                    dcol.as_mut_ptr(),
                    [t, 1],
                    false,
                    ws.as_ptr(),
                    [1, k],
                    dyb[tile.start * g.ow..].as_ptr(),
                    [n, 1],
                    par,
                )
            };
            g.col2im(dcol, dxb, tile);
        }
    };
    if plane > 0 {
        dx.par_chunks_mut(plane)
            .enumerate()
            .for_each_init(Vec::new, image);
    }
    tensor(dx, Shape::new([g.batch, g.cin, g.h, g.w]))
}

/// `db[co] = Σ dY[b, co, oh, ow]`.
fn bias_grad(g: &Geometry, dy: &FlexTensor) -> FlexTensor {
    let dys = values(dy);
    let n = g.n();
    let db = (0..g.cout)
        .into_par_iter()
        .with_min_len(min_pieces(g.batch * n))
        .map(|co| {
            (0..g.batch)
                .map(|b| dys[(b * g.cout + co) * n..][..n].iter().sum::<f32>())
                .sum()
        })
        .collect();
    tensor(db, Shape::new([g.cout]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::testing::{assert_close, random};
    use burn::tensor::Distribution;

    use crate::kernels::testing::ConvCase as Case;

    const CASES: &[Case] = &[
        (1, 1, 2, 7, 9, [3, 3], [1, 1], [0, 0], [1, 1], true, 1),
        (3, 3, 6, 11, 13, [5, 5], [1, 1], [0, 0], [1, 1], true, 1),
        (3, 3, 4, 9, 8, [3, 3], [2, 2], [1, 1], [1, 1], false, 1),
        (1, 5, 3, 12, 10, [3, 5], [2, 1], [2, 1], [2, 1], true, 1),
        (3, 5, 7, 8, 9, [1, 1], [1, 1], [0, 0], [1, 1], true, 1),
        (1, 3, 2, 9, 9, [1, 1], [2, 2], [1, 1], [1, 1], false, 1),
        (3, 1, 5, 13, 11, [5, 3], [2, 2], [2, 0], [2, 2], true, 1),
        (1, 5, 4, 10, 7, [3, 3], [1, 2], [1, 2], [2, 1], true, 1),
        (3, 3, 8, 6, 6, [3, 3], [1, 1], [2, 2], [1, 1], false, 1),
        (1, 1, 1, 5, 5, [5, 5], [2, 2], [2, 2], [1, 1], true, 1),
        // Depthwise (groups = Ci = Co): MobileNetV2's 3×3 layers, stride 1 and 2, and odd cases.
        (2, 4, 4, 9, 9, [3, 3], [1, 1], [1, 1], [1, 1], true, 4),
        (3, 3, 3, 10, 11, [3, 3], [2, 2], [1, 1], [1, 1], false, 3),
        (1, 5, 5, 7, 12, [5, 3], [1, 2], [2, 0], [1, 2], true, 5),
        (2, 2, 2, 6, 6, [3, 3], [2, 1], [0, 2], [2, 1], true, 2),
        (1, 6, 6, 3, 3, [3, 3], [1, 1], [1, 1], [1, 1], false, 6),
        // Planes wider than one 64-value block, strides 2 and 3 with dilation, asymmetric kernels.
        (2, 3, 3, 40, 37, [3, 3], [2, 2], [1, 1], [1, 1], true, 3),
        (1, 2, 2, 23, 29, [3, 5], [3, 2], [2, 3], [2, 1], false, 2),
        (2, 2, 2, 17, 19, [1, 1], [1, 1], [0, 0], [1, 1], true, 2),
    ];

    fn options(case: &Case) -> ConvOptions<2> {
        ConvOptions::new(case.6, case.7, case.8, case.10)
    }

    #[test]
    fn forward_matches_burn() {
        let device = Device::flex();
        for case in CASES {
            let &(b, ci, co, h, w, k, ..) = case;
            let x = random([b, ci, h, w], &device);
            let wt = random([co, ci / case.10, k[0], k[1]], &device);
            let bias = case
                .9
                .then(|| Tensor::<1>::random([co], Distribution::Default, &device));
            assert!(ours_applies(&x, &wt, bias.as_ref(), &options(case)));
            let reference =
                burn::tensor::module::conv2d(x.clone(), wt.clone(), bias.clone(), options(case));
            assert_close(
                ours(x, wt, bias, options(case)),
                reference,
                "forward",
                &format!("{case:?}"),
            );
        }
    }

    #[test]
    fn gradients_match_burn() {
        let device = Device::flex().autodiff();
        for case in CASES {
            let &(b, ci, co, h, w, k, ..) = case;
            let x = random([b, ci, h, w], &device);
            let wt = random([co, ci / case.10, k[0], k[1]], &device);
            let bias = Tensor::<1>::random([co], Distribution::Default, &device);
            let run = |use_ours: bool| {
                let (x, wt) = (x.clone().require_grad(), wt.clone().require_grad());
                let bias = case.9.then(|| bias.clone().require_grad());
                assert!(ours_applies(&x, &wt, bias.as_ref(), &options(case)));
                let y = if use_ours {
                    ours(x.clone(), wt.clone(), bias.clone(), options(case))
                } else {
                    burn::tensor::module::conv2d(x.clone(), wt.clone(), bias.clone(), options(case))
                };
                // A loss whose gradient differs per output element.
                let grads = (y.clone() * y.clone().cos()).sum().backward();
                let dx = x.grad(&grads).expect("x is tracked");
                let dw = wt.grad(&grads).expect("weight is tracked");
                let db = bias.map(|b| b.grad(&grads).expect("bias is tracked"));
                (y.inner(), dx, dw, db)
            };
            let (y_ours, dx_ours, dw_ours, db_ours) = run(true);
            let (y_ref, dx_ref, dw_ref, db_ref) = run(false);
            assert_close(y_ours, y_ref, "forward (autodiff)", &format!("{case:?}"));
            assert_close(dx_ours, dx_ref, "dX", &format!("{case:?}"));
            assert_close(dw_ours, dw_ref, "dW", &format!("{case:?}"));
            if let (Some(ours), Some(reference)) = (db_ours, db_ref) {
                assert_close(
                    ours.reshape([1, 1, 1, co]),
                    reference.reshape([1, 1, 1, co]),
                    "dbias",
                    &format!("{case:?}"),
                );
            }
        }
    }

    /// The weight gradient sums over the batch; the sum must not depend on the thread count
    /// or on scheduling, or a seeded training run would not repeat.
    #[test]
    fn weight_gradient_is_bitwise_the_same_on_any_number_of_threads() {
        let device = Device::flex().autodiff();
        let x = random([37, 3, 12, 12], &device);
        let wt = random([8, 3, 3, 3], &device);
        let options = ConvOptions::new([1, 1], [1, 1], [1, 1], 1);
        let dw_on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool");
            pool.install(|| {
                let wt = wt.clone().require_grad();
                let y = ours(x.clone(), wt.clone(), None, options.clone());
                let grads = (y.clone() * y.cos()).sum().backward();
                wt.grad(&grads)
                    .expect("weight is tracked")
                    .into_data()
                    .try_to_vec::<f32>()
                    .expect("f32 values")
            })
        };
        let one = dw_on(1);
        for threads in [2, 3, 4] {
            for _ in 0..3 {
                assert!(
                    dw_on(threads) == one,
                    "dW on {threads} threads differs from 1 thread"
                );
            }
        }
    }

    #[test]
    fn untracked_input_gets_no_gradient_and_weight_still_does() {
        let device = Device::flex().autodiff();
        let case = &CASES[1];
        let x = random([3, 3, 11, 13], &device);
        let wt = random([6, 3, 5, 5], &device).require_grad();
        let y = ours(x.clone(), wt.clone(), None, options(case));
        let grads = y.clone().sum().backward();
        assert!(x.grad(&grads).is_none());
        let reference = burn::tensor::module::conv2d(x, wt.clone(), None, options(case))
            .sum()
            .backward();
        assert_close(
            wt.grad(&grads).expect("weight is tracked"),
            wt.grad(&reference).expect("weight is tracked"),
            "dW without dX",
            &format!("{case:?}"),
        );
    }

    #[test]
    fn untracked_autodiff_forward_matches_burn() {
        let device = Device::flex().autodiff();
        for case in &CASES[..3] {
            let &(b, ci, co, h, w, k, ..) = case;
            let x = random([b, ci, h, w], &device);
            let wt = random([co, ci / case.10, k[0], k[1]], &device);
            let bias = case
                .9
                .then(|| Tensor::<1>::random([co], Distribution::Default, &device));
            let reference =
                burn::tensor::module::conv2d(x.clone(), wt.clone(), bias.clone(), options(case));
            assert_close(
                ours(x, wt, bias, options(case)),
                reference,
                "untracked",
                &format!("{case:?}"),
            );
        }
    }

    #[test]
    fn groups_fall_back_to_burn() {
        let device = Device::flex();
        let x = random([2, 4, 8, 8], &device);
        let wt = random([6, 2, 3, 3], &device);
        let grouped = ConvOptions::new([1, 1], [1, 1], [1, 1], 2);
        assert!(!ours_applies(&x, &wt, None, &grouped));
        let reference = burn::tensor::module::conv2d(x.clone(), wt.clone(), None, grouped.clone());
        let y = conv2d(x, wt, None, grouped);
        assert_eq!(y.dims(), [2, 6, 8, 8]);
        y.into_data()
            .assert_approx_eq::<f32>(&reference.into_data(), Default::default());
    }

    #[test]
    fn layer_matches_burns_conv2d_forward() {
        use burn::nn::PaddingConfig2d;
        use burn::nn::conv::Conv2dConfig;
        let device = Device::flex();
        let x = random([2, 3, 9, 8], &device);
        for (padding, stride, bias) in [
            (PaddingConfig2d::Valid, [1, 1], true),
            (PaddingConfig2d::Same, [2, 2], false),
            (PaddingConfig2d::Same, [1, 1], true),
            (PaddingConfig2d::Explicit(1, 2, 0, 1), [2, 1], true),
        ] {
            let conv = Conv2dConfig::new([3, 4], [3, 3])
                .with_padding(padding.clone())
                .with_stride(stride)
                .with_bias(bias)
                .init(&device);
            let case = &CASES[0];
            assert_close(
                conv2d_layer(&conv, x.clone()),
                conv.forward(x.clone()),
                &format!("layer {padding:?} stride {stride:?}"),
                &format!("{case:?}"),
            );
        }
    }

    #[test]
    fn large_images_are_tiled_and_still_match_burn() {
        // K·N = 243·(192·192) > TILE_VALUES: several bands of output rows.
        let device = Device::flex().autodiff();
        let case: Case = (1, 3, 4, 200, 200, [9, 9], [1, 1], [0, 0], [1, 1], true, 1);
        let (x, wt) = (
            random([1, 3, 200, 200], &device),
            random([4, 3, 9, 9], &device),
        );
        let geometry = Geometry::new(&x.shape(), &wt.shape(), &options(&case)).expect("valid");
        assert!(geometry.tiles().count() > 1);
        let covered: usize = geometry.tiles().map(|t| t.len()).sum();
        assert_eq!(covered, geometry.oh);
        let run = |use_ours: bool| {
            let (x, wt) = (x.clone().require_grad(), wt.clone().require_grad());
            let y = if use_ours {
                ours(x.clone(), wt.clone(), None, options(&case))
            } else {
                burn::tensor::module::conv2d(x.clone(), wt.clone(), None, options(&case))
            };
            let grads = (y.clone() * y.clone().cos()).sum().backward();
            let dx = x.grad(&grads).expect("x is tracked");
            (y.inner(), dx, wt.grad(&grads).expect("weight is tracked"))
        };
        let ((y, dx, dw), (y_ref, dx_ref, dw_ref)) = (run(true), run(false));
        let what = format!("{case:?}");
        assert_close(y, y_ref, "forward", &what);
        assert_close(dx, dx_ref, "dX", &what);
        assert_close(dw, dw_ref, "dW", &what);
    }

    #[test]
    fn too_small_input_falls_back_to_burn() {
        let device = Device::flex();
        let x = random([1, 1, 2, 2], &device);
        let wt = random([1, 1, 3, 3], &device);
        assert!(!ours_applies(
            &x,
            &wt,
            None,
            &ConvOptions::new([1, 1], [0, 0], [1, 1], 1)
        ));
    }
}
