//! Detection metrics computed the COCO way (as pycocotools' `COCOeval` for boxes, area
//! range "all"): per class and IoU threshold, detections of all images are ranked by
//! score, each is matched greedily to the unmatched ground-truth box of its image with
//! the highest IoU at or above the threshold, precision is made non-increasing and read
//! at the 101 recall points 0, 0.01, …, 1 (101-point interpolation), and AP is their
//! mean. mAP@0.5 is the mean over classes that have ground truth of AP at IoU 0.5;
//! mAP@0.5:0.95 the mean over those classes and the ten thresholds 0.50, 0.55, …, 0.95.

use crate::tasks::detect::data::LabeledBox;

/// One predicted box in pixel coordinates.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Detection {
    /// Predicted class.
    pub class: usize,
    /// Confidence (higher first).
    pub score: f32,
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
}

/// Anything with box corners `[x0, y0, x1, y1]`.
pub trait Corners {
    /// `[x0, y0, x1, y1]`.
    fn corners(&self) -> [f32; 4];
}

impl Corners for Detection {
    fn corners(&self) -> [f32; 4] {
        [self.x0, self.y0, self.x1, self.y1]
    }
}

impl Corners for LabeledBox {
    fn corners(&self) -> [f32; 4] {
        [self.x0, self.y0, self.x1, self.y1]
    }
}

impl Corners for [f32; 4] {
    fn corners(&self) -> [f32; 4] {
        *self
    }
}

/// Intersection over union of two boxes (0 when either has no area).
pub fn iou(a: &impl Corners, b: &impl Corners) -> f32 {
    let [ax0, ay0, ax1, ay1] = a.corners();
    let [bx0, by0, bx1, by1] = b.corners();
    let iw = (ax1.min(bx1) - ax0.max(bx0)).max(0.0);
    let ih = (ay1.min(by1) - ay0.max(by0)).max(0.0);
    let inter = iw * ih;
    let area = |x0: f32, y0: f32, x1: f32, y1: f32| (x1 - x0).max(0.0) * (y1 - y0).max(0.0);
    let union = area(ax0, ay0, ax1, ay1) + area(bx0, by0, bx1, by1) - inter;
    if union > 0.0 && inter.is_finite() {
        inter / union
    } else {
        0.0
    }
}

/// The ten COCO IoU thresholds 0.50, 0.55, …, 0.95.
pub fn iou_thresholds() -> [f32; 10] {
    std::array::from_fn(|i| 0.5 + 0.05 * i as f32)
}

/// At most this many detections per image and class are ranked (COCO's `maxDets`).
pub const MAX_DETECTIONS: usize = 100;

/// Number of recall points of the interpolation (0, 0.01, …, 1).
pub const RECALL_POINTS: usize = 101;

/// Results of [`mean_average_precision`].
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MapReport {
    /// mAP at IoU 0.5, over classes with ground truth (0 when none has any).
    pub map50: f32,
    /// mAP averaged over IoU 0.50:0.05:0.95 and classes with ground truth.
    pub map: f32,
    /// AP at IoU 0.5 per class; `None` for a class without ground truth.
    pub per_class_ap50: Vec<Option<f32>>,
    /// AP averaged over the ten thresholds per class; `None` without ground truth.
    pub per_class_ap: Vec<Option<f32>>,
}

/// COCO-style AP of one class at one IoU threshold; `None` when the class has no ground
/// truth. `preds[i]` and `truth[i]` belong to image `i`; other classes are ignored.
pub fn average_precision(
    preds: &[Vec<Detection>],
    truth: &[Vec<LabeledBox>],
    class: usize,
    threshold: f32,
) -> Option<f32> {
    let matched = match_class(preds, truth, class, &[threshold]);
    if matched.gt_count == 0 {
        return None;
    }
    Some(interpolated_ap(&matched.ranked, 0, matched.gt_count))
}

/// mAP@0.5 and mAP@0.5:0.95 of `preds` against `truth` (one list per image, same order)
/// over `classes` classes (boxes of larger class ids are ignored).
pub fn mean_average_precision(
    preds: &[Vec<Detection>],
    truth: &[Vec<LabeledBox>],
    classes: usize,
) -> MapReport {
    let thresholds = iou_thresholds();
    let mut per_class_ap50 = Vec::with_capacity(classes);
    let mut per_class_ap = Vec::with_capacity(classes);
    for class in 0..classes {
        let m = match_class(preds, truth, class, &thresholds);
        if m.gt_count == 0 {
            per_class_ap50.push(None);
            per_class_ap.push(None);
            continue;
        }
        let aps: Vec<f32> = (0..thresholds.len())
            .map(|t| interpolated_ap(&m.ranked, t, m.gt_count))
            .collect();
        per_class_ap50.push(Some(aps[0]));
        per_class_ap.push(Some(aps.iter().sum::<f32>() / aps.len() as f32));
    }
    let mean = |v: &[Option<f32>]| {
        let present: Vec<f32> = v.iter().flatten().copied().collect();
        if present.is_empty() {
            0.0
        } else {
            present.iter().sum::<f32>() / present.len() as f32
        }
    };
    MapReport {
        map50: mean(&per_class_ap50),
        map: mean(&per_class_ap),
        per_class_ap50,
        per_class_ap,
    }
}

