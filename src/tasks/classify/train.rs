//! Classification's part of the one training run ([`ClassifyTask`]: data, network, loss,
//! validation, explanations) and its dataset reading and summary, also used by dataset
//! inspection, evaluation and the labs.

use std::sync::Arc;

use anyhow::bail;
use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::prelude::*;
use burn::tensor::TensorData;

use crate::core::job::{Outbox, loading_progress};
use crate::core::protocol::{
    ClassifyEvent, DataSpec, DatasetSummary, Event, ExplainRequest, ModelKind, Prediction,
    RgbaImage, Task, TrainConfig, ValidationOutcome,
};
use crate::data::augment::Policy;
use crate::data::batch::{Batch, ItemSource, Loader, Normalization};
use crate::data::image_folder::{self, FolderOptions};
use crate::data::{ClassificationSet, Image, LabeledImage, shapes, spread, stream};
use crate::models::{Classifier, InputShape, ModelError};
use crate::tasks::classify::explain;
use crate::train::checkpoint::Checkpoint;
use crate::train::metrics::{self, Running};
use crate::train::readback;
use crate::train::task::{RunContext, StepLoss, TaskSetup, TrainTask, Validation};
use crate::train::transfer;

/// Side of the built-in shapes images.
pub const SHAPES_SIZE: u32 = 32;

/// Reads the dataset a config names, sending [`Event::Loading`] progress. Every image is
/// decoded into memory (see [`load_training_set`] for the bounded-memory reading).
pub fn load_dataset(config: &TrainConfig, out: &Outbox) -> anyhow::Result<ClassificationSet> {
    read_dataset(config, out, None)
}

/// Reads the dataset a config names for training or inspection: a folder whose images at
/// input size exceed the decode budget ([`stream::budget_bytes`]) has its training split
/// streamed from disk (see [`crate::data::stream`]). Sends [`Event::Loading`] progress.
pub fn load_training_set(config: &TrainConfig, out: &Outbox) -> anyhow::Result<ClassificationSet> {
    read_dataset(config, out, Some(stream::budget_bytes()))
}

fn read_dataset(
    config: &TrainConfig,
    out: &Outbox,
    decode_budget: Option<u64>,
) -> anyhow::Result<ClassificationSet> {
    match &config.data {
        DataSpec::Shapes { count, seed } => {
            let size = config.image_size.unwrap_or(SHAPES_SIZE);
            // RGB images, and their masks while they are generated.
            shapes::check_request(*count, size, 4)?;
            Ok(shapes::classification_set(
                *count,
                size,
                *seed,
                config.val_fraction,
            ))
        }
        DataSpec::Folder(dir) => {
            let options = FolderOptions {
                image_size: config.image_size,
                min_side: Classifier::min_side(config.model),
                val_fraction: config.val_fraction,
                seed: config.seed,
                decode_budget,
                ..FolderOptions::default()
            };
            let mut progress = loading_progress(out);
            Ok(image_folder::load(dir, &options, &mut progress)?)
        }
    }
}

/// How a set holds its images, for the log: decoded in memory or streamed, with the
/// sizes against the decode budget. Starts with [`stream::MODE_LINE_PREFIX`].
pub fn holding_line(set: &ClassificationSet) -> String {
    let mb = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    let image_bytes = u64::from(set.width * set.height * set.channels);
    let prefix = stream::MODE_LINE_PREFIX;
    match &set.streamed {
        Some(s) => format!(
            "{prefix}streamed from disk batch by batch: {} training images would take {:.0} MB decoded, over the {:.0} MB decode budget ({}); {} validation images ({:.1} MB) decoded",
            s.len(),
            mb(s.decoded_bytes()),
            mb(s.budget),
            stream::BUDGET_ENV,
            set.val.len(),
            mb(set.val.len() as u64 * image_bytes)
        ),
        None => format!(
            "{prefix}decoded in memory: {} images, {:.1} MB (decode budget {:.0} MB)",
            set.train.len() + set.val.len(),
            mb((set.train.len() + set.val.len()) as u64 * image_bytes),
            mb(stream::budget_bytes())
        ),
    }
}

