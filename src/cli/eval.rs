//! `visionlab eval`: a checkpoint measured on a dataset. A classifier: its accuracy
//! (its test split when it has one), overall and per class. A detector (`--task detect`):
//! mAP, per-class precision–recall curves, the F1–confidence curve and the confusion
//! matrix with its background row and column on the validation split. A segmenter
//! (`--task segment`): pixel accuracy, IoU per class and the pixel confusion matrix.
//! `--plots DIR` writes the figures as PNG files.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::cli::args::data_spec;
use crate::cli::figures::{ChartLine, bar_chart, heat_map, line_chart};
use crate::cli::output::discarding_outbox;
use crate::core::protocol::{DeviceChoice, Task};
use crate::core::{device, files};
use crate::tasks::classify::{self, Trained};
use crate::tasks::detect::eval::DetectionEvalReport;
use crate::tasks::detect::{self, TrainedDetector};
use crate::tasks::segment::TrainedSegmenter;
use crate::tasks::segment::eval::SegmentationEvalReport;

/// Images of the built-in shapes read by `--data shapes`.
const SHAPES_COUNT: usize = 2000;

/// Options of `visionlab eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// What the checkpoint does.
    #[arg(long, value_enum, default_value = "classify")]
    task: Task,
    /// The checkpoint (.vlck).
    #[arg(long)]
    model: PathBuf,
    /// An ImageFolder directory (detect: YOLO, COCO or VOC; segment: images/ + masks/),
    /// or `shapes`.
    #[arg(long)]
    data: String,
    /// Where tensors run: auto, cpu, gpu, or remote:ws://host:port (a `visionlab serve`).
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    /// Detect and segment: write the figures as PNG files into this folder (detect:
    /// pr_curve.png, f1_curve.png, confusion_matrix.png; segment: iou_per_class.png,
    /// confusion_matrix.png).
    #[arg(long)]
    plots: Option<PathBuf>,
}

/// Runs `visionlab eval`.
pub fn run(args: &EvalArgs) -> anyhow::Result<()> {
    if let Some(dir) = &args.plots {
        if args.task == Task::Classify {
            bail!("--plots draws the figures of --task detect and --task segment");
        }
        files::check_output_dir(dir).context("--plots")?;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("--plots: cannot create {}", dir.display()))?;
    }
    match args.task {
        Task::Classify => classify_eval(args),
        Task::Detect => detect_eval(args),
        Task::Segment => segment_eval(args),
    }
}

fn classify_eval(args: &EvalArgs) -> anyhow::Result<()> {
    let selected = device::select(args.device)?;
    let trained = Trained::load(&args.model, &selected)?;
    let report = classify::evaluate(
        &trained,
        &data_spec(&args.data, SHAPES_COUNT),
        &discarding_outbox(),
    )?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    println!(
        "{} images ({} split) on {}: accuracy {:.2} %, loss {:.4}",
        report.images,
        report.split,
        selected.description,
        report.accuracy * 100.0,
        report.loss
    );
    for (class, acc) in &report.per_class_accuracy {
        println!("  {class:<20} {:.2} %", acc * 100.0);
    }
    Ok(())
}

fn detect_eval(args: &EvalArgs) -> anyhow::Result<()> {
    let selected = device::select(args.device)?;
    let trained = TrainedDetector::load(&args.model, &selected)?;
    let report = detect::eval::evaluate_trained(
        &trained,
        &data_spec(&args.data, SHAPES_COUNT),
        &discarding_outbox(),
    )?;
    if let Some(dir) = &args.plots {
        detect_plots(&report, dir)?;
    }
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    println!(
        "{} images ({} split) on {}: mAP@0.5 {:.3}, mAP@0.5:0.95 {:.3}",
        report.split.images, report.split.split, selected.description, report.map50, report.map
    );
    for (class, ap) in report.split.classes.iter().zip(&report.ap50) {
        match ap {
            Some(ap) => println!("  {class:<20} AP@0.5 {ap:.3}"),
            None => println!("  {class:<20} no boxes"),
        }
    }
    if let Some(f1) = &report.errors.f1 {
        println!(
            "best F1 {:.3} at confidence {:.2}",
            f1.best_f1, f1.best_confidence
        );
    }
    let m = &report.errors.confusion;
    println!(
        "confusion matrix (rows true, columns predicted, last = background; score ≥ {:.2}, IoU ≥ {:.2}):",
        m.confidence, m.iou
    );
    for row in &m.counts {
        let cells: Vec<String> = row.iter().map(|c| format!("{c:>6}")).collect();
        println!("  {}", cells.join(""));
    }
    Ok(())
}

