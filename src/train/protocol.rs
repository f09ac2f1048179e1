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
}

fn default_unet_width() -> usize {
    8
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

/// Segmentation metrics on the validation split after an epoch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentationSummary {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Pixels labelled right over all counted (not ignored) pixels, 0..1.
    pub pixel_accuracy: f32,
    /// Mean over classes present of intersection over union, 0..1.
    pub mean_iou: f32,
    /// IoU of each class; `None` for a class absent from both truth and prediction.
    pub class_iou: Vec<Option<f32>>,
}

/// One validation image with its true and predicted masks.
#[derive(Clone, Debug, PartialEq)]
pub struct MaskPrediction {
    /// The image as the network saw it.
    pub image: RgbaImage,
    /// `width * height` true class indices (255 = ignored).
    pub truth: Vec<u8>,
    /// `width * height` predicted class indices.
    pub predicted: Vec<u8>,
    /// The file stem (or sample number).
    pub name: String,
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
    /// Segmentation: validation pixel accuracy and IoU after an epoch.
    Segmentation(SegmentationSummary),
    /// Segmentation: sample validation masks after an epoch.
    Masks(Vec<MaskPrediction>),
    // --- adversarial / compression ---
    /// Something from the Attack or Compress tab's jobs.
    Lab(LabEvent),
    // --- seeing what a classifier learned (issue 6) ---
    /// Every validation image as a small picture, in validation order (sent once, before
    /// the first [`Event::Validation`]).
    ValidationImages(Vec<RgbaImage>),
    /// What the model said about every validation image after an epoch.
    Validation(ValidationOutcome),
    /// A saliency map and Grad-CAM, answering [`Command::Explain`].
    Explanation(Explanation),
    // --- object detection (issue 4) ---
    /// Detection: mAP on the validation split after an epoch.
    Detection(DetectionSummary),
    /// Detection: validation images with true and predicted boxes after an epoch.
    Boxes(Vec<BoxPrediction>),
    // --- neural style transfer (issue 5) ---
    /// Something from the Style tab's job.
    Style(StyleEvent),
}

// --- object detection (issue 4) ---

/// Detection metrics on the validation split after an epoch (COCO-style average
/// precision).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DetectionSummary {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean average precision at IoU 0.5, 0..1.
    pub map50: f32,
    /// Mean average precision averaged over IoU 0.5:0.05:0.95, 0..1.
    pub map: f32,
    /// AP at IoU 0.5 of each class; `None` for a class absent from the truth.
    pub class_ap50: Vec<Option<f32>>,
}

/// A predicted box with its score and, when the model predicts masks, its instance mask.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredBox {
    /// Class and corners, in the image's pixels.
    pub bbox: crate::data::detection::LabeledBox,
    /// Confidence, 0..1.
    pub score: f32,
    /// The instance's pixels (image-sized).
    pub mask: Option<crate::data::detection::InstanceMask>,
}

/// One validation image with its true and predicted boxes.
#[derive(Clone, Debug, PartialEq)]
pub struct BoxPrediction {
    /// The file stem (or sample number).
    pub name: String,
    /// The image as the network saw it.
    pub image: RgbaImage,
    /// True boxes.
    pub truth: Vec<crate::data::detection::LabeledBox>,
    /// Predicted boxes, best first (down to a low score; the view filters them).
    pub predicted: Vec<ScoredBox>,
}

// --- end object detection ---

// --- adversarial / compression ---
// Types of the Attack and Compress tabs (issue 7). Their jobs reuse `Command::Stop` to
// cancel and end with `Event::Finished` / `Event::Failed` like every job.

/// How an adversarial perturbation is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum AttackMethod {
    /// Fast gradient sign method: one step of size ε along the sign of the gradient.
    #[value(name = "fgsm")]
    Fgsm,
    /// Projected gradient descent (L∞): several signed steps, projected onto the ε-ball.
    #[value(name = "pgd")]
    Pgd,
}

impl AttackMethod {
    /// All choices, for selectors.
    pub const ALL: [AttackMethod; 2] = [AttackMethod::Fgsm, AttackMethod::Pgd];

