//! Segmentation's part of the one training run ([`SegmentTask`]): a U-Net on images with
//! masks, per-pixel cross-entropy that skips ignored pixels, pixel accuracy and IoU on the
//! validation split after every epoch; and its dataset reading and summary.

use std::sync::Arc;

use anyhow::bail;
use burn::prelude::*;
use burn::tensor::TensorData;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::core::job::{Outbox, loading_progress};
use crate::core::protocol::{
    DataSpec, DatasetSummary, Event, MaskPrediction, PixelConfusion, SegmentEvent,
    SegmentationSummary, Task, TrainConfig,
};
use crate::data::augment::Policy;
use crate::data::batch::Normalization;
use crate::data::{shapes, spread};
use crate::models::InputShape;
use crate::tasks::classify::train::SHAPES_SIZE;
use crate::tasks::segment::data as masks;
use crate::tasks::segment::data::{MaskFolderOptions, MaskedImage, SegmentationSet};
use crate::tasks::segment::model::UNet;
use crate::tasks::segment::{
    self, MaskBatch, PRESENCE_WEIGHT, blend, make_mask_batch, mask_batch_tensors,
    masked_cross_entropy, presence_loss, presence_targets,
};
use crate::train::checkpoint::Checkpoint;
use crate::train::metrics::Confusion;
use crate::train::readback;
use crate::train::task::{RunContext, StepLoss, TaskSetup, TrainTask, Validation};
use crate::train::transfer;

/// Validation images sent with their masks after each epoch.
const SHOWCASE: usize = 24;

