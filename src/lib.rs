//! visionlab: a desktop workbench for computer-vision experiments.
//!
//! Layers, lowest first (imports point down only; see CODE_STYLE.md):
//! [`core`] (protocol, jobs, devices, files) and [`kernels`] (our CPU tensor ops) →
//! [`data`] and [`models`] → [`train`] → [`tasks`] and the labs ([`attack`], [`compress`],
//! [`explore`], [`style`]) → [`ui`] → [`bench`] and [`cli`]. The UI and the jobs only talk
//! through [`core::protocol`].

pub mod core;
pub mod kernels;

pub mod data;
pub mod models;

pub mod train;

pub mod tasks;

pub mod attack;
pub mod compress;
pub mod explore;
pub mod style;

pub mod ui;

pub mod bench;
pub mod cli;
