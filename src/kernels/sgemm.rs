//! The f32 matrix product under the convolution kernels: `C = (accumulate ? C : 0) + A·B`,
//! every matrix given by a pointer and its row and column strides (so a transpose is just a
//! stride swap).
//!
//! On CPUs with AVX-512F ([`avx512`]) a packed, blocked product in the Goto/BLIS layout:
//! for each `KC`-deep slice of the reduction, a block of B is packed into `NR`-column panels
//! (`[KC × NR]`, zero-padded) and a block of A into `MR`-row panels (`[KC × MR]`), and a
//! 12 × 32 register tile of C (24 zmm accumulators) is computed from one panel of each with
//! broadcast-FMAs. Elsewhere, and when `VISIONLAB_SGEMM=gemm`, the `gemm` crate (whose AVX-512
//! kernels need a nightly compiler, so on stable it runs its AVX2 ones).
//!
//! Parallel products split C into column (or row) strips, one per thread; every element is
//! summed by one thread in the same order, so results do not depend on the thread count.

use std::sync::OnceLock;

use gemm::Parallelism;

use super::{sgemm_dot, strips};

/// A read-only matrix: element `(i, j)` at `ptr + i·rs + j·cs`.
#[derive(Clone, Copy)]
struct Mat {
    ptr: *const f32,
    rs: usize,
    cs: usize,
}

/// The written matrix C, laid out as [`Mat`].
#[derive(Clone, Copy)]
struct MatMut {
    ptr: *mut f32,
    rs: usize,
    cs: usize,
}

// SAFETY: the matrices are only shared between the strips of one product, which read A and
// B and write disjoint parts of C (see `sgemm`'s contract).
unsafe impl Send for Mat {}
// SAFETY: as above.
unsafe impl Sync for Mat {}
// SAFETY: as above; each strip writes its own part of C.
unsafe impl Send for MatMut {}
// SAFETY: as above.
unsafe impl Sync for MatMut {}

impl Mat {
    /// The sub-matrix starting at `(i, j)`.
    ///
    /// # Safety
    /// `(i, j)` must lie inside the matrix (or at its end, for an empty sub-matrix).
    unsafe fn at(self, i: usize, j: usize) -> Self {
        // SAFETY: the caller's contract.
        let ptr = unsafe { self.ptr.add(i * self.rs + j * self.cs) };
        Self { ptr, ..self }
    }
}

impl Mat {
    /// The transpose: the same elements with the strides swapped.
    fn t(self) -> Self {
        Self {
            rs: self.cs,
            cs: self.rs,
            ..self
        }
    }
}

impl MatMut {
    /// The transpose, as [`Mat::t`].
    fn t(self) -> Self {
        Self {
            rs: self.cs,
            cs: self.rs,
            ..self
        }
    }

    /// The sub-matrix starting at `(i, j)`; as [`Mat::at`].
    unsafe fn at(self, i: usize, j: usize) -> Self {
        // SAFETY: the caller's contract.
        let ptr = unsafe { self.ptr.add(i * self.rs + j * self.cs) };
        Self { ptr, ..self }
    }
}

