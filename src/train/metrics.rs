//! Classification metrics computed from logits pulled back to the CPU.

/// For each row of `logits` (`rows × classes`, row-major): the arg-max class and its softmax
/// probability.
pub fn top1(logits: &[f32], classes: usize) -> Vec<(usize, f32)> {
    if classes == 0 {
        return Vec::new();
    }
    logits
        .chunks_exact(classes)
        .map(|row| {
            let (best, max) =
                row.iter()
                    .copied()
                    .enumerate()
                    .fold(
                        (0, f32::NEG_INFINITY),
                        |acc, (i, v)| {
                            if v > acc.1 { (i, v) } else { acc }
                        },
                    );
            let sum: f32 = row.iter().map(|v| (v - max).exp()).sum();
            (best, 1.0 / sum)
        })
        .collect()
}

/// Fraction of `predicted` equal to `truth` (0 for empty input).
pub fn accuracy(predicted: &[usize], truth: &[usize]) -> f32 {
    if predicted.is_empty() {
        return 0.0;
    }
    let right = predicted.iter().zip(truth).filter(|(p, t)| p == t).count();
    right as f32 / predicted.len() as f32
}

/// Running sums for a mean loss and an accuracy over many batches.
#[derive(Clone, Copy, Debug, Default)]
pub struct Running {
    loss_sum: f64,
    correct: usize,
    seen: usize,
}

impl Running {
    /// Adds a batch: its mean loss, how many it got right, and its size.
    pub fn add(&mut self, mean_loss: f32, correct: usize, n: usize) {
        self.loss_sum += mean_loss as f64 * n as f64;
        self.correct += correct;
        self.seen += n;
    }

    /// Mean loss over everything added.
    pub fn loss(&self) -> f32 {
        if self.seen == 0 {
            0.0
        } else {
            (self.loss_sum / self.seen as f64) as f32
        }
    }

    /// Accuracy over everything added.
    pub fn accuracy(&self) -> f32 {
        if self.seen == 0 {
            0.0
        } else {
            self.correct as f32 / self.seen as f32
        }
    }
}

/// A confusion matrix: `counts[truth][predicted]`. Serves per-class classification metrics
/// and, counted per pixel, segmentation's pixel accuracy and IoU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confusion {
    classes: usize,
    counts: Vec<u64>,
}

impl Confusion {
    /// Label value that is never counted (Pascal VOC's "void" border).
    pub const IGNORE: u8 = 255;

