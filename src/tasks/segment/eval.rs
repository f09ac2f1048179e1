//! A segmentation checkpoint measured on a dataset's validation split (`visionlab eval
//! --task segment`): pixel accuracy, IoU per class and the pixel confusion matrix.

use serde::Serialize;

use crate::core::job::Outbox;
use crate::core::protocol::DataSpec;
use crate::tasks::segment::TrainedSegmenter;
use crate::tasks::segment::train::load_dataset;
use crate::train::eval_split::{SplitSummary, check_classes, require_validation, split_config};

/// What a segmenter scored on a split.
#[derive(Clone, Debug, Serialize)]
pub struct SegmentationEvalReport {
    /// Task, split, images, classes and loss.
    #[serde(flatten)]
    pub split: SplitSummary,
    /// Pixels labelled right, 0..1.
    pub pixel_accuracy: f32,
    /// Mean IoU over classes present.
    pub mean_iou: f32,
    /// IoU per class (`null` for a class in neither truth nor prediction).
    pub class_iou: Vec<Option<f32>>,
    /// Pixels by true (row) and predicted (column) class.
    pub confusion: Vec<Vec<u64>>,
}

/// Evaluates a segmentation checkpoint on the validation split of `data`, split as its
/// run split it, at the model's input size.
pub fn evaluate_trained(
    trained: &TrainedSegmenter,
    data: &DataSpec,
    out: &Outbox,
) -> anyhow::Result<SegmentationEvalReport> {
    let meta = &trained.checkpoint.meta;
    let config = split_config(meta, data);
    let set = load_dataset(&config, out)?;
    check_classes(meta, &config.data, &set.classes)?;
    require_validation(&config, set.val.len())?;
    let classes = meta.classes.len();
    let val = crate::tasks::segment::evaluate(
        &trained.model,
        &set.val,
        &meta.normalization,
        classes,
        32,
        &trained.device,
    )?;
    let c = &val.confusion;
    Ok(SegmentationEvalReport {
        split: SplitSummary {
            task: "segment",
            images: set.val.len(),
            split: "validation",
            classes: meta.classes.clone(),
            loss: val.loss,
        },
        pixel_accuracy: c.accuracy(),
        mean_iou: c.mean_iou(),
        class_iou: c.iou(),
        confusion: (0..classes)
            .map(|t| (0..classes).map(|p| c.get(t, p)).collect())
            .collect(),
    })
}
