//! Detection's part of the one training run ([`DetectTask`]): the CenterNet-style
//! [`Detector`] on images with boxes (and instance masks), mAP@0.5 and mAP@0.5:0.95 on the
//! validation split after every epoch, validation images with their true and predicted
//! boxes for the overlay; and its dataset reading and summary.

use std::sync::Arc;
use std::time::Instant;

use anyhow::bail;
use burn::optim::GradientsParams;
use burn::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::core::job::{Outbox, loading_progress};
use crate::core::limits;
use crate::core::protocol::{
    BoxPrediction, DataSpec, DatasetSummary, DetectEvent, DetectionErrors, DetectionSummary,
    ErrorViews, Event, RgbaImage, Task, TrainConfig,
};
use crate::data::batch::Normalization;
use crate::data::{shapes, spread, stream};
use crate::models::InputShape;
use crate::tasks::detect::data as detection;
use crate::tasks::detect::data::augment::{Policy, augment};
use crate::tasks::detect::data::{
    DetectionOptions, DetectionSample, DetectionSet, StreamedDetections,
};
use crate::tasks::detect::error_views::error_views;
use crate::tasks::detect::model::Detector;
use crate::tasks::detect::{
    self, DETECTOR_WIDTH, Decoded, DetectionBatch, MIN_SCORE, detection_loss, make_batch,
    scored_boxes,
};
use crate::train::checkpoint::Checkpoint;
use crate::train::schedule::optimizer;
use crate::train::task::{RunContext, StepLoss, TaskSetup, TrainTask, Validation};
use crate::train::transfer;

/// Side of the built-in shapes images for detection.
pub const DETECT_SHAPES_SIZE: u32 = 64;
/// Default side a folder dataset's images are resized to.
pub const DETECT_FOLDER_SIZE: u32 = 128;
/// Validation images sent with their boxes after each epoch.
const SHOWCASE: usize = 24;
/// Most validation images sent with the error views (the gallery of a confusion cell).
const ERROR_IMAGES: usize = 256;

/// The network input side for a config: its image size, or the default for the data.
pub fn input_side(config: &TrainConfig) -> u32 {
    config.image_size.unwrap_or(match config.data {
        DataSpec::Shapes { .. } => DETECT_SHAPES_SIZE,
        DataSpec::Folder(_) => DETECT_FOLDER_SIZE,
    })
}

/// Reads the detection data a config names, each image decoded, resized to the input side
/// and rasterised one at a time, within the decode budget ([`stream::budget_bytes`]: a
/// folder whose samples need more has its training split streamed from disk). Sends
/// [`Event::Loading`] progress.
pub fn load_dataset(config: &TrainConfig, out: &Outbox) -> anyhow::Result<DetectionSet> {
    let size = input_side(config);
    limits::check_image_size(size)?;
    if size < Detector::MIN_SIDE as u32 || !size.is_multiple_of(Detector::SIDE_MULTIPLE as u32) {
        bail!("detection needs an image size that is a multiple of 8, at least 16; got {size}");
    }
    if transfer::pretrained(config) && !size.is_multiple_of(32) {
        bail!(
            "the MobileNetV2 detector needs an image size that is a multiple of 32 (for example 160 or 192); got {size}"
        );
    }
    match &config.data {
        DataSpec::Shapes { count, seed } => {
            // RGB images with up to four one-byte instance masks each.
            shapes::check_request(*count, size, 3 + detection::MAX_SHAPES as u64)?;
            Ok(detection::shapes_set(
                *count,
                size,
                *seed,
                config.val_fraction,
            ))
        }
        DataSpec::Folder(dir) => {
            let mut progress = loading_progress(out);
            let opts = DetectionOptions {
                size: Some(size),
                val_fraction: config.val_fraction,
                seed: config.seed,
                decode_budget: Some(stream::budget_bytes()),
            };
            Ok(detection::load_with(dir, &opts, &mut progress)?)
        }
    }
}

/// Class names, objects per class, thumbnails (boxes drawn) and skipped files of a set.
pub fn summarize(spec: &DataSpec, set: &DetectionSet) -> DatasetSummary {
    let count = |split: &[DetectionSample]| {
        let mut counts = vec![0usize; set.classes.len()];
        for sample in split {
            for b in &sample.boxes {
                if let Some(c) = counts.get_mut(b.class) {
                    *c += 1;
                }
            }
        }
        counts
    };
    let thumbnails = set
        .train
        .iter()
        .take(24)
        .map(|sample| {
            let mut picture = sample.image.to_rgba();
            for b in &sample.boxes {
                detect::draw_box(&mut picture, b, detect::box_colour(b.class), 1);
            }
            (picture, sample.boxes.first().map_or(0, |b| b.class))
        })
        .collect();
    let first = set.train.first().or(set.val.first());
    DatasetSummary {
        source: spec.describe(),
        classes: set.classes.clone(),
        train_counts: match &set.streamed {
            Some(s) => s.box_counts(set.classes.len()),
            None => count(&set.train),
        },
        val_counts: count(&set.val),
        train_images: set.train_len(),
        val_images: set.val.len(),
        input_shape: [
            3,
            first.map_or(0, |s| s.image.height as usize),
            first.map_or(0, |s| s.image.width as usize),
        ],
        thumbnails,
        warnings: set.skipped.iter().map(|s| s.to_string()).collect(),
    }
}