/// Class names, counts, input shape, thumbnails and warnings of a dataset.
pub fn summarize(spec: &DataSpec, set: &ClassificationSet) -> DatasetSummary {
    // Up to 3 thumbnails per class, at most 24.
    let mut per_class = vec![0usize; set.classes.len()];
    let mut thumbnails = Vec::new();
    for item in &set.train {
        if thumbnails.len() >= 24 {
            break;
        }
        if per_class.get(item.label).is_some_and(|&n| n < 3) {
            per_class[item.label] += 1;
            thumbnails.push((item.image.to_rgba(), item.label));
        }
    }
    DatasetSummary {
        source: spec.describe(),
        classes: set.classes.clone(),
        train_counts: set.train_counts(),
        val_counts: set.counts(&set.val),
        train_images: set.train_len(),
        val_images: set.val.len(),
        input_shape: [
            set.channels as usize,
            set.height as usize,
            set.width as usize,
        ],
        thumbnails,
        warnings: set.skipped.iter().map(|s| s.to_string()).collect(),
    }
}

/// Uploads a batch: images `[n, c, h, w]` and labels `[n]`.
pub fn batch_tensors(batch: Batch, device: &Device) -> (Tensor<4>, Tensor<1, Int>) {
    let n = batch.labels.len();
    let images = Tensor::<4>::from_data(TensorData::new(batch.images, batch.shape), device);
    let labels = Tensor::<1, Int>::from_data(TensorData::new(batch.labels, [n]), device);
    (images, labels)
}

/// Loss and accuracy of `model` over `items`, and the prediction for each item (in order).
pub fn evaluate(
    model: &Classifier,
    items: &Arc<Vec<LabeledImage>>,
    norm: &Normalization,
    classes: usize,
    batch_size: usize,
    device: &Device,
) -> anyhow::Result<(Running, Vec<(usize, f32)>)> {
    let model = model.valid();
    let loss_fn = CrossEntropyLossConfig::new().init(device);
    let mut running = Running::default();
    let mut predictions = Vec::with_capacity(items.len());
    for batch in Loader::new(
        items.clone(),
        batch_size,
        norm.clone(),
        false,
        Policy::OFF,
        0,
    ) {
        let truth: Vec<usize> = batch.labels.iter().map(|&l| l as usize).collect();
        let (x, y) = batch_tensors(batch, device);
        let logits = model.forward(x);
        let loss: f32 = loss_fn.forward(logits.clone(), y).into_scalar();
        let data = logits.into_data();
        let values = data
            .try_to_vec::<f32>()
            .map_err(|e| anyhow::anyhow!("reading logits: {e:?}"))?;
        let top = metrics::top1(&values, classes);
        let correct = top.iter().zip(&truth).filter(|(p, t)| p.0 == **t).count();
        running.add(loss, correct, truth.len());
        predictions.extend(top);
    }
    Ok((running, predictions))
}

/// Classification as a task of the one training run: images with one label each, a
/// [`Classifier`], cross-entropy, top-1 accuracy; the validation predictions, a grid of
/// them, and explanations on request.
pub struct ClassifyTask {
    classes: Vec<String>,
    input: InputShape,
    /// Training images: in memory, or streamed from disk.
    train: Arc<dyn ItemSource>,
    val: Arc<Vec<LabeledImage>>,
    /// Measured on the training images (the identity for networks that normalise
    /// themselves).
    norm: Normalization,
    /// Validation items shown in the predictions grid.
    showcase: Vec<usize>,
}

impl TrainTask for ClassifyTask {
    type Model = Classifier;
    type Batch = Batch;
    /// Loss is the run's; this counts the right answers.
    type Tally = Running;
    const TASK: Task = Task::Classify;

    fn classes(&self) -> &[String] {
        &self.classes
    }

    fn input(&self) -> InputShape {
        self.input
    }

    fn train_len(&self) -> usize {
        self.train.len()
    }

    fn batches(&self, seed: u64, cx: &RunContext<'_>) -> Box<dyn Iterator<Item = Batch>> {
        Box::new(Loader::new(
            self.train.clone(),
            cx.config.batch_size,
            cx.norm.clone(),
            true,
            Policy {
                shift: cx.config.augment,
                flip: cx.config.flip,
            },
            seed,
        ))
    }

