//! What the app remembers between sessions (through eframe's storage).

use serde::{Deserialize, Serialize};

use crate::core::protocol::{Task, TrainConfig};
use crate::core::remote::Token;
use crate::tasks;

/// Storage key of the Classify tab's [`Settings`].
pub const STORAGE_KEY: &str = "visionlab.settings";

/// Storage key of the Segment tab's [`Settings`].
pub const SEGMENT_STORAGE_KEY: &str = "visionlab.settings.segment";

/// Storage key of the Detect tab's [`Settings`].
pub const DETECT_STORAGE_KEY: &str = "visionlab.settings.detect";

/// Remembered choices: the training configuration and a few view options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The configuration being edited (never with `resume_from`).
    pub config: TrainConfig,
    /// Text of the dataset folder field.
    pub folder_text: String,
    /// Text of the checkpoint path field.
    pub checkpoint_text: String,
    /// Smoothing of the training loss curve, in `0..1`.
    pub smoothing: f32,
    /// Show only the wrong predictions.
    pub only_mistakes: bool,
    /// The image size offered when "Auto" is unticked.
    pub manual_image_size: u32,
    /// Log scale and x axis of the training plots.
    pub plot_view: PlotView,
    /// The token of the remote server the device box names (kept here, in visionlab's
    /// settings on this machine; never shown).
    pub remote_token: Token,
}

/// What the x axis of the training plots counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum XAxis {
    /// The global optimisation step.
    #[default]
    Step,
    /// Epochs, with fractions inside an epoch.
    Epoch,
    /// Seconds of training since the run started.
    WallTime,
}

/// How the training plots are shown (kept across runs and restarts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlotView {
    /// The loss on a log10 scale.
    pub log_scale: bool,
    /// What the x axis counts.
    pub x_axis: XAxis,
}

impl Default for Settings {
    /// The Classify tab's first launch.
    fn default() -> Self {
        Settings::for_task(Task::Classify)
    }
}

impl Settings {
    /// A tab's settings at its first launch: the task's defaults ([`tasks::defaults`], the
    /// same config `visionlab train --task …` starts from) and the view options' defaults.
    pub fn for_task(task: Task) -> Self {
        Settings {
            config: tasks::defaults(task),
            folder_text: String::new(),
            checkpoint_text: String::new(),
            smoothing: 0.9,
            only_mistakes: false,
            manual_image_size: 32,
            plot_view: PlotView::default(),
            remote_token: Token::default(),
        }
    }

    /// The Segment tab's first launch: a U-Net on the built-in shapes.
    pub fn segment_default() -> Self {
        Settings::for_task(Task::Segment)
    }

    /// The Detect tab's first launch: the CenterNet-style detector on the built-in shapes.
    pub fn detect_default() -> Self {
        Settings::for_task(Task::Detect)
    }

    /// Reads the Detect tab's settings; defaults when absent or unreadable.
    pub fn load_detect(storage: Option<&dyn eframe::Storage>) -> Self {
        let mut settings = Self::load_key(storage, DETECT_STORAGE_KEY, Settings::detect_default);
        settings.config.task = Task::Detect;
        settings
    }

    /// Reads the Classify tab's settings; defaults when absent or unreadable.
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Self {
        Self::load_key(storage, STORAGE_KEY, Settings::default)
    }

    /// Reads the Segment tab's settings; defaults when absent or unreadable.
    pub fn load_segment(storage: Option<&dyn eframe::Storage>) -> Self {
        let mut settings = Self::load_key(storage, SEGMENT_STORAGE_KEY, Settings::segment_default);
        settings.config.task = Task::Segment;
        settings
    }

    fn load_key(
        storage: Option<&dyn eframe::Storage>,
        key: &str,
        default: impl FnOnce() -> Settings,
    ) -> Self {
        let mut settings: Settings = storage
            .and_then(|storage| eframe::get_value(storage, key))
            .unwrap_or_else(default);
        settings.config.resume_from = None;
        settings.smoothing = settings.smoothing.clamp(0.0, 0.99);
        settings
    }

    /// Writes the settings under the key of their task.
    pub fn store(&self, storage: &mut dyn eframe::Storage) {
        let mut settings = self.clone();
        settings.config.resume_from = None;
        let key = match settings.config.task {
            Task::Classify => STORAGE_KEY,
            Task::Segment => SEGMENT_STORAGE_KEY,
            Task::Detect => DETECT_STORAGE_KEY,
        };
        eframe::set_value(storage, key, &settings);
    }
}

// --- window layout and lab tabs (issue 8) ---

/// Storage key of the [`Layout`].
pub const LAYOUT_STORAGE_KEY: &str = "visionlab.layout";

/// Storage key of the [`LabSettings`].
pub const LAB_STORAGE_KEY: &str = "visionlab.settings.lab";

/// The window layout: the tab shown and the width of each training tab's controls panel.
/// (eframe itself remembers the window's size and position.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Layout {
    /// Label of the tab shown (see `Tab::label`).
    pub tab: String,
    /// Width of the Classify tab's controls panel, in points.
    pub classify_controls_width: f32,
    /// Width of the Segment tab's controls panel, in points.
    pub segment_controls_width: f32,
    /// Width of the Detect tab's controls panel, in points.
    pub detect_controls_width: f32,
}

