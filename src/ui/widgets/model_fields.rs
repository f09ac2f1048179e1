//! The model, data and device fields of the Attack and Compress tabs, with the recent
//! checkpoints to pick from.

use std::path::{Path, PathBuf};

use egui::Ui;

use crate::core::protocol::{DataSpec, DeviceChoice};
use crate::ui::widgets::recent_checkpoints::RecentCheckpoint;
use crate::ui::widgets::remote_form::{self, RemoteForm};

/// The checkpoint and data a lab tab works on, as edited in its fields.
pub struct ModelFields {
    /// Path of the classifier checkpoint.
    pub model: String,
    /// An ImageFolder path, or `shapes` for the built-in data.
    pub data: String,
    /// Where tensors run.
    pub device: DeviceChoice,
    /// Recent checkpoints to pick from (filled by the app when the tab is shown).
    pub recent: Vec<RecentCheckpoint>,
    /// "Remote…" in the device box: a `visionlab serve` address and token.
    pub remote: RemoteForm,
}

impl ModelFields {
    /// Fields pre-filled from the Classify tab's checkpoint path and data.
    pub fn new(model: &str, data: &DataSpec) -> Self {
        ModelFields {
            model: model.to_string(),
            data: data_text(data),
            device: DeviceChoice::Cpu,
            recent: Vec::new(),
            remote: RemoteForm::default(),
        }
    }

    /// Works on the checkpoint at `model`, trained on `data`.
    pub fn use_checkpoint(&mut self, model: &Path, data: &DataSpec) {
        self.model = model.display().to_string();
        self.data = data_text(data);
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
                    self.recent_row(ui, id);
                    let label = ui.label("Model");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.model)
                            .hint_text("checkpoint.vlck")
                            .desired_width(260.0),
                    )
                    .labelled_by(label.id)
                    .on_hover_text("A classifier checkpoint written by training");
                    ui.end_row();
                    let label = ui.label("Data");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.data)
                            .hint_text("shapes or a folder")
                            .desired_width(260.0),
                    )
                    .labelled_by(label.id)
                    .on_hover_text(
                        "The data the model was trained on: its validation split is used",
                    );
                    ui.end_row();
                    remote_form::device_rows(ui, &mut self.device, &mut self.remote, true);
                });
        });
    }

    /// The "Recent" row: picking a checkpoint fills the model and data fields.
    fn recent_row(&mut self, ui: &mut Ui, id: &str) {
        let label = ui.label("Recent");
        let shown = self
            .recent
            .iter()
            .find(|r| r.path.display().to_string() == self.model.trim())
            .map_or_else(
                || format!("{} checkpoints…", self.recent.len()),
                |r| r.label.clone(),
            );
        let mut picked = None;
        ui.add_enabled_ui(!self.recent.is_empty(), |ui| {
            egui::ComboBox::from_id_salt(format!("{id}-recent"))
                .selected_text(shown)
                .width(260.0)
                .truncate()
                .show_ui(ui, |ui| {
                    for recent in &self.recent {
                        if ui
                            .selectable_label(false, &recent.label)
                            .on_hover_text(recent.path.display().to_string())
                            .clicked()
                        {
                            picked = Some(recent.clone());
                        }
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text(
                    "Checkpoints saved or kept in this session, and those kept by recent runs",
                );
        });
        if let Some(recent) = picked {
            self.use_checkpoint(&recent.path, &recent.data);
        }
        ui.end_row();
    }
}

/// How the Data field names `data`: `shapes`, or the folder's path.
pub fn data_text(data: &DataSpec) -> String {
    match data {
        DataSpec::Shapes { .. } => "shapes".into(),
        DataSpec::Folder(path) => path.display().to_string(),
    }
}