/// One class's detections ranked by score over all images, each with whether it is a
/// true positive at each threshold.
struct Matched {
    /// `(score, true positive at threshold t)` in rank order.
    ranked: Vec<(f32, Vec<bool>)>,
    /// Ground-truth boxes of the class.
    gt_count: usize,
}

fn match_class(
    preds: &[Vec<Detection>],
    truth: &[Vec<LabeledBox>],
    class: usize,
    thresholds: &[f32],
) -> Matched {
    let mut ranked = Vec::new();
    let mut gt_count = 0;
    let images = preds.len().max(truth.len());
    for i in 0..images {
        let gts: Vec<&LabeledBox> = truth
            .get(i)
            .map(|t| t.iter().filter(|b| b.class == class).collect())
            .unwrap_or_default();
        gt_count += gts.len();
        let mut dts: Vec<&Detection> = preds
            .get(i)
            .map(|p| p.iter().filter(|d| d.class == class).collect())
            .unwrap_or_default();
        // Highest score first; ties keep their order (a stable sort, as pycocotools).
        dts.sort_by(|a, b| b.score.total_cmp(&a.score));
        dts.truncate(MAX_DETECTIONS);
        let mut taken = vec![vec![false; gts.len()]; thresholds.len()];
        for d in dts {
            let ious: Vec<f32> = gts.iter().map(|g| iou(d, *g)).collect();
            let hits = thresholds
                .iter()
                .zip(taken.iter_mut())
                .map(|(&t, taken)| {
                    // The unmatched ground truth with the highest IoU ≥ t (the last of
                    // equals, as pycocotools' `<` comparison keeps the later one).
                    let mut best = None;
                    let mut best_iou = t.min(1.0 - 1e-10);
                    for (g, &v) in ious.iter().enumerate() {
                        if taken[g] || v < best_iou {
                            continue;
                        }
                        best_iou = v;
                        best = Some(g);
                    }
                    if let Some(g) = best {
                        taken[g] = true;
                    }
                    best.is_some()
                })
                .collect();
            ranked.push((d.score, hits));
        }
    }
    // All images' detections by score; ties keep image order (stable).
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    Matched { ranked, gt_count }
}

/// 101-point interpolated AP from ranked hits at threshold index `t`.
fn interpolated_ap(ranked: &[(f32, Vec<bool>)], t: usize, gt_count: usize) -> f32 {
    if gt_count == 0 {
        return 0.0;
    }
    let precision = interpolated_precision(ranked.iter().map(|(_, hits)| hits[t]), gt_count);
    (precision.iter().sum::<f64>() / RECALL_POINTS as f64) as f32
}

