//! The detection confusion matrix as a heat map, with a background row (false boxes) and
//! column (missed boxes); clicking a cell fills the gallery below with the validation
//! images whose boxes put counts there, those boxes drawn over them as the boxes view
//! draws them (found boxes in their class colour, missed ones dashed, false ones crossed).

use egui::{RichText, Ui};

use crate::core::protocol::{ConfusionEntry, DetectionConfusion};
use crate::ui::detect::boxes_panel::{Drawn, DrawnKind, paint_boxes};
use crate::ui::detect::errors_state::ErrorsState;
use crate::ui::widgets::class_name;
use crate::ui::widgets::confusion_grid::ConfusionGrid;
use crate::ui::widgets::textures::{TextureCache, show_picture};

/// Side of a gallery image, in points.
const THUMB: f32 = 128.0;
/// Most images the gallery draws.
const GALLERY_LIMIT: usize = 60;
/// Name of the background row and column.
const BACKGROUND: &str = "background";

/// The accessible name of the cell of true `truth` boxes predicted as `predicted`.
pub fn cell_label(truth: &str, predicted: &str) -> String {
    format!("true {truth}, predicted {predicted}")
}

/// The gallery's heading for a picked cell with `images` images: its count follows
/// `"Gallery: "`.
pub fn gallery_heading(cell: &str, images: usize) -> String {
    format!("Gallery: {images} images ({cell})")
}

/// The name of row or column `index`: a class, or the background after the last class.
fn name(classes: &[String], matrix: &DetectionConfusion, index: usize) -> String {
    if index == matrix.background() {
        BACKGROUND.to_string()
    } else {
        class_name(classes, index)
    }
}

/// Draws the matrix and the picked cell's gallery.
pub fn show(ui: &mut Ui, state: &mut ErrorsState, classes: &[String], textures: &mut TextureCache) {
    let Some(errors) = &state.errors else {
        return;
    };
    let matrix = &errors.confusion;
    let side = matrix.classes + 1;
    ui.heading("Confusion matrix");
    ui.label(
        RichText::new(format!(
            "rows: true class · columns: predicted class · boxes scoring ≥ {:.2}, matched at IoU ≥ {:.2}; \
             the background column holds missed boxes, the background row false boxes; click a cell to see its images",
            matrix.confidence, matrix.iou
        ))
        .small(),
    );
    let grid = ConfusionGrid {
        id: "detect-confusion-grid",
        rows: (0..side).map(|t| name(classes, matrix, t)).collect(),
        heads: (0..side)
            .map(|p| {
                if p == matrix.background() {
                    "bg".to_string()
                } else {
                    p.to_string()
                }
            })
            .collect(),
        counts: &matrix.counts,
        right_below: matrix.background(),
        selected: state.selected,
    };
    let clicked = grid.show(ui, |t, p| {
        cell_label(&name(classes, matrix, t), &name(classes, matrix, p))
    });
    if let Some(cell) = clicked {
        state.selected = (state.selected != Some(cell)).then_some(cell);
    }
    let heading = state
        .selected
        .map(|(t, p)| cell_label(&name(classes, matrix, t), &name(classes, matrix, p)));
    ui.separator();
    match heading {
        Some(cell) => gallery(ui, state, &cell, classes, textures),
        None => {
            ui.label(RichText::new("Click a cell to see the images behind its count.").weak());
        }
    }
}

fn gallery(
    ui: &mut Ui,
    state: &mut ErrorsState,
    cell: &str,
    classes: &[String],
    textures: &mut TextureCache,
) {
    let items = state.gallery();
    let mut clear = false;
    ui.horizontal(|ui| {
        ui.strong(gallery_heading(cell, items.len()));
        let shown = items
            .iter()
            .take(GALLERY_LIMIT)
            .filter(|(i, _)| *i < state.pictures.len())
            .count();
        if shown < items.len() {
            ui.label(RichText::new(format!("(showing {shown} of them)")).weak());
        }
        if ui.button("Clear the cell").clicked() {
            clear = true;
        }
    });
    if clear {
        state.selected = None;
        return;
    }
    let spacing = 6.0;
    let columns = ((ui.available_width() + spacing) / (THUMB + 8.0 + spacing))
        .floor()
        .max(1.0) as usize;
    egui::Grid::new("detect-confusion-gallery")
        .spacing([spacing, spacing])
        .show(ui, |ui| {
            let shown = items
                .iter()
                .take(GALLERY_LIMIT)
                .filter_map(|(i, entries)| Some((*i, state.pictures.get(*i)?, entries)));
            for (n, (i, picture, entries)) in shown.enumerate() {
                ui.vertical(|ui| {
                    let rect = ui
                        .scope(|ui| show_picture(ui, picture, THUMB, textures))
                        .response
                        .rect;
                    let scale = rect.width() / picture.image.width.max(1) as f32;
                    paint_boxes(ui, rect, scale, &drawn(entries), classes);
                    let score = entries
                        .iter()
                        .filter_map(|e| e.score)
                        .fold(None, |m: Option<f32>, s| Some(m.map_or(s, |m| m.max(s))));
                    let caption = match score {
                        Some(s) => format!("image {i} · {} boxes · {:.2}", entries.len(), s),
                        None => format!("image {i} · {} boxes", entries.len()),
                    };
                    ui.label(RichText::new(caption).small())
                        .on_hover_text(describe(entries, classes));
                });
                if (n + 1) % columns == 0 {
                    ui.end_row();
                }
            }
        });
}

/// What the entries of one image are, one line each.
fn describe(entries: &[ConfusionEntry], classes: &[String]) -> String {
    entries
        .iter()
        .map(|e| match (e.truth, e.predicted) {
            (Some(t), Some(p)) => format!(
                "true {} found as {} ({:.2})",
                class_name(classes, t.class),
                class_name(classes, p.class),
                e.score.unwrap_or(0.0)
            ),
            (Some(t), None) => format!("true {} missed", class_name(classes, t.class)),
            (None, Some(p)) => format!(
                "false {} ({:.2})",
                class_name(classes, p.class),
                e.score.unwrap_or(0.0)
            ),
            (None, None) => String::new(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The boxes behind the entries, as the boxes view draws them: a true box found (by any
/// class) and its prediction, a missed true box, a false prediction.
fn drawn(entries: &[ConfusionEntry]) -> Vec<Drawn> {
    let mut drawn = Vec::new();
    for e in entries {
        let score = e.score.unwrap_or(0.0);
        match (e.truth, e.predicted) {
            (Some(truth), Some(predicted)) => {
                drawn.push(Drawn {
                    bbox: truth,
                    kind: DrawnKind::Truth,
                });
                drawn.push(Drawn {
                    bbox: predicted,
                    kind: DrawnKind::Predicted(score),
                });
            }
            (Some(truth), None) => drawn.push(Drawn {
                bbox: truth,
                kind: DrawnKind::Missed,
            }),
            (None, Some(predicted)) => drawn.push(Drawn {
                bbox: predicted,
                kind: DrawnKind::False(score),
            }),
            (None, None) => {}
        }
    }
    drawn
}