    /// Name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            AttackMethod::Fgsm => "FGSM",
            AttackMethod::Pgd => "PGD (L∞)",
        }
    }
}

/// One attack's parameters. ε and the step size are on the 0..1 pixel scale.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttackSettings {
    /// FGSM or PGD.
    pub method: AttackMethod,
    /// Largest change of any pixel (L∞ radius), on the 0..1 scale.
    pub eps: f32,
    /// PGD iterations (FGSM ignores it).
    pub steps: usize,
    /// PGD step size; `None` takes 2.5·ε/steps (Madry et al.).
    pub step_size: Option<f32>,
    /// Targeted attack towards this class; `None` pushes away from the true class.
    pub target: Option<usize>,
}

impl Default for AttackSettings {
    fn default() -> Self {
        AttackSettings {
            method: AttackMethod::Fgsm,
            eps: 0.05,
            steps: 10,
            step_size: None,
            target: None,
        }
    }
}

/// A robustness curve to compute: accuracy on the validation split for each ε.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RobustnessConfig {
    /// The classifier checkpoint.
    pub model: PathBuf,
    /// The dataset (its validation/test split is attacked).
    pub data: DataSpec,
    /// Attacks to run, one curve each.
    pub methods: Vec<AttackMethod>,
    /// The ε values, on the 0..1 pixel scale.
    pub epsilons: Vec<f32>,
    /// PGD iterations.
    pub steps: usize,
    /// PGD step size (`None`: 2.5·ε/steps).
    pub step_size: Option<f32>,
    /// Attack at most this many validation images (`None`: all).
    pub max_images: Option<usize>,
    /// Images per batch.
    pub batch_size: usize,
    /// Where tensors run.
    pub device: DeviceChoice,
}

/// The image the explorer attacks.
#[derive(Clone, Debug, PartialEq)]
pub enum ExploreImage {
    /// A picture already at the model's input size (a validation image), with its label.
    Picture {
        /// The image.
        image: RgbaImage,
        /// Its true class, when known.
        truth: Option<usize>,
    },
    /// An image file (dropped or chosen); it is resized to the model's input.
    File(PathBuf),
}

/// One explorer request: attack one image with one setting.
#[derive(Clone, Debug, PartialEq)]
pub struct ExploreRequest {
    /// The classifier checkpoint.
    pub model: PathBuf,
    /// The image.
    pub image: ExploreImage,
    /// The attack.
    pub attack: AttackSettings,
    /// Where tensors run.
    pub device: DeviceChoice,
}

/// An adversarial example with what the model says before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct AdversarialExample {
    /// The attack that made it.
    pub attack: AttackSettings,
    /// The original image at input size.
    pub original: RgbaImage,
    /// The perturbation, mid-grey at zero and amplified by `amplification`.
    pub perturbation: RgbaImage,
    /// Factor the perturbation picture is amplified by (its full scale is ±0.5/factor).
    pub amplification: f32,
    /// Largest pixel change actually made (L∞ norm, 0..1 scale).
    pub linf: f32,
    /// The adversarial image (pixels rounded towards the original, so within ε).
    pub adversarial: RgbaImage,
    /// The model's top classes on the original: (class, probability), best first.
    pub original_top: Vec<(usize, f32)>,
    /// The model's top classes on the adversarial image.
    pub adversarial_top: Vec<(usize, f32)>,
    /// The true class, when known.
    pub truth: Option<usize>,
    /// Class names of the model.
    pub classes: Vec<String>,
}

/// One point of a robustness curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RobustnessPoint {
    /// The attack.
    pub method: AttackMethod,
    /// ε on the 0..1 scale.
    pub eps: f32,
    /// Accuracy on the attacked images, 0..1.
    pub accuracy: f32,
    /// Images attacked.
    pub images: usize,
}

/// One way to shrink a model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum CompressSetting {
    /// Post-training int8 quantization of the weights with burn's quantizer.
    Int8 {
        /// One scale per block of weights instead of one per tensor.
        per_block: bool,
    },
    /// Global magnitude pruning of conv/linear weights.
    Prune {
        /// Fraction of those weights set to zero, 0..1.
        sparsity: f32,
        /// Epochs of fine-tuning with the pruning mask kept (0: none).
        finetune_epochs: usize,
    },
}

