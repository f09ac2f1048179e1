//! Compare: the ticked runs' curves overlaid, one colour per run (training loss per step,
//! the validation metric per epoch), each named in the legend by the settings that differ
//! between them (`lr=0.003 batch=32`), on an x axis of steps, epochs or wall time.

use std::collections::{BTreeMap, HashMap};

use egui::{Color32, Id, RichText, Ui};

use crate::train::runs::{LoadedRun, differing_keys};
use crate::ui::detect::palette::class_colour;
use crate::ui::runs::state::{RunRow, RunsTab, short_key};
use crate::ui::settings::XAxis;
use crate::ui::widgets::plots::{AxisSpec, Chart, Series, Ticks, format_real};

/// Most points drawn of one run's step curve (longer ones are thinned evenly).
const MAX_STEP_POINTS: usize = 2000;

/// Settings named in a legend entry, at most.
const MAX_KEYS: usize = 4;

/// Height of each plot.
const PLOT_HEIGHT: f32 = 220.0;

/// The colour of the `i`th compared run.
pub fn run_colour(i: usize) -> Color32 {
    class_colour(i)
}

/// One legend name per run: the settings that differ between `rows` (`lr=0.003
/// batch=32`), or the run's name when none do; a name two runs would share gets the run's
/// name added.
pub fn legend_names(rows: &[&RunRow]) -> Vec<String> {
    let settings: Vec<&BTreeMap<String, String>> = rows.iter().map(|r| &r.settings).collect();
    let keys: Vec<String> = differing_keys(&settings)
        .into_iter()
        .filter(|k| k != "runs_dir" && k != "resume_from")
        .take(MAX_KEYS)
        .collect();
    let names: Vec<String> = rows
        .iter()
        .map(|row| {
            let parts: Vec<String> = keys
                .iter()
                .map(|key| {
                    let value = row.settings.get(key).map_or("–".to_string(), |v| {
                        v.parse::<f64>().map_or_else(|_| v.clone(), format_real)
                    });
                    format!("{}={value}", short_key(key))
                })
                .collect();
            if parts.is_empty() {
                row.run.display_name().to_string()
            } else {
                parts.join(" ")
            }
        })
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for name in &names {
        *seen.entry(name.as_str()).or_default() += 1;
    }
    names
        .iter()
        .zip(rows)
        .map(|(name, row)| {
            if seen.get(name.as_str()).copied().unwrap_or(0) > 1 && name != row.run.display_name() {
                format!("{name} ({})", row.run.display_name())
            } else {
                name.clone()
            }
        })
        .collect()
}

/// The training loss of each step at `x`.
pub fn loss_points(run: &LoadedRun, x: XAxis) -> Vec<[f64; 2]> {
    let mut per_epoch: BTreeMap<usize, usize> = BTreeMap::new();
    for step in &run.steps {
        *per_epoch.entry(step.epoch).or_default() += 1;
    }
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    let every = run.steps.len().div_ceil(MAX_STEP_POINTS).max(1);
    run.steps
        .iter()
        .enumerate()
        .filter_map(|(i, step)| {
            let k = seen.entry(step.epoch).or_default();
            *k += 1;
            let at = match x {
                XAxis::Step => step.step as f64,
                XAxis::Epoch => {
                    let n = per_epoch.get(&step.epoch).copied().unwrap_or(1).max(1);
                    (step.epoch as f64 - 1.0) + *k as f64 / n as f64
                }
                XAxis::WallTime => step.seconds,
            };
            let keep = i % every == 0 || i + 1 == run.steps.len();
            (keep && step.loss.is_finite()).then_some([at, f64::from(step.loss)])
        })
        .collect()
}

/// The validation metric of each epoch at `x` (by step: the epoch's last step).
pub fn metric_points(run: &LoadedRun, x: XAxis) -> Vec<[f64; 2]> {
    run.epochs
        .iter()
        .filter(|e| e.val_metric.is_finite())
        .map(|e| {
            let at = match x {
                XAxis::Step => run
                    .steps
                    .iter()
                    .rev()
                    .find(|s| s.epoch == e.epoch)
                    .map_or(e.epoch as f64, |s| s.step as f64),
                XAxis::Epoch => e.epoch as f64,
                XAxis::WallTime => e.elapsed,
            };
            [at, f64::from(e.val_metric)]
        })
        .collect()
}

fn x_spec(x: XAxis) -> AxisSpec {
    match x {
        XAxis::Step => AxisSpec::new("step", Ticks::Integer),
        XAxis::Epoch => AxisSpec::new("epoch", Ticks::Number),
        XAxis::WallTime => AxisSpec::new("time since start", Ticks::Seconds),
    }
}

/// Draws the compare view.
pub fn show(ui: &mut Ui, tab: &mut RunsTab) {
    ui.horizontal(|ui| {
        ui.label("x axis:");
        ui.radio_value(&mut tab.x_axis, XAxis::Step, "Step");
        ui.radio_value(&mut tab.x_axis, XAxis::Epoch, "Epoch");
        ui.radio_value(&mut tab.x_axis, XAxis::WallTime, "Wall time");
    });
    let rows = tab.ticked_rows();
    if rows.is_empty() {
        ui.label("Tick runs in the table to overlay their curves here.");
        return;
    }
    let x = tab.x_axis;
    let names = legend_names(&rows);
    let mut metrics: Vec<&str> = rows.iter().map(|r| r.metric.as_str()).collect();
    metrics.dedup();
    let metric = match metrics.as_slice() {
        [one] => format!("validation {one}"),
        _ => "validation metric".to_string(),
    };
    let group = Id::unique("runs-compare-x");
    let mut loss = Chart::new("runs-compare-loss", PLOT_HEIGHT)
        .x_axis(x_spec(x))
        .y_axis(AxisSpec::new("training loss", Ticks::Number))
        .empty_message("No steps recorded in the ticked runs")
        .link_x(group);
    let mut val = Chart::new("runs-compare-metric", PLOT_HEIGHT)
        .x_axis(x_spec(x))
        .y_axis(AxisSpec::new(metric.clone(), Ticks::Number))
        .empty_message("No epochs recorded in the ticked runs")
        .link_x(group);
    for (i, (row, name)) in rows.iter().zip(&names).enumerate() {
        let colour = run_colour(i);
        loss = loss.series(Series::line(name.clone(), loss_points(&row.run, x), colour).width(1.5));
        // Dots named by the run (an epoch's point shows even when it is the only one).
        val = val.series(Series {
            radius: 3.0,
            ..Series::line(name.clone(), metric_points(&row.run, x), colour)
        });
    }
    ui.label(RichText::new("Training loss").strong());
    loss.show(ui);
    ui.label(RichText::new(format!("V{}", &metric[1..])).strong());
    val.show(ui);
    ui.label(RichText::new("Runs compared").strong());
    for (i, (row, name)) in rows.iter().zip(&names).enumerate() {
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("■ {name}")).color(run_colour(i)));
            ui.weak(row.run.display_name());
        });
    }
}
