//! The detection training job: the CenterNet-style [`Detector`] on images with boxes (and
//! instance masks), mAP@0.5 and mAP@0.5:0.95 on the validation split after every epoch,
//! validation images with their true and predicted boxes for the overlay. Same protocol and
//! controls as classification and segmentation.

use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use anyhow::bail;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::data::batch::Normalization;
use crate::data::detection::augment::{Policy, augment};
use crate::data::detection::{self, DetectionSample, DetectionSet};
use crate::device;
use crate::models::{Detector, InputShape};
use crate::tasks::detect::{
    self, DETECTOR_WIDTH, Decoded, MIN_SCORE, detection_loss, make_batch, scored_boxes,
};
use crate::train::checkpoint::{self, CheckpointMeta, Progress};
use crate::train::control::{self, Control, Controlled};
use crate::train::engine::{Outbox, cosine_learning_rate, loading_progress, optimizer, spread};
use crate::train::protocol::{
    BoxPrediction, Command, DataSpec, DatasetSummary, DetectionSummary, EpochSummary, Event,
    FinishReason, RgbaImage, TrainConfig,
};

/// Side of the built-in shapes images for detection.
pub const DETECT_SHAPES_SIZE: u32 = 64;
/// Default side a folder dataset's images are resized to.
pub const DETECT_FOLDER_SIZE: u32 = 128;
/// Default size of the built-in shapes set for detection (train + validation).
pub const DEFAULT_SHAPES_COUNT: usize = 2500;
/// Default epoch budget for detection (on the default shapes: val mAP@0.5 ≈ 0.97 after 7
/// epochs, in about a minute each on 2 CPU cores).
pub const DEFAULT_EPOCHS: usize = 8;
/// Default Adam learning rate for detection (measured: 6e-3 converges about twice as fast as
/// 3e-3 on the shapes).
pub const DEFAULT_LEARNING_RATE: f64 = 6e-3;
/// Default batch size for detection.
pub const DEFAULT_BATCH: usize = 32;
/// Validation images sent with their boxes after each epoch.
const SHOWCASE: usize = 24;

/// The network input side for a config: its image size, or the default for the data.
pub fn input_side(config: &TrainConfig) -> u32 {
    config.image_size.unwrap_or(match config.data {
        DataSpec::Shapes { .. } => DETECT_SHAPES_SIZE,
        DataSpec::Folder(_) => DETECT_FOLDER_SIZE,
    })
}

