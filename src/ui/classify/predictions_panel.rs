//! The latest validation predictions: each image with what the model said and the true
//! class, framed green when right and red when wrong.

use egui::{Color32, Frame, RichText, Stroke, Ui};

use crate::ui::classify::ClassifyTab;
use crate::ui::classify::insight::answer_caption;
use crate::ui::classify::state::PredictionView;
use crate::ui::training::TrainingTab;
use crate::ui::widgets::class_name;
use crate::ui::widgets::textures::{TextureCache, show_picture};

/// Side of a prediction image, in points.
const IMAGE_SIZE: f32 = 64.0;
/// Width of the text under an image, in points.
const LABEL_WIDTH: f32 = IMAGE_SIZE + 36.0;
/// Outer width of one cell: text, margins and frame.
const CELL_WIDTH: f32 = LABEL_WIDTH + 2.0 * 4.0 + 2.0 * 2.0;
/// Colour of a right prediction.
const RIGHT: Color32 = Color32::from_rgb(70, 190, 90);
/// Colour of a wrong prediction.
const WRONG: Color32 = Color32::from_rgb(230, 70, 70);

/// Draws the predictions grid.
pub fn show(ui: &mut Ui, tab: &mut TrainingTab<ClassifyTab>, textures: &mut TextureCache) {
    let total = tab.task.predictions.len();
    let right = tab
        .task
        .predictions
        .iter()
        .filter(|p| p.is_correct())
        .count();
    ui.horizontal(|ui| {
        ui.heading(format!("Predictions ({total})"));
        if total > 0 {
            ui.label(format!("{right}/{total} right"));
        }
        ui.separator();
        ui.checkbox(&mut tab.task.only_mistakes, "only mistakes");
    });
    if total == 0 {
        ui.label(RichText::new("Predictions on validation images appear after each epoch.").weak());
        return;
    }
    let classes = tab.run.classes_shown();
    let only_mistakes = tab.task.only_mistakes;
    if only_mistakes && right == total {
        ui.label("No mistakes in this sample.");
    }
    let spacing = 8.0;
    let columns = ((ui.available_width() + spacing) / (CELL_WIDTH + spacing))
        .floor()
        .max(1.0) as usize;
    egui::ScrollArea::vertical()
        .id_salt("predictions")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("predictions-grid")
                .spacing([spacing, spacing])
                .show(ui, |ui| {
                    let shown = tab
                        .task
                        .predictions
                        .iter()
                        .filter(|p| !(only_mistakes && p.is_correct()));
                    for (i, prediction) in shown.enumerate() {
                        cell(ui, prediction, &classes, textures);
                        if (i + 1) % columns == 0 {
                            ui.end_row();
                        }
                    }
                });
        });
}

fn cell(ui: &mut Ui, prediction: &PredictionView, classes: &[String], textures: &mut TextureCache) {
    let correct = prediction.is_correct();
    let color = if correct { RIGHT } else { WRONG };
    let predicted = class_name(classes, prediction.predicted);
    let truth = class_name(classes, prediction.truth);
    let confidence = prediction.confidence;
    Frame::new()
        .stroke(Stroke::new(2.0, color))
        .inner_margin(4.0)
        .corner_radius(3.0)
        .show(ui, |ui| {
            ui.vertical(|ui| {
                ui.set_width(LABEL_WIDTH);
                show_picture(ui, &prediction.picture, IMAGE_SIZE, textures);
                ui.add(
                    egui::Label::new(
                        RichText::new(format!("pred: {predicted} ({:.0}%)", confidence * 100.0))
                            .color(color),
                    )
                    .truncate(),
                );
                ui.add(
                    egui::Label::new(RichText::new(format!("true: {truth}")).small()).truncate(),
                );
            });
        })
        .response
        .on_hover_text(answer_caption(&truth, &predicted, confidence));
}