impl CompressSetting {
    /// Name shown in tables and file names.
    pub fn label(&self) -> String {
        match self {
            CompressSetting::Int8 { per_block: false } => "int8 per-tensor".into(),
            CompressSetting::Int8 { per_block: true } => "int8 per-block".into(),
            CompressSetting::Prune {
                sparsity,
                finetune_epochs: 0,
            } => format!("prune {:.0} %", sparsity * 100.0),
            CompressSetting::Prune {
                sparsity,
                finetune_epochs,
            } => format!(
                "prune {:.0} % + {finetune_epochs} ep fine-tune",
                sparsity * 100.0
            ),
        }
    }
}

/// A compression run: each setting is applied to the float model, saved, loaded back and
/// measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompressConfig {
    /// The classifier checkpoint.
    pub model: PathBuf,
    /// The dataset (training split for fine-tuning, validation split for accuracy).
    pub data: DataSpec,
    /// Settings to try, in order.
    pub settings: Vec<CompressSetting>,
    /// Where each compressed model is written: one file per setting, named after it.
    pub out_dir: PathBuf,
    /// Where tensors run.
    pub device: DeviceChoice,
}

/// Size, accuracy and latency of one model, before or after compression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompressionRow {
    /// "float" or the setting's label.
    pub setting: String,
    /// The file written (checkpoint without optimizer state).
    pub path: PathBuf,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// Validation accuracy of the model loaded back from that file, 0..1.
    pub accuracy: f32,
    /// Milliseconds per image, forward pass over a batch of up to 64 images.
    pub latency_ms: f32,
    /// Fraction of conv/linear weights that are exactly zero.
    pub sparsity: f32,
    /// Validation images measured.
    pub images: usize,
}

/// Job → UI events of the Attack and Compress tabs (carried by [`Event::Lab`]).
#[derive(Clone, Debug, PartialEq)]
pub enum LabEvent {
    /// Validation images offered to the explorer, with labels, and the model's classes.
    Gallery {
        /// Class names of the model.
        classes: Vec<String>,
        /// Images at input size with their true class.
        images: Vec<(RgbaImage, usize)>,
    },
    /// An explorer result.
    Adversarial(Box<AdversarialExample>),
    /// A robustness-curve point is measured.
    Robustness(RobustnessPoint),
    /// Progress of a long job: `done` of `total` units.
    Progress {
        /// Units done.
        done: usize,
        /// Units in total.
        total: usize,
    },
    /// A model was measured (float first, then one row per setting).
    Compression(CompressionRow),
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

// --- neural style transfer (issue 5) ---
// Types of the Style tab and `visionlab stylize`. The job reuses `Command::Stop` to cancel
// (and Pause/Resume), sends `Event::Device`, `Event::Log` and `Event::Style`, and ends with
// `Event::Finished` / `Event::Failed` like every job.

/// How an image is stylized.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum StyleMethod {
    /// Gatys et al.: optimise the pixels against content, Gram-matrix style and TV losses
    /// on MobileNetV2 features.
    #[value(name = "optimize")]
    Optimize,
    /// The feed-forward network with 26 built-in styles (blendable).
    #[default]
    #[value(name = "fast")]
    Fast,
    /// Arbitrary style (Ghiasi et al.): any style image, one pass.
    #[value(name = "arbitrary")]
    Arbitrary,
}

impl StyleMethod {
    /// All choices, for selectors.
    pub const ALL: [StyleMethod; 3] = [
        StyleMethod::Optimize,
        StyleMethod::Fast,
        StyleMethod::Arbitrary,
    ];

    /// Name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            StyleMethod::Optimize => "Optimisation (Gatys)",
            StyleMethod::Fast => "Fast: 26 built-in styles",
            StyleMethod::Arbitrary => "Arbitrary style",
        }
    }

    /// Whether the method takes a style image (else built-in styles).
    pub fn needs_style_image(self) -> bool {
        !matches!(self, StyleMethod::Fast)
    }
}

