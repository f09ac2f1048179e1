//! The confusion matrix as a heat map (click a cell to see exactly its validation images),
//! per-class precision, recall and F1, and the gallery: the picked cell's images, or the
//! most confident mistakes when no cell is picked, each captioned with its true class and
//! the prediction. Clicking a gallery image explains it.

use egui::{Frame, RichText, Sense, Stroke, Ui, WidgetInfo};

use crate::ui::classify::ClassifyTab;
use crate::ui::classify::insight::answer_caption;
use crate::ui::training::TrainingTab;
use crate::ui::widgets::class_name;
use crate::ui::widgets::confusion_grid::{ConfusionGrid, RIGHT, WRONG};
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::{TextureCache, show_picture};

/// Side of a gallery image, in points.
const THUMB: f32 = 56.0;
/// Width of a gallery image's caption, in points.
const CAPTION_WIDTH: f32 = THUMB + 16.0;
/// Most images the gallery draws.
const GALLERY_LIMIT: usize = 120;

/// The accessible name of the cell of images of class `truth` predicted as `predicted`.
pub fn cell_label(truth: &str, predicted: &str) -> String {
    format!("{truth} predicted as {predicted}")
}

/// The accessible name of validation image `index` in the gallery.
pub fn image_label(index: usize) -> String {
    format!("validation image {index}")
}

/// Draws the confusion view.
pub fn show(
    ui: &mut Ui,
    tab: &mut TrainingTab<ClassifyTab>,
    textures: &mut TextureCache,
    status: &mut Status,
) {
    let Some(matrix) = tab.task.insight.matrix.clone() else {
        ui.label(
            RichText::new(
                "The confusion matrix of the validation images appears after each epoch.",
            )
            .weak(),
        );
        return;
    };
    let classes = tab.run.run_classes.clone();
    let k = matrix.classes();
    let epoch = tab.task.insight.outcome.as_ref().map_or(0, |o| o.epoch);
    ui.horizontal(|ui| {
        ui.heading("Confusion matrix");
        ui.label(format!(
            "epoch {epoch}, {} validation images, accuracy {:.1} %",
            matrix.total(),
            matrix.accuracy() * 100.0
        ));
    });
    let mut clicked = None;
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.label(RichText::new("rows: true class · columns: predicted class").small());
            let counts: Vec<Vec<u64>> = (0..k)
                .map(|t| (0..k).map(|p| matrix.get(t, p)).collect())
                .collect();
            let grid = ConfusionGrid {
                id: "confusion-grid",
                rows: (0..k)
                    .map(|t| format!("{t} {}", class_name(&classes, t)))
                    .collect(),
                heads: (0..k).map(|p| p.to_string()).collect(),
                counts: &counts,
                right_below: k,
                selected: tab.task.insight.selected,
            };
            clicked = grid.show(ui, |t, p| {
                cell_label(&class_name(&classes, t), &class_name(&classes, p))
            });
        });
        ui.add_space(16.0);
        ui.vertical(|ui| metrics_table(ui, tab, &classes));
    });
    if let Some(cell) = clicked {
        tab.task.insight.selected = if tab.task.insight.selected == Some(cell) {
            None
        } else {
            Some(cell)
        };
    }
    ui.separator();
    gallery(ui, tab, &classes, textures, status);
}

fn metrics_table(ui: &mut Ui, tab: &TrainingTab<ClassifyTab>, classes: &[String]) {
    ui.strong("Per class");
    egui::Grid::new("class-metrics")
        .striped(true)
        .spacing([12.0, 2.0])
        .show(ui, |ui| {
            for head in ["class", "precision", "recall", "F1", "images"] {
                ui.strong(head);
            }
            ui.end_row();
            for (c, m) in tab.task.insight.class_metrics().iter().enumerate() {
                ui.label(format!("{c} {}", class_name(classes, c)));
                ui.label(format!("{:.3}", m.precision));
                ui.label(format!("{:.3}", m.recall));
                ui.label(format!("{:.3}", m.f1));
                ui.label(m.support.to_string());
                ui.end_row();
            }
        });
}

fn gallery(
    ui: &mut Ui,
    tab: &mut TrainingTab<ClassifyTab>,
    classes: &[String],
    textures: &mut TextureCache,
    status: &mut Status,
) {
    let (items, title) = match tab.task.insight.selected {
        Some((t, p)) => (
            tab.task.insight.cell_items(t, p),
            format!(
                "{}: ",
                cell_label(&class_name(classes, t), &class_name(classes, p))
            ),
        ),
        None => (
            tab.task.insight.confident_mistakes(),
            "Most confident mistakes: ".to_string(),
        ),
    };
    let mut clear = false;
    ui.horizontal(|ui| {
        ui.strong(format!("{title}{} images", items.len()));
        if items.len() > GALLERY_LIMIT {
            ui.label(RichText::new(format!("(showing the first {GALLERY_LIMIT})")).weak());
        }
        if tab.task.insight.selected.is_some() && ui.button("Show all mistakes").clicked() {
            clear = true;
        }
        ui.label(RichText::new("click an image to see where the model looked").weak());
    });
    if clear {
        tab.task.insight.selected = None;
    }
    let outcome = tab.task.insight.outcome.clone().unwrap_or_default();
    let spacing = 6.0;
    let cell_width = CAPTION_WIDTH + 8.0;
    let columns = ((ui.available_width() + spacing) / (cell_width + spacing))
        .floor()
        .max(1.0) as usize;
    let mut explain = None;
    // No scroll area of its own: the whole confusion view scrolls (see the tab's view).
    egui::Grid::new("confusion-gallery-grid")
        .spacing([spacing, spacing])
        .show(ui, |ui| {
            for (n, &i) in items.iter().take(GALLERY_LIMIT).enumerate() {
                let Some(picture) = tab.task.insight.images.get(i) else {
                    continue;
                };
                let truth = outcome.truth.get(i).copied().unwrap_or(0);
                let predicted = outcome.predicted.get(i).copied().unwrap_or(0);
                let confidence = outcome.confidence.get(i).copied().unwrap_or(0.0);
                let (truth, predicted, right) = (
                    class_name(classes, truth),
                    class_name(classes, predicted),
                    truth == predicted,
                );
                let frame = Frame::new()
                    .stroke(Stroke::new(2.0, if right { RIGHT } else { WRONG }))
                    .inner_margin(2.0)
                    .corner_radius(3.0)
                    .show(ui, |ui| {
                        ui.vertical(|ui| {
                            ui.set_width(CAPTION_WIDTH);
                            show_picture(ui, picture, THUMB, textures);
                            for line in [
                                format!("true: {truth}"),
                                format!("pred: {predicted} {:.0}%", confidence * 100.0),
                            ] {
                                ui.add(egui::Label::new(RichText::new(line).small()).truncate());
                            }
                        });
                    });
                let id = ui.scope_id().with(("gallery-image", i));
                let response = ui.interact(frame.response.rect, id, Sense::click());
                let label = image_label(i);
                response.widget_info(|| WidgetInfo::labeled(egui::Role::Button, true, &label));
                let response = response.on_hover_text(format!(
                    "{label}: {}",
                    answer_caption(&truth, &predicted, confidence)
                ));
                if response.clicked() {
                    explain = Some(i);
                }
                if (n + 1) % columns == 0 {
                    ui.end_row();
                }
            }
        });
    if let Some(i) = explain {
        tab.explain(i, status);
    }
}
