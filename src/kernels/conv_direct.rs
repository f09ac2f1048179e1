//! The forward 2D convolution (groups 1) without an im2col matrix, for CPUs with AVX-512F.
//!
//! Shapes: `x` `[B, Ci, H, W]`, weight `[Co, Ci, kh, kw]`, bias `[Co]` → `[B, Co, OH, OW]`,
//! any stride, padding and dilation ([`Geometry`]).
//!
//! Algorithm: each input plane is cut into its stride phases ([`Phases`]), on whose output
//! grid (`OH × PW`) tap `(ci, ki, kj)` is the phase buffer read at one fixed offset. So the
//! convolution is the product `grid[Co × OH·PW] = W[Co × K] · B[K × OH·PW]` whose row `k`
//! of B is simply the phases read from offset `off_k`: the matrix kernel of
//! [`super::sgemm`] runs with B's rows taken at those offsets ([`BRows`]) instead of from
//! a packed im2col copy, so B is never written: no `K × N` matrix (243 × 262 144 floats for
//! a 9×9 layer on a 512² image), no packing pass, only the phases (about the input's size).
//! The weight is packed once into the kernel's row panels. The grid is computed in bands of
//! output rows, each band's `[Co × rows·PW]` in a scratch buffer that stays in L2, then its
//! first `OW` columns of every row copied out with the bias.
//!
//! Bands of all images run in parallel; every output is summed by one thread in a fixed
//! order, so results do not depend on the thread count.

use rayon::prelude::*;

use super::conv_geometry::Geometry;
use super::min_pieces;
use super::phases::{Phases, Scratch};
use super::sgemm::{BRows, Tile, avx512, kernel, pack_rows};
use super::sgemm_dot::product_rows;

/// Floats of one band's grid buffer (256 KiB, within L2).
const BAND_VALUES: usize = 1 << 16;

/// Whether the direct convolution runs for `g`: AVX-512 present (and not switched off), a
/// kernel bigger than 1×1 or a stride (a plain 1×1 is already a product on `X` itself), and
/// a grid not much bigger than the output (its slack columns are computed and thrown away:
/// a 3×3 kernel on a 4×4 map would compute 6 columns per 4 kept).
pub(super) fn applies(g: &Geometry) -> bool {
    if !avx512() || g.depthwise || g.pointwise() || g.n() == 0 || g.cout == 0 {
        return false;
    }
    let p = Phases::new(g);
    let slack = (p.grid() as f64) / (g.n() as f64);
    slack <= 1.3
}

/// The rows of B: row `k` starts at `base + offs[k]`.
#[derive(Clone, Copy)]
struct Taps {
    base: *const f32,
    offs: *const usize,
}

impl BRows for Taps {
    unsafe fn row(self, p: usize) -> *const f32 {
        // SAFETY: the caller's contract: `p` is a row, so `offs[p]` exists.
        self.base.wrapping_add(unsafe { *self.offs.add(p) })
    }
}

/// The output buffer, written in disjoint bands by parallel tasks.
#[derive(Clone, Copy)]
struct Out(*mut f32);

impl Out {
    /// The element `offset` places in (the whole struct is captured, not its pointer).
    fn at(self, offset: usize) -> *mut f32 {
        self.0.wrapping_add(offset)
    }
}

// SAFETY: the bands write disjoint elements, and the buffer outlives them.
unsafe impl Send for Out {}
// SAFETY: as for `Send`.
unsafe impl Sync for Out {}
// SAFETY: the taps are only read, and outlive the tasks.
unsafe impl Send for Taps {}
// SAFETY: as for `Send`.
unsafe impl Sync for Taps {}

