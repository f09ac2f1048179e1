//! What a trained classifier learned, as plain data for the panels: every validation image,
//! the model's answer for each, the confusion matrix and per-class metrics built from them,
//! the cell the user picked, the latest saliency / Grad-CAM explanation and the class it
//! explains, and the words a thumbnail uses for an answer.

use crate::core::protocol::{Explanation, RgbaImage, ValidationOutcome};
use crate::train::metrics::Confusion;
use crate::ui::widgets::textures::Picture;

/// Which view fills the lower half of the Classify tab.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InsightView {
    /// The sample of predictions after each epoch.
    #[default]
    Predictions,
    /// Confusion matrix, per-class metrics and the image gallery.
    Confusion,
    /// Saliency map and Grad-CAM of one image.
    Explain,
}

impl InsightView {
    /// All views, in tab order.
    pub const ALL: [InsightView; 3] = [
        InsightView::Predictions,
        InsightView::Confusion,
        InsightView::Explain,
    ];

    /// Name shown on its tab.
    pub fn label(self) -> &'static str {
        match self {
            InsightView::Predictions => "Sample predictions",
            InsightView::Confusion => "Confusion & mistakes",
            InsightView::Explain => "Saliency & Grad-CAM",
        }
    }
}

/// What a thumbnail's hover text says about one answer: the true class and the prediction
/// with its confidence (0..1), e.g. "true: 7 → pred: 1 (93%)".
pub fn answer_caption(truth: &str, predicted: &str, confidence: f32) -> String {
    format!(
        "true: {truth} → pred: {predicted} ({:.0}%)",
        confidence * 100.0
    )
}

/// Precision, recall, F1 and the number of validation images of one class.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassMetrics {
    /// Right among those predicted as the class.
    pub precision: f32,
    /// Found among those of the class.
    pub recall: f32,
    /// Harmonic mean of the two.
    pub f1: f32,
    /// Validation images of the class.
    pub support: u64,
}

/// An explanation with its pictures ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplanationView {
    /// The validation image's index.
    pub index: usize,
    /// Class explained.
    pub class: usize,
    /// Its probability.
    pub confidence: f32,
    /// The class the model predicts.
    pub predicted: usize,
    /// Whether `class` was chosen (else it is the prediction).
    pub chosen: bool,
    /// The image.
    pub image: Picture,
    /// Saliency blended over it.
    pub saliency: Picture,
    /// Grad-CAM blended over it.
    pub grad_cam: Picture,
    /// Whether Grad-CAM found no region that raises the class's score.
    pub grad_cam_empty: bool,
}

/// Everything the confusion and explanation panels show.
#[derive(Clone, Debug, Default)]
pub struct InsightState {
    /// The view chosen.
    pub view: InsightView,
    /// Every validation image, in validation order.
    pub images: Vec<Picture>,
    /// The model's answers after the latest epoch.
    pub outcome: Option<ValidationOutcome>,
    /// Counts of (truth, predicted) for `outcome`.
    pub matrix: Option<Confusion>,
    /// The confusion cell picked: (true class, predicted class).
    pub selected: Option<(usize, usize)>,
    /// The latest explanation.
    pub explanation: Option<ExplanationView>,
    /// The image an explanation was asked for and has not arrived yet.
    pub explaining: Option<usize>,
    /// The class to explain; `None`: the predicted one.
    pub target: Option<usize>,
    /// The validation image picked to explain (the last one asked for, or edited).
    pub picked: usize,
}

impl InsightState {
    /// Forgets everything of the previous run (the chosen view stays).
    pub fn clear(&mut self) {
        *self = InsightState {
            view: self.view,
            ..InsightState::default()
        };
    }

    /// Takes the validation pictures of a run.
    pub fn set_images(&mut self, images: Vec<RgbaImage>) {
        self.images = images.into_iter().map(Picture::new).collect();
    }

    /// Takes an epoch's answers and rebuilds the matrix over `classes` classes. The
    /// picked cell stays picked.
    pub fn set_outcome(&mut self, outcome: ValidationOutcome, classes: usize) {
        let classes = outcome
            .truth
            .iter()
            .chain(&outcome.predicted)
            .map(|&c| c + 1)
            .max()
            .unwrap_or(0)
            .max(classes);
        let mut matrix = Confusion::new(classes);
        for (&t, &p) in outcome.truth.iter().zip(&outcome.predicted) {
            matrix.add(t, p);
        }
        self.matrix = Some(matrix);
        self.outcome = Some(outcome);
    }

