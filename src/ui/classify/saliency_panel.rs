//! Where the model looked for one validation image: the image, its saliency map and its
//! Grad-CAM, side by side. The job computes them; this panel only shows pictures.

use egui::{RichText, Ui};

use crate::ui::classify::ClassifyTab;
use crate::ui::training::TrainingTab;
use crate::ui::widgets::class_name;
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::{TextureCache, show_picture};

/// Side of each picture, in points.
const SIDE: f32 = 224.0;

/// Draws the explanation view.
pub fn show(
    ui: &mut Ui,
    tab: &mut TrainingTab<ClassifyTab>,
    textures: &mut TextureCache,
    status: &mut Status,
) {
    let count = tab.task.insight.images.len();
    ui.horizontal(|ui| {
        ui.label("Validation image");
        let mut index = tab
            .task
            .insight
            .explanation
            .as_ref()
            .map_or(0, |e| e.index)
            .min(count.saturating_sub(1));
        let id = ui.scope_id().with("explain-index");
        index = ui.data(|d| d.get_temp(id)).unwrap_or(index);
        ui.add(egui::DragValue::new(&mut index).range(0..=count.saturating_sub(1)));
        ui.data_mut(|d| d.insert_temp(id, index));
        let can = count > 0 && tab.run.has_model();
        if ui
            .add_enabled(can, egui::Button::new("Explain"))
            .on_disabled_hover_text("Train a model first: the explanation uses the run's model.")
            .clicked()
        {
            tab.explain(index, status);
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
    let classes = &tab.run.run_classes;
    let truth = tab
        .task
        .insight
        .outcome
        .as_ref()
        .and_then(|o| o.truth.get(e.index))
        .map(|&t| class_name(classes, t));
    ui.label(format!(
        "Image {}: predicted {} ({:.1} %){}",
        e.index,
        class_name(classes, e.class),
        e.confidence * 100.0,
        truth
            .map(|t| format!(", true class {t}"))
            .unwrap_or_default()
    ));
    ui.horizontal_top(|ui| {
        for (title, picture) in [
            ("image", &e.image),
            ("saliency |∂score/∂pixel|", &e.saliency),
            ("Grad-CAM", &e.grad_cam),
        ] {
            ui.vertical(|ui| {
                ui.strong(title);
                show_picture(ui, picture, SIDE, textures);
            });
        }
    });
}
