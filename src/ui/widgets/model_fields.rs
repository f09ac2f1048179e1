//! The model, data and device fields of the Attack and Compress tabs.

use std::path::PathBuf;

use egui::Ui;

use crate::core::protocol::{DataSpec, DeviceChoice};

/// The checkpoint and data a lab tab works on, as edited in its fields.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelFields {
    /// Path of the classifier checkpoint.
    pub model: String,
    /// An ImageFolder path, or `shapes` for the built-in data.
    pub data: String,
    /// Where tensors run.
    pub device: DeviceChoice,
}

impl ModelFields {
    /// Fields pre-filled from the Classify tab's checkpoint path and data.
    pub fn new(model: &str, data: &DataSpec) -> Self {
        ModelFields {
            model: model.to_string(),
            data: match data {
                DataSpec::Shapes { .. } => "shapes".into(),
                DataSpec::Folder(path) => path.display().to_string(),
            },
            device: DeviceChoice::Cpu,
        }
    }

    /// The checkpoint path, or an error message when the field is empty.
    pub fn model_path(&self) -> Result<PathBuf, String> {
        let text = self.model.trim();
        if text.is_empty() {
            return Err("Enter the path of a trained classifier checkpoint (.vlck).".into());
        }
        Ok(PathBuf::from(text))
    }

    /// The dataset the field names (`shapes` is the built-in set as trained by default).
    pub fn data_spec(&self) -> DataSpec {
        match self.data.trim() {
            "" | "shapes" => DataSpec::shapes(),
            path => DataSpec::Folder(PathBuf::from(path)),
        }
    }

    /// Draws the three fields; disabled while `busy`.
    pub fn show(&mut self, ui: &mut Ui, busy: bool, id: &str) {
        ui.add_enabled_ui(!busy, |ui| {
            egui::Grid::new(format!("{id}-model-fields"))
                .num_columns(2)
                .show(ui, |ui| {
                    ui.label("Model");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.model)
                            .hint_text("checkpoint.vlck")
                            .desired_width(260.0),
                    )
                    .on_hover_text("A classifier checkpoint written by training");
                    ui.end_row();
                    ui.label("Data");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.data)
                            .hint_text("shapes or a folder")
                            .desired_width(260.0),
                    )
                    .on_hover_text(
                        "The data the model was trained on: its validation split is used",
                    );
                    ui.end_row();
                    ui.label("Device");
                    egui::ComboBox::from_id_salt(format!("{id}-device"))
                        .selected_text(self.device.label())
                        .show_ui(ui, |ui| {
                            for choice in DeviceChoice::ALL {
                                ui.selectable_value(&mut self.device, choice, choice.label());
                            }
                        });
                    ui.end_row();
                });
        });
    }
}
