//! The Compress tab: shrink a trained classifier (int8 weights, magnitude pruning) and
//! compare size, accuracy and latency before and after.

pub mod state;
pub mod view;

pub use state::CompressTab;
