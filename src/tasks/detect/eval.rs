//! A detection checkpoint measured on a dataset's validation split (`visionlab eval --task
//! detect`): mAP, and the error views (PR and F1 curves, the confusion matrix).

use serde::Serialize;

use crate::core::job::Outbox;
use crate::core::protocol::{DataSpec, DetectionErrors};
use crate::tasks::detect::TrainedDetector;
use crate::tasks::detect::train::{evaluate, load_dataset};
use crate::train::eval_split::{SplitSummary, check_classes, require_validation, split_config};

/// What a detector scored on a split.
#[derive(Clone, Debug, Serialize)]
pub struct DetectionEvalReport {
    /// Task, split, images, classes and loss.
    #[serde(flatten)]
    pub split: SplitSummary,
    /// mAP at IoU 0.5.
    pub map50: f32,
    /// mAP over IoU 0.5:0.95.
    pub map: f32,
    /// AP at IoU 0.5 per class (`null` without ground truth).
    pub ap50: Vec<Option<f32>>,
    /// PR curves, F1 curve and confusion matrix.
    #[serde(flatten)]
    pub errors: DetectionErrors,
}

/// Evaluates a detection checkpoint on the validation split of `data`, split as its run
/// split it ([`split_config`]: the built-in shapes it trained on, its validation fraction and
/// seed, at the model's input size).
pub fn evaluate_trained(
    trained: &TrainedDetector,
    data: &DataSpec,
    out: &Outbox,
) -> anyhow::Result<DetectionEvalReport> {
    let meta = &trained.checkpoint.meta;
    let config = split_config(meta, data);
    let set = load_dataset(&config, out)?;
    check_classes(meta, &config.data, &set.classes)?;
    require_validation(&config, set.val.len())?;
    let classes = meta.classes.len();
    let val = evaluate(
        &trained.model,
        &set.val,
        classes,
        &meta.normalization,
        32,
        &trained.device,
    )?;
    Ok(DetectionEvalReport {
        split: SplitSummary {
            task: "detect",
            images: set.val.len(),
            split: "validation",
            classes: meta.classes.clone(),
            loss: val.loss,
        },
        map50: val.report.map50,
        map: val.report.map,
        ap50: val.report.per_class_ap50,
        errors: val.errors,
    })
}
