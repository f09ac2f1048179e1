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

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::{FlexTensor, Layout};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Dispatch, Flex};
use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2d;
use burn::prelude::*;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Bytes, DType, Shape};
use gemm::Parallelism;
use rayon::prelude::*;

use super::CpuKernels;

/// 2D convolution, as [`burn::tensor::module::conv2d`]: our kernel on the Flex device for f32
/// tensors with groups 1 (see the module's doc), burn's op everywhere else and when
/// `VISIONLAB_KERNELS=burn`.
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
    let same = |k: usize, s: usize, len: usize| {
        let out = len.div_ceil(s);
        let total = if out > 0 {
            ((out - 1) * s + k).saturating_sub(len)
        } else {
            0
        };
        (total / 2, total - total / 2)
    };
    let padding = match conv.padding {
        PaddingConfig2d::Valid => [(0, 0), (0, 0)],
        PaddingConfig2d::Same => [
            same(conv.kernel_size[0], conv.stride[0], height),
            same(conv.kernel_size[1], conv.stride[1], width),
        ],
        PaddingConfig2d::Explicit(top, left, bottom, right) => [(top, bottom), (left, right)],
    };
    let options = ConvOptions::new_with_padding(conv.stride, padding, conv.dilation, conv.groups);
    conv2d(
        x,
        conv.weight.val(),
        conv.bias.as_ref().map(|b| b.val()),
        options,
    )
}

/// Whether our kernel covers this call: Flex device, f32, groups 1, consistent shapes and a
/// non-empty output (anything else goes to burn's op, which reports its own errors).
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
        && options.groups == 1
        && in_channels == channels
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

/// The sizes of one convolution.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    batch: usize,
    cin: usize,
    h: usize,
    w: usize,
    cout: usize,
    kh: usize,
    kw: usize,
    oh: usize,
    ow: usize,
    stride: [usize; 2],
    /// Padding before the first row and column.
    pad: [usize; 2],
    dilation: [usize; 2],
}

impl Geometry {
    /// The sizes for `x` `[B, Ci, H, W]` and `weight` `[Co, Ci, kh, kw]`, or `None` when the
    /// shapes are not 4D or the (padded) input is smaller than the dilated kernel.
    fn new(x: &Shape, weight: &Shape, options: &ConvOptions<2>) -> Option<Self> {
        let (&[batch, cin, h, w], &[cout, _, kh, kw]) = (x.as_slice(), weight.as_slice()) else {
            return None;
        };
        let out = |len: usize, (before, after): (usize, usize), k: usize, s: usize, d: usize| {
            let span = d.checked_mul(k.checked_sub(1)?)?.checked_add(1)?;
            let padded = len.checked_add(before)?.checked_add(after)?;
            Some(padded.checked_sub(span)? / s + 1)
        };
        let oh = out(
            h,
            options.padding[0],
            kh,
            options.stride[0],
            options.dilation[0],
        )?;
        let ow = out(
            w,
            options.padding[1],
            kw,
            options.stride[1],
            options.dilation[1],
        )?;
        (options.stride.iter().all(|&s| s > 0) && options.dilation.iter().all(|&d| d > 0))
            .then_some(Geometry {
                batch,
                cin,
                h,
                w,
                cout,
                kh,
                kw,
                oh,
                ow,
                stride: options.stride,
                pad: [options.padding[0].0, options.padding[1].0],
                dilation: options.dilation,
            })
    }

    /// Rows of `col(X_b)`: `Ci·kh·kw`.
    fn k(&self) -> usize {
        self.cin * self.kh * self.kw
    }

    /// Columns of `col(X_b)`: `OH·OW`.
    fn n(&self) -> usize {
        self.oh * self.ow
    }

    /// Whether `col(X_b)` is `X_b` itself (1×1 kernel, stride 1, no padding).
    fn pointwise(&self) -> bool {
        self.kh == 1 && self.kw == 1 && self.stride == [1, 1] && self.pad == [0, 0]
    }

    /// The gemm parallelism inside one image's products: single-threaded when the images
    /// alone keep every thread busy.
    fn parallelism(&self) -> Parallelism {
        if self.batch >= rayon::current_num_threads() {
            Parallelism::None
        } else {
            Parallelism::Rayon(0)
        }
    }

