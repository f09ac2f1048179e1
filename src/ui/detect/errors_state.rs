//! What the Detect tab keeps of the error views: the last epoch's curves and confusion
//! matrix with the validation images its cells point at, the picked cell, and which page
//! (validation boxes or error views) is shown.

use crate::core::protocol::{ConfusionEntry, DetectionErrors, ErrorViews};
use crate::ui::widgets::textures::Picture;

/// The error views of the last epoch and the confusion view's selection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorsState {
    /// The epoch the views belong to.
    pub epoch: usize,
    /// Curves and matrix; `None` before the first validation.
    pub errors: Option<DetectionErrors>,
    /// Validation images by index (the first ones of the split).
    pub pictures: Vec<Picture>,
    /// The picked cell (truth, predicted); the gallery shows its images.
    pub selected: Option<(usize, usize)>,
    /// Whether the error views replace the validation boxes below the curves.
    pub shown: bool,
}

impl ErrorsState {
    /// Takes in an epoch's error views (the picked cell is kept).
    pub fn set(&mut self, views: ErrorViews) {
        self.epoch = views.epoch;
        self.pictures = views.images.into_iter().map(Picture::new).collect();
        self.errors = Some(views.errors);
    }

    /// Forgets a run's views (a new run starts).
    pub fn clear(&mut self) {
        self.errors = None;
        self.pictures.clear();
        self.selected = None;
    }

    /// The picked cell's images in split order, each with the entries (boxes) it put
    /// there; empty when no cell is picked.
    pub fn gallery(&self) -> Vec<(usize, Vec<ConfusionEntry>)> {
        let (Some((t, p)), Some(errors)) = (self.selected, &self.errors) else {
            return Vec::new();
        };
        errors
            .confusion
            .cell_images(t, p)
            .into_iter()
            .map(|image| {
                let entries = errors
                    .confusion
                    .cell(t, p)
                    .iter()
                    .filter(|e| e.image == image)
                    .copied()
                    .collect();
                (image, entries)
            })
            .collect()
    }
}
