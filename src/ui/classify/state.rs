//! What only the Classify tab shows: the latest sample of validation predictions and what
//! the classifier learned (every validation answer, the confusion matrix, explanations).

use crate::core::protocol::{ClassifyEvent, Command, Event, ExplainRequest, Prediction};
use crate::ui::classify::insight::{InsightState, InsightView};
use crate::ui::settings::Settings;
use crate::ui::training::{RunState, TaskTab, TrainingTab};
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::Picture;

/// One validation prediction, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictionView {
    /// The image.
    pub picture: Picture,
    /// Predicted class.
    pub predicted: usize,
    /// True class.
    pub truth: usize,
    /// Probability of the predicted class.
    pub confidence: f32,
}

impl PredictionView {
    fn new(prediction: Prediction) -> Self {
        PredictionView {
            picture: Picture::new(prediction.image),
            predicted: prediction.predicted,
            truth: prediction.truth,
            confidence: prediction.confidence,
        }
    }

    /// Whether the model was right.
    pub fn is_correct(&self) -> bool {
        self.predicted == self.truth
    }
}

/// The Classify tab's own state, beside its run.
#[derive(Clone, Debug, Default)]
pub struct ClassifyTab {
    /// Latest sample of validation predictions.
    pub predictions: Vec<PredictionView>,
    /// Show only wrong predictions.
    pub only_mistakes: bool,
    /// Confusion matrix, mistakes and explanations of the run's validation images.
    pub insight: InsightState,
}

impl TaskTab for ClassifyTab {
    type Event = ClassifyEvent;

    fn new(settings: &Settings) -> Self {
        ClassifyTab {
            only_mistakes: settings.only_mistakes,
            ..ClassifyTab::default()
        }
    }

    fn remember(&self, settings: &mut Settings) {
        settings.only_mistakes = self.only_mistakes;
    }

    fn own(event: Event) -> Result<ClassifyEvent, Event> {
        match event {
            Event::Classify(event) => Ok(event),
            other => Err(other),
        }
    }

    fn apply(&mut self, event: ClassifyEvent, run: &RunState, _status: &mut Status) {
        match event {
            ClassifyEvent::Predictions(predictions) => {
                self.predictions = predictions.into_iter().map(PredictionView::new).collect();
            }
            ClassifyEvent::ValidationImages(images) => self.insight.set_images(images),
            ClassifyEvent::Validation(outcome) => {
                self.insight.set_outcome(outcome, run.run_classes.len());
            }
            ClassifyEvent::Explanation(explanation) => self.insight.set_explanation(explanation),
        }
    }

    fn clear(&mut self) {
        self.predictions.clear();
        self.insight.clear();
    }

    fn resume(&mut self, saved_step: Option<u64>) {
        // The validation images and answers stay until the resumed run sends new ones.
        if saved_step.is_none() {
            self.predictions.clear();
        }
    }
}

impl TrainingTab<ClassifyTab> {
    /// Asks the run for the saliency map and Grad-CAM of validation image `index` for its
    /// predicted class, and shows the explanation view.
    pub fn explain(&mut self, index: usize, status: &mut Status) {
        self.task.insight.target = None;
        self.explain_class(index, None, status);
    }

    /// Asks the run to explain validation image `index` for `class` (`None`: the predicted
    /// class), and shows the explanation view.
    pub fn explain_class(&mut self, index: usize, class: Option<usize>, status: &mut Status) {
        self.task.insight.view = InsightView::Explain;
        self.task.insight.target = class;
        self.task.insight.picked = index;
        if !self.run.has_model() {
            status.fail("There is no model to explain: start a run first.");
            return;
        }
        if self
            .run
            .send(Command::Explain(ExplainRequest { index, class }), status)
        {
            self.task.insight.explaining = Some(index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::RgbaImage;
    use crate::ui::training::Phase;

    #[test]
    fn classify_events_reach_the_tab_and_the_rest_the_run() {
        let mut tab = TrainingTab::<ClassifyTab>::new(Settings::default());
        let mut status = Status::default();
        tab.run.phase = Phase::Running;
        tab.apply(
            Event::Classify(ClassifyEvent::Predictions(vec![Prediction {
                image: RgbaImage {
                    width: 1,
                    height: 1,
                    pixels: vec![0; 4],
                },
                predicted: 1,
                truth: 0,
                confidence: 0.7,
            }])),
            &mut status,
        );
        assert_eq!(tab.task.predictions.len(), 1);
        assert!(!tab.task.predictions[0].is_correct());
        tab.apply(Event::Paused { step: 4 }, &mut status);
        assert_eq!(tab.run.phase, Phase::Paused);
        tab.task.only_mistakes = true;
        assert!(tab.settings().only_mistakes);
    }
}
