//! The one training run every task goes through: device and seed, resume from a
//! checkpoint, the epoch loop (pause / resume / stop / save between steps, the learning-rate
//! schedule, the NaN check, the optimizer step), validation and events after each epoch,
//! then the idle loop that can save the run or extend it. A task only says what is its own
//! ([`TrainTask`], [`TaskSetup`]).
//!
//! Keeping: a run prepared from a config with a runs root ([`TrainConfig::runs_dir`]) keeps
//! itself in its run folder ([`run_folder`](crate::train::run_folder)): `last.vlck` after
//! every epoch and when it is stopped mid-epoch, `best.vlck` after an epoch that beats the
//! best so far. A checkpoint that cannot be kept is reported ([`KeepEvent::Failed`]) and
//! the run goes on. The run also writes its record there ([`crate::train::record`]): its
//! summary when it starts, after every epoch and when it ends (finished, stopped or failed),
//! and a line per step and per epoch.
//!
//! Reproducibility: for a given seed (and thread count), a run draws the same numbers: the
//! device's generator is seeded from `config.seed` before the network is built, and every
//! epoch's shuffle and augmentation are seeded from `config.seed + epoch`; a run resumed
//! mid-epoch makes (and drops) the batches it already trained on, so its random draws are
//! those of the run that was stopped.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::Instant;

use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::core::job::{Outbox, crash_message};
use crate::core::protocol::{
    Command, DetectEvent, EpochSummary, Event, ExplainRequest, FinishReason, KeepEvent,
    KeptCheckpoint, SegmentEvent, TrainConfig,
};
use crate::core::{device, limits};
use crate::data::batch::Normalization;
use crate::train::checkpoint::{self, CheckpointMeta, Progress, task_key};
use crate::train::control::{self, Control, Controlled};
use crate::train::metrics::Running;
use crate::train::record::{Keeping, Status};
use crate::train::schedule::{learning_rate, optimizer};
use crate::train::task::{RunContext, TaskSetup, TrainTask};

/// Why a run refuses to start or stops with an error.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RunError {
    /// The batch size is 0.
    #[error("the batch size must be at least 1")]
    ZeroBatchSize,
    /// The checkpoint to resume holds another task's model.
    #[error("{} holds a {found} model; resume a {wanted} checkpoint", .path.display())]
    WrongTask {
        /// The checkpoint.
        path: PathBuf,
        /// Its task ("classify").
        found: &'static str,
        /// What the run needs ("segmentation").
        wanted: &'static str,
    },
    /// The training loss is NaN or infinite.
    #[error(
        "the training loss became {loss} at step {step}: lower the learning rate (now {learning_rate})"
    )]
    NonFiniteLoss {
        /// The loss.
        loss: f32,
        /// The 1-based step that produced it.
        step: u64,
        /// The configured learning rate.
        learning_rate: f64,
    },
}

/// Checks a batch size.
pub fn check_batch_size(batch_size: usize) -> Result<(), RunError> {
    if batch_size == 0 {
        Err(RunError::ZeroBatchSize)
    } else {
        Ok(())
    }
}

/// Checks the loss of 1-based step `step` (NaN or infinite is an error that suggests a lower
/// learning rate).
pub fn check_loss(loss: f32, step: u64, learning_rate: f64) -> Result<(), RunError> {
    if loss.is_finite() {
        Ok(())
    } else {
        Err(RunError::NonFiniteLoss {
            loss,
            step,
            learning_rate,
        })
    }
}

/// Steps in an epoch of `train_len` images in batches of `batch_size` (the last may be
/// partial).
pub fn steps_per_epoch(train_len: usize, batch_size: usize) -> u64 {
    train_len.div_ceil(batch_size.max(1)) as u64
}

/// The seed of 1-based `epoch`'s shuffle and augmentation.
pub fn epoch_seed(seed: u64, epoch: usize) -> u64 {
    seed.wrapping_add(epoch as u64)
}