/// What the detector said about a split.
pub struct SplitEval {
    /// Mean loss per image.
    pub loss: f32,
    /// Decoded boxes (and foreground maps) of each image, in split order.
    pub decoded: Vec<Decoded>,
    /// mAP report.
    pub report: crate::tasks::detect::metrics::MapReport,
    /// PR and F1 curves and the confusion matrix.
    pub errors: DetectionErrors,
}

/// Runs `model` over `samples` (no gradients), decoding every image and measuring mAP.
pub fn evaluate(
    model: &Detector,
    samples: &[DetectionSample],
    classes: usize,
    norm: &Normalization,
    batch_size: usize,
    device: &Device,
) -> anyhow::Result<SplitEval> {
    let model = model.valid();
    let mut decoded = Vec::with_capacity(samples.len());
    let mut loss_sum = 0.0f64;
    for chunk in samples.chunks(batch_size.max(1)) {
        let batch = make_batch(chunk, classes, norm);
        let n = batch.shape[0];
        let t = batch.tensors(device);
        let out = model.forward(t.images.clone());
        let loss: f32 = detection_loss(out.clone(), &t).total.into_scalar();
        loss_sum += f64::from(loss) * n as f64;
        decoded.extend(detect::decode(out, MIN_SCORE)?);
    }
    let preds: Vec<Vec<crate::tasks::detect::metrics::Detection>> = decoded
        .iter()
        .map(|d| d.boxes.iter().map(|b| b.as_detection()).collect())
        .collect();
    let truth: Vec<Vec<detection::LabeledBox>> = samples.iter().map(|s| s.boxes.clone()).collect();
    let report = crate::tasks::detect::metrics::mean_average_precision(&preds, &truth, classes);
    let errors = error_views(&preds, &truth, classes);
    Ok(SplitEval {
        loss: if samples.is_empty() {
            0.0
        } else {
            (loss_sum / samples.len() as f64) as f32
        },
        decoded,
        report,
        errors,
    })
}

/// How a set holds its samples, for the log: decoded in memory or streamed, with the
/// sizes against the decode budget. Starts with [`stream::MODE_LINE_PREFIX`].
pub fn holding_line(set: &DetectionSet) -> String {
    let mb = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    let bytes = |samples: &[DetectionSample]| -> u64 {
        samples
            .iter()
            .map(|s| {
                s.image.pixels.len() as u64
                    + s.masks
                        .iter()
                        .flatten()
                        .map(|m| m.pixels.len() as u64)
                        .sum::<u64>()
            })
            .sum()
    };
    let prefix = stream::MODE_LINE_PREFIX;
    match &set.streamed {
        Some(s) => format!(
            "{prefix}streamed from disk batch by batch: {} training images would take {:.0} MB decoded, over the {:.0} MB decode budget ({}); {} validation images ({:.1} MB) decoded",
            s.len(),
            mb(s.decoded_bytes),
            mb(s.budget),
            stream::BUDGET_ENV,
            set.val.len(),
            mb(bytes(&set.val))
        ),
        None => format!(
            "{prefix}decoded in memory: {} images, {:.1} MB (decode budget {:.0} MB)",
            set.train.len() + set.val.len(),
            mb(bytes(&set.train) + bytes(&set.val)),
            mb(stream::budget_bytes())
        ),
    }
}

/// The training samples: decoded in memory, or read from disk batch by batch.
enum TrainSamples {
    Memory(Arc<Vec<DetectionSample>>),
    Streamed(Arc<StreamedDetections>),
}

impl TrainSamples {
    fn len(&self) -> usize {
        match self {
            TrainSamples::Memory(s) => s.len(),
            TrainSamples::Streamed(s) => s.len(),
        }
    }

    /// Sample `i` augmented under `policy`; `None` when a streamed file can no longer be
    /// read.
    fn augmented(&self, i: usize, policy: Policy, rng: &mut StdRng) -> Option<DetectionSample> {
        match self {
            TrainSamples::Memory(s) => s.get(i).map(|sample| augment(sample, policy, rng)),
            TrainSamples::Streamed(s) => s.decode(i).map(|sample| augment(&sample, policy, rng)),
        }
    }
}

