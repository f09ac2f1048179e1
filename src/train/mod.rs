//! The training run every task shares ([`run`]) and the small interface a task implements
//! ([`task`]); checkpoints, controls (pause, resume, stop, save), the optimizer and
//! learning-rate schedule, metrics used by several tasks, and the run folder every run keeps
//! its model and record in ([`run_folder`], [`record`]), reading records back ([`runs`]), and
//! sweeps: the runs of a list or range of one or two settings ([`sweep`]).

pub mod checkpoint;
pub mod control;
pub mod eval_split;
pub mod metrics;
pub mod readback;
pub mod record;
pub mod run;
pub mod run_folder;
pub mod runs;
pub mod schedule;
pub mod sweep;
pub mod task;
pub mod transfer;
