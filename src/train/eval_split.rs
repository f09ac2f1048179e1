//! Reading a dataset the way a checkpoint's run split it, for measuring the checkpoint on
//! it (`visionlab eval`, the labs): the run's validation fraction, seed and settings at the
//! model's input size, and the check that the data has the model's classes; and what
//! every such report starts with.

use serde::Serialize;

use crate::core::protocol::{DataSpec, TrainConfig};
use crate::train::checkpoint::CheckpointMeta;

/// The config that reads `data` as the checkpoint's run did. "The built-in shapes" means
/// the shapes the model was trained on, when it was.
pub fn split_config(meta: &CheckpointMeta, data: &DataSpec) -> TrainConfig {
    let data = match (data, &meta.config.data) {
        (DataSpec::Shapes { .. }, trained @ DataSpec::Shapes { .. }) => trained,
        _ => data,
    };
    TrainConfig {
        data: data.clone(),
        image_size: Some(meta.input.height as u32),
        resume_from: None,
        ..meta.config.clone()
    }
}

/// Refuses data (described by `data`) whose class list `found` is not the checkpoint's.
pub fn check_classes(
    meta: &CheckpointMeta,
    data: &DataSpec,
    found: &[String],
) -> anyhow::Result<()> {
    if found != meta.classes.as_slice() {
        anyhow::bail!(
            "the model knows classes {:?}, but {} has {:?}",
            meta.classes,
            data.describe(),
            found
        );
    }
    Ok(())
}

/// Refuses a split with no validation images (`config` read it).
pub fn require_validation(config: &TrainConfig, val_images: usize) -> anyhow::Result<()> {
    if val_images == 0 {
        anyhow::bail!(
            "{} has no validation images (validation fraction {})",
            config.data.describe(),
            config.val_fraction
        );
    }
    Ok(())
}

/// What a checkpoint's report on a split starts with (flattened into its JSON).
#[derive(Clone, Debug, Serialize)]
pub struct SplitSummary {
    /// The task: "detect", "segment".
    pub task: &'static str,
    /// Images evaluated.
    pub images: usize,
    /// Which split ("validation").
    pub split: &'static str,
    /// Class names.
    pub classes: Vec<String>,
    /// Mean loss per image.
    pub loss: f32,
}
