//! What the app remembers between sessions (through eframe's storage).

use serde::{Deserialize, Serialize};

use crate::train::protocol::{DataSpec, Task, TrainConfig};

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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            config: TrainConfig::default(),
            folder_text: String::new(),
            checkpoint_text: String::new(),
            smoothing: 0.9,
            only_mistakes: false,
            manual_image_size: 32,
        }
    }
}

impl Settings {
    /// Defaults of the Segment tab: a U-Net on the built-in shapes.
    pub fn segment_default() -> Self {
        Settings {
            config: TrainConfig {
                task: Task::Segment,
                data: DataSpec::Shapes {
                    count: 3000,
                    seed: 7,
                },
                epochs: 10,
                learning_rate: 3e-3,
                // Shapes are whole objects: flips help, shifts only slow the learning.
                augment: false,
                flip: true,
                ..TrainConfig::default()
            },
            ..Settings::default()
        }
    }

    /// Defaults of the Detect tab: the CenterNet-style detector on the built-in shapes
    /// (the same defaults as `visionlab train --task detect`).
    pub fn detect_default() -> Self {
        Settings {
            config: TrainConfig {
                task: Task::Detect,
                data: DataSpec::Shapes {
                    count: crate::train::detection::DEFAULT_SHAPES_COUNT,
                    seed: 7,
                },
                epochs: crate::train::detection::DEFAULT_EPOCHS,
                learning_rate: crate::train::detection::DEFAULT_LEARNING_RATE,
                batch_size: crate::train::detection::DEFAULT_BATCH,
                augment: true,
                flip: true,
                ..TrainConfig::default()
            },
            ..Settings::default()
        }
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
