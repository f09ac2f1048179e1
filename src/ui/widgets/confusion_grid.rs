//! A confusion matrix drawn as a grid of heat-map cells, each darker the larger its share
//! of the row, green on the diagonal and red off it, outlined when picked or hovered,
//! clickable and named for the accessibility tree. The Classify, Detect and Segment tabs
//! draw their matrices with it.

use egui::{Color32, FontId, RichText, Sense, Stroke, Ui, WidgetInfo};

/// Side of a matrix cell, in points.
pub const CELL: f32 = 34.0;
/// Tint of right answers (the diagonal) and of mistakes.
pub const RIGHT: Color32 = Color32::from_rgb(60, 170, 90);
/// Tint of mistakes (off the diagonal).
pub const WRONG: Color32 = Color32::from_rgb(220, 70, 60);

/// A confusion matrix to draw: rows are true classes, columns predicted ones.
pub struct ConfusionGrid<'a> {
    /// The grid's egui id.
    pub id: &'a str,
    /// Name of each row.
    pub rows: Vec<String>,
    /// Head of each column.
    pub heads: Vec<String>,
    /// `counts[truth][predicted]`.
    pub counts: &'a [Vec<u64>],
    /// Diagonal cells (t, t) with t below this are right answers (green); a background
    /// row and column past it are not.
    pub right_below: usize,
    /// The picked cell, outlined.
    pub selected: Option<(usize, usize)>,
}

impl ConfusionGrid<'_> {
    /// Draws the grid, `label(truth, predicted)` naming each cell; returns the clicked
    /// cell.
    pub fn show(
        self,
        ui: &mut Ui,
        label: impl Fn(usize, usize) -> String,
    ) -> Option<(usize, usize)> {
        let mut clicked = None;
        egui::Grid::new(self.id).spacing([2.0, 2.0]).show(ui, |ui| {
            ui.label("");
            for head in &self.heads {
                ui.label(RichText::new(head).small().strong());
            }
            ui.end_row();
            for (t, (name, row)) in self.rows.iter().zip(self.counts).enumerate() {
                ui.add(egui::Label::new(RichText::new(name).small()).truncate());
                let total: u64 = row.iter().sum();
                for (p, &count) in row.iter().enumerate() {
                    let right = t == p && t < self.right_below;
                    let selected = self.selected == Some((t, p));
                    if heat_cell(ui, count, total, right, selected, &label(t, p)).clicked() {
                        clicked = Some((t, p));
                    }
                }
                ui.end_row();
            }
        });
        clicked
    }
}

/// Draws one cell showing `count` (`row_total` is its row's sum) named `label`.
pub fn heat_cell(
    ui: &mut Ui,
    count: u64,
    row_total: u64,
    diagonal: bool,
    selected: bool,
    label: &str,
) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(CELL, CELL), Sense::click());
    response.widget_info(|| WidgetInfo::labeled(egui::Role::Button, true, label));
    let share = if row_total == 0 {
        0.0
    } else {
        count as f32 / row_total as f32
    };
    let tint = if diagonal { RIGHT } else { WRONG };
    let base = ui.visuals().extreme_bg_color;
    let fill = if count == 0 {
        base
    } else {
        lerp(base, tint, 0.15 + 0.85 * share.sqrt())
    };
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, fill);
    if selected || response.hovered() {
        let color = if selected {
            ui.visuals().selection.stroke.color
        } else {
            ui.visuals().widgets.hovered.fg_stroke.color
        };
        painter.rect_stroke(rect, 2.0, Stroke::new(2.0, color), egui::StrokeKind::Inside);
    }
    if count > 0 {
        let text = if share > 0.55 {
            Color32::WHITE
        } else {
            ui.visuals().text_color()
        };
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            compact(count),
            FontId::proportional(if count < 10_000 { 12.0 } else { 10.0 }),
            text,
        );
    }
    response.on_hover_text(format!("{label}: {count}"))
}

/// A count short enough for a cell: 12345 → "12k", 3456789 → "3.5M".
fn compact(count: u64) -> String {
    match count {
        0..10_000 => count.to_string(),
        10_000..1_000_000 => format!("{}k", count / 1000),
        _ => format!("{:.1}M", count as f64 / 1e6),
    }
}

fn lerp(a: Color32, b: Color32, t: f32) -> Color32 {
    let mix = |x: u8, y: u8| (f32::from(x) * (1.0 - t) + f32::from(y) * t).round() as u8;
    Color32::from_rgb(mix(a.r(), b.r()), mix(a.g(), b.g()), mix(a.b(), b.b()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_fit_a_cell() {
        assert_eq!(compact(9999), "9999");
        assert_eq!(compact(12_345), "12k");
        assert_eq!(compact(3_456_789), "3.5M");
    }
}
