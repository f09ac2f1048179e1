//! Pieces every tab may draw with: the status bar, pictures and their textures, native
//! file dialogs, progress bars, the plots, confusion-matrix cells, the lab tabs' model fields
//! and their recent checkpoints, the training tabs' device box with its remote server.

pub mod backbone_rows;
pub mod confusion_grid;
pub mod dialogs;
pub mod model_fields;
pub mod plots;
pub mod progress_bar;
pub mod recent_checkpoints;
pub mod remote_form;
pub mod status_bar;
pub mod textures;

/// The name of class `index` in `classes`, or `#index` when out of range.
pub fn class_name(classes: &[String], index: usize) -> String {
    classes
        .get(index)
        .cloned()
        .unwrap_or_else(|| format!("#{index}"))
}

/// Adds what `add` draws as one block `width` points wide in a wrapping row: the row wraps
/// before the block, never through it (a slider with its value and name, which would
/// otherwise be cut at the window's edge).
pub fn unbroken(ui: &mut egui::Ui, width: f32, add: impl FnOnce(&mut egui::Ui)) {
    let size = egui::vec2(width, ui.spacing().interact_size.y);
    ui.allocate_ui_with_layout(size, egui::Layout::left_to_right(egui::Align::Center), add);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_fall_back_to_indices() {
        let classes = vec!["circle".to_string()];
        assert_eq!(class_name(&classes, 0), "circle");
        assert_eq!(class_name(&classes, 3), "#3");
    }
}