/// Trains a `T` run from `config` on the calling (job) thread: prepares it, trains until the
/// budget is used or the user stops, then answers commands (save, a larger budget and
/// resume, explain) until the UI drops its handle.
pub fn run_job<T: TaskSetup>(
    config: TrainConfig,
    inbox: &Receiver<Command>,
    out: &Outbox,
) -> anyhow::Result<()> {
    let mut run = match Run::<T>::prepare(config.clone(), out) {
        Ok(run) => run,
        Err(e) => {
            Keeping::new(config.runs_dir.clone())
                .on_device(config.device.label())
                .setup_failed(&config, out, &e);
            return Err(e);
        }
    };
    loop {
        run.keeping.running(out);
        // A panic while training (a remote server that went away, most often) is recorded as
        // the run's failure before the job reports it.
        let trained = std::panic::catch_unwind(AssertUnwindSafe(|| {
            run.train_until_done(out, |run, out| control::between_steps(run, inbox, out))
        }))
        .unwrap_or_else(|panic| Err(anyhow::anyhow!(crash_message(&*panic))));
        let reason = match trained {
            Ok(reason) => reason,
            Err(e) => {
                run.keeping.end(out, Status::Failed, Some(e.to_string()));
                return Err(e);
            }
        };
        // A run stopped mid-epoch keeps where it stopped (an epoch's end is kept already).
        if reason == FinishReason::Stopped && run.progress.batches_into_epoch > 0 {
            run.keep(None, out);
        }
        let status = match reason {
            FinishReason::Completed => Status::Finished,
            FinishReason::Stopped => Status::Stopped,
        };
        run.keeping.end(out, status, None);
        out.send(Event::Finished(reason));
        // Idle: the run is over but its state can still be saved or extended.
        if !control::idle(&mut run, inbox, out) {
            return Ok(());
        }
    }
}

/// A training run: the task with its data, the network and optimizer on the device, and
/// how far it has come.
pub struct Run<T: TrainTask> {
    task: T,
    config: TrainConfig,
    device: Device,
    autodiff: Device,
    norm: Normalization,
    model: T::Model,
    optim: ModuleOptimizer,
    progress: Progress,
    keeping: Keeping,
}

