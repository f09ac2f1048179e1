//! The command line: the same engine as the GUI, with progress bars or JSON lines.

use std::path::PathBuf;
use std::sync::mpsc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use visionlab::data::{masks, mnist, shapes};
use visionlab::device;
use visionlab::tasks::classify::{self, Trained};
use visionlab::tasks::imagenet::ImageNetClassifier;
use visionlab::tasks::segment;
use visionlab::train::engine::{self, Outbox};
use visionlab::train::protocol::{
    Command, DataSpec, DetectionSummary, DeviceChoice, EpochSummary, Event, FinishReason,
    ModelKind, OptimizerKind, SegmentationSummary, Task, TrainConfig, TransferOptions,
};

/// A workbench for computer-vision experiments. Without a subcommand it opens the window.
#[derive(Parser, Debug)]
#[command(name = "visionlab", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Train a model.
    Train(TrainArgs),
    /// Evaluate a checkpoint on a dataset (its test split when it has one).
    Eval {
        /// The checkpoint (.vlck).
        #[arg(long)]
        model: PathBuf,
        /// An ImageFolder directory, or `shapes`.
        #[arg(long)]
        data: String,
        /// Where tensors run.
        #[arg(long, value_enum, default_value = "auto")]
        device: DeviceChoice,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Classify image files with a checkpoint, or with `--model imagenet` (the bundled
    /// pretrained MobileNetV2 and its 1000 classes); with `--task segment`, write their masks;
    /// with `--task detect`, print boxes `[x0, y0, x1, y1, score, class]` (and draw them).
    Predict {
        /// What the checkpoint does.
        #[arg(long, value_enum, default_value = "classify")]
        task: Task,
        /// The checkpoint (.vlck), or `imagenet`.
        #[arg(long)]
        model: PathBuf,
        /// Where masks and overlays (segment) or pictures with boxes (detect) are written.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Image files.
        #[arg(required = true)]
        images: Vec<PathBuf>,
        /// Detection: lowest score of a box that is printed and drawn.
        #[arg(long, default_value_t = 0.3)]
        min_score: f32,
        /// How many classes to show per image (default 5 for imagenet, else 3).
        #[arg(long)]
        top: Option<usize>,
        /// Where tensors run.
        #[arg(long, value_enum, default_value = "auto")]
        device: DeviceChoice,
        /// Print one JSON object per image.
        #[arg(long)]
        json: bool,
    },
    /// Write a dataset to disk.
    #[command(subcommand)]
    Dataset(DatasetCmd),
    /// Measure training throughput (images/second) of the seed ConvNet and friends.
    Bench(crate::bench::BenchArgs),
    /// List the compute devices this machine offers.
    Devices,
    /// Show where the bundled assets (weights, labels, sample images) are read from.
    Assets,
    // --- adversarial / compression ---
    /// Accuracy under FGSM/PGD attacks for each ε (a robustness curve).
    Attack(crate::lab_cli::AttackArgs),
    /// Shrink a classifier (int8 quantization or magnitude pruning) and compare it.
    Compress(crate::lab_cli::CompressArgs),
    // --- neural style transfer (issue 5) ---
    /// Stylize an image: optimisation (Gatys), 26 built-in styles, or any style image.
    Stylize(crate::style_cli::StylizeArgs),
}

#[derive(Subcommand, Debug)]
enum DatasetCmd {
    /// The built-in synthetic shapes: an ImageFolder with train/ and test/ (classify),
    /// images/ + masks/ + classes.txt (segment), or scenes of 1–4 shapes with boxes and
    /// instance masks in YOLO, COCO or Pascal VOC layout, 20 % as validation (detect).
    Shapes {
        /// Which task's format to write.
        #[arg(long, value_enum, default_value = "classify")]
        task: Task,
        /// Annotation format of a detection set (`--task detect`).
        #[arg(long, value_enum, default_value = "yolo")]
        format: visionlab::data::detection::AnnotationFormat,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Number of images (default 2000; 500 for detection).
        #[arg(long)]
        count: Option<usize>,
        /// Image side in pixels (default 32; 128 for detection).
        #[arg(long)]
        size: Option<u32>,
        /// Generator seed.
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// MNIST digits from a CSV (784 pixels then the label per row, optionally gzipped), as
    /// an ImageFolder of PNGs with train/ and test/.
    Mnist {
        /// The CSV file, e.g. mnist_5k.csv.gz.
        #[arg(long)]
        csv: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Fraction written to test/.
        #[arg(long, default_value_t = 0.2)]
        test_fraction: f32,
    },
}

#[derive(clap::Args, Debug)]
struct TrainArgs {
    /// What to learn.
    #[arg(long, value_enum, default_value = "classify")]
    task: Task,
    /// An ImageFolder directory, or `shapes` for the built-in data.
    #[arg(long, default_value = "shapes")]
    data: String,
    /// The network.
    #[arg(long, value_enum, default_value = "convnet")]
    model: ModelKind,
    /// Epoch budget (default 12; detection 8).
    #[arg(long)]
    epochs: Option<usize>,
    /// Images per step (default 16; detection 32).
    #[arg(long)]
    batch: Option<usize>,
    /// Learning rate (default: 0.002 for Adam, 0.01 for SGD; detection with Adam 0.006).
    #[arg(long)]
    lr: Option<f64>,
    /// The optimizer.
    #[arg(long, value_enum, default_value = "adam")]
    optimizer: OptimizerKind,
    /// Where tensors run.
    #[arg(long, value_enum, default_value = "auto")]
    device: DeviceChoice,
    /// Side of the square input (default: from the data).
    #[arg(long)]
    image_size: Option<u32>,
    /// Fraction held out for validation (single-folder datasets).
    #[arg(long, default_value_t = 0.2)]
    val_fraction: f32,
    /// Images in the built-in shapes dataset (default 3000; detection 2500).
    #[arg(long)]
    count: Option<usize>,
    /// Seed for split, shuffling and initialisation.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Turn off random shifts.
    #[arg(long)]
    no_augment: bool,
    /// Also mirror training images left–right at random (photos, shapes; not digits).
    #[arg(long)]
    flip: bool,
    /// Continue from a checkpoint.
    #[arg(long)]
    resume: Option<PathBuf>,
    /// Pretrained models: train only the new head, the backbone stays as pretrained.
    #[arg(long)]
    freeze_backbone: bool,
    /// With --freeze-backbone: after --unfreeze-after epochs also train the backbone's last
    /// N stages, at a tenth of the learning rate.
    #[arg(long, default_value_t = 0)]
    unfreeze_last: usize,
    /// Epochs of head-only training before --unfreeze-last takes effect.
    #[arg(long, default_value_t = 0)]
    unfreeze_after: usize,
    /// Write the final checkpoint here (atomically).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Channels of the U-Net's first stage (segmentation).
    #[arg(long, default_value_t = 8)]
    unet_width: usize,
    /// One JSON object per epoch on stdout instead of a progress bar.
    #[arg(long)]
    json: bool,
}

pub(crate) fn data_spec(data: &str, count: usize) -> DataSpec {
    if data == "shapes" {
        DataSpec::Shapes { count, seed: 7 }
    } else {
        DataSpec::Folder(PathBuf::from(data))
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => visionlab::ui::run().map_err(|e| anyhow::anyhow!("the window failed: {e}")),
        Some(Cmd::Train(args)) => train(args),
        Some(Cmd::Eval {
            model,
            data,
            device,
            json,
        }) => {
            let selected = device::select(device)?;
            let trained = Trained::load(&model, &selected)?;
            let (tx, _rx) = mpsc::channel();
            let out = Outbox::new(tx, engine::no_waker());
            let report = classify::evaluate(&trained, &data_spec(&data, 2000), &out)?;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
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
            }
            Ok(())
        }
        Some(Cmd::Predict {
            task: Task::Segment,
            model,
            out,
            images,
            device,
            json,
            ..
        }) => {
            let Some(out) = out else {
                bail!("segmentation writes mask files: give --out DIR");
            };
            let selected = device::select(device)?;
            let trained = segment::TrainedSegmenter::load(&model, &selected)?;
            for file in segment::predict_files(&trained, &images, &out)? {
                if json {
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
        Some(Cmd::Predict {
            task: Task::Detect,
            model,
            out,
            images,
            device,
            json,
            min_score,
            ..
        }) => crate::detect_cli::predict(&model, &images, out.as_deref(), min_score, device, json),
        Some(Cmd::Predict {
            model,
            images,
            top,
            device,
            json,
            ..
        }) => {
            let selected = device::select(device)?;
            let predictions = if model.as_os_str() == "imagenet" {
                let net = ImageNetClassifier::load(&selected.device)?;
                net.predict_files(&images, top.unwrap_or(5))?
            } else {
                let trained = Trained::load(&model, &selected)?;
                classify::predict_files(&trained, &images, top.unwrap_or(3))?
            };
            for p in predictions {
                if json {
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
        Some(Cmd::Dataset(DatasetCmd::Shapes {
            task,
            format,
            out,
            count,
            size,
            seed,
        })) => {
            let detect = task == Task::Detect;
            let count = count.unwrap_or(if detect { 500 } else { 2000 });
            let size = size.unwrap_or(if detect { 128 } else { 32 });
            if size < 8 {
                bail!("--size must be at least 8");
            }
            let n = match task {
                Task::Classify => shapes::write_image_folder(&out, count, size, seed)?,
                Task::Segment => masks::write_shapes(&out, count, size, seed)?,
                Task::Detect => visionlab::data::detection::write::write_shapes(
                    &out, format, count, size, seed,
                )?,
            };
            println!("wrote {n} images to {}", out.display());
            Ok(())
        }
        Some(Cmd::Dataset(DatasetCmd::Mnist {
            csv,
            out,
            test_fraction,
        })) => {
            let items = mnist::read_csv_gz(&csv)?;
            let names: Vec<String> = (0..10).map(|d| d.to_string()).collect();
            let n = mnist::write_image_folder(&items, &names, &out, test_fraction, 7)?;
            println!("wrote {n} images to {}", out.display());
            Ok(())
        }
        Some(Cmd::Bench(args)) => crate::bench::run(args),
        Some(Cmd::Attack(args)) => crate::lab_cli::attack(args),
        Some(Cmd::Compress(args)) => crate::lab_cli::compress(args),
        Some(Cmd::Stylize(args)) => crate::style_cli::stylize(args),
        Some(Cmd::Assets) => {
            show_assets();
            Ok(())
        }
        Some(Cmd::Devices) => {
            let adapters = device::adapters();
            if adapters.is_empty() {
                println!("no wgpu adapter found");
            }
            for a in adapters {
                let kind = if a.software { "software" } else { "hardware" };
                println!("{} ({}, {kind})", a.name, a.backend);
            }
            println!(
                "auto picks: {}",
                device::select(DeviceChoice::Auto)?.description
            );
            Ok(())
        }
    }
}

/// Prints the assets folders searched, the one used, and where each bundled file is found.
fn show_assets() {
    use visionlab::assets;
    for dir in assets::search_dirs() {
        let mark = if dir.join(assets::ASSETS_MARKER).is_file() {
            "found"
        } else {
            "-"
        };
        println!("searched {} ({mark})", dir.display());
    }
    match assets::dir_holding(assets::ASSETS_MARKER) {
        Some(dir) => println!("assets: {}", dir.display()),
        None => println!("assets: not found (set {})", assets::ENV),
    }
    for name in [
        visionlab::models::mobilenet_v2::WEIGHTS_ASSET,
        visionlab::models::mobilenet_v2::LABELS_ASSET,
    ] {
        match assets::find(name) {
            Ok(path) => println!("{name}: {}", path.display()),
            Err(_) => println!("{name}: missing"),
        }
    }
}

fn train(args: TrainArgs) -> anyhow::Result<()> {
    let learning_rate = args.lr.unwrap_or(match args.optimizer {
        OptimizerKind::Adam if args.task == Task::Detect => {
            crate::detect_cli::default_learning_rate()
        }
        OptimizerKind::Adam => 2e-3,
        OptimizerKind::Sgd => 1e-2,
    });
    let (default_epochs, default_batch, default_count) = crate::detect_cli::defaults(args.task);
    let epochs = args.epochs.unwrap_or(default_epochs);
    let config = TrainConfig {
        task: args.task,
        data: data_spec(&args.data, args.count.unwrap_or(default_count)),
        model: args.model,
        optimizer: args.optimizer,
        learning_rate,
        batch_size: args.batch.unwrap_or(default_batch),
        epochs,
        image_size: args.image_size,
        val_fraction: args.val_fraction,
        seed: args.seed,
        augment: !args.no_augment,
        flip: args.flip,
        device: args.device,
        resume_from: args.resume.clone(),
        unet_width: args.unet_width,
        transfer: TransferOptions {
            freeze_backbone: args.freeze_backbone,
            unfreeze_last: args.unfreeze_last,
            unfreeze_after: args.unfreeze_after,
            ..TransferOptions::default()
        },
    };
    let job = engine::spawn_training(config, engine::no_waker());
    let bar = if args.json {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} steps {msg} ({elapsed}, eta {eta})",
            )
            .context("progress bar template")?
            .progress_chars("=> "),
        );
        bar
    };
    let mut reason = None;
    // A segmentation epoch is printed once its metrics arrive.
    let mut pending: Option<EpochSummary> = None;
    for event in job.events().iter() {
        match event {
            // A hidden bar (--json, or output not on a terminal) prints nothing: say it
            // on stderr then, so piped runs keep their log.
            Event::Device(d) if bar.is_hidden() => eprintln!("device: {d}"),
            Event::Device(d) => bar.println(format!("device: {d}")),
            Event::Log(line) if bar.is_hidden() => eprintln!("{line}"),
            Event::Log(line) => bar.println(line),
            Event::Dataset(s) => {
                let msg = format!(
                    "data: {} — {} classes, {} train / {} val images, input {}×{}×{}",
                    s.source,
                    s.classes.len(),
                    s.train_images,
                    s.val_images,
                    s.input_shape[0],
                    s.input_shape[1],
                    s.input_shape[2]
                );
                if args.json {
                    eprintln!("{msg}");
                } else {
                    bar.println(msg);
                }
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
            } => {
                bar.set_length(steps_per_epoch * epochs as u64);
                bar.set_position(step);
                bar.set_prefix(format!("epoch {epoch}/{epochs}"));
                bar.set_message(format!("loss {loss:.4}"));
            }
            Event::Epoch(e) if args.task != Task::Classify => pending = Some(e),
            Event::Epoch(e) => print_epoch(&bar, args.json, &e, None, None),
            Event::Segmentation(m) => {
                if let Some(e) = pending.take() {
                    print_epoch(&bar, args.json, &e, Some(&m), None);
                }
            }
            Event::Detection(m) => {
                if let Some(e) = pending.take() {
                    print_epoch(&bar, args.json, &e, None, Some(&m));
                }
            }
            Event::Finished(r) => {
                reason = Some(r);
                if let Some(out) = &args.out {
                    job.send(Command::SaveCheckpoint(out.clone()));
                } else {
                    break;
                }
            }
            Event::CheckpointSaved(path) => {
                let msg = format!("saved {}", path.display());
                if args.json {
                    eprintln!("{msg}");
                } else {
                    bar.println(msg);
                }
                break;
            }
            Event::CheckpointFailed(message) => bail!("could not save the checkpoint: {message}"),
            Event::Failed(message) => {
                bar.abandon();
                bail!(message);
            }
            _ => {}
        }
    }
    bar.finish_and_clear();
    match reason {
        Some(FinishReason::Completed | FinishReason::Stopped) => Ok(()),
        None => bail!("the training job ended unexpectedly"),
    }
}

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
        if let (Some(m), Some(object)) = (segmentation, line.as_object_mut()) {
            object.insert("val_miou".into(), json!(m.mean_iou));
            object.insert("val_pixel_accuracy".into(), json!(m.pixel_accuracy));
            object.insert("val_class_iou".into(), json!(m.class_iou));
        }
        if let Some(m) = detection {
            crate::detect_cli::add_json(&mut line, m);
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
        text.push_str(&crate::detect_cli::text(m));
    }
    text.push_str(&format!(" | {:.1} s", e.seconds));
    bar.println(text);
}
