//! The error views of a detector over a split, as Ultralytics draws them after
//! validation: per-class precision–recall curves at IoU 0.5, F1 against the confidence
//! threshold (over all classes and per class, the best threshold marked), and the
//! confusion matrix with a background row and column, each cell keeping the boxes that
//! put its counts there. Plain data ([`DetectionErrors`]); the UI and the CLI draw it.

use crate::core::protocol::{
    ConfusionEntry, DetectionConfusion, DetectionErrors, F1Curve, LabeledBox, PrCurve,
};
use crate::tasks::detect::metrics::{Detection, iou, pr_points, ranked_hits};

/// IoU at which a prediction finds a true box on the PR and F1 curves.
pub const CURVE_IOU: f32 = 0.5;
/// Lowest score of a prediction counted in the confusion matrix (Ultralytics' 0.25).
pub const CONFUSION_CONFIDENCE: f32 = 0.25;
/// Lowest IoU of a match in the confusion matrix (Ultralytics' 0.45).
pub const CONFUSION_IOU: f32 = 0.45;
/// Points of the F1 curve: thresholds 0, 0.01, …, 1.
pub const F1_POINTS: usize = 101;

/// The PR curves, the F1 curve and the confusion matrix of `preds` against `truth` (one
/// list per image, same order) over `classes` classes.
pub fn error_views(
    preds: &[Vec<Detection>],
    truth: &[Vec<LabeledBox>],
    classes: usize,
) -> DetectionErrors {
    DetectionErrors {
        pr_curves: pr_curves(preds, truth, classes),
        f1: f1_curve(preds, truth, classes),
        confusion: confusion(preds, truth, classes, CONFUSION_CONFIDENCE, CONFUSION_IOU),
    }
}

/// One precision–recall curve per class at IoU [`CURVE_IOU`], with its AP.
pub fn pr_curves(
    preds: &[Vec<Detection>],
    truth: &[Vec<LabeledBox>],
    classes: usize,
) -> Vec<PrCurve> {
    (0..classes)
        .map(|class| {
            let points = pr_points(preds, truth, class, CURVE_IOU);
            PrCurve {
                class,
                ap50: points.as_ref().map(|p| {
                    p.iter().map(|&[_, precision]| precision).sum::<f32>() / p.len() as f32
                }),
                points: points.unwrap_or_default(),
            }
        })
        .collect()
}

