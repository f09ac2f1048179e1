//! What a training run is given (its config: data, model, optimizer, schedule, device) and
//! what it reports about its data and its epochs, whatever the task.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::RgbaImage;
use crate::core::remote::{AddressError, DEVICE_PREFIX, RemoteAddress, RemoteId};

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

/// What a run learns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum Task {
    /// One class per image.
    #[default]
    Classify,
    /// One class per pixel (semantic segmentation).
    Segment,
    // --- object detection (issue 4) ---
    /// Boxes with classes and scores, and a mask per instance.
    Detect,
}

impl Task {
    /// Name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            Task::Classify => "Classification",
            Task::Segment => "Segmentation",
            Task::Detect => "Detection",
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
///
/// Written on the command line as `auto`, `cpu`, `gpu` or `remote:ws://host:3000`
/// ([`FromStr`](std::str::FromStr), [`Display`](std::fmt::Display)); in a config file as
/// `"Auto"`, `"Cpu"`, `"Gpu"` or `{"Remote": "ws://host:3000"}` (never with its token).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "DeviceChoiceFile", try_from = "DeviceChoiceFile")]
pub enum DeviceChoice {
    /// The GPU when a wgpu adapter exists, else the CPU.
    #[default]
    Auto,
    /// The CPU (burn's flex backend).
    Cpu,
    /// The GPU through wgpu; an error when no adapter exists.
    Gpu,
    /// The device a `visionlab serve` hosts on another machine.
    Remote(RemoteId),
}

impl DeviceChoice {
    /// The choices of this machine, for selectors (a remote server is chosen by its address).
    pub const ALL: [DeviceChoice; 3] = [DeviceChoice::Auto, DeviceChoice::Cpu, DeviceChoice::Gpu];

    /// Name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            DeviceChoice::Auto => "Auto (GPU if present)",
            DeviceChoice::Cpu => "CPU",
            DeviceChoice::Gpu => "GPU (wgpu)",
            DeviceChoice::Remote(_) => "Remote server",
        }
    }

    /// The remote server at `address`.
    pub fn remote(address: RemoteAddress) -> DeviceChoice {
        DeviceChoice::Remote(RemoteId::of(address))
    }
}

/// A `--device` that is none of the choices.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DeviceChoiceError {
    /// Not a choice at all.
    #[error("`{0}` is not a device: choose auto, cpu, gpu or remote:ws://host:port")]
    Unknown(String),
    /// `remote:` with an address that is not one.
    #[error(transparent)]
    Address(#[from] AddressError),
}

impl std::str::FromStr for DeviceChoice {
    type Err = DeviceChoiceError;

    fn from_str(text: &str) -> Result<Self, DeviceChoiceError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(DeviceChoice::Auto),
            "cpu" => Ok(DeviceChoice::Cpu),
            "gpu" => Ok(DeviceChoice::Gpu),
            _ => match text.trim().strip_prefix(DEVICE_PREFIX) {
                Some(address) => Ok(DeviceChoice::remote(address.parse()?)),
                None => Err(DeviceChoiceError::Unknown(text.into())),
            },
        }
    }
}

impl std::fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeviceChoice::Auto => f.write_str("auto"),
            DeviceChoice::Cpu => f.write_str("cpu"),
            DeviceChoice::Gpu => f.write_str("gpu"),
            DeviceChoice::Remote(id) => write!(f, "{DEVICE_PREFIX}{}", id.address()),
        }
    }
}

/// [`DeviceChoice`] as a config file holds it: the remote server by its address.
#[derive(Serialize, Deserialize)]
enum DeviceChoiceFile {
    Auto,
    Cpu,
    Gpu,
    Remote(String),
}

impl From<DeviceChoice> for DeviceChoiceFile {
    fn from(choice: DeviceChoice) -> Self {
        match choice {
            DeviceChoice::Auto => DeviceChoiceFile::Auto,
            DeviceChoice::Cpu => DeviceChoiceFile::Cpu,
            DeviceChoice::Gpu => DeviceChoiceFile::Gpu,
            DeviceChoice::Remote(id) => DeviceChoiceFile::Remote(id.address().to_string()),
        }
    }
}

impl TryFrom<DeviceChoiceFile> for DeviceChoice {
    type Error = AddressError;

