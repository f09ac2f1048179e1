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

/// Job → UI events of a detection run (carried by [`Event::Detect`](super::Event::Detect)).
#[derive(Clone, Debug, PartialEq)]
pub enum DetectEvent {
    /// mAP on the validation split after an epoch.
    Metrics(DetectionSummary),
    /// Validation images with true and predicted boxes after an epoch.
    Boxes(Vec<BoxPrediction>),
    /// Faces the bundled face detector found in a photo (the "Pretrained: faces" model).
    Faces(super::FacesFound),
}