/// F1 = 2PR / (P + R) of the predictions scoring at or above each threshold (IoU
/// [`CURVE_IOU`]), per class and averaged over the classes with ground truth; `None` when
/// no class has any.
pub fn f1_curve(
    preds: &[Vec<Detection>],
    truth: &[Vec<LabeledBox>],
    classes: usize,
) -> Option<F1Curve> {
    let confidence: Vec<f32> = (0..F1_POINTS)
        .map(|i| i as f32 / (F1_POINTS - 1) as f32)
        .collect();
    let per_class: Vec<Vec<f32>> = (0..classes)
        .map(|class| {
            let (ranked, gt_count) = ranked_hits(preds, truth, class, CURVE_IOU);
            if gt_count == 0 {
                return Vec::new();
            }
            confidence
                .iter()
                .map(|&c| {
                    let kept = ranked.iter().filter(|&&(score, _)| score >= c);
                    let (tp, all) = kept.fold((0usize, 0usize), |(tp, all), &(_, hit)| {
                        (tp + usize::from(hit), all + 1)
                    });
                    let precision = if all == 0 {
                        0.0
                    } else {
                        tp as f32 / all as f32
                    };
                    let recall = tp as f32 / gt_count as f32;
                    if precision + recall > 0.0 {
                        2.0 * precision * recall / (precision + recall)
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    let present: Vec<&Vec<f32>> = per_class.iter().filter(|c| !c.is_empty()).collect();
    if present.is_empty() {
        return None;
    }
    let all: Vec<f32> = (0..F1_POINTS)
        .map(|i| present.iter().map(|c| c[i]).sum::<f32>() / present.len() as f32)
        .collect();
    // The first (lowest) threshold of the highest mean F1.
    let best = all
        .iter()
        .enumerate()
        .fold(0, |best, (i, &f)| if f > all[best] { i } else { best });
    Some(F1Curve {
        best_confidence: confidence[best],
        best_f1: all[best],
        confidence,
        all,
        per_class,
    })
}

/// The confusion matrix with a background row and column (see [`DetectionConfusion`]):
/// predictions scoring at least `confidence` are matched to true boxes of any class at
/// IoU ≥ `min_iou`, the pair of highest IoU first, each box at most once. Boxes of a class
/// ≥ `classes` are left out.
pub fn confusion(
    preds: &[Vec<Detection>],
    truth: &[Vec<LabeledBox>],
    classes: usize,
    confidence: f32,
    min_iou: f32,
) -> DetectionConfusion {
    let side = classes + 1;
    let background = classes;
    let mut entries = vec![vec![Vec::new(); side]; side];
    let images = preds.len().max(truth.len());
    for image in 0..images {
        let gts: Vec<&LabeledBox> = truth
            .get(image)
            .map(|t| t.iter().filter(|b| b.class < classes).collect())
            .unwrap_or_default();
        let dts: Vec<&Detection> = preds
            .get(image)
            .map(|p| {
                p.iter()
                    .filter(|d| d.class < classes && d.score >= confidence)
                    .collect()
            })
            .unwrap_or_default();
        // Every (truth, prediction) pair that overlaps enough, highest IoU first (ties in
        // truth then prediction order: a stable sort).
        let mut pairs: Vec<(usize, usize, f32)> = Vec::new();
        for (g, gt) in gts.iter().enumerate() {
            for (d, dt) in dts.iter().enumerate() {
                let v = iou(*gt, *dt);
                if v >= min_iou {
                    pairs.push((g, d, v));
                }
            }
        }
        pairs.sort_by(|a, b| b.2.total_cmp(&a.2));
        let mut gt_match = vec![None; gts.len()];
        let mut dt_taken = vec![false; dts.len()];
        for (g, d, _) in pairs {
            if gt_match[g].is_none() && !dt_taken[d] {
                gt_match[g] = Some(d);
                dt_taken[d] = true;
            }
        }
        let predicted = |d: &Detection| LabeledBox {
            class: d.class,
            x0: d.x0,
            y0: d.y0,
            x1: d.x1,
            y1: d.y1,
        };
        for (gt, matched) in gts.iter().zip(&gt_match) {
            let (column, entry) = match matched.and_then(|d| dts.get(d)) {
                Some(dt) => (
                    dt.class,
                    ConfusionEntry {
                        image,
                        truth: Some(**gt),
                        predicted: Some(predicted(dt)),
                        score: Some(dt.score),
                    },
                ),
                None => (
                    background,
                    ConfusionEntry {
                        image,
                        truth: Some(**gt),
                        predicted: None,
                        score: None,
                    },
                ),
            };
            entries[gt.class][column].push(entry);
        }
        for (dt, _) in dts.iter().zip(&dt_taken).filter(|(_, taken)| !**taken) {
            entries[background][dt.class].push(ConfusionEntry {
                image,
                truth: None,
                predicted: Some(predicted(dt)),
                score: Some(dt.score),
            });
        }
    }
    DetectionConfusion {
        classes,
        confidence,
        iou: min_iou,
        counts: entries
            .iter()
            .map(|row| row.iter().map(|cell| cell.len() as u64).collect())
            .collect(),
        entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::detect::metrics::tests::{det, gt};

    /// A true box of `class` with corners `c`.
    fn truth_box(class: usize, c: [f32; 4]) -> LabeledBox {
        gt(class, c[0], c[1], c[2], c[3])
    }

    /// Five images, two classes (background is index 2):
    /// - image 0: true A (class 0) and B (class 1); a (0, 0.9) exactly on A → (0, 0);
    ///   b (0, 0.8) exactly on B → (1, 0), the wrong class; c (1, 0.1) is under the
    ///   confidence threshold and not counted;
    /// - image 1: true C (class 0) found by nothing → (0, bg); d (1, 0.7) on nothing
    ///   → (bg, 1);
    /// - image 2: no truth; e (0, 0.6) → (bg, 0);
    /// - image 3: true D (class 1); g (1, 0.95) with IoU 100 / 210 = 0.476 ≥ 0.45 →
    ///   (1, 1) (but no hit at IoU 0.5 on the curves);
    /// - image 4: true E (class 0); h (0, 0.9) exactly on it → (0, 0); i (0, 0.85), IoU
    ///   0.9, finds E already taken → (bg, 0).
    fn fixture() -> (Vec<Vec<Detection>>, Vec<Vec<LabeledBox>>) {
        let unit = [0.0, 0.0, 10.0, 10.0];
        let truth = vec![
            vec![truth_box(0, unit), truth_box(1, [20.0, 20.0, 30.0, 30.0])],
            vec![truth_box(0, unit)],
            vec![],
            vec![truth_box(1, unit)],
            vec![truth_box(0, unit)],
        ];
        let preds = vec![
            vec![
                det(0, 0.9, unit),
                det(0, 0.8, [20.0, 20.0, 30.0, 30.0]),
                det(1, 0.1, [50.0, 50.0, 60.0, 60.0]),
            ],
            vec![det(1, 0.7, [40.0, 40.0, 50.0, 50.0])],
            vec![det(0, 0.6, [0.0, 0.0, 5.0, 5.0])],
            vec![det(1, 0.95, [0.0, 0.0, 10.0, 21.0])],
            vec![det(0, 0.9, unit), det(0, 0.85, [0.0, 0.0, 10.0, 9.0])],
        ];
        (preds, truth)
    }

    #[test]
    fn every_confusion_count_of_a_hand_made_case() {
        let (preds, truth) = fixture();
        let m = confusion(&preds, &truth, 2, 0.25, 0.45);
        assert_eq!(m.background(), 2);
        // Rows: truth 0, 1, background; columns: predicted 0, 1, background.
        assert_eq!(m.counts, vec![vec![2, 0, 1], vec![1, 1, 0], vec![2, 1, 0]]);
        assert_eq!(m.cell_images(0, 0), vec![0, 4]);
        assert_eq!(m.cell_images(1, 0), vec![0]);
        assert_eq!(m.cell_images(0, 2), vec![1]);
        assert_eq!(m.cell_images(2, 1), vec![1]);
        assert_eq!(m.cell_images(2, 0), vec![2, 4]);
        assert_eq!(m.cell_images(1, 1), vec![3]);
        // The boxes behind a cell: the wrong-class match keeps both boxes.
        let wrong = m.cell(1, 0)[0];
        assert_eq!(wrong.truth.map(|b| b.class), Some(1));
        assert_eq!(wrong.predicted.map(|b| b.class), Some(0));
        assert_eq!(wrong.score, Some(0.8));
        // A missed box has no prediction; a false box no truth.
        assert!(m.cell(0, 2)[0].predicted.is_none());
        assert!(m.cell(2, 1)[0].truth.is_none());
        assert_eq!(m.count(9, 9), 0);
        // At IoU 0.5 the stretched box in image 3 no longer matches: missed and false.
        let strict = confusion(&preds, &truth, 2, 0.25, 0.5);
        assert_eq!(
            strict.counts,
            vec![vec![2, 0, 1], vec![1, 0, 1], vec![2, 2, 0]]
        );
        // A lower confidence threshold lets the 0.1 box in as a false box.
        let low = confusion(&preds, &truth, 2, 0.05, 0.45);
        assert_eq!(low.count(2, 1), 2);
    }

    #[test]
    fn pr_curve_and_f1_of_the_hand_made_case() {
        let (preds, truth) = fixture();
        let curves = pr_curves(&preds, &truth, 3);
        // Class 0 at IoU 0.5, by score: a 0.9 hit, h 0.9 hit, i 0.85, b 0.8, e 0.6 false;
        // three true boxes: recall reaches 2/3 at precision 1 → precision 1 at the
        // levels 0..=0.66, 0 after; AP = 67 / 101.
        let c0 = &curves[0];
        assert_eq!(c0.points.len(), 101);
        assert_eq!(c0.points[66], [0.66, 1.0]);
        assert_eq!(c0.points[67][1], 0.0);
        let ap = c0.ap50.expect("class 0 has truth");
        assert!((ap - 67.0 / 101.0).abs() < 1e-6, "{ap}");
        // Class 1 finds nothing at IoU 0.5; class 2 has no truth.
        assert_eq!(curves[1].ap50, Some(0.0));
        assert_eq!((curves[2].ap50, curves[2].points.len()), (None, 0));
        // F1: class 0 is 0.8 (P 1, R 2/3) for thresholds in (0.85, 0.9]; class 1 is 0
        // everywhere; the mean is best (0.4) first at 0.86.
        let f1 = f1_curve(&preds, &truth, 3).expect("classes with truth");
        assert_eq!(f1.confidence.len(), 101);
        assert!((f1.per_class[0][90] - 0.8).abs() < 1e-6);
        assert!((f1.per_class[0][50] - 0.5).abs() < 1e-6);
        assert!(f1.per_class[1].iter().all(|&f| f == 0.0));
        assert!(f1.per_class[2].is_empty());
        assert!(
            (f1.best_confidence - 0.86).abs() < 1e-6,
            "{}",
            f1.best_confidence
        );
        assert!((f1.best_f1 - 0.4).abs() < 1e-6);
        assert!(f1_curve(&[], &[], 2).is_none());
    }
}
