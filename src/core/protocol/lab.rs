//! Types of the Attack and Compress tabs. Their jobs take `Command::Stop` (and Pause /
//! Resume) and end with `Event::Finished` / `Event::Failed` like every job.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{DataSpec, DeviceChoice, RgbaImage};

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
