//! Sums of shifted copies of one flat buffer, the inner loops of the depthwise convolution
//! (see [`super::depthwise`]): with a plane laid out flat, every tap of a small filter is the
//! same buffer read at a fixed offset, so a whole plane's output is one long vector loop.
//!
//! - [`shifted_sum`]: `out[i] = init + Σ_t w_t · src[off_t + i]` (forward, input gradient);
//! - [`shifted_dots`]: `sums[t] += Σ_i a[i] · src[off_t + i]` (weight gradient).
//!
//! On CPUs with AVX-512F (and unless `VISIONLAB_SGEMM=gemm`, see [`super::sgemm::avx512`])
//! explicit 16-lane FMAs with masked tails: the sum keeps four vectors of outputs in
//! registers across all taps (one store per output, not one per tap), the dots one
//! accumulator per tap (at most eight taps per pass over `a`). Elsewhere plain loops.

use super::sgemm::avx512;

/// `out[i] = init + Σ_t w_t · src[off_t + i]` for every `i < out.len()`, `taps` as
/// `(w_t, off_t)`.
///
/// # Panics
/// When some `off_t + out.len()` exceeds `src.len()` (a caller's bug).
pub(super) fn shifted_sum(out: &mut [f32], init: f32, src: &[f32], taps: &[(f32, usize)]) {
    let reach = taps.iter().map(|&(_, off)| off).max().unwrap_or(0) + out.len();
    assert!(reach <= src.len(), "shifted read past the source");
    #[cfg(target_arch = "x86_64")]
    if avx512() {
        // SAFETY: the CPU has AVX-512F, and every read lies inside `src` (checked above).
        unsafe { x86::shifted_sum(out, init, src, taps) };
        return;
    }
    shifted_sum_plain(out, init, src, taps);
}

/// [`shifted_sum`] in plain loops.
fn shifted_sum_plain(out: &mut [f32], init: f32, src: &[f32], taps: &[(f32, usize)]) {
    out.fill(init);
    for &(w, off) in taps {
        for (o, s) in out.iter_mut().zip(&src[off..]) {
            *o += w * s;
        }
    }
}

/// `sums[t] += Σ_i a[i] · src[off_t + i]` for every tap `t`.
///
/// # Panics
/// When `sums` and `offsets` differ in length or some `off_t + a.len()` exceeds `src.len()`.
pub(super) fn shifted_dots(a: &[f32], src: &[f32], offsets: &[usize], sums: &mut [f32]) {
    assert_eq!(offsets.len(), sums.len(), "one sum per offset");
    let reach = offsets.iter().copied().max().unwrap_or(0) + a.len();
    assert!(reach <= src.len(), "shifted read past the source");
    #[cfg(target_arch = "x86_64")]
    if avx512() {
        // SAFETY: the CPU has AVX-512F, and every read lies inside `src` (checked above).
        unsafe { x86::shifted_dots(a, src, offsets, sums) };
        return;
    }
    shifted_dots_plain(a, src, offsets, sums);
}