    /// An empty matrix for `classes` classes.
    pub fn new(classes: usize) -> Self {
        Confusion {
            classes,
            counts: vec![0; classes * classes],
        }
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Counts one (truth, predicted) pair; out-of-range values are ignored.
    pub fn add(&mut self, truth: usize, predicted: usize) {
        if truth < self.classes && predicted < self.classes {
            self.counts[truth * self.classes + predicted] += 1;
        }
    }

    /// Counts label maps pixel by pixel, skipping [`Confusion::IGNORE`] in `truth`.
    pub fn add_pixels(&mut self, truth: &[u8], predicted: &[u8]) {
        for (&t, &p) in truth.iter().zip(predicted) {
            if t != Self::IGNORE {
                self.add(t as usize, p as usize);
            }
        }
    }

    /// How many items of class `truth` were predicted as `predicted`.
    pub fn get(&self, truth: usize, predicted: usize) -> u64 {
        self.counts
            .get(truth * self.classes + predicted)
            .copied()
            .unwrap_or(0)
    }

    /// All counted items.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Fraction on the diagonal (pixel accuracy for segmentation).
    pub fn accuracy(&self) -> f32 {
        let total = self.total();
        if total == 0 {
            return 0.0;
        }
        let right: u64 = (0..self.classes).map(|c| self.get(c, c)).sum();
        right as f32 / total as f32
    }

    /// Intersection over union per class; `None` for a class absent from both truth and
    /// prediction.
    pub fn iou(&self) -> Vec<Option<f32>> {
        (0..self.classes)
            .map(|c| {
                let tp = self.get(c, c);
                let row: u64 = (0..self.classes).map(|p| self.get(c, p)).sum();
                let col: u64 = (0..self.classes).map(|t| self.get(t, c)).sum();
                let union = row + col - tp;
                (union > 0).then(|| tp as f32 / union as f32)
            })
            .collect()
    }

    /// Mean IoU over the classes that occur.
    pub fn mean_iou(&self) -> f32 {
        let present: Vec<f32> = self.iou().into_iter().flatten().collect();
        if present.is_empty() {
            0.0
        } else {
            present.iter().sum::<f32>() / present.len() as f32
        }
    }

    /// Precision, recall and F1 per class (0 where undefined).
    pub fn precision_recall_f1(&self) -> Vec<(f32, f32, f32)> {
        (0..self.classes)
            .map(|c| {
                let tp = self.get(c, c) as f32;
                let row: u64 = (0..self.classes).map(|p| self.get(c, p)).sum();
                let col: u64 = (0..self.classes).map(|t| self.get(t, c)).sum();
                let precision = if col == 0 { 0.0 } else { tp / col as f32 };
                let recall = if row == 0 { 0.0 } else { tp / row as f32 };
                let f1 = if precision + recall == 0.0 {
                    0.0
                } else {
                    2.0 * precision * recall / (precision + recall)
                };
                (precision, recall, f1)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top1_takes_argmax_and_softmax() {
        let logits = [0.0, 0.0, 1.0, 2.0, 0.0, 0.0];
        let out = top1(&logits, 3);
        assert_eq!(out[0].0, 2);
        let p = 1.0f32.exp() / (2.0 + 1.0f32.exp());
        assert!((out[0].1 - p).abs() < 1e-6);
        assert_eq!(out[1].0, 0);
    }

    #[test]
    fn accuracy_and_running_means() {
        assert_eq!(accuracy(&[1, 2, 3, 4], &[1, 2, 0, 0]), 0.5);
        assert_eq!(accuracy(&[], &[]), 0.0);
        let mut r = Running::default();
        r.add(1.0, 1, 2);
        r.add(4.0, 2, 2);
        assert!((r.loss() - 2.5).abs() < 1e-6);
        assert!((r.accuracy() - 0.75).abs() < 1e-6);
    }

    #[test]
    fn confusion_iou_and_pixel_accuracy_by_hand() {
        // truth:     0 0 1 1 2 255
        // predicted: 0 1 1 1 0 2
        let mut c = Confusion::new(3);
        c.add_pixels(&[0, 0, 1, 1, 2, 255], &[0, 1, 1, 1, 0, 2]);
        assert_eq!(c.total(), 5, "the ignore pixel is not counted");
        assert!((c.accuracy() - 3.0 / 5.0).abs() < 1e-6);
        let iou = c.iou();
        // class 0: tp 1, truth 2, predicted 2 → 1 / 3
        assert!((iou[0].unwrap() - 1.0 / 3.0).abs() < 1e-6);
        // class 1: tp 2, truth 2, predicted 3 → 2 / 3
        assert!((iou[1].unwrap() - 2.0 / 3.0).abs() < 1e-6);
        // class 2: tp 0, truth 1, predicted 0 → 0
        assert_eq!(iou[2], Some(0.0));
        assert!((c.mean_iou() - 1.0 / 3.0).abs() < 1e-6);
        let prf = c.precision_recall_f1();
        assert!((prf[1].0 - 2.0 / 3.0).abs() < 1e-6 && (prf[1].1 - 1.0).abs() < 1e-6);
    }

    #[test]
    fn absent_classes_do_not_count_in_miou() {
        let mut c = Confusion::new(4);
        c.add_pixels(&[0, 1], &[0, 1]);
        assert_eq!(c.iou()[3], None);
        assert_eq!(c.mean_iou(), 1.0);
    }
}
