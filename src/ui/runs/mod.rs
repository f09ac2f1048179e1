//! The Runs tab: every recorded run (see [`crate::train::record`]) in a table that sorts and
//! filters, with rename, note, delete, "open checkpoint" and "run again"; the ticked runs'
//! curves overlaid; and a hyperparameter against the metric.
//!
//! - [`state`]: the runs folder read off the UI thread, filters, sort, ticks, edits;
//! - [`view`]: the tab's frame; [`table`]: the table and its filters; [`details`]: the
//!   selected run; [`compare`]: curves overlaid; [`hparams`]: the hyperparameter view.
//!
//! `visionlab bench --only ui` times the tab ([`crate::ui::frame_timing::time_runs_panel`]).

pub mod compare;
pub mod details;
pub mod hparams;
pub mod state;
pub mod table;
pub mod view;

pub use state::{Column, RunsAction, RunsTab};