    /// Takes an explanation.
    pub fn set_explanation(&mut self, e: Explanation) {
        if self.explaining == Some(e.index) {
            self.explaining = None;
        }
        self.explanation = Some(ExplanationView {
            index: e.index,
            class: e.class,
            confidence: e.confidence,
            predicted: e.predicted,
            chosen: e.chosen,
            image: Picture::new(e.image),
            saliency: Picture::new(e.saliency),
            grad_cam: Picture::new(e.grad_cam),
            grad_cam_empty: e.grad_cam_peak <= 0.0,
        });
    }

    /// Indices of the validation images in confusion cell (`truth`, `predicted`), most
    /// confident first.
    pub fn cell_items(&self, truth: usize, predicted: usize) -> Vec<usize> {
        self.items_where(|t, p| t == truth && p == predicted)
    }

    /// Indices of the wrongly classified validation images, most confident first.
    pub fn confident_mistakes(&self) -> Vec<usize> {
        self.items_where(|t, p| t != p)
    }

    fn items_where(&self, keep: impl Fn(usize, usize) -> bool) -> Vec<usize> {
        let Some(o) = &self.outcome else {
            return Vec::new();
        };
        let mut items: Vec<usize> = (0..o.truth.len().min(o.predicted.len()))
            .filter(|&i| keep(o.truth[i], o.predicted[i]))
            .collect();
        let confidence = |i: usize| o.confidence.get(i).copied().unwrap_or(0.0);
        items.sort_by(|&a, &b| confidence(b).total_cmp(&confidence(a)).then(a.cmp(&b)));
        items
    }

    /// Precision, recall, F1 and support per class.
    pub fn class_metrics(&self) -> Vec<ClassMetrics> {
        let Some(m) = &self.matrix else {
            return Vec::new();
        };
        m.precision_recall_f1()
            .into_iter()
            .enumerate()
            .map(|(c, (precision, recall, f1))| ClassMetrics {
                precision,
                recall,
                f1,
                support: (0..m.classes()).map(|p| m.get(c, p)).sum(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// truth:      0 0 0 1 1 2
    /// predicted:  0 1 1 1 0 2
    fn state() -> InsightState {
        let mut s = InsightState::default();
        s.set_outcome(
            ValidationOutcome {
                epoch: 1,
                truth: vec![0, 0, 0, 1, 1, 2],
                predicted: vec![0, 1, 1, 1, 0, 2],
                confidence: vec![0.9, 0.6, 0.8, 0.7, 0.95, 0.5],
            },
            3,
        );
        s
    }

    #[test]
    fn matrix_and_metrics_by_hand() {
        let s = state();
        let m = s.matrix.as_ref().unwrap();
        assert_eq!(
            (m.get(0, 0), m.get(0, 1), m.get(1, 0), m.get(1, 1)),
            (1, 2, 1, 1)
        );
        assert_eq!(m.get(2, 2), 1);
        let metrics = s.class_metrics();
        // class 0: tp 1, predicted 0 twice → P 1/2; 3 of class 0 → R 1/3; F1 = 2·(1/6)/(5/6) = 0.4.
        assert!((metrics[0].precision - 0.5).abs() < 1e-6);
        assert!((metrics[0].recall - 1.0 / 3.0).abs() < 1e-6);
        assert!((metrics[0].f1 - 0.4).abs() < 1e-6);
        assert_eq!(metrics[0].support, 3);
        // class 1: tp 1, predicted 1 three times → P 1/3; 2 of class 1 → R 1/2; F1 = 0.4.
        assert!((metrics[1].precision - 1.0 / 3.0).abs() < 1e-6);
        assert!((metrics[1].recall - 0.5).abs() < 1e-6);
        assert!((metrics[1].f1 - 0.4).abs() < 1e-6);
        // class 2: perfect.
        assert_eq!(
            (
                metrics[2].precision,
                metrics[2].recall,
                metrics[2].f1,
                metrics[2].support
            ),
            (1.0, 1.0, 1.0, 1)
        );
    }

    #[test]
    fn cells_and_mistakes_most_confident_first() {
        let s = state();
        assert_eq!(s.cell_items(0, 1), vec![2, 1]);
        assert_eq!(s.cell_items(2, 2), vec![5]);
        assert!(s.cell_items(2, 0).is_empty());
        assert_eq!(s.confident_mistakes(), vec![4, 2, 1]);
    }

    #[test]
    fn captions_name_the_truth_and_the_prediction() {
        assert_eq!(answer_caption("7", "1", 0.934), "true: 7 → pred: 1 (93%)");
    }

    #[test]
    fn clearing_keeps_the_view() {
        let mut s = state();
        s.view = InsightView::Confusion;
        s.selected = Some((0, 1));
        s.clear();
        assert_eq!(s.view, InsightView::Confusion);
        assert!(s.outcome.is_none() && s.selected.is_none());
    }
}