/// Reads the detection data a config names (resized to the input side), sending
/// [`Event::Loading`] progress.
pub fn load_dataset(config: &TrainConfig, out: &Outbox) -> anyhow::Result<DetectionSet> {
    let size = input_side(config);
    if size < Detector::MIN_SIDE as u32 || !size.is_multiple_of(Detector::SIDE_MULTIPLE as u32) {
        bail!("detection needs an image size that is a multiple of 8, at least 16; got {size}");
    }
    match &config.data {
        DataSpec::Shapes { count, seed } => {
            if *count < 10 {
                bail!("the shapes dataset needs at least 10 images, got {count}");
            }
            Ok(detection::shapes_set(
                *count,
                size,
                *seed,
                config.val_fraction,
            ))
        }
        DataSpec::Folder(dir) => {
            let mut progress = loading_progress(out);
            let mut set = detection::load(dir, config.val_fraction, config.seed, &mut progress)?;
            for split in [&mut set.train, &mut set.val] {
                for sample in split.iter_mut() {
                    if sample.image.width != size || sample.image.height != size {
                        *sample = sample.resized(size);
                    }
                }
            }
            Ok(set)
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
        train_counts: count(&set.train),
        val_counts: count(&set.val),
        train_images: set.train.len(),
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

/// Runs a detection training run on the calling (job) thread.
pub fn run(config: TrainConfig, inbox: &Receiver<Command>, out: &Outbox) -> anyhow::Result<()> {
    let mut trainer = DetTrainer::prepare(config, out)?;
    loop {
        let reason = trainer.train_until_done(inbox, out)?;
        out.send(Event::Finished(reason));
        if !control::idle(&mut trainer, inbox, out) {
            return Ok(());
        }
    }
}

/// What the detector said about a split.
pub struct SplitEval {
    /// Mean loss per image.
    pub loss: f32,
    /// Decoded boxes (and foreground maps) of each image, in split order.
    pub decoded: Vec<Decoded>,
    /// mAP report.
    pub report: crate::train::detection_metrics::MapReport,
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
    let preds: Vec<Vec<crate::train::detection_metrics::Detection>> = decoded
        .iter()
        .map(|d| d.boxes.iter().map(|b| b.as_detection()).collect())
        .collect();
    let truth: Vec<Vec<detection::LabeledBox>> = samples.iter().map(|s| s.boxes.clone()).collect();
    let report = crate::train::detection_metrics::mean_average_precision(&preds, &truth, classes);
    Ok(SplitEval {
        loss: if samples.is_empty() {
            0.0
        } else {
            (loss_sum / samples.len() as f64) as f32
        },
        decoded,
        report,
    })
}

struct DetTrainer {
    config: TrainConfig,
    device: Device,
    autodiff: Device,
    classes: Vec<String>,
    input: InputShape,
    train: Vec<DetectionSample>,
    val: Vec<DetectionSample>,
    norm: Normalization,
    model: Detector,
    optim: ModuleOptimizer,
    progress: Progress,
}

impl DetTrainer {
    fn prepare(mut config: TrainConfig, out: &Outbox) -> anyhow::Result<Self> {
        let selected = device::select(config.device)?;
        selected.device.seed(config.seed);
        out.send(Event::Device(selected.description.clone()));
        let resumed = match &config.resume_from {
            Some(path) => {
                let ck = checkpoint::load(path)?;
                if ck.meta.task != "detect" {
                    bail!(
                        "{} holds a {} model; resume a detection checkpoint",
                        path.display(),
                        ck.meta.task
                    );
                }
                config.image_size = Some(ck.meta.input.height as u32);
                Some(ck)
            }
            None => None,
        };
        out.send(Event::Log(format!("Reading {}…", config.data.describe())));
        let set = load_dataset(&config, out)?;
        out.send(Event::Dataset(summarize(&config.data, &set)));
        for skipped in &set.skipped {
            out.send(Event::Log(format!("skipped {skipped}")));
        }
        if config.batch_size == 0 {
            bail!("the batch size must be at least 1");
        }
        if set.train.is_empty() {
            bail!("the dataset has no training images");
        }
        let side = input_side(&config) as usize;
        let input = InputShape {
            channels: 3,
            height: side,
            width: side,
        };
        let autodiff = selected.device.clone().autodiff();
        let model = Detector::new(input, set.classes.len(), DETECTOR_WIDTH, &autodiff)?;
        let mut trainer = DetTrainer {
            device: selected.device,
            classes: set.classes,
            input,
            norm: Normalization::from_pixels(set.train.iter().map(|s| &s.image), 3),
            model,
            optim: optimizer(config.optimizer),
            autodiff,
            train: set.train,
            val: set.val,
            progress: Progress::default(),
            config,
        };
        if let Some(ck) = resumed {
            ck.check_fits(&trainer.classes, trainer.input)?;
            trainer.model = detect::detector_from(&ck, &trainer.autodiff)?;
            if let Some(record) = ck.optimizer_record()? {
                trainer.optim = optimizer(ck.meta.config.optimizer).load_record(record);
            }
            trainer.config.optimizer = ck.meta.config.optimizer;
            trainer.norm = ck.meta.normalization.clone();
            trainer.progress = Progress::resumed(&ck.meta);
            out.send(Event::Log(trainer.progress.resumed_message(&ck.path)));
        }
        Ok(trainer)
    }

    fn steps_per_epoch(&self) -> u64 {
        self.train.len().div_ceil(self.config.batch_size) as u64
    }

    fn train_until_done(
        &mut self,
        inbox: &Receiver<Command>,
        out: &Outbox,
    ) -> anyhow::Result<FinishReason> {
        let steps_per_epoch = self.steps_per_epoch();
        let classes = self.classes.len();
        while self.progress.epochs_done < self.config.epochs {
            let epoch = self.progress.epochs_done + 1;
            let started = Instant::now();
            let seed = self.config.seed.wrapping_add(epoch as u64);
            let mut order: Vec<usize> = (0..self.train.len()).collect();
            let mut rng = StdRng::seed_from_u64(seed);
            order.shuffle(&mut rng);
            let mut aug_rng = StdRng::seed_from_u64(seed ^ 0xDE7E_C7ED);
            let mut loss_sum = 0.0f64;
            let mut seen = 0usize;
            let skip = self.progress.batches_into_epoch as usize;
            for chunk in order.chunks(self.config.batch_size).skip(skip) {
                if let Control::Stop = control::between_steps(self, inbox, out) {
                    return Ok(FinishReason::Stopped);
                }
                let samples: Vec<DetectionSample> = chunk
                    .iter()
                    .map(|&i| self.augmented(&self.train[i], &mut aug_rng))
                    .collect();
                let batch = make_batch(&samples, classes, &self.norm);
                let n = batch.shape[0];
                let t = batch.tensors(&self.autodiff);
                let out_t = self.model.forward(t.images.clone());
                let loss = detection_loss(out_t, &t).total; // [1]
                let loss_value: f32 = loss.clone().into_scalar();
                if !loss_value.is_finite() {
                    bail!(
                        "the training loss became {loss_value} at step {}: lower the learning rate (now {})",
                        self.progress.step + 1,
                        self.config.learning_rate
                    );
                }
                loss_sum += f64::from(loss_value) * n as f64;
                seen += n;
                let grads = GradientsParams::from_grads(loss.backward(), &self.model);
                let lr = cosine_learning_rate(&self.config, self.progress.step, steps_per_epoch);
                self.model = self.optim.step(lr, self.model.clone(), grads);
                self.progress.step_done(loss_value);
                out.send(Event::Step {
                    step: self.progress.step,
                    epoch,
                    loss: loss_value,
                    steps_per_epoch,
                });
            }
            let val = evaluate(
                &self.model,
                &self.val,
                classes,
                &self.norm,
                self.config.batch_size.max(32),
                &self.device,
            )?;
            let summary = EpochSummary {
                epoch,
                train_loss: if seen == 0 {
                    0.0
                } else {
                    (loss_sum / seen as f64) as f32
                },
                // Detection has no per-image accuracy: the validation "accuracy" is
                // mAP@0.5; the training one is not measured (0, so that checkpoints, which
                // store the summaries as JSON, stay readable).
                train_accuracy: 0.0,
                val_loss: val.loss,
                val_accuracy: val.report.map50,
                seconds: started.elapsed().as_secs_f32(),
            };
            self.progress.epoch_done(summary);
            out.send(Event::Epoch(summary));
            out.send(Event::Detection(DetectionSummary {
                epoch,
                map50: val.report.map50,
                map: val.report.map,
                class_ap50: val.report.per_class_ap50.clone(),
            }));
            out.send(Event::Boxes(showcase(&self.val, &val.decoded)));
        }
        Ok(FinishReason::Completed)
    }

    /// A training sample with random augmentation (when the config asks for it).
    fn augmented(&self, sample: &DetectionSample, rng: &mut StdRng) -> DetectionSample {
        // Left-right flips move the boxes and masks with the image. The zoom crops of
        // `augment` are left off: the training-time budget was measured without them.
        let policy = Policy {
            flip: self.config.flip,
            zoom: false,
        };
        augment(sample, policy, rng)
    }

    fn meta(&self) -> CheckpointMeta {
        CheckpointMeta::new(
            "detect",
            &self.classes,
            self.input,
            &self.norm,
            &self.config,
            &self.progress,
        )
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

impl Controlled for DetTrainer {
    fn step(&self) -> u64 {
        self.progress.step
    }

    fn epochs_done(&self) -> usize {
        self.progress.epochs_done
    }

    fn epochs(&self) -> usize {
        self.config.epochs
    }

    fn set_epochs(&mut self, epochs: usize) {
        self.config.epochs = epochs;
    }

    fn save(&self, path: &Path, out: &Outbox) {
        match checkpoint::save(path, &self.meta(), &self.model, Some(&self.optim)) {
            Ok(()) => out.send(Event::CheckpointSaved(path.to_path_buf())),
            Err(e) => out.send(Event::CheckpointFailed(e.to_string())),
        }
    }
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
    let mut optim = optimizer(crate::train::protocol::OptimizerKind::Adam);
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
