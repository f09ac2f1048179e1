//! Long f32 sums that stay accurate over millions of values and still vectorise: partial sums
//! in eight f32 lanes, each block of 1024 values totalled in f64.

/// Lanes and block length of the sums.
const LANES: usize = 8;
const BLOCK: usize = 1024;

/// Σ term(x): partial sums in f32 lanes (which vectorise), each block's total in f64.
pub fn lane_sum(x: &[f32], term: impl Fn(f32) -> f32) -> f64 {
    x.chunks(BLOCK)
        .map(|block| {
            let mut lanes = [0f32; LANES];
            let mut chunks = block.chunks_exact(LANES);
            for chunk in &mut chunks {
                for (lane, &v) in lanes.iter_mut().zip(chunk) {
                    *lane += term(v);
                }
            }
            let tail: f32 = chunks.remainder().iter().map(|&v| term(v)).sum();
            f64::from(lanes.iter().sum::<f32>() + tail)
        })
        .sum()
}

/// Σ term(a, b) over two equally long slices, as [`lane_sum`].
pub fn lane_dot(a: &[f32], b: &[f32], term: impl Fn(f32, f32) -> f32) -> f64 {
    a.chunks(BLOCK)
        .zip(b.chunks(BLOCK))
        .map(|(a, b)| {
            let mut lanes = [0f32; LANES];
            let (mut ca, mut cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
            for (x, y) in (&mut ca).zip(&mut cb) {
                for ((lane, &x), &y) in lanes.iter_mut().zip(x).zip(y) {
                    *lane += term(x, y);
                }
            }
            let tail: f32 = ca
                .remainder()
                .iter()
                .zip(cb.remainder())
                .map(|(&x, &y)| term(x, y))
                .sum();
            f64::from(lanes.iter().sum::<f32>() + tail)
        })
        .sum()
}
