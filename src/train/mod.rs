//! The training run every task shares ([`run`]) and the small interface a task implements
//! ([`task`]); checkpoints, controls (pause, resume, stop, save), the optimizer and
//! learning-rate schedule, and metrics used by several tasks.

pub mod checkpoint;
pub mod control;
pub mod metrics;
pub mod run;
pub mod schedule;
pub mod task;
