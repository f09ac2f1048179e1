//! The one way the app draws a plot: readable tick labels at "nice" steps in full text
//! colour on both axes, axis titles, a legend in the corner farthest from the data (on a
//! background), values on a log10 axis labelled with the real numbers, and a plain message
//! instead of an empty axis when there is nothing to show.
//!
//! The tick and legend arithmetic is pure (no `Ui`), so it is tested below.

use std::ops::RangeInclusive;

use egui::{Color32, Id, Rangef, RichText, Sense, StrokeKind, Ui, Vec2};
use egui_plot::{
    AxisHints, Corner, GridInput, GridMark, HoverPosition, Legend, Line, Plot, PlotPoints, PlotUi,
    Points,
};

/// What an empty training plot says.
pub const NO_RUN_YET: &str = "No data yet — start a run";

/// Smallest grid spacing in points (egui_plot's grid spacers are given steps in this unit).
const GRID_MIN: f32 = 8.0;
/// Least distance between two labelled ticks on the x axis, in points.
const X_LABEL_GAP: f64 = 70.0;
/// Least distance between two labelled ticks on the y axis, in points.
const Y_LABEL_GAP: f64 = 28.0;
/// Least width of the y axis, so plots stacked in a column line up.
const Y_AXIS_WIDTH: f32 = 44.0;
/// Opacity of the legend's background.
const LEGEND_BACKGROUND: f32 = 0.92;
/// Share of the plot's width and height a legend in a corner is taken to cover.
const LEGEND_SHARE: [f64; 2] = [0.45, 0.4];

/// How an axis places and writes its ticks.
#[derive(Clone, Debug, PartialEq)]
pub enum Ticks {
    /// Numbers at 1, 2 or 5 × 10ᵏ.
    Number,
    /// Whole numbers (steps, epochs of a short run): as `Number`, never finer than 1.
    Integer,
    /// Seconds, written `45 s`, `2:30` or `1:02:03`, at 1, 2, 5, 10, 15 or 30 s or minutes,
    /// or whole hours.
    Seconds,
    /// The values are log10 of the real ones; the ticks sit at 1, 2 and 5 × 10ᵏ (or whole
    /// decades) and show the real values.
    Log10,
    /// One name per whole number (bar charts).
    Names(Vec<String>),
}

impl Ticks {
    /// Tick marks for the visible `bounds` when `units_per_point` data units span one
    /// point, at least `gap` points apart.
    pub fn marks(&self, bounds: (f64, f64), units_per_point: f64, gap: f64) -> Vec<GridMark> {
        let (lo, hi) = bounds;
        let range = lo.is_finite() && hi.is_finite() && hi > lo;
        let scale = units_per_point.is_finite() && units_per_point > 0.0;
        if !(range && scale) {
            return Vec::new();
        }
        let min_step = units_per_point * gap;
        match self {
            Ticks::Number => linear_marks(bounds, nice_step(min_step), None),
            Ticks::Integer => linear_marks(bounds, nice_step(min_step).max(1.0), Some(1.0)),
            Ticks::Seconds => linear_marks(bounds, time_step(min_step), Some(min_step)),
            Ticks::Log10 => log_marks(bounds, units_per_point, gap),
            Ticks::Names(_) => linear_marks(bounds, 1.0, Some(1.0)),
        }
    }

    /// The label of a tick at `mark`.
    pub fn label(&self, mark: &GridMark) -> String {
        match self {
            Ticks::Number | Ticks::Integer => format_number(mark.value, mark.step_size),
            Ticks::Seconds => format_seconds(mark.value, mark.step_size),
            Ticks::Log10 => format_real(10f64.powf(mark.value)),
            Ticks::Names(names) => {
                let i = mark.value.round();
                if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                    names.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            }
        }
    }

    /// A value under the pointer, written in the axis's units.
    pub fn hover(&self, value: f64) -> String {
        match self {
            Ticks::Number => format_real(value),
            Ticks::Integer | Ticks::Names(_) => format!("{value:.1}"),
            Ticks::Seconds => format_seconds(value, 0.1),
            Ticks::Log10 => format_real(10f64.powf(value)),
        }
    }

    /// Least distance between labelled ticks on `axis` (names are labelled wherever they
    /// fit).
    fn gap(&self, axis: egui_plot::Axis) -> f64 {
        match (self, axis) {
            (Ticks::Names(_), _) => 1.0,
            (_, egui_plot::Axis::X) => X_LABEL_GAP,
            (_, egui_plot::Axis::Y) => Y_LABEL_GAP,
        }
    }
}