/// pr_curve.png, f1_curve.png and confusion_matrix.png in `dir`.
fn detect_plots(report: &DetectionEvalReport, dir: &Path) -> anyhow::Result<()> {
    let name = |class: usize| {
        report
            .split
            .classes
            .get(class)
            .cloned()
            .unwrap_or_else(|| format!("#{class}"))
    };
    let pr: Vec<ChartLine> = report
        .errors
        .pr_curves
        .iter()
        .filter(|c| !c.points.is_empty())
        .map(|c| ChartLine {
            name: format!("{} {:.3}", name(c.class), c.ap50.unwrap_or(0.0)),
            colour: detect::box_colour(c.class),
            points: c.points.clone(),
            thickness: 2,
        })
        .collect();
    line_chart(
        &format!("PRECISION-RECALL, IOU 0.5, MAP@0.5 {:.3}", report.map50),
        "RECALL",
        "PRECISION",
        &pr,
        None,
    )
    .save(&dir.join("pr_curve.png"))?;
    let mut f1_lines = Vec::new();
    let mut marker = None;
    let mut f1_title = "F1-CONFIDENCE: NO CLASS HAS BOXES".to_string();
    if let Some(f1) = &report.errors.f1 {
        let along = |values: &[f32]| -> Vec<[f32; 2]> {
            f1.confidence
                .iter()
                .zip(values)
                .map(|(&c, &v)| [c, v])
                .collect()
        };
        for (class, values) in f1.per_class.iter().enumerate() {
            if !values.is_empty() {
                f1_lines.push(ChartLine {
                    name: name(class),
                    colour: detect::box_colour(class),
                    points: along(values),
                    thickness: 1,
                });
            }
        }
        f1_lines.push(ChartLine {
            name: format!("ALL {:.2} AT {:.2}", f1.best_f1, f1.best_confidence),
            colour: [40, 110, 230],
            points: along(&f1.all),
            thickness: 3,
        });
        marker = Some([f1.best_confidence, f1.best_f1]);
        f1_title = format!(
            "F1-CONFIDENCE, BEST F1 {:.2} AT {:.2}",
            f1.best_f1, f1.best_confidence
        );
    }
    line_chart(&f1_title, "CONFIDENCE", "F1", &f1_lines, marker).save(&dir.join("f1_curve.png"))?;
    let m = &report.errors.confusion;
    let mut names: Vec<String> = (0..m.classes).map(name).collect();
    names.push("background".into());
    let background = m.background();
    heat_map(
        &format!(
            "DETECTION CONFUSION, SCORE {:.2}, IOU {:.2}",
            m.confidence, m.iou
        ),
        &names,
        &m.counts,
        |t, p| t == p && t != background,
    )
    .save(&dir.join("confusion_matrix.png"))?;
    Ok(())
}

fn segment_eval(args: &EvalArgs) -> anyhow::Result<()> {
    let selected = device::select(args.device)?;
    let trained = TrainedSegmenter::load(&args.model, &selected)?;
    let report = crate::tasks::segment::eval::evaluate_trained(
        &trained,
        &data_spec(&args.data, SHAPES_COUNT),
        &discarding_outbox(),
    )?;
    if let Some(dir) = &args.plots {
        segment_plots(&report, dir)?;
    }
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    println!(
        "{} images ({} split) on {}: pixel accuracy {:.2} %, mean IoU {:.3}",
        report.split.images,
        report.split.split,
        selected.description,
        report.pixel_accuracy * 100.0,
        report.mean_iou
    );
    for (class, iou) in report.split.classes.iter().zip(&report.class_iou) {
        match iou {
            Some(iou) => println!("  {class:<20} IoU {iou:.3}"),
            None => println!("  {class:<20} absent"),
        }
    }
    Ok(())
}

/// iou_per_class.png and confusion_matrix.png in `dir`.
fn segment_plots(report: &SegmentationEvalReport, dir: &Path) -> anyhow::Result<()> {
    bar_chart(
        &format!("IOU PER CLASS, MEAN IOU {:.3}", report.mean_iou),
        &report.split.classes,
        &report.class_iou,
    )
    .save(&dir.join("iou_per_class.png"))?;
    heat_map(
        "PIXEL CONFUSION MATRIX",
        &report.split.classes,
        &report.confusion,
        |t, p| t == p,
    )
    .save(&dir.join("confusion_matrix.png"))?;
    Ok(())
}
