//! `visionlab explore`: a dataset seen through a model, headless: likely label errors,
//! duplicate pairs (and train/validation leaks) and the 2-D map, as a summary on stdout
//! and, with `--json OUT`, everything in one JSON file.

use std::path::PathBuf;

use anyhow::{Context, bail};
use indicatif::ProgressBar;

use crate::cli::output::bar_style;
use crate::core::files::write_atomic;
use crate::core::job;
use crate::core::protocol::{
    DeviceChoice, EmbeddingModel, Event, ExploreConfig, ExploreEvent, ExploreReport, ExploreSplit,
    FinishReason,
};
use crate::explore::{self, cache};
use crate::train::checkpoint;

/// Options of `visionlab explore`.
#[derive(clap::Args, Debug)]
pub struct ExploreArgs {
    /// A classifier checkpoint (.vlck), or `imagenet` for the bundled ImageNet MobileNetV2.
    #[arg(long)]
    model: String,
    /// An ImageFolder directory (one sub-folder per class, or train/ and test/ holding them).
    #[arg(long)]
    data: PathBuf,
    /// The images ranked for label errors (the map and duplicates cover all of them).
    #[arg(long, value_enum, default_value = "val")]
    split: ExploreSplit,
    /// Most label errors listed.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Cosine similarity from which two images are near-duplicates.
    #[arg(long, default_value_t = 0.98)]
    dup_threshold: f32,
    /// Write the whole report (label errors, duplicate pairs, the map) to this JSON file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Folder of the embedding cache (default: `explore/` beside the checkpoint, or the
    /// user's cache folder for `imagenet`).
    #[arg(long)]
    cache_dir: Option<PathBuf>,
    /// Compute the embeddings again and keep no cache.
    #[arg(long)]
    no_cache: bool,
    /// Images per forward pass.
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// With `--model imagenet`: the side of the crop it reads, 32..=224 (default 224, as
    /// it was trained); 112 is about four times faster on a CPU.
    #[arg(long)]
    image_size: Option<u32>,
    /// Also lay the map out with t-SNE (after PCA; seconds for thousands of images) and
    /// write it to the JSON report as `tsne` (one [x, y] per image).
    #[arg(long)]
    tsne: bool,
    /// Where tensors run: auto, cpu, gpu, or remote:ws://host:port (a `visionlab serve`).
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
}

/// Runs `visionlab explore`.
pub fn run(args: ExploreArgs) -> anyhow::Result<()> {
    let model = if args.model.eq_ignore_ascii_case("imagenet") {
        EmbeddingModel::ImageNet
    } else if args.image_size.is_some() {
        bail!("--image-size is for --model imagenet; a checkpoint reads its own input size");
    } else {
        let path = PathBuf::from(&args.model);
        // Said before anything is read: a missing or broken checkpoint names the file.
        checkpoint::read_meta(&path)?;
        EmbeddingModel::Checkpoint(path)
    };
    if !args.data.is_dir() {
        bail!(
            "the dataset folder {} does not exist or is not a folder",
            args.data.display()
        );
    }
    if !(-1.0..=1.0).contains(&args.dup_threshold) {
        bail!(
            "--dup-threshold {} is not a cosine similarity (-1..=1)",
            args.dup_threshold
        );
    }
    if let Some(path) = &args.json {
        crate::core::files::check_output_file(path)?;
    }
    let mut config = ExploreConfig::new(model.clone(), args.data.clone());
    config.split = args.split;
    config.top = args.top;
    config.dup_threshold = args.dup_threshold;
    config.batch_size = args.batch.max(1);
    config.imagenet_side = args.image_size;
    config.device = args.device;
    config.cache_dir = if args.no_cache {
        None
    } else {
        args.cache_dir
            .clone()
            .or_else(|| cache::default_dir(&model))
    };

    let job = explore::spawn(config, job::no_waker());
    let bar = ProgressBar::new(0).with_style(bar_style(
        "embedding {bar:30} {pos}/{len} images ({per_sec}, {eta} left)",
    ));
    let mut report = None;
    for event in job.events().iter() {
        match event {
            Event::Device(d) => bar.println(format!("device: {d}")),
            Event::Log(line) => bar.println(line),
            Event::Explore(ExploreEvent::Progress { done, total }) => {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            }
            Event::Explore(ExploreEvent::Report(r)) => report = Some(r),
            Event::Finished(reason) => {
                bar.finish_and_clear();
                if reason == FinishReason::Stopped {
                    bail!("the explorer was stopped");
                }
                let Some(report) = report.take() else {
                    bail!("the explorer ended without a report");
                };
                print_summary(&report);
                let tsne_points = if args.tsne {
                    Some(tsne_layout(&report, args.device)?)
                } else {
                    None
                };
                if let Some(path) = &args.json {
                    let mut value =
                        serde_json::to_value(&report).context("writing the report as JSON")?;
                    if let (Some(points), Some(object)) = (tsne_points, value.as_object_mut()) {
                        object.insert("tsne".into(), serde_json::json!(points));
                    }
                    let json =
                        serde_json::to_vec_pretty(&value).context("writing the report as JSON")?;
                    write_atomic(path, &json)?;
                    println!("report written to {}", path.display());
                }
                return Ok(());
            }
            Event::Failed(message) => {
                bar.finish_and_clear();
                bail!(message)
            }
            _ => {}
        }
    }
    bail!("the explorer job ended unexpectedly")
}

