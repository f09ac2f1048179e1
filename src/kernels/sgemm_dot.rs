//! `C = (accumulate ? C : 0) + A·Bᵀ` where the rows of A (`[m × k]`) and of B (`[n × k]`)
//! both run along the reduction: a convolution's weight gradient `dW = dY · col(X)ᵀ`, with
//! `dY` `[Co × T]` and `col(X)` `[K × T]` both laid out pixel after pixel.
//!
//! Every element of C is then a dot product of two contiguous rows, so nothing is packed
//! or transposed: a 4 × 4 tile of C keeps 16 zmm accumulators, each step loads 16 floats
//! of 4 rows of A and 4 rows of B and does 16 FMAs, and the 16 lanes are added up once per
//! `KB`-long stretch of the reduction. (The outer-product kernel in `sgemm.rs` would
//! first have to transpose `col(X)` into panels, which cost as much as the product for the
//! few output channels of small networks.) AVX-512F only: the caller checks.

use super::strips;

/// Rows of A per tile.
const MR: usize = 4;
/// Rows of B per tile.
const NR: usize = 4;
/// Length of one stretch of the reduction: 4 rows of B (32 KB) stay in L1 while the rows
/// of A stream past from L2.
const KB: usize = 2048;

/// The shortest reduction worth it: four vectors.
pub(super) const MIN_K: usize = 64;

/// The matrices of one product, shared by the threads of a split one.
#[derive(Clone, Copy)]
struct Operands {
    a: *const f32,
    a_rs: usize,
    b: *const f32,
    b_rs: usize,
    c: *mut f32,
    c_rs: usize,
    c_cs: usize,
}

// SAFETY: the strips of a split product read A and B and write disjoint parts of C.
unsafe impl Send for Operands {}
// SAFETY: as above.
unsafe impl Sync for Operands {}

/// `c[m×n] = (accumulate ? c : 0) + a[m×k] · b[n×k]ᵀ`; rows of A `a_rs` apart, of B `b_rs`
/// apart, both contiguous along k; on `threads` threads (strips of C's columns or rows).
///
/// # Safety
/// The matrices must be valid for every element the sizes and strides address, `c` must
/// not overlap `a` or `b`, and the CPU must have AVX-512F.
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn product(
    [m, n, k]: [usize; 3],
    c: *mut f32,
    [c_rs, c_cs]: [usize; 2],
    accumulate: bool,
    a: *const f32,
    a_rs: usize,
    b: *const f32,
    b_rs: usize,
    threads: usize,
) {
    let ops = Operands {
        a,
        a_rs,
        b,
        b_rs,
        c,
        c_rs,
        c_cs,
    };
    strips::for_each([m, n, k], threads, [MR, NR], |rows, cols| {
        // SAFETY: the caller's contract; the strips are disjoint parts of C, whose rows are
        // rows of A and whose columns are rows of B.
        unsafe {
            sequential(
                [rows.len(), cols.len(), k],
                ops.part(rows.start, cols.start),
                accumulate,
            )
        }
    });
}

/// `c[m×n] = (accumulate ? c : 0) + a[m×k] · bᵀ` on this thread, where row `j` of B (`k`
/// floats, contiguous) starts at `b_rows[j]`: the direct convolution's weight gradient, whose
/// B rows are the input's phases at each tap's offset.
///
/// # Safety
/// Rows of A (`a_rs` apart) and every `b_rows[j]` must hold `k` floats, `b_rows` has `n`
/// entries, `c` (strides `c_rs`, `c_cs`) is valid for `m × n` and overlaps neither; the CPU
/// must have AVX-512F.
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn product_rows(
    [m, k]: [usize; 2],
    c: *mut f32,
    [c_rs, c_cs]: [usize; 2],
    accumulate: bool,
    a: *const f32,
    a_rs: usize,
    b_rows: &[*const f32],
) {
    let n = b_rows.len();
    if m == 0 || n == 0 {
        return;
    }
    let mut kb = 0;
    while kb < k.max(1) {
        let len = KB.min(k - kb);
        let load = accumulate || kb > 0;
        for j in (0..n).step_by(NR) {
            let cols = NR.min(n - j);
            let bp: [*const f32; NR] =
                std::array::from_fn(|s| b_rows[j + s.min(cols - 1)].wrapping_add(kb));
            for i in (0..m).step_by(MR) {
                let rows = MR.min(m - i);
                let ap: [*const f32; MR] =
                    std::array::from_fn(|r| a.wrapping_add((i + r.min(rows - 1)) * a_rs + kb));
                // SAFETY: the caller's contract for the rows and C's tile at (i, j).
                unsafe {
                    tile(
                        ap,
                        rows,
                        bp,
                        cols,
                        len,
                        c.wrapping_add(i * c_rs + j * c_cs),
                        [c_rs, c_cs],
                        load,
                    )
                };
            }
        }
        kb += len.max(1);
    }
}

impl Operands {
    /// The product for C's part from `(i, j)`: rows i.. of A, rows j.. of B.
    ///
    /// # Safety
    /// `(i, j)` must lie inside C.
    unsafe fn part(self, i: usize, j: usize) -> Self {
        // SAFETY: the caller's contract.
        unsafe {
            Self {
                a: self.a.add(i * self.a_rs),
                b: self.b.add(j * self.b_rs),
                c: self.c.add(i * self.c_rs + j * self.c_cs),
                ..self
            }
        }
    }
}

