//! `visionlab dataset`: write a dataset to disk (the built-in shapes for any task, scenes
//! composed from the bundled photos for detection and segmentation, or MNIST digits from a
//! CSV) in the layout that `visionlab train --data DIR` reads.

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::core::files;
use crate::core::protocol::Task;
use crate::data::photo_scenes::{self, Photos};
use crate::data::{mnist, shapes};
use crate::tasks::detect::data::photos::photos_set;
use crate::tasks::detect::data::{AnnotationFormat, write};
use crate::tasks::segment;

/// The datasets `visionlab dataset` writes.
#[derive(clap::Subcommand, Debug)]
pub enum DatasetCmd {
    /// The built-in synthetic shapes: an ImageFolder with train/ and test/ (classify),
    /// images/ + masks/ + classes.txt (segment), or scenes of 1–4 shapes with boxes and
    /// instance masks in YOLO, COCO or Pascal VOC layout, 20 % as validation (detect).
    Shapes {
        /// Which task's format to write.
        #[arg(long, value_enum, default_value = "classify")]
        task: Task,
        /// Annotation format of a detection set (`--task detect`).
        #[arg(long, value_enum, default_value = "yolo")]
        format: AnnotationFormat,
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
    /// Real-photo scenes: objects cut out of the bundled photos (cat, cup, flower, quokka,
    /// face, motorcycle, coin) pasted onto background crops of other photos, with exact
    /// boxes and instance masks in YOLO, COCO or Pascal VOC layout (detect), or images and
    /// class masks under train/ and val/ with classes.txt (segment). The last
    /// --val-fraction are validation scenes, made from coins and background pixels the
    /// training scenes never use.
    Photos {
        /// Which task's format to write: detect or segment.
        #[arg(long, value_enum)]
        task: Task,
        /// Annotation format of a detection set (`--task detect`).
        #[arg(long, value_enum, default_value = "yolo")]
        format: AnnotationFormat,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Number of scenes.
        #[arg(long, default_value_t = photo_scenes::DEFAULT_COUNT)]
        count: usize,
        /// Scene side in pixels.
        #[arg(long, default_value_t = photo_scenes::DEFAULT_SIZE)]
        size: u32,
        /// Generator seed.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Fraction of the scenes made as validation scenes.
        #[arg(long, default_value_t = 0.2)]
        val_fraction: f32,
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

/// Runs `visionlab dataset …` and says how many images it wrote where.
pub fn run(command: DatasetCmd) -> anyhow::Result<()> {
    // The output folder is checked before any image is generated or read.
    match &command {
        DatasetCmd::Shapes { out, .. }
        | DatasetCmd::Photos { out, .. }
        | DatasetCmd::Mnist { out, .. } => {
            files::check_output_dir(out).context("--out")?;
        }
    }
    let (n, out) = match command {
        DatasetCmd::Shapes {
            task,
            format,
            out,
            count,
            size,
            seed,
        } => {
            let detect = task == Task::Detect;
            let count = count.unwrap_or(if detect { 500 } else { 2000 });
            let size = size.unwrap_or(if detect { 128 } else { 32 });
            if size < 8 {
                bail!("--size must be at least 8");
            }
            // Written in chunks, but a label per image is held: the count is bounded too
            // (any count from 1 can be written; training asks for more).
            let most = crate::core::limits::MAX_SHAPES_COUNT;
            if !(1..=most).contains(&count) {
                bail!(
                    "--count {count} is out of range: the images written must be between 1 and {most}"
                );
            }
            let n = match task {
                Task::Classify => shapes::write_image_folder(&out, count, size, seed)?,
                Task::Segment => segment::data::write_shapes(&out, count, size, seed)?,
                Task::Detect => write::write_shapes(&out, format, count, size, seed)?,
            };
            (n, out)
        }
        DatasetCmd::Photos {
            task,
            format,
            out,
            count,
            size,
            seed,
            val_fraction,
        } => return write_photos(task, format, &out, count, size, seed, val_fraction),
        DatasetCmd::Mnist {
            csv,
            out,
            test_fraction,
        } => {
            let items = mnist::read_csv_gz(&csv)?;
            let names: Vec<String> = (0..10).map(|d| d.to_string()).collect();
            let n = mnist::write_image_folder(&items, &names, &out, test_fraction, 7)?;
            (n, out)
        }
    };
    println!("wrote {n} images to {}", out.display());
    Ok(())
}

/// `visionlab dataset photos`: checks the request, reads the bundled photos, writes the
/// scenes and says how many went to training and to validation.
fn write_photos(
    task: Task,
    format: AnnotationFormat,
    out: &std::path::Path,
    count: usize,
    size: u32,
    seed: u64,
    val_fraction: f32,
) -> anyhow::Result<()> {
    if task == Task::Classify {
        bail!(
            "`dataset photos` writes detection or segmentation scenes: use --task detect or --task segment"
        );
    }
    photo_scenes::check_request(count, size, val_fraction)?;
    if task == Task::Detect {
        photo_scenes::check_in_memory(count, size)?;
    }
    let photos = Photos::load()?;
    let (train, val, layout) = if task == Task::Detect {
        let set = photos_set(&photos, count, size, seed, val_fraction);
        write::write_set(&set, format, out)?;
        let boxes: Vec<String> = set
            .classes
            .iter()
            .zip(set.box_counts(&set.train))
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        println!("training boxes: {}", boxes.join(", "));
        (set.train.len(), set.val.len(), format.to_string())
    } else {
        let (train, val) =
            segment::data::write_photos(out, &photos, count, size, seed, val_fraction)?;
        let layout = if val > 0 {
            "train/ and val/, images/ + masks/ each"
        } else {
            "images/ + masks/"
        };
        (train, val, layout.to_string())
    };
    println!(
        "wrote {} images to {} ({layout}): {train} training, {val} validation",
        train + val,
        out.display()
    );
    Ok(())
}
