//! The hyperparameter view: any setting against the final (or best) validation metric, one
//! point per run shown, the run named on hover. Numbers spanning more than a decade sit on
//! a log axis; words (an optimizer, a model) at one position each, labelled.

use egui::{Id, Ui};
use egui_plot::{PlotPoints, Points};

use crate::ui::runs::compare::run_colour;
use crate::ui::runs::state::{MetricChoice, RunsTab};
use crate::ui::widgets::plots::{AxisSpec, Ticks, empty_plot, styled_plot};

/// Height of the plot.
const PLOT_HEIGHT: f32 = 300.0;

/// Where the runs' values go on the x axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    /// Each value's x, in the values' order.
    pub x: Vec<f64>,
    /// The axis's ticks.
    pub ticks: Ticks,
}

/// Places `values` on an axis: numbers as they are, or their log10 when all are positive
/// and they span more than a decade; otherwise one whole position per distinct value, in
/// sorted order.
pub fn place(values: &[&str]) -> Placed {
    let numbers: Option<Vec<f64>> = values
        .iter()
        .map(|v| v.parse::<f64>().ok().filter(|n| n.is_finite()))
        .collect();
    if let Some(numbers) = numbers {
        let lo = numbers.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if lo > 0.0 && hi / lo > 10.0 {
            return Placed {
                x: numbers.iter().map(|n| n.log10()).collect(),
                ticks: Ticks::Log10,
            };
        }
        return Placed {
            x: numbers,
            ticks: Ticks::Number,
        };
    }
    let mut names: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    names.sort();
    names.dedup();
    let x = values
        .iter()
        .map(|v| names.iter().position(|n| n == v).unwrap_or(0) as f64)
        .collect();
    Placed {
        x,
        ticks: Ticks::Names(names),
    }
}

/// Draws the view.
pub fn show(ui: &mut Ui, tab: &mut RunsTab) {
    let mut keys: Vec<String> = tab
        .view()
        .iter()
        .flat_map(|&i| tab.rows()[i].settings.keys().cloned())
        .filter(|k| k != "runs_dir" && k != "resume_from")
        .collect();
    keys.sort();
    keys.dedup();
    if tab.hparam.is_empty() || !keys.contains(&tab.hparam) {
        tab.hparam = tab
            .differing()
            .first()
            .cloned()
            .or_else(|| keys.iter().find(|k| *k == "learning_rate").cloned())
            .or_else(|| keys.first().cloned())
            .unwrap_or_default();
    }
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Hyperparameter:");
        egui::ComboBox::from_id_salt("runs-hparam")
            .selected_text(tab.hparam.clone())
            .width(200.0)
            .show_ui(ui, |ui| {
                for key in &keys {
                    ui.selectable_value(&mut tab.hparam, key.clone(), key);
                }
            })
            .response
            .labelled_by(label.id);
        ui.label("against the");
        ui.radio_value(&mut tab.hparam_metric, MetricChoice::Final, "final");
        ui.radio_value(&mut tab.hparam_metric, MetricChoice::Best, "best");
        ui.label("validation metric, one point per run shown");
    });
    let key = tab.hparam.clone();
    let choice = tab.hparam_metric;
    let points: Vec<(String, &str, f32, bool)> = tab
        .view()
        .iter()
        .filter_map(|&i| {
            let row = &tab.rows()[i];
            let value = row.settings.get(&key)?;
            let metric = row.metric_of(choice)?;
            let ticked = tab.ticked.contains(&row.run.dir);
            Some((
                row.run.display_name().to_string(),
                value.as_str(),
                metric,
                ticked,
            ))
        })
        .collect();
    if points.is_empty() {
        empty_plot(
            ui,
            PLOT_HEIGHT,
            "No run shown has both this setting and a validation metric",
        );
        return;
    }
    let values: Vec<&str> = points.iter().map(|p| p.1).collect();
    let placed = place(&values);
    let x_title = match placed.ticks {
        Ticks::Log10 => format!("{key} (log scale)"),
        _ => key.clone(),
    };
    let metric = match choice {
        MetricChoice::Final => "final validation metric",
        MetricChoice::Best => "best validation metric",
    };
    let names = matches!(placed.ticks, Ticks::Names(_));
    let count = match &placed.ticks {
        Ticks::Names(n) => n.len(),
        _ => 0,
    };
    let mut plot = styled_plot(
        ui,
        "runs-hparams",
        PLOT_HEIGHT,
        &AxisSpec::new(x_title, placed.ticks.clone()),
        &AxisSpec::new(metric, Ticks::Number),
    );
    if names {
        plot = plot.include_x(-0.5).include_x(count as f64 - 0.5);
    } else if let Some((lo, hi)) = padded(placed.x.iter().copied()) {
        // Points at the ends are drawn whole, not cut by the frame.
        plot = plot.include_x(lo).include_x(hi);
    }
    if let Some((lo, hi)) = padded(points.iter().map(|p| f64::from(p.2))) {
        plot = plot.include_y(lo).include_y(hi);
    }
    plot.show(ui, |plot| {
        for (i, ((name, _, metric, ticked), x)) in points.iter().zip(&placed.x).enumerate() {
            let colour = if *ticked {
                run_colour(0)
            } else {
                plot_colour()
            };
            plot.points(
                Points::new(
                    name.clone(),
                    PlotPoints::from(vec![[*x, f64::from(*metric)]]),
                )
                .id(Id::unique(("runs-hparam-point", i)))
                .radius(if *ticked { 6.0 } else { 4.5 })
                .color(colour),
            );
        }
    });
    ui.weak("Hover a point to see its run; ticked runs are drawn larger.");
}

/// The colour of an unticked run's point.
fn plot_colour() -> egui::Color32 {
    egui::Color32::from_rgb(230, 159, 0)
}

/// The range of `values` widened by 6 % on each side (a single value by ±0.05), or `None`
/// without a finite value.
fn padded(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values.filter(|v| v.is_finite()).fold(
        None,
        |range: Option<(f64, f64)>, v| match range {
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
            None => Some((v, v)),
        },
    )?;
    let pad = if hi > lo { (hi - lo) * 0.06 } else { 0.05 };
    Some((lo - pad, hi + pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_placed_by_kind() {
        let wide = place(&["0.001", "0.01", "0.1"]);
        assert_eq!(wide.ticks, Ticks::Log10);
        assert!((wide.x[0] + 3.0).abs() < 1e-9);
        let narrow = place(&["32", "64"]);
        assert_eq!((narrow.ticks, narrow.x), (Ticks::Number, vec![32.0, 64.0]));
        let words = place(&["Sgd", "Adam", "Sgd"]);
        assert_eq!(words.ticks, Ticks::Names(vec!["Adam".into(), "Sgd".into()]));
        assert_eq!(words.x, vec![1.0, 0.0, 1.0]);
    }
}
