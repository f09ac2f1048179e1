//! Live curves: training loss per step (raw and smoothed) with validation loss per
//! epoch, and accuracy per epoch.

use egui::{Color32, Ui};
use egui_plot::{Corner, Legend, Line, Plot, PlotPoints, Points};

use crate::train::protocol::Task;
use crate::ui::classify::ClassifyState;

const RAW_COLOR: Color32 = Color32::from_rgba_premultiplied(70, 110, 170, 90);
const SMOOTH_COLOR: Color32 = Color32::from_rgb(90, 160, 255);
const VAL_COLOR: Color32 = Color32::from_rgb(255, 150, 60);
const TRAIN_ACC_COLOR: Color32 = Color32::from_rgb(120, 200, 120);
const MIOU_COLOR: Color32 = Color32::from_rgb(200, 110, 230);

/// Draws the two plots with their header, using `height` points for the plots.
pub fn show(ui: &mut Ui, state: &mut ClassifyState, height: f32) {
    header(ui, state);
    let height = height.max(120.0);
    ui.columns(2, |columns| {
        loss_plot(&mut columns[0], state, height);
        accuracy_plot(&mut columns[1], state, height);
    });
}

fn header(ui: &mut Ui, state: &mut ClassifyState) {
    ui.horizontal(|ui| {
        ui.heading("Curves");
        ui.separator();
        ui.label(format!("Steps: {}", state.curves.step_count()));
        if let Some([_, loss]) = state.curves.steps().last() {
            ui.label(format!("loss {loss:.4}"));
        }
        if let Some(last) = state.boxes.history.last() {
            ui.label(format!(
                "· epoch {}: mAP@0.5 {:.3}, mAP@0.5:0.95 {:.3}",
                last.epoch, last.map50, last.map
            ));
        } else if let Some((_, last)) = state.curves.segmentation().last() {
            ui.label(format!(
                "· epoch {}: mean IoU {:.3}, pixel accuracy {:.1}%",
                last.epoch,
                last.mean_iou,
                last.pixel_accuracy * 100.0
            ));
        } else if let Some(last) = state.curves.epochs().last() {
            ui.label(format!(
                "· epoch {}: val accuracy {:.1}%",
                last.summary.epoch,
                last.summary.val_accuracy * 100.0
            ));
        }
        if state.curves.non_finite() > 0 {
            ui.colored_label(
                crate::ui::status_bar::ERROR_COLOR,
                format!("{} non-finite losses", state.curves.non_finite()),
            );
        }
        ui.separator();
        ui.add(
            egui::Slider::new(&mut state.smoothing, 0.0..=0.99)
                .text("smoothing")
                .fixed_decimals(2),
        );
    });
}

fn loss_plot(ui: &mut Ui, state: &mut ClassifyState, height: f32) {
    let smoothing = state.smoothing;
    let raw: Vec<[f64; 2]> = state.curves.steps().to_vec();
    let smooth: Vec<[f64; 2]> = state.curves.smoothed(smoothing).to_vec();
    let val: Vec<[f64; 2]> = state
        .curves
        .epochs()
        .iter()
        .map(|e| [e.step as f64, f64::from(e.summary.val_loss)])
        .filter(|p| p[1].is_finite())
        .collect();
    ui.label("Loss");
    Plot::new("loss-plot")
        .height(height)
        .legend(Legend::default().position(Corner::LeftBottom))
        .x_axis_label("step")
        .include_y(0.0)
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.line(
                Line::new("train loss (raw)", PlotPoints::from(raw))
                    .color(RAW_COLOR)
                    .width(1.0),
            );
            plot.line(
                Line::new("train loss (smoothed)", PlotPoints::from(smooth))
                    .color(SMOOTH_COLOR)
                    .width(2.0),
            );
            if !val.is_empty() {
                plot.line(
                    Line::new("validation loss", PlotPoints::from(val.clone()))
                        .color(VAL_COLOR)
                        .width(2.0),
                );
                plot.points(
                    Points::new("validation loss", PlotPoints::from(val))
                        .id("validation-loss-points")
                        .color(VAL_COLOR)
                        .radius(3.5),
                );
            }
        });
}

