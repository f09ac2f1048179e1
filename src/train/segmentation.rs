//! The segmentation training job: a U-Net on images with masks, per-pixel cross-entropy
//! that skips ignored pixels, pixel accuracy and IoU on the validation split after every
//! epoch. Same protocol and controls as classification.

use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use anyhow::bail;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use burn::tensor::TensorData;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::data::augment::Policy;
use crate::data::batch::Normalization;
use crate::data::masks::{self, MaskFolderOptions, MaskedImage, SegmentationSet};
use crate::device;
use crate::models::{InputShape, UNet};
use crate::tasks::segment::{
    self, PRESENCE_WEIGHT, blend, make_mask_batch, mask_batch_tensors, masked_cross_entropy,
    presence_loss, presence_targets,
};
use crate::train::checkpoint::{self, CheckpointMeta, Progress};
use crate::train::control::{self, Control, Controlled};
use crate::train::engine::{
    Outbox, SHAPES_SIZE, cosine_learning_rate, loading_progress, optimizer, spread,
};
use crate::train::metrics::Confusion;
use crate::train::protocol::{
    Command, DataSpec, DatasetSummary, EpochSummary, Event, FinishReason, MaskPrediction,
    SegmentationSummary, TrainConfig,
};

/// Validation images sent with their masks after each epoch.
const SHOWCASE: usize = 24;

/// Reads the segmentation data a config names, sending [`Event::Loading`] progress.
pub fn load_dataset(config: &TrainConfig, out: &Outbox) -> anyhow::Result<SegmentationSet> {
    match &config.data {
        DataSpec::Shapes { count, seed } => {
            if *count < 10 {
                bail!("the shapes dataset needs at least 10 images, got {count}");
            }
            let size = config.image_size.unwrap_or(SHAPES_SIZE);
            if size < masks::SIDE_MULTIPLE || !size.is_multiple_of(masks::SIDE_MULTIPLE) {
                bail!("segmentation needs an image size that is a multiple of 8, got {size}");
            }
            Ok(masks::shapes_set(*count, size, *seed, config.val_fraction))
        }
        DataSpec::Folder(dir) => {
            let options = MaskFolderOptions {
                image_size: config.image_size,
                val_fraction: config.val_fraction,
                seed: config.seed,
                ..MaskFolderOptions::default()
            };
            let mut progress = loading_progress(out);
            Ok(masks::load(dir, &options, &mut progress)?)
        }
    }
}