/// The smallest of 1, 2 or 5 × 10ᵏ that is at least `min_step`.
pub fn nice_step(min_step: f64) -> f64 {
    if !(min_step.is_finite() && min_step > 0.0) {
        return 1.0;
    }
    let decade = 10f64.powf(min_step.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * decade)
        .find(|&step| step >= min_step * (1.0 - 1e-9))
        .unwrap_or(10.0 * decade)
}

/// The smallest clock-friendly step (seconds) of at least `min_step`.
fn time_step(min_step: f64) -> f64 {
    const LADDER: [f64; 17] = [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
        10800.0, 21600.0, 43200.0,
    ];
    if min_step < 1.0 {
        return nice_step(min_step);
    }
    LADDER
        .into_iter()
        .find(|&s| s >= min_step)
        .unwrap_or_else(|| 3600.0 * nice_step(min_step / 3600.0))
}

/// Labelled marks every `step` across `bounds`, with unlabelled minor marks between them
/// (a fifth, a quarter or half of a step, never finer than `finest`).
fn linear_marks(bounds: (f64, f64), step: f64, finest: Option<f64>) -> Vec<GridMark> {
    let (lo, hi) = bounds;
    let mantissa = step / 10f64.powf(step.log10().floor());
    let parts = if (mantissa - 2.0).abs() < 1e-6 { 4 } else { 5 };
    let mut minor = step / f64::from(parts);
    let mut parts = i64::from(parts);
    if finest.is_some_and(|f| minor < f) || (hi - lo) / minor > 2000.0 {
        minor = step;
        parts = 1;
    }
    let first = (lo / minor).ceil() as i64;
    let last = (hi / minor).floor() as i64;
    (first..=last)
        .map(|k| GridMark {
            value: k as f64 * minor,
            step_size: if k.rem_euclid(parts) == 0 {
                step
            } else {
                minor
            },
        })
        .collect()
}

/// Marks on a log10 axis: at whole decades (every k decades when they are close), or at
/// 1, 2, 5 × 10ᵏ or 1…9 × 10ᵏ when there is room; a range inside one decade gets evenly
/// spaced real values. Every mark carries the same step so all are labelled.
fn log_marks(bounds: (f64, f64), units_per_point: f64, gap: f64) -> Vec<GridMark> {
    let (lo, hi) = bounds;
    let min_gap = units_per_point * gap; // in decades
    if min_gap >= 1.0 {
        let step = nice_step(min_gap).max(1.0).round();
        return linear_marks(bounds, step, Some(step));
    }
    let sets: [(&[f64], f64); 2] = [
        (
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
            (10f64 / 9.0).log10(),
        ),
        (&[1.0, 2.0, 5.0], 2f64.log10()),
    ];
    let (mantissas, step) = sets
        .into_iter()
        .find(|(_, least)| *least >= min_gap)
        .unwrap_or((&[1.0], 1.0));
    let mut marks: Vec<GridMark> = ((lo.floor() as i64)..=(hi.ceil() as i64))
        .flat_map(|decade| mantissas.iter().map(move |m| decade as f64 + m.log10()))
        .filter(|v| (lo..=hi).contains(v))
        .map(|value| GridMark {
            value,
            step_size: step,
        })
        .collect();
    if marks.len() < 2 {
        // Inside one decade: evenly spaced real values; the top of the range is where
        // they crowd most on a log axis.
        let (real_lo, real_hi) = (10f64.powf(lo), 10f64.powf(hi));
        let per_real = units_per_point * real_hi * std::f64::consts::LN_10;
        let real_step = nice_step(per_real * gap);
        let least = (real_hi / (real_hi - real_step).max(f64::MIN_POSITIVE)).log10();
        let first = (real_lo / real_step).ceil() as i64;
        let last = (real_hi / real_step).floor() as i64;
        if last - first < 1000 {
            marks = (first..=last)
                .map(|k| k as f64 * real_step)
                .filter(|v| *v > 0.0)
                .map(|v| GridMark {
                    value: v.log10(),
                    step_size: least,
                })
                .collect();
        }
    }
    marks
}

