//! The only types both sides of the spine know: [`Command`]s go from the UI (or CLI, or a
//! test) to a job thread, [`Event`]s come back. Everything here is plain data: no tensors.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Where the images come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DataSpec {
    /// The built-in deterministic synthetic shapes dataset.
    Shapes {
        /// Number of images in total (train + validation).
        count: usize,
        /// Generator seed: the same seed gives the same images.
        seed: u64,
    },
    /// An ImageFolder on disk: one sub-folder per class, or `train/` + `test/` sub-folders
    /// that each hold one sub-folder per class.
    Folder(PathBuf),
}

impl DataSpec {
    /// The default built-in dataset.
    pub fn shapes() -> Self {
        DataSpec::Shapes {
            count: 3000,
            seed: 7,
        }
    }

    /// A short human description ("shapes (2000 images)" or the folder path).
    pub fn describe(&self) -> String {
        match self {
            DataSpec::Shapes { count, .. } => format!("built-in shapes ({count} images)"),
            DataSpec::Folder(path) => path.display().to_string(),
        }
    }
}

/// Which network to train.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum ModelKind {
    /// The seed's LeNet-style ConvNet: conv5 → pool → conv5 → pool → 120 → 84 → classes.
    #[value(name = "convnet")]
    ConvNet,
    /// A small residual network with batch norm.
    #[value(name = "resnet")]
    ResNet,
    /// MobileNetV2 pretrained on ImageNet, with a new classifier head (transfer learning).
    #[value(name = "mobilenet_v2")]
    MobileNetV2,
}

impl ModelKind {
    /// All choices, for selectors.
    pub const ALL: [ModelKind; 3] = [
        ModelKind::ConvNet,
        ModelKind::ResNet,
        ModelKind::MobileNetV2,
    ];

    /// Name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            ModelKind::ConvNet => "ConvNet (LeNet-style)",
            ModelKind::ResNet => "ResNet (small, batch norm)",
            ModelKind::MobileNetV2 => "MobileNetV2, pretrained",
        }
    }
}

/// Which optimizer updates the weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum OptimizerKind {
    /// Stochastic gradient descent with momentum 0.9.
    Sgd,
    /// Adam.
    Adam,
}

impl OptimizerKind {
    /// All choices, for selectors.
    pub const ALL: [OptimizerKind; 2] = [OptimizerKind::Sgd, OptimizerKind::Adam];

    /// Name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "SGD + momentum",
            OptimizerKind::Adam => "Adam",
        }
    }
}

/// Where tensors run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum DeviceChoice {
    /// The GPU when a wgpu adapter exists, else the CPU.
    #[default]
    Auto,
    /// The CPU (burn's flex backend).
    Cpu,
    /// The GPU through wgpu; an error when no adapter exists.
    Gpu,
}

impl DeviceChoice {
    /// All choices, for selectors.
    pub const ALL: [DeviceChoice; 3] = [DeviceChoice::Auto, DeviceChoice::Cpu, DeviceChoice::Gpu];

    /// Name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            DeviceChoice::Auto => "Auto (GPU if present)",
            DeviceChoice::Cpu => "CPU",
            DeviceChoice::Gpu => "GPU (wgpu)",
        }
    }
}

/// Everything a classification training run needs. Editable before start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// The dataset.
    pub data: DataSpec,
    /// The network.
    pub model: ModelKind,
    /// The optimizer.
    pub optimizer: OptimizerKind,
    /// Learning rate.
    pub learning_rate: f64,
    /// Images per step.
    pub batch_size: usize,
    /// Epoch budget (can be changed while paused).
    pub epochs: usize,
    /// Side of the square network input; `None` takes it from the data.
    pub image_size: Option<u32>,
    /// Fraction of a single-folder dataset held out for validation.
    pub val_fraction: f32,
    /// Seed for the split, shuffling, augmentation and initialisation.
    pub seed: u64,
    /// Random shifts of training images.
    pub augment: bool,
    /// Random horizontal flips of training images (off for digits and text).
    #[serde(default)]
    pub flip: bool,
    /// Where tensors run.
    pub device: DeviceChoice,
    /// Continue from this checkpoint (weights, optimizer state, curves).
    pub resume_from: Option<PathBuf>,
    /// Freezing and unfreezing of a pretrained backbone (transfer learning).
    #[serde(default)]
    pub transfer: TransferOptions,
}

// --- transfer learning (issue 6) ---

/// How a pretrained backbone is fine-tuned; ignored by networks trained from scratch.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransferOptions {
    /// Train only the new classifier head; the backbone's weights and batch-norm statistics
    /// stay as pretrained.
    pub freeze_backbone: bool,
    /// With a frozen backbone: from epoch `unfreeze_after + 1` on, also train the last this
    /// many feature stages (0 = never).
    pub unfreeze_last: usize,
    /// Epochs of head-only training before unfreezing.
    pub unfreeze_after: usize,
    /// Learning-rate factor once the backbone's last stages train (smaller steps keep the
    /// pretrained features).
    pub unfreeze_lr_factor: f64,
}

impl Default for TransferOptions {
    fn default() -> Self {
        TransferOptions {
            freeze_backbone: true,
            unfreeze_last: 0,
            unfreeze_after: 0,
            unfreeze_lr_factor: 0.1,
        }
    }
}

impl TransferOptions {
    /// Whether the last stages train in 1-based `epoch`.
    pub fn unfrozen_in(&self, epoch: usize) -> bool {
        self.freeze_backbone && self.unfreeze_last > 0 && epoch > self.unfreeze_after
    }
}