/// [`shifted_dots`] in plain loops (eight lanes per sum, so the compiler can vectorise).
fn shifted_dots_plain(a: &[f32], src: &[f32], offsets: &[usize], sums: &mut [f32]) {
    const LANES: usize = 8;
    for (sum, &off) in sums.iter_mut().zip(offsets) {
        let b = &src[off..][..a.len()];
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
        *sum += lanes.iter().sum::<f32>() + tail;
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// Lanes of one vector.
    const L: usize = 16;

    /// The lanes of the vector at `i` that lie before `n`.
    fn mask(i: usize, n: usize) -> __mmask16 {
        let rem = n - i;
        if rem >= L { 0xFFFF } else { (1u16 << rem) - 1 }
    }

    /// [`super::shifted_sum`] with 16-lane FMAs, four vectors of outputs at a time.
    ///
    /// # Safety
    /// The CPU has AVX-512F; `off_t + out.len() ≤ src.len()` for every tap.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn shifted_sum(
        out: &mut [f32],
        init: f32,
        src: &[f32],
        taps: &[(f32, usize)],
    ) {
        let n = out.len();
        let (o, s) = (out.as_mut_ptr(), src.as_ptr());
        let start = _mm512_set1_ps(init);
        let mut i = 0;
        // SAFETY: all loads and stores are at indices below `n` of `out`, and at `off_t + i`
        // below `off_t + n ≤ src.len()` of `src`; masked lanes are not touched.
        unsafe {
            while i + 4 * L <= n {
                let [mut a0, mut a1, mut a2, mut a3] = [start; 4];
                for &(w, off) in taps {
                    let (w, p) = (_mm512_set1_ps(w), s.add(off + i));
                    a0 = _mm512_fmadd_ps(w, _mm512_loadu_ps(p), a0);
                    a1 = _mm512_fmadd_ps(w, _mm512_loadu_ps(p.add(L)), a1);
                    a2 = _mm512_fmadd_ps(w, _mm512_loadu_ps(p.add(2 * L)), a2);
                    a3 = _mm512_fmadd_ps(w, _mm512_loadu_ps(p.add(3 * L)), a3);
                }
                _mm512_storeu_ps(o.add(i), a0);
                _mm512_storeu_ps(o.add(i + L), a1);
                _mm512_storeu_ps(o.add(i + 2 * L), a2);
                _mm512_storeu_ps(o.add(i + 3 * L), a3);
                i += 4 * L;
            }
            while i < n {
                let m = mask(i, n);
                let mut a = start;
                for &(w, off) in taps {
                    let v = _mm512_maskz_loadu_ps(m, s.add(off + i));
                    a = _mm512_fmadd_ps(_mm512_set1_ps(w), v, a);
                }
                _mm512_mask_storeu_ps(o.add(i), m, a);
                i += L;
            }
        }
    }

    /// [`super::shifted_dots`]: the taps in groups of at most eight, one pass over `a` per
    /// group with one accumulator per tap.
    ///
    /// # Safety
    /// The CPU has AVX-512F; `off_t + a.len() ≤ src.len()` for every tap; `sums` and
    /// `offsets` are equally long.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn shifted_dots(a: &[f32], src: &[f32], offsets: &[usize], sums: &mut [f32]) {
        let groups = offsets.len().div_ceil(8);
        let mut start = 0;
        for g in 0..groups {
            // Balanced groups: 9 taps are 5 + 4, not 8 + 1.
            let end = offsets.len() * (g + 1) / groups;
            let (offs, out) = (&offsets[start..end], &mut sums[start..end]);
            // SAFETY: the caller's contract, for this group's taps.
            unsafe {
                match offs.len() {
                    1 => group::<1>(a, src, offs, out),
                    2 => group::<2>(a, src, offs, out),
                    3 => group::<3>(a, src, offs, out),
                    4 => group::<4>(a, src, offs, out),
                    5 => group::<5>(a, src, offs, out),
                    6 => group::<6>(a, src, offs, out),
                    7 => group::<7>(a, src, offs, out),
                    _ => group::<8>(a, src, offs, out),
                }
            }
            start = end;
        }
    }

    /// `N` dot products of `a` with shifted `src`, added into `sums`.
    ///
    /// # Safety
    /// As [`shifted_dots`]; `offs` and `sums` hold `N` values.
    #[target_feature(enable = "avx512f")]
    unsafe fn group<const N: usize>(a: &[f32], src: &[f32], offs: &[usize], sums: &mut [f32]) {
        let mut acc = [_mm512_setzero_ps(); N];
        let n = a.len();
        let (pa, ps) = (a.as_ptr(), src.as_ptr());
        let mut i = 0;
        // SAFETY: indices below `n` of `a`, and `off_t + i < off_t + n ≤ src.len()`; masked
        // lanes are not read.
        unsafe {
            while i < n {
                let m = mask(i, n);
                let x = _mm512_maskz_loadu_ps(m, pa.add(i));
                for (acc, &off) in acc.iter_mut().zip(offs) {
                    let y = _mm512_maskz_loadu_ps(m, ps.add(off + i));
                    *acc = _mm512_fmadd_ps(x, y, *acc);
                }
                i += L;
            }
        }
        for (sum, acc) in sums.iter_mut().zip(acc) {
            *sum += _mm512_reduce_add_ps(acc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values in about [−1, 1).
    fn values(n: usize, seed: u32) -> Vec<f32> {
        (0..n)
            .map(|i| {
                let h = (i as u32 ^ seed)
                    .wrapping_mul(2_654_435_761)
                    .rotate_left(13);
                (h % 2000) as f32 / 1000.0 - 1.0
            })
            .collect()
    }

    #[test]
    fn sum_and_dots_match_f64_on_ragged_lengths() {
        for n in [0, 1, 7, 16, 17, 63, 64, 65, 130, 1000] {
            let src = values(n + 40, 7);
            let taps: Vec<(f32, usize)> = [(0.5, 0), (-1.25, 3), (2.0, 17), (0.75, 40)].into();
            let mut out = vec![f32::NAN; n];
            shifted_sum(&mut out, 0.25, &src, &taps);
            for (i, &o) in out.iter().enumerate() {
                let want: f64 = 0.25
                    + taps
                        .iter()
                        .map(|&(w, off)| w as f64 * src[off + i] as f64)
                        .sum::<f64>();
                assert!((o as f64 - want).abs() < 1e-5, "sum n={n} i={i}");
            }
            let a = values(n, 3);
            for taps in 1..=11 {
                let offsets: Vec<usize> = (0..taps).map(|t| t * 4).collect();
                let mut sums = vec![1.0; taps];
                shifted_dots(&a, &src, &offsets, &mut sums);
                for (t, &s) in sums.iter().enumerate() {
                    let want: f64 = 1.0
                        + (0..n)
                            .map(|i| a[i] as f64 * src[offsets[t] + i] as f64)
                            .sum::<f64>();
                    assert!(
                        (s as f64 - want).abs() < 1e-3,
                        "dots n={n} taps={taps} t={t}"
                    );
                }
            }
        }
    }

    /// Both implementations agree (on a CPU without AVX-512 this compares the plain loops
    /// with themselves; the f64 test above still checks them).
    #[test]
    fn plain_loops_agree_with_the_dispatched_kernel() {
        let (n, src) = (333, values(400, 11));
        let taps: Vec<(f32, usize)> = (0..9).map(|t| (t as f32 * 0.3 - 1.0, t * 7)).collect();
        let (mut fast, mut plain) = (vec![0.0; n], vec![0.0; n]);
        shifted_sum(&mut fast, -0.5, &src, &taps);
        shifted_sum_plain(&mut plain, -0.5, &src, &taps);
        for (f, p) in fast.iter().zip(&plain) {
            assert!((f - p).abs() < 1e-5);
        }
        let offsets: Vec<usize> = taps.iter().map(|&(_, off)| off).collect();
        let (mut fast, mut plain) = (vec![0.0; 9], vec![0.0; 9]);
        shifted_dots(&src[..n], &src, &offsets, &mut fast);
        shifted_dots_plain(&src[..n], &src, &offsets, &mut plain);
        for (f, p) in fast.iter().zip(&plain) {
            assert!((f - p).abs() < 1e-3);
        }
    }

    #[test]
    #[should_panic(expected = "past the source")]
    fn reading_past_the_source_is_refused() {
        let mut out = vec![0.0; 10];
        shifted_sum(&mut out, 0.0, &[0.0; 12], &[(1.0, 3)]);
    }
}
