//! Where the model looked for one validation image: the image, its saliency map and its
//! Grad-CAM side by side, with the colour scale of the maps and a choice of the class
//! explained (the predicted one, or any other). The job computes the maps; this panel only
//! shows pictures.

use egui::{Color32, RichText, Ui};

use crate::tasks::classify::explain::heat_color;
use crate::ui::classify::ClassifyTab;
use crate::ui::training::TrainingTab;
use crate::ui::widgets::class_name;
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::{TextureCache, show_picture};

/// Largest side of each picture, in points.
const SIDE: f32 = 224.0;
/// Smallest side of each picture, in points (the panel scrolls below that).
const MIN_SIDE: f32 = 96.0;
/// Width of the colour scale's bar, in points.
const SCALE_WIDTH: f32 = 14.0;
/// Room the colour scale takes beside the maps: bar, labels and spacing.
const SCALE_ROOM: f32 = 64.0;
/// Steps the colour bar is painted in.
const SCALE_STEPS: usize = 48;

/// The accessible name of the colour scale.
pub const SCALE_LABEL: &str = "colour scale: 0 (blue) → max (red)";

/// Said under an empty Grad-CAM.
pub const EMPTY_CAM: &str = "no region raises this class's score";

/// The label of the target-class box.
pub const TARGET_LABEL: &str = "Class explained";

/// The target-class box's entry for class `class` called `name`.
pub fn class_option(class: usize, name: &str) -> String {
    format!("{name} (class {class})")
}

/// The target-class box's entry for the predicted class, called `name` when known.
pub fn predicted_option(name: Option<&str>) -> String {
    match name {
        Some(name) => format!("Predicted ({name})"),
        None => "Predicted".to_string(),
    }
}

/// Draws the explanation view.
pub fn show(
    ui: &mut Ui,
    tab: &mut TrainingTab<ClassifyTab>,
    textures: &mut TextureCache,
    status: &mut Status,
) {
    let count = tab.task.insight.images.len();
    let classes = tab.run.run_classes.clone();
    let can = count > 0 && tab.run.has_model();
    let mut index = tab.task.insight.picked.min(count.saturating_sub(1));
    ui.horizontal_wrapped(|ui| {
        ui.label("Validation image");
        ui.add(egui::DragValue::new(&mut index).range(0..=count.saturating_sub(1)));
        tab.task.insight.picked = index;
        let target = tab.task.insight.target;
        if ui
            .add_enabled(can, egui::Button::new("Explain"))
            .on_disabled_hover_text("Train a model first: the explanation uses the run's model.")
            .clicked()
        {
            tab.explain_class(index, target, status);
        }
        ui.separator();
        if let Some(class) = target_box(ui, tab, index, &classes, can) {
            tab.explain_class(index, class, status);
        }
        if tab.task.insight.explaining.is_some() {
            ui.spinner();
            ui.label("computing…");
        }
    });
    let Some(e) = tab.task.insight.explanation.clone() else {
        ui.label(
            RichText::new(
                "Pick an image (here, or click one in the confusion view) to see the saliency \
                 map — how much each pixel sways the class score — and Grad-CAM — which regions \
                 of the last feature map the class relies on.",
            )
            .weak(),
        );
        return;
    };
    let truth = tab
        .task
        .insight
        .outcome
        .as_ref()
        .and_then(|o| o.truth.get(e.index))
        .map(|&t| class_name(&classes, t));
    let explained = if e.chosen {
        format!(
            " · explaining {} ({:.1} %)",
            class_name(&classes, e.class),
            e.confidence * 100.0
        )
    } else {
        String::new()
    };
    let predicted_confidence = if e.chosen {
        String::new()
    } else {
        format!(" ({:.1} %)", e.confidence * 100.0)
    };
    ui.label(format!(
        "Image {}: predicted {}{predicted_confidence}{}{explained}",
        e.index,
        class_name(&classes, e.predicted),
        truth
            .map(|t| format!(", true class {t}"))
            .unwrap_or_default()
    ));
    let spacing = ui.spacing().item_spacing.x;
    let side = ((ui.available_width() - SCALE_ROOM - 3.0 * spacing) / 3.0).clamp(MIN_SIDE, SIDE);
    ui.horizontal_top(|ui| {
        for (title, picture) in [
            ("image", &e.image),
            ("saliency |∂score/∂pixel|", &e.saliency),
            ("Grad-CAM", &e.grad_cam),
        ] {
            ui.vertical(|ui| {
                ui.strong(title);
                show_picture(ui, picture, side, textures);
                if title == "Grad-CAM" && e.grad_cam_empty {
                    ui.label(RichText::new(EMPTY_CAM).weak());
                }
            });
        }
        ui.vertical(|ui| colour_scale(ui, side));
    });
}

/// The target-class box: "Predicted (<name>)" or any class of the run. Returns the new
/// choice when the user changed it.
fn target_box(
    ui: &mut Ui,
    tab: &TrainingTab<ClassifyTab>,
    index: usize,
    classes: &[String],
    enabled: bool,
) -> Option<Option<usize>> {
    let insight = &tab.task.insight;
    let predicted = insight
        .explanation
        .as_ref()
        .filter(|e| e.index == index)
        .map(|e| e.predicted)
        .or_else(|| insight.outcome.as_ref()?.predicted.get(index).copied())
        .map(|p| class_name(classes, p));
    let predicted = predicted_option(predicted.as_deref());
    let current = insight.target;
    let mut choice = current;
    let selected = match current {
        Some(class) => class_option(class, &class_name(classes, class)),
        None => predicted.clone(),
    };
    ui.add_enabled_ui(enabled, |ui| {
        egui::ComboBox::from_label(TARGET_LABEL)
            .selected_text(selected)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut choice, None, predicted);
                for (class, name) in classes.iter().enumerate() {
                    ui.selectable_value(&mut choice, Some(class), class_option(class, name));
                }
            })
            .response
            .on_hover_text(
                "Whose score the maps explain: the predicted class, or another one (where \
                 the model would look for it)",
            );
    });
    (choice != current).then_some(choice)
}

/// The colour scale of both maps: a bar from the coldest colour (0) to the hottest (the
/// map's maximum), `height` points tall.
fn colour_scale(ui: &mut Ui, height: f32) {
    ui.strong("scale");
    ui.label("max");
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(SCALE_WIDTH, height - 48.0), egui::Sense::hover());
    let painter = ui.painter();
    let step = rect.height() / SCALE_STEPS as f32;
    for i in 0..SCALE_STEPS {
        // The top of the bar is the hottest.
        let t = 1.0 - (i as f32 + 0.5) / SCALE_STEPS as f32;
        let [r, g, b] = heat_color(t);
        let top = rect.top() + i as f32 * step;
        let strip = egui::Rect::from_min_max(
            egui::pos2(rect.left(), top),
            egui::pos2(rect.right(), (top + step + 0.5).min(rect.bottom())),
        );
        painter.rect_filled(strip, 0.0, Color32::from_rgb(r, g, b));
    }
    painter.rect_stroke(
        rect,
        0.0,
        egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
        egui::StrokeKind::Outside,
    );
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, SCALE_LABEL));
    response.on_hover_text(
        "Each map is scaled to its own maximum: red where the class score depends most on \
         the pixel (saliency) or region (Grad-CAM), blue where least; the colour is more \
         opaque where hotter.",
    );
    ui.label("0");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_entries_name_the_class() {
        assert_eq!(class_option(3, "star"), "star (class 3)");
        assert_eq!(predicted_option(Some("circle")), "Predicted (circle)");
        assert_eq!(predicted_option(None), "Predicted");
    }
}
