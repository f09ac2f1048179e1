//! The sizes of one 2D convolution and the index arithmetic its CPU kernels share: which
//! taps fall inside the image, im2col / col2im by bands of output rows.
//!
//! Shapes: `x` `[B, Ci, H, W]`, weight `[Co, Ci, kh, kw]` (`[C, 1, kh, kw]` depthwise),
//! output `[B, Co, OH, OW]`; `col(X_b)` is `[K × N]` with `K = Ci·kh·kw`, `N = OH·OW`.

use std::ops::Range;

use burn::tensor::Shape;
use burn::tensor::ops::ConvOptions;
use gemm::Parallelism;

/// The most values one im2col tile holds (8 MiB of f32): larger matrices are built and
/// multiplied a band of output rows at a time.
const TILE_VALUES: usize = 1 << 21;

/// The sizes of one convolution.
#[derive(Debug, Clone, Copy)]
pub(super) struct Geometry {
    pub(super) batch: usize,
    pub(super) cin: usize,
    pub(super) h: usize,
    pub(super) w: usize,
    pub(super) cout: usize,
    pub(super) kh: usize,
    pub(super) kw: usize,
    pub(super) oh: usize,
    pub(super) ow: usize,
    pub(super) stride: [usize; 2],
    /// Padding before the first row and column.
    pub(super) pad: [usize; 2],
    pub(super) dilation: [usize; 2],
    /// Whether each channel has its own single filter (`groups = Ci = Co`).
    pub(super) depthwise: bool,
}

impl Geometry {
    /// The sizes for `x` `[B, Ci, H, W]` and `weight` `[Co, Ci, kh, kw]`, or `None` when the
    /// shapes are not 4D or the (padded) input is smaller than the dilated kernel.
    pub(super) fn new(x: &Shape, weight: &Shape, options: &ConvOptions<2>) -> Option<Self> {
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
                depthwise: options.groups > 1,
            })
    }

    /// Rows of `col(X_b)`: `Ci·kh·kw`.
    pub(super) fn k(&self) -> usize {
        self.cin * self.kh * self.kw
    }

    /// Columns of `col(X_b)`: `OH·OW`.
    pub(super) fn n(&self) -> usize {
        self.oh * self.ow
    }

    /// Whether `col(X_b)` is `X_b` itself (1×1 kernel, stride 1, no padding).
    pub(super) fn pointwise(&self) -> bool {
        self.kh == 1 && self.kw == 1 && self.stride == [1, 1] && self.pad == [0, 0]
    }

    /// The gemm parallelism inside one image's products: single-threaded when the images
    /// alone keep every thread busy.
    pub(super) fn parallelism(&self) -> Parallelism {
        if self.batch >= rayon::current_num_threads() {
            Parallelism::None
        } else {
            Parallelism::Rayon(0)
        }
    }

    /// The output rows of one im2col tile: as many as keep `col` within [`TILE_VALUES`]
    /// (at least one), so a 512² image with a 9×9 kernel does not need a 255 MB matrix; a
    /// single tile when `col(X_b)` is `X_b` itself.
    pub(super) fn tiles(&self) -> impl Iterator<Item = Range<usize>> + use<> {
        let per_row = (self.k() * self.ow).max(1);
        let step = if self.pointwise() {
            self.oh.max(1)
        } else {
            (TILE_VALUES / per_row).clamp(1, self.oh.max(1))
        };
        let oh = self.oh;
        (0..oh)
            .step_by(step)
            .map(move |start| start..(start + step).min(oh))
    }

    /// Fills `col` (`[K × T]`, `T = tile.len()·OW`) with the columns of `col(X_b)` for the
    /// output rows `tile` of one image `xb` (`[Ci, H, W]`).
    pub(super) fn im2col(&self, xb: &[f32], col: &mut [f32], tile: Range<usize>) {
        let n = tile.len() * self.ow;
        for ci in 0..self.cin {
            let plane = &xb[ci * self.h * self.w..][..self.h * self.w];
            for ki in 0..self.kh {
                for kj in 0..self.kw {
                    let row = (ci * self.kh + ki) * self.kw + kj;
                    let dst = &mut col[row * n..][..n];
                    let (rows, cols) = self.taps(ki, kj);
                    let col_off = (kj * self.dilation[1]) as isize - self.pad[1] as isize;
                    for oy in tile.clone() {
                        let out = &mut dst[(oy - tile.start) * self.ow..][..self.ow];
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

    /// Adds `col` (`[K × T]`, the output rows `tile`) back into one image's input gradient
    /// `dxb` (`[Ci, H, W]`): the transpose of [`Geometry::im2col`].
    pub(super) fn col2im(&self, col: &[f32], dxb: &mut [f32], tile: Range<usize>) {
        let n = tile.len() * self.ow;
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
                    let rows = rows.start.max(tile.start)..rows.end.min(tile.end);
                    for oy in rows {
                        let iy = oy * self.stride[0] + ki * self.dilation[0] - self.pad[0];
                        let dst = &mut plane[iy * self.w..][..self.w];
                        let from = &src[(oy - tile.start) * self.ow..][..self.ow][cols.clone()];
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
    pub(super) fn taps(
        &self,
        ki: usize,
        kj: usize,
    ) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
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
