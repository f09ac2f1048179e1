//! Nearest neighbours by cosine similarity. All pairs at once go through the tensor
//! device, a block of rows at a time (`[b, d] × [d, n]`); one query against the set (an
//! image dropped from outside the dataset) is a plain loop.

use burn::prelude::*;
use burn::tensor::TensorData;

use crate::core::protocol::Neighbour;
use crate::explore::{ExploreError, rows};

/// Rows per block of the similarity product.
const BLOCK: usize = 512;

/// The vectors with their mean subtracted: penultimate-layer activations (after a ReLU)
/// share a large common part, which makes every pair look alike to the cosine; without it
/// the similarity measures what sets images apart.
pub fn centred(values: &[f32], dim: usize) -> Vec<f32> {
    let mean = mean(values, dim);
    if mean.is_empty() {
        return values.to_vec();
    }
    less(values, &mean)
}

/// The mean of the length-`dim` rows of `values` (empty when there is no row).
pub fn mean(values: &[f32], dim: usize) -> Vec<f32> {
    let n = values.len().checked_div(dim).unwrap_or(0);
    if n == 0 {
        return Vec::new();
    }
    let mut mean = vec![0f64; dim];
    for row in values.chunks_exact(dim) {
        mean.iter_mut()
            .zip(row)
            .for_each(|(m, &v)| *m += f64::from(v));
    }
    mean.iter().map(|m| (m / n as f64) as f32).collect()
}

/// Each row of `values` less `mean` (rows of `mean.len()` values).
pub fn less(values: &[f32], mean: &[f32]) -> Vec<f32> {
    if mean.is_empty() {
        return values.to_vec();
    }
    values
        .chunks_exact(mean.len())
        .flat_map(|row| row.iter().zip(mean).map(|(v, m)| v - m))
        .collect()
}

/// The vectors scaled to unit length (a zero vector stays zero).
pub fn unit_rows(values: &[f32], dim: usize) -> Vec<f32> {
    let mut out = values.to_vec();
    if dim == 0 {
        return out;
    }
    for row in out.chunks_exact_mut(dim) {
        let norm = row.iter().map(|v| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|v| *v /= norm);
        }
    }
    out
}

/// The `k` most similar rows of `unit` (unit vectors of length `dim`) to each row, itself
/// left out, most similar first (ties to the lower index). `keep_going(done, total)` is
/// called after each block of rows; when it returns false the search stops and `None` is
/// returned.
pub fn nearest(
    unit: &[f32],
    dim: usize,
    k: usize,
    device: &Device,
    keep_going: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Option<Vec<Vec<Neighbour>>>, ExploreError> {
    let n = rows(unit, dim)?;
    if n == 0 {
        return Ok(Some(Vec::new()));
    }
    let all = Tensor::<2>::from_data(TensorData::new(unit.to_vec(), [n, dim]), device).transpose(); // [d, n]
    let mut out = Vec::with_capacity(n);
    for start in (0..n).step_by(BLOCK) {
        let end = (start + BLOCK).min(n);
        let block = Tensor::<2>::from_data(
            TensorData::new(unit[start * dim..end * dim].to_vec(), [end - start, dim]),
            device,
        );
        let sims = block
            .matmul(all.clone()) // [b, n]
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|e| ExploreError::Tensor(format!("{e:?}")))?;
        for (offset, row) in sims.chunks_exact(n).enumerate() {
            out.push(top_k(row, Some(start + offset), k));
        }
        if !keep_going(end, n) {
            return Ok(None);
        }
    }
    Ok(Some(out))
}

/// The `k` rows of `unit` most similar to `query` (any length-`dim` vector; it is scaled
/// to unit length here), most similar first.
pub fn nearest_to(query: &[f32], unit: &[f32], dim: usize, k: usize) -> Vec<Neighbour> {
    if dim == 0 || query.len() != dim {
        return Vec::new();
    }
    let q = unit_rows(query, dim);
    let sims: Vec<f32> = unit
        .chunks_exact(dim)
        .map(|row| row.iter().zip(&q).map(|(a, b)| a * b).sum())
        .collect();
    top_k(&sims, None, k)
}

/// The `k` largest values of `row` (leaving out index `skip`), largest first, ties to the
/// lower index.
pub fn top_k(row: &[f32], skip: Option<usize>, k: usize) -> Vec<Neighbour> {
    let mut best: Vec<Neighbour> = Vec::with_capacity(k + 1);
    if k == 0 {
        return best;
    }
    for (index, &similarity) in row.iter().enumerate() {
        if Some(index) == skip || similarity.is_nan() {
            continue;
        }
        if best.len() == k && best.last().is_some_and(|w| similarity <= w.similarity) {
            continue;
        }
        let at = best.partition_point(|b| b.similarity >= similarity);
        best.insert(at, Neighbour { index, similarity });
        best.truncate(k);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points() -> Vec<f32> {
        // Two tight groups on the axes and one odd point.
        vec![
            1.0, 0.0, 0.0, //
            0.9, 0.1, 0.0, //
            0.0, 1.0, 0.0, //
            0.1, 0.9, 0.0, //
            2.0, 0.05, 0.0, //
            0.0, 0.0, 1.0, //
        ]
    }

    #[test]
    fn neighbours_are_the_most_similar_other_rows() {
        let unit = unit_rows(&points(), 3);
        let device = Device::flex();
        let all = nearest(&unit, 3, 2, &device, &mut |_, _| true)
            .unwrap()
            .unwrap();
        assert_eq!(all.len(), 6);
        let ids = |i: usize| all[i].iter().map(|n| n.index).collect::<Vec<_>>();
        assert_eq!(ids(0), [4, 1]);
        assert_eq!(ids(2), [3, 1]);
        assert!(
            all.iter()
                .enumerate()
                .all(|(i, n)| n.iter().all(|m| m.index != i))
        );
        assert!((all[0][0].similarity - 0.99969).abs() < 1e-3);
        // The single-query search agrees with the block search.
        for (i, row) in points().chunks_exact(3).enumerate() {
            let alone = nearest_to(row, &unit, 3, 3);
            assert_eq!(alone[0].index, i, "an image is its own nearest");
            assert_eq!(alone[1].index, all[i][0].index);
        }
    }

    #[test]
    fn the_search_stops_when_asked() {
        let unit = unit_rows(&points(), 3);
        let stopped = nearest(&unit, 3, 2, &Device::flex(), &mut |_, _| false).unwrap();
        assert!(stopped.is_none());
        assert!(nearest(&unit[..5], 3, 2, &Device::flex(), &mut |_, _| true).is_err());
    }

    #[test]
    fn centring_removes_the_common_part() {
        let values = [1.0, 5.0, 3.0, 5.0];
        assert_eq!(centred(&values, 2), [-1.0, 0.0, 1.0, 0.0]);
        assert!(centred(&[], 2).is_empty());
    }

    #[test]
    fn top_k_orders_and_breaks_ties_by_index() {
        let got = top_k(&[0.5, 0.9, 0.5, 0.1, 0.9], Some(1), 3);
        let ids: Vec<usize> = got.iter().map(|n| n.index).collect();
        assert_eq!(ids, [4, 0, 2]);
        assert!(top_k(&[1.0], None, 0).is_empty());
    }
}
