//! Live curves: training loss per step (raw and smoothed) with validation loss per epoch on
//! the left, and the task's validation plot on the right (accuracy per epoch, or what the
//! tab draws instead).

use egui::{Color32, Ui};
use egui_plot::{Corner, Legend, Line, Plot, PlotPoints, PlotUi, Points};

use crate::ui::training::RunState;
use crate::ui::widgets::status_bar::ERROR_COLOR;

const RAW_COLOR: Color32 = Color32::from_rgba_premultiplied(70, 110, 170, 90);
const SMOOTH_COLOR: Color32 = Color32::from_rgb(90, 160, 255);
const TRAIN_ACC_COLOR: Color32 = Color32::from_rgb(120, 200, 120);

/// Colour of validation curves (loss, accuracy, the main metric).
pub const VAL_COLOR: Color32 = Color32::from_rgb(255, 150, 60);
/// Colour of a task's second validation metric (mean IoU, mAP@0.5:0.95).
pub const METRIC_COLOR: Color32 = Color32::from_rgb(200, 110, 230);

/// A curve of `[step, value]` points, drawn as a line with a dot at each point.
pub struct Series {
    /// Name in the legend.
    pub name: &'static str,
    /// Id of the dots, when they need their own (else the name's).
    pub points_id: Option<&'static str>,
    /// The points.
    pub points: Vec<[f64; 2]>,
    /// Colour of the line and the dots.
    pub colour: Color32,
    /// Width of the line.
    pub width: f32,
    /// Radius of the dots.
    pub radius: f32,
}

impl Series {
    /// Adds the line and its dots to `plot`.
    pub fn draw(self, plot: &mut PlotUi<'_>) {
        plot.line(
            Line::new(self.name, PlotPoints::from(self.points.clone()))
                .color(self.colour)
                .width(self.width),
        );
        let points = Points::new(self.name, PlotPoints::from(self.points))
            .color(self.colour)
            .radius(self.radius);
        plot.points(match self.points_id {
            Some(id) => points.id(id),
            None => points,
        });
    }
}

/// Draws the header and the two plots, using `height` points for the plots. `epoch_line`
/// sums up the task's last validation (else the last epoch's accuracy is shown); `right`
/// draws the right-hand plot.
pub fn show(
    ui: &mut Ui,
    run: &mut RunState,
    height: f32,
    epoch_line: Option<String>,
    right: impl FnOnce(&mut Ui, &RunState, f32),
) {
    header(ui, run, epoch_line);
    let height = height.max(120.0);
    ui.columns(2, |columns| {
        loss_plot(&mut columns[0], run, height);
        right(&mut columns[1], run, height);
    });
}

fn header(ui: &mut Ui, run: &mut RunState, epoch_line: Option<String>) {
    ui.horizontal(|ui| {
        ui.heading("Curves");
        ui.separator();
        ui.label(format!("Steps: {}", run.curves.step_count()));
        if let Some([_, loss]) = run.curves.steps().last() {
            ui.label(format!("loss {loss:.4}"));
        }
        if let Some(line) = epoch_line {
            ui.label(format!("· {line}"));
        } else if let Some(last) = run.curves.epochs().last() {
            ui.label(format!(
                "· epoch {}: val accuracy {:.1}%",
                last.summary.epoch,
                last.summary.val_accuracy * 100.0
            ));
        }
        if run.curves.non_finite() > 0 {
            ui.colored_label(
                ERROR_COLOR,
                format!("{} non-finite losses", run.curves.non_finite()),
            );
        }
        ui.separator();
        ui.add(
            egui::Slider::new(&mut run.smoothing, 0.0..=0.99)
                .text("smoothing")
                .fixed_decimals(2),
        );
    });
}

fn loss_plot(ui: &mut Ui, run: &mut RunState, height: f32) {
    let smoothing = run.smoothing;
    let raw: Vec<[f64; 2]> = run.curves.steps().to_vec();
    let smooth: Vec<[f64; 2]> = run.curves.smoothed(smoothing).to_vec();
    let val: Vec<[f64; 2]> = run
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
                Series {
                    name: "validation loss",
                    points_id: Some("validation-loss-points"),
                    points: val,
                    colour: VAL_COLOR,
                    width: 2.0,
                    radius: 3.5,
                }
                .draw(plot);
            }
        });
}

/// The accuracy plot under `title`: validation and training accuracy per epoch, and the
/// task's `extra` curves (for instance the mean IoU).
pub fn accuracy_plot(ui: &mut Ui, run: &RunState, height: f32, title: &str, extra: Vec<Series>) {
    let epochs = run.curves.epochs();
    let val: Vec<[f64; 2]> = epochs
        .iter()
        .map(|e| [e.step as f64, f64::from(e.summary.val_accuracy)])
        .collect();
    let train: Vec<[f64; 2]> = epochs
        .iter()
        .map(|e| [e.step as f64, f64::from(e.summary.train_accuracy)])
        .collect();
    ui.label(title);
    Plot::new("accuracy-plot")
        .height(height)
        .legend(Legend::default().position(Corner::RightBottom))
        .x_axis_label("step")
        .include_y(0.0)
        .include_y(1.0)
        .allow_scroll(false)
        .show(ui, |plot| {
            Series {
                name: "validation accuracy",
                points_id: Some("validation-accuracy-points"),
                points: val,
                colour: VAL_COLOR,
                width: 2.0,
                radius: 3.5,
            }
            .draw(plot);
            Series {
                name: "train accuracy",
                points_id: Some("train-accuracy-points"),
                points: train,
                colour: TRAIN_ACC_COLOR,
                width: 1.5,
                radius: 2.5,
            }
            .draw(plot);
            for series in extra {
                series.draw(plot);
            }
        });
}
