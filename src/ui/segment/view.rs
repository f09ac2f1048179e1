//! The Segment tab's layout: the shared controls with the U-Net's width, the curves with
//! pixel accuracy and mean IoU, and the masks overlay.

use egui::{DragValue, Ui};

use crate::core::limits;
use crate::core::protocol::TrainConfig;
use crate::ui::segment::overlay_gpu::UploadCounter;
use crate::ui::segment::{SegmentTab, errors_panel, overlay_panel};
use crate::ui::training::TrainingTab;
use crate::ui::training::controls_panel::{self, Controls};
use crate::ui::training::plot_panel::{self, METRIC_COLOR, Series};
use crate::ui::widgets::backbone_rows;
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::TextureCache;

/// What the Segment tab puts into the shared controls.
const CONTROLS: Controls = Controls {
    id: "Segment",
    folder_hint: "/path/to/data (images/ + masks/, classes.txt)",
    model_rows,
};

/// Draws the Segment tab; `width` is its controls panel's width, `gpu` the upload counter
/// when the overlay is drawn by the WGSL shader.
pub fn show(
    ui: &mut Ui,
    tab: &mut TrainingTab<SegmentTab>,
    width: &mut f32,
    textures: &mut TextureCache,
    gpu: Option<&UploadCounter>,
    status: &mut Status,
) {
    controls_panel::show(ui, tab, &CONTROLS, width, textures, status);
    egui::CentralPanel::default().show(ui, |ui| {
        let plot_height = (ui.available_height() * 0.3).clamp(140.0, 300.0);
        let epoch_line = tab.task.last_metrics().map(|last| {
            format!(
                "epoch {}: mean IoU {:.3}, pixel accuracy {:.1}%",
                last.epoch,
                last.mean_iou,
                last.pixel_accuracy * 100.0
            )
        });
        let miou = Series {
            name: "validation mean IoU".into(),
            points_id: Some("validation-miou-points"),
            points: tab
                .task
                .metrics
                .iter()
                .map(|(step, s)| [*step as f64, f64::from(s.mean_iou)])
                .collect(),
            colour: METRIC_COLOR,
            width: 2.0,
            radius: 3.5,
        };
        plot_panel::show(
            ui,
            &mut tab.run,
            plot_height,
            epoch_line,
            |ui, run, height| {
                let title = "Pixel accuracy and mean IoU";
                plot_panel::accuracy_plot(ui, run, height, title, vec![miou]);
            },
        );
        ui.separator();
        let classes = tab.run.classes_shown();
        ui.horizontal(|ui| {
            ui.selectable_value(&mut tab.task.errors_shown, false, "Mask overlay");
            ui.selectable_value(&mut tab.task.errors_shown, true, "IoU and confusion");
        });
        if tab.task.errors_shown {
            errors_panel::show(ui, &tab.task, &classes);
        } else {
            overlay_panel::show(ui, &mut tab.task, &classes, textures, gpu);
        }
    });
}

/// The segmenter's rows of the settings grid: from scratch or on the pretrained encoder,
/// and the U-Net's width.
fn model_rows(ui: &mut Ui, config: &mut TrainConfig, editable: bool) {
    backbone_rows::dense_model_rows(
        ui,
        config,
        editable,
        &backbone_rows::DenseModels {
            scratch: "U-Net, from scratch",
            hover: "A U-Net trained from scratch, or its decoder on the pretrained MobileNetV2 encoder",
        },
    );
    let label = ui.label("Decoder");
    ui.horizontal(|ui| {
        ui.label("U-Net, width");
        ui.add_enabled(
            editable,
            DragValue::new(&mut config.unet_width).range(4..=limits::MAX_UNET_WIDTH),
        )
        .labelled_by(label.id)
        .on_hover_text("Channels of the first stage; doubled at each of the 3 stages");
    });
    ui.end_row();
}
