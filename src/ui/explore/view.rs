//! Draws the Explore tab: the controls on the left, the similar images and the lists on
//! the right, the selection's gallery at the bottom and the map in the middle; files
//! dropped on the window become the data (a folder), the model (a checkpoint) or a
//! similar-images query (an image).

use egui::Ui;

use crate::core::job::Waker;
use crate::ui::explore::map::MapScene;
use crate::ui::explore::state::{ExploreTab, SideView};
use crate::ui::explore::{controls, gallery, lists_panel, similar_panel};
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::TextureCache;

/// Draws the tab.
pub fn show(
    ui: &mut Ui,
    state: &mut ExploreTab,
    textures: &mut TextureCache,
    status: &mut Status,
    wake: &Waker,
) {
    state.show_dialog(ui.ctx());
    let dropped: Vec<std::path::PathBuf> = ui.ctx().input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_path_buf())
            .collect()
    });
    if !dropped.is_empty() {
        state.take_dropped(dropped, wake.clone(), status);
    }
    if state.atlas.upload(ui.ctx()) {
        ui.ctx().request_repaint();
    }
    // Both side panels are capped so the map keeps room in a 1024-point window, whatever
    // width they were last dragged (or grown) to.
    let room = ui.available_width();
    egui::Panel::left("explore-controls")
        .resizable(true)
        .default_size(330.0)
        .min_size(260.0)
        .max_size((room * 0.34).max(260.0))
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("explore-controls-scroll")
                .show(ui, |ui| controls::show(ui, state, status, wake));
        });
    if state.report.is_none() {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.centered_and_justified(|ui| {
                ui.weak("Choose a model and an ImageFolder, then Explore dataset: the map of its images appears here.");
            });
        });
        return;
    }
    egui::Panel::right("explore-side")
        .resizable(true)
        .default_size(300.0)
        .min_size(220.0)
        .max_size((room * 0.3).max(220.0))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.selectable_value(&mut state.side, SideView::Similar, "Similar");
                let errors = state.report.as_ref().map_or(0, |r| r.label_errors.len());
                let pairs = state.report.as_ref().map_or(0, |r| r.duplicates.len());
                ui.selectable_value(
                    &mut state.side,
                    SideView::LabelErrors,
                    format!("Label errors ({errors})"),
                );
                ui.selectable_value(
                    &mut state.side,
                    SideView::Duplicates,
                    format!("Duplicates ({pairs})"),
                );
            });
            ui.separator();
            match state.side {
                SideView::Similar => similar_panel::show(ui, state, textures, status, wake),
                SideView::LabelErrors => lists_panel::label_errors(ui, state),
                SideView::Duplicates => lists_panel::duplicates(ui, state),
            }
        });
    egui::Panel::bottom("explore-gallery")
        .resizable(true)
        .default_size(130.0)
        .min_size(70.0)
        .show(ui, |ui| gallery::show(ui, state, wake));
    egui::CentralPanel::default().show(ui, |ui| map(ui, state, textures));
}

/// The map, its hover card and what a click or a selection does.
fn map(ui: &mut Ui, state: &mut ExploreTab, textures: &mut TextureCache) {
    let layout_key = state.layout_key();
    state.refresh_colours();
    let focus = match &state.focus {
        Some(crate::ui::explore::state::Focus::Image(i)) => Some(*i),
        _ => None,
    };
    let mut view = std::mem::take(&mut state.map);
    let scene = MapScene {
        points: state.points(),
        colours: state.colours(),
        selected: state.selected_flags(),
        focus,
        atlas: &state.atlas,
        thumbnails: state.thumbnails,
        tool: state.tool,
        layout_key,
    };
    let response = view.show(ui, &scene);
    state.map = view;
    if let Some((images, add)) = response.selected {
        state.select(images, add);
    }
    if let Some(index) = response.clicked {
        state.focus_on(index, false);
    }
    if let Some(index) = response.hovered {
        state.want_preview(index);
        hover_card(ui, state, textures, index);
    }
}

/// The hovered image's card beside the pointer: its picture, file, label and prediction.
fn hover_card(ui: &mut Ui, state: &ExploreTab, textures: &mut TextureCache, index: usize) {
    let Some(report) = &state.report else {
        return;
    };
    let Some(image) = report.images.get(index) else {
        return;
    };
    let picture = state.previews.get(&index).cloned();
    let label = report.classes.get(image.label).cloned().unwrap_or_default();
    egui::Tooltip::always_open(
        ui.ctx().clone(),
        ui.layer_id(),
        ui.scope_id().with("explore-hover"),
        egui::PopupAnchor::Pointer,
    )
    .gap(12.0)
    .show(|ui| {
        if let Some(texture) = picture.as_ref().and_then(|p| textures.get(ui.ctx(), p)) {
            let aspect = picture.as_ref().map_or(1.0, |p| p.aspect());
            ui.add(egui::Image::new((
                texture.id(),
                egui::vec2(128.0 * aspect.min(1.5), 128.0),
            )));
        }
        ui.strong(
            image
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        ui.label(format!("label: {label}"));
        ui.label(format!(
            "predicted: {} ({:.0} %)",
            image.predicted,
            image.confidence * 100.0
        ));
    });
}
