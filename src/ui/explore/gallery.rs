//! The selection's gallery under the map: how many images are selected, their tiles (click
//! one to focus it), and what the selection becomes: a file list or a new ImageFolder.

use egui::Ui;

use crate::core::job::Waker;
use crate::ui::explore::atlas::tile_button;
use crate::ui::explore::state::ExploreTab;
use crate::ui::widgets::progress_bar::progress_bar;

/// Side of a gallery tile.
const TILE: f32 = 44.0;

/// Draws the gallery.
pub fn show(ui: &mut Ui, state: &mut ExploreTab, wake: &Waker) {
    let count = state.selection.len();
    ui.horizontal(|ui| {
        ui.strong(format!("{count} selected"));
        ui.add_enabled_ui(count > 0, |ui| {
            if ui
                .button("Export list…")
                .on_hover_text("A text file with one path per line")
                .clicked()
            {
                state.export_list_dialog(wake.clone());
            }
            if ui
                .button("Copy to folder…")
                .on_hover_text("A new ImageFolder: the images copied into one sub-folder per label")
                .clicked()
            {
                state.copy_dialog(wake.clone());
            }
            if ui.button("Clear").clicked() {
                state.select([], false);
            }
        });
        if let Some((done, total)) = state.copy_progress {
            progress_bar(ui, done, total, " copied");
            if ui.button("Stop copy").clicked() {
                state.stop();
            }
        }
    });
    if count == 0 {
        ui.weak("Pick Box select or Lasso and drag on the map, click a class in the legend, or click a duplicate pair.");
        return;
    }
    let selected: Vec<usize> = state.selection.iter().copied().collect();
    let per_row = ((ui.available_width() / (TILE + 4.0)).floor() as usize).max(1);
    let rows = selected.len().div_ceil(per_row);
    let mut picked = None;
    egui::ScrollArea::vertical()
        .id_salt("explore-gallery")
        .auto_shrink([false, false])
        .show_rows(ui, TILE + 4.0, rows, |ui, range| {
            for row in range {
                ui.horizontal(|ui| {
                    for &index in selected.iter().skip(row * per_row).take(per_row) {
                        let name = state
                            .report
                            .as_ref()
                            .and_then(|r| r.images.get(index))
                            .map(|i| i.path.display().to_string())
                            .unwrap_or_default();
                        if tile_button(ui, &state.atlas, index, TILE, false)
                            .on_hover_text(name)
                            .clicked()
                        {
                            picked = Some(index);
                        }
                    }
                });
            }
        });
    if let Some(index) = picked {
        state.focus_on(index, true);
    }
}