/// `Y = conv(X, W) + bias` (the caller checked [`applies`]): `xs` `[B, Ci, H, W]`, `ws`
/// `[Co, Ci, kh, kw]`, `bs` `[Co]` → `[B, Co, OH, OW]`.
pub(super) fn forward(g: &Geometry, xs: &[f32], ws: &[f32], bs: Option<&[f32]>) -> Vec<f32> {
    let p = Phases::new(g);
    let (k, plane_in, plane_out) = (g.k(), g.h * g.w, g.oh * g.ow);
    let total = p.total();
    // Phases of every input plane, [B, Ci, total], in this thread's reused buffer (`split`
    // writes every value; a fresh zeroed buffer cost a pass of its own).
    let mut phases = PHASES.with(|p| p.take());
    phases.resize(g.batch * g.cin * total, 0.0);
    if total > 0 {
        phases
            .par_chunks_mut(total)
            .enumerate()
            .with_min_len(min_pieces(total))
            .for_each(|(plane, out)| p.split(&xs[plane * plane_in..][..plane_in], out));
    }
    // Row k = (ci, ki, kj) of B, in the weight's OIHW order.
    let offs = p.channel_offsets(g.cin);
    let tile = Tile::for_rows(g.cout);
    let panels = pack_rows(ws, g.cout, k, tile.mr);
    let rows_per_band = (BAND_VALUES / (g.cout * p.pw).max(1)).clamp(1, g.oh.max(1));
    let bands: Vec<(usize, usize)> = (0..g.batch)
        .flat_map(|b| (0..g.oh).step_by(rows_per_band).map(move |r| (b, r)))
        .collect();
    // Every output is written once below, so `y` is not zero-filled first.
    let len = g.batch * g.cout * plane_out;
    let mut y: Vec<f32> = Vec::with_capacity(len);
    let out = Out(y.as_mut_ptr());
    bands
        .into_par_iter()
        .for_each_init(Vec::new, |grid: &mut Vec<f32>, (b, r0)| {
            let rows = rows_per_band.min(g.oh - r0);
            let n = rows * p.pw;
            grid.resize(g.cout * n, 0.0);
            let taps = Taps {
                base: phases[b * g.cin * total + r0 * p.pw..].as_ptr(),
                offs: offs.as_ptr(),
            };
            band(tile, k, &panels, taps, grid, g.cout, n);
            for co in 0..g.cout {
                let bias = bs.map_or(0.0, |bs| bs[co]);
                let src = &grid[co * n..][..n];
                for (r, src) in src.chunks_exact(p.pw).enumerate() {
                    let at = (b * g.cout + co) * plane_out + (r0 + r) * g.ow;
                    for (i, s) in src[..g.ow].iter().enumerate() {
                        // SAFETY: row r0 + r of plane (b, co) lies in y's capacity, and only
                        // this band writes it (through the pointer: it is not initialised).
                        unsafe { out.at(at + i).write(s + bias) };
                    }
                }
            }
        });
    // SAFETY: the bands wrote every one of the `len` values (each (b, co, row) once).
    unsafe { y.set_len(len) };
    // Kept for the next call unless it is very large (a re-allocated buffer is zero-filled:
    // fast style 70 → 88 ms when its 34 MB buffers were not kept), as it stays with the thread.
    if phases.capacity() <= KEEP_PHASES {
        PHASES.with(|p| p.set(phases));
    }
    y
}

/// The largest phases buffer (in floats, 64 MiB: a 512² image with 32 channels is 34 MB) a
/// thread keeps between calls.
const KEEP_PHASES: usize = 1 << 24;

std::thread_local! {
    /// Each thread's phases buffer for [`forward`], reused between calls (taken out while a
    /// call runs, so a nested call allocates its own).
    static PHASES: std::cell::Cell<Vec<f32>> = const { std::cell::Cell::new(Vec::new()) };
}

/// `grid[m × n] = A · B` for one band: A the packed weight panels, B's `k` rows at the taps'
/// offsets (from the band's first grid position), tile by tile, each column block of B
/// against every row panel of A.
fn band(tile: Tile, k: usize, panels: &[f32], taps: Taps, grid: &mut [f32], m: usize, n: usize) {
    let (mr, nr) = (tile.mr, tile.nr());
    for j0 in (0..n).step_by(nr) {
        let cols = nr.min(n - j0);
        let b = Taps {
            base: taps.base.wrapping_add(j0),
            ..taps
        };
        for (i, panel) in panels.chunks_exact(k * mr).enumerate() {
            let rows = mr.min(m - i * mr);
            // SAFETY: the panel holds k steps of mr rows; B's rows at the taps' offsets hold
            // `cols` values from j0 (the phases' slack row covers the grid's last row); the
            // tile of grid, rows × cols from (i·mr, j0) with rows n apart, lies in grid; the
            // caller checked AVX-512F ([`applies`]).
            unsafe {
                kernel(
                    tile,
                    k,
                    panel,
                    b,
                    cols,
                    grid.as_mut_ptr().add(i * mr * n + j0),
                    n,
                    [rows, cols],
                    false,
                )
            };
        }
    }
}

/// Most output channels the direct weight gradient takes: its dot-product tiles
/// ([`product_rows`]) beat the packed product up to about there.
const WEIGHT_GRAD_MAX_ROWS: usize = 96;

