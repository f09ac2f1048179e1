//! The Explore tab's left panel: the model, the data, the split and the device; Explore /
//! Stop with the progress; then how the map is drawn (layout, colours, thumbnails, the
//! selection tool) and its legend (click a class to select its images).

use egui::{Color32, Ui};

use crate::core::job::Waker;
use crate::core::protocol::ExploreSplit;
use crate::ui::detect::palette::class_colour;
use crate::ui::explore::map::MapTool;
use crate::ui::explore::state::{ColourBy, ExploreTab, ModelSource, RIGHT, WRONG};
use crate::ui::widgets::progress_bar::progress_bar;
use crate::ui::widgets::remote_form;
use crate::ui::widgets::status_bar::Status;

/// Sides the ImageNet model can read, offered in the form.
const SIDES: [u32; 4] = [96, 128, 160, 224];

/// Draws the panel.
pub fn show(ui: &mut Ui, state: &mut ExploreTab, status: &mut Status, wake: &Waker) {
    ui.heading("Explore a dataset");
    ui.label(
        "Every image through a model: a map, similar images, likely label errors and duplicates.",
    );
    ui.add_space(6.0);
    let busy = state.running();
    ui.add_enabled_ui(!busy, |ui| form(ui, state, wake));
    egui::Grid::new("explore-device")
        .num_columns(2)
        .show(ui, |ui| {
            remote_form::device_rows(ui, &mut state.device, &mut state.remote, !busy);
        });
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        if busy {
            if ui.button("Stop").clicked() {
                state.stop();
            }
        } else if ui
            .button("Explore dataset")
            .on_hover_text(
                "Embed every image, then draw the map and rank label errors and duplicates",
            )
            .clicked()
        {
            state.start(wake.clone(), status);
        }
    });
    if let Some((done, total)) = state.progress {
        progress_bar(ui, done, total, " images");
    }
    let Some(report) = &state.report else {
        return;
    };
    ui.separator();
    ui.label(format!(
        "{} images · {} classes · {}-number embeddings{}",
        report.images.len(),
        report.classes.len(),
        report.embedding_dim,
        if report.from_cache { " (cached)" } else { "" }
    ));
    if let Some(device) = &state.device_text {
        ui.weak(format!("Ran on: {device}"));
    }
    if !report.skipped.is_empty() {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("{} files skipped", report.skipped.len()),
        )
        .on_hover_text(
            report
                .skipped
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    for note in &report.notes {
        ui.weak(note);
    }
    ui.separator();
    map_options(ui, state);
    ui.separator();
    legend(ui, state);
}

fn form(ui: &mut Ui, state: &mut ExploreTab, wake: &Waker) {
    egui::Grid::new("explore-form")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("Model");
            ui.vertical(|ui| {
                ui.radio_value(
                    &mut state.source,
                    ModelSource::ImageNet,
                    "ImageNet MobileNetV2 (bundled)",
                )
                .on_hover_text("Works before any training: features of the pretrained network");
                ui.radio_value(
                    &mut state.source,
                    ModelSource::Checkpoint,
                    "A classifier checkpoint",
                );
            });
            ui.end_row();
            if state.source == ModelSource::Checkpoint {
                let label = ui.label("Checkpoint");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut state.checkpoint)
                            .hint_text("model.vlck")
                            .desired_width(150.0),
                    )
                    .labelled_by(label.id);
                    if ui.button("Open…").clicked() {
                        state.open_checkpoint_dialog(wake.clone());
                    }
                });
                ui.end_row();
            } else {
                ui.label("Crop side");
                egui::ComboBox::from_id_salt("explore-side")
                    .selected_text(format!("{} px", state.imagenet_side))
                    .show_ui(ui, |ui| {
                        for side in SIDES {
                            ui.selectable_value(
                                &mut state.imagenet_side,
                                side,
                                format!("{side} px"),
                            );
                        }
                    })
                    .response
                    .on_hover_text("The model was trained at 224 px; smaller is faster on a CPU");
                ui.end_row();
            }
            let label = ui.label("Data");
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut state.data)
                        .hint_text("an ImageFolder")
                        .desired_width(150.0),
                )
                .labelled_by(label.id)
                .on_hover_text("One sub-folder per class, or train/ and test/ each holding them");
                if ui.button("Open folder…").clicked() {
                    state.open_data_dialog(wake.clone());
                }
            });
            ui.end_row();
            let label = ui.label("Label errors in");
            egui::ComboBox::from_id_salt("explore-split")
                .selected_text(split_label(state.split))
                .show_ui(ui, |ui| {
                    for split in [ExploreSplit::Val, ExploreSplit::Train, ExploreSplit::All] {
                        ui.selectable_value(&mut state.split, split, split_label(split));
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
        });
}

