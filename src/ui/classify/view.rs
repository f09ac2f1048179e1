//! The Classify tab's layout: the shared controls with the classifier's model rows, the
//! curves with the accuracy plot, and below them a tab row choosing between sample
//! predictions, the confusion view and the explanation view.

use egui::{ComboBox, Ui};

use crate::core::protocol::{ModelKind, TrainConfig};
use crate::ui::classify::insight::InsightView;
use crate::ui::classify::{ClassifyTab, confusion_panel, predictions_panel, saliency_panel};
use crate::ui::training::controls_panel::{self, Controls};
use crate::ui::training::{TrainingTab, plot_panel};
use crate::ui::widgets::backbone_rows;
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::TextureCache;

/// What the Classify tab puts into the shared controls.
const CONTROLS: Controls = Controls {
    id: "Classify",
    folder_hint: "/path/to/images (one sub-folder per class)",
    model_rows,
};

/// Draws the Classify tab; `width` is its controls panel's width.
pub fn show(
    ui: &mut Ui,
    tab: &mut TrainingTab<ClassifyTab>,
    width: &mut f32,
    textures: &mut TextureCache,
    status: &mut Status,
) {
    controls_panel::show(ui, tab, &CONTROLS, width, textures, status);
    egui::CentralPanel::default().show(ui, |ui| {
        // The confusion and explanation views need more room than the sample grid.
        let share = match tab.task.insight.view {
            InsightView::Predictions => 0.45,
            InsightView::Confusion | InsightView::Explain => 0.3,
        };
        let plot_height = (ui.available_height() * share).clamp(160.0, 420.0);
        plot_panel::show(ui, &mut tab.run, plot_height, None, |ui, run, height| {
            plot_panel::accuracy_plot(ui, run, height, "Accuracy", Vec::new());
        });
        ui.separator();
        views(ui, tab, textures, status);
    });
}

/// The lower half: a tab row choosing between sample predictions, the confusion view and
/// the explanation view.
fn views(
    ui: &mut Ui,
    tab: &mut TrainingTab<ClassifyTab>,
    textures: &mut TextureCache,
    status: &mut Status,
) {
    ui.horizontal(|ui| {
        for view in InsightView::ALL {
            ui.selectable_value(&mut tab.task.insight.view, view, view.label());
        }
    });
    ui.separator();
    match tab.task.insight.view {
        // The sample grid scrolls by itself; the other two views scroll as a whole (ten
        // classes' matrix and its mistakes, or three maps, do not fit a small window).
        InsightView::Predictions => predictions_panel::show(ui, tab, textures),
        InsightView::Confusion => {
            egui::ScrollArea::both()
                .id_salt("confusion-view-scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| confusion_panel::show(ui, tab, textures, status))
                .inner
        }
        InsightView::Explain => {
            egui::ScrollArea::both()
                .id_salt("explain-view-scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| saliency_panel::show(ui, tab, textures, status))
                .inner
        }
    }
}

/// The classifier's rows of the settings grid: the network, and the fine-tuning choices
/// of a pretrained backbone.
fn model_rows(ui: &mut Ui, config: &mut TrainConfig, editable: bool) {
    let label = ui.label("Model");
    ui.add_enabled_ui(editable, |ui| {
        ComboBox::from_id_salt("model")
            .selected_text(config.model.label())
            .width(200.0)
            .show_ui(ui, |ui| {
                for kind in ModelKind::ALL {
                    ui.selectable_value(&mut config.model, kind, kind.label());
                }
            })
            .response
            .labelled_by(label.id);
    });
    ui.end_row();

    if config.model == ModelKind::MobileNetV2 {
        backbone_rows::transfer_rows(ui, &mut config.transfer, editable);
    }
}