/// The precision envelope (non-increasing from the right) of ranked hits read at the
/// [`RECALL_POINTS`] recall levels 0, 0.01, …, 1; 0 at a level never reached. Their mean
/// is the AP.
fn interpolated_precision(hits: impl Iterator<Item = bool>, gt_count: usize) -> Vec<f64> {
    let mut recall = Vec::new();
    let mut precision = Vec::new();
    let (mut tp, mut fp) = (0f64, 0f64);
    for hit in hits {
        if hit {
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        recall.push(tp / gt_count.max(1) as f64);
        precision.push(tp / (tp + fp));
    }
    // Precision envelope: non-increasing from the right.
    for i in (1..precision.len()).rev() {
        if precision[i] > precision[i - 1] {
            precision[i - 1] = precision[i];
        }
    }
    (0..RECALL_POINTS)
        .map(|r| {
            let level = r as f64 / (RECALL_POINTS - 1) as f64;
            // First rank whose recall reaches the level (numpy searchsorted, side left).
            let k = recall.partition_point(|&x| x < level);
            precision.get(k).copied().unwrap_or(0.0)
        })
        .collect()
}

/// One class's detections over all images ranked by score, each with whether it matches
/// a true box at IoU ≥ `threshold` (matched as for AP), and the class's number of true
/// boxes.
pub fn ranked_hits(
    preds: &[Vec<Detection>],
    truth: &[Vec<LabeledBox>],
    class: usize,
    threshold: f32,
) -> (Vec<(f32, bool)>, usize) {
    let m = match_class(preds, truth, class, &[threshold]);
    let ranked = m
        .ranked
        .into_iter()
        .map(|(score, hits)| (score, hits.first().copied().unwrap_or(false)))
        .collect();
    (ranked, m.gt_count)
}

/// The interpolated precision–recall points `[recall, precision]` of one class at IoU
/// `threshold` (the [`RECALL_POINTS`] levels whose mean precision is the AP); `None`
/// when the class has no ground truth.
pub fn pr_points(
    preds: &[Vec<Detection>],
    truth: &[Vec<LabeledBox>],
    class: usize,
    threshold: f32,
) -> Option<Vec<[f32; 2]>> {
    let (ranked, gt_count) = ranked_hits(preds, truth, class, threshold);
    if gt_count == 0 {
        return None;
    }
    let precision = interpolated_precision(ranked.iter().map(|&(_, hit)| hit), gt_count);
    Some(
        precision
            .iter()
            .enumerate()
            .map(|(r, &p)| [r as f32 / (RECALL_POINTS - 1) as f32, p as f32])
            .collect(),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A true box of `class` with corners (x0, y0)–(x1, y1).
    pub(crate) fn gt(class: usize, x0: f32, y0: f32, x1: f32, y1: f32) -> LabeledBox {
        LabeledBox {
            class,
            x0,
            y0,
            x1,
            y1,
        }
    }

    /// A detection of `class` scoring `score` with corners `c`.
    pub(crate) fn det(class: usize, score: f32, c: [f32; 4]) -> Detection {
        Detection {
            class,
            score,
            x0: c[0],
            y0: c[1],
            x1: c[2],
            y1: c[3],
        }
    }

    #[test]
    fn iou_of_simple_boxes() {
        let b = |x0: f32, y0: f32, x1: f32, y1: f32| [x0, y0, x1, y1];
        assert_eq!(
            iou(&b(0.0, 0.0, 2.0, 2.0), &b(1.0, 0.0, 3.0, 2.0)),
            2.0 / 6.0
        );
        assert_eq!(iou(&b(0.0, 0.0, 2.0, 2.0), &b(0.0, 0.0, 2.0, 2.0)), 1.0);
        assert_eq!(iou(&b(0.0, 0.0, 1.0, 1.0), &b(2.0, 2.0, 3.0, 3.0)), 0.0);
        assert_eq!(iou(&b(0.0, 0.0, 0.0, 1.0), &b(0.0, 0.0, 0.0, 1.0)), 0.0);
    }

    #[test]
    fn perfect_and_empty_predictions() {
        let truth = vec![vec![
            gt(0, 0.0, 0.0, 10.0, 10.0),
            gt(1, 20.0, 20.0, 30.0, 40.0),
        ]];
        let preds = vec![
            truth[0]
                .iter()
                .map(|b| det(b.class, 0.9, [b.x0, b.y0, b.x1, b.y1]))
                .collect(),
        ];
        let r = mean_average_precision(&preds, &truth, 3);
        assert_eq!((r.map50, r.map), (1.0, 1.0));
        assert_eq!(r.per_class_ap50, vec![Some(1.0), Some(1.0), None]);
        let r = mean_average_precision(&[vec![]], &truth, 3);
        assert_eq!((r.map50, r.map), (0.0, 0.0));
        let r = mean_average_precision(&[], &[], 2);
        assert_eq!(r.per_class_ap, vec![None, None]);
    }

    #[test]
    fn duplicates_are_false_positives() {
        // Two detections on one box: the second is a false positive, but after the first
        // recall is already 1, so AP stays 1.
        let truth = vec![vec![gt(0, 0.0, 0.0, 10.0, 10.0)]];
        let preds = vec![vec![
            det(0, 0.5, [0.0, 0.0, 10.0, 10.0]),
            det(0, 0.9, [0.0, 0.0, 10.0, 9.0]),
        ]];
        assert_eq!(average_precision(&preds, &truth, 0, 0.5), Some(1.0));
        // At 0.95 the higher-scored (IoU 0.9) misses and the lower one matches:
        // precision 1/2 at recall 1 → AP = 0.5.
        assert_eq!(average_precision(&preds, &truth, 0, 0.95), Some(0.5));
        assert_eq!(average_precision(&preds, &truth, 1, 0.5), None);
    }
}