    fn step(
        &self,
        model: &Classifier,
        batch: Batch,
        tally: &mut Running,
        cx: &RunContext<'_>,
    ) -> anyhow::Result<StepLoss> {
        let loss_fn = CrossEntropyLossConfig::new().init(cx.autodiff);
        let truth: Vec<usize> = batch.labels.iter().map(|&l| l as usize).collect();
        let (x, y) = batch_tensors(batch, cx.autodiff);
        let logits = model.forward(x); // [n, classes]
        let loss = loss_fn.forward(logits.clone(), y); // [1]
        // The loss and the logits in one read (one round trip on a remote device).
        let (value, values) = readback::loss_and(loss.clone(), logits)?;
        let correct = metrics::top1(&values, self.classes.len())
            .iter()
            .zip(&truth)
            .filter(|(p, t)| p.0 == **t)
            .count();
        tally.add(0.0, correct, truth.len());
        Ok(StepLoss {
            tensor: loss,
            value,
            images: truth.len(),
        })
    }

    fn train_accuracy(tally: &Running) -> f32 {
        tally.accuracy()
    }

    fn validate(
        &self,
        model: &Classifier,
        epoch: usize,
        cx: &RunContext<'_>,
    ) -> anyhow::Result<Validation> {
        let (val, predictions) = evaluate(
            model,
            &self.val,
            cx.norm,
            self.classes.len(),
            cx.config.batch_size.max(64),
            cx.device,
        )?;
        let outcome = ValidationOutcome {
            epoch,
            truth: self.val.iter().map(|item| item.label).collect(),
            predicted: predictions.iter().map(|p| p.0).collect(),
            confidence: predictions.iter().map(|p| p.1).collect(),
        };
        let grid = self
            .showcase
            .iter()
            .filter_map(|&i| {
                let item = self.val.get(i)?;
                let (predicted, confidence) = *predictions.get(i)?;
                Some(Prediction {
                    image: item.image.to_rgba(),
                    predicted,
                    truth: item.label,
                    confidence,
                })
            })
            .collect();
        Ok(Validation {
            loss: val.loss(),
            accuracy: val.accuracy(),
            events: vec![
                Event::Classify(ClassifyEvent::Validation(outcome)),
                Event::Classify(ClassifyEvent::Predictions(grid)),
            ],
        })
    }

    /// The fine-tuning factor once a pretrained backbone's last stages train.
    fn lr_factor(&self, config: &TrainConfig, epoch: usize) -> f64 {
        transfer::lr_factor(config, epoch)
    }

    /// Freezes or unfreezes a pretrained backbone for `epoch`, saying so when it changes.
    fn epoch_start(
        &self,
        model: Classifier,
        epoch: usize,
        cx: &RunContext<'_>,
        out: &Outbox,
    ) -> Classifier {
        if let Some(note) = transfer::unfreeze_note(cx.config, epoch) {
            out.send(Event::Log(note));
        }
        model.with_transfer(&cx.config.transfer, epoch)
    }

    /// Sends a saliency map and Grad-CAM for the asked validation image and class (a log
    /// line when there is no such image or it fails: the run goes on).
    fn explain(
        &self,
        model: &Classifier,
        request: ExplainRequest,
        cx: &RunContext<'_>,
        out: &Outbox,
    ) {
        let index = request.index;
        let Some(item) = self.val.get(index) else {
            out.send(Event::Log(format!(
                "There is no validation image {index} to explain."
            )));
            return;
        };
        match explain::explain(model, item, request, cx.norm, cx.autodiff) {
            Ok(explanation) => out.send(Event::Classify(ClassifyEvent::Explanation(explanation))),
            Err(e) => out.send(Event::Log(format!(
                "Could not explain image {index}: {e:#}"
            ))),
        }
    }
}

impl TaskSetup for ClassifyTask {
    const NOUN: &'static str = "classification";

    fn adopt(config: &mut TrainConfig, saved: &TrainConfig) {
        config.model = saved.model;
    }

