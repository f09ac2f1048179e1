//! Likely label errors, confident-learning style (Northcutt et al., "Confident Learning"):
//! from out-of-sample class probabilities, each class's threshold is the mean probability
//! the images labelled with it give it (its self-confidence); an image is suspect when the
//! likeliest class whose threshold it reaches is not its label (an off-diagonal entry of
//! the confident joint). Suspects are ranked by the margin between the given label's
//! probability and the best other class's, lowest first.
//!
//! Where the probabilities come from is the caller's choice: a checkpoint's softmax on the
//! validation split, or ([`vote_probabilities`]) a vote of each image's nearest
//! neighbours' labels, which is out-of-sample for every image.

use crate::core::protocol::Neighbour;

/// An image the probabilities disagree with its label on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Suspect {
    /// The image's index.
    pub index: usize,
    /// Its given label.
    pub given: usize,
    /// The class its probabilities confidently favour.
    pub predicted: usize,
    /// Given label's probability minus the best other class's, -1..=1 (lower: likelier
    /// wrong).
    pub margin: f32,
    /// The given label's probability.
    pub given_probability: f32,
}

/// Row `i` of the `classes`-wide probability matrix (empty past its end).
fn row(probs: &[f32], classes: usize, i: usize) -> &[f32] {
    probs.get(i * classes..(i + 1) * classes).unwrap_or(&[])
}

/// Each class's self-confidence over `members`: the mean probability of class `c` among
/// the members labelled `c` (1.0, never reached, for a class no member has).
pub fn thresholds(probs: &[f32], classes: usize, labels: &[usize], members: &[usize]) -> Vec<f32> {
    let mut sum = vec![0f64; classes];
    let mut count = vec![0usize; classes];
    for &i in members {
        let Some(&label) = labels.get(i) else {
            continue;
        };
        let Some(&p) = row(probs, classes, i).get(label) else {
            continue;
        };
        sum[label] += f64::from(p);
        count[label] += 1;
    }
    sum.iter()
        .zip(&count)
        .map(|(&s, &n)| if n == 0 { 1.0 } else { (s / n as f64) as f32 })
        .collect()
}

/// The suspected label errors among `members` (image indices), likeliest first: lowest
/// margin first, ties to the lower index. `probs` holds `classes` probabilities per image
/// (all images, indexed like `labels`).
pub fn rank(probs: &[f32], classes: usize, labels: &[usize], members: &[usize]) -> Vec<Suspect> {
    let t = thresholds(probs, classes, labels, members);
    let mut out: Vec<Suspect> = members
        .iter()
        .filter_map(|&i| {
            let p = row(probs, classes, i);
            let &given = labels.get(i)?;
            let &given_probability = p.get(given)?;
            // The confident class: the likeliest class whose threshold is reached.
            let confident = (0..classes)
                .filter(|&c| p[c] >= t[c])
                .max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a)))?;
            if confident == given {
                return None;
            }
            let best_other = (0..classes)
                .filter(|&c| c != given)
                .map(|c| p[c])
                .fold(0f32, f32::max);
            Some(Suspect {
                index: i,
                given,
                predicted: confident,
                margin: given_probability - best_other,
                given_probability,
            })
        })
        .collect();
    out.sort_by(|a, b| a.margin.total_cmp(&b.margin).then(a.index.cmp(&b.index)));
    out
}

/// Out-of-sample class probabilities from a vote of each image's neighbours' labels,
/// weighted by their (non-negative) similarity and smoothed so no class has zero: `n`
/// rows of `classes` values. An image never votes for itself (neighbour lists leave it
/// out).
pub fn vote_probabilities(
    neighbours: &[Vec<Neighbour>],
    labels: &[usize],
    classes: usize,
) -> Vec<f32> {
    const SMOOTHING: f32 = 0.01;
    let mut out = Vec::with_capacity(neighbours.len() * classes);
    for list in neighbours {
        let mut votes = vec![SMOOTHING; classes];
        for n in list {
            if let Some(&label) = labels.get(n.index)
                && label < classes
            {
                votes[label] += n.similarity.max(0.0);
            }
        }
        let total: f32 = votes.iter().sum();
        out.extend(votes.iter().map(|v| v / total));
    }
    out
}

/// The fraction of `planted` indices among the first `k` of `ranked`: recall at `k`.
pub fn recall_at(ranked: &[usize], planted: &[usize], k: usize) -> f32 {
    if planted.is_empty() {
        return 1.0;
    }
    let top = &ranked[..k.min(ranked.len())];
    planted.iter().filter(|p| top.contains(p)).count() as f32 / planted.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_mean_self_confidence() {
        let probs = [0.9, 0.1, 0.7, 0.3, 0.2, 0.8];
        let t = thresholds(&probs, 2, &[0, 0, 1], &[0, 1, 2]);
        assert!((t[0] - 0.8).abs() < 1e-6);
        assert!((t[1] - 0.8).abs() < 1e-6);
        // A class no member has gets an unreachable threshold.
        assert_eq!(thresholds(&probs, 2, &[0, 0, 1], &[0, 1])[1], 1.0);
    }

    #[test]
    fn confident_disagreements_rank_by_margin() {
        // Three classes; images 0..6 agree with their labels, 6 and 7 are mislabelled
        // (7 strongly), 8 is unsure (below every other class's threshold).
        let probs = [
            0.9, 0.05, 0.05, //
            0.8, 0.1, 0.1, //
            0.1, 0.85, 0.05, //
            0.05, 0.9, 0.05, //
            0.1, 0.1, 0.8, //
            0.05, 0.05, 0.9, //
            0.3, 0.6, 0.1, // labelled 0, looks like 1
            0.02, 0.03, 0.95, // labelled 1, looks like 2
            0.4, 0.35, 0.25, // labelled 2, unsure
        ];
        let labels = [0, 0, 1, 1, 2, 2, 0, 1, 2];
        let members: Vec<usize> = (0..9).collect();
        let ranked = rank(&probs, 3, &labels, &members);
        let ids: Vec<usize> = ranked.iter().map(|s| s.index).collect();
        assert_eq!(ids, [7, 6]);
        assert_eq!(ranked[0].predicted, 2);
        assert!((ranked[0].margin - (0.03 - 0.95)).abs() < 1e-6);
        assert!((ranked[1].given_probability - 0.3).abs() < 1e-6);
        // Only members are ranked.
        assert!(
            rank(&probs, 3, &labels, &[0, 1, 2, 6])
                .iter()
                .all(|s| s.index != 7)
        );
        assert_eq!(recall_at(&ids, &[6, 7], 2), 1.0);
        assert_eq!(recall_at(&ids, &[6, 7, 8], 1), 1.0 / 3.0);
    }

    #[test]
    fn the_vote_follows_the_neighbours_labels() {
        let nb = |pairs: &[(usize, f32)]| {
            pairs
                .iter()
                .map(|&(index, similarity)| Neighbour { index, similarity })
                .collect::<Vec<_>>()
        };
        let neighbours = vec![
            nb(&[(1, 0.9), (2, 0.8)]),
            nb(&[(0, 0.9), (2, -0.5)]),
            nb(&[]),
        ];
        let p = vote_probabilities(&neighbours, &[0, 1, 1], 2);
        assert_eq!(p.len(), 6);
        assert!(p[1] > 0.98, "image 0's neighbours are all class 1: {p:?}");
        assert!(p[2] > 0.98, "a negative similarity does not vote");
        assert!((p[4] - 0.5).abs() < 1e-6, "no neighbours: uniform");
        for r in p.chunks(2) {
            assert!((r.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
    }
}
