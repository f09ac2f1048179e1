//! The Segment tab: train a segmenter and watch its masks form over the validation images
//! (drawn by a WGSL shader, or on the CPU where the renderer is not wgpu).

pub mod errors_panel;
pub mod overlay;
pub mod overlay_gpu;
pub mod overlay_panel;
pub mod state;
pub mod view;

pub use state::SegmentTab;
