//! The Explore tab: a dataset seen through a model — the embedding map with thumbnails
//! (zoom, pan, hover, box and lasso selection), the selection's gallery and export, the
//! nearest neighbours of any image, and the likely label errors and duplicates.

pub mod atlas;
pub mod controls;
pub mod gallery;
pub mod lists_panel;
pub mod map;
pub mod similar_panel;
pub mod state;
pub mod view;

pub use state::ExploreTab;