/// `c[m×n] = (accumulate ? c : 0) + a[m×k] · b[k×n]`, each matrix given by its row and
/// column strides.
///
/// # Safety
/// `c`, `a` and `b` must be valid for every element the sizes and strides address, and `c`
/// must not overlap `a` or `b`.
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn sgemm(
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
    // Both operands run along the reduction (a weight gradient): B would have to be
    // transposed into panels. For up to 96 rows of C dot products are 2–3× faster than
    // either packed kernel (measured on 16×72×1024, 6×75×784, 96×24×2304); for more rows
    // the transpose pays off over a short reduction (256×2304×64) but not a long one
    // (128×1152×4096), where the gemm crate is fastest.
    let b_transposed = a_cs == 1 && b_rs == 1 && b_cs != 1;
    if avx512() && b_transposed && m <= 96 && k >= sgemm_dot::MIN_K {
        let threads = threads(parallelism);
        // SAFETY: the caller's contract; row j of Bᵀ starts at b + j·b_cs.
        unsafe {
            sgemm_dot::product(
                [m, n, k],
                c,
                [c_rs, c_cs],
                accumulate,
                a,
                a_rs,
                b,
                b_cs,
                threads,
            )
        };
        return;
    }
    if avx512()
        && !(b_transposed && k > 256)
        && let Some((tile, transposed)) = Tile::for_product(m, n, k)
    {
        let (c, a, b) = (
            MatMut {
                ptr: c,
                rs: c_rs,
                cs: c_cs,
            },
            Mat {
                ptr: a,
                rs: a_rs,
                cs: a_cs,
            },
            Mat {
                ptr: b,
                rs: b_rs,
                cs: b_cs,
            },
        );
        // SAFETY: the caller's contract; AVX-512F is present.
        unsafe {
            packed_parallel(
                tile,
                transposed,
                [m, n, k],
                c,
                accumulate,
                a,
                b,
                parallelism,
            )
        };
        return;
    }
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

/// The threads `parallelism` asks for (`Rayon(0)`: all of rayon's).
fn threads(parallelism: Parallelism) -> usize {
    match parallelism {
        Parallelism::None => 1,
        Parallelism::Rayon(0) => rayon::current_num_threads(),
        Parallelism::Rayon(n) => n,
    }
}

/// Whether the packed AVX-512 product runs: the CPU has AVX-512F and `VISIONLAB_SGEMM` is not
/// `gemm`. Checked once.
pub(super) fn avx512() -> bool {
    static USE: OnceLock<bool> = OnceLock::new();
    *USE.get_or_init(|| {
        let wanted = std::env::var("VISIONLAB_SGEMM").map_or(true, |v| v != "gemm");
        #[cfg(target_arch = "x86_64")]
        {
            wanted && std::arch::is_x86_feature_detected!("avx512f")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = wanted;
            false
        }
    })
}

/// Depth of one packed slice of the reduction.
const KC: usize = 256;
/// Rows of A packed at once (a multiple of every tile's rows; `MC × KC` floats stay in L2).
const MC: usize = 144;
/// Columns of B packed at once (rounded down to a multiple of the tile's columns).
const NC: usize = 4096;
/// Floats in every register tile (24 zmm accumulators).
const TILE_FLOATS: usize = 384;

/// The shape of the register tile: `mr` rows of C by `nv` 16-lane vectors (`nr = 16·nv`
/// columns); every shape holds 24 accumulators.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Tile {
    pub(super) mr: usize,
    nv: usize,
}

impl Tile {
    /// The shapes there are kernels for, the squarest (fewest loads per FMA) first.
    const SHAPES: [Tile; 5] = [
        Tile { mr: 12, nv: 2 },
        Tile { mr: 8, nv: 3 },
        Tile { mr: 6, nv: 4 },
        Tile { mr: 4, nv: 6 },
        Tile { mr: 24, nv: 1 },
    ];

    /// The shape whose rows pad `m` rows least (the squarest of equals), for products whose
    /// B is not a matrix that could be transposed (the direct convolution's).
    pub(super) fn for_rows(m: usize) -> Tile {
        let mut best = Self::SHAPES[0];
        for shape in Self::SHAPES {
            if m.next_multiple_of(shape.mr) < m.next_multiple_of(best.mr) {
                best = shape;
            }
        }
        best
    }

    /// Columns of C per tile.
    pub(super) fn nr(self) -> usize {
        16 * self.nv
    }

    /// The shape, and whether to compute `Cᵀ = Bᵀ·Aᵀ` instead, that pads an `m × n × k`
    /// product least (ConvNet's 6 output channels get 6-row tiles), or `None` when even
    /// that wastes more than a fifth of the tiles (a 3 × 3 MobileNet feature map, 16
    /// channels by 100 pixels): the `gemm` crate's kernels do those better. A transposed C
    /// is written element by element across its rows, which costs about as much as 64
    /// steps of the reduction.
    fn for_product(m: usize, n: usize, k: usize) -> Option<(Tile, bool)> {
        let padded = |t: Tile, m: usize, n: usize| {
            (m.next_multiple_of(t.mr) * n.next_multiple_of(t.nr())) as f64
        };
        let mut best = (Self::SHAPES[0], false);
        let mut cost = f64::INFINITY;
        for shape in Self::SHAPES {
            let straight = padded(shape, m, n);
            let transposed = padded(shape, n, m) * (1.0 + 64.0 / k.max(1) as f64);
            for (candidate, transpose) in [(straight, false), (transposed, true)] {
                if candidate < cost {
                    (best, cost) = ((shape, transpose), candidate);
                }
            }
        }
        ((m * n) as f64 >= 0.8 * cost).then_some(best)
    }
}

