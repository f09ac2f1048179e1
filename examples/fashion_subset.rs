//! Writes the few-labels Fashion-MNIST experiment's ImageFolder: `OUT/train/<class>/` with
//! the first `PER_CLASS` training images of each class and `OUT/test/<class>/` with all
//! 10 000 test images.
//!
//! `cargo run --example fashion_subset -- IDX_DIR OUT [PER_CLASS]`, then train on `OUT`
//! (its `test/` split is what the epochs report as validation).

use std::path::PathBuf;

use anyhow::Context;
use visionlab::data::{LabeledImage, image_folder, mnist};

/// Fashion-MNIST's class names, index = label.
const CLASSES: [&str; 10] = mnist::FASHION_CLASSES;

fn write(dir: &std::path::Path, items: &[LabeledImage]) -> anyhow::Result<()> {
    for (i, item) in items.iter().enumerate() {
        let class_dir = dir.join(CLASSES[item.label]);
        std::fs::create_dir_all(&class_dir)?;
        image_folder::save_png(&class_dir.join(format!("{i:05}.png")), &item.image)?;
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (idx, out) = match (args.get(1), args.get(2)) {
        (Some(i), Some(o)) => (PathBuf::from(i), PathBuf::from(o)),
        _ => anyhow::bail!("usage: fashion_subset IDX_DIR OUT [PER_CLASS]"),
    };
    let per_class: usize = args
        .get(3)
        .map_or(Ok(100), |s| s.parse())
        .context("PER_CLASS")?;
    let train = mnist::read_idx(
        &idx.join("train-images-idx3-ubyte.gz"),
        &idx.join("train-labels-idx1-ubyte.gz"),
    )?;
    let test = mnist::read_idx(
        &idx.join("t10k-images-idx3-ubyte.gz"),
        &idx.join("t10k-labels-idx1-ubyte.gz"),
    )?;
    let mut taken = [0usize; 10];
    let subset: Vec<LabeledImage> = train
        .into_iter()
        .filter(|item| {
            let keep = item.label < 10 && taken[item.label] < per_class;
            if keep {
                taken[item.label] += 1;
            }
            keep
        })
        .collect();
    write(&out.join("train"), &subset)?;
    write(&out.join("test"), &test)?;
    println!(
        "wrote {} training and {} test images to {}",
        subset.len(),
        test.len(),
        out.display()
    );
    Ok(())
}
