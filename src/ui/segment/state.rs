//! What only the Segment tab shows: the mask metrics of each epoch and the validation masks
//! for the overlay.

use crate::core::protocol::{Event, PixelConfusion, SegmentEvent, SegmentationSummary};
use crate::ui::segment::overlay::OverlayState;
use crate::ui::settings::Settings;
use crate::ui::training::{RunState, TaskTab};
use crate::ui::widgets::status_bar::Status;

/// The Segment tab's own state, beside its run.
#[derive(Clone, Debug, Default)]
pub struct SegmentTab {
    /// Mask metrics per epoch, with the global step at which the epoch ended.
    pub metrics: Vec<(u64, SegmentationSummary)>,
    /// Validation masks and the overlay's controls.
    pub overlay: OverlayState,
    /// The pixel confusion matrix of the last epoch.
    pub confusion: Option<PixelConfusion>,
    /// Whether the per-class IoU and the pixel confusion matrix replace the overlay.
    pub errors_shown: bool,
}

impl SegmentTab {
    /// The metrics of the last evaluated epoch.
    pub fn last_metrics(&self) -> Option<&SegmentationSummary> {
        self.metrics.last().map(|(_, summary)| summary)
    }
}

impl TaskTab for SegmentTab {
    type Event = SegmentEvent;

    fn new(_settings: &Settings) -> Self {
        SegmentTab::default()
    }

    fn own(event: Event) -> Result<SegmentEvent, Event> {
        match event {
            Event::Segment(event) => Ok(event),
            other => Err(other),
        }
    }

    fn apply(&mut self, event: SegmentEvent, run: &RunState, status: &mut Status) {
        match event {
            SegmentEvent::Metrics(summary) => {
                status.log(format!(
                    "Epoch {}: mean IoU {:.3}, pixel accuracy {:.1}%",
                    summary.epoch,
                    summary.mean_iou,
                    summary.pixel_accuracy * 100.0
                ));
                self.metrics.push((run.curves.last_step(), summary));
            }
            SegmentEvent::Masks(masks) => self.overlay.set_masks(masks),
            SegmentEvent::Confusion(confusion) => self.confusion = Some(confusion),
        }
    }

    fn clear(&mut self) {
        self.metrics.clear();
        self.overlay.clear();
        self.confusion = None;
    }

    fn resume(&mut self, saved_step: Option<u64>) {
        match saved_step {
            Some(step) => self.metrics.retain(|(at, _)| *at <= step),
            None => self.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::training::TrainingTab;

    fn metrics(epoch: usize) -> Event {
        Event::Segment(SegmentEvent::Metrics(SegmentationSummary {
            epoch,
            pixel_accuracy: 0.9,
            mean_iou: 0.5,
            class_iou: vec![Some(0.5)],
        }))
    }

    #[test]
    fn metrics_sit_at_the_last_step_and_go_with_the_curves() {
        let mut tab = TrainingTab::<SegmentTab>::new(Settings::default());
        let mut status = Status::default();
        for step in 1..=4 {
            tab.apply(
                Event::Step {
                    step,
                    epoch: 1 + (step as usize - 1) / 2,
                    loss: 1.0,
                    steps_per_epoch: 2,
                    learning_rate: 0.01,
                },
                &mut status,
            );
            if step % 2 == 0 {
                tab.apply(metrics(step as usize / 2), &mut status);
            }
        }
        assert_eq!(tab.task.metrics.len(), 2);
        assert_eq!(tab.task.metrics[1].0, 4);
        assert_eq!(tab.task.last_metrics().map(|m| m.epoch), Some(2));
        tab.task.resume(Some(3));
        assert_eq!(tab.task.metrics.len(), 1);
        tab.task.resume(None);
        assert!(tab.task.metrics.is_empty());
    }
}