/// Detection as a task of the one training run: the CenterNet-style [`Detector`] on
/// images with boxes (and instance masks), its heatmap/size/mask loss, mAP on the
/// validation split.
pub struct DetectTask {
    classes: Vec<String>,
    input: InputShape,
    train: TrainSamples,
    val: Vec<DetectionSample>,
    /// Measured on the training images.
    norm: Normalization,
}

impl TrainTask for DetectTask {
    type Model = Detector;
    type Batch = DetectionBatch;
    /// Detection has no training accuracy.
    type Tally = ();
    const TASK: Task = Task::Detect;

    fn classes(&self) -> &[String] {
        &self.classes
    }

    fn input(&self) -> InputShape {
        self.input
    }

    fn train_len(&self) -> usize {
        self.train.len()
    }

    /// Shuffled from `seed`; left-right flips (when the config asks) move the boxes and
    /// masks with the image. The zoom crops of `augment` are left off: the training-time
    /// budget was measured without them.
    fn batches(&self, seed: u64, cx: &RunContext<'_>) -> Box<dyn Iterator<Item = DetectionBatch>> {
        let policy = Policy {
            flip: cx.config.flip,
            zoom: false,
        };
        let mut order: Vec<usize> = (0..self.train.len()).collect();
        order.shuffle(&mut StdRng::seed_from_u64(seed));
        let mut aug_rng = StdRng::seed_from_u64(seed ^ 0xDE7E_C7ED);
        let chunks: Vec<Vec<usize>> = order
            .chunks(cx.config.batch_size.max(1))
            .map(<[usize]>::to_vec)
            .collect();
        let train = match &self.train {
            TrainSamples::Memory(s) => TrainSamples::Memory(Arc::clone(s)),
            TrainSamples::Streamed(s) => TrainSamples::Streamed(Arc::clone(s)),
        };
        let norm = cx.norm.clone();
        let classes = self.classes.len();
        Box::new(chunks.into_iter().filter_map(move |chunk| {
            let samples: Vec<DetectionSample> = chunk
                .iter()
                .filter_map(|&i| train.augmented(i, policy, &mut aug_rng))
                .collect();
            // A batch whose streamed files all vanished since the folder was read.
            (!samples.is_empty()).then(|| make_batch(&samples, classes, &norm))
        }))
    }

    fn step(
        &self,
        model: &Detector,
        batch: DetectionBatch,
        _tally: &mut (),
        cx: &RunContext<'_>,
    ) -> anyhow::Result<StepLoss> {
        let n = batch.shape[0];
        let t = batch.tensors(cx.autodiff);
        let out = model.forward(t.images.clone());
        let loss = detection_loss(out, &t).total; // [1]
        Ok(StepLoss {
            value: loss.clone().into_scalar(),
            tensor: loss,
            images: n,
        })
    }

    fn train_accuracy(_tally: &()) -> f32 {
        // Not measured: 0, so that checkpoints, which store the summaries as JSON, stay
        // readable. The validation "accuracy" is mAP@0.5.
        0.0
    }

    /// The fine-tuning factor once the encoder's last stages train.
    fn lr_factor(&self, config: &TrainConfig, epoch: usize) -> f64 {
        transfer::lr_factor(config, epoch)
    }

    /// Freezes or unfreezes the pretrained encoder for `epoch`, saying so when it changes.
    fn epoch_start(
        &self,
        model: Detector,
        epoch: usize,
        cx: &RunContext<'_>,
        out: &Outbox,
    ) -> Detector {
        if let Some(note) = transfer::unfreeze_note(cx.config, epoch) {
            out.send(Event::Log(note));
        }
        model.with_transfer(&cx.config.transfer, epoch)
    }

    fn validate(
        &self,
        model: &Detector,
        epoch: usize,
        cx: &RunContext<'_>,
    ) -> anyhow::Result<Validation> {
        let val = evaluate(
            model,
            &self.val,
            self.classes.len(),
            cx.norm,
            cx.config.batch_size.max(32),
            cx.device,
        )?;
        let metrics = DetectionSummary {
            epoch,
            map50: val.report.map50,
            map: val.report.map,
            class_ap50: val.report.per_class_ap50.clone(),
        };
        Ok(Validation {
            loss: val.loss,
            accuracy: val.report.map50,
            events: vec![
                Event::Detect(DetectEvent::Metrics(metrics)),
                Event::Detect(DetectEvent::Boxes(showcase(&self.val, &val.decoded))),
                Event::Detect(DetectEvent::Errors(Box::new(ErrorViews {
                    epoch,
                    images: self
                        .val
                        .iter()
                        .take(ERROR_IMAGES)
                        .map(|s| s.image.to_rgba())
                        .collect(),
                    errors: val.errors,
                }))),
            ],
        })
    }
}

