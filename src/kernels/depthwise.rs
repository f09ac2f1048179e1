//! Depthwise 2D convolution on the CPU (Flex, f32): `groups = Ci = Co`, one `kh×kw` filter
//! per channel (MobileNetV2's 3×3 layers), forward and both gradients.
//!
//! Shapes: `x` `[B, C, H, W]`, weight `[C, 1, kh, kw]`, bias `[C]`, output `[B, C, OH, OW]`
//! (sizes, stride, padding and dilation as in [`super::conv2d`]; [`Geometry`] is shared).
//!
//! Algorithm: direct loops, tap by tap. For tap `(ki, kj)` with weight `w`, the output rows
//! and columns whose input pixel lies inside the image ([`Geometry::taps`]) get
//! `y[oy, ox] += w · x[oy·sh + ki·dh − ph, ox·sw + kj·dw − pw]`: with stride 1 a contiguous
//! multiply-add of a row segment, which the compiler vectorises; no im2col, no padding
//! copies (a 9-tap sum per output is too small a product for gemm).
//! - forward: the sum above, one `(b, c)` plane per task;
//! - input gradient: the same loops with the roles swapped, `dx[iy, ix] += w · dy[oy, ox]`,
//!   one plane per task (its taps never cross planes, so nothing is shared);
//! - weight gradient: `dw[c, ki, kj] = Σ_b Σ_{oy,ox} dy[b, c, oy, ox] · x[b, c, iy, ix]`,
//!   one channel per task.

use rayon::prelude::*;

use super::conv_geometry::Geometry;

/// `Y = depthwise(X, W) + bias`: `xs` `[B, C, H, W]`, `ws` `[C, 1, kh, kw]`, `bs` `[C]` →
/// `[B, C, OH, OW]`.
pub(super) fn forward(g: &Geometry, xs: &[f32], ws: &[f32], bs: Option<&[f32]>) -> Vec<f32> {
    let (plane_in, plane_out, taps) = (g.h * g.w, g.oh * g.ow, g.kh * g.kw);
    let mut y = vec![0f32; g.batch * g.cout * plane_out];
    if plane_out == 0 {
        return y;
    }
    y.par_chunks_mut(plane_out)
        .enumerate()
        .for_each(|(plane, out)| {
            let c = plane % g.cout;
            if let Some(bs) = bs {
                out.fill(bs[c]);
            }
            let x = &xs[plane * plane_in..][..plane_in];
            let w = &ws[c * taps..][..taps];
            for_each_tap_row(g, |ki, kj, oy, iy, cols, first| {
                let wv = w[ki * g.kw + kj];
                let src = &x[iy * g.w..][..g.w];
                let dst = &mut out[oy * g.ow..][cols];
                if g.stride[1] == 1 {
                    for (d, s) in dst.iter_mut().zip(&src[first..]) {
                        *d += wv * s;
                    }
                } else {
                    for (i, d) in dst.iter_mut().enumerate() {
                        *d += wv * src[first + i * g.stride[1]];
                    }
                }
            });
        });
    y
}

/// `dX`: `ws` `[C, 1, kh, kw]`, `dys` `[B, C, OH, OW]` → `[B, C, H, W]`.
pub(super) fn input_grad(g: &Geometry, ws: &[f32], dys: &[f32]) -> Vec<f32> {
    let (plane_in, plane_out, taps) = (g.h * g.w, g.oh * g.ow, g.kh * g.kw);
    let mut dx = vec![0f32; g.batch * g.cin * plane_in];
    if plane_in == 0 || plane_out == 0 {
        return dx;
    }
    dx.par_chunks_mut(plane_in)
        .enumerate()
        .for_each(|(plane, dxp)| {
            let c = plane % g.cin;
            let dy = &dys[plane * plane_out..][..plane_out];
            let w = &ws[c * taps..][..taps];
            for_each_tap_row(g, |ki, kj, oy, iy, cols, first| {
                let wv = w[ki * g.kw + kj];
                let src = &dy[oy * g.ow..][cols];
                let dst = &mut dxp[iy * g.w..][..g.w];
                if g.stride[1] == 1 {
                    for (d, s) in dst[first..].iter_mut().zip(src) {
                        *d += wv * s;
                    }
                } else {
                    for (i, s) in src.iter().enumerate() {
                        dst[first + i * g.stride[1]] += wv * s;
                    }
                }
            });
        });
    dx
}

/// `dW`: `xs` `[B, C, H, W]`, `dys` `[B, C, OH, OW]` → `[C, 1, kh, kw]`.
pub(super) fn weight_grad(g: &Geometry, xs: &[f32], dys: &[f32]) -> Vec<f32> {
    let (plane_in, plane_out, taps) = (g.h * g.w, g.oh * g.ow, g.kh * g.kw);
    let mut dw = vec![0f32; g.cout * taps];
    if plane_out == 0 {
        return dw;
    }
    dw.par_chunks_mut(taps).enumerate().for_each(|(c, dwc)| {
        for b in 0..g.batch {
            let plane = b * g.cout + c;
            let x = &xs[plane * plane_in..][..plane_in];
            let dy = &dys[plane * plane_out..][..plane_out];
            for_each_tap_row(g, |ki, kj, oy, iy, cols, first| {
                let grad = &dy[oy * g.ow..][cols];
                let src = &x[iy * g.w..][..g.w];
                let sum: f32 = if g.stride[1] == 1 {
                    dot(grad, &src[first..][..grad.len()])
                } else {
                    grad.iter()
                        .enumerate()
                        .map(|(i, a)| a * src[first + i * g.stride[1]])
                        .sum()
                };
                dwc[ki * g.kw + kj] += sum;
            });
        }
    });
    dw
}

/// `Σ a·b` over two equally long rows, in eight independent lanes (a plain f32 `sum()` is
/// one serial chain of additions, which the compiler may not reorder into vectors).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 8;
    let mut lanes = [0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for ((lane, x), y) in lanes.iter_mut().zip(x).zip(y) {
            *lane += x * y;
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// Calls `f(ki, kj, oy, iy, cols, first)` for every tap and every output row `oy` whose input
/// row `iy` lies inside the image; `cols` are the output columns whose input column lies
/// inside, the first of them at input column `first` (the next ones a stride apart).
fn for_each_tap_row(
    g: &Geometry,
    mut f: impl FnMut(usize, usize, usize, usize, std::ops::Range<usize>, usize),
) {
    for ki in 0..g.kh {
        for kj in 0..g.kw {
            let (rows, cols) = g.taps(ki, kj);
            if cols.is_empty() {
                continue;
            }
            // In range by construction of `taps`: the first column's input index is ≥ 0.
            let first = cols.start * g.stride[1] + kj * g.dilation[1] - g.pad[1];
            for oy in rows {
                let iy = oy * g.stride[0] + ki * g.dilation[0] - g.pad[0];
                f(ki, kj, oy, iy, cols.clone(), first);
            }
        }
    }
}