impl<T: TaskSetup> Run<T> {
    /// Selects and seeds the device, reads the data, builds the network (or restores it,
    /// with the optimizer state, normalisation and progress, from `config.resume_from`).
    pub fn prepare(mut config: TrainConfig, out: &Outbox) -> anyhow::Result<Self> {
        // Every number in range before anything is read or built (the CLI, the GUI and the
        // tests all come through here).
        limits::check_train_config(&config)?;
        let selected = device::select(config.device)?;
        // Seeds weight initialisation (the split, shuffles and augmentation have their own).
        selected.device.seed(config.seed);
        out.send(Event::Device(selected.description.clone()));
        let resumed = match &config.resume_from {
            Some(path) => {
                let ck = checkpoint::load(path)?;
                if let Some(note) = ck.integrity_note() {
                    out.send(Event::Log(note));
                }
                if ck.meta.task != T::TASK {
                    return Err(RunError::WrongTask {
                        path: path.clone(),
                        found: task_key(ck.meta.task),
                        wanted: T::NOUN,
                    }
                    .into());
                }
                // The run continues with the checkpoint's network and input size: both
                // in range before the data is read at that size.
                let file = ck.path.clone();
                let in_file = |e: limits::OutOfRange| anyhow::anyhow!(e.in_file(&file));
                let stored = ck.meta.input;
                for side in [stored.height, stored.width] {
                    limits::check_image_size(u32::try_from(side).unwrap_or(u32::MAX))
                        .map_err(in_file)?;
                }
                let side = stored.height as u32;
                if config.image_size != Some(side) {
                    // Said, not done silently: the data is read at the network's size.
                    out.send(Event::Log(format!(
                        "The checkpoint's network takes {side}×{side} images: the data is read at that size."
                    )));
                }
                config.image_size = Some(side);
                T::adopt(&mut config, &ck.meta.config);
                limits::check_train_config(&config).map_err(in_file)?;
                Some(ck)
            }
            None => None,
        };
        if config.image_size.is_none()
            && let Some(side) = T::default_image_size(&config, selected.is_gpu)
        {
            let on = if selected.is_gpu { "a GPU" } else { "the CPU" };
            out.send(Event::Log(format!(
                "Images are read at {side}×{side}, the default on {on} for this network (set the image size to change it)."
            )));
            config.image_size = Some(side);
        }
        out.send(Event::Log(format!("Reading {}…", config.data.describe())));
        let task = T::load(&config, out)?;
        check_batch_size(config.batch_size)?;
        // The input size may have come from the data.
        let input = task.input();
        limits::check_batch_pixels(
            config.batch_size,
            u32::try_from(input.height).unwrap_or(u32::MAX),
            u32::try_from(input.width).unwrap_or(u32::MAX),
        )?;
        let autodiff = selected.device.clone().autodiff();
        let model = task.build(&config, &autodiff, out)?;
        let mut run = Run {
            norm: task.normalization(),
            optim: optimizer(config.optimizer),
            model,
            task,
            keeping: Keeping::new(config.runs_dir.clone()).on_device(&selected.description),
            config,
            device: selected.device,
            autodiff,
            progress: Progress::default(),
        };
        if let Some(ck) = resumed {
            ck.check_fits(run.task.classes(), run.task.input())?;
            run.model = run.task.restore(&ck, &run.autodiff)?;
            if let Some(record) = ck.optimizer_record()? {
                run.optim = optimizer(ck.meta.config.optimizer).load_record(record);
            }
            run.config.optimizer = ck.meta.config.optimizer;
            run.norm = ck.meta.normalization.clone();
            run.progress = Progress::resumed(&ck.meta);
            out.send(Event::Log(run.progress.resumed_message(&ck.path)));
        }
        run.model = run.task.ready(
            run.model.clone(),
            run.progress.epochs_done,
            &run.context(),
            out,
        );
        // The run starts: its folder and record are made.
        run.keeping.begin(&run.config, out);
        let epochs = run.config.epochs;
        out.send(Event::Log(format!(
            "Training on {}: {epochs} epoch{}…",
            run.config.data.describe(),
            if epochs == 1 { "" } else { "s" }
        )));
        Ok(run)
    }
}

impl<T: TrainTask> Run<T> {
    /// A fresh run of `task` on `device` (without autodiff) that starts from `model` (on
    /// the autodiff device), with a new optimizer. The device is not seeded and nothing is
    /// sent: the caller has set up the data and the network. It keeps nothing (whatever
    /// `config.runs_dir` says): no run folder is made.
    pub fn new(
        task: T,
        config: TrainConfig,
        device: Device,
        model: T::Model,
        norm: Normalization,
    ) -> Self {
        Run {
            autodiff: device.clone().autodiff(),
            optim: optimizer(config.optimizer),
            task,
            config,
            device,
            norm,
            model,
            progress: Progress::default(),
            keeping: Keeping::default(),
        }
    }

    /// The network as it is now (on the autodiff device).
    pub fn model(&self) -> &T::Model {
        &self.model
    }

    /// The network, ending the run.
    pub fn into_model(self) -> T::Model {
        self.model
    }