fn accuracy_plot(ui: &mut Ui, state: &ClassifyState, height: f32) {
    if state.config.task == Task::Detect {
        map_plot(ui, state, height);
        return;
    }
    let segment = state.config.task == Task::Segment;
    let miou: Vec<[f64; 2]> = state
        .curves
        .segmentation()
        .iter()
        .map(|(step, s)| [*step as f64, f64::from(s.mean_iou)])
        .collect();
    let epochs = state.curves.epochs();
    let val: Vec<[f64; 2]> = epochs
        .iter()
        .map(|e| [e.step as f64, f64::from(e.summary.val_accuracy)])
        .collect();
    let train: Vec<[f64; 2]> = epochs
        .iter()
        .map(|e| [e.step as f64, f64::from(e.summary.train_accuracy)])
        .collect();
    ui.label(if segment {
        "Pixel accuracy and mean IoU"
    } else {
        "Accuracy"
    });
    Plot::new("accuracy-plot")
        .height(height)
        .legend(Legend::default().position(Corner::RightBottom))
        .x_axis_label("step")
        .include_y(0.0)
        .include_y(1.0)
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.line(
                Line::new("validation accuracy", PlotPoints::from(val.clone()))
                    .color(VAL_COLOR)
                    .width(2.0),
            );
            plot.points(
                Points::new("validation accuracy", PlotPoints::from(val))
                    .id("validation-accuracy-points")
                    .color(VAL_COLOR)
                    .radius(3.5),
            );
            plot.line(
                Line::new("train accuracy", PlotPoints::from(train.clone()))
                    .color(TRAIN_ACC_COLOR)
                    .width(1.5),
            );
            plot.points(
                Points::new("train accuracy", PlotPoints::from(train))
                    .id("train-accuracy-points")
                    .color(TRAIN_ACC_COLOR)
                    .radius(2.5),
            );
            if segment {
                plot.line(
                    Line::new("validation mean IoU", PlotPoints::from(miou.clone()))
                        .color(MIOU_COLOR)
                        .width(2.0),
                );
                plot.points(
                    Points::new("validation mean IoU", PlotPoints::from(miou))
                        .id("validation-miou-points")
                        .color(MIOU_COLOR)
                        .radius(3.5),
                );
            }
        });
}

// --- object detection (issue 4) ---

/// Detection: validation mAP@0.5 and mAP@0.5:0.95 after each epoch.
fn map_plot(ui: &mut Ui, state: &ClassifyState, height: f32) {
    let epochs = state.curves.epochs();
    let at = |epoch: usize| {
        epochs
            .iter()
            .find(|e| e.summary.epoch == epoch)
            .map_or(epoch as f64, |e| e.step as f64)
    };
    let map50: Vec<[f64; 2]> = state
        .boxes
        .history
        .iter()
        .map(|s| [at(s.epoch), f64::from(s.map50)])
        .collect();
    let map: Vec<[f64; 2]> = state
        .boxes
        .history
        .iter()
        .map(|s| [at(s.epoch), f64::from(s.map)])
        .collect();
    ui.label("Validation mAP");
    Plot::new("map-plot")
        .height(height)
        .legend(Legend::default().position(Corner::RightBottom))
        .x_axis_label("step")
        .include_y(0.0)
        .include_y(1.0)
        .allow_scroll(false)
        .show(ui, |plot| {
            for (name, points, colour) in [
                ("mAP@0.5", map50, VAL_COLOR),
                ("mAP@0.5:0.95", map, MIOU_COLOR),
            ] {
                plot.line(
                    Line::new(name, PlotPoints::from(points.clone()))
                        .color(colour)
                        .width(2.0),
                );
                plot.points(
                    Points::new(name, PlotPoints::from(points))
                        .color(colour)
                        .radius(3.5),
                );
            }
        });
}
