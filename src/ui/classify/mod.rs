//! The Classify tab: train an image classifier and watch it learn; then see what it
//! learned (sample predictions, confusion matrix and mistakes, saliency and Grad-CAM).

pub mod confusion_panel;
pub mod insight;
pub mod predictions_panel;
pub mod saliency_panel;
pub mod state;
pub mod view;

pub use state::ClassifyTab;
