//! The Detect tab's layout: the shared controls with the detector's description, the
//! curves with the validation mAP, and the boxes view.

use egui::Ui;

use crate::core::protocol::{DetectionSummary, TrainConfig};
use crate::ui::detect::{DetectTab, boxes_panel, confusion_panel, curves_panel, faces};
use crate::ui::training::controls_panel::{self, Controls};
use crate::ui::training::plot_panel::{self, METRIC_COLOR, Series, VAL_COLOR};
use crate::ui::training::{RunState, TrainingTab};
use crate::ui::widgets::backbone_rows;
use crate::ui::widgets::plots::{AxisSpec, Chart, Ticks};
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::TextureCache;

/// What the Detect tab puts into the shared controls.
const CONTROLS: Controls = Controls {
    id: "Detect",
    folder_hint: "/path/to/data (YOLO, COCO or VOC annotations)",
    model_rows,
};

/// Draws the Detect tab; `width` is its controls panel's width.
pub fn show(
    ui: &mut Ui,
    tab: &mut TrainingTab<DetectTab>,
    width: &mut f32,
    textures: &mut TextureCache,
    status: &mut Status,
) {
    controls_panel::show(ui, tab, &CONTROLS, width, textures, status);
    egui::CentralPanel::default().show(ui, |ui| {
        if faces::model_choice(ui, &mut tab.task.faces) {
            faces::show(ui, &mut tab.task.faces, textures, status);
            return;
        }
        let plot_height = (ui.available_height() * 0.25).clamp(130.0, 260.0);
        let epoch_line = tab.task.metrics.last().map(|last| {
            format!(
                "epoch {}: mAP@0.5 {:.3}, mAP@0.5:0.95 {:.3}",
                last.epoch, last.map50, last.map
            )
        });
        let task = &mut tab.task;
        plot_panel::show(
            ui,
            &mut tab.run,
            plot_height,
            epoch_line,
            |ui, run, height| {
                map_plot(ui, run, task, height);
            },
        );
        ui.separator();
        let classes = tab.run.classes_shown();
        ui.horizontal(|ui| {
            ui.selectable_value(&mut task.errors.shown, false, "Validation boxes");
            ui.selectable_value(&mut task.errors.shown, true, "Error views");
        });
        if task.errors.shown {
            errors_page(ui, task, &classes, textures);
        } else {
            boxes_panel::show(ui, &mut task.boxes, task.metrics.last(), &classes, textures);
        }
    });
}

/// The error views of the last epoch: PR and F1 curves, then the confusion matrix and
/// its gallery, scrolling together.
fn errors_page(ui: &mut Ui, task: &mut DetectTab, classes: &[String], textures: &mut TextureCache) {
    egui::ScrollArea::vertical()
        .id_salt("detect-errors")
        .auto_shrink([false, false])
        .show(ui, |ui| match &task.errors.errors {
            None => {
                ui.label(
                    egui::RichText::new(
                        "PR and F1 curves and the confusion matrix appear after each epoch's validation.",
                    )
                    .weak(),
                );
            }
            Some(errors) => {
                ui.label(format!("Error views of epoch {}", task.errors.epoch));
                curves_panel::show(ui, errors, classes, 220.0);
                ui.separator();
                confusion_panel::show(ui, &mut task.errors, classes, textures);
            }
        });
}

/// Validation mAP@0.5 and mAP@0.5:0.95 after each epoch, where the epoch ended on the
/// panel's x axis.
fn map_plot(ui: &mut Ui, run: &RunState, tab: &DetectTab, height: f32) {
    let view = run.plot_view;
    let epochs = run.curves.epochs();
    let at = |epoch: usize| {
        epochs
            .iter()
            .find(|e| e.summary.epoch == epoch)
            .map_or(epoch as f64, |e| e.x(view.x_axis))
    };
    let series = |value: fn(&DetectionSummary) -> f32| -> Vec<[f64; 2]> {
        tab.metrics
            .iter()
            .map(|s| [at(s.epoch), f64::from(value(s))])
            .collect()
    };
    ui.label("Validation mAP");
    Chart::new("map-plot", height)
        .x_axis(plot_panel::x_axis(view))
        .y_axis(AxisSpec::new("mAP", Ticks::Number))
        .include_y(0.0)
        .include_y(1.0)
        .series(Series::line("mAP@0.5", series(|s| s.map50), VAL_COLOR).dots(3.5, "map50-points"))
        .series(
            Series::line("mAP@0.5:0.95", series(|s| s.map), METRIC_COLOR).dots(3.5, "map-points"),
        )
        .show(ui);
}

/// The detector's rows of the settings grid: from scratch or on the pretrained encoder.
fn model_rows(ui: &mut Ui, config: &mut TrainConfig, editable: bool) {
    backbone_rows::dense_model_rows(
        ui,
        config,
        editable,
        &backbone_rows::DenseModels {
            scratch: "CenterNet-style detector, from scratch",
            hover: "Heat-map, box and foreground-mask heads (stride 4) on a small CNN trained from scratch, or on the pretrained MobileNetV2 encoder",
        },
    );
}
