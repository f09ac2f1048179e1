//! `visionlab train`: the task's defaults ([`crate::tasks::defaults`], the same config the
//! GUI starts with), the flags given over them, then the training job with a progress bar
//! or one JSON object per epoch. The run keeps itself in a run folder
//! ([`crate::train::run_folder`]) unless `--no-keep` is given.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::ValueEnum;
use indicatif::ProgressBar;
use serde_json::json;

use crate::cli::args::{SHAPES, data_spec_over};
use crate::cli::output::bar_style;
use crate::core::protocol::{
    Command, DataSpec, DetectEvent, DetectionSummary, DeviceChoice, EpochSummary, Event,
    FinishReason, KeepEvent, ModelKind, OptimizerKind, SegmentEvent, SegmentationSummary, Task,
    TrainConfig,
};
use crate::core::{files, job};
use crate::tasks;
use crate::train::run_folder;

/// Options of `visionlab train`. Every option left out takes the task's default: the
/// configuration the GUI's tab starts with. (The help of an option with a default shows
/// it, read from [`tasks::defaults`].)
#[derive(clap::Args, Debug, Clone)]
pub struct TrainArgs {
    /// What to learn.
    #[arg(long, value_enum, default_value = "classify")]
    task: Task,
    // An ImageFolder directory, or `shapes` for the built-in data.
    #[arg(long, help = defaults_help("An ImageFolder directory, or `shapes` for the built-in data", |_, c| data_name(&c.data)))]
    data: Option<String>,
    // The network.
    #[arg(long, value_enum, help = defaults_help("The network. Segmentation and detection: convnet = their own network from scratch, mobilenet_v2 = on the pretrained ImageNet MobileNetV2 encoder (images at 160 px on the CPU, 320 on a GPU unless --image-size)", |_, c| value_name(c.model)))]
    model: Option<ModelKind>,
    // Epoch budget.
    #[arg(long, help = defaults_help("Epoch budget", |_, c| c.epochs.to_string()))]
    epochs: Option<usize>,
    // Images per step.
    #[arg(long, help = defaults_help("Images per step", |_, c| c.batch_size.to_string()))]
    batch: Option<usize>,
    // Learning rate: the task's for the optimizer.
    #[arg(long, help = learning_rate_help())]
    lr: Option<f64>,
    // The optimizer.
    #[arg(long, value_enum, help = defaults_help("The optimizer", |_, c| value_name(c.optimizer)))]
    optimizer: Option<OptimizerKind>,
    // Where tensors run.
    #[arg(long, help = defaults_help("Where tensors run: auto, cpu, gpu, or remote:ws://host:port (a `visionlab serve`)", |_, c| c.device.to_string()))]
    device: Option<DeviceChoice>,
    /// Side of the square input (default: from the data).
    #[arg(long)]
    image_size: Option<u32>,
    // Fraction held out for validation (single-folder datasets).
    #[arg(long, help = defaults_help("Fraction held out for validation (single-folder datasets)", |_, c| c.val_fraction.to_string()))]
    val_fraction: Option<f32>,
    // Images in the built-in shapes dataset.
    #[arg(long, help = defaults_help("Images in the built-in shapes dataset", |_, c| shapes_count(&c.data)))]
    count: Option<usize>,
    // Seed for split, shuffling and initialisation.
    #[arg(long, help = defaults_help("Seed for split, shuffling and initialisation", |_, c| c.seed.to_string()))]
    seed: Option<u64>,
    // Random shifts of training images.
    #[arg(long, overrides_with = "no_augment", help = defaults_help("Random shifts of training images", |_, c| on_off(c.augment)))]
    augment: bool,
    /// Turn off random shifts.
    #[arg(long, overrides_with = "augment")]
    no_augment: bool,
    // Random left–right mirroring of training images.
    #[arg(long, overrides_with = "no_flip", help = defaults_help("Also mirror training images left–right at random (photos, shapes; not digits)", |_, c| on_off(c.flip)))]
    flip: bool,
    /// Turn off random left–right mirroring (digits, text).
    #[arg(long, overrides_with = "flip")]
    no_flip: bool,
    /// Continue from a checkpoint.
    #[arg(long)]
    resume: Option<PathBuf>,
    // Pretrained models: freeze the backbone.
    #[arg(long, overrides_with = "no_freeze_backbone", help = defaults_help("Pretrained models: train only the new head, the backbone stays as pretrained", |_, c| on_off(c.transfer.freeze_backbone)))]
    freeze_backbone: bool,
    /// Pretrained models: train the whole network from the start.
    #[arg(long, overrides_with = "freeze_backbone")]
    no_freeze_backbone: bool,
    // With a frozen backbone: stages unfrozen later.
    #[arg(long, help = defaults_help("With --freeze-backbone: after --unfreeze-after epochs also train the backbone's last N stages, at a tenth of the learning rate (0: never)", |_, c| c.transfer.unfreeze_last.to_string()))]
    unfreeze_last: Option<usize>,
    // Epochs before unfreezing.
    #[arg(long, help = defaults_help("Epochs of head-only training before --unfreeze-last takes effect", |_, c| c.transfer.unfreeze_after.to_string()))]
    unfreeze_after: Option<usize>,
    /// Write the final checkpoint here (atomically).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Keep the run in a new folder under DIR: last.vlck after every epoch, best.vlck,
    /// config.json (default: $VISIONLAB_RUNS_DIR, else visionlab/runs in the user's data
    /// folder).
    #[arg(long, value_name = "DIR", conflicts_with = "no_keep")]
    runs_dir: Option<PathBuf>,
    /// Keep nothing: no run folder (only --out is written).
    #[arg(long)]
    no_keep: bool,
    // Channels of the U-Net's first stage.
    #[arg(long, help = defaults_help("Channels of the U-Net's first stage (segmentation)", |_, c| c.unet_width.to_string()))]
    unet_width: Option<usize>,
    /// One JSON object per epoch on stdout instead of a progress bar.
    #[arg(long)]
    pub json: bool,
}