fn split_label(split: ExploreSplit) -> &'static str {
    match split {
        ExploreSplit::Val => "the validation split",
        ExploreSplit::Train => "the training split",
        ExploreSplit::All => "every image",
    }
}

fn map_options(ui: &mut Ui, state: &mut ExploreTab) {
    egui::Grid::new("explore-map-options")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("Layout");
            let names: Vec<String> = state.layouts.iter().map(|l| l.method.clone()).collect();
            ui.horizontal(|ui| {
                for (i, name) in names.iter().enumerate() {
                    ui.selectable_value(&mut state.layout, i, name);
                }
                if state.making_layout() {
                    ui.spinner();
                    ui.weak("t-SNE forming");
                }
            });
            ui.end_row();
            ui.label("Colour by");
            let classes_match = state.predictions_are_classes();
            ui.horizontal(|ui| {
                for choice in ColourBy::ALL {
                    let enabled = classes_match || choice != ColourBy::Correctness;
                    ui.add_enabled_ui(enabled, |ui| {
                        ui.selectable_value(&mut state.colour_by, choice, choice.label())
                            .on_disabled_hover_text(
                                "The model's classes are not the dataset's (the ImageNet model)",
                            );
                    });
                }
            });
            ui.end_row();
            ui.label("Thumbnails");
            ui.horizontal(|ui| {
                let mut on = state.thumbnails.is_some();
                if ui.checkbox(&mut on, "").changed() {
                    state.thumbnails = on.then_some(24.0);
                }
                if let Some(side) = &mut state.thumbnails {
                    ui.add(egui::Slider::new(side, 8.0..=96.0).suffix(" px"));
                }
            });
            ui.end_row();
            ui.label("Drag to");
            ui.horizontal(|ui| {
                for tool in MapTool::ALL {
                    ui.selectable_value(&mut state.tool, tool, tool.label());
                }
            });
            ui.end_row();
        });
    ui.horizontal(|ui| {
        if ui.button("Fit view").clicked() {
            let points = state.points().to_vec();
            state.map.fit(&points);
        }
        ui.weak("Scroll to zoom; Shift adds to a selection");
    });
}

fn legend(ui: &mut Ui, state: &mut ExploreTab) {
    let Some(report) = &state.report else {
        return;
    };
    if state.colour_by == crate::ui::explore::state::ColourBy::Correctness {
        swatch(ui, RIGHT, "right");
        swatch(ui, WRONG, "wrong");
        return;
    }
    let counts = state.class_counts();
    let mut picked = None;
    ui.label("Classes (click to select)");
    egui::ScrollArea::vertical()
        .id_salt("explore-legend")
        .max_height(220.0)
        .show(ui, |ui| {
            for (class, name) in report.classes.iter().enumerate() {
                if swatch(
                    ui,
                    class_colour(class),
                    &format!("{name} ({})", counts[class]),
                )
                .clicked()
                {
                    picked = Some(class);
                }
            }
        });
    if let Some(class) = picked {
        state.select_class(class);
    }
}

fn swatch(ui: &mut Ui, colour: Color32, text: &str) -> egui::Response {
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
        ui.painter().rect_filled(rect, 2.0, colour);
        ui.selectable_label(false, text)
    })
    .inner
}
