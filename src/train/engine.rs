//! The job thread: runs a training run (or a dataset inspection) and talks only through the
//! [`protocol`](crate::train::protocol). The CLI, the GUI and the tests all drive this code.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{
    AdamConfig, GradientsParams, ModuleOptimizer, SgdConfig, momentum::MomentumConfig,
};
use burn::prelude::*;
use burn::tensor::TensorData;

use crate::data::augment::Policy;
use crate::data::batch::{Batch, ItemSource, Loader, Normalization};
use crate::data::image_folder::{self, FolderOptions};
use crate::data::stream;
use crate::data::{ClassificationSet, Image, LabeledImage, shapes};
use crate::device;
use crate::models::{Classifier, InputShape, ModelError};
use crate::train::checkpoint::{self, CheckpointMeta, Progress};
use crate::train::control::{self, Control, Controlled};
use crate::train::explain;
use crate::train::metrics::{self, Running};
use crate::train::protocol::{
    Command, DataSpec, DatasetSummary, EpochSummary, Event, FinishReason, ModelKind, OptimizerKind,
    Prediction, RgbaImage, Task, TrainConfig, ValidationOutcome,
};
use crate::train::{detection, segmentation};

/// Called after every event is sent, so a UI can repaint (egui's `request_repaint`).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// A waker that does nothing (CLI, tests).
pub fn no_waker() -> Waker {
    Arc::new(|| {})
}

/// The UI's end of a running job. Dropping it tells the job to end.
pub struct JobHandle {
    commands: Sender<Command>,
    events: Receiver<Event>,
}

impl JobHandle {
    /// Sends a command; false when the job has ended.
    pub fn send(&self, command: Command) -> bool {
        self.commands.send(command).is_ok()
    }

    /// The next event if one is waiting.
    pub fn try_recv(&self) -> Option<Event> {
        self.events.try_recv().ok()
    }

    /// The event channel, for blocking receives (CLI, tests).
    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }
}

/// The job's end of the event channel: sends and wakes the UI.
pub struct Outbox {
    events: Sender<Event>,
    wake: Waker,
}

impl Outbox {
    /// An outbox sending into `events` and calling `wake` after each event.
    pub fn new(events: Sender<Event>, wake: Waker) -> Self {
        Outbox { events, wake }
    }

    /// Sends an event (ignored when the UI has gone) and wakes the UI.
    pub fn send(&self, event: Event) {
        let _ = self.events.send(event);
        (self.wake)();
    }
}

/// Runs `job` on its own thread. An error it returns, or a panic, arrives as
/// [`Event::Failed`]; the caller lives on.
pub fn spawn_job<F>(name: &str, wake: Waker, job: F) -> JobHandle
where
    F: FnOnce(&Receiver<Command>, &Outbox) -> anyhow::Result<()> + Send + 'static,
{
    let (command_tx, command_rx) = mpsc::channel();
    let (event_tx, event_rx) = mpsc::channel();
    let outbox = Outbox {
        events: event_tx.clone(),
        wake: wake.clone(),
    };
    let pool_name = name.to_string();
    let spawned = std::thread::Builder::new()
        .name(format!("visionlab-{name}"))
        .spawn(move || {
            // The job's tensor work runs on its own pool's worker (see `compute`).
            crate::compute::run_on_pool(&pool_name, move || {
                let result =
                    std::panic::catch_unwind(AssertUnwindSafe(|| job(&command_rx, &outbox)));
                match result {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => outbox.send(Event::Failed(format!("{error:#}"))),
                    Err(panic) => {
                        let message = panic
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_else(|| "unknown panic".into());
                        outbox.send(Event::Failed(format!("the job crashed: {message}")));
                    }
                }
            })
        });
    if let Err(error) = spawned {
        let _ = event_tx.send(Event::Failed(format!("could not start a thread: {error}")));
        wake();
    }
    JobHandle {
        commands: command_tx,
        events: event_rx,
    }
}

/// Starts a training run (of the config's task) on its own thread.
pub fn spawn_training(config: TrainConfig, wake: Waker) -> JobHandle {
    spawn_job("train", wake, move |inbox, out| match config.task {
        Task::Classify => Trainer::prepare(config, out)?.run(inbox, out),
        Task::Segment => segmentation::run(config, inbox, out),
        Task::Detect => detection::run(config, inbox, out),
    })
}

