//! From the network's raw outputs to scored faces, as MediaPipe's
//! `TensorsToDetectionsCalculator` with the short-range model's options: each anchor's 16
//! regressors are the box centre offset, width and height and 6 keypoint offsets (x before y,
//! in input pixels, relative to the anchor's centre), and its score is the sigmoid of the
//! classifier's logit clipped to ±[`SCORE_CLIP`].

use crate::core::protocol::Face;
use crate::tasks::detect::faces::FacesError;
use crate::tasks::detect::faces::anchors::{ANCHORS, Anchor, INPUT_SIDE};

/// Numbers per anchor in the regressor output.
pub const COORDS: usize = 16;

/// Logits are clipped to ±this before the sigmoid (`score_clipping_thresh`).
pub const SCORE_CLIP: f32 = 100.0;

/// The score of a raw classifier logit.
pub fn score(logit: f32) -> f32 {
    let x = logit.clamp(-SCORE_CLIP, SCORE_CLIP);
    1.0 / (1.0 + (-x).exp())
}

/// The faces of one image with a score of at least `min_score`, before suppression, in
/// input pixels (0..[`INPUT_SIDE`]); `regressors` is `[896, 16]`, `classificators` `[896]`.
pub fn decode(
    regressors: &[f32],
    classificators: &[f32],
    anchors: &[Anchor],
    min_score: f32,
) -> Result<Vec<Face>, FacesError> {
    if regressors.len() != ANCHORS * COORDS
        || classificators.len() != ANCHORS
        || anchors.len() != ANCHORS
    {
        return Err(FacesError::Output(format!(
            "expected {ANCHORS}×{COORDS} regressors, {ANCHORS} scores and {ANCHORS} anchors, got {}, {} and {}",
            regressors.len(),
            classificators.len(),
            anchors.len()
        )));
    }
    let side = INPUT_SIDE as f32;
    let mut faces = Vec::new();
    for ((r, &logit), a) in regressors
        .chunks_exact(COORDS)
        .zip(classificators)
        .zip(anchors)
    {
        let s = score(logit);
        // NaN scores never pass.
        if s.is_nan() || s < min_score {
            continue;
        }
        let (ax, ay) = (a.x * side, a.y * side);
        let (cx, cy) = (ax + r[0], ay + r[1]);
        let (half_w, half_h) = (r[2] / 2.0, r[3] / 2.0);
        let mut keypoints = [[0.0f32; 2]; 6];
        for (k, point) in keypoints.iter_mut().enumerate() {
            *point = [ax + r[4 + 2 * k], ay + r[5 + 2 * k]];
        }
        faces.push(Face {
            x0: cx - half_w,
            y0: cy - half_h,
            x1: cx + half_w,
            y1: cy + half_h,
            score: s,
            keypoints,
        });
    }
    Ok(faces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::detect::faces::anchors::anchors;

    #[test]
    fn an_anchor_offset_becomes_a_box_and_keypoints_in_input_pixels() {
        let mut regressors = vec![0.0; ANCHORS * COORDS];
        let mut logits = vec![-10.0; ANCHORS];
        // Anchor 0 sits at (4, 4) px: a 20 × 10 box centred 2 px right of it.
        regressors[..6].copy_from_slice(&[2.0, 0.0, 20.0, 10.0, -1.0, 3.0]);
        logits[0] = 0.0;
        let faces = decode(&regressors, &logits, &anchors(), 0.5).unwrap();
        assert_eq!(faces.len(), 1);
        let f = faces[0];
        assert_eq!((f.x0, f.y0, f.x1, f.y1), (-4.0, -1.0, 16.0, 9.0));
        assert_eq!(f.score, 0.5);
        assert_eq!(f.keypoints[0], [3.0, 7.0]);
        assert_eq!(f.keypoints[5], [4.0, 4.0]);
    }

    #[test]
    fn scores_are_clipped_sigmoids_and_bad_shapes_are_refused() {
        assert_eq!(score(1e9), score(SCORE_CLIP));
        assert_eq!(score(-1e9), score(-SCORE_CLIP));
        assert!(score(f32::NEG_INFINITY) >= 0.0);
        assert!((score(0.0) - 0.5).abs() < 1e-7);
        let err = decode(&[0.0; 16], &[0.0], &anchors(), 0.5).unwrap_err();
        assert!(err.to_string().contains("896"), "{err}");
    }
}