    fn try_from(file: DeviceChoiceFile) -> Result<Self, AddressError> {
        Ok(match file {
            DeviceChoiceFile::Auto => DeviceChoice::Auto,
            DeviceChoiceFile::Cpu => DeviceChoice::Cpu,
            DeviceChoiceFile::Gpu => DeviceChoice::Gpu,
            DeviceChoiceFile::Remote(address) => DeviceChoice::remote(address.parse()?),
        })
    }
}

/// Everything a training run needs. Editable before start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// What to learn; a segmentation run always trains a U-Net.
    #[serde(default)]
    pub task: Task,
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
    /// Channels of the U-Net's first stage (segmentation; doubled at each stage).
    #[serde(default = "default_unet_width")]
    pub unet_width: usize,
    /// Freezing and unfreezing of a pretrained backbone (transfer learning).
    #[serde(default)]
    pub transfer: TransferOptions,
    /// Keep the run's model in a new run folder under this one (`last.vlck` after every
    /// epoch, `best.vlck`, `config.json`; see `train::run_folder`); `None` keeps nothing.
    /// The GUI and `visionlab train` fill in the default root; library callers choose.
    #[serde(default)]
    pub runs_dir: Option<PathBuf>,
    /// The sweep this run is one of (`visionlab sweep`, the training panel's Sweep), said
    /// in its record; `None` for a run on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepTag>,
}

/// Which run of which sweep a run is, and the settings the sweep gave it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SweepTag {
    /// The sweep's id (`sweep-YYYYMMDD-HHMMSS`, from its start), the same in all its runs.
    pub id: String,
    /// 1-based number of this run in the sweep.
    pub index: usize,
    /// Runs in the sweep.
    pub total: usize,
    /// The settings the sweep varies, as this run has them (`lr` = `3e-3`).
    pub settings: Vec<SweepSetting>,
}

impl SweepTag {
    /// The varied settings in a line: `lr=3e-3 batch=32`.
    pub fn label(&self) -> String {
        let parts: Vec<String> = self
            .settings
            .iter()
            .map(|s| format!("{}={}", s.key, s.value))
            .collect();
        parts.join(" ")
    }
}

/// One setting a sweep varies, as one of its runs has it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepSetting {
    /// Its short name (`lr`, `batch`).
    pub key: String,
    /// Its value, as written (`3e-3`).
    pub value: String,
}

fn default_unet_width() -> usize {
    8
}

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

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            task: Task::Classify,
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
            unet_width: default_unet_width(),
            transfer: TransferOptions::default(),
            runs_dir: None,
            sweep: None,
        }
    }
}

/// Class names, counts and a few thumbnails of a dataset, for the data panel.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DatasetSummary {
    /// Where it came from.
    pub source: String,
    /// Class names, index = label.
    pub classes: Vec<String>,
    /// Training images per class (segmentation: images in which the class appears).
    pub train_counts: Vec<usize>,
    /// Validation images per class.
    pub val_counts: Vec<usize>,
    /// Training images in all (for segmentation the per-class counts overlap).
    pub train_images: usize,
    /// Validation images in all.
    pub val_images: usize,
    /// Network input: channels, height, width.
    pub input_shape: [usize; 3],
    /// A few training images with their label.
    pub thumbnails: Vec<(RgbaImage, usize)>,
    /// Files that were skipped, each with the reason (shown to the user).
    pub warnings: Vec<String>,
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

/// What a run keeps of itself in its run folder (see [`TrainConfig::runs_dir`]).
#[derive(Clone, Debug, PartialEq)]
pub enum KeepEvent {
    /// The run's folder was made: its checkpoints and `config.json` are kept there.
    Folder(PathBuf),
    /// A checkpoint of the run was written into its folder.
    Checkpoint(KeptCheckpoint),
    /// Something could not be kept (the message names the file and why); the run goes on.
    Failed(String),
}

/// A checkpoint a run kept in its run folder.
#[derive(Clone, Debug, PartialEq)]
pub struct KeptCheckpoint {
    /// The file (`last.vlck` or `best.vlck` in the run folder).
    pub path: PathBuf,
    /// The global step it holds.
    pub step: u64,
    /// Whole epochs it holds.
    pub epochs_done: usize,
    /// True for the best epoch's checkpoint (`best.vlck`), false for the latest
    /// (`last.vlck`).
    pub best: bool,
}
