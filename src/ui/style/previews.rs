//! The built-in styles' previews as the Style tab keeps them: made once a session by the
//! previews job ([`crate::style::previews`]) when the picker is first shown, taken in as
//! they arrive, and kept for the rest of the session.

use crate::core::job::{JobHandle, Waker};
use crate::core::protocol::{DeviceChoice, StyleEvent};
use crate::style::fast::STYLES;
use crate::style::previews;
use crate::ui::jobs::{DrainEnd, LAB_EVENTS_PER_FRAME, LabReport, drain};
use crate::ui::widgets::textures::Picture;

/// The previews made so far, and the job making the rest.
pub struct BuiltinPreviews {
    /// One slot per built-in style, filled as its preview arrives.
    pub pictures: Vec<Option<Picture>>,
    /// Why the previews could not be made (the picker then shows numbers only).
    pub error: Option<String>,
    job: Option<JobHandle>,
}

impl Default for BuiltinPreviews {
    fn default() -> Self {
        BuiltinPreviews {
            pictures: vec![None; STYLES],
            error: None,
            job: None,
        }
    }
}

impl BuiltinPreviews {
    /// Starts the job for the previews still missing on `device`, unless it runs, all are
    /// made, or it failed before (no retry loop over a missing file).
    pub fn start(&mut self, device: DeviceChoice, wake: Waker) {
        if self.job.is_some() || self.error.is_some() {
            return;
        }
        let missing: Vec<usize> = (0..STYLES)
            .filter(|&i| self.pictures[i].is_none())
            .collect();
        if !missing.is_empty() {
            self.job = Some(previews::spawn(missing, device, wake));
        }
    }

    /// Whether the job is making previews.
    pub fn making(&self) -> bool {
        self.job.is_some()
    }

    /// How many previews are made.
    pub fn made(&self) -> usize {
        self.pictures.iter().filter(|p| p.is_some()).count()
    }

    /// The preview of `style`, once made.
    pub fn get(&self, style: usize) -> Option<&Picture> {
        self.pictures.get(style).and_then(Option::as_ref)
    }

    /// Takes in what the job sent; true while it runs.
    pub fn poll(&mut self) -> bool {
        let Some(job) = &self.job else {
            return false;
        };
        let (events, end) = drain(job, LAB_EVENTS_PER_FRAME);
        let mut ended = end == DrainEnd::Disconnected;
        for event in events {
            match LabReport::style(event) {
                LabReport::Own(StyleEvent::BuiltinPreview { style, image }) => {
                    if let Some(slot) = self.pictures.get_mut(style) {
                        *slot = Some(Picture::new(image));
                    }
                }
                // A stylization's events; this job sends none of them.
                LabReport::Own(
                    StyleEvent::Inputs { .. }
                    | StyleEvent::Progress { .. }
                    | StyleEvent::Preview(_)
                    | StyleEvent::Result { .. },
                ) => {}
                // The picker says where the previews stand; the status bar is the run's.
                LabReport::Device(_) | LabReport::Log(_) | LabReport::Ignored => {}
                LabReport::Finished(_) => ended = true,
                LabReport::Failed(message) => {
                    self.error = Some(message);
                    ended = true;
                }
            }
        }
        if ended {
            self.job = None;
            if self.error.is_none() && self.made() < STYLES {
                self.error = Some("the previews job ended early".into());
            }
        }
        self.job.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_made_before_the_picker_asks() {
        let mut previews = BuiltinPreviews::default();
        assert_eq!((previews.made(), previews.making()), (0, false));
        assert!(!previews.poll());
        assert!(previews.get(0).is_none() && previews.get(STYLES).is_none());
    }
}