/// Runs [`packed`] with tiles of shape `tile` on C, or on Cᵀ = Bᵀ·Aᵀ when `transposed`, in
/// strips for the threads `parallelism` asks for ([`strips::for_each`]).
///
/// # Safety
/// As [`sgemm`], and the CPU must have AVX-512F.
#[allow(clippy::too_many_arguments)]
unsafe fn packed_parallel(
    tile: Tile,
    transposed: bool,
    [m, n, k]: [usize; 3],
    c: MatMut,
    accumulate: bool,
    a: Mat,
    b: Mat,
    parallelism: Parallelism,
) {
    // Cᵀ = Bᵀ·Aᵀ: the same product with the roles (and strides) swapped.
    let (mnk, c, a, b) = if transposed {
        ([n, m, k], c.t(), b.t(), a.t())
    } else {
        ([m, n, k], c, a, b)
    };
    strips::for_each(
        mnk,
        threads(parallelism),
        [tile.mr, tile.nr()],
        |rows, cols| {
            // SAFETY: the caller's contract; the strips are disjoint parts of C, A and B are
            // only read.
            unsafe {
                packed(
                    tile,
                    [rows.len(), cols.len(), mnk[2]],
                    c.at(rows.start, cols.start),
                    accumulate,
                    a.at(rows.start, 0),
                    b.at(0, cols.start),
                )
            }
        },
    );
}

std::thread_local! {
    /// Each thread's packing buffers (A's block, B's block), reused between products. Taken
    /// out while a product runs, so a product that rayon starts inside another on the same
    /// thread simply allocates its own.
    static PACKS: std::cell::Cell<(Vec<f32>, Vec<f32>)> = const {
        std::cell::Cell::new((Vec::new(), Vec::new()))
    };
}

/// The blocked product on one thread with register tiles of shape `tile` (see the module
/// doc).
///
/// # Safety
/// As [`sgemm`], and the CPU must have AVX-512F.
unsafe fn packed(tile: Tile, [m, n, k]: [usize; 3], c: MatMut, accumulate: bool, a: Mat, b: Mat) {
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            for i in 0..m {
                for j in 0..n {
                    // SAFETY: (i, j) lies in C.
                    unsafe { *c.ptr.add(i * c.rs + j * c.cs) = 0.0 };
                }
            }
        }
        return;
    }
    let nr = tile.nr();
    let nc_max = (NC / nr) * nr;
    // With one or two row panels each B panel is used once or twice: reading B where it
    // lies (rows of `nr` contiguous floats) beats copying it first.
    let in_place = b.cs == 1 && m <= 2 * tile.mr;
    let (mut pa, mut pb) = PACKS.with(|p| p.take());
    let mut jc = 0;
    while jc < n {
        let nc = nc_max.min(n - jc);
        let mut pc = 0;
        while pc < k {
            let kc = KC.min(k - pc);
            // SAFETY: the block lies in B.
            let panels = unsafe {
                if in_place {
                    let at = b.at(pc, jc);
                    Panels {
                        ptr: at.ptr,
                        rs: at.rs,
                        step: nr,
                    }
                } else {
                    pack_b(b.at(pc, jc), kc, nc, nr, &mut pb);
                    Panels {
                        ptr: pb.as_ptr(),
                        rs: nr,
                        step: kc * nr,
                    }
                }
            };
            let load = accumulate || pc > 0;
            let mut ic = 0;
            while ic < m {
                let mc = MC.min(m - ic);
                // SAFETY: the block lies in A.
                unsafe { pack_a(a.at(ic, pc), mc, kc, tile.mr, &mut pa) };
                // SAFETY: the block of C lies in C; the packed A block covers mc × kc and
                // the B panels kc × nc.
                unsafe { block(tile, c.at(ic, jc), [mc, nc, kc], &pa, panels, load) };
                ic += mc;
            }
            pc += kc;
        }
        jc += nc;
    }
    PACKS.with(|p| p.set((pa, pb)));
}

/// One B panel for a kernel: rows `rs` apart.
#[derive(Clone, Copy)]
struct B {
    ptr: *const f32,
    rs: usize,
}

