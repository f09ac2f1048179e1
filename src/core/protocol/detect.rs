//! Boxes and instance masks, and what a detection run reports about its validation split.

use serde::{Deserialize, Serialize};

use super::RgbaImage;

/// One labelled box in pixel coordinates of its image: 0 <= x0 < x1 <= width, 0 <= y0 <
/// y1 <= height.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LabeledBox {
    /// Index into the dataset's class list.
    pub class: usize,
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge (exclusive).
    pub x1: f32,
    /// Bottom edge (exclusive).
    pub y1: f32,
}

impl LabeledBox {
    /// Width in pixels (0 for an inverted box).
    pub fn width(&self) -> f32 {
        (self.x1 - self.x0).max(0.0)
    }

    /// Height in pixels (0 for an inverted box).
    pub fn height(&self) -> f32 {
        (self.y1 - self.y0).max(0.0)
    }

    /// Area in square pixels.
    pub fn area(&self) -> f32 {
        self.width() * self.height()
    }
}

/// A binary instance mask at the image's size (row-major, 1 = object), one per box, same
/// order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceMask {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height` values, 0 or 1.
    pub pixels: Vec<u8>,
}

impl InstanceMask {
    /// Number of object pixels.
    pub fn area(&self) -> usize {
        self.pixels.iter().filter(|&&p| p != 0).count()
    }
}

/// Detection metrics on the validation split after an epoch (COCO-style average
/// precision).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DetectionSummary {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean average precision at IoU 0.5, 0..1.
    pub map50: f32,
    /// Mean average precision averaged over IoU 0.5:0.05:0.95, 0..1.
    pub map: f32,
    /// AP at IoU 0.5 of each class; `None` for a class absent from the truth.
    pub class_ap50: Vec<Option<f32>>,
}

/// A predicted box with its score and, when the model predicts masks, its instance mask.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredBox {
    /// Class and corners, in the image's pixels.
    pub bbox: LabeledBox,
    /// Confidence, 0..1.
    pub score: f32,
    /// The instance's pixels (image-sized).
    pub mask: Option<InstanceMask>,
}

/// One validation image with its true and predicted boxes.
#[derive(Clone, Debug, PartialEq)]
pub struct BoxPrediction {
    /// The file stem (or sample number).
    pub name: String,
    /// The image as the network saw it.
    pub image: RgbaImage,
    /// True boxes.
    pub truth: Vec<LabeledBox>,
    /// Predicted boxes, best first (down to a low score; the view filters them).
    pub predicted: Vec<ScoredBox>,
}

/// The precision–recall curve of one class at IoU 0.5.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrCurve {
    /// The class.
    pub class: usize,
    /// AP at IoU 0.5 (the mean of the points' precision); `None` without ground truth.
    pub ap50: Option<f32>,
    /// `[recall, precision]` at recall 0, 0.01, …, 1 (precision made non-increasing);
    /// empty for a class without ground truth.
    pub points: Vec<[f32; 2]>,
}

/// F1 against the confidence threshold (IoU 0.5), over all classes and per class.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct F1Curve {
    /// The thresholds 0, 0.01, …, 1.
    pub confidence: Vec<f32>,
    /// Mean F1 over the classes with ground truth at each threshold.
    pub all: Vec<f32>,
    /// F1 of each class at each threshold (empty for a class without ground truth).
    pub per_class: Vec<Vec<f32>>,
    /// The threshold where `all` is highest.
    pub best_confidence: f32,
    /// `all` there.
    pub best_f1: f32,
}

/// The boxes that put one count into a cell of the [`DetectionConfusion`]: a true box
/// and the prediction matched to it, a missed true box, or a false prediction.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfusionEntry {
    /// Index of the image in the validation split.
    pub image: usize,
    /// The true box (`None` for a false prediction).
    pub truth: Option<LabeledBox>,
    /// The predicted box (`None` for a missed true box).
    pub predicted: Option<LabeledBox>,
    /// The prediction's score.
    pub score: Option<f32>,
}

/// A detection confusion matrix the Ultralytics way: rows are true classes, columns
/// predicted ones, and index `classes` in either is the background. Predictions at or
/// above `confidence` are matched to true boxes (any class) at IoU ≥ `iou`, best IoU
/// first, one to one; a matched pair counts at (true class, predicted class), an unmatched
/// true box at (class, background) (missed), an unmatched prediction at (background,
/// class) (a false box).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DetectionConfusion {
    /// Number of object classes (the matrix has one more row and column).
    pub classes: usize,
    /// Lowest score of a counted prediction.
    pub confidence: f32,
    /// Lowest IoU of a match.
    pub iou: f32,
    /// `counts[truth][predicted]`, `(classes + 1)²` counts.
    pub counts: Vec<Vec<u64>>,
    /// The entries behind each count, `entries[truth][predicted]` (not written to JSON).
    #[serde(skip)]
    pub entries: Vec<Vec<Vec<ConfusionEntry>>>,
}

impl DetectionConfusion {
    /// The index of the background row and column.
    pub fn background(&self) -> usize {
        self.classes
    }

    /// The count at (truth, predicted); 0 outside the matrix.
    pub fn count(&self, truth: usize, predicted: usize) -> u64 {
        self.counts
            .get(truth)
            .and_then(|row| row.get(predicted))
            .copied()
            .unwrap_or(0)
    }

    /// The entries at (truth, predicted); empty outside the matrix.
    pub fn cell(&self, truth: usize, predicted: usize) -> &[ConfusionEntry] {
        self.entries
            .get(truth)
            .and_then(|row| row.get(predicted))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The distinct images of a cell, in split order.
    pub fn cell_images(&self, truth: usize, predicted: usize) -> Vec<usize> {
        let mut images: Vec<usize> = self
            .cell(truth, predicted)
            .iter()
            .map(|e| e.image)
            .collect();
        images.sort_unstable();
        images.dedup();
        images
    }
}

/// The error views of a validation pass: precision–recall curves, the F1–confidence curve
/// and the confusion matrix.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DetectionErrors {
    /// One curve per class.
    pub pr_curves: Vec<PrCurve>,
    /// F1 against the confidence threshold.
    pub f1: Option<F1Curve>,
    /// The confusion matrix with its background row and column.
    pub confusion: DetectionConfusion,
}

/// The error views after an epoch, with the validation images their cells point at.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorViews {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Curves and matrix.
    pub errors: DetectionErrors,
    /// Validation images by index (the first ones of the split, up to a limit).
    pub images: Vec<RgbaImage>,
}

/// Job → UI events of a detection run (carried by [`Event::Detect`](super::Event::Detect)).
#[derive(Clone, Debug, PartialEq)]
pub enum DetectEvent {
    /// mAP on the validation split after an epoch.
    Metrics(DetectionSummary),
    /// Validation images with true and predicted boxes after an epoch.
    Boxes(Vec<BoxPrediction>),
    /// PR and F1 curves and the confusion matrix after an epoch.
    Errors(Box<ErrorViews>),
    /// Faces the bundled face detector found in a photo (the "Pretrained: faces" model).
    Faces(super::FacesFound),
}
