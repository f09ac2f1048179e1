//! The detector's curves after validation, side by side: precision against recall at IoU
//! 0.5, one line per class with its AP in the legend, and F1 against the confidence
//! threshold, over all classes (thick) and per class, with the best threshold marked.

use egui::{Color32, RichText, Ui};

use crate::core::protocol::DetectionErrors;
use crate::ui::detect::palette;
use crate::ui::widgets::class_name;
use crate::ui::widgets::plots::{AxisSpec, Chart, Series, Ticks};

/// Colour of the all-classes F1 curve and the best-threshold mark.
const ALL_COLOUR: Color32 = Color32::from_rgb(40, 110, 230);

/// The legend name of a class's PR curve: `"circle AP 0.912"`.
pub fn pr_legend(class: &str, ap: Option<f32>) -> String {
    match ap {
        Some(ap) => format!("{class} AP {ap:.3}"),
        None => format!("{class} (no boxes)"),
    }
}

/// The read-out of the best threshold: `"best F1 0.81 at confidence 0.42"`.
pub fn best_line(f1: f32, confidence: f32) -> String {
    format!("best F1 {f1:.2} at confidence {confidence:.2}")
}

/// Draws the PR and F1 charts of `errors`, `height` points high.
pub fn show(ui: &mut Ui, errors: &DetectionErrors, classes: &[String], height: f32) {
    let width = ((ui.available_width() - 16.0) / 2.0).max(200.0);
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(width);
            let map50 = mean(errors.pr_curves.iter().filter_map(|c| c.ap50));
            ui.label(format!("Precision–recall (IoU 0.5), mAP@0.5 {map50:.3}"));
            pr_chart(errors, classes, height).show(ui);
        });
        ui.vertical(|ui| {
            ui.set_width(width);
            match &errors.f1 {
                Some(f1) => {
                    ui.label(format!(
                        "F1–confidence: {}",
                        best_line(f1.best_f1, f1.best_confidence)
                    ));
                    f1_chart(errors, classes, height).show(ui);
                }
                None => {
                    ui.label(
                        RichText::new("F1–confidence: no class has true boxes to find").weak(),
                    );
                }
            }
        });
    });
}

fn mean(values: impl Iterator<Item = f32>) -> f32 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / n as f32 }
}

fn unit_axes(chart: Chart, x: &str, y: &str) -> Chart {
    chart
        .x_axis(AxisSpec::new(x, Ticks::Number))
        .y_axis(AxisSpec::new(y, Ticks::Number))
        .include_x(0.0)
        .include_x(1.0)
        .include_y(0.0)
        .include_y(1.0)
}

fn pr_chart(errors: &DetectionErrors, classes: &[String], height: f32) -> Chart {
    let mut chart = unit_axes(Chart::new("pr-curves", height), "recall", "precision")
        .empty_message("No class has true boxes in the validation images");
    for curve in &errors.pr_curves {
        let points = curve
            .points
            .iter()
            .map(|&[r, p]| [f64::from(r), f64::from(p)])
            .collect();
        chart = chart.series(Series::line(
            pr_legend(&class_name(classes, curve.class), curve.ap50),
            points,
            palette::class_colour(curve.class),
        ));
    }
    chart
}

fn f1_chart(errors: &DetectionErrors, classes: &[String], height: f32) -> Chart {
    let mut chart = unit_axes(Chart::new("f1-curve", height), "confidence", "F1");
    let Some(f1) = &errors.f1 else {
        return chart;
    };
    let line = |values: &[f32]| -> Vec<[f64; 2]> {
        f1.confidence
            .iter()
            .zip(values)
            .map(|(&c, &v)| [f64::from(c), f64::from(v)])
            .collect()
    };
    for (class, values) in f1.per_class.iter().enumerate() {
        chart = chart.series(
            Series::line(
                class_name(classes, class),
                line(values),
                palette::class_colour(class),
            )
            .width(1.0),
        );
    }
    let best = [f64::from(f1.best_confidence), f64::from(f1.best_f1)];
    chart
        .series(Series::line("all classes", line(&f1.all), ALL_COLOUR).width(3.0))
        .series(
            Series::line(
                best_line(f1.best_f1, f1.best_confidence),
                vec![[best[0], 0.0], best],
                ALL_COLOUR,
            )
            .width(1.0)
            .dots(4.0, "f1-best"),
        )
}
