//! What the app remembers between sessions (through eframe's storage).

use serde::{Deserialize, Serialize};

use crate::train::protocol::TrainConfig;

/// Storage key of [`Settings`].
pub const STORAGE_KEY: &str = "visionlab.settings";

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
    /// Reads the settings; defaults when absent or unreadable.
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Self {
        let mut settings: Settings = storage
            .and_then(|storage| eframe::get_value(storage, STORAGE_KEY))
            .unwrap_or_default();
        settings.config.resume_from = None;
        settings.smoothing = settings.smoothing.clamp(0.0, 0.99);
        settings
    }

    /// Writes the settings.
    pub fn store(&self, storage: &mut dyn eframe::Storage) {
        let mut settings = self.clone();
        settings.config.resume_from = None;
        eframe::set_value(storage, STORAGE_KEY, &settings);
    }
}