impl TaskSetup for DetectTask {
    const NOUN: &'static str = "detection";

    fn adopt(config: &mut TrainConfig, saved: &TrainConfig) {
        config.model = saved.model;
    }

    fn default_image_size(config: &TrainConfig, gpu: bool) -> Option<u32> {
        transfer::encoder_default_side(config, gpu)
    }

    fn load(config: &TrainConfig, out: &Outbox) -> anyhow::Result<Self> {
        transfer::check_dense_model(config)?;
        let mut set = load_dataset(config, out)?;
        out.send(Event::Dataset(summarize(&config.data, &set)));
        for skipped in &set.skipped {
            out.send(Event::Log(format!("skipped {skipped}")));
        }
        if matches!(config.data, DataSpec::Folder(_)) {
            out.send(Event::Log(holding_line(&set)));
        }
        if set.train_len() == 0 {
            bail!("the dataset has no training images");
        }
        let side = input_side(config) as usize;
        Ok(DetectTask {
            input: InputShape {
                channels: 3,
                height: side,
                width: side,
            },
            // MobileNetV2's encoder takes 0..1 pixels and normalises them itself.
            norm: if transfer::pretrained(config) {
                Normalization::identity(3)
            } else {
                Normalization::from_pixels(set.train.iter().map(|s| &s.image), 3)
            },
            train: match set.streamed.take() {
                Some(streamed) => TrainSamples::Streamed(streamed),
                None => TrainSamples::Memory(Arc::new(set.train)),
            },
            classes: set.classes,
            val: set.val,
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
    ) -> anyhow::Result<Detector> {
        // A resumed run's weights replace these: the ImageNet ones are only read for a
        // fresh run.
        let pretrained = transfer::pretrained(config) && config.resume_from.is_none();
        if pretrained {
            out.send(Event::Log(
                "Loading the pretrained MobileNetV2 encoder…".into(),
            ));
        }
        Ok(detect::build_detector(
            config.model,
            self.input,
            self.classes.len(),
            pretrained,
            device,
        )?)
    }

    fn restore(&self, checkpoint: &Checkpoint, device: &Device) -> anyhow::Result<Detector> {
        detect::detector_from(checkpoint, device)
    }

    /// Freezes the pretrained encoder (or its first stages) for the next epoch.
    fn ready(
        &self,
        model: Detector,
        epochs_done: usize,
        cx: &RunContext<'_>,
        _out: &Outbox,
    ) -> Detector {
        model.with_transfer(&cx.config.transfer, epochs_done + 1)
    }
}

/// Up to [`SHOWCASE`] validation images spread over the split, with truth and predictions.
pub fn showcase(val: &[DetectionSample], decoded: &[Decoded]) -> Vec<BoxPrediction> {
    spread(val.len(), SHOWCASE)
        .into_iter()
        .filter_map(|i| {
            let sample = val.get(i)?;
            let d = decoded.get(i)?;
            let image: RgbaImage = sample.image.to_rgba();
            Some(BoxPrediction {
                name: sample.name.clone(),
                truth: sample.boxes.clone(),
                predicted: scored_boxes(d, sample.image.width, sample.image.height),
                image,
            })
        })
        .collect()
}

/// Training throughput of the detector: images per second over `steps` optimisation steps
/// of `batch` built-in shapes images (64×64) on `device`, after one warm-up step.
pub fn detector_train_images_per_second(steps: usize, batch: usize, device: &Device) -> f64 {
    let batch = batch.max(1);
    let set = detection::shapes_set(batch.max(10), DETECT_SHAPES_SIZE, 7, 0.0);
    let samples: Vec<DetectionSample> = set
        .train
        .iter()
        .chain(&set.val)
        .take(batch)
        .cloned()
        .collect();
    let classes = set.classes.len();
    let norm = Normalization::from_pixels(samples.iter().map(|s| &s.image), 3);
    let autodiff = device.clone().autodiff();
    let side = DETECT_SHAPES_SIZE as usize;
    let input = InputShape {
        channels: 3,
        height: side,
        width: side,
    };
    let Ok(mut model) = Detector::new(input, classes, DETECTOR_WIDTH, &autodiff) else {
        return 0.0;
    };
    let mut optim = optimizer(crate::core::protocol::OptimizerKind::Adam);
    let mut step = |model: Detector| {
        let t = make_batch(&samples, classes, &norm).tensors(&autodiff);
        let loss = detection_loss(model.forward(t.images.clone()), &t).total;
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        optim.step(1e-3, model, grads)
    };
    model = step(model);
    let started = Instant::now();
    for _ in 0..steps {
        model = step(model);
    }
    // Wait for the device to finish the queued work.
    let _ = model.classes();
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    (steps * samples.len()) as f64 / seconds
}
