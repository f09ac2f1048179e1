//! Image classification with a trained checkpoint: top-k predictions for image files and
//! evaluation on a dataset.

pub mod defaults;
pub mod explain;
pub mod imagenet;
pub mod train;

use crate::tasks::classify::train as classify_train;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use burn::prelude::*;
use burn::tensor::TensorData;
use serde::Serialize;

use crate::core::device::Selected;
use crate::core::job::Outbox;
use crate::core::protocol::{DataSpec, TrainConfig};
use crate::data::batch::{Normalization, make_batch};
use crate::data::orientation::decode_oriented;
use crate::data::{Image, LabeledImage, image_folder};
use crate::models::{Classifier, InputShape};
use crate::train::checkpoint::{self, Checkpoint};
use crate::train::eval_split::{check_classes, split_config};

/// A checkpoint loaded for inference.
pub struct Trained {
    /// The checkpoint's metadata.
    pub checkpoint: Checkpoint,
    /// The network in inference mode.
    pub model: Classifier,
    /// Where it runs.
    pub device: Device,
}

impl Trained {
    /// Loads a checkpoint onto a device.
    pub fn load(path: &Path, device: &Selected) -> anyhow::Result<Self> {
        let checkpoint = checkpoint::load(path)?;
        if checkpoint.meta.task != crate::core::protocol::Task::Classify {
            anyhow::bail!(
                "{} is a {} checkpoint, not a classifier",
                path.display(),
                checkpoint::task_key(checkpoint.meta.task)
            );
        }
        let model = checkpoint.model(&device.device)?;
        Ok(Trained {
            checkpoint,
            model,
            device: device.device.clone(),
        })
    }

    /// Class names.
    pub fn classes(&self) -> &[String] {
        &self.checkpoint.meta.classes
    }
}

/// One class and its probability.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scored {
    /// Class name.
    pub class: String,
    /// Softmax probability.
    pub probability: f32,
}

/// The top classes for one image.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FilePrediction {
    /// The image file.
    pub path: PathBuf,
    /// Best first.
    pub top: Vec<Scored>,
}

/// Reads an image file and converts it to the network's input (channels and size).
pub fn load_image(path: &Path, input: InputShape) -> anyhow::Result<Image> {
    let decoded = image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .with_context(|| format!("cannot open {}", path.display()))
        .and_then(|r| {
            decode_oriented(r)
                .with_context(|| format!("{} is not a readable image", path.display()))
        })?;
    Ok(image_folder::convert(
        &decoded,
        input.width as u32,
        input.height as u32,
        input.channels as u32,
    ))
}

/// Class probabilities `[n, classes]` for images already at input size.
pub fn probabilities(
    model: &Classifier,
    images: &[Image],
    norm: &Normalization,
    device: &Device,
) -> anyhow::Result<Vec<Vec<f32>>> {
    if images.is_empty() {
        return Ok(Vec::new());
    }
    let items: Vec<LabeledImage> = images
        .iter()
        .map(|image| LabeledImage {
            image: image.clone(),
            label: 0,
        })
        .collect();
    let indices: Vec<usize> = (0..items.len()).collect();
    let batch = make_batch(&items, &indices, norm, None);
    let x = Tensor::<4>::from_data(TensorData::new(batch.images, batch.shape), device);
    let probs = burn::tensor::activation::softmax(model.forward(x), 1); // [n, classes]
    let classes = probs.dims()[1];
    let values = probs
        .into_data()
        .try_to_vec::<f32>()
        .map_err(|e| anyhow::anyhow!("reading probabilities: {e:?}"))?;
    Ok(values.chunks(classes).map(|c| c.to_vec()).collect())
}

/// Top-`k` classes for each image file.
pub fn predict_files(
    trained: &Trained,
    paths: &[PathBuf],
    k: usize,
) -> anyhow::Result<Vec<FilePrediction>> {
    let meta = &trained.checkpoint.meta;
    let images = paths
        .iter()
        .map(|p| load_image(p, meta.input))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let model = trained.model.valid();
    let probs = probabilities(&model, &images, &meta.normalization, &trained.device)?;
    Ok(paths
        .iter()
        .zip(probs)
        .map(|(path, p)| {
            let mut order: Vec<usize> = (0..p.len()).collect();
            order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
            FilePrediction {
                path: path.clone(),
                top: order
                    .into_iter()
                    .take(k.max(1))
                    .map(|i| Scored {
                        class: meta.classes.get(i).cloned().unwrap_or_default(),
                        probability: p[i],
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Accuracy and loss of a checkpoint on a dataset.
#[derive(Clone, Debug, Serialize)]
pub struct EvalReport {
    /// Images evaluated.
    pub images: usize,
    /// Mean cross-entropy.
    pub loss: f32,
    /// Fraction right.
    pub accuracy: f32,
    /// Accuracy per class (NaN-free: classes without images get 0).
    pub per_class_accuracy: Vec<(String, f32)>,
    /// Which split was used ("test" for train/test folders, else "all").
    pub split: String,
}

/// Evaluates a checkpoint on a dataset: its `test/` split when it has one, else all images.
pub fn evaluate(trained: &Trained, data: &DataSpec, out: &Outbox) -> anyhow::Result<EvalReport> {
    let meta = &trained.checkpoint.meta;
    let config = TrainConfig {
        data: data.clone(),
        image_size: Some(meta.input.height as u32),
        val_fraction: 0.0,
        ..TrainConfig::default()
    };
    let set = classify_train::load_dataset(&config, out)?;
    check_classes(meta, data, &set.classes)?;
    let (items, split) = if set.val.is_empty() {
        (set.train, "all")
    } else {
        (set.val, "test")
    };
    let items = Arc::new(items);
    let (running, predictions) = classify_train::evaluate(
        &trained.model,
        &items,
        &meta.normalization,
        meta.classes.len(),
        128,
        &trained.device,
    )?;
    let mut right = vec![0usize; meta.classes.len()];
    let mut total = vec![0usize; meta.classes.len()];
    for (item, (pred, _)) in items.iter().zip(&predictions) {
        total[item.label] += 1;
        if *pred == item.label {
            right[item.label] += 1;
        }
    }
    Ok(EvalReport {
        images: items.len(),
        loss: running.loss(),
        accuracy: running.accuracy(),
        per_class_accuracy: meta
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let acc = if total[i] == 0 {
                    0.0
                } else {
                    right[i] as f32 / total[i] as f32
                };
                (c.clone(), acc)
            })
            .collect(),
        split: split.into(),
    })
}

/// Reads `data` the way the checkpoint's run split it (same validation fraction, seed and
/// input size), and checks that it has the checkpoint's classes. The attack and compression
/// jobs use its validation split (or `test/`), and its training split to calibrate or
/// fine-tune.
pub fn load_split_for(
    meta: &checkpoint::CheckpointMeta,
    data: &DataSpec,
    out: &Outbox,
) -> anyhow::Result<crate::data::ClassificationSet> {
    let config = split_config(meta, data);
    let set = classify_train::load_dataset(&config, out)?;
    check_classes(meta, &config.data, &set.classes)?;
    if set.channels as usize != meta.input.channels {
        anyhow::bail!(
            "the model takes {}-channel images, but {} has {}-channel images",
            meta.input.channels,
            data.describe(),
            set.channels
        );
    }
    Ok(set)
}
