//! The stride phases of a zero-padded input plane, the layout of the direct convolutions
//! ([`super::depthwise`], [`super::conv_direct`]).
//!
//! Phase `(pr, pc)` of a plane holds the padded pixels at rows `pr, pr + sh, …` and columns
//! `pc, pc + sw, …`, `PH × PW` of them stored flat with rows `PW` apart (plus one row of
//! zeros). Tap `(ki, kj)` of output pixel `(oy, ox)` reads phase
//! `((ki·dh) mod sh, (kj·dw) mod sw)` at `(oy + ki·dh / sh, ox + kj·dw / sw)`, so on an
//! output grid of `OH × PW` (the `PW − OW` last columns of each row are slack, thrown away)
//! every tap is the phase buffer read at one fixed offset from the output position: a
//! convolution becomes sums of shifted copies of one buffer, whatever the stride, dilation or
//! padding, with no im2col matrix.

use super::conv_geometry::Geometry;

/// The stride-phase layout of one convolution's padded input planes.
#[derive(Debug, Clone)]
pub(super) struct Phases {
    pub(super) stride: [usize; 2],
    pub(super) pad: [usize; 2],
    /// Input plane `H × W`.
    pub(super) h: usize,
    pub(super) w: usize,
    /// Output plane `OH × OW`.
    pub(super) oh: usize,
    pub(super) ow: usize,
    /// Rows and columns of one phase.
    pub(super) ph: usize,
    pub(super) pw: usize,
    /// Values of one phase: `(PH + 1)·PW` (a slack row for the reads of the grid's slack
    /// columns).
    pub(super) len: usize,
    /// Per tap `(ki, kj)` in OIHW order: its offset in the phase buffer.
    pub(super) offsets: Vec<usize>,
    /// Per tap: its shift on the grid (`qi·PW + qj`) and its phase.
    pub(super) shifts: Vec<(usize, usize)>,
}

/// One thread's buffers for a plane's phases and a gradient on the output grid, reused
/// between planes.
#[derive(Default)]
pub(super) struct Scratch {
    pub(super) phases: Vec<f32>,
    pub(super) grid: Vec<f32>,
}

impl Phases {
    /// The layout for `g`'s planes and taps.
    pub(super) fn new(g: &Geometry) -> Self {
        let [sh, sw] = g.stride;
        let [dh, dw] = g.dilation;
        let (ph, pw) = (g.oh + (g.kh - 1) * dh / sh, g.ow + (g.kw - 1) * dw / sw);
        let len = (ph + 1) * pw;
        let mut offsets = Vec::with_capacity(g.kh * g.kw);
        let mut shifts = Vec::with_capacity(g.kh * g.kw);
        for ki in 0..g.kh {
            for kj in 0..g.kw {
                let (pr, qi) = ((ki * dh) % sh, (ki * dh) / sh);
                let (pc, qj) = ((kj * dw) % sw, (kj * dw) / sw);
                let phase = pr * sw + pc;
                offsets.push(phase * len + qi * pw + qj);
                shifts.push((qi * pw + qj, phase));
            }
        }
        Phases {
            stride: g.stride,
            pad: g.pad,
            h: g.h,
            w: g.w,
            oh: g.oh,
            ow: g.ow,
            ph,
            pw,
            len,
            offsets,
            shifts,
        }
    }

    /// Values of all phases of one plane.
    pub(super) fn total(&self) -> usize {
        self.stride[0] * self.stride[1] * self.len
    }

    /// Per row `k = (ci, ki, kj)` of a groups-1 convolution's weight (OIHW order): its tap's
    /// offset in the phases of `channels` planes stored one after another.
    pub(super) fn channel_offsets(&self, channels: usize) -> Vec<usize> {
        let total = self.total();
        (0..channels)
            .flat_map(|ci| self.offsets.iter().map(move |&off| ci * total + off))
            .collect()
    }

    /// Values of the output grid `OH × PW`.
    pub(super) fn grid(&self) -> usize {
        self.oh * self.pw
    }

    /// Fills `out` (`total()` values) with the phases of input plane `x` (`H × W`), zeros
    /// for the padding and the slack.
    pub(super) fn split(&self, x: &[f32], out: &mut [f32]) {
        let [sh, sw] = self.stride;
        let [pt, pl] = self.pad;
        for pr in 0..sh {
            for pc in 0..sw {
                let phase = &mut out[(pr * sw + pc) * self.len..][..self.len];
                phase[self.ph * self.pw..].fill(0.0);
                // Phase columns c whose padded column c·sw + pc is an input column.
                let first = pl.saturating_sub(pc).div_ceil(sw);
                let last = (pl + self.w).saturating_sub(pc).div_ceil(sw).min(self.pw);
                let first = first.min(last);
                for (r, row) in phase.chunks_exact_mut(self.pw).take(self.ph).enumerate() {
                    let y = r * sh + pr;
                    if y < pt || y - pt >= self.h || first == last {
                        row.fill(0.0);
                        continue;
                    }
                    let src = &x[(y - pt) * self.w..][..self.w];
                    row[..first].fill(0.0);
                    row[last..].fill(0.0);
                    let x0 = first * sw + pc - pl;
                    if sw == 1 {
                        row[first..last].copy_from_slice(&src[x0..][..last - first]);
                    } else {
                        for (d, s) in row[first..last]
                            .iter_mut()
                            .zip(src[x0..].iter().step_by(sw))
                        {
                            *d = *s;
                        }
                    }
                }
            }
        }
    }

    /// Fills `grid` (`front + OH·PW + back` values) with `dY` plane `dy` (`OH × OW`) at
    /// `front`, zeros elsewhere.
    pub(super) fn spread(&self, dy: &[f32], grid: &mut [f32], front: usize) {
        grid.fill(0.0);
        for (row, src) in grid[front..]
            .chunks_exact_mut(self.pw)
            .zip(dy.chunks_exact(self.ow))
        {
            row[..self.ow].copy_from_slice(src);
        }
    }

    /// Reads input plane `dx` (`H × W`) back from the phase buffer `phases`: each pixel from
    /// its place in its phase, zero where no phase holds it (pixels no output reads).
    pub(super) fn gather(&self, phases: &[f32], dx: &mut [f32]) {
        let [sh, sw] = self.stride;
        let [pt, pl] = self.pad;
        for (iy, row) in dx.chunks_exact_mut(self.w).enumerate() {
            let (r, pr) = ((iy + pt) / sh, (iy + pt) % sh);
            if r >= self.ph {
                row.fill(0.0);
                continue;
            }
            let base = pr * sw * self.len + r * self.pw;
            if sw == 1 {
                // Columns pl.. of the phase row; any beyond PW are read by no output.
                let inside = self.pw.saturating_sub(pl).min(self.w);
                row[..inside].copy_from_slice(&phases[base + pl..][..inside]);
                row[inside..].fill(0.0);
            } else {
                for (ix, d) in row.iter_mut().enumerate() {
                    let (c, pc) = ((ix + pl) / sw, (ix + pl) % sw);
                    *d = if c < self.pw {
                        phases[base + pc * self.len + c]
                    } else {
                        0.0
                    };
                }
            }
        }
    }
}
