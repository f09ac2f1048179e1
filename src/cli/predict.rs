//! `visionlab predict`: classify image files (with a checkpoint, or the bundled ImageNet
//! MobileNetV2), write their masks (`--task segment`) or print and draw their boxes
//! (`--task detect`, with a checkpoint or the bundled face detector: `--model faces`).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::core::protocol::{DeviceChoice, Task};
use crate::core::{device, files};
use crate::tasks::classify::imagenet::ImageNetClassifier;
use crate::tasks::classify::{self, Trained};
use crate::tasks::detect::faces::{self, FACES_MODEL, FaceDetector};
use crate::tasks::detect::{self, TrainedDetector};
use crate::tasks::segment::{self, TrainedSegmenter};

/// The `--model` value that names the bundled ImageNet classifier.
const IMAGENET: &str = "imagenet";

/// Options of `visionlab predict`.
#[derive(clap::Args, Debug)]
pub struct PredictArgs {
    /// What the checkpoint does.
    #[arg(long, value_enum, default_value = "classify")]
    task: Task,
    /// The checkpoint (.vlck), `imagenet` (classify) or `faces` (detect: the bundled
    /// BlazeFace face detector).
    #[arg(long)]
    model: PathBuf,
    /// Where masks and overlays (segment) or pictures with boxes (detect) are written.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Image files.
    #[arg(required = true)]
    images: Vec<PathBuf>,
    /// Detection: lowest score of a box that is printed and drawn (default 0.3; 0.5 for
    /// `--model faces`).
    #[arg(long)]
    min_score: Option<f32>,
    /// How many classes to show per image (default 5 for imagenet, else 3).
    #[arg(long)]
    top: Option<usize>,
    /// Where tensors run: auto, cpu, gpu, or remote:ws://host:port (a `visionlab serve`).
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// Print one JSON object per image.
    #[arg(long)]
    json: bool,
}

/// Runs `visionlab predict` for the checkpoint's task.
pub fn run(args: &PredictArgs) -> anyhow::Result<()> {
    // Masks and drawings go into the --out folder: refuse one that cannot be written first.
    if let Some(out) = &args.out {
        files::check_output_dir(out).context("--out")?;
    }
    match args.task {
        Task::Classify => classify_files(args),
        Task::Segment => segment_files(args),
        Task::Detect => detect_files(args),
    }
}

/// Prints each image's top classes.
fn classify_files(args: &PredictArgs) -> anyhow::Result<()> {
    let selected = device::select(args.device)?;
    let predictions = if args.model.as_os_str() == IMAGENET {
        let net = ImageNetClassifier::load(&selected.device)?;
        net.predict_files(&args.images, args.top.unwrap_or(5))?
    } else {
        let trained = Trained::load(&args.model, &selected)?;
        classify::predict_files(&trained, &args.images, args.top.unwrap_or(3))?
    };
    for p in predictions {
        if args.json {
            println!("{}", serde_json::to_string(&p)?);
        } else {
            let top: Vec<String> = p
                .top
                .iter()
                .map(|s| format!("{} {:.1} %", s.class, s.probability * 100.0))
                .collect();
            println!("{}: {}", p.path.display(), top.join(", "));
        }
    }
    Ok(())
}

/// Writes each image's mask and overlay to `--out` and prints the classes present.
fn segment_files(args: &PredictArgs) -> anyhow::Result<()> {
    let Some(out) = &args.out else {
        bail!("segmentation writes mask files: give --out DIR");
    };
    let selected = device::select(args.device)?;
    let trained = TrainedSegmenter::load(&args.model, &selected)?;
    for file in segment::predict_files(&trained, &args.images, out)? {
        if args.json {
            println!("{}", serde_json::to_string(&file)?);
        } else {
            let present: Vec<String> = file
                .class_fractions
                .iter()
                .filter(|(_, f)| *f > 0.0)
                .map(|(c, f)| format!("{c} {:.1} %", f * 100.0))
                .collect();
            println!(
                "{} → {} ({})",
                file.image.display(),
                file.mask.display(),
                present.join(", ")
            );
        }
    }
    Ok(())
}

/// Prints each image's boxes (as JSON objects with `boxes: [[x0, y0, x1, y1, score,
/// class], …]` in the image's own pixels, or as text) and with `--out` writes
/// `<stem>_boxes.png` there.
fn detect_files(args: &PredictArgs) -> anyhow::Result<()> {
    let faces = args.model.as_os_str() == FACES_MODEL;
    let min_score = args
        .min_score
        .unwrap_or(if faces { faces::MIN_SCORE } else { 0.3 });
    if !(0.0..=1.0).contains(&min_score) {
        bail!("--min-score must be between 0 and 1, got {min_score}");
    }
    if faces {
        return face_files(args, min_score);
    }
    let selected = device::select(args.device)?;
    let trained = TrainedDetector::load(&args.model, &selected)?;
    let out: Option<&Path> = args.out.as_deref();
    for file in detect::predict_files(&trained, &args.images, min_score, out)? {
        if args.json {
            println!("{}", serde_json::to_string(&file)?);
            continue;
        }
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
    Ok(())
}

/// Prints each image's faces (box in the image's pixels, score, the 6 named keypoints; one
/// JSON object per image with `--json`) and with `--out` writes `<stem>_faces.png` there.
fn face_files(args: &PredictArgs, min_score: f32) -> anyhow::Result<()> {
    let selected = device::select(args.device)?;
    let detector = FaceDetector::load(&selected.device)?;
    for file in faces::predict_files(&detector, &args.images, min_score, args.out.as_deref())? {
        if args.json {
            let found: Vec<serde_json::Value> = file
                .faces
                .iter()
                .map(|f| {
                    let keypoints: serde_json::Map<String, serde_json::Value> =
                        faces::named_keypoints(f)
                            .map(|(name, p)| (name.replace(' ', "_"), serde_json::json!(p)))
                            .collect();
                    serde_json::json!({
                        "box": [f.x0, f.y0, f.x1, f.y1],
                        "score": f.score,
                        "keypoints": keypoints,
                    })
                })
                .collect();
            let line = serde_json::json!({
                "image": file.image,
                "size": file.size,
                "faces": found,
                "drawn": file.drawn,
            });
            println!("{line}");
            continue;
        }
        let count = file.faces.len();
        println!(
            "{} ({}×{}): {count} face{}{}",
            file.image.display(),
            file.size[0],
            file.size[1],
            if count == 1 { "" } else { "s" },
            file.drawn
                .as_ref()
                .map(|p| format!(" → {}", p.display()))
                .unwrap_or_default()
        );
        for f in &file.faces {
            println!(
                "  face {:.2}  [{:.1}, {:.1}, {:.1}, {:.1}]",
                f.score, f.x0, f.y0, f.x1, f.y1
            );
            for (name, [x, y]) in faces::named_keypoints(f) {
                println!("    {name:<18} ({x:.1}, {y:.1})");
            }
        }
    }
    Ok(())
}