/// An option's help: `what`, then its default per task as `show` writes it ("(default:
/// classify 14, segment 10, detect 8)", or one value when the tasks agree).
fn defaults_help(what: &str, show: impl Fn(Task, &TrainConfig) -> String) -> String {
    let shown: Vec<(String, String)> = Task::value_variants()
        .iter()
        .map(|&task| (value_name(task), show(task, &tasks::defaults(task))))
        .collect();
    let first = shown
        .first()
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    if shown.iter().all(|(_, value)| *value == first) {
        return format!("{what} (default: {first})");
    }
    let each: Vec<String> = shown
        .into_iter()
        .map(|(task, value)| format!("{task} {value}"))
        .collect();
    format!("{what} (default: {})", each.join(", "))
}

/// How a choice is written on the command line (`mobilenet_v2`, `sgd`, `auto`).
fn value_name(choice: impl ValueEnum) -> String {
    choice
        .to_possible_value()
        .map(|value| value.get_name().to_string())
        .unwrap_or_default()
}

/// A switch's default as its help says it.
fn on_off(on: bool) -> String {
    if on { "on" } else { "off" }.into()
}

/// A default dataset as `--data` would name it.
fn data_name(data: &DataSpec) -> String {
    match data {
        DataSpec::Shapes { .. } => SHAPES.into(),
        DataSpec::Folder(path) => path.display().to_string(),
    }
}

/// The image count of a default built-in dataset.
fn shapes_count(data: &DataSpec) -> String {
    match data {
        DataSpec::Shapes { count, .. } => count.to_string(),
        DataSpec::Folder(_) => "-".into(),
    }
}

/// `--lr`'s help: each task's learning rate for each optimizer.
fn learning_rate_help() -> String {
    let with = |optimizer: OptimizerKind| {
        let what = format!("with {}", optimizer.label());
        defaults_help(&what, |task, _| {
            default_learning_rate(task, optimizer).to_string()
        })
    };
    format!(
        "Learning rate; without it, the task's for the optimizer: {}; {}",
        with(OptimizerKind::Adam),
        with(OptimizerKind::Sgd)
    )
}

