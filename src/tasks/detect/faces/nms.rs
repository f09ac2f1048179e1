//! Weighted non-maximum suppression, as MediaPipe's `NonMaxSuppressionCalculator` with
//! `algorithm: WEIGHTED` (BlazeFace's): best score first, every remaining face whose IoU with
//! it is above the threshold joins its cluster and leaves the list; the cluster becomes one
//! face whose box and keypoints are the score-weighted means of its members and whose score
//! is the best member's.

use crate::core::protocol::Face;

/// Faces overlapping the best one by more than this IoU are merged into it
/// (`min_suppression_threshold`).
pub const MIN_SUPPRESSION_IOU: f32 = 0.3;

/// Intersection over union of two faces' boxes (0 when both are empty).
pub fn iou(a: &Face, b: &Face) -> f32 {
    let w = (a.x1.min(b.x1) - a.x0.max(b.x0)).max(0.0);
    let h = (a.y1.min(b.y1) - a.y0.max(b.y0)).max(0.0);
    let inter = w * h;
    let union = a.area() + b.area() - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// The merged faces, best first (see the module's description); faces with a NaN score are
/// dropped.
pub fn weighted_nms(mut faces: Vec<Face>, min_iou: f32) -> Vec<Face> {
    faces.retain(|f| !f.score.is_nan());
    // Stable: equal scores keep their anchor order, as MediaPipe's sort does.
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept = Vec::new();
    while let Some(best) = faces.first().copied() {
        let (cluster, rest): (Vec<Face>, Vec<Face>) =
            faces.into_iter().partition(|f| iou(&best, f) > min_iou);
        faces = rest;
        if cluster.is_empty() {
            // A degenerate best box (no area) overlaps nothing, not even itself.
            kept.push(best);
            faces.remove(0);
            continue;
        }
        let total: f32 = cluster.iter().map(|f| f.score).sum();
        let mean = |value: &dyn Fn(&Face) -> f32| {
            cluster.iter().map(|f| value(f) * f.score).sum::<f32>() / total
        };
        let mut merged = Face {
            x0: mean(&|f| f.x0),
            y0: mean(&|f| f.y0),
            x1: mean(&|f| f.x1),
            y1: mean(&|f| f.y1),
            score: best.score,
            keypoints: best.keypoints,
        };
        for (k, point) in merged.keypoints.iter_mut().enumerate() {
            *point = [mean(&|f| f.keypoints[k][0]), mean(&|f| f.keypoints[k][1])];
        }
        kept.push(merged);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(x0: f32, score: f32) -> Face {
        Face {
            x0,
            y0: 0.0,
            x1: x0 + 10.0,
            y1: 10.0,
            score,
            keypoints: [[x0 + 5.0, 5.0]; 6],
        }
    }

    #[test]
    fn overlapping_faces_merge_into_their_score_weighted_mean() {
        // 0.9 at x 0 and 0.3 at x 4 overlap (IoU 6/14 ≈ 0.43 > 0.3): one face, box and
        // keypoints at (0·0.9 + 4·0.3) / 1.2 = 1, score 0.9. The face at x 7 overlaps the
        // first by 3/17 ≈ 0.18 and stays; the one at x 50 is alone.
        let kept = weighted_nms(
            vec![
                face(4.0, 0.3),
                face(7.0, 0.6),
                face(0.0, 0.9),
                face(50.0, 0.5),
            ],
            MIN_SUPPRESSION_IOU,
        );
        assert_eq!(kept.len(), 3);
        let first = kept[0];
        assert_eq!(first.score, 0.9);
        assert!((first.x0 - 1.0).abs() < 1e-6, "{first:?}");
        assert!((first.x1 - 11.0).abs() < 1e-6);
        assert!((first.keypoints[3][0] - 6.0).abs() < 1e-6);
        assert_eq!(kept[1].score, 0.6);
        assert_eq!(kept[1].x0, 7.0);
        assert_eq!(kept[2].x0, 50.0);
    }

    #[test]
    fn nan_scores_and_empty_boxes_do_not_break_it() {
        let mut empty = face(0.0, 0.8);
        empty.x1 = 0.0;
        let kept = weighted_nms(vec![face(0.0, f32::NAN), empty, face(20.0, 0.4)], 0.3);
        assert_eq!(kept.len(), 2);
        assert!(weighted_nms(Vec::new(), 0.3).is_empty());
    }
}
