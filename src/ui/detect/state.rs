//! What only the Detect tab shows: the mAP of each epoch, the validation boxes, and the
//! bundled face detector's panel.

use crate::core::protocol::{DetectEvent, DetectionSummary, Event};
use crate::ui::detect::boxes_panel::BoxesState;
use crate::ui::detect::errors_state::ErrorsState;
use crate::ui::detect::faces::FacesPanel;
use crate::ui::settings::Settings;
use crate::ui::training::{RunState, TaskTab};
use crate::ui::widgets::status_bar::Status;

/// The Detect tab's own state, beside its run.
#[derive(Default)]
pub struct DetectTab {
    /// mAP after each epoch.
    pub metrics: Vec<DetectionSummary>,
    /// Validation boxes, instance masks and the boxes view's controls.
    pub boxes: BoxesState,
    /// PR and F1 curves and the confusion matrix of the last epoch.
    pub errors: ErrorsState,
    /// The "Pretrained: faces" model's photo and faces.
    pub faces: FacesPanel,
}

impl TaskTab for DetectTab {
    type Event = DetectEvent;

    fn new(_settings: &Settings) -> Self {
        DetectTab::default()
    }

    fn own(event: Event) -> Result<DetectEvent, Event> {
        match event {
            Event::Detect(event) => Ok(event),
            other => Err(other),
        }
    }

    fn apply(&mut self, event: DetectEvent, _run: &RunState, status: &mut Status) {
        match event {
            DetectEvent::Metrics(summary) => {
                status.log(format!(
                    "Epoch {}: mAP@0.5 {:.3}, mAP@0.5:0.95 {:.3}",
                    summary.epoch, summary.map50, summary.map
                ));
                self.metrics.push(summary);
            }
            DetectEvent::Boxes(boxes) => self.boxes.set_boxes(boxes),
            DetectEvent::Errors(views) => self.errors.set(*views),
            DetectEvent::Faces(found) => self.faces.take_found(found),
        }
    }

    fn clear(&mut self) {
        self.metrics.clear();
        self.boxes.clear();
        self.errors.clear();
    }

    fn resume(&mut self, saved_step: Option<u64>) {
        // The mAP of earlier epochs stays when the run resumes from this session.
        if saved_step.is_none() {
            self.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::training::TrainingTab;

    #[test]
    fn detect_events_reach_the_tab() {
        let mut tab = TrainingTab::<DetectTab>::new(Settings::default());
        let mut status = Status::default();
        tab.apply(
            Event::Detect(DetectEvent::Metrics(DetectionSummary {
                epoch: 1,
                map50: 0.5,
                map: 0.3,
                class_ap50: vec![Some(0.5)],
            })),
            &mut status,
        );
        tab.apply(Event::Detect(DetectEvent::Boxes(Vec::new())), &mut status);
        assert_eq!(tab.task.metrics.len(), 1);
        assert!(
            status
                .log
                .as_deref()
                .is_some_and(|l| l.contains("mAP@0.5 0.500"))
        );
        tab.task.resume(None);
        assert!(tab.task.metrics.is_empty());
    }
}
