//! Duplicates: pairs of images whose embeddings are nearly the same direction (near
//! duplicates: a resized, re-encoded or slightly edited copy), and pairs whose decoded
//! pixels are identical (exact duplicates, found by hash, whatever the model says). A pair
//! across the training and validation splits is leakage: the model is validated on an
//! image it trained on.

use std::collections::{BTreeMap, BTreeSet};

use crate::core::protocol::Neighbour;

/// Most pairs taken from one group of identical images (a group of `g` has `g·(g−1)/2`).
const MAX_PAIRS_PER_GROUP: usize = 1000;

/// Two images that are (near-)duplicates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    /// The lower index.
    pub a: usize,
    /// The higher index.
    pub b: usize,
    /// Cosine similarity of their embeddings.
    pub similarity: f32,
    /// Their pixels hash alike.
    pub exact: bool,
    /// One is held out and the other not.
    pub leak: bool,
}

/// The duplicate pairs: each image's neighbours at or above `threshold` (cosine), and
/// every pair of images with the same pixel hash. `unit` holds the unit embeddings (for
/// the similarity of exact pairs); `held_out` says which images are in the validation
/// split. Exact pairs first, then by similarity (highest first), then by index.
///
/// Near-duplicates come from the neighbour lists, so an image with more near-copies than
/// neighbours listed shows only as many of them.
pub fn find(
    neighbours: &[Vec<Neighbour>],
    hashes: &[u64],
    unit: &[f32],
    dim: usize,
    held_out: &[bool],
    threshold: f32,
) -> Vec<Pair> {
    let similarity = |a: usize, b: usize| -> f32 {
        let (Some(x), Some(y)) = (
            unit.get(a * dim..(a + 1) * dim),
            unit.get(b * dim..(b + 1) * dim),
        ) else {
            return 0.0;
        };
        x.iter().zip(y).map(|(p, q)| p * q).sum()
    };
    let mut pairs: BTreeMap<(usize, usize), f32> = BTreeMap::new();
    for (i, list) in neighbours.iter().enumerate() {
        for n in list.iter().filter(|n| n.similarity >= threshold) {
            pairs.insert((i.min(n.index), i.max(n.index)), n.similarity);
        }
    }
    let mut groups: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (i, &h) in hashes.iter().enumerate() {
        groups.entry(h).or_default().push(i);
    }
    let mut exact: BTreeSet<(usize, usize)> = BTreeSet::new();
    for members in groups.values().filter(|m| m.len() > 1) {
        let group_pairs = members
            .iter()
            .enumerate()
            .flat_map(|(k, &a)| members[k + 1..].iter().map(move |&b| (a, b)))
            .take(MAX_PAIRS_PER_GROUP);
        for (a, b) in group_pairs {
            exact.insert((a, b));
            pairs.entry((a, b)).or_insert_with(|| similarity(a, b));
        }
    }
    let split = |i: usize| held_out.get(i).copied().unwrap_or(false);
    let mut out: Vec<Pair> = pairs
        .into_iter()
        .map(|((a, b), similarity)| Pair {
            a,
            b,
            similarity,
            exact: exact.contains(&(a, b)),
            leak: split(a) != split(b),
        })
        .collect();
    out.sort_by(|x, y| {
        y.exact
            .cmp(&x.exact)
            .then(y.similarity.total_cmp(&x.similarity))
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_and_exact_pairs_with_leaks() {
        let nb = |index, similarity| Neighbour { index, similarity };
        let neighbours = vec![
            vec![nb(1, 0.99), nb(2, 0.5)],
            vec![nb(0, 0.99)],
            vec![nb(0, 0.5)],
            vec![nb(2, 0.2)],
        ];
        // 2 and 3 are pixel-identical although their embeddings are not alike (say, the
        // model is not deterministic); 0 and 1 are near-duplicates across the split.
        let hashes = [10, 11, 12, 12];
        let unit = [1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0];
        let held_out = [false, true, false, false];
        let pairs = find(&neighbours, &hashes, &unit, 2, &held_out, 0.95);
        assert_eq!(pairs.len(), 2);
        assert_eq!((pairs[0].a, pairs[0].b, pairs[0].exact), (2, 3, true));
        assert!(!pairs[0].leak);
        assert!((pairs[0].similarity - 1.0).abs() < 1e-6);
        assert_eq!((pairs[1].a, pairs[1].b, pairs[1].exact), (0, 1, false));
        assert!(pairs[1].leak);
    }
}
