//! visionlab: a desktop workbench for computer-vision experiments.
//!
//! The UI (`ui`) and the jobs (`train`) only talk through [`train::protocol`].

pub mod assets;
pub mod attack;
pub mod compress;
pub mod compute;
pub mod data;
pub mod device;
pub mod models;
pub mod style;
pub mod tasks;
pub mod train;
pub mod ui;