/// Reads the segmentation data a config names, sending [`Event::Loading`] progress.
pub fn load_dataset(config: &TrainConfig, out: &Outbox) -> anyhow::Result<SegmentationSet> {
    match &config.data {
        DataSpec::Shapes { count, seed } => {
            let size = config.image_size.unwrap_or(SHAPES_SIZE);
            // RGB images with a one-byte mask each.
            shapes::check_request(*count, size, 4)?;
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

/// Segmentation as a task of the one training run: images with masks, a [`UNet`],
/// per-pixel cross-entropy that skips ignored pixels (plus a presence loss for the
/// global-context branch), pixel accuracy and IoU on the validation split.
pub struct SegmentTask {
    classes: Vec<String>,
    input: InputShape,
    train: Arc<Vec<MaskedImage>>,
    val: Vec<MaskedImage>,
    /// Measured on the training images.
    norm: Normalization,
}

impl TrainTask for SegmentTask {
    type Model = UNet;
    type Batch = MaskBatch;
    /// Training pixels, truth against prediction.
    type Tally = Option<Confusion>;
    const TASK: Task = Task::Segment;

    fn classes(&self) -> &[String] {
        &self.classes
    }

    fn input(&self) -> InputShape {
        self.input
    }

    fn train_len(&self) -> usize {
        self.train.len()
    }

    /// Shuffled from `seed`; each image and its mask get the same flip and shift.
    fn batches(&self, seed: u64, cx: &RunContext<'_>) -> Box<dyn Iterator<Item = MaskBatch>> {
        let policy = Policy {
            shift: cx.config.augment,
            flip: cx.config.flip,
        };
        let mut order: Vec<usize> = (0..self.train.len()).collect();
        order.shuffle(&mut StdRng::seed_from_u64(seed));
        let mut aug_rng = StdRng::seed_from_u64(seed ^ 0x5EC5_EC5E);
        let chunks: Vec<Vec<usize>> = order
            .chunks(cx.config.batch_size.max(1))
            .map(<[usize]>::to_vec)
            .collect();
        let train = Arc::clone(&self.train);
        let norm = cx.norm.clone();
        Box::new(
            chunks.into_iter().map(move |chunk| {
                make_mask_batch(&train, &chunk, &norm, Some((&mut aug_rng, policy)))
            }),
        )
    }

    fn step(
        &self,
        model: &UNet,
        batch: MaskBatch,
        tally: &mut Option<Confusion>,
        cx: &RunContext<'_>,
    ) -> anyhow::Result<StepLoss> {
        let classes = self.classes.len();
        let truth: Vec<u8> = batch
            .targets
            .iter()
            .map(|&t| t.clamp(0, 255) as u8)
            .collect();
        let n = batch.shape[0];
        let present = Tensor::<2>::from_data(
            TensorData::new(presence_targets(&batch, classes), [n, classes]),
            cx.autodiff,
        );
        let (x, y) = mask_batch_tensors(batch, cx.autodiff);
        let (logits, presence) = model.forward_with_presence(x); // [n, k, h, w], [n, k]
        let pixel_loss = masked_cross_entropy(logits.clone(), y); // [1]
        let channels = logits.dims()[1];
        let best = logits.detach().argmax(1); // [n, 1, h, w]
        // The loss and the predicted masks in one read (one round trip on a remote device).
        // The curve shows the per-pixel loss (comparable with the validation loss); the
        // presence loss only helps the global-context branch learn.
        let (value, best) = readback::loss_and_ints(pixel_loss.clone(), best)?;
        let loss = pixel_loss + presence_loss(presence, present) * PRESENCE_WEIGHT;
        if value.is_finite() {
            let predicted = segment::masks_from_indices(best, channels);
            tally
                .get_or_insert_with(|| Confusion::new(classes))
                .add_pixels(&truth, &predicted);
        }
        Ok(StepLoss {
            tensor: loss,
            value,
            images: n,
        })
    }

    fn train_accuracy(tally: &Option<Confusion>) -> f32 {
        tally.as_ref().map_or(0.0, Confusion::accuracy)
    }

    /// The fine-tuning factor once the encoder's last stages train.
    fn lr_factor(&self, config: &TrainConfig, epoch: usize) -> f64 {
        transfer::lr_factor(config, epoch)
    }

    /// Freezes or unfreezes the pretrained encoder for `epoch`, saying so when it changes.
    fn epoch_start(&self, model: UNet, epoch: usize, cx: &RunContext<'_>, out: &Outbox) -> UNet {
        if let Some(note) = transfer::unfreeze_note(cx.config, epoch) {
            out.send(Event::Log(note));
        }
        model.with_transfer(&cx.config.transfer, epoch)
    }

    fn validate(
        &self,
        model: &UNet,
        epoch: usize,
        cx: &RunContext<'_>,
    ) -> anyhow::Result<Validation> {
        let val = segment::evaluate(
            model,
            &self.val,
            cx.norm,
            self.classes.len(),
            cx.config.batch_size.max(32),
            cx.device,
        )?;
        let metrics = SegmentationSummary {
            epoch,
            pixel_accuracy: val.confusion.accuracy(),
            mean_iou: val.confusion.mean_iou(),
            class_iou: val.confusion.iou(),
        };
        let masks = spread(self.val.len(), SHOWCASE)
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
            .collect();
        Ok(Validation {
            loss: val.loss,
            accuracy: val.confusion.accuracy(),
            events: vec![
                Event::Segment(SegmentEvent::Metrics(metrics)),
                Event::Segment(SegmentEvent::Masks(masks)),
                Event::Segment(SegmentEvent::Confusion(PixelConfusion {
                    epoch,
                    counts: (0..val.confusion.classes())
                        .map(|t| {
                            (0..val.confusion.classes())
                                .map(|p| val.confusion.get(t, p))
                                .collect()
                        })
                        .collect(),
                })),
            ],
        })
    }
}

impl TaskSetup for SegmentTask {
    const NOUN: &'static str = "segmentation";

    fn adopt(config: &mut TrainConfig, saved: &TrainConfig) {
        config.unet_width = saved.unet_width;
        config.model = saved.model;
    }

    fn default_image_size(config: &TrainConfig, gpu: bool) -> Option<u32> {
        transfer::encoder_default_side(config, gpu)
    }

    fn load(config: &TrainConfig, out: &Outbox) -> anyhow::Result<Self> {
        transfer::check_dense_model(config)?;
        if transfer::pretrained(config)
            && let Some(side) = config.image_size
            && !side.is_multiple_of(32)
        {
            bail!(
                "the MobileNetV2 U-Net needs an image size that is a multiple of 32 (for example 160 or 192); got {side}"
            );
        }
        let set = load_dataset(config, out)?;
        out.send(Event::Dataset(summarize(&config.data, &set)));
        for skipped in &set.skipped {
            out.send(Event::Log(format!("skipped {skipped}")));
        }
        Ok(SegmentTask {
            input: InputShape {
                channels: set.channels as usize,
                height: set.height as usize,
                width: set.width as usize,
            },
            // MobileNetV2's encoder takes 0..1 pixels and normalises them itself.
            norm: if transfer::pretrained(config) {
                Normalization::identity(set.channels)
            } else {
                Normalization::from_pixels(set.train.iter().map(|i| &i.image), set.channels)
            },
            classes: set.classes,
            train: Arc::new(set.train),
            val: set.val,
        })
    }

    fn normalization(&self) -> Normalization {
        self.norm.clone()
    }

    fn build(&self, config: &TrainConfig, device: &Device, out: &Outbox) -> anyhow::Result<UNet> {
        // A resumed run's weights replace these: the ImageNet ones are only read for a
        // fresh run.
        let pretrained = transfer::pretrained(config) && config.resume_from.is_none();
        if pretrained {
            out.send(Event::Log(
                "Loading the pretrained MobileNetV2 encoder…".into(),
            ));
        }
        Ok(segment::build_unet(
            config.model,
            self.input,
            self.classes.len(),
            config.unet_width,
            pretrained,
            device,
        )?)
    }

    /// Freezes the pretrained encoder (or its first stages) for the next epoch.
    fn ready(&self, model: UNet, epochs_done: usize, cx: &RunContext<'_>, _out: &Outbox) -> UNet {
        model.with_transfer(&cx.config.transfer, epochs_done + 1)
    }

    fn restore(&self, checkpoint: &Checkpoint, device: &Device) -> anyhow::Result<UNet> {
        // A resumed run is saved as the current revision: it cannot go on from a network
        // with other activations. (Prediction from such a checkpoint still works.)
        if checkpoint.meta.revision < 1 {
            anyhow::bail!(
                "{} holds a U-Net from an earlier visionlab (plain ReLUs, no presence prior): \
                 it predicts, but training cannot resume from it; start a new run",
                checkpoint.path.display()
            );
        }
        segment::unet_from(checkpoint, device)
    }
}
