//! Training jobs: the protocol, the job thread, checkpoints and metrics.

pub mod checkpoint;
pub mod control;
pub mod detection_metrics;
pub mod engine;
pub mod explain;
pub mod metrics;
pub mod protocol;
pub mod segmentation;
// --- adversarial / compression ---
pub mod controls;
