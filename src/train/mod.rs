//! Training jobs: the protocol, the job thread, checkpoints and metrics.

pub mod checkpoint;
pub mod engine;
pub mod metrics;
pub mod protocol;
// --- adversarial / compression ---
pub mod controls;