/// Decimals needed to write multiples of `step` exactly.
fn decimals_of(step: f64) -> usize {
    (0..=12)
        .find(|&d| {
            let scaled = step.abs() * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(12)
}

/// `value`, a multiple of `step`, with just the decimals the step needs.
pub fn format_number(value: f64, step: f64) -> String {
    let text = format!("{:.*}", decimals_of(step), value);
    // No "-0".
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches('-').to_string()
    } else {
        text
    }
}

/// A real value with three significant digits and no trailing zeros (`0.02`, `1.5`,
/// `1e-5`).
pub fn format_real(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let magnitude = value.abs().log10().floor();
    if !(-4.0..6.0).contains(&magnitude) {
        return format!("{value:.2e}")
            .replace(".00e", "e")
            .replace("0e", "e");
    }
    let decimals = (2.0 - magnitude).max(0.0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Seconds as `45 s`, `2:30` or `1:02:03` (`0.5 s` when the step is below a second).
pub fn format_seconds(value: f64, step: f64) -> String {
    let sign = if value < 0.0 { "-" } else { "" };
    let v = value.abs();
    if step < 1.0 && v < 60.0 {
        return format!("{sign}{} s", format_number(v, step));
    }
    let total = v.round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{sign}{h}:{m:02}:{s:02}")
    } else if m > 0 {
        format!("{sign}{m}:{s:02}")
    } else {
        format!("{sign}{s} s")
    }
}

/// The corner for a legend: the one whose share of the plot holds the fewest points of
/// `series` (lines sampled between their points) within `x` × `y`; ties go to the right
/// top, then left top, right bottom, left bottom.
pub fn legend_corner(series: &[&[[f64; 2]]], x: [f64; 2], y: [f64; 2]) -> Corner {
    const ORDER: [Corner; 4] = [
        Corner::RightTop,
        Corner::LeftTop,
        Corner::RightBottom,
        Corner::LeftBottom,
    ];
    let (w, h) = (x[1] - x[0], y[1] - y[0]);
    if !(w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0) {
        return Corner::RightTop;
    }
    let mut counts = [0usize; 4];
    let mut count = |px: f64, py: f64| {
        let (fx, fy) = ((px - x[0]) / w, (py - y[0]) / h);
        let left = fx <= LEGEND_SHARE[0];
        let right = fx >= 1.0 - LEGEND_SHARE[0];
        let bottom = fy <= LEGEND_SHARE[1];
        let top = fy >= 1.0 - LEGEND_SHARE[1];
        for (i, corner) in ORDER.iter().enumerate() {
            let inside = match corner {
                Corner::RightTop => right && top,
                Corner::LeftTop => left && top,
                Corner::RightBottom => right && bottom,
                Corner::LeftBottom => left && bottom,
            };
            counts[i] += usize::from(inside);
        }
    };
    for points in series {
        for pair in points.windows(2) {
            let ([x0, y0], [x1, y1]) = (pair[0], pair[1]);
            for k in 0..8 {
                let t = f64::from(k) / 8.0;
                count(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t);
            }
        }
        if let Some(&[px, py]) = points.last() {
            count(px, py);
        }
    }
    let best = (0..4).min_by_key(|&i| counts[i]).unwrap_or(0);
    ORDER[best]
}

/// A curve: a line, with a dot at each point when `radius` is above 0.
pub struct Series {
    /// Name in the legend.
    pub name: String,
    /// Id of the dots, when they need their own (else the name's).
    pub points_id: Option<&'static str>,
    /// The points.
    pub points: Vec<[f64; 2]>,
    /// Colour of the line and the dots.
    pub colour: Color32,
    /// Width of the line.
    pub width: f32,
    /// Radius of the dots (0: none).
    pub radius: f32,
}

impl Series {
    /// A plain line, 2 points wide.
    pub fn line(name: impl Into<String>, points: Vec<[f64; 2]>, colour: Color32) -> Self {
        Series {
            name: name.into(),
            points_id: None,
            points,
            colour,
            width: 2.0,
            radius: 0.0,
        }
    }

    /// The line `width` points wide.
    pub fn width(mut self, width: f32) -> Self {
        self.width = width;
        self
    }

    /// A dot of `radius` at each point, with the dots' own `id`.
    pub fn dots(mut self, radius: f32, id: &'static str) -> Self {
        self.radius = radius;
        self.points_id = Some(id);
        self
    }

    /// Adds the line and its dots to `plot`.
    pub fn draw(self, plot: &mut PlotUi<'_>) {
        plot.line(
            Line::new(self.name.clone(), PlotPoints::from(self.points.clone()))
                .color(self.colour)
                .width(self.width),
        );
        if self.radius > 0.0 {
            let points = Points::new(self.name, PlotPoints::from(self.points))
                .color(self.colour)
                .radius(self.radius);
            plot.points(match self.points_id {
                Some(id) => points.id(id),
                None => points,
            });
        }
    }
}

/// An axis: its title and its ticks.
#[derive(Clone, Debug, PartialEq)]
pub struct AxisSpec {
    /// Title under (x) or beside (y) the axis.
    pub title: String,
    /// How the ticks are placed and written.
    pub ticks: Ticks,
}

impl AxisSpec {
    /// An axis titled `title` with `ticks`.
    pub fn new(title: impl Into<String>, ticks: Ticks) -> Self {
        AxisSpec {
            title: title.into(),
            ticks,
        }
    }
}

/// A plot of line series in the house style (see the module's doc).
pub struct Chart {
    id: String,
    height: f32,
    x: AxisSpec,
    y: AxisSpec,
    include_x: Vec<f64>,
    include_y: Vec<f64>,
    series: Vec<Series>,
    empty: String,
    link_x: Option<Id>,
}

impl Chart {
    /// A chart `height` points high with egui id `id`, numbers on both axes.
    pub fn new(id: impl Into<String>, height: f32) -> Self {
        Chart {
            id: id.into(),
            height,
            x: AxisSpec::new("", Ticks::Number),
            y: AxisSpec::new("", Ticks::Number),
            include_x: Vec::new(),
            include_y: Vec::new(),
            series: Vec::new(),
            empty: NO_RUN_YET.to_string(),
            link_x: None,
        }
    }

    /// The x axis.
    pub fn x_axis(mut self, axis: AxisSpec) -> Self {
        self.x = axis;
        self
    }

    /// The y axis.
    pub fn y_axis(mut self, axis: AxisSpec) -> Self {
        self.y = axis;
        self
    }

    /// Keeps `x` in view.
    pub fn include_x(mut self, x: f64) -> Self {
        self.include_x.push(x);
        self
    }

    /// Keeps `y` in view.
    pub fn include_y(mut self, y: f64) -> Self {
        self.include_y.push(y);
        self
    }

    /// Adds a curve (one without points draws nothing).
    pub fn series(mut self, series: Series) -> Self {
        self.series.push(series);
        self
    }

    /// What the chart says when no series has a point.
    pub fn empty_message(mut self, message: impl Into<String>) -> Self {
        self.empty = message.into();
        self
    }

    /// Shares the x range with the other charts of `group` (zoom and pan together).
    pub fn link_x(mut self, group: Id) -> Self {
        self.link_x = Some(group);
        self
    }

    /// Whether no series has a point.
    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.points.is_empty())
    }

    /// Draws the chart, or the empty message in its place.
    pub fn show(self, ui: &mut Ui) {
        if self.is_empty() {
            empty_plot(ui, self.height, &self.empty);
            return;
        }
        let named = self.series.iter().filter(|s| !s.points.is_empty()).count();
        let mut plot = styled_plot(ui, &self.id, self.height, &self.x, &self.y);
        if named > 1 {
            let corner = self.legend_corner();
            plot = plot.legend(
                Legend::default()
                    .position(corner)
                    .background_alpha(LEGEND_BACKGROUND)
                    .follow_insertion_order(true),
            );
        }
        for x in &self.include_x {
            plot = plot.include_x(*x);
        }
        for y in &self.include_y {
            plot = plot.include_y(*y);
        }
        if let Some(group) = self.link_x {
            plot = plot.link_axis(group, [true, false]);
        }
        let series = self.series;
        plot.show(ui, move |plot| {
            for s in series.into_iter().filter(|s| !s.points.is_empty()) {
                s.draw(plot);
            }
        });
    }

    fn legend_corner(&self) -> Corner {
        let points: Vec<&[[f64; 2]]> = self.series.iter().map(|s| s.points.as_slice()).collect();
        let all = || points.iter().flat_map(|p| p.iter());
        let x = span(all().map(|p| p[0]).chain(self.include_x.iter().copied()));
        let y = span(all().map(|p| p[1]).chain(self.include_y.iter().copied()));
        legend_corner(&points, x, y)
    }
}

