//! Depthwise 2D convolution on the CPU (Flex, f32): `groups = Ci = Co`, one `kh×kw` filter
//! per channel (MobileNetV2's 3×3 layers), forward and both gradients.
//!
//! Shapes: `x` `[B, C, H, W]`, weight `[C, 1, kh, kw]`, bias `[C]`, output `[B, C, OH, OW]`
//! (sizes, stride, padding and dilation as in [`super::conv2d`]; [`Geometry`] is shared).
//!
//! Algorithm, one `(b, c)` plane at a time: the zero-padded input plane is cut into its
//! `sh·sw` stride phases ([`Phases`]: phase `(pr, pc)` holds the padded pixels at rows
//! `pr, pr + sh, …` and columns `pc, pc + sw, …`), each `PH × PW` and stored flat with rows
//! `PW` apart. Tap `(ki, kj)` of output pixel `(oy, ox)` then reads phase
//! `((ki·dh) mod sh, (kj·dw) mod sw)` at `(oy + ki·dh / sh, ox + kj·dw / sw)`, so on an output
//! grid of `OH × PW` (`PW − OW` columns of slack, thrown away) every tap is the phase buffer
//! read at one fixed offset, and a plane is one long vector loop of [`shifted_sum`] whatever
//! its width (MobileNetV2's rows are 3 to 48 pixels):
//! - forward: `grid = bias + Σ_t w_t · phases[off_t + ·]`, then the first `OW` columns;
//! - weight gradient: `dw_t = Σ_b Σ_i dygrid[i] · phases[off_t + i]` ([`shifted_dots`]),
//!   `dygrid` being `dY` on the `OH × PW` grid with zeros in the slack;
//! - input gradient: the transpose as a gather, phase by phase,
//!   `dphase[j] = Σ_{t in the phase} w_t · dygrid[j − off_t]` (zeros before and after
//!   `dygrid`), then each input pixel read back from its phase.
//!
//! Planes run in parallel (several small planes per task), the weight gradient one channel
//! per task summing its images in order, so results do not depend on the thread count.

use rayon::prelude::*;

use super::conv_geometry::Geometry;
use super::min_pieces;
use super::phases::{Phases, Scratch};
use super::shifted::{shifted_dots, shifted_sum};

/// `Y = depthwise(X, W) + bias`: `xs` `[B, C, H, W]`, `ws` `[C, 1, kh, kw]`, `bs` `[C]` →
/// `[B, C, OH, OW]`.
pub(super) fn forward(g: &Geometry, xs: &[f32], ws: &[f32], bs: Option<&[f32]>) -> Vec<f32> {
    let (plane_in, plane_out, taps) = (g.h * g.w, g.oh * g.ow, g.kh * g.kw);
    let mut y = vec![0f32; g.batch * g.cout * plane_out];
    if plane_out == 0 {
        return y;
    }
    let p = Phases::new(g);
    let group = min_pieces(plane_out);
    y.par_chunks_mut(plane_out * group)
        .enumerate()
        .for_each_init(Scratch::default, |s, (task, outs)| {
            s.phases.resize(p.total(), 0.0);
            s.grid.resize(p.grid(), 0.0);
            let mut tap_list = Vec::with_capacity(taps);
            for (i, out) in outs.chunks_exact_mut(plane_out).enumerate() {
                let plane = task * group + i;
                let c = plane % g.cout;
                p.split(&xs[plane * plane_in..][..plane_in], &mut s.phases);
                let w = &ws[c * taps..][..taps];
                tap_list.clear();
                tap_list.extend(w.iter().copied().zip(p.offsets.iter().copied()));
                let bias = bs.map_or(0.0, |b| b[c]);
                shifted_sum(&mut s.grid, bias, &s.phases, &tap_list);
                for (dst, src) in out.chunks_exact_mut(g.ow).zip(s.grid.chunks_exact(p.pw)) {
                    dst.copy_from_slice(&src[..g.ow]);
                }
            }
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
    let p = Phases::new(g);
    // dygrid with `front` zeros before it, so every gather index `j + front − shift` ≥ 0,
    // and zeros after it up to the phases' length.
    let front = p.shifts.iter().map(|&(shift, _)| shift).max().unwrap_or(0);
    let phases = g.stride[0] * g.stride[1];
    let span = p.ph * p.pw;
    let group = min_pieces(plane_in);
    dx.par_chunks_mut(plane_in * group)
        .enumerate()
        .for_each_init(Scratch::default, |s, (task, dxs)| {
            s.grid.resize(front + p.len, 0.0);
            s.phases.resize(p.total(), 0.0);
            let mut tap_list = Vec::with_capacity(taps);
            for (i, dxp) in dxs.chunks_exact_mut(plane_in).enumerate() {
                let plane = task * group + i;
                let c = plane % g.cin;
                p.spread(&dys[plane * plane_out..][..plane_out], &mut s.grid, front);
                let w = &ws[c * taps..][..taps];
                for phase in 0..phases {
                    tap_list.clear();
                    tap_list.extend(
                        w.iter()
                            .zip(&p.shifts)
                            .filter(|(_, (_, ph))| *ph == phase)
                            .map(|(&w, &(shift, _))| (w, front - shift)),
                    );
                    let out = &mut s.phases[phase * p.len..][..span];
                    shifted_sum(out, 0.0, &s.grid, &tap_list);
                }
                p.gather(&s.phases, dxp);
            }
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
    let p = Phases::new(g);
    dw.par_chunks_mut(taps)
        .enumerate()
        .with_min_len(min_pieces(g.batch * plane_out))
        .for_each_init(Scratch::default, |s, (c, dwc)| {
            s.phases.resize(p.total(), 0.0);
            s.grid.resize(p.grid(), 0.0);
            for b in 0..g.batch {
                let plane = b * g.cout + c;
                p.split(&xs[plane * plane_in..][..plane_in], &mut s.phases);
                p.spread(&dys[plane * plane_out..][..plane_out], &mut s.grid, 0);
                shifted_dots(&s.grid, &s.phases, &p.offsets, dwc);
            }
        });
    dw
}