/// Where each row of a kernel's B panel starts: `rs` apart ([`B`]), or anywhere (the
/// direct convolution's rows, one per tap, at offsets into the input's phases).
pub(super) trait BRows: Copy {
    /// The start of row `p`.
    ///
    /// # Safety
    /// `p` must be a row of the panel.
    unsafe fn row(self, p: usize) -> *const f32;
}

impl BRows for B {
    unsafe fn row(self, p: usize) -> *const f32 {
        self.ptr.wrapping_add(p * self.rs)
    }
}

/// Where a block's B panels are: panel `j` (columns `j·nr..`) starts at `ptr + j·step`,
/// its rows `rs` apart (`nr` when packed, B's row stride when read in place).
#[derive(Clone, Copy)]
struct Panels {
    ptr: *const f32,
    rs: usize,
    step: usize,
}

/// C's `[mc × nc]` block += (or =, unless `load`) the packed A block times the packed B
/// block, one register tile at a time: each B panel (kept in L1) against every A panel.
///
/// # Safety
/// `c` must be valid for the block; `pa` and `pb` must hold the packed blocks.
unsafe fn block(
    tile: Tile,
    c: MatMut,
    [mc, nc, kc]: [usize; 3],
    pa: &[f32],
    pb: Panels,
    load: bool,
) {
    let (mr, nr) = (tile.mr, tile.nr());
    for (j, jr) in (0..nc).step_by(nr).enumerate() {
        let cols = nr.min(nc - jr);
        let panel_b = B {
            // SAFETY: panel j lies in the block's panels.
            ptr: unsafe { pb.ptr.add(j * pb.step) },
            rs: pb.rs,
        };
        for (ir, panel_a) in (0..mc).step_by(mr).zip(pa.chunks_exact(kc * mr)) {
            let rows = mr.min(mc - ir);
            // SAFETY: (ir, jr) lies in the block.
            let at = unsafe { c.at(ir, jr) };
            // C's tile itself when its rows are contiguous, else a scratch tile (mr × nr, rows
            // nr apart) added into C element by element.
            let mut scratch = [0f32; TILE_FLOATS];
            let direct = c.cs == 1;
            let (dst, dst_rs, dst_size, dst_load) = if direct {
                (at.ptr, c.rs, [rows, cols], load)
            } else {
                (scratch.as_mut_ptr(), nr, [mr, nr], false)
            };
            // SAFETY: `dst` is valid for dst_size with rows dst_rs apart (C's tile, rows ×
            // cols contiguous from `at`, or the scratch tile).
            unsafe {
                kernel(
                    tile, kc, panel_a, panel_b, cols, dst, dst_rs, dst_size, dst_load,
                )
            };
            if !direct {
                for i in 0..rows {
                    for j in 0..cols {
                        // SAFETY: (i, j) lies in C's tile.
                        unsafe {
                            let dst = at.ptr.add(i * at.rs + j * at.cs);
                            let value = scratch[i * nr + j];
                            *dst = if load { *dst + value } else { value };
                        }
                    }
                }
            }
        }
    }
}

/// Packs `b`'s `[kc × nc]` block into `nr`-column panels, each `[kc × nr]` row-major and
/// zero-padded past `nc`.
///
/// # Safety
/// `b` must be valid for the block.
unsafe fn pack_b(b: Mat, kc: usize, nc: usize, nr: usize, out: &mut Vec<f32>) {
    let panels = nc.div_ceil(nr);
    if out.len() < panels * kc * nr {
        out.resize(panels * kc * nr, 0.0);
    }
    for (panel, dst) in out.chunks_exact_mut(kc * nr).take(panels).enumerate() {
        let j0 = panel * nr;
        let width = nr.min(nc - j0);
        if b.cs == 1 {
            for (p, row) in dst.chunks_exact_mut(nr).enumerate() {
                // SAFETY: row p, columns j0..j0 + width lie in the block.
                let src = unsafe { std::slice::from_raw_parts(b.ptr.add(p * b.rs + j0), width) };
                row[..width].copy_from_slice(src);
                row[width..].fill(0.0);
            }
        } else {
            // Column by column, so a column-major B is read along its columns.
            for j in 0..width {
                // SAFETY: column j0 + j lies in the block.
                let col = unsafe { b.ptr.add((j0 + j) * b.cs) };
                for p in 0..kc {
                    // SAFETY: row p of that column lies in the block.
                    dst[p * nr + j] = unsafe { *col.add(p * b.rs) };
                }
            }
            if width < nr {
                for row in dst.chunks_exact_mut(nr) {
                    row[width..].fill(0.0);
                }
            }
        }
    }
}

