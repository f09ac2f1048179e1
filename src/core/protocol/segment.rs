//! What a segmentation run reports about its validation split.

use serde::{Deserialize, Serialize};

use super::RgbaImage;

/// Segmentation metrics on the validation split after an epoch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentationSummary {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Pixels labelled right over all counted (not ignored) pixels, 0..1.
    pub pixel_accuracy: f32,
    /// Mean over classes present of intersection over union, 0..1.
    pub mean_iou: f32,
    /// IoU of each class; `None` for a class absent from both truth and prediction.
    pub class_iou: Vec<Option<f32>>,
}

/// One validation image with its true and predicted masks.
#[derive(Clone, Debug, PartialEq)]
pub struct MaskPrediction {
    /// The image as the network saw it.
    pub image: RgbaImage,
    /// `width * height` true class indices (255 = ignored).
    pub truth: Vec<u8>,
    /// `width * height` predicted class indices.
    pub predicted: Vec<u8>,
    /// The file stem (or sample number).
    pub name: String,
}

/// Job → UI events of a segmentation run (carried by [`Event::Segment`](super::Event::Segment)).
#[derive(Clone, Debug, PartialEq)]
pub enum SegmentEvent {
    /// Validation pixel accuracy and IoU after an epoch.
    Metrics(SegmentationSummary),
    /// Sample validation masks after an epoch.
    Masks(Vec<MaskPrediction>),
    /// The pixel confusion matrix of the validation split after an epoch.
    Confusion(PixelConfusion),
}

/// Validation pixels counted by true and predicted class (ignored pixels left out).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PixelConfusion {
    /// 1-based epoch number.
    pub epoch: usize,
    /// `counts[truth][predicted]`, one row and column per class.
    pub counts: Vec<Vec<u64>>,
}