/// Reads a dataset (for `task`) on its own thread and sends [`Event::Dataset`] then
/// [`Event::Finished`] (or [`Event::Failed`]).
pub fn spawn_inspect(
    task: Task,
    data: DataSpec,
    image_size: Option<u32>,
    wake: Waker,
) -> JobHandle {
    spawn_job("inspect", wake, move |_inbox, out| {
        let config = TrainConfig {
            task,
            data,
            image_size,
            ..TrainConfig::default()
        };
        let summary = match task {
            Task::Classify => summarize(&config.data, &load_training_set(&config, out)?),
            Task::Segment => {
                segmentation::summarize(&config.data, &segmentation::load_dataset(&config, out)?)
            }
            Task::Detect => {
                detection::summarize(&config.data, &detection::load_dataset(&config, out)?)
            }
        };
        out.send(Event::Dataset(summary));
        out.send(Event::Finished(FinishReason::Completed));
        Ok(())
    })
}

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
            if *count < 10 {
                bail!("the shapes dataset needs at least 10 images, got {count}");
            }
            let size = config.image_size.unwrap_or(SHAPES_SIZE);
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

/// A progress callback for dataset readers: sends [`Event::Loading`] at most every 100 ms,
/// and always for the last image.
pub fn loading_progress(out: &Outbox) -> impl FnMut(usize, usize) + '_ {
    let mut last = Instant::now();
    move |done, total| {
        if done == total || last.elapsed() > Duration::from_millis(100) {
            last = Instant::now();
            out.send(Event::Loading { done, total });
        }
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

/// Builds the optimizer a config asks for.
pub fn optimizer(kind: OptimizerKind) -> ModuleOptimizer {
    match kind {
        // PyTorch's SGD momentum: no dampening.
        OptimizerKind::Sgd => SgdConfig::new()
            .with_momentum(Some(MomentumConfig::new().with_dampening(0.0)))
            .init(),
        OptimizerKind::Adam => AdamConfig::new().init(),
    }
}

/// A prepared training run: data, model and optimizer on the device.
struct Trainer {
    config: TrainConfig,
    device: Device,
    autodiff: Device,
    classes: Vec<String>,
    input: InputShape,
    /// Training images: in memory, or streamed from disk.
    train: Arc<dyn ItemSource>,
    val: Arc<Vec<LabeledImage>>,
    norm: Normalization,
    model: Classifier,
    optim: ModuleOptimizer,
    progress: Progress,
    /// Validation items shown in the predictions grid.
    showcase: Vec<usize>,
}

impl Trainer {
    fn prepare(mut config: TrainConfig, out: &Outbox) -> anyhow::Result<Self> {
        let selected = device::select(config.device)?;
        // Seeds weight initialisation (the split, shuffles and augmentation have their own).
        selected.device.seed(config.seed);
        out.send(Event::Device(selected.description.clone()));
        let resumed = match &config.resume_from {
            Some(path) => {
                let ck = checkpoint::load(path)?;
                // The run continues with the checkpoint's model and input size.
                config.model = ck.meta.config.model;
                config.image_size = Some(ck.meta.input.height as u32);
                Some(ck)
            }
            None => None,
        };
        out.send(Event::Log(format!("Reading {}…", config.data.describe())));
        let mut set = load_training_set(&config, out)?;
        if set.train_len() == 0 {
            bail!("{}: no training images", config.data.describe());
        }
        out.send(Event::Log(holding_line(&set)));
        out.send(Event::Dataset(summarize(&config.data, &set)));
        for skipped in &set.skipped {
            out.send(Event::Log(format!("skipped {skipped}")));
        }
        let input = InputShape {
            channels: set.channels as usize,
            height: set.height as usize,
            width: set.width as usize,
        };
        let autodiff = selected.device.clone().autodiff();
        let mut trainer = Trainer {
            device: selected.device,
            classes: set.classes.clone(),
            input,
            norm: if Classifier::normalizes_itself(config.model) {
                Normalization::identity(set.channels)
            } else {
                Normalization::from_images(&set.train, set.channels)
            },
            model: build_model(&config, input, set.classes.len(), &autodiff, out)?,
            optim: optimizer(config.optimizer),
            autodiff,
            showcase: spread(set.val.len(), 32),
            train: match set.streamed.take() {
                Some(streamed) => streamed as Arc<dyn ItemSource>,
                None => Arc::new(std::mem::take(&mut set.train)) as Arc<dyn ItemSource>,
            },
            val: Arc::new(set.val),
            progress: Progress::default(),
            config,
        };
        if let Some(ck) = resumed {
            ck.check_fits(&trainer.classes, trainer.input)?;
            trainer.model = ck.model(&trainer.autodiff)?;
            if let Some(record) = ck.optimizer_record()? {
                trainer.optim = optimizer(ck.meta.config.optimizer).load_record(record);
            }
            trainer.config.optimizer = ck.meta.config.optimizer;
            trainer.norm = ck.meta.normalization.clone();
            trainer.progress = Progress::resumed(&ck.meta);
            out.send(Event::Log(trainer.progress.resumed_message(&ck.path)));
        }
        trainer.model = trainer
            .model
            .clone()
            .with_transfer(&trainer.config.transfer, trainer.progress.epochs_done + 1);
        out.send(Event::ValidationImages(
            trainer
                .val
                .iter()
                .map(|item| thumbnail(&item.image, THUMBNAIL_SIDE))
                .collect(),
        ));
        if trainer.config.batch_size == 0 {
            bail!("the batch size must be at least 1");
        }
        Ok(trainer)
    }

    /// The learning rate for the next step: the cosine schedule, times the fine-tuning
    /// factor once a pretrained backbone's last stages train.
    fn learning_rate(&self, steps_per_epoch: u64) -> f64 {
        let transfer = &self.config.transfer;
        let factor = if self.config.model == ModelKind::MobileNetV2
            && transfer.unfrozen_in(self.progress.epochs_done + 1)
        {
            transfer.unfreeze_lr_factor
        } else {
            1.0
        };
        cosine_learning_rate(&self.config, self.progress.step, steps_per_epoch) * factor
    }

    fn steps_per_epoch(&self) -> u64 {
        self.train.len().div_ceil(self.config.batch_size) as u64
    }

    /// Trains until the budget is used or the user stops; then answers commands (save,
    /// a larger budget + resume) until the UI drops its handle.
    fn run(mut self, inbox: &Receiver<Command>, out: &Outbox) -> anyhow::Result<()> {
        loop {
            let reason = self.train_until_done(inbox, out)?;
            out.send(Event::Finished(reason));
            // Idle: the run is over but its state can still be saved or extended.
            if !control::idle(&mut self, inbox, out) {
                return Ok(());
            }
        }
    }

    fn train_until_done(
        &mut self,
        inbox: &Receiver<Command>,
        out: &Outbox,
    ) -> anyhow::Result<FinishReason> {
        let loss_fn = CrossEntropyLossConfig::new().init(&self.autodiff);
        let steps_per_epoch = self.steps_per_epoch();
        while self.progress.epochs_done < self.config.epochs {
            let epoch = self.progress.epochs_done + 1;
            let started = Instant::now();
            self.set_trainable(epoch, out);
            let mut running = Running::default();
            let skip = self.progress.batches_into_epoch as usize;
            let loader = Loader::new(
                self.train.clone(),
                self.config.batch_size,
                self.norm.clone(),
                true,
                Policy {
                    shift: self.config.augment,
                    flip: self.config.flip,
                },
                self.config.seed.wrapping_add(epoch as u64),
            );
            for batch in loader.skip(skip) {
                if let Control::Stop = control::between_steps(self, inbox, out) {
                    return Ok(FinishReason::Stopped);
                }
                let truth: Vec<usize> = batch.labels.iter().map(|&l| l as usize).collect();
                let (x, y) = batch_tensors(batch, &self.autodiff);
                let logits = self.model.forward(x); // [n, classes]
                let loss = loss_fn.forward(logits.clone(), y); // [1]
                let loss_value: f32 = loss.clone().into_scalar();
                if !loss_value.is_finite() {
                    bail!(
                        "the training loss became {loss_value} at step {}: lower the learning rate (now {})",
                        self.progress.step + 1,
                        self.config.learning_rate
                    );
                }
                let values = logits
                    .into_data()
                    .try_to_vec::<f32>()
                    .map_err(|e| anyhow::anyhow!("reading logits: {e:?}"))?;
                let correct = metrics::top1(&values, self.classes.len())
                    .iter()
                    .zip(&truth)
                    .filter(|(p, t)| p.0 == **t)
                    .count();
                running.add(loss_value, correct, truth.len());
                let grads = GradientsParams::from_grads(loss.backward(), &self.model);
                let lr = self.learning_rate(steps_per_epoch);
                self.model = self.optim.step(lr, self.model.clone(), grads);
                self.progress.step_done(loss_value);
                out.send(Event::Step {
                    step: self.progress.step,
                    epoch,
                    loss: loss_value,
                    steps_per_epoch,
                });
            }
            let (val, predictions) = evaluate(
                &self.model,
                &self.val,
                &self.norm,
                self.classes.len(),
                self.config.batch_size.max(64),
                &self.device,
            )?;
            let summary = EpochSummary {
                epoch,
                train_loss: running.loss(),
                train_accuracy: running.accuracy(),
                val_loss: val.loss(),
                val_accuracy: val.accuracy(),
                seconds: started.elapsed().as_secs_f32(),
            };
            self.progress.epoch_done(summary);
            out.send(Event::Epoch(summary));
            out.send(Event::Validation(ValidationOutcome {
                epoch,
                truth: self.val.iter().map(|item| item.label).collect(),
                predicted: predictions.iter().map(|p| p.0).collect(),
                confidence: predictions.iter().map(|p| p.1).collect(),
            }));
            out.send(Event::Predictions(
                self.showcase
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
                    .collect(),
            ));
        }
        Ok(FinishReason::Completed)
    }

    /// Sends a saliency map and Grad-CAM for validation image `index` (a log line when
    /// there is no such image or it fails: the run goes on).
    fn explain(&self, index: usize, out: &Outbox) {
        let Some(item) = self.val.get(index) else {
            out.send(Event::Log(format!(
                "There is no validation image {index} to explain."
            )));
            return;
        };
        match explain::explain(&self.model, item, index, &self.norm, &self.autodiff) {
            Ok(explanation) => out.send(Event::Explanation(explanation)),
            Err(e) => out.send(Event::Log(format!(
                "Could not explain image {index}: {e:#}"
            ))),
        }
    }

    /// Freezes or unfreezes a pretrained backbone for `epoch`, saying so when it changes.
    fn set_trainable(&mut self, epoch: usize, out: &Outbox) {
        let transfer = self.config.transfer;
        if self.config.model == ModelKind::MobileNetV2
            && transfer.unfrozen_in(epoch)
            && !transfer.unfrozen_in(epoch - 1)
        {
            out.send(Event::Log(format!(
                "Epoch {epoch}: the last {} backbone stages now train too, at {}× the learning rate",
                transfer.unfreeze_last, transfer.unfreeze_lr_factor
            )));
        }
        self.model = self.model.clone().with_transfer(&transfer, epoch);
    }

    fn meta(&self) -> CheckpointMeta {
        CheckpointMeta::new(
            "classify",
            &self.classes,
            self.input,
            &self.norm,
            &self.config,
            &self.progress,
        )
    }
}

impl Controlled for Trainer {
    fn explain(&self, index: usize, out: &Outbox) {
        Trainer::explain(self, index, out);
    }

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

/// The learning rate for the step after `step`: cosine decay from the configured rate to
/// 5 % of it over the epoch budget (a larger budget stretches the schedule).
pub fn cosine_learning_rate(config: &TrainConfig, step: u64, steps_per_epoch: u64) -> f64 {
    let total = (config.epochs as u64 * steps_per_epoch).max(1) as f64;
    let progress = (step as f64 / total).min(1.0);
    let cosine = 0.5 * (1.0 + (std::f64::consts::PI * progress).cos());
    config.learning_rate * (0.05 + 0.95 * cosine)
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

/// Up to `k` indices spread evenly over `0..n`.
pub fn spread(n: usize, k: usize) -> Vec<usize> {
    if n <= k {
        return (0..n).collect();
    }
    (0..k).map(|i| i * n / k).collect()
}

/// Runs a training config to the end on the calling thread, returning the epoch summaries.
/// For tests and tools that need no controls.
pub fn train_blocking(config: TrainConfig) -> anyhow::Result<Vec<EpochSummary>> {
    let job = spawn_training(config, no_waker());
    let mut epochs = Vec::new();
    for event in job.events().iter() {
        match event {
            Event::Epoch(summary) => epochs.push(summary),
            Event::Finished(_) => return Ok(epochs),
            Event::Failed(message) => bail!(message),
            _ => {}
        }
    }
    Err(anyhow::anyhow!("the training job ended without a result")).context("train_blocking")
}