/// The row-major `[m × k]` matrix `a` in `mr`-row panels, each `[k × mr]` and zero-padded
/// past `m`, as [`kernel`] reads A.
pub(super) fn pack_rows(a: &[f32], m: usize, k: usize, mr: usize) -> Vec<f32> {
    assert!(a.len() >= m * k, "A holds m × k values");
    let mut out = Vec::new();
    let a = Mat {
        ptr: a.as_ptr(),
        rs: k,
        cs: 1,
    };
    // SAFETY: `a` holds the m × k block (checked above).
    unsafe { pack_a(a, m, k, mr, &mut out) };
    out.truncate(m.div_ceil(mr) * mr * k);
    out
}

/// Packs `a`'s `[mc × kc]` block into `mr`-row panels, each `[kc × mr]` (column of the
/// panel after column) and zero-padded past `mc`: [`pack_b`] of `aᵀ`.
///
/// # Safety
/// `a` must be valid for the block.
unsafe fn pack_a(a: Mat, mc: usize, kc: usize, mr: usize, out: &mut Vec<f32>) {
    // SAFETY: the caller's contract; the same elements through swapped strides.
    unsafe { pack_b(a.t(), kc, mc, mr, out) };
}

/// The register tile of shape `tile` (see [`tile_kernel`]).
///
/// # Safety
/// As [`tile_kernel`].
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn kernel(
    tile: Tile,
    kc: usize,
    a: &[f32],
    b: impl BRows,
    b_cols: usize,
    c: *mut f32,
    c_rs: usize,
    rows_cols: [usize; 2],
    load: bool,
) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the caller's contract.
    unsafe {
        let args = (kc, a, b, b_cols, c, c_rs, rows_cols, load);
        match (tile.mr, tile.nv) {
            (12, 2) => tile_kernel::<12, 2>(args),
            (8, 3) => tile_kernel::<8, 3>(args),
            (6, 4) => tile_kernel::<6, 4>(args),
            (4, 6) => tile_kernel::<4, 6>(args),
            (24, 1) => tile_kernel::<24, 1>(args),
            _ => unreachable!("no kernel for {tile:?}"),
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (tile, kc, a, b, b_cols, c, c_rs, rows_cols, load);
        unreachable!("the AVX-512 product runs on x86-64 only")
    }
}