    fn load(config: &TrainConfig, out: &Outbox) -> anyhow::Result<Self> {
        let mut set = load_training_set(config, out)?;
        if set.train_len() == 0 {
            bail!("{}: no training images", config.data.describe());
        }
        out.send(Event::Log(holding_line(&set)));
        out.send(Event::Dataset(summarize(&config.data, &set)));
        for skipped in &set.skipped {
            out.send(Event::Log(format!("skipped {skipped}")));
        }
        Ok(ClassifyTask {
            input: InputShape {
                channels: set.channels as usize,
                height: set.height as usize,
                width: set.width as usize,
            },
            norm: if Classifier::normalizes_itself(config.model) {
                Normalization::identity(set.channels)
            } else {
                Normalization::from_images(&set.train, set.channels)
            },
            showcase: spread(set.val.len(), 32),
            train: match set.streamed.take() {
                Some(streamed) => streamed as Arc<dyn ItemSource>,
                None => Arc::new(std::mem::take(&mut set.train)) as Arc<dyn ItemSource>,
            },
            classes: set.classes,
            val: Arc::new(set.val),
        })
    }

    fn normalization(&self) -> Normalization {
        self.norm.clone()
    }

    fn build(
        &self,
        config: &TrainConfig,
        device: &Device,
        out: &Outbox,
    ) -> anyhow::Result<Classifier> {
        build_model(config, self.input, self.classes.len(), device, out)
    }

    fn restore(&self, checkpoint: &Checkpoint, device: &Device) -> anyhow::Result<Classifier> {
        Ok(checkpoint.model(device)?)
    }

    /// Sets the backbone's trainable part for the next epoch and sends the validation
    /// images (as thumbnails) for the predictions view.
    fn ready(
        &self,
        model: Classifier,
        epochs_done: usize,
        cx: &RunContext<'_>,
        out: &Outbox,
    ) -> Classifier {
        let model = model.with_transfer(&cx.config.transfer, epochs_done + 1);
        out.send(Event::Classify(ClassifyEvent::ValidationImages(
            self.val
                .iter()
                .map(|item| thumbnail(&item.image, THUMBNAIL_SIDE))
                .collect(),
        )));
        model
    }
}

/// A fresh model for a run: a pretrained backbone starts from its ImageNet weights.
fn build_model(
    config: &TrainConfig,
    input: InputShape,
    classes: usize,
    device: &Device,
    out: &Outbox,
) -> anyhow::Result<Classifier> {
    if config.model == ModelKind::MobileNetV2 && config.resume_from.is_none() {
        out.send(Event::Log("Loading the pretrained MobileNetV2…".into()));
    }
    let built = if config.resume_from.is_some() {
        // The checkpoint's weights replace these.
        Classifier::new(config.model, input, classes, device)
    } else {
        Classifier::pretrained(config.model, input, classes, device)
    };
    built.map_err(|e| match e {
        ModelError::InputTooSmall { .. } => {
            anyhow::anyhow!("{e}: choose a larger image size (for example 64)")
        }
        other => other.into(),
    })
}

/// Longest side of the validation pictures sent to the UI.
pub const THUMBNAIL_SIDE: u32 = 48;

/// The image as RGBA, shrunk (nearest neighbour) so its longer side is at most `max_side`.
pub fn thumbnail(image: &Image, max_side: u32) -> RgbaImage {
    let rgba = image.to_rgba();
    let longest = image.width.max(image.height);
    if longest <= max_side || max_side == 0 {
        return rgba;
    }
    let w = (image.width * max_side / longest).max(1) as usize;
    let h = (image.height * max_side / longest).max(1) as usize;
    let (sw, sh) = (image.width as usize, image.height as usize);
    let mut pixels = Vec::with_capacity(w * h * 4);
    for y in 0..h {
        let sy = y * sh / h;
        for x in 0..w {
            let sx = x * sw / w;
            let i = (sy * sw + sx) * 4;
            pixels.extend_from_slice(&rgba.pixels[i..i + 4]);
        }
    }
    RgbaImage {
        width: w,
        height: h,
        pixels,
    }
}
