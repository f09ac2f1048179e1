//! Principal component analysis by power iteration: the 2-D map of the embeddings at once,
//! without forming the covariance matrix (each iteration is two passes over the data,
//! `v ← Xᵀ(X v)`, so 10 000 vectors of 1280 values cost about 25 M multiply-adds a pass).

/// Most power iterations per component.
const MAX_ITERATIONS: usize = 300;

/// Convergence: `1 − |cos|` between two iterates below this.
const TOLERANCE: f64 = 1e-10;

/// Points projected onto the first two principal components.
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    /// One `[x, y]` per input vector.
    pub points: Vec<[f32; 2]>,
    /// The unit directions of the two axes (length `dim` each; zero when the data has no
    /// spread in that direction).
    pub axes: [Vec<f32>; 2],
    /// Fraction of the total variance along each axis, 0..=1.
    pub variance: [f32; 2],
}

/// Projects `n` vectors of length `dim` (`values.len() == n·dim`) onto their first two
/// principal components, after centring. Each axis points so that its largest component is
/// positive, so the map does not flip between runs.
pub fn project_2d(values: &[f32], dim: usize) -> Projection {
    let n = values.len().checked_div(dim).unwrap_or(0);
    let empty = Projection {
        points: vec![[0.0; 2]; n],
        axes: [vec![0.0; dim], vec![0.0; dim]],
        variance: [0.0; 2],
    };
    if n < 2 {
        return empty;
    }
    let rows = || values.chunks_exact(dim);
    let mut mean = vec![0f64; dim];
    for row in rows() {
        for (m, &v) in mean.iter_mut().zip(row) {
            *m += f64::from(v);
        }
    }
    mean.iter_mut().for_each(|m| *m /= n as f64);
    let centred: Vec<f64> = rows()
        .flat_map(|row| row.iter().zip(&mean).map(|(&v, m)| f64::from(v) - m))
        .collect();
    let total: f64 = centred.iter().map(|v| v * v).sum::<f64>() / n as f64;
    if total <= 0.0 {
        return empty;
    }
    let first = component(&centred, dim, &[]);
    let second = component(&centred, dim, std::slice::from_ref(&first.0));
    let points = centred
        .chunks_exact(dim)
        .map(|row| [dot(row, &first.0) as f32, dot(row, &second.0) as f32])
        .collect();
    Projection {
        points,
        axes: [
            first.0.iter().map(|&v| v as f32).collect(),
            second.0.iter().map(|&v| v as f32).collect(),
        ],
        variance: [(first.1 / total) as f32, (second.1 / total) as f32],
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Removes from `v` its parts along the unit vectors `against`.
fn orthogonalize(v: &mut [f64], against: &[Vec<f64>]) {
    for u in against {
        let d = dot(v, u);
        v.iter_mut().zip(u).for_each(|(x, y)| *x -= d * y);
    }
}

/// Scales `v` to unit length; false when it is (numerically) zero.
fn normalize(v: &mut [f64]) -> bool {
    let norm = dot(v, v).sqrt();
    if norm < 1e-12 {
        return false;
    }
    v.iter_mut().for_each(|x| *x /= norm);
    true
}

/// The leading eigenvector of the covariance of the centred rows, orthogonal to `found`,
/// and its eigenvalue (the variance along it). A zero vector when nothing is left.
fn component(centred: &[f64], dim: usize, found: &[Vec<f64>]) -> (Vec<f64>, f64) {
    let n = centred.len() / dim;
    // A fixed, uneven start: the same map every run, and not orthogonal to any axis a
    // dataset is likely to have.
    let mut v: Vec<f64> = (0..dim)
        .map(|j| 1.0 + ((j * 7919) % 113) as f64 / 113.0)
        .collect();
    orthogonalize(&mut v, found);
    if !normalize(&mut v) {
        return (vec![0.0; dim], 0.0);
    }
    let mut eigenvalue = 0.0;
    for _ in 0..MAX_ITERATIONS {
        let mut w = vec![0f64; dim];
        for row in centred.chunks_exact(dim) {
            let s = dot(row, &v);
            w.iter_mut().zip(row).for_each(|(acc, x)| *acc += s * x);
        }
        orthogonalize(&mut w, found);
        eigenvalue = dot(&w, &w).sqrt() / n as f64;
        if !normalize(&mut w) {
            return (vec![0.0; dim], 0.0);
        }
        let converged = 1.0 - dot(&w, &v).abs() < TOLERANCE;
        v = w;
        if converged {
            break;
        }
    }
    // Sign: the largest component positive.
    let largest = v
        .iter()
        .copied()
        .max_by(|a, b| a.abs().total_cmp(&b.abs()))
        .unwrap_or(0.0);
    if largest < 0.0 {
        v.iter_mut().for_each(|x| *x = -*x);
    }
    (v, eigenvalue)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points spread with standard deviations 10, 3 and 0.5 along three known orthogonal
    /// directions of 3-D space (a deterministic pseudo-random cloud).
    fn cloud() -> (Vec<f32>, [[f64; 3]; 3]) {
        let s = std::f64::consts::FRAC_1_SQRT_2;
        let dirs = [[s, s, 0.0], [s, -s, 0.0], [0.0, 0.0, 1.0]];
        let spread = [10.0, 3.0, 0.5];
        let mut state = 12345u64;
        let mut uniform = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) as f64 / (1u64 << 31) as f64) * 2.0 - 1.0
        };
        let mut values = Vec::new();
        for _ in 0..500 {
            let coef: Vec<f64> = spread.iter().map(|s| s * uniform()).collect();
            let point = (0..3).map(|axis| {
                dirs.iter()
                    .zip(&coef)
                    .map(|(d, c)| c * d[axis])
                    .sum::<f64>()
            });
            values.extend(point.map(|v| (v + 5.0) as f32));
        }
        (values, dirs)
    }

    #[test]
    fn finds_the_directions_of_largest_variance_in_order() {
        let (values, dirs) = cloud();
        let p = project_2d(&values, 3);
        for (axis, dir) in p.axes.iter().zip(&dirs) {
            let cos: f64 = axis.iter().zip(dir).map(|(a, d)| f64::from(*a) * d).sum();
            assert!(cos.abs() > 0.999, "axis {axis:?} vs {dir:?}: cos {cos}");
        }
        // Variance fractions 100 : 9 : 0.25 (of uniform draws, same ratio).
        let expected = [100.0 / 109.25, 9.0 / 109.25];
        for (got, want) in p.variance.iter().zip(expected) {
            assert!((f64::from(*got) - want).abs() < 0.03, "{got} vs {want}");
        }
        assert!(p.variance[0] > p.variance[1]);
        // The coordinates are centred projections.
        let mean_x: f32 = p.points.iter().map(|q| q[0]).sum::<f32>() / p.points.len() as f32;
        assert!(mean_x.abs() < 1e-3);
        assert_eq!(p.points.len(), 500);
    }

    #[test]
    fn degenerate_inputs_give_zeros() {
        assert_eq!(project_2d(&[], 4).points.len(), 0);
        let same = vec![1.0f32; 12];
        let p = project_2d(&same, 3);
        assert_eq!(p.points, vec![[0.0, 0.0]; 4]);
        // Data on a line: the second axis has no variance.
        let line: Vec<f32> = (0..10).flat_map(|i| [i as f32, 2.0 * i as f32]).collect();
        let p = project_2d(&line, 2);
        assert!(p.variance[0] > 0.999);
        assert!(p.variance[1] < 1e-6);
    }
}
