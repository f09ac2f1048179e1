//! What a task adds to the one training run ([`super::run`]): its data, its network, the
//! loss of one batch and what it measures on the validation split. Everything else (device,
//! seeding, resume, the epoch loop, the learning-rate schedule, the NaN check, pause / stop /
//! save, events, checkpoints) is the run's, written once.
//!
//! [`TrainTask`] is what the epoch loop needs; [`TaskSetup`] adds what a run started from a
//! [`TrainConfig`] needs (reading the data, building or restoring the network). A run that is
//! handed its data and network (the compression lab's fine-tune) only needs the first.

use burn::module::Module;
use burn::prelude::*;

use crate::core::job::Outbox;
use crate::core::protocol::{Event, Task, TrainConfig};
use crate::data::batch::Normalization;
use crate::models::InputShape;
use crate::train::checkpoint::Checkpoint;
use crate::train::schedule::Schedule;

/// What a task's methods may read of the run.
#[derive(Clone, Copy)]
pub struct RunContext<'a> {
    /// The run's configuration (batch size, augmentation, epoch budget, …).
    pub config: &'a TrainConfig,
    /// The normalisation the network is trained with.
    pub norm: &'a Normalization,
    /// The device, without autodiff (validation, inference).
    pub device: &'a Device,
    /// The same device with autodiff (training steps).
    pub autodiff: &'a Device,
}

/// The loss of one training step.
pub struct StepLoss {
    /// What is differentiated: `[1]`, on the autodiff device.
    pub tensor: Tensor<1>,
    /// The value shown on the loss curve, checked for NaN and averaged over the epoch (it may
    /// leave out auxiliary terms of `tensor`).
    pub value: f32,
    /// Images in the batch (weights the epoch's mean loss).
    pub images: usize,
}

/// What a task measured on the validation split after an epoch.
pub struct Validation {
    /// Mean validation loss.
    pub loss: f32,
    /// The task's headline metric in 0..1 (accuracy, pixel accuracy, mAP@0.5), shown as the
    /// epoch's validation accuracy.
    pub accuracy: f32,
    /// The task's own events (predictions, masks, boxes, metrics), sent right after
    /// [`Event::Epoch`].
    pub events: Vec<Event>,
}

/// A task as the epoch loop sees it. The methods take `&self`: the task's state (data,
/// classes) is fixed once the run is prepared; the run owns the network, the optimizer and
/// the progress.
pub trait TrainTask {
    /// The network, on the autodiff device while it trains.
    type Model: Module;
    /// One step's input, made on the CPU.
    type Batch: 'static;
    /// The task's training metric, counted over an epoch's steps.
    type Tally: Default;

    /// The task, written into checkpoints.
    const TASK: Task;

    /// Class names, index = label.
    fn classes(&self) -> &[String];

    /// The network input.
    fn input(&self) -> InputShape;

    /// Training images (the steps of an epoch follow from it and the batch size).
    fn train_len(&self) -> usize;

    /// The batches of one epoch, in order, shuffled and augmented from `seed` (the run's seed
    /// plus the 1-based epoch). A resumed run takes and drops the batches it already trained
    /// on, so the random draws stay those of an uninterrupted run.
    fn batches(&self, seed: u64, cx: &RunContext<'_>) -> Box<dyn Iterator<Item = Self::Batch>>;

    /// The loss of `model` on one batch; adds the batch to the epoch's `tally`.
    fn step(
        &self,
        model: &Self::Model,
        batch: Self::Batch,
        tally: &mut Self::Tally,
        cx: &RunContext<'_>,
    ) -> anyhow::Result<StepLoss>;

    /// The epoch's training accuracy from its tally (0 when the task has none).
    fn train_accuracy(tally: &Self::Tally) -> f32;

    /// Measures `model` on the validation split after `epoch`.
    fn validate(
        &self,
        model: &Self::Model,
        epoch: usize,
        cx: &RunContext<'_>,
    ) -> anyhow::Result<Validation>;

    /// How the learning rate moves (the cosine schedule unless a task says otherwise).
    fn schedule(&self) -> Schedule {
        Schedule::Cosine
    }

    /// A factor on the scheduled learning rate in 1-based `epoch` (1 for none).
    fn lr_factor(&self, _config: &TrainConfig, _epoch: usize) -> f64 {
        1.0
    }

    /// Called before the first step of 1-based `epoch` (a resumed epoch too): e.g. freezes
    /// or unfreezes part of the network, saying so.
    fn epoch_start(
        &self,
        model: Self::Model,
        _epoch: usize,
        _cx: &RunContext<'_>,
        _out: &Outbox,
    ) -> Self::Model {
        model
    }

    /// Called after every optimizer step with the updated network (e.g. re-applies a pruning
    /// mask).
    fn after_step(&self, model: Self::Model) -> Self::Model {
        model
    }

    /// Answers [`crate::core::protocol::Command::Explain`] (tasks that cannot explain
    /// ignore it).
    fn explain(
        &self,
        _model: &Self::Model,
        _request: crate::core::protocol::ExplainRequest,
        _cx: &RunContext<'_>,
        _out: &Outbox,
    ) {
    }
}

/// A task a run can set up from a [`TrainConfig`]: reads the data, builds or restores the
/// network.
pub trait TaskSetup: TrainTask + Sized {
    /// What this task's checkpoints are called in messages ("segmentation").
    const NOUN: &'static str;

    /// A resumed run keeps the network of its checkpoint: copies from the checkpoint's
    /// config `saved` what shapes the network besides the input size (which the run takes).
    fn adopt(_config: &mut TrainConfig, _saved: &TrainConfig) {}

    /// The input side a fresh run on `config` takes when it names none, given whether the
    /// run is on a GPU (`None`: the data decides, as [`TaskSetup::load`] does).
    fn default_image_size(_config: &TrainConfig, _gpu: bool) -> Option<u32> {
        None
    }

    /// Reads the data `config` names, sending [`Event::Loading`], [`Event::Dataset`] and log
    /// lines (skipped files).
    fn load(config: &TrainConfig, out: &Outbox) -> anyhow::Result<Self>;

    /// The normalisation a fresh run trains with (measured on the training data).
    fn normalization(&self) -> Normalization;

    /// A fresh network for a run (when resuming, its weights are replaced next).
    fn build(
        &self,
        config: &TrainConfig,
        device: &Device,
        out: &Outbox,
    ) -> anyhow::Result<Self::Model>;

    /// The network a checkpoint holds, on `device`.
    fn restore(&self, checkpoint: &Checkpoint, device: &Device) -> anyhow::Result<Self::Model>;

    /// Called once the network is ready (fresh or restored), before the first epoch, with
    /// the whole epochs already done.
    fn ready(
        &self,
        model: Self::Model,
        _epochs_done: usize,
        _cx: &RunContext<'_>,
        _out: &Outbox,
    ) -> Self::Model {
        model
    }
}