// --- end transfer learning ---

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            data: DataSpec::shapes(),
            model: ModelKind::ConvNet,
            optimizer: OptimizerKind::Adam,
            learning_rate: 2e-3,
            batch_size: 16,
            epochs: 10,
            image_size: None,
            val_fraction: 0.2,
            seed: 42,
            augment: true,
            flip: true,
            device: DeviceChoice::Cpu,
            resume_from: None,
            transfer: TransferOptions::default(),
        }
    }
}

/// UI → job.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Stop taking steps until [`Command::Resume`]; the job keeps its state.
    Pause,
    /// Continue after a pause, from the same step.
    Resume,
    /// End the run after the current step; the model stays available for saving.
    Stop,
    /// Write a checkpoint (atomically) of the current state to this path.
    SaveCheckpoint(PathBuf),
    /// Change the epoch budget (taken while paused, or at any time).
    SetEpochs(usize),
    // --- seeing what a classifier learned (issue 6) ---
    /// Compute a saliency map and Grad-CAM for validation image `index` (answered with
    /// [`Event::Explanation`]); also taken after the run has finished.
    Explain(usize),
}

/// Class names, counts and a few thumbnails of a dataset, for the data panel.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DatasetSummary {
    /// Where it came from.
    pub source: String,
    /// Class names, index = label.
    pub classes: Vec<String>,
    /// Training images per class.
    pub train_counts: Vec<usize>,
    /// Validation images per class.
    pub val_counts: Vec<usize>,
    /// Network input: channels, height, width.
    pub input_shape: [usize; 3],
    /// A few training images with their label.
    pub thumbnails: Vec<(RgbaImage, usize)>,
    /// Files that were skipped, each with the reason (shown to the user).
    pub warnings: Vec<String>,
}

/// A small RGBA picture the UI can show as is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RgbaImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width * height * 4` bytes, row-major.
    pub pixels: Vec<u8>,
}

/// One validation image with what the model said about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// The image as the network saw it (before normalisation).
    pub image: RgbaImage,
    /// Predicted class index.
    pub predicted: usize,
    /// True class index.
    pub truth: usize,
    /// Softmax probability of the predicted class.
    pub confidence: f32,
}

/// Losses and accuracies at the end of an epoch.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochSummary {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean training loss over the epoch.
    pub train_loss: f32,
    /// Training accuracy (with augmentation) in 0..1.
    pub train_accuracy: f32,
    /// Mean validation loss.
    pub val_loss: f32,
    /// Validation accuracy in 0..1.
    pub val_accuracy: f32,
    /// Wall-clock seconds of the epoch (training + validation).
    pub seconds: f32,
}

/// Why a run ended without failing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishReason {
    /// The epoch budget was used up.
    Completed,
    /// The user stopped it.
    Stopped,
}

/// Job → UI.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A line for the status bar / log.
    Log(String),
    /// Loading progress: `done` of `total` images read.
    Loading {
        /// Images read so far.
        done: usize,
        /// Images to read.
        total: usize,
    },
    /// The device the job runs on, in words.
    Device(String),
    /// The dataset is read.
    Dataset(DatasetSummary),
    /// One optimisation step finished.
    Step {
        /// Global step number, counting from 1 over the whole run (resumes continue it).
        step: u64,
        /// 1-based epoch the step belongs to.
        epoch: usize,
        /// Mini-batch training loss.
        loss: f32,
        /// Steps per epoch, for progress bars.
        steps_per_epoch: u64,
    },
    /// An epoch ended and was evaluated.
    Epoch(EpochSummary),
    /// Sample validation predictions after an epoch.
    Predictions(Vec<Prediction>),
    /// The job is paused at this step.
    Paused {
        /// Last finished step.
        step: u64,
    },
    /// The job continues.
    Resumed,
    /// The epoch budget changed.
    EpochsChanged(usize),
    /// A checkpoint was written.
    CheckpointSaved(PathBuf),
    /// A checkpoint could not be written; the job goes on and the model is kept.
    CheckpointFailed(String),
    /// The job ended normally; it still answers [`Command::SaveCheckpoint`] until dropped.
    Finished(FinishReason),
    /// The job failed; the message says why.
    Failed(String),
    // --- seeing what a classifier learned (issue 6) ---
    /// Every validation image as a small picture, in validation order (sent once, before
    /// the first [`Event::Validation`]).
    ValidationImages(Vec<RgbaImage>),
    /// What the model said about every validation image after an epoch.
    Validation(ValidationOutcome),
    /// A saliency map and Grad-CAM, answering [`Command::Explain`].
    Explanation(Explanation),
}

/// The model's answer for every validation image, in validation order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValidationOutcome {
    /// 1-based epoch the outcome is from.
    pub epoch: usize,
    /// True class of each image.
    pub truth: Vec<usize>,
    /// Predicted class of each image.
    pub predicted: Vec<usize>,
    /// Softmax probability of the predicted class.
    pub confidence: Vec<f32>,
}

/// Where a classifier looked when it classified one validation image.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The validation image's index.
    pub index: usize,
    /// The class explained (the predicted one).
    pub class: usize,
    /// Its probability.
    pub confidence: f32,
    /// The image as the network saw it.
    pub image: RgbaImage,
    /// |∂ class score / ∂ pixel| as a heat map blended over the image.
    pub saliency: RgbaImage,
    /// Grad-CAM of the last feature map, blended over the image.
    pub grad_cam: RgbaImage,
}
