//! The left side of a training tab: the data panel over the training panel, resizable and
//! scrolling.

use egui::Ui;

use crate::core::protocol::TrainConfig;
use crate::ui::training::{TaskTab, TrainingTab, data_panel, train_panel};
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::TextureCache;

/// What a training tab puts into the shared controls.
pub struct Controls {
    /// Names the tab in the panel's ids (`Classify`, `Segment`, `Detect`).
    pub id: &'static str,
    /// Hint of the dataset folder field: the layout the task reads.
    pub folder_hint: &'static str,
    /// Draws the task's rows at the top of the settings grid (its model), given the
    /// configuration and whether it may be edited now.
    pub model_rows: fn(&mut Ui, &mut TrainConfig, bool),
}

/// Draws the controls panel on the left of `ui`; `width` is its width as last drawn, and
/// is kept up to date.
pub fn show<T: TaskTab>(
    ui: &mut Ui,
    tab: &mut TrainingTab<T>,
    controls: &Controls,
    width: &mut f32,
    textures: &mut TextureCache,
    status: &mut Status,
) {
    tab.run.show_dialog(ui.ctx());
    let id = controls.id;
    let panel = egui::Panel::left(format!("{id}-controls"))
        .resizable(true)
        .default_size(*width)
        .min_size(300.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt(format!("{id}-controls-scroll"))
                .show(ui, |ui| {
                    data_panel::show(ui, &mut tab.run, controls.folder_hint, textures, status);
                    ui.separator();
                    train_panel::show(ui, tab, controls.model_rows, status);
                });
        });
    *width = panel.response.rect.width();
}
