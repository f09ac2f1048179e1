//! Live curves: training loss per step (raw and smoothed, linear or log10) with validation
//! loss per epoch and the learning rate under it on the left, and the task's validation plot
//! on the right (accuracy per epoch, or what the tab draws instead). The x axis counts
//! steps, epochs or wall time, the same in every plot of the panel.

use egui::{Color32, Id, Ui};

use crate::ui::training::RunState;
use crate::ui::training::curves::{PlotView, XAxis};
use crate::ui::widgets::plots::{AxisSpec, Chart, Ticks};
use crate::ui::widgets::status_bar::ERROR_COLOR;

pub use crate::ui::widgets::plots::Series;

const RAW_COLOR: Color32 = Color32::from_rgba_premultiplied(70, 110, 170, 90);
const SMOOTH_COLOR: Color32 = Color32::from_rgb(90, 160, 255);
const TRAIN_ACC_COLOR: Color32 = Color32::from_rgb(120, 200, 120);
const LR_COLOR: Color32 = Color32::from_rgb(0, 170, 150);

/// Colour of validation curves (loss, accuracy, the main metric).
pub const VAL_COLOR: Color32 = Color32::from_rgb(255, 150, 60);
/// Colour of a task's second validation metric (mean IoU, mAP@0.5:0.95).
pub const METRIC_COLOR: Color32 = Color32::from_rgb(200, 110, 230);

/// Height of a plot's title line, in points.
const TITLE_HEIGHT: f32 = 20.0;

/// Draws the header and the plots, using `height` points for the plots. `epoch_line`
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
        loss_column(&mut columns[0], run, height);
        right(&mut columns[1], run, height);
    });
}

fn header(ui: &mut Ui, run: &mut RunState, epoch_line: Option<String>) {
    ui.horizontal_wrapped(|ui| {
        ui.heading("Curves");
        ui.separator();
        ui.label(format!("Steps: {}", run.curves.step_count()));
        if let Some(loss) = run.curves.last_loss() {
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
        ui.checkbox(&mut run.plot_view.log_scale, "Log scale")
            .on_hover_text("The loss on a log10 axis (the ticks show the real values)");
        ui.separator();
        ui.label("x axis:");
        for axis in XAxis::ALL {
            ui.selectable_value(&mut run.plot_view.x_axis, axis, axis.label())
                .on_hover_text(match axis {
                    XAxis::Step => "Optimisation steps since the run started",
                    XAxis::Epoch => "Epochs (fractions inside an epoch)",
                    XAxis::WallTime => "Seconds of training (pauses and idle time left out)",
                });
        }
    });
}

/// The x axis of every plot of the panel.
pub fn x_axis(view: PlotView) -> AxisSpec {
    let ticks = match view.x_axis {
        XAxis::Step => Ticks::Integer,
        XAxis::Epoch => Ticks::Number,
        XAxis::WallTime => Ticks::Seconds,
    };
    AxisSpec::new(view.x_axis.axis_label(), ticks)
}

/// The group whose plots share their x range (zoom and pan together).
fn x_link(run: &RunState) -> Id {
    Id::unique(("training-x", run.config.task.label()))
}

/// The loss plot and the learning-rate plot under it, together `height` points high with
/// their titles (the right-hand plot's title is one line).
fn loss_column(ui: &mut Ui, run: &mut RunState, height: f32) {
    let lr_height = (height * 0.3).clamp(60.0, 110.0);
    let loss_height = (height - lr_height - TITLE_HEIGHT).max(80.0);
    loss_plot(ui, run, loss_height);
    learning_rate_plot(ui, run, lr_height);
}

fn loss_plot(ui: &mut Ui, run: &mut RunState, height: f32) {
    let view = run.plot_view;
    let axis = view.x_axis;
    let scale = |points: Vec<[f64; 2]>| -> Vec<[f64; 2]> {
        if view.log_scale {
            points
                .into_iter()
                .filter(|p| p[1] > 0.0)
                .map(|[x, y]| [x, y.log10()])
                .collect()
        } else {
            points
        }
    };
    let raw = scale(run.curves.losses(axis));
    let smooth = scale(run.curves.smoothed(run.smoothing, axis));
    let val = scale(
        run.curves
            .epochs()
            .iter()
            .map(|e| [e.x(axis), f64::from(e.summary.val_loss)])
            .filter(|p| p[1].is_finite())
            .collect(),
    );
    ui.label(if view.log_scale {
        "Loss (log scale)"
    } else {
        "Loss"
    });
    let y = if view.log_scale {
        AxisSpec::new("loss", Ticks::Log10)
    } else {
        AxisSpec::new("loss", Ticks::Number)
    };
    let mut chart = Chart::new("loss-plot", height)
        .x_axis(x_axis(view))
        .y_axis(y)
        .link_x(x_link(run))
        .series(Series::line("train loss (raw)", raw, RAW_COLOR).width(1.0))
        .series(Series::line("train loss (smoothed)", smooth, SMOOTH_COLOR))
        .series(
            Series::line("validation loss", val, VAL_COLOR).dots(3.5, "validation-loss-points"),
        );
    if !view.log_scale {
        chart = chart.include_y(0.0);
    }
    chart.show(ui);
}

fn learning_rate_plot(ui: &mut Ui, run: &RunState, height: f32) {
    let view = run.plot_view;
    ui.label("Learning rate");
    Chart::new("learning-rate-plot", height)
        .x_axis(x_axis(view))
        .y_axis(AxisSpec::new("rate", Ticks::Number))
        .link_x(x_link(run))
        .include_y(0.0)
        .series(Series::line(
            "learning rate",
            run.curves.learning_rates(view.x_axis),
            LR_COLOR,
        ))
        .show(ui);
}

/// The accuracy plot under `title`: validation and training accuracy per epoch, and the
/// task's `extra` curves, whose points are `[step, value]` (for instance the mean IoU).
pub fn accuracy_plot(ui: &mut Ui, run: &RunState, height: f32, title: &str, extra: Vec<Series>) {
    let view = run.plot_view;
    let epochs = run.curves.epochs();
    let at = |value: fn(&crate::core::protocol::EpochSummary) -> f32| -> Vec<[f64; 2]> {
        epochs
            .iter()
            .map(|e| [e.x(view.x_axis), f64::from(value(&e.summary))])
            .collect()
    };
    ui.label(title);
    let mut chart = Chart::new("accuracy-plot", height)
        .x_axis(x_axis(view))
        .y_axis(AxisSpec::new("accuracy", Ticks::Number))
        .include_y(0.0)
        .include_y(1.0)
        .series(
            Series::line("validation accuracy", at(|s| s.val_accuracy), VAL_COLOR)
                .dots(3.5, "validation-accuracy-points"),
        )
        .series(
            Series::line("train accuracy", at(|s| s.train_accuracy), TRAIN_ACC_COLOR)
                .width(1.5)
                .dots(2.5, "train-accuracy-points"),
        );
    for mut series in extra {
        series.points = series
            .points
            .iter()
            .filter_map(|&[step, v]| Some([run.curves.x_at_step(step as u64, view.x_axis)?, v]))
            .collect();
        chart = chart.series(series);
    }
    chart.show(ui);
}