/// Class names, image counts per class, thumbnails (mask blended over the image) and
/// skipped files of a segmentation set.
pub fn summarize(spec: &DataSpec, set: &SegmentationSet) -> DatasetSummary {
    let thumbnails = set
        .train
        .iter()
        .take(24)
        .map(|item| {
            (
                blend(&item.image.to_rgba(), &item.mask, 0.5),
                dominant(item),
            )
        })
        .collect();
    DatasetSummary {
        source: spec.describe(),
        classes: set.classes.clone(),
        train_counts: set.image_counts(&set.train),
        val_counts: set.image_counts(&set.val),
        train_images: set.train.len(),
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

/// The most frequent non-background class of a mask (0 when it is all background).
fn dominant(item: &MaskedImage) -> usize {
    let mut counts = [0usize; 256];
    for &m in &item.mask {
        counts[m as usize] += 1;
    }
    (1..masks::MAX_CLASSES)
        .max_by_key(|&c| (counts[c], std::cmp::Reverse(c)))
        .filter(|&c| counts[c] > 0)
        .unwrap_or(0)
}

/// Runs a segmentation training run on the calling (job) thread.
pub fn run(config: TrainConfig, inbox: &Receiver<Command>, out: &Outbox) -> anyhow::Result<()> {
    let mut trainer = SegTrainer::prepare(config, out)?;
    loop {
        let reason = trainer.train_until_done(inbox, out)?;
        out.send(Event::Finished(reason));
        if !control::idle(&mut trainer, inbox, out) {
            return Ok(());
        }
    }
}

struct SegTrainer {
    config: TrainConfig,
    device: Device,
    autodiff: Device,
    classes: Vec<String>,
    input: InputShape,
    train: Vec<MaskedImage>,
    val: Vec<MaskedImage>,
    norm: Normalization,
    model: UNet,
    optim: ModuleOptimizer,
    progress: Progress,
}

impl SegTrainer {
    fn prepare(mut config: TrainConfig, out: &Outbox) -> anyhow::Result<Self> {
        let selected = device::select(config.device)?;
        selected.device.seed(config.seed);
        out.send(Event::Device(selected.description.clone()));
        let resumed = match &config.resume_from {
            Some(path) => {
                let ck = checkpoint::load(path)?;
                if ck.meta.task != "segment" {
                    bail!(
                        "{} holds a {} model; resume a segmentation checkpoint",
                        path.display(),
                        ck.meta.task
                    );
                }
                config.image_size = Some(ck.meta.input.height as u32);
                config.unet_width = ck.meta.config.unet_width;
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
        let input = InputShape {
            channels: set.channels as usize,
            height: set.height as usize,
            width: set.width as usize,
        };
        let autodiff = selected.device.clone().autodiff();
        let model = UNet::new(input, set.classes.len(), config.unet_width, &autodiff)?;
        let mut trainer = SegTrainer {
            device: selected.device,
            classes: set.classes,
            input,
            norm: Normalization::from_pixels(set.train.iter().map(|i| &i.image), set.channels),
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
            trainer.model = segment::unet_from(&ck, &trainer.autodiff)?;
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
        let policy = Policy {
            shift: self.config.augment,
            flip: self.config.flip,
        };
        while self.progress.epochs_done < self.config.epochs {
            let epoch = self.progress.epochs_done + 1;
            let started = Instant::now();
            let seed = self.config.seed.wrapping_add(epoch as u64);
            let mut order: Vec<usize> = (0..self.train.len()).collect();
            let mut rng = StdRng::seed_from_u64(seed);
            order.shuffle(&mut rng);
            let mut aug_rng = StdRng::seed_from_u64(seed ^ 0x5EC5_EC5E);
            let mut train_confusion = Confusion::new(classes);
            let mut loss_sum = 0.0f64;
            let mut seen = 0usize;
            let skip = self.progress.batches_into_epoch as usize;
            for chunk in order.chunks(self.config.batch_size).skip(skip) {
                if let Control::Stop = control::between_steps(self, inbox, out) {
                    return Ok(FinishReason::Stopped);
                }
                let batch =
                    make_mask_batch(&self.train, chunk, &self.norm, Some((&mut aug_rng, policy)));
                let truth: Vec<u8> = batch
                    .targets
                    .iter()
                    .map(|&t| t.clamp(0, 255) as u8)
                    .collect();
                let n = batch.shape[0];
                let present = Tensor::<2>::from_data(
                    TensorData::new(presence_targets(&batch, classes), [n, classes]),
                    &self.autodiff,
                );
                let (x, y) = mask_batch_tensors(batch, &self.autodiff);
                let (logits, presence) = self.model.forward_with_presence(x); // [n, k, h, w], [n, k]
                let pixel_loss = masked_cross_entropy(logits.clone(), y); // [1]
                // The curve shows the per-pixel loss (comparable with the validation loss);
                // the presence loss only helps the global-context branch learn.
                let loss_value: f32 = pixel_loss.clone().into_scalar();
                let loss = pixel_loss + presence_loss(presence, present) * PRESENCE_WEIGHT;
                if !loss_value.is_finite() {
                    bail!(
                        "the training loss became {loss_value} at step {}: lower the learning rate (now {})",
                        self.progress.step + 1,
                        self.config.learning_rate
                    );
                }
                let predicted = segment::argmax_masks(logits.detach())?;
                train_confusion.add_pixels(&truth, &predicted);
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
            let val = segment::evaluate(
                &self.model,
                &self.val,
                &self.norm,
                classes,
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
                train_accuracy: train_confusion.accuracy(),
                val_loss: val.loss,
                val_accuracy: val.confusion.accuracy(),
                seconds: started.elapsed().as_secs_f32(),
            };
            self.progress.epoch_done(summary);
            out.send(Event::Epoch(summary));
            out.send(Event::Segmentation(SegmentationSummary {
                epoch,
                pixel_accuracy: val.confusion.accuracy(),
                mean_iou: val.confusion.mean_iou(),
                class_iou: val.confusion.iou(),
            }));
            out.send(Event::Masks(
                spread(self.val.len(), SHOWCASE)
                    .into_iter()
                    .filter_map(|i| {
                        let item = self.val.get(i)?;
                        Some(MaskPrediction {
                            image: item.image.to_rgba(),
                            truth: item.mask.clone(),
                            predicted: val.predicted.get(i)?.clone(),
                            name: item.name.clone(),
                        })
                    })
                    .collect(),
            ));
        }
        Ok(FinishReason::Completed)
    }

    fn meta(&self) -> CheckpointMeta {
        CheckpointMeta::new(
            "segment",
            &self.classes,
            self.input,
            &self.norm,
            &self.config,
            &self.progress,
        )
    }
}

impl Controlled for SegTrainer {
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
