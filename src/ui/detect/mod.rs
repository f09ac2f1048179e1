//! The Detect tab: train a detector and watch its boxes and instance masks over the
//! validation images, or find faces in any photo with the bundled face detector.

pub mod boxes_panel;
pub mod confusion_panel;
pub mod curves_panel;
pub mod errors_state;
pub mod faces;
pub mod label_layout;
pub mod palette;
pub mod state;
pub mod view;

pub use state::DetectTab;