/// The product on one thread: for each stretch of the reduction, for each 4-row group of
/// B (kept in L1), every 4-row group of A.
///
/// # Safety
/// As [`product`].
unsafe fn sequential([m, n, k]: [usize; 3], ops: Operands, accumulate: bool) {
    let rows: Vec<*const f32> = (0..n).map(|j| ops.b.wrapping_add(j * ops.b_rs)).collect();
    // SAFETY: the caller's contract: B's rows are `b_rs` apart.
    unsafe {
        product_rows(
            [m, k],
            ops.c,
            [ops.c_rs, ops.c_cs],
            accumulate,
            ops.a,
            ops.a_rs,
            &rows,
        )
    }
}

/// One `rows × cols` (at most 4 × 4) tile of C over `len` steps of the reduction: 16
/// accumulators, the last partial vector read through a lane mask; rows `ap` of A and `bp`
/// of B (those past `rows`/`cols` are read but not stored).
///
/// # Safety
/// Every row in `ap` and `bp` must hold `len` floats; C must be valid for the tile;
/// AVX-512F must be present.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn tile(
    ap: [*const f32; MR],
    rows: usize,
    bp: [*const f32; NR],
    cols: usize,
    len: usize,
    c: *mut f32,
    [c_rs, c_cs]: [usize; 2],
    load: bool,
) {
    use std::arch::x86_64::{
        __m512, _mm512_fmadd_ps, _mm512_loadu_ps, _mm512_maskz_loadu_ps, _mm512_reduce_add_ps,
        _mm512_setzero_ps,
    };
    let mut acc: [[__m512; NR]; MR] = [[_mm512_setzero_ps(); NR]; MR];
    let mut p = 0;
    while p + 16 <= len {
        // SAFETY: floats p..p + 16 of each row lie inside it.
        let (av, bv): ([__m512; MR], [__m512; NR]) = unsafe {
            (
                std::array::from_fn(|r| _mm512_loadu_ps(ap[r].add(p))),
                std::array::from_fn(|s| _mm512_loadu_ps(bp[s].add(p))),
            )
        };
        for (row, a) in acc.iter_mut().zip(av) {
            for (sum, b) in row.iter_mut().zip(bv) {
                *sum = _mm512_fmadd_ps(a, b, *sum);
            }
        }
        p += 16;
    }
    if p < len {
        let mask = ((1u32 << (len - p)) - 1) as u16;
        // SAFETY: the masked lanes p..len of each row lie inside it.
        let (av, bv): ([__m512; MR], [__m512; NR]) = unsafe {
            (
                std::array::from_fn(|r| _mm512_maskz_loadu_ps(mask, ap[r].add(p))),
                std::array::from_fn(|s| _mm512_maskz_loadu_ps(mask, bp[s].add(p))),
            )
        };
        for (row, a) in acc.iter_mut().zip(av) {
            for (sum, b) in row.iter_mut().zip(bv) {
                *sum = _mm512_fmadd_ps(a, b, *sum);
            }
        }
    }
    for (r, row) in acc.iter().enumerate().take(rows) {
        for (s, &sum) in row.iter().enumerate().take(cols) {
            let value = _mm512_reduce_add_ps(sum);
            // SAFETY: (r, s) lies in C's tile.
            unsafe {
                let dst = c.add(r * c_rs + s * c_cs);
                *dst = if load { *dst + value } else { value };
            }
        }
    }
}

/// Never called: the caller checks for AVX-512F.
#[cfg(not(target_arch = "x86_64"))]
#[allow(clippy::too_many_arguments)]
unsafe fn tile(
    _: [*const f32; MR],
    _: usize,
    _: [*const f32; NR],
    _: usize,
    _: usize,
    _: *mut f32,
    _: [usize; 2],
    _: bool,
) {
    unreachable!("the dot-product kernel runs on x86-64 only")
}

/// The kernel is x86-64 only.
#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;
    use crate::kernels::testing::values;

    #[test]
    fn dot_products_match_the_reference() {
        if !std::arch::is_x86_feature_detected!("avx512f") {
            eprintln!("no AVX-512F on this CPU: the dot-product kernel cannot run here");
            return;
        }
        // Ragged tiles, a masked tail, two stretches of the reduction, and a split.
        for [m, n, k] in [
            [1, 1, 64],
            [5, 7, 100],
            [8, 8, 2048 + 37],
            [16, 75, 784],
            [64, 150, 300],
        ] {
            let (a, b) = (values(m * k, 1), values(n * k, 2));
            for (accumulate, threads) in [(false, 1), (true, 1), (true, 3)] {
                let start = values(m * n, 3);
                let mut ours = start.clone();
                // SAFETY: row-major buffers of the right sizes.
                unsafe {
                    product(
                        [m, n, k],
                        ours.as_mut_ptr(),
                        [n, 1],
                        accumulate,
                        a.as_ptr(),
                        k,
                        b.as_ptr(),
                        k,
                        threads,
                    )
                };
                for i in 0..m {
                    for j in 0..n {
                        let dot: f64 = (0..k)
                            .map(|p| f64::from(a[i * k + p]) * f64::from(b[j * k + p]))
                            .sum();
                        let want = if accumulate {
                            start[i * n + j] as f64 + dot
                        } else {
                            dot
                        };
                        let got = ours[i * n + j] as f64;
                        assert!(
                            (got - want).abs() < 1e-4 * (k as f64).sqrt(),
                            "{m}×{n}×{k} acc {accumulate} threads {threads} at ({i}, {j}): \
                             {got} vs {want}"
                        );
                    }
                }
            }
        }
    }
}