/// The least and greatest finite value.
fn span(values: impl Iterator<Item = f64>) -> [f64; 2] {
    values
        .filter(|v| v.is_finite())
        .fold([f64::INFINITY, f64::NEG_INFINITY], |[lo, hi], v| {
            [lo.min(v), hi.max(v)]
        })
}

/// An egui_plot `Plot` with the house axes (titles, nice ticks in full text colour, a
/// y axis wide enough to line up), hover read-outs in the axes' units and no scroll zoom
/// (the page scrolls instead).
pub fn styled_plot<'a>(ui: &Ui, id: &str, height: f32, x: &AxisSpec, y: &AxisSpec) -> Plot<'a> {
    let colour = ui.visuals().text_color();
    let (x_hover, y_hover) = (x.ticks.clone(), y.ticks.clone());
    Plot::new(id)
        .height(height)
        .allow_scroll(false)
        .grid_spacing(Rangef::new(GRID_MIN, 300.0))
        .x_grid_spacer(spacer(x.ticks.clone(), egui_plot::Axis::X))
        .y_grid_spacer(spacer(y.ticks.clone(), egui_plot::Axis::Y))
        .custom_x_axes(vec![axis_hints(x, egui_plot::Axis::X, colour)])
        .custom_y_axes(vec![
            axis_hints(y, egui_plot::Axis::Y, colour).min_thickness(Y_AXIS_WIDTH),
        ])
        .label_formatter(move |hover: &HoverPosition<'_>| {
            Some(match hover {
                HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => format!(
                    "{plot_name}\n{}, {}",
                    x_hover.hover(position.x),
                    y_hover.hover(position.y)
                ),
                HoverPosition::Elsewhere { position } => format!(
                    "{}, {}",
                    x_hover.hover(position.x),
                    y_hover.hover(position.y)
                ),
            })
        })
}

