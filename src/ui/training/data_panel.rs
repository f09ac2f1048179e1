//! The data panel: choose a dataset (dialog, typed path or built-in) and see what is in it.

use std::path::PathBuf;

use egui::{CollapsingHeader, Color32, Grid, RichText, ScrollArea, Ui};

use crate::core::protocol::DataSpec;
use crate::ui::jobs::waker;
use crate::ui::training::{DatasetView, RunDialog, RunState};
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::{TextureCache, show_picture};

/// Side of a thumbnail, in points.
const THUMBNAIL_SIZE: f32 = 48.0;

/// Colour of warnings.
const WARNING_COLOR: Color32 = Color32::from_rgb(230, 170, 40);

/// Draws the data panel; `folder_hint` says what layout the folder field expects.
pub fn show(
    ui: &mut Ui,
    state: &mut RunState,
    folder_hint: &str,
    textures: &mut TextureCache,
    status: &mut Status,
) {
    ui.heading("Data");
    let editable = state.can_edit();
    ui.add_enabled_ui(editable, |ui| choose(ui, state, folder_hint, status));
    let selected = format!("Selected: {}", state.config.data.describe());
    if editable {
        ui.label(selected);
    } else {
        ui.label(format!("{selected} (locked)"))
            .on_hover_text("The dataset is fixed while a run is in progress");
    }
    if let Some((done, total)) = state.inspect_loading {
        let fraction = if total == 0 {
            0.0
        } else {
            done as f32 / total as f32
        };
        ui.add(egui::ProgressBar::new(fraction).text(format!("Reading {done}/{total}")));
    } else if state.is_inspecting() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Reading the dataset…");
        });
    }
    if let Some(view) = &state.dataset {
        ui.separator();
        summary(ui, view, textures);
    }
}

fn choose(ui: &mut Ui, state: &mut RunState, folder_hint: &str, status: &mut Status) {
    let wake = waker(ui.ctx());
    ui.horizontal(|ui| {
        let waiting = state.dialog_open() == Some(RunDialog::DatasetFolder)
            && state.waiting_for_system_dialog();
        let open = ui.add_enabled(
            state.dialog_open().is_none(),
            egui::Button::new("Open folder…"),
        );
        if open.clicked() {
            state.open_dialog(RunDialog::DatasetFolder, wake.clone());
        }
        if ui.button("Built-in: shapes").clicked() {
            let spec = match &state.config.data {
                shapes @ DataSpec::Shapes { .. } => shapes.clone(),
                DataSpec::Folder(_) => DataSpec::shapes(),
            };
            state.choose_data(spec, wake.clone(), status);
        }
        if waiting {
            ui.spinner();
            if ui
                .button("Stop waiting")
                .on_hover_text("Stop waiting for the file dialog; type the path instead")
                .clicked()
            {
                state.forget_dialog();
            }
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Folder:");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut state.folder_text)
                    .hint_text(folder_hint)
                    .desired_width(ui.available_width() - 60.0),
            )
            .labelled_by(label.id);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button("Load").clicked() || entered {
            let text = state.folder_text.trim();
            if text.is_empty() {
                status.fail("Type or paste a dataset folder path first.");
            } else {
                let path = PathBuf::from(text);
                state.choose_data(DataSpec::Folder(path), wake.clone(), status);
            }
        }
    });
}

fn summary(ui: &mut Ui, view: &DatasetView, textures: &mut TextureCache) {
    let s = &view.summary;
    ui.label(format!("Source: {}", s.source));
    let [c, h, w] = s.input_shape;
    ui.label(format!(
        "Input: {c} × {h} × {w} (channels × height × width)"
    ));
    ui.label(format!(
        "{} classes, {} training and {} validation images",
        s.classes.len(),
        s.train_images,
        s.val_images
    ));
    CollapsingHeader::new(format!("Classes ({})", s.classes.len()))
        .default_open(true)
        .show(ui, |ui| {
            ScrollArea::vertical()
                .id_salt("class-table")
                .max_height(160.0)
                .show(ui, |ui| {
                    Grid::new("class-counts")
                        .num_columns(3)
                        .striped(true)
                        .show(ui, |ui| {
                            ui.strong("Class");
                            ui.strong("Train");
                            ui.strong("Val");
                            ui.end_row();
                            for (i, name) in s.classes.iter().enumerate() {
                                ui.label(name);
                                ui.label(count(&s.train_counts, i));
                                ui.label(count(&s.val_counts, i));
                                ui.end_row();
                            }
                        });
                });
        });
    if !view.thumbnails.is_empty() {
        ui.label("Samples:");
        ScrollArea::horizontal()
            .id_salt("thumbnail-strip")
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    for (picture, label) in &view.thumbnails {
                        ui.vertical(|ui| {
                            ui.set_width(THUMBNAIL_SIZE + 8.0);
                            show_picture(ui, picture, THUMBNAIL_SIZE, textures);
                            ui.add(egui::Label::new(view.class_name(*label)).truncate());
                        });
                    }
                });
            });
    }
    warnings(ui, &s.warnings);
}

fn warnings(ui: &mut Ui, warnings: &[String]) {
    if warnings.is_empty() {
        return;
    }
    let title = RichText::new(format!("⚠ {} files skipped", warnings.len())).color(WARNING_COLOR);
    CollapsingHeader::new(title)
        .id_salt("skipped-files")
        .default_open(warnings.len() <= 3)
        .show(ui, |ui| {
            ScrollArea::vertical()
                .id_salt("warning-list")
                .max_height(140.0)
                .show(ui, |ui| {
                    for warning in warnings {
                        ui.label(RichText::new(warning).color(WARNING_COLOR).small());
                    }
                });
        });
}

fn count(counts: &[usize], index: usize) -> String {
    counts
        .get(index)
        .map_or_else(|| "–".to_string(), ToString::to_string)
}