    /// Fills `col` (`[K × N]`) with `col(X_b)` for one image `xb` (`[Ci, H, W]`).
    fn im2col(&self, xb: &[f32], col: &mut [f32]) {
        let n = self.n();
        for ci in 0..self.cin {
            let plane = &xb[ci * self.h * self.w..][..self.h * self.w];
            for ki in 0..self.kh {
                for kj in 0..self.kw {
                    let row = (ci * self.kh + ki) * self.kw + kj;
                    let dst = &mut col[row * n..][..n];
                    let (rows, cols) = self.taps(ki, kj);
                    let col_off = (kj * self.dilation[1]) as isize - self.pad[1] as isize;
                    for oy in 0..self.oh {
                        let out = &mut dst[oy * self.ow..][..self.ow];
                        if !rows.contains(&oy) || cols.is_empty() {
                            out.fill(0.0);
                            continue;
                        }
                        let iy = oy * self.stride[0] + ki * self.dilation[0] - self.pad[0];
                        let src = &plane[iy * self.w..][..self.w];
                        out[..cols.start].fill(0.0);
                        out[cols.end..].fill(0.0);
                        let first = (cols.start * self.stride[1]) as isize + col_off;
                        let first = first as usize;
                        if self.stride[1] == 1 {
                            out[cols.clone()].copy_from_slice(&src[first..][..cols.len()]);
                        } else {
                            for (o, ox) in out[cols.clone()].iter_mut().zip(0..) {
                                *o = src[first + ox * self.stride[1]];
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds `col` (`[K × N]`) back into one image's input gradient `dxb` (`[Ci, H, W]`): the
    /// transpose of [`Geometry::im2col`].
    fn col2im(&self, col: &[f32], dxb: &mut [f32]) {
        let n = self.n();
        for ci in 0..self.cin {
            let plane = &mut dxb[ci * self.h * self.w..][..self.h * self.w];
            for ki in 0..self.kh {
                for kj in 0..self.kw {
                    let row = (ci * self.kh + ki) * self.kw + kj;
                    let src = &col[row * n..][..n];
                    let (rows, cols) = self.taps(ki, kj);
                    if cols.is_empty() {
                        continue;
                    }
                    let col_off = (kj * self.dilation[1]) as isize - self.pad[1] as isize;
                    let first = ((cols.start * self.stride[1]) as isize + col_off) as usize;
                    for oy in rows {
                        let iy = oy * self.stride[0] + ki * self.dilation[0] - self.pad[0];
                        let dst = &mut plane[iy * self.w..][..self.w];
                        let from = &src[oy * self.ow..][..self.ow][cols.clone()];
                        if self.stride[1] == 1 {
                            for (d, s) in dst[first..][..from.len()].iter_mut().zip(from) {
                                *d += s;
                            }
                        } else {
                            for (ox, s) in from.iter().enumerate() {
                                dst[first + ox * self.stride[1]] += s;
                            }
                        }
                    }
                }
            }
        }
    }

    /// The output rows and columns whose tap `(ki, kj)` falls inside the input.
    fn taps(&self, ki: usize, kj: usize) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
        let range = |out: usize, len: usize, k: usize, s: usize, d: usize, p: usize| {
            // input index = o·s + k·d − p must lie in [0, len)
            let offset = (k * d) as isize - p as isize;
            let lo = if offset >= 0 {
                0
            } else {
                (-offset as usize).div_ceil(s)
            };
            let room = len as isize - offset;
            let hi = if room <= 0 {
                0
            } else {
                (room as usize).div_ceil(s).min(out)
            };
            lo.min(hi)..hi
        };
        (
            range(
                self.oh,
                self.h,
                ki,
                self.stride[0],
                self.dilation[0],
                self.pad[0],
            ),
            range(
                self.ow,
                self.w,
                kj,
                self.stride[1],
                self.dilation[1],
                self.pad[1],
            ),
        )
    }
}

/// `c[m×n] = (accumulate ? c : 0) + a[m×k] · b[k×n]`, each matrix given by its row and
/// column strides.
///
/// # Safety
/// `c`, `a` and `b` must be valid for every element the sizes and strides address, and `c`
/// must not overlap `a` or `b`.
#[allow(clippy::too_many_arguments)]
unsafe fn sgemm(
    [m, n, k]: [usize; 3],
    c: *mut f32,
    [c_rs, c_cs]: [usize; 2],
    accumulate: bool,
    a: *const f32,
    [a_rs, a_cs]: [usize; 2],
    b: *const f32,
    [b_rs, b_cs]: [usize; 2],
    parallelism: Parallelism,
) {
    // SAFETY: the caller's contract; gemm 0.19 computes dst := alpha·dst + beta·lhs·rhs, with
    // strides given as (column, row) and dst read only when `read_dst`.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c,
            c_cs as isize,
            c_rs as isize,
            accumulate,
            a,
            a_cs as isize,
            a_rs as isize,
            b,
            b_cs as isize,
            b_rs as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            parallelism,
        )
    }
}

/// The values of a contiguous f32 tensor.
fn values(t: &FlexTensor) -> &[f32] {
    t.as_slice::<f32>()
        .expect("the wrapper only sends contiguous f32 tensors")
}

/// A new contiguous f32 tensor.
fn tensor(values: Vec<f32>, shape: Shape) -> FlexTensor {
    FlexTensor::new(
        Bytes::from_elems(values),
        Layout::contiguous(shape),
        DType::F32,
    )
}

/// `Y_b = W · col(X_b) + bias`, images in parallel.
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
    let (k, n) = (g.k(), g.n());
    debug_assert_eq!(ws.len(), g.cout * k);
    let mut y = vec![0f32; g.batch * g.cout * n];
    let par = g.parallelism();
    let image = |col: &mut Vec<f32>, (b, yb): (usize, &mut [f32])| {
        let xb = &xs[b * g.cin * g.h * g.w..][..g.cin * g.h * g.w];
        let col: &[f32] = if g.pointwise() {
            xb
        } else {
            col.resize(k * n, 0.0);
            g.im2col(xb, col);
            col
        };
        // SAFETY: yb is [Co × N], ws [Co × K], col [K × N], all row-major and disjoint.
        unsafe {
            sgemm(
                [g.cout, n, k],
                yb.as_mut_ptr(),
                [n, 1],
                false,
                ws.as_ptr(),
                [k, 1],
                col.as_ptr(),
                [n, 1],
                par,
            )
        };
        if let Some(bs) = bs {
            for (row, &bias) in yb.chunks_exact_mut(n).zip(bs) {
                row.iter_mut().for_each(|v| *v += bias);
            }
        }
    };
    if g.cout * n > 0 {
        y.par_chunks_mut(g.cout * n)
            .enumerate()
            .for_each_init(Vec::new, image);
    }
    tensor(y, Shape::new([g.batch, g.cout, g.oh, g.ow]))
}

/// `dW = Σ_b dY_b · col(X_b)ᵀ`: a partial sum per worker, added at the end.
fn weight_grad(g: &Geometry, x: &FlexTensor, dy: &FlexTensor) -> FlexTensor {
    let (xs, dys) = (values(x), values(dy));
    let (k, n) = (g.k(), g.n());
    let par = g.parallelism();
    let dw = (0..g.batch)
        .into_par_iter()
        .fold(
            || (Vec::new(), vec![0f32; g.cout * k], false),
            |(mut col, mut dw, started), b| {
                let xb = &xs[b * g.cin * g.h * g.w..][..g.cin * g.h * g.w];
                let dyb = &dys[b * g.cout * n..][..g.cout * n];
                let cols: &[f32] = if g.pointwise() {
                    xb
                } else {
                    col.resize(k * n, 0.0);
                    g.im2col(xb, &mut col);
                    &col
                };
                // SAFETY: dw is [Co × K]; dyb [Co × N] row-major; colᵀ [N × K] read through
                // col's [K × N] layout (row stride 1, column stride N); dw is disjoint.
                unsafe {
                    sgemm(
                        [g.cout, k, n],
                        dw.as_mut_ptr(),
                        [k, 1],
                        started,
                        dyb.as_ptr(),
                        [n, 1],
                        cols.as_ptr(),
                        [1, n],
                        par,
                    )
                };
                (col, dw, true)
            },
        )
        .map(|(_, dw, _)| dw)
        .reduce(
            || vec![0f32; g.cout * k],
            |mut a, b| {
                a.iter_mut().zip(&b).for_each(|(a, b)| *a += b);
                a
            },
        );
    tensor(dw, Shape::new([g.cout, g.cin, g.kh, g.kw]))
}

/// `dX_b = col2im(Wᵀ · dY_b)`, images in parallel.
fn input_grad(g: &Geometry, weight: &FlexTensor, dy: &FlexTensor) -> FlexTensor {
    let (ws, dys) = (values(weight), values(dy));
    let (k, n) = (g.k(), g.n());
    let plane = g.cin * g.h * g.w;
    let mut dx = vec![0f32; g.batch * plane];
    let par = g.parallelism();
    let image = |dcol: &mut Vec<f32>, (b, dxb): (usize, &mut [f32])| {
        let dyb = &dys[b * g.cout * n..][..g.cout * n];
        let pointwise = g.pointwise();
        let dst: &mut [f32] = if pointwise {
            dxb
        } else {
            dcol.resize(k * n, 0.0);
            dcol
        };
        // SAFETY: dst is [K × N]; Wᵀ [K × Co] read through W's [Co × K] layout (row stride 1,
        // column stride K); dyb [Co × N] row-major; dst is disjoint from both.
        unsafe {
            sgemm(
                [k, n, g.cout],
                dst.as_mut_ptr(),
                [n, 1],
                false,
                ws.as_ptr(),
                [1, k],
                dyb.as_ptr(),
                [n, 1],
                par,
            )
        };
        if !pointwise {
            g.col2im(dcol, dxb);
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
    use burn::tensor::Distribution;

    /// One random case: (batch, cin, cout, h, w, kernel, stride, padding, dilation, bias).
    type Case = (
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
    );

    const CASES: &[Case] = &[
        (1, 1, 2, 7, 9, [3, 3], [1, 1], [0, 0], [1, 1], true),
        (3, 3, 6, 11, 13, [5, 5], [1, 1], [0, 0], [1, 1], true),
        (3, 3, 4, 9, 8, [3, 3], [2, 2], [1, 1], [1, 1], false),
        (1, 5, 3, 12, 10, [3, 5], [2, 1], [2, 1], [2, 1], true),
        (3, 5, 7, 8, 9, [1, 1], [1, 1], [0, 0], [1, 1], true),
        (1, 3, 2, 9, 9, [1, 1], [2, 2], [1, 1], [1, 1], false),
        (3, 1, 5, 13, 11, [5, 3], [2, 2], [2, 0], [2, 2], true),
        (1, 5, 4, 10, 7, [3, 3], [1, 2], [1, 2], [2, 1], true),
        (3, 3, 8, 6, 6, [3, 3], [1, 1], [2, 2], [1, 1], false),
        (1, 1, 1, 5, 5, [5, 5], [2, 2], [2, 2], [1, 1], true),
    ];

    fn options(case: &Case) -> ConvOptions<2> {
        ConvOptions::new(case.6, case.7, case.8, 1)
    }

    /// Max abs difference ≤ 1e-4 · max(1, max |reference|).
    fn assert_close(ours: Tensor<4>, reference: Tensor<4>, what: &str, case: &Case) {
        let ours = ours.into_data().try_to_vec::<f32>().expect("f32 values");
        let reference = reference
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32 values");
        assert_eq!(
            ours.len(),
            reference.len(),
            "{what}: sizes differ, {case:?}"
        );
        let scale = reference.iter().fold(1f32, |m, v| m.max(v.abs()));
        let diff = ours
            .iter()
            .zip(&reference)
            .fold(0f32, |m, (a, b)| m.max((a - b).abs()));
        assert!(
            diff <= 1e-4 * scale,
            "{what}: max abs diff {diff} (scale {scale}) for {case:?}"
        );
    }

    fn random(shape: [usize; 4], device: &Device) -> Tensor<4> {
        Tensor::random(shape, Distribution::Uniform(-1.0, 1.0), device)
    }

    #[test]
    fn forward_matches_burn() {
        let device = Device::flex();
        for case in CASES {
            let &(b, ci, co, h, w, k, ..) = case;
            let x = random([b, ci, h, w], &device);
            let wt = random([co, ci, k[0], k[1]], &device);
            let bias = case
                .9
                .then(|| Tensor::<1>::random([co], Distribution::Default, &device));
            assert!(ours_applies(&x, &wt, bias.as_ref(), &options(case)));
            let reference =
                burn::tensor::module::conv2d(x.clone(), wt.clone(), bias.clone(), options(case));
            assert_close(ours(x, wt, bias, options(case)), reference, "forward", case);
        }
    }

    #[test]
    fn gradients_match_burn() {
        let device = Device::flex().autodiff();
        for case in CASES {
            let &(b, ci, co, h, w, k, ..) = case;
            let x = random([b, ci, h, w], &device);
            let wt = random([co, ci, k[0], k[1]], &device);
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
            assert_close(y_ours, y_ref, "forward (autodiff)", case);
            assert_close(dx_ours, dx_ref, "dX", case);
            assert_close(dw_ours, dw_ref, "dW", case);
            if let (Some(ours), Some(reference)) = (db_ours, db_ref) {
                assert_close(
                    ours.reshape([1, 1, 1, co]),
                    reference.reshape([1, 1, 1, co]),
                    "dbias",
                    case,
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
            case,
        );
    }

    #[test]
    fn untracked_autodiff_forward_matches_burn() {
        let device = Device::flex().autodiff();
        for case in &CASES[..3] {
            let &(b, ci, co, h, w, k, ..) = case;
            let x = random([b, ci, h, w], &device);
            let wt = random([co, ci, k[0], k[1]], &device);
            let bias = case
                .9
                .then(|| Tensor::<1>::random([co], Distribution::Default, &device));
            let reference =
                burn::tensor::module::conv2d(x.clone(), wt.clone(), bias.clone(), options(case));
            assert_close(
                ours(x, wt, bias, options(case)),
                reference,
                "untracked",
                case,
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
                case,
            );
        }
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