/// `c[rows × cols] = (load ? c : 0) + Σ_p a_p ⊗ b_p` over the `kc` columns of an A panel
/// (`[kc × MR]`) and rows of a B panel (`kc` rows of `16·NV` floats, `b.rs` apart, lanes
/// past `b.cols` read as zero), kept in `MR × NV` zmm registers; C's rows `c_rs` apart,
/// `rows ≤ MR`, `cols ≤ 16·NV` (a row's last vector stored through a lane mask).
///
/// # Safety
/// The A panel must hold `kc` steps, B `kc` rows of `b.cols` floats; `c` must be valid
/// for `rows × cols`; AVX-512F must be present.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn tile_kernel<const MR: usize, const NV: usize>(
    (kc, a, b, b_cols, c, c_rs, [rows, cols], load): (
        usize,
        &[f32],
        impl BRows,
        usize,
        *mut f32,
        usize,
        [usize; 2],
        bool,
    ),
) {
    use std::arch::x86_64::{
        __m512, _mm512_add_ps, _mm512_fmadd_ps, _mm512_loadu_ps, _mm512_mask_storeu_ps,
        _mm512_maskz_loadu_ps, _mm512_set1_ps, _mm512_setzero_ps, _mm512_storeu_ps,
    };
    let lane_mask = |cols: usize, v: usize| {
        let lanes = cols.saturating_sub(16 * v).min(16);
        ((1u32 << lanes) - 1) as u16
    };
    let mut b_masks = [0u16; NV];
    for (v, mask) in b_masks.iter_mut().enumerate() {
        *mask = lane_mask(b_cols, v);
    }
    let mut acc: [[__m512; NV]; MR] = [[_mm512_setzero_ps(); NV]; MR];
    for (p, ap) in a.chunks_exact(MR).take(kc).enumerate() {
        let mut bv = [_mm512_setzero_ps(); NV];
        for (v, (lanes, &mask)) in bv.iter_mut().zip(&b_masks).enumerate() {
            // SAFETY: the masked lanes of row p lie in B (masked-off lanes are not read).
            *lanes = unsafe { _mm512_maskz_loadu_ps(mask, b.row(p).add(16 * v)) };
        }
        for (row, &av) in acc.iter_mut().zip(ap) {
            let av = _mm512_set1_ps(av);
            for (r, &bv) in row.iter_mut().zip(&bv) {
                *r = _mm512_fmadd_ps(av, bv, *r);
            }
        }
    }
    for (i, row) in acc.iter().enumerate().take(rows) {
        for (v, &r) in row.iter().enumerate() {
            let lanes = cols.saturating_sub(16 * v).min(16);
            if lanes == 0 {
                break;
            }
            // SAFETY: lanes `..lanes` of vector v of row i lie in the tile of C.
            unsafe {
                let dst = c.add(i * c_rs + 16 * v);
                if lanes == 16 {
                    let r = if load {
                        _mm512_add_ps(r, _mm512_loadu_ps(dst))
                    } else {
                        r
                    };
                    _mm512_storeu_ps(dst, r);
                } else {
                    let mask = ((1u32 << lanes) - 1) as u16;
                    let r = if load {
                        _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask, dst))
                    } else {
                        r
                    };
                    _mm512_mask_storeu_ps(dst, mask, r);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::testing::values;

    /// `c = (accumulate ? c : 0) + a·b` in f64, the reference.
    #[allow(clippy::too_many_arguments)]
    fn reference(
        [m, n, k]: [usize; 3],
        c: &mut [f32],
        [c_rs, c_cs]: [usize; 2],
        accumulate: bool,
        a: &[f32],
        [a_rs, a_cs]: [usize; 2],
        b: &[f32],
        [b_rs, b_cs]: [usize; 2],
    ) {
        for i in 0..m {
            for j in 0..n {
                let sum: f64 = (0..k)
                    .map(|p| f64::from(a[i * a_rs + p * a_cs]) * f64::from(b[p * b_rs + j * b_cs]))
                    .sum();
                let dst = &mut c[i * c_rs + j * c_cs];
                *dst = if accumulate {
                    *dst + sum as f32
                } else {
                    sum as f32
                };
            }
        }
    }

    /// Checks one product against [`reference`] for each layout of A, B and C (row- and
    /// column-major), with and without accumulation, on one thread and split.
    fn check([m, n, k]: [usize; 3]) {
        let a = values(m * k, 1);
        let b = values(k * n, 2);
        for a_t in [false, true] {
            for b_t in [false, true] {
                for c_t in [false, true] {
                    for accumulate in [false, true] {
                        for par in [Parallelism::None, Parallelism::Rayon(3)] {
                            let a_s = if a_t { [1, m] } else { [k, 1] };
                            let b_s = if b_t { [1, k] } else { [n, 1] };
                            let c_s = if c_t { [1, m] } else { [n, 1] };
                            let start = values(m * n, 3);
                            let (mut ours, mut want) = (start.clone(), start);
                            // SAFETY: every buffer holds its matrix under its strides.
                            unsafe {
                                sgemm(
                                    [m, n, k],
                                    ours.as_mut_ptr(),
                                    c_s,
                                    accumulate,
                                    a.as_ptr(),
                                    a_s,
                                    b.as_ptr(),
                                    b_s,
                                    par,
                                )
                            };
                            reference([m, n, k], &mut want, c_s, accumulate, &a, a_s, &b, b_s);
                            let worst = ours
                                .iter()
                                .zip(&want)
                                .map(|(x, y)| (x - y).abs())
                                .fold(0f32, f32::max);
                            assert!(
                                worst <= 1e-5 * (k as f32).sqrt().max(1.0) * 4.0,
                                "{m}×{n}×{k} a_t {a_t} b_t {b_t} c_t {c_t} acc {accumulate} \
                                 {par:?}: off by {worst}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn products_match_the_reference_on_edge_and_block_sizes() {
        if !avx512() {
            eprintln!("no AVX-512F on this CPU: checking the gemm crate's path only");
        }
        for shape in [
            [1, 1, 1],
            [12, 32, 1],
            [13, 33, 7],
            [5, 70, 300],
            [150, 40, 260],
            [30, 4100, 3],
            [64, 96, 513],
            [200, 200, 64],
        ] {
            check(shape);
        }
    }

    #[test]
    fn every_tile_shape_matches_the_reference() {
        if !avx512() {
            eprintln!("no AVX-512F on this CPU: the tile kernels cannot run here");
            return;
        }
        for tile in Tile::SHAPES {
            // Two full tiles and a ragged one each way; a reduction over two packed slices.
            let [m, n, k] = [2 * tile.mr + 1, 2 * tile.nr() + 5, KC + 3];
            let (a, b) = (values(m * k, 6), values(k * n, 7));
            for (c_s, accumulate) in [([n, 1], false), ([n, 1], true), ([1, m], true)] {
                let start = values(m * n, 8);
                let (mut ours, mut want) = (start.clone(), start);
                let c = MatMut {
                    ptr: ours.as_mut_ptr(),
                    rs: c_s[0],
                    cs: c_s[1],
                };
                let (am, bm) = (
                    Mat {
                        ptr: a.as_ptr(),
                        rs: k,
                        cs: 1,
                    },
                    Mat {
                        ptr: b.as_ptr(),
                        rs: n,
                        cs: 1,
                    },
                );
                // SAFETY: every buffer holds its matrix under its strides; AVX-512F is here.
                unsafe { packed(tile, [m, n, k], c, accumulate, am, bm) };
                reference(
                    [m, n, k],
                    &mut want,
                    c_s,
                    accumulate,
                    &a,
                    [k, 1],
                    &b,
                    [n, 1],
                );
                let worst = ours
                    .iter()
                    .zip(&want)
                    .map(|(x, y)| (x - y).abs())
                    .fold(0f32, f32::max);
                assert!(worst <= 1e-3, "{tile:?} C strides {c_s:?}: off by {worst}");
            }
        }
    }

    #[test]
    fn tiles_fit_the_product() {
        let shape = |m, n, k| Tile::for_product(m, n, k).map(|(t, tr)| ((t.mr, t.nv), tr));
        assert_eq!(shape(6, 784, 75), Some(((6, 4), false)));
        assert_eq!(shape(16, 4096, 150), Some(((8, 3), false)));
        assert_eq!(shape(48, 4096, 64), Some(((12, 2), false)));
        // Few rows, many columns: Cᵀ.
        assert_eq!(shape(4000, 6, 500), Some(((6, 4), true)));
        // A 3 × 3 feature map pads 9 columns to 16: the gemm crate's.
        assert_eq!(shape(320, 9, 960), None);
        for tile in Tile::SHAPES {
            assert_eq!(tile.mr * tile.nr(), TILE_FLOATS);
            assert_eq!(MC % tile.mr, 0);
        }
    }

    #[test]
    fn an_empty_reduction_gives_zero_or_keeps_c() {
        let mut c = vec![5f32; 6];
        let (a, b) = ([0f32; 0], [0f32; 0]);
        // SAFETY: k = 0 reads nothing of A and B; C is 2 × 3 row-major.
        unsafe {
            sgemm(
                [2, 3, 0],
                c.as_mut_ptr(),
                [3, 1],
                true,
                a.as_ptr(),
                [0, 1],
                b.as_ptr(),
                [3, 1],
                Parallelism::None,
            )
        };
        assert_eq!(c, vec![5.0; 6]);
        // SAFETY: as above.
        unsafe {
            sgemm(
                [2, 3, 0],
                c.as_mut_ptr(),
                [3, 1],
                false,
                a.as_ptr(),
                [0, 1],
                b.as_ptr(),
                [3, 1],
                Parallelism::None,
            )
        };
        assert_eq!(c, vec![0.0; 6]);
    }

    #[test]
    fn split_products_are_bitwise_the_same_as_one_thread() {
        let [m, n, k] = [100, 700, 300];
        let (a, b) = (values(m * k, 4), values(k * n, 5));
        let run = |par| {
            let mut c = vec![0f32; m * n];
            // SAFETY: row-major buffers of the right sizes.
            unsafe {
                sgemm(
                    [m, n, k],
                    c.as_mut_ptr(),
                    [n, 1],
                    false,
                    a.as_ptr(),
                    [k, 1],
                    b.as_ptr(),
                    [n, 1],
                    par,
                )
            };
            c
        };
        assert!(run(Parallelism::None) == run(Parallelism::Rayon(4)));
    }
}
