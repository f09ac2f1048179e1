//! `visionlab dataset`: write a dataset to disk (the built-in shapes for any task, or MNIST
//! digits from a CSV) in the layout that `visionlab train --data DIR` reads.

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::core::files;
use crate::core::protocol::Task;
use crate::data::{mnist, shapes};
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
        DatasetCmd::Shapes { out, .. } | DatasetCmd::Mnist { out, .. } => {
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