/// A `--x` / `--no-x` pair: `Some` when one of them was given (the last one wins).
fn switch(on: bool, off: bool) -> Option<bool> {
    match (on, off) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

/// The learning rate of `task`'s defaults for `optimizer`.
fn default_learning_rate(task: Task, optimizer: OptimizerKind) -> f64 {
    match task {
        Task::Classify => tasks::classify::defaults::learning_rate(optimizer),
        Task::Segment => tasks::segment::defaults::learning_rate(optimizer),
        Task::Detect => tasks::detect::defaults::learning_rate(optimizer),
    }
}

/// The run `args` ask for: the task's defaults ([`tasks::defaults`]) with each flag given
/// put over them. Without `--lr`, another optimizer than the default's takes the task's
/// learning rate for that optimizer.
pub fn config_from_args(args: &TrainArgs) -> TrainConfig {
    let defaults = tasks::defaults(args.task);
    let optimizer = args.optimizer.unwrap_or(defaults.optimizer);
    let learning_rate = match args.lr {
        Some(lr) => lr,
        None if optimizer == defaults.optimizer => defaults.learning_rate,
        None => default_learning_rate(args.task, optimizer),
    };
    let mut transfer = defaults.transfer;
    if let Some(freeze) = switch(args.freeze_backbone, args.no_freeze_backbone) {
        transfer.freeze_backbone = freeze;
    }
    transfer.unfreeze_last = args.unfreeze_last.unwrap_or(transfer.unfreeze_last);
    transfer.unfreeze_after = args.unfreeze_after.unwrap_or(transfer.unfreeze_after);
    TrainConfig {
        task: args.task,
        data: data_spec_over(args.data.as_deref(), args.count, &defaults.data),
        model: args.model.unwrap_or(defaults.model),
        optimizer,
        learning_rate,
        batch_size: args.batch.unwrap_or(defaults.batch_size),
        epochs: args.epochs.unwrap_or(defaults.epochs),
        image_size: args.image_size.or(defaults.image_size),
        val_fraction: args.val_fraction.unwrap_or(defaults.val_fraction),
        seed: args.seed.unwrap_or(defaults.seed),
        augment: switch(args.augment, args.no_augment).unwrap_or(defaults.augment),
        flip: switch(args.flip, args.no_flip).unwrap_or(defaults.flip),
        device: args.device.unwrap_or(defaults.device),
        resume_from: args.resume.clone().or(defaults.resume_from),
        unet_width: args.unet_width.unwrap_or(defaults.unet_width),
        transfer,
        // Only `--runs-dir` here; `run` fills in the default root (see `runs_root`).
        runs_dir: args.runs_dir.clone(),
        sweep: None,
    }
}

/// Where `visionlab train` keeps its run: `--runs-dir`, else the default root; nothing with
/// `--no-keep`.
pub fn runs_root(args: &TrainArgs) -> Option<PathBuf> {
    if args.no_keep {
        return None;
    }
    args.runs_dir.clone().or_else(run_folder::default_root)
}

/// Runs `visionlab train`: trains to the end (or until the job stops) and saves the
/// checkpoint to `--out`.
pub fn run(args: &TrainArgs) -> anyhow::Result<()> {
    // A checkpoint that cannot be written is refused before the training, not after it.
    if let Some(out) = &args.out {
        files::check_output_file(out).context("--out")?;
    }
    let config = TrainConfig {
        runs_dir: runs_root(args),
        ..config_from_args(args)
    };
    let shown = Shown {
        json: args.json,
        epochs: true,
        prefix: String::new(),
    };
    let watched = watch(config, &shown, args.out.as_deref(), None)?;
    match watched.end {
        End::Finished(_) => Ok(()),
        End::Failed(message) => bail!(message),
    }
}

/// How [`watch`] shows a run.
#[derive(Clone, Debug, Default)]
pub struct Shown {
    /// One JSON object per epoch on stdout, and no progress bar.
    pub json: bool,
    /// Print the epochs at all (as JSON or as lines).
    pub epochs: bool,
    /// Before the progress bar's epoch (`run 2/4 · `).
    pub prefix: String,
}

/// How a watched run ended.
#[derive(Clone, Debug, PartialEq)]
pub enum End {
    /// Its budget was used, or it was stopped.
    Finished(FinishReason),
    /// It failed, for this reason.
    Failed(String),
}

/// A run [`watch`] saw to its end.
#[derive(Clone, Debug, PartialEq)]
pub struct Watched {
    /// How it ended.
    pub end: End,
    /// Its run folder, when it kept one.
    pub folder: Option<PathBuf>,
    /// Its last epoch.
    pub last: Option<EpochSummary>,
}

/// Trains `config` on a job and shows it as `visionlab train` does (a progress bar, the
/// epochs, the run folder) until it ends; then saves its checkpoint to `out` when given.
/// When `interrupt` is set (Ctrl+C), the run is asked to stop (and is kept as stopped).
///
/// # Errors
/// The checkpoint could not be saved, or the job ended without a word.
pub fn watch(
    config: TrainConfig,
    shown: &Shown,
    out: Option<&Path>,
    interrupt: Option<&AtomicBool>,
) -> anyhow::Result<Watched> {
    let epochs = config.epochs;
    let task = config.task;
    let job = tasks::spawn_training(config, job::no_waker());
    let bar = if shown.json {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(0);
        bar.set_style(
            bar_style("{prefix} [{bar:30}] {pos}/{len} steps {msg} ({elapsed}, eta {eta})")
                .progress_chars("=> "),
        );
        bar
    };
    // A line about the run: above the bar, or on stderr beside the JSON lines (or when
    // the bar is hidden because the output is not a terminal).
    let note = |line: String| {
        if bar.is_hidden() {
            eprintln!("{line}");
        } else {
            bar.println(line);
        }
    };
    let show_epoch = |e: &EpochSummary,
                      segmentation: Option<&SegmentationSummary>,
                      detection: Option<&DetectionSummary>| {
        if shown.epochs {
            print_epoch(&bar, shown.json, e, segmentation, detection);
        }
    };
    let mut watched = Watched {
        end: End::Failed("the training job ended unexpectedly".into()),
        folder: None,
        last: None,
    };
    let mut stop_sent = false;
    // A segmentation or detection epoch is printed once its metrics arrive.
    let mut pending: Option<EpochSummary> = None;
    loop {
        // Looked at before every event, not only when none comes: a run streaming steps
        // never lets the wait time out.
        if !stop_sent && interrupt.is_some_and(|flag| flag.load(Ordering::SeqCst)) {
            stop_sent = job.send(Command::Stop);
            note("stopping the run…".into());
        }
        let event = match job.events().recv_timeout(INTERRUPT_POLL) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        match event {
            // A hidden bar (--json, or output not on a terminal) prints nothing: say it
            // on stderr then, so piped runs keep their log.
            Event::Device(d) if bar.is_hidden() => eprintln!("device: {d}"),
            Event::Device(d) => bar.println(format!("device: {d}")),
            Event::Log(line) if bar.is_hidden() => eprintln!("{line}"),
            Event::Log(line) => bar.println(line),
            Event::Dataset(s) => {
                note(format!(
                    "data: {} — {} classes, {} train / {} val images, input {}×{}×{}",
                    s.source,
                    s.classes.len(),
                    s.train_images,
                    s.val_images,
                    s.input_shape[0],
                    s.input_shape[1],
                    s.input_shape[2]
                ));
                if !s.warnings.is_empty() {
                    eprintln!("warning: {} files skipped:", s.warnings.len());
                    for w in &s.warnings {
                        eprintln!("  {w}");
                    }
                }
            }
            Event::Step {
                step,
                epoch,
                loss,
                steps_per_epoch,
                ..
            } => {
                bar.set_length(steps_per_epoch * epochs as u64);
                bar.set_position(step);
                bar.set_prefix(format!("{}epoch {epoch}/{epochs}", shown.prefix));
                bar.set_message(format!("loss {loss:.4}"));
            }
            Event::Epoch(e) => {
                watched.last = Some(e);
                if task == Task::Classify {
                    show_epoch(&e, None, None);
                } else {
                    pending = Some(e);
                }
            }
            Event::Segment(SegmentEvent::Metrics(m)) => {
                if let Some(e) = pending.take() {
                    show_epoch(&e, Some(&m), None);
                }
            }
            Event::Detect(DetectEvent::Metrics(m)) => {
                if let Some(e) = pending.take() {
                    show_epoch(&e, None, Some(&m));
                }
            }
            Event::Finished(r) => {
                watched.end = End::Finished(r);
                match out {
                    Some(out) => {
                        job.send(Command::SaveCheckpoint(out.to_path_buf()));
                    }
                    None => break,
                }
            }
            Event::CheckpointSaved(path) => {
                note(format!("saved {}", path.display()));
                break;
            }
            Event::CheckpointFailed(message) => {
                bar.abandon();
                bail!("could not save the checkpoint: {message}")
            }
            Event::Kept(KeepEvent::Folder(dir)) => {
                note(format!("keeping the run in {}", dir.display()));
                watched.folder = Some(dir);
            }
            Event::Kept(KeepEvent::Failed(message)) => eprintln!("warning: {message}"),
            Event::Failed(message) => {
                bar.abandon();
                watched.end = End::Failed(message);
                return Ok(watched);
            }
            _ => {}
        }
    }
    bar.finish_and_clear();
    Ok(watched)
}

/// How often [`watch`] looks at its interrupt flag while no event comes.
const INTERRUPT_POLL: Duration = Duration::from_millis(100);

/// Prints one epoch: a JSON line, or a line above the progress bar.
fn print_epoch(
    bar: &ProgressBar,
    json: bool,
    e: &EpochSummary,
    segmentation: Option<&SegmentationSummary>,
    detection: Option<&DetectionSummary>,
) {
    if json {
        let mut line = json!({
            "epoch": e.epoch,
            "train_loss": e.train_loss,
            "train_accuracy": e.train_accuracy,
            "val_loss": e.val_loss,
            "val_accuracy": e.val_accuracy,
            "seconds": e.seconds,
        });
        if let Some(object) = line.as_object_mut() {
            if let Some(m) = segmentation {
                object.insert("val_miou".into(), json!(m.mean_iou));
                object.insert("val_pixel_accuracy".into(), json!(m.pixel_accuracy));
                object.insert("val_class_iou".into(), json!(m.class_iou));
            }
            if let Some(m) = detection {
                object.insert("val_map50".into(), json!(m.map50));
                object.insert("val_map".into(), json!(m.map));
                object.insert("val_class_ap50".into(), json!(m.class_ap50));
            }
        }
        println!("{line}");
        return;
    }
    let mut text = format!(
        "epoch {}: train loss {:.4} acc {:.2} % | val loss {:.4} acc {:.2} %",
        e.epoch,
        e.train_loss,
        e.train_accuracy * 100.0,
        e.val_loss,
        e.val_accuracy * 100.0,
    );
    if let Some(m) = segmentation {
        text.push_str(&format!(" | val mIoU {:.3}", m.mean_iou));
    }
    if let Some(m) = detection {
        text.push_str(&format!(
            " | val mAP@0.5 {:.3} mAP@0.5:0.95 {:.3}",
            m.map50, m.map
        ));
    }
    text.push_str(&format!(" | {:.1} s", e.seconds));
    // A hidden bar (output not on a terminal) prints nothing: the line goes to stdout.
    if bar.is_hidden() {
        println!("{text}");
    } else {
        bar.println(text);
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Cmd};

    fn train_args(args: &[&str]) -> Result<TrainArgs, String> {
        let argv = ["visionlab", "train"].iter().chain(args);
        match Cli::try_parse_from(argv) {
            Ok(Cli {
                command: Some(Cmd::Train(args)),
                ..
            }) => Ok(args),
            Ok(other) => Err(format!("not a train command: {other:?}")),
            Err(error) => Err(error.to_string()),
        }
    }

    #[test]
    fn runs_are_kept_under_the_default_root_unless_told_otherwise() {
        let plain = train_args(&[]).unwrap();
        assert_eq!(runs_root(&plain), run_folder::default_root());
        assert_eq!(config_from_args(&plain).runs_dir, None);

        let given = train_args(&["--runs-dir", "/tmp/my-runs"]).unwrap();
        assert_eq!(runs_root(&given), Some(PathBuf::from("/tmp/my-runs")));
        assert_eq!(
            config_from_args(&given).runs_dir,
            Some(PathBuf::from("/tmp/my-runs"))
        );

        assert_eq!(runs_root(&train_args(&["--no-keep"]).unwrap()), None);
        let both = train_args(&["--no-keep", "--runs-dir", "/tmp/x"]).unwrap_err();
        assert!(both.contains("cannot be used with"), "{both}");
    }
}
