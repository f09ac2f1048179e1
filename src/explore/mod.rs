//! The dataset explorer: a dataset seen through a model. A background job ([`job`]) runs
//! a classifier (a checkpoint, or the bundled ImageNet MobileNetV2; [`embed`]) over an
//! ImageFolder ([`dataset`]) and keeps one vector per image — its penultimate layer — with
//! the model's prediction, cached on disk ([`cache`]). Pure functions then draw the 2-D map
//! ([`pca`]), find nearest neighbours ([`neighbours`]), rank likely label errors
//! ([`label_errors`]) and pair near-duplicates ([`duplicates`]). What comes out is plain
//! data ([`crate::core::protocol::ExploreReport`]).

pub mod cache;
pub mod dataset;
pub mod duplicates;
pub mod embed;
pub mod export;
pub mod job;
pub mod label_errors;
pub mod neighbours;
pub mod pca;
pub mod pictures;
pub mod similar;
pub mod tsne;

pub use job::spawn;

/// Why an analysis step could not run.
#[derive(Debug, thiserror::Error)]
pub enum ExploreError {
    /// Vectors and their stated length do not agree.
    #[error("{values} values do not make vectors of length {dim}")]
    Shape {
        /// Values given.
        values: usize,
        /// The vector length.
        dim: usize,
    },
    /// Tensor data could not be read back.
    #[error("reading tensor data: {0}")]
    Tensor(String),
}

/// Checks that `values` holds whole vectors of length `dim` and returns how many.
pub fn rows(values: &[f32], dim: usize) -> Result<usize, ExploreError> {
    if values.is_empty() {
        return Ok(0);
    }
    if dim == 0 || !values.len().is_multiple_of(dim) {
        return Err(ExploreError::Shape {
            values: values.len(),
            dim,
        });
    }
    Ok(values.len() / dim)
}