/// Where the optimisation starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum StyleInit {
    /// From the content image.
    #[default]
    Content,
    /// From uniform noise drawn with the seed.
    Noise,
}

/// Which optimizer updates the pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum PixelOptimizer {
    /// Adam.
    #[default]
    Adam,
    /// L-BFGS (a few function evaluations per iteration, no line search).
    #[value(name = "lbfgs")]
    Lbfgs,
}

/// One stylization: images, method and its options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StyleRequest {
    /// The content image file.
    pub content: PathBuf,
    /// The style image file (optimisation and arbitrary style).
    pub style: Option<PathBuf>,
    /// The method.
    pub method: StyleMethod,
    /// Built-in styles and their weights (fast method); blended when several.
    pub builtin: Vec<(usize, f32)>,
    /// Longer side of the output in pixels; capped at the content image's own.
    pub size: u32,
    /// Optimisation iterations.
    pub iterations: usize,
    /// Weight of the content loss.
    pub content_weight: f32,
    /// Weight of the style (Gram) loss.
    pub style_weight: f32,
    /// Weight of the total-variation loss.
    pub tv_weight: f32,
    /// MobileNetV2 stages whose Gram matrices make the style loss.
    pub style_layers: Vec<usize>,
    /// MobileNetV2 stage whose activations make the content loss.
    pub content_layer: usize,
    /// Optimizer's step size (pixels on the 0..1 scale).
    pub learning_rate: f32,
    /// Adam or L-BFGS.
    pub optimizer: PixelOptimizer,
    /// Start from the content or from noise.
    pub init: StyleInit,
    /// Seed of the noise initialisation.
    pub seed: u64,
    /// Arbitrary style: 1 = the style image's style vector, 0 = the content's own.
    pub strength: f32,
    /// Keep the content's colours: transfer luminance only.
    pub keep_colors: bool,
    /// Send a preview every this many iterations (0: none).
    pub preview_every: usize,
    /// Where tensors run.
    pub device: DeviceChoice,
}

impl Default for StyleRequest {
    fn default() -> Self {
        StyleRequest {
            content: PathBuf::new(),
            style: None,
            method: StyleMethod::Fast,
            builtin: vec![(0, 1.0)],
            size: 512,
            iterations: 200,
            content_weight: 1.0,
            style_weight: 1e4,
            tv_weight: 1e-5,
            style_layers: vec![2, 4, 7, 14],
            content_layer: 7,
            learning_rate: 0.02,
            optimizer: PixelOptimizer::Adam,
            init: StyleInit::Content,
            seed: 0,
            strength: 1.0,
            keep_colors: false,
            preview_every: 10,
            device: DeviceChoice::Auto,
        }
    }
}

/// The parts of the optimisation loss after one iteration (weighted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StyleLosses {
    /// Weighted content loss.
    pub content: f32,
    /// Weighted style loss.
    pub style: f32,
    /// Weighted total-variation loss.
    pub tv: f32,
}

impl StyleLosses {
    /// Their sum.
    pub fn total(&self) -> f32 {
        self.content + self.style + self.tv
    }
}

/// Job → UI events of the Style tab (carried by [`Event::Style`]).
#[derive(Clone, Debug, PartialEq)]
pub enum StyleEvent {
    /// The images as read, at working size (thumbnails for the wells).
    Inputs {
        /// The content at output size.
        content: RgbaImage,
        /// The style image as the method sees it, when there is one.
        style: Option<RgbaImage>,
    },
    /// Optimisation progress: iteration `done` of `total`, with the losses.
    Progress {
        /// Iterations done.
        done: usize,
        /// Iterations in all.
        total: usize,
        /// The losses of the last iteration (feed-forward methods: none).
        losses: Option<StyleLosses>,
    },
    /// The image as it forms (full output size).
    Preview(RgbaImage),
    /// The finished image (full output size): what Export writes.
    Result {
        /// The image.
        image: RgbaImage,
        /// Milliseconds the stylization took (without loading).
        millis: f64,
    },
}

// --- end neural style transfer ---