fn spacer<'a>(ticks: Ticks, axis: egui_plot::Axis) -> impl Fn(GridInput) -> Vec<GridMark> + 'a {
    move |input: GridInput| {
        let units_per_point = input.base_step_size / f64::from(GRID_MIN);
        ticks.marks(input.bounds, units_per_point, ticks.gap(axis))
    }
}

fn axis_hints<'a>(spec: &AxisSpec, axis: egui_plot::Axis, colour: Color32) -> AxisHints<'a> {
    let ticks = spec.ticks.clone();
    // Labels at full strength from the labelled step on; the finer marks stay unlabelled.
    let gap = ticks.gap(axis) as f32;
    AxisHints::new(axis)
        .label(RichText::new(spec.title.clone()))
        .tick_label_color(colour)
        .label_spacing(Rangef::new(gap * 0.99, gap))
        .formatter(move |mark: GridMark, _range: &RangeInclusive<f64>| ticks.label(&mark))
}

/// A framed box `height` points high with `message` in its middle, where a plot with no
/// data would be.
pub fn empty_plot(ui: &mut Ui, height: f32, message: &str) {
    let size = Vec2::new(ui.available_width().max(60.0), height.max(24.0));
    let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
    let visuals = ui.visuals();
    ui.painter().rect(
        rect,
        4.0,
        visuals.extreme_bg_color,
        visuals.widgets.noninteractive.bg_stroke,
        StrokeKind::Inside,
    );
    ui.put(rect, egui::Label::new(message));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(marks: &[GridMark]) -> Vec<f64> {
        marks.iter().map(|m| m.value).collect()
    }

    fn labelled(marks: &[GridMark], units_per_point: f64, gap: f64) -> Vec<GridMark> {
        marks
            .iter()
            .copied()
            .filter(|m| m.step_size / units_per_point >= gap * 0.99)
            .collect()
    }

    #[test]
    fn nice_steps_are_1_2_5() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(1.0), 1.0);
        assert_eq!(nice_step(1.2), 2.0);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert!((nice_step(0.0013) - 0.002).abs() < 1e-12);
        assert_eq!(time_step(40.0), 60.0);
        assert_eq!(time_step(700.0), 900.0);
        assert_eq!(time_step(50_000.0), 3600.0 * 20.0);
    }

    /// The labelled ticks are at least the gap apart and at least two fit in a plot of
    /// ordinary size, whatever the range.
    #[test]
    fn labelled_ticks_are_spaced_and_present() {
        for (lo, hi) in [(0.0, 1.0), (0.0, 12_345.0), (-0.5, 0.5), (0.001, 0.0032)] {
            for ticks in [Ticks::Number, Ticks::Seconds] {
                let units_per_point = (hi - lo) / 300.0;
                let marks = ticks.marks((lo, hi), units_per_point, 70.0);
                let shown = labelled(&marks, units_per_point, 70.0);
                assert!(shown.len() >= 2, "{ticks:?} {lo}..{hi}: {shown:?}");
                for pair in shown.windows(2) {
                    assert!((pair[1].value - pair[0].value) / units_per_point >= 69.0);
                }
            }
        }
        // Whole numbers never get fractional ticks.
        let marks = Ticks::Integer.marks((0.0, 3.0), 0.005, 70.0);
        assert_eq!(values(&marks), [0.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn log_ticks_show_real_values() {
        // Loss from 0.05 to 3 in 200 points: 1-2-5 marks.
        let (lo, hi) = (0.049f64.log10(), 3f64.log10());
        let units_per_point = (hi - lo) / 200.0;
        let marks = Ticks::Log10.marks((lo, hi), units_per_point, 28.0);
        let names: Vec<String> = marks.iter().map(|m| Ticks::Log10.label(m)).collect();
        assert_eq!(names, ["0.05", "0.1", "0.2", "0.5", "1", "2"]);
        assert_eq!(labelled(&marks, units_per_point, 28.0).len(), marks.len());
        // Ten decades in 100 points: every other decade.
        let marks = Ticks::Log10.marks((-6.0, 4.0), 0.05, 28.0);
        let names: Vec<String> = marks.iter().map(|m| Ticks::Log10.label(m)).collect();
        assert_eq!(names, ["1e-6", "0.0001", "0.01", "1", "100", "10000"]);
        // A narrow range inside a decade still gets labelled ticks.
        let (lo, hi) = (0.618f64.log10(), 0.7f64.log10());
        let marks = Ticks::Log10.marks((lo, hi), (hi - lo) / 200.0, 28.0);
        assert!(marks.len() >= 2, "{marks:?}");
        assert_eq!(Ticks::Log10.label(&marks[0]), "0.62");
    }

    #[test]
    fn numbers_and_times_read_well() {
        assert_eq!(format_number(0.30000000000000004, 0.1), "0.3");
        assert_eq!(format_number(-0.0, 0.5), "0.0");
        assert_eq!(format_number(0.75, 0.25), "0.75");
        assert_eq!(format_number(12000.0, 2000.0), "12000");
        assert_eq!(format_real(0.0020000000000000005), "0.002");
        assert_eq!(format_real(1.0), "1");
        assert_eq!(format_real(123.456), "123");
        assert_eq!(format_real(0.00001), "1e-5");
        assert_eq!(format_seconds(45.0, 5.0), "45 s");
        assert_eq!(format_seconds(150.0, 30.0), "2:30");
        assert_eq!(format_seconds(3723.0, 60.0), "1:02:03");
        assert_eq!(format_seconds(0.5, 0.5), "0.5 s");
        assert_eq!(format_seconds(-10.0, 10.0), "-10 s");
    }

    #[test]
    fn names_label_whole_positions_only() {
        let names = Ticks::Names(vec!["float".into(), "int8".into()]);
        let marks = names.marks((-0.5, 1.5), 0.01, 1.0);
        let labels: Vec<String> = marks.iter().map(|m| names.label(m)).collect();
        assert_eq!(labels, ["float", "int8"]);
    }

    #[test]
    fn the_legend_goes_where_the_data_is_not() {
        // A falling loss: top left and bottom right are taken.
        let falling: Vec<[f64; 2]> = (0..50)
            .map(|i| [i as f64, 1.0 / (1.0 + i as f64)])
            .collect();
        assert_eq!(
            legend_corner(&[&falling], [0.0, 49.0], [0.0, 1.0]),
            Corner::RightTop
        );
        // A rising accuracy: top right and bottom left are taken.
        let rising: Vec<[f64; 2]> = (0..10).map(|i| [i as f64, 0.5 + 0.05 * i as f64]).collect();
        let corner = legend_corner(&[&rising], [0.0, 9.0], [0.0, 1.0]);
        assert_eq!(corner, Corner::RightBottom);
        // Only two points: the line between them counts too.
        let two = [[0.0, 1.0], [1.0, 0.0]];
        assert_eq!(
            legend_corner(&[&two], [0.0, 1.0], [0.0, 1.0]),
            Corner::RightTop
        );
        let two = [[0.0, 0.0], [1.0, 1.0]];
        assert_eq!(
            legend_corner(&[&two], [0.0, 1.0], [0.0, 1.0]),
            Corner::LeftTop
        );
        // Nothing to measure: the default corner.
        assert_eq!(legend_corner(&[], [0.0, 0.0], [0.0, 0.0]), Corner::RightTop);
    }
}
