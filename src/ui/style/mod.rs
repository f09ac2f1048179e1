//! The Style tab: stylize a photo with a painting (or built-in styles) and export it.

pub mod previews;
pub mod state;
pub mod view;

pub use state::StyleTab;