/// Width of a controls panel before the user resizes it.
pub const DEFAULT_CONTROLS_WIDTH: f32 = 380.0;

impl Default for Layout {
    fn default() -> Self {
        Layout {
            tab: "Classify".into(),
            classify_controls_width: DEFAULT_CONTROLS_WIDTH,
            segment_controls_width: DEFAULT_CONTROLS_WIDTH,
            detect_controls_width: DEFAULT_CONTROLS_WIDTH,
        }
    }
}

/// A width restored from storage, kept in a sane range (a corrupt value cannot hide a
/// panel or fill the window).
pub fn sane_width(width: f32) -> f32 {
    if width.is_finite() {
        width.clamp(300.0, 1200.0)
    } else {
        DEFAULT_CONTROLS_WIDTH
    }
}

impl Layout {
    /// Reads the layout; defaults when absent or unreadable.
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Self {
        let mut layout: Layout = storage
            .and_then(|storage| eframe::get_value(storage, LAYOUT_STORAGE_KEY))
            .unwrap_or_default();
        layout.classify_controls_width = sane_width(layout.classify_controls_width);
        layout.segment_controls_width = sane_width(layout.segment_controls_width);
        layout.detect_controls_width = sane_width(layout.detect_controls_width);
        layout
    }

    /// Writes the layout.
    pub fn store(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, LAYOUT_STORAGE_KEY, self);
    }
}

/// The Attack, Compress and Explore tabs' fields and hyper-parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LabSettings {
    /// Attack tab: checkpoint path.
    pub attack_model: String,
    /// Attack tab: data (`shapes` or a folder).
    pub attack_data: String,
    /// Attack tab: the explorer's attack.
    pub attack: crate::core::protocol::AttackSettings,
    /// Attack tab: ε values of the robustness curve.
    pub curve_eps_text: String,
    /// Attack tab: validation images per curve point.
    pub curve_images: usize,
    /// Compress tab: checkpoint path.
    pub compress_model: String,
    /// Compress tab: data.
    pub compress_data: String,
    /// Compress tab: try int8 per tensor, int8 per block, pruning.
    pub compress_choices: [bool; 3],
    /// Compress tab: fraction pruned.
    pub sparsity: f32,
    /// Compress tab: fine-tuning epochs after pruning.
    pub finetune_epochs: usize,
    /// Compress tab: output folder.
    pub out_dir_text: String,
    /// Explore tab: the checkpoint (empty with the ImageNet model).
    pub explore_checkpoint: String,
    /// Explore tab: the ImageNet model rather than the checkpoint.
    pub explore_imagenet: bool,
    /// Explore tab: the ImageFolder.
    pub explore_data: String,
    /// Explore tab: the ImageNet model's crop side.
    pub explore_side: u32,
}

impl Default for LabSettings {
    fn default() -> Self {
        LabSettings {
            attack_model: String::new(),
            attack_data: String::new(),
            attack: crate::core::protocol::AttackSettings {
                eps: 0.05,
                ..Default::default()
            },
            curve_eps_text: "0, 0.01, 0.02, 0.03, 0.05, 0.1".into(),
            curve_images: 200,
            compress_model: String::new(),
            compress_data: String::new(),
            compress_choices: [true; 3],
            sparsity: 0.5,
            finetune_epochs: 0,
            out_dir_text: String::new(),
            explore_checkpoint: String::new(),
            explore_imagenet: true,
            explore_data: String::new(),
            explore_side: 224,
        }
    }
}

impl LabSettings {
    /// Reads the lab settings; `None` when absent or unreadable (the tabs then take
    /// their fields from the Classify tab).
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Option<Self> {
        let mut lab: LabSettings =
            storage.and_then(|storage| eframe::get_value(storage, LAB_STORAGE_KEY))?;
        lab.sparsity = if lab.sparsity.is_finite() {
            lab.sparsity.clamp(0.0, 0.99)
        } else {
            0.5
        };
        lab.explore_side = lab.explore_side.clamp(32, 224);
        Some(lab)
    }

    /// Writes the lab settings.
    pub fn store(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, LAB_STORAGE_KEY, self);
    }
}

/// Storage key of the [`RunsSettings`].
pub const RUNS_STORAGE_KEY: &str = "visionlab.settings.runs";

/// The Runs tab's remembered choices.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunsSettings {
    /// The runs folder chosen by the user (empty: the default one). New GUI runs are kept
    /// there and the Runs tab lists it.
    pub runs_folder: String,
}

impl RunsSettings {
    /// Reads the Runs tab's settings; defaults when absent or unreadable.
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Self {
        storage
            .and_then(|storage| eframe::get_value(storage, RUNS_STORAGE_KEY))
            .unwrap_or_default()
    }

    /// Writes the Runs tab's settings.
    pub fn store(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, RUNS_STORAGE_KEY, self);
    }

    /// The runs root: `$VISIONLAB_RUNS_DIR` when set, else the chosen folder, else the
    /// default ([`crate::train::run_folder::default_root`]).
    pub fn root(&self) -> Option<std::path::PathBuf> {
        let env = std::env::var_os(crate::train::run_folder::ROOT_ENV).filter(|v| !v.is_empty());
        let chosen = self.runs_folder.trim();
        match env {
            None if !chosen.is_empty() => Some(chosen.into()),
            _ => crate::train::run_folder::default_root(),
        }
    }
}
