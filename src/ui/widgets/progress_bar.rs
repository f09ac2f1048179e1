//! A progress bar for a count of units.

use egui::Ui;

/// A progress bar for `done` of `total` units, labelled `done/total` and `unit`.
pub fn progress_bar(ui: &mut Ui, done: usize, total: usize, unit: &str) {
    let fraction = if total == 0 {
        0.0
    } else {
        done as f32 / total as f32
    };
    ui.add(egui::ProgressBar::new(fraction).text(format!("{done}/{total}{unit}")));
}
