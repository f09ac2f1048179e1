//! The command line's object-detection parts: per-task training defaults, the JSON fields
//! of a detection epoch, and `predict --task detect`.

use std::path::{Path, PathBuf};

use serde_json::json;

use visionlab::device;
use visionlab::tasks::detect::{self, TrainedDetector};
use visionlab::train::detection;
use visionlab::train::protocol::{DetectionSummary, DeviceChoice, Task};

/// Epochs, batch size and shapes count of a run when the command line leaves them out.
pub fn defaults(task: Task) -> (usize, usize, usize) {
    match task {
        Task::Detect => (
            detection::DEFAULT_EPOCHS,
            detection::DEFAULT_BATCH,
            detection::DEFAULT_SHAPES_COUNT,
        ),
        Task::Classify | Task::Segment => (12, 16, 3000),
    }
}

/// The learning rate of a detection run when none is given (Adam).
pub fn default_learning_rate() -> f64 {
    detection::DEFAULT_LEARNING_RATE
}

/// Adds a detection epoch's metrics to its JSON line.
pub fn add_json(line: &mut serde_json::Value, m: &DetectionSummary) {
    if let Some(object) = line.as_object_mut() {
        object.insert("val_map50".into(), json!(m.map50));
        object.insert("val_map".into(), json!(m.map));
        object.insert("val_class_ap50".into(), json!(m.class_ap50));
    }
}

/// The text a detection epoch adds to its line.
pub fn text(m: &DetectionSummary) -> String {
    format!(" | val mAP@0.5 {:.3} mAP@0.5:0.95 {:.3}", m.map50, m.map)
}

/// `visionlab predict --task detect`: prints each image's boxes (as JSON objects with
/// `boxes: [[x0, y0, x1, y1, score, class], …]` in the image's own pixels, or as text) and
/// with `out` writes `<stem>_boxes.png` there.
pub fn predict(
    model: &Path,
    images: &[PathBuf],
    out: Option<&Path>,
    min_score: f32,
    device_choice: DeviceChoice,
    json: bool,
) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&min_score) {
        anyhow::bail!("--min-score must be between 0 and 1, got {min_score}");
    }
    let selected = device::select(device_choice)?;
    let trained = TrainedDetector::load(model, &selected)?;
    for file in detect::predict_files(&trained, images, min_score, out)? {
        if json {
            println!("{}", serde_json::to_string(&file)?);
        } else {
            println!(
                "{} ({}×{}): {} boxes{}",
                file.image.display(),
                file.size[0],
                file.size[1],
                file.boxes.len(),
                file.drawn
                    .as_ref()
                    .map(|p| format!(" → {}", p.display()))
                    .unwrap_or_default()
            );
            for (b, label) in file.boxes.iter().zip(&file.labels) {
                println!(
                    "  {label:<12} {:.2}  [{:.1}, {:.1}, {:.1}, {:.1}]",
                    b[4], b[0], b[1], b[2], b[3]
                );
            }
        }
    }
    Ok(())
}