    /// How far the run has come.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// The run's configuration (the checkpoint's network and optimizer when resumed).
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    fn context(&self) -> RunContext<'_> {
        RunContext {
            config: &self.config,
            norm: &self.norm,
            device: &self.device,
            autodiff: &self.autodiff,
        }
    }

    /// The learning rate for the next step of 1-based `epoch`.
    fn learning_rate(&self, steps_per_epoch: u64, epoch: usize) -> f64 {
        learning_rate(
            self.task.schedule(),
            &self.config,
            self.progress.step,
            steps_per_epoch,
            self.task.lr_factor(&self.config, epoch),
        )
    }

    /// Trains until the epoch budget is used ([`FinishReason::Completed`]) or `before_step`,
    /// asked before every step, says stop ([`FinishReason::Stopped`]). Sends
    /// [`Event::Step`] after every step and [`Event::Epoch`] (then the task's events) after
    /// every epoch; [`Event::Finished`] is the caller's to send.
    pub fn train_until_done(
        &mut self,
        out: &Outbox,
        mut before_step: impl FnMut(&mut Self, &Outbox) -> Control,
    ) -> anyhow::Result<FinishReason> {
        let steps_per_epoch = steps_per_epoch(self.task.train_len(), self.config.batch_size);
        while self.progress.epochs_done < self.config.epochs {
            let epoch = self.progress.epochs_done + 1;
            let started = Instant::now();
            self.model = self
                .task
                .epoch_start(self.model.clone(), epoch, &self.context(), out);
            let mut running = Running::default();
            let mut tally = T::Tally::default();
            let mut batches = self
                .task
                .batches(epoch_seed(self.config.seed, epoch), &self.context());
            // A resumed run already trained on the first batches of this epoch: they are
            // made and dropped, so the shuffle and augmentation draws match the first run.
            for _ in 0..self.progress.batches_into_epoch {
                if batches.next().is_none() {
                    break;
                }
            }
            for batch in batches {
                if let Control::Stop = before_step(&mut *self, out) {
                    return Ok(FinishReason::Stopped);
                }
                let loss = self
                    .task
                    .step(&self.model, batch, &mut tally, &self.context())?;
                check_loss(
                    loss.value,
                    self.progress.step + 1,
                    self.config.learning_rate,
                )?;
                running.add(loss.value, 0, loss.images);
                let grads = GradientsParams::from_grads(loss.tensor.backward(), &self.model);
                let lr = self.learning_rate(steps_per_epoch, epoch);
                let stepped = self.optim.step(lr, self.model.clone(), grads);
                self.model = self.task.after_step(stepped);
                self.progress.step_done(loss.value);
                out.send(Event::Step {
                    step: self.progress.step,
                    epoch,
                    loss: loss.value,
                    steps_per_epoch,
                    learning_rate: lr,
                });
                self.keeping
                    .step(out, self.progress.step, epoch, loss.value, lr);
            }
            let validation = self.task.validate(&self.model, epoch, &self.context())?;
            let summary = EpochSummary {
                epoch,
                train_loss: running.loss(),
                train_accuracy: T::train_accuracy(&tally),
                val_loss: validation.loss,
                val_accuracy: validation.accuracy,
                seconds: started.elapsed().as_secs_f32(),
            };
            let val_metric = validation
                .events
                .iter()
                .find_map(|event| match event {
                    Event::Segment(SegmentEvent::Metrics(m)) => Some(m.mean_iou),
                    Event::Detect(DetectEvent::Metrics(m)) => Some(m.map50),
                    _ => None,
                })
                .unwrap_or(summary.val_accuracy);
            self.progress.epoch_done(summary);
            out.send(Event::Epoch(summary));
            for event in validation.events {
                out.send(event);
            }
            self.keep(Some(&summary), out);
            self.keeping.epoch(out, &summary, val_metric);
        }
        Ok(FinishReason::Completed)
    }

    /// Keeps the run as it is in its run folder (when it keeps itself): `last.vlck`, and
    /// `best.vlck` too when `epoch` (the epoch just finished) beats the best so far. Each
    /// file written is reported ([`KeepEvent::Checkpoint`]); a failure is reported
    /// ([`KeepEvent::Failed`]) and the run goes on.
    fn keep(&mut self, epoch: Option<&EpochSummary>, out: &Outbox) {
        let meta = self.meta();
        let Some(folder) = self.keeping.folder(&self.config, out) else {
            return;
        };
        let kept = |path: PathBuf, best: bool| {
            Event::Kept(KeepEvent::Checkpoint(KeptCheckpoint {
                path,
                step: meta.step,
                epochs_done: meta.epochs_done,
                best,
            }))
        };
        let failed = |e: &dyn std::fmt::Display| {
            Event::Kept(KeepEvent::Failed(format!(
                "could not keep the model (the run goes on): {e}"
            )))
        };
        let last = folder.last();
        if let Err(e) = checkpoint::save(&last, &meta, &self.model, Some(&self.optim)) {
            return out.send(failed(&e));
        }
        let mut written = vec![(last, false)];
        if let Some(epoch) = epoch.filter(|e| folder.is_best(e)) {
            match folder.keep_last_as_best(epoch) {
                Ok(best) => written.push((best, true)),
                Err(e) => out.send(failed(&e)),
            }
        }
        for (path, best) in written {
            self.keeping.checkpoint(&path, best);
            out.send(kept(path, best));
        }
    }

    /// The checkpoint metadata of the run as it is now.
    pub fn meta(&self) -> CheckpointMeta {
        CheckpointMeta::new(
            T::TASK,
            self.task.classes(),
            self.task.input(),
            &self.norm,
            &self.config,
            &self.progress,
        )
    }
}

