//! What a classification run reports about its validation split.

use super::RgbaImage;

/// One validation image with what the model said about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// The image as the network saw it (before normalisation).
    pub image: RgbaImage,
    /// Predicted class index.
    pub predicted: usize,
    /// True class index.
    pub truth: usize,
    /// Softmax probability of the predicted class.
    pub confidence: f32,
}

/// The model's answer for every validation image, in validation order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValidationOutcome {
    /// 1-based epoch the outcome is from.
    pub epoch: usize,
    /// True class of each image.
    pub truth: Vec<usize>,
    /// Predicted class of each image.
    pub predicted: Vec<usize>,
    /// Softmax probability of the predicted class.
    pub confidence: Vec<f32>,
}

/// Which validation image to explain, and for which class (answered with
/// [`ClassifyEvent::Explanation`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExplainRequest {
    /// The validation image's index.
    pub index: usize,
    /// The class whose score is explained; `None`: the predicted class.
    pub class: Option<usize>,
}

/// Where a classifier looked when it classified one validation image.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The validation image's index.
    pub index: usize,
    /// The class explained (the predicted one unless another was asked for).
    pub class: usize,
    /// Its probability.
    pub confidence: f32,
    /// The class the model predicts.
    pub predicted: usize,
    /// Whether `class` was asked for (else it is the prediction).
    pub chosen: bool,
    /// The image as the network saw it.
    pub image: RgbaImage,
    /// |∂ class score / ∂ pixel| as a heat map blended over the image.
    pub saliency: RgbaImage,
    /// Grad-CAM of the last feature map, blended over the image.
    pub grad_cam: RgbaImage,
    /// Grad-CAM's largest value before scaling: 0 when no region raises the class's score
    /// (the map is then empty).
    pub grad_cam_peak: f32,
}

/// Job → UI events of a classification run (carried by [`Event::Classify`](super::Event::Classify)).
#[derive(Clone, Debug, PartialEq)]
pub enum ClassifyEvent {
    /// Sample validation predictions after an epoch.
    Predictions(Vec<Prediction>),
    /// Every validation image as a small picture, in validation order (sent once, before
    /// the first [`ClassifyEvent::Validation`]).
    ValidationImages(Vec<RgbaImage>),
    /// What the model said about every validation image after an epoch.
    Validation(ValidationOutcome),
    /// A saliency map and Grad-CAM, answering [`Command::Explain`](super::Command::Explain).
    Explanation(Explanation),
}
