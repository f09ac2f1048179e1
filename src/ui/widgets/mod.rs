//! Pieces every tab may draw with: the status bar, pictures and their textures, native
//! file dialogs, progress bars, the plots, the lab tabs' model fields and their recent
//! checkpoints.

pub mod dialogs;
pub mod model_fields;
pub mod plots;
pub mod progress_bar;
pub mod recent_checkpoints;
pub mod status_bar;
pub mod textures;

/// The name of class `index` in `classes`, or `#index` when out of range.
pub fn class_name(classes: &[String], index: usize) -> String {
    classes
        .get(index)
        .cloned()
        .unwrap_or_else(|| format!("#{index}"))
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