/// The report's t-SNE layout, made here (with the time it took on stdout).
fn tsne_layout(report: &ExploreReport, device: DeviceChoice) -> anyhow::Result<Vec<[f32; 2]>> {
    let Some(space) = &report.space else {
        bail!("the report holds no embeddings to lay out");
    };
    let selected = crate::core::device::select(device)?;
    let started = std::time::Instant::now();
    let points = explore::tsne::layout(space, &selected.device, &mut |_, _| true, &mut |_, _| {})?
        .unwrap_or_default();
    println!(
        "t-SNE map of {} images in {:.1} s",
        points.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(points)
}

/// The human summary: counts, the likeliest label errors and the duplicate pairs.
fn print_summary(report: &ExploreReport) {
    let held_out = report.images.iter().filter(|i| i.held_out).count();
    println!(
        "{} images ({} training, {} validation), {} classes, {}-value embeddings{}",
        report.images.len(),
        report.images.len() - held_out,
        held_out,
        report.classes.len(),
        report.embedding_dim,
        if report.from_cache {
            " (from the cache)"
        } else {
            ""
        }
    );
    println!(
        "map: the first two principal components hold {:.1} % and {:.1} % of the variance",
        report.map_variance[0] * 100.0,
        report.map_variance[1] * 100.0
    );
    for note in &report.notes {
        println!("note: {note}");
    }
    if !report.skipped.is_empty() {
        println!("{} files skipped", report.skipped.len());
    }
    println!(
        "likely label errors in the {} split ({}): {}",
        explore::job::split_words(report.split),
        report.out_of_sample,
        report.label_errors.len()
    );
    for issue in &report.label_errors {
        println!(
            "  {:+.3}  {}  given {}, looks like {}",
            issue.score,
            issue.path.display(),
            issue.given,
            issue.predicted
        );
    }
    let exact = report.duplicates.iter().filter(|d| d.exact).count();
    let leaks = report.duplicates.iter().filter(|d| d.leak).count();
    println!(
        "duplicate pairs: {} ({} exact, {} across train/validation)",
        report.duplicates.len(),
        exact,
        leaks
    );
    for pair in report.duplicates.iter().take(20) {
        println!(
            "  {:.3}{}{}  {}  {}",
            pair.similarity,
            if pair.exact { " exact" } else { "" },
            if pair.leak { " LEAK" } else { "" },
            pair.path_a.display(),
            pair.path_b.display()
        );
    }
}
