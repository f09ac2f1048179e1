//! Cutting the output of a matrix product into strips, one per thread: every element of C
//! is then summed by one thread, in the same order whatever the thread count, so results
//! do not depend on it.

use std::ops::Range;

use rayon::prelude::*;

/// Products smaller than this many multiply-adds run on one thread.
const PARALLEL_WORK: usize = 1 << 20;

/// Calls `f(rows, cols)` for parts of an `m × n` output that together cover it once: one
/// call for the whole when `threads` is 1 or the `m × n × k` product is small, else one
/// strip of columns per thread (widths a multiple of `multiple[1]`) when there are enough
/// columns, else one strip of rows per thread (heights a multiple of `multiple[0]`).
pub(super) fn for_each(
    [m, n, k]: [usize; 3],
    threads: usize,
    multiple: [usize; 2],
    f: impl Fn(Range<usize>, Range<usize>) + Sync,
) {
    if threads > 1 && m * n * k >= PARALLEL_WORK {
        if n >= 2 * threads * multiple[1] {
            let strip = n.div_ceil(threads).next_multiple_of(multiple[1]);
            (0..n.div_ceil(strip)).into_par_iter().for_each(|s| {
                let j = s * strip;
                f(0..m, j..(j + strip).min(n));
            });
            return;
        }
        if m >= 2 * threads * multiple[0] {
            let strip = m.div_ceil(threads).next_multiple_of(multiple[0]);
            (0..m.div_ceil(strip)).into_par_iter().for_each(|s| {
                let i = s * strip;
                f(i..(i + strip).min(m), 0..n);
            });
            return;
        }
    }
    f(0..m, 0..n);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// The parts `for_each` hands out, sorted.
    fn parts(mnk: [usize; 3], threads: usize) -> Vec<(Range<usize>, Range<usize>)> {
        let seen = Mutex::new(Vec::new());
        for_each(mnk, threads, [4, 16], |r, c| {
            seen.lock().expect("not poisoned").push((r, c))
        });
        let mut seen = seen.into_inner().expect("not poisoned");
        seen.sort_by_key(|(r, c)| (r.start, c.start));
        seen
    }

    #[test]
    fn strips_cover_the_output_once() {
        assert_eq!(parts([100, 700, 300], 1), vec![(0..100, 0..700)]);
        assert_eq!(parts([2, 2, 2], 4), vec![(0..2, 0..2)]);
        // Columns: widths a multiple of 16, the last one ragged.
        assert_eq!(
            parts([100, 700, 300], 3),
            vec![(0..100, 0..240), (0..100, 240..480), (0..100, 480..700)]
        );
        // Too few columns: rows, heights a multiple of 4.
        assert_eq!(
            parts([1000, 40, 300], 2),
            vec![(0..500, 0..40), (500..1000, 0..40)]
        );
    }
}