impl<T: TrainTask> Controlled for Run<T> {
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

    fn explain(&self, request: ExplainRequest, out: &Outbox) {
        self.task
            .explain(&self.model, request, &self.context(), out);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use burn::nn::{Linear, LinearConfig};
    use burn::tensor::TensorData;

    use super::*;
    use crate::core::job::no_waker;
    use crate::core::protocol::{DeviceChoice, Task};
    use crate::models::InputShape;
    use crate::train::checkpoint::Checkpoint;
    use crate::train::schedule::Schedule;
    use crate::train::task::{StepLoss, Validation};

    /// A toy task: fit y = 2x with one linear unit; batch `i` of an epoch holds the seed
    /// and its index, so a test can see which batches a run took.
    struct Toy {
        images: usize,
        /// (epoch seed, batch index) of every step taken.
        taken: std::cell::RefCell<Vec<(u64, usize)>>,
        /// Makes every loss NaN.
        poison: bool,
        /// Learning-rate factor from epoch 2 on.
        factor: f64,
    }

    /// (epoch seed, batch index, xs)
    type ToyBatch = (u64, usize, Vec<f32>);

    impl TrainTask for Toy {
        type Model = Linear;
        type Batch = ToyBatch;
        type Tally = usize;
        const TASK: Task = Task::Classify;

        fn classes(&self) -> &[String] {
            &[]
        }

        fn input(&self) -> InputShape {
            InputShape {
                channels: 1,
                height: 1,
                width: 1,
            }
        }

        fn train_len(&self) -> usize {
            self.images
        }

        fn batches(&self, seed: u64, cx: &RunContext<'_>) -> Box<dyn Iterator<Item = ToyBatch>> {
            let batch = cx.config.batch_size;
            let chunks: Vec<Vec<f32>> = (0..self.images)
                .map(|i| i as f32 / self.images as f32)
                .collect::<Vec<_>>()
                .chunks(batch)
                .map(<[f32]>::to_vec)
                .collect();
            Box::new(
                chunks
                    .into_iter()
                    .enumerate()
                    .map(move |(i, xs)| (seed, i, xs)),
            )
        }

        fn step(
            &self,
            model: &Linear,
            (seed, index, xs): ToyBatch,
            tally: &mut Self::Tally,
            cx: &RunContext<'_>,
        ) -> anyhow::Result<StepLoss> {
            *tally += 1;
            self.taken.borrow_mut().push((seed, index));
            let n = xs.len();
            let ys: Vec<f32> = xs.iter().map(|x| 2.0 * x).collect();
            let x = Tensor::<2>::from_data(TensorData::new(xs, [n, 1]), cx.autodiff);
            let y = Tensor::<2>::from_data(TensorData::new(ys, [n, 1]), cx.autodiff);
            let mut loss = (model.forward(x) - y).powi_scalar(2).mean(); // [1]
            if self.poison {
                loss = loss.mul_scalar(f32::NAN);
            }
            Ok(StepLoss {
                value: loss.clone().into_scalar(),
                tensor: loss,
                images: n,
            })
        }

        fn train_accuracy(tally: &Self::Tally) -> f32 {
            *tally as f32
        }

        fn validate(
            &self,
            _: &Linear,
            epoch: usize,
            _: &RunContext<'_>,
        ) -> anyhow::Result<Validation> {
            Ok(Validation {
                loss: epoch as f32,
                accuracy: 0.5,
                events: vec![Event::Log(format!("validated {epoch}"))],
            })
        }

        fn lr_factor(&self, _config: &TrainConfig, epoch: usize) -> f64 {
            if epoch >= 2 { self.factor } else { 1.0 }
        }
    }

    fn toy_run(images: usize, batch_size: usize, epochs: usize) -> Run<Toy> {
        let device = Device::flex();
        let config = TrainConfig {
            batch_size,
            epochs,
            device: DeviceChoice::Cpu,
            seed: 100,
            ..TrainConfig::default()
        };
        let model = LinearConfig::new(1, 1).init(&device.clone().autodiff());
        let toy = Toy {
            images,
            taken: Default::default(),
            poison: false,
            factor: 0.5,
        };
        Run::new(toy, config, device, model, Normalization::identity(1))
    }

    /// An outbox and the events it got.
    fn outbox() -> (Outbox, mpsc::Receiver<Event>) {
        let (tx, rx) = mpsc::channel();
        (Outbox::new(tx, no_waker()), rx)
    }

    fn steps(events: &mpsc::Receiver<Event>) -> Vec<(u64, usize)> {
        events
            .try_iter()
            .filter_map(|e| match e {
                Event::Step { step, epoch, .. } => Some((step, epoch)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_run_takes_every_batch_and_reports_each_epoch() {
        let (out, events) = outbox();
        let mut run = toy_run(10, 4, 2);
        let reason = run
            .train_until_done(&out, |_, _| Control::Continue)
            .unwrap();
        assert_eq!(reason, FinishReason::Completed);
        let got: Vec<Event> = events.try_iter().collect();
        let steps: Vec<(u64, usize, u64)> = got
            .iter()
            .filter_map(|e| match e {
                Event::Step {
                    step,
                    epoch,
                    steps_per_epoch,
                    ..
                } => Some((*step, *epoch, *steps_per_epoch)),
                _ => None,
            })
            .collect();
        // 10 images in batches of 4: 3 steps per epoch.
        assert_eq!(
            steps,
            vec![
                (1, 1, 3),
                (2, 1, 3),
                (3, 1, 3),
                (4, 2, 3),
                (5, 2, 3),
                (6, 2, 3)
            ]
        );
        // Each epoch: the summary, then the task's events.
        let after_epochs: Vec<String> = got
            .iter()
            .filter_map(|e| match e {
                Event::Epoch(s) => Some(format!(
                    "epoch {} acc {} val {}",
                    s.epoch, s.train_accuracy, s.val_loss
                )),
                Event::Log(line) => Some(line.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            after_epochs,
            [
                "epoch 1 acc 3 val 1",
                "validated 1",
                "epoch 2 acc 3 val 2",
                "validated 2"
            ]
        );
        assert_eq!(run.progress().epochs_done, 2);
        assert_eq!(run.progress().history.len(), 2);
        assert_eq!(run.progress().step_losses.len(), 6);
    }

    /// A run stopped mid-epoch and resumed from its progress skips the batches it trained
    /// on, continues the step count, and draws the same epoch seed.
    #[test]
    fn a_resumed_run_skips_the_batches_it_took() {
        let (out, events) = outbox();
        let mut first = toy_run(10, 4, 2);
        // Stop before the 5th step (the 2nd of epoch 2).
        let reason = first
            .train_until_done(&out, |run, _| {
                if run.progress.step == 4 {
                    Control::Stop
                } else {
                    Control::Continue
                }
            })
            .unwrap();
        assert_eq!(reason, FinishReason::Stopped);
        assert_eq!(steps(&events).last(), Some(&(4, 2)));
        assert_eq!(
            (
                first.progress.epochs_done,
                first.progress.batches_into_epoch
            ),
            (1, 1)
        );

        assert_eq!(
            *first.task.taken.borrow(),
            vec![(101, 0), (101, 1), (101, 2), (102, 0)]
        );
        let mut resumed = toy_run(10, 4, 2);
        resumed.progress = first.progress.clone();
        let reason = resumed
            .train_until_done(&out, |_, _| Control::Continue)
            .unwrap();
        assert_eq!(reason, FinishReason::Completed);
        assert_eq!(steps(&events), vec![(5, 2), (6, 2)]);
        // Batches 1 and 2 of epoch 2's order (0 was taken before the stop).
        assert_eq!(*resumed.task.taken.borrow(), vec![(102, 1), (102, 2)]);
        assert_eq!(
            resumed.progress.history.last().map(|s| s.train_accuracy),
            Some(2.0)
        );
        assert_eq!(resumed.progress.step, 6);
    }

    #[test]
    fn the_lr_factor_scales_the_schedule_from_its_epoch() {
        let run = toy_run(10, 4, 2);
        let cosine = learning_rate(Schedule::Cosine, &run.config, 0, 3, 1.0);
        assert_eq!(run.learning_rate(3, 1), cosine);
        assert_eq!(run.learning_rate(3, 2), cosine * 0.5);
    }

    /// Every step reports the rate it was taken with: the schedule at the steps done
    /// before it, times the task's factor for its epoch.
    #[test]
    fn each_step_reports_its_learning_rate() {
        let (out, events) = outbox();
        let mut run = toy_run(10, 4, 2);
        run.train_until_done(&out, |_, _| Control::Continue)
            .unwrap();
        let rates: Vec<f64> = events
            .try_iter()
            .filter_map(|e| match e {
                Event::Step { learning_rate, .. } => Some(learning_rate),
                _ => None,
            })
            .collect();
        let expected: Vec<f64> = (0..6u64)
            .map(|done| {
                let factor = if done >= 3 { 0.5 } else { 1.0 };
                learning_rate(Schedule::Cosine, &run.config, done, 3, factor)
            })
            .collect();
        assert_eq!(rates, expected);
        assert!(rates[2] < rates[0] && rates[3] < rates[2] * 0.6);
    }

    #[test]
    fn a_nan_loss_fails_with_the_step_and_the_learning_rate() {
        let (out, _events) = outbox();
        let mut run = toy_run(10, 4, 1);
        run.task.poison = true;
        let err = run
            .train_until_done(&out, |_, _| Control::Continue)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "the training loss became NaN at step 1: lower the learning rate (now 0.002)"
        );
        assert_eq!(
            check_loss(f32::INFINITY, 7, 0.5).unwrap_err().to_string(),
            "the training loss became inf at step 7: lower the learning rate (now 0.5)"
        );
        assert_eq!(check_loss(1.0, 1, 0.5), Ok(()));
    }

    #[test]
    fn small_helpers() {
        assert_eq!(steps_per_epoch(10, 4), 3);
        assert_eq!(steps_per_epoch(8, 4), 2);
        assert_eq!(steps_per_epoch(0, 4), 0);
        assert_eq!(
            check_batch_size(0).unwrap_err().to_string(),
            "the batch size must be at least 1"
        );
        assert_eq!(check_batch_size(1), Ok(()));
        let err = RunError::WrongTask {
            path: "/tmp/a.vlck".into(),
            found: "classify",
            wanted: "segmentation",
        };
        assert_eq!(
            err.to_string(),
            "/tmp/a.vlck holds a classify model; resume a segmentation checkpoint"
        );
    }

    /// The kept checkpoints a run reported: (file name, step, epochs done, best).
    fn kept(events: &mpsc::Receiver<Event>) -> Vec<(String, u64, usize, bool)> {
        events
            .try_iter()
            .filter_map(|e| match e {
                Event::Kept(KeepEvent::Checkpoint(k)) => Some((
                    k.path.file_name()?.to_string_lossy().into_owned(),
                    k.step,
                    k.epochs_done,
                    k.best,
                )),
                _ => None,
            })
            .collect()
    }

    /// A keeping run writes last.vlck after every epoch and best.vlck after the best one
    /// (the toy's accuracy is flat and its validation loss grows: epoch 1 is the best).
    #[test]
    fn a_run_keeps_its_last_and_best_epochs() {
        let (out, events) = outbox();
        let root = tempfile::tempdir().unwrap();
        let mut run = toy_run(6, 4, 3);
        run.keeping = Keeping::new(Some(root.path().to_path_buf()));
        run.train_until_done(&out, |_, _| Control::Continue)
            .unwrap();
        let got: Vec<Event> = events.try_iter().collect();
        let folders: Vec<&PathBuf> = got
            .iter()
            .filter_map(|e| match e {
                Event::Kept(KeepEvent::Folder(dir)) => Some(dir),
                _ => None,
            })
            .collect();
        assert_eq!(folders.len(), 1, "{got:?}");
        let dir = folders[0].clone();
        assert!(dir.starts_with(root.path()));
        let (tx, rx) = mpsc::channel();
        for e in got {
            tx.send(e).unwrap();
        }
        assert_eq!(
            kept(&rx),
            [
                ("last.vlck".into(), 2, 1, false),
                ("best.vlck".into(), 2, 1, true),
                ("last.vlck".into(), 4, 2, false),
                ("last.vlck".into(), 6, 3, false),
            ]
        );
        let last: Checkpoint = checkpoint::load(&dir.join("last.vlck")).unwrap();
        assert_eq!(last.meta.epochs_done, 3);
        let best: Checkpoint = checkpoint::load(&dir.join("best.vlck")).unwrap();
        assert_eq!(best.meta.epochs_done, 1);
        assert!(dir.join("config.json").is_file());
    }

    /// A run whose folder cannot be made says so once and trains to the end.
    #[test]
    fn a_run_that_cannot_keep_goes_on() {
        let (out, events) = outbox();
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("not-a-folder");
        std::fs::write(&file, b"").unwrap();
        let mut run = toy_run(6, 4, 2);
        run.keeping = Keeping::new(Some(file));
        let reason = run
            .train_until_done(&out, |_, _| Control::Continue)
            .unwrap();
        assert_eq!(reason, FinishReason::Completed);
        let failures = events
            .try_iter()
            .filter(|e| matches!(e, Event::Kept(KeepEvent::Failed(_))))
            .count();
        assert_eq!(failures, 1);
    }

    /// Saving writes the run's task, progress and weights; the checkpoint reads back.
    #[test]
    fn save_writes_a_checkpoint_of_the_run() {
        let (out, events) = outbox();
        let mut run = toy_run(6, 4, 1);
        run.train_until_done(&out, |_, _| Control::Continue)
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("toy.vlck");
        run.save(&path, &out);
        assert!(
            events
                .try_iter()
                .any(|e| matches!(e, Event::CheckpointSaved(ref p) if *p == path))
        );
        let ck: Checkpoint = checkpoint::load(&path).unwrap();
        assert_eq!(ck.meta.task, Task::Classify);
        assert_eq!((ck.meta.step, ck.meta.epochs_done), (2, 1));
        assert!(ck.optimizer_record().unwrap().is_some());
        let back = ck
            .load_into(LinearConfig::new(1, 1).init(&Device::flex()))
            .unwrap();
        let w = |m: &Linear| m.weight.val().into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(w(&back), w(&run.model.valid()));
    }
}