/// The weight gradient without im2col, image by image: `dW[Co × K] += dYgrid · Bᵀ` with
/// `dYgrid` the image's `dY` spread on the `OH × PW` grid (zeros in the slack, so the slack
/// columns of B add nothing) and B's row `k` the image's phases from tap `k`'s offset, each
/// element a dot product of two contiguous rows of length `OH·PW`.
pub(super) struct WeightGrad {
    p: Phases,
    offs: Vec<usize>,
}

impl WeightGrad {
    /// The layout for `g`, or `None` where the direct gradient does not run (see [`applies`];
    /// more than [`WEIGHT_GRAD_MAX_ROWS`] output channels).
    pub(super) fn new(g: &Geometry) -> Option<Self> {
        (g.cout <= WEIGHT_GRAD_MAX_ROWS && applies(g)).then(|| Self::layout(g))
    }

    /// The layout for `g`, whether or not it should run.
    fn layout(g: &Geometry) -> Self {
        let p = Phases::new(g);
        let offs = p.channel_offsets(g.cin);
        Self { p, offs }
    }

    /// `dw = (accumulate ? dw : 0) + dY_b · col(X_b)ᵀ` for one image: `xb` `[Ci, H, W]`,
    /// `dyb` `[Co, OH, OW]`, `dw` `[Co, K]`.
    pub(super) fn add_image(
        &self,
        g: &Geometry,
        xb: &[f32],
        dyb: &[f32],
        dw: &mut [f32],
        accumulate: bool,
        scratch: &mut Scratch,
    ) {
        let (p, total) = (&self.p, self.p.total());
        let (plane_in, plane_out, n) = (g.h * g.w, g.oh * g.ow, p.grid());
        assert!(
            xb.len() == g.cin * plane_in
                && dyb.len() == g.cout * plane_out
                && dw.len() == g.cout * g.k(),
            "one image's input, output gradient and weight gradient"
        );
        scratch.phases.resize(g.cin * total, 0.0);
        scratch.grid.resize(g.cout * n, 0.0);
        for (x, out) in xb
            .chunks_exact(plane_in.max(1))
            .zip(scratch.phases.chunks_exact_mut(total.max(1)))
        {
            p.split(x, out);
        }
        for (dy, out) in dyb
            .chunks_exact(plane_out.max(1))
            .zip(scratch.grid.chunks_exact_mut(n.max(1)))
        {
            p.spread(dy, out, 0);
        }
        let base = scratch.phases.as_ptr();
        let rows: Vec<*const f32> = self
            .offs
            .iter()
            .map(|&off| base.wrapping_add(off))
            .collect();
        // SAFETY: dYgrid's rows hold n floats, n apart; B's row k reads offs[k] + n − 1 at
        // most, inside its channel's phases (the slack row covers the grid's last row); dw is
        // [Co × K], disjoint from both; `new` checked AVX-512F ([`applies`]).
        unsafe {
            product_rows(
                [g.cout, n],
                dw.as_mut_ptr(),
                [g.k(), 1],
                accumulate,
                scratch.grid.as_ptr(),
                n,
                &rows,
            )
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::testing::{ConvCase, assert_close, random};
    use burn::prelude::*;
    use burn::tensor::ops::ConvOptions;

    /// Every tile shape's
    /// row count (3, 6, 8, 12, 24 and ragged 5, 13, 30 output channels), strides 1–3,
    /// dilation, asymmetric kernels, 1×1 with a stride, batch 1 and grids of one or many
    /// tiles and bands.
    const CASES: &[ConvCase] = &[
        (2, 3, 6, 32, 32, [5, 5], [1, 1], [0, 0], [1, 1], true, 1),
        (1, 3, 32, 40, 44, [9, 9], [1, 1], [4, 4], [1, 1], false, 1),
        (3, 6, 16, 14, 14, [5, 5], [1, 1], [0, 0], [1, 1], true, 1),
        (1, 4, 3, 30, 33, [9, 9], [1, 1], [0, 0], [1, 1], true, 1),
        (2, 8, 12, 17, 15, [3, 3], [2, 2], [1, 1], [1, 1], true, 1),
        (1, 5, 13, 21, 19, [3, 5], [3, 2], [2, 1], [2, 1], false, 1),
        (2, 7, 24, 12, 13, [3, 3], [1, 1], [1, 1], [2, 2], true, 1),
        (1, 2, 5, 9, 11, [1, 1], [2, 2], [0, 0], [1, 1], true, 1),
        (1, 16, 30, 64, 70, [3, 3], [1, 1], [1, 1], [1, 1], true, 1),
        (1, 1, 8, 5, 5, [3, 3], [1, 1], [1, 1], [1, 1], false, 1),
    ];

    /// Runs the direct kernel itself (whether or not [`applies`] would pick it for these
    /// sizes) against burn's convolution; tolerance as [`assert_close`].
    #[test]
    fn direct_convolution_matches_burn() {
        if !avx512() {
            eprintln!("skipped: this CPU has no AVX-512F, so the direct convolution never runs");
            return;
        }
        let device = Device::flex();
        for case in CASES {
            let &(b, ci, co, h, w, k, stride, padding, dilation, with_bias, _) = case;
            let x = random([b, ci, h, w], &device);
            let wt = random([co, ci, k[0], k[1]], &device);
            let bias = with_bias.then(|| random([1, 1, 1, co], &device).reshape([co]));
            let options = ConvOptions::new(stride, padding, dilation, 1);
            let g = Geometry::new(&x.shape(), &wt.shape(), &options).expect("valid case");
            let flat = |t: Tensor<4>| t.into_data().try_to_vec::<f32>().expect("f32");
            let bs = bias
                .clone()
                .map(|b: Tensor<1>| b.into_data().try_to_vec::<f32>().expect("f32"));
            let ours = forward(&g, &flat(x.clone()), &flat(wt.clone()), bs.as_deref());
            let reference = burn::tensor::module::conv2d(x, wt, bias, options);
            let ours = Tensor::<1>::from_floats(ours.as_slice(), &device).reshape(reference.dims());
            assert_close(ours, reference, "direct forward", &format!("{case:?}"));
        }
    }

    /// The weight gradient image by image (accumulating) against burn's, for the same cases.
    #[test]
    fn direct_weight_gradient_matches_burn() {
        if !avx512() {
            eprintln!("skipped: this CPU has no AVX-512F, so the direct convolution never runs");
            return;
        }
        let device = Device::flex().autodiff();
        for case in CASES {
            let &(b, ci, co, h, w, k, stride, padding, dilation, ..) = case;
            let x = random([b, ci, h, w], &device);
            let wt = random([co, ci, k[0], k[1]], &device).require_grad();
            let options = ConvOptions::new(stride, padding, dilation, 1);
            let y = burn::tensor::module::conv2d(x.clone(), wt.clone(), None, options.clone());
            let dy = y.clone().cos();
            let grads = (y * dy.clone()).sum().backward();
            let reference = wt.grad(&grads).expect("weight is tracked");
            let g = Geometry::new(&x.shape(), &wt.shape(), &options).expect("valid case");
            let flat = |t: Tensor<4>| t.inner().into_data().try_to_vec::<f32>().expect("f32");
            // d(Σ y·cos y)/dy = cos y − y·sin y, with y detached: dY for our kernel.
            let y =
                burn::tensor::module::conv2d(x.clone().inner(), wt.clone().inner(), None, options);
            let dy = y.clone().cos() - y.clone() * y.sin();
            let (xs, dys) = (
                flat(x.clone()),
                dy.into_data().try_to_vec::<f32>().expect("f32"),
            );
            let layout = WeightGrad::layout(&g);
            let mut dw = vec![f32::NAN; co * g.k()];
            let mut scratch = Scratch::default();
            let (plane_x, plane_y) = (ci * h * w, co * g.n());
            for image in 0..b {
                layout.add_image(
                    &g,
                    &xs[image * plane_x..][..plane_x],
                    &dys[image * plane_y..][..plane_y],
                    &mut dw,
                    image > 0,
                    &mut scratch,
                );
            }
            let ours =
                Tensor::<1>::from_floats(dw.as_slice(), &Device::flex()).reshape(reference.dims());
            assert_close(ours, reference, "direct dW", &format!("{case:?}"));
        }
    }

    #[test]
    fn slack_heavy_grids_are_left_to_im2col() {
        let options = ConvOptions::new([1, 1], [1, 1], [1, 1], 1);
        let small = Geometry::new(&[8, 16, 4, 4].into(), &[16, 16, 3, 3].into(), &options);
        let large = Geometry::new(&[8, 16, 64, 64].into(), &[16, 16, 3, 3].into(), &options);
        let (small, large) = (small.expect("valid"), large.expect("valid"));
        assert!(!applies(&small), "6 grid columns per 4 kept");
        assert_eq!(applies(&large), avx512());
    }
}
