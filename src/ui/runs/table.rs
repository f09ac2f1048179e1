//! The runs table: the filters (task, data, free text), a header whose titles sort, and one
//! row per run shown, drawn only where the scroll area shows it (hundreds of runs cost a
//! frame no more than a screenful).

use egui::{Align, Layout, RichText, Sense, Ui, Vec2, WidgetInfo};

use crate::ui::runs::state::{Column, RunRow, RunsTab};
use crate::ui::widgets::plots::format_real;
use crate::ui::widgets::status_bar::Status;

/// Height of a row, in points.
const ROW_HEIGHT: f32 = 22.0;

/// Width of a column, in points.
fn width(column: &Column) -> f32 {
    match column {
        // Narrow enough that a table with one differing setting fits 1024 points; longer
        // texts are cut with their whole text on hover.
        Column::Name => 180.0,
        Column::Task => 70.0,
        Column::Data => 150.0,
        Column::Model => 100.0,
        Column::Setting(_) => 90.0,
        Column::Best | Column::Final => 64.0,
        Column::Duration => 80.0,
        Column::Status => 100.0,
    }
}

/// Width of the tick box column.
const TICK_WIDTH: f32 = 26.0;

/// The columns shown: the fixed ones with the differing settings after the model.
fn columns(tab: &RunsTab) -> Vec<Column> {
    let mut columns = vec![Column::Name, Column::Task, Column::Data, Column::Model];
    columns.extend(tab.differing().iter().cloned().map(Column::Setting));
    columns.extend([
        Column::Best,
        Column::Final,
        Column::Duration,
        Column::Status,
    ]);
    columns
}

/// Draws the filters.
pub fn filters(ui: &mut Ui, tab: &mut RunsTab) {
    let (tasks, data) = tab.choices();
    let (tasks, data) = (tasks.to_vec(), data.to_vec());
    ui.horizontal_wrapped(|ui| {
        combo(ui, "runs-task-filter", "Task", &mut tab.filter.task, &tasks);
        combo(ui, "runs-data-filter", "Data", &mut tab.filter.data, &data);
        let label = ui.label("Search:");
        ui.add(
            egui::TextEdit::singleline(&mut tab.filter.text)
                .hint_text("name, note, data, settings")
                .desired_width(200.0),
        )
        .labelled_by(label.id);
        ui.label(format!(
            "{} of {} runs shown",
            tab.view().len(),
            tab.rows().len()
        ));
    });
}

fn combo(ui: &mut Ui, id: &str, title: &str, value: &mut Option<String>, choices: &[String]) {
    let label = ui.label(format!("{title}:"));
    let shown = value.clone().unwrap_or_else(|| "all".into());
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .width(150.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, "all");
            for choice in choices {
                ui.selectable_value(value, Some(choice.clone()), choice);
            }
        })
        .response
        .labelled_by(label.id);
}

/// Draws the table `height` points high (it scrolls sideways when it is wider than the
/// tab).
pub fn show(ui: &mut Ui, tab: &mut RunsTab, height: f32, status: &mut Status) {
    tab.update_view();
    let columns = columns(tab);
    // Runs of several metrics name theirs in each cell.
    let mixed = {
        let view = tab.view();
        let first = view.first().map(|&i| tab.rows()[i].metric.as_str());
        view.iter()
            .any(|&i| Some(tab.rows()[i].metric.as_str()) != first)
    };
    egui::ScrollArea::horizontal()
        .id_salt("runs-table-sideways")
        .show(ui, |ui| {
            ui.vertical(|ui| {
                header(ui, tab, &columns);
                ui.separator();
                let rows = tab.view().len();
                if rows == 0 {
                    ui.label(if tab.is_loading() {
                        "Reading the runs folder…"
                    } else {
                        "No runs to show: train a model, or change the filters or the runs folder."
                    });
                    return;
                }
                egui::ScrollArea::vertical()
                    .id_salt("runs-table-rows")
                    .max_height(height)
                    .auto_shrink([false, true])
                    .show_rows(ui, ROW_HEIGHT, rows, |ui, range| {
                        for place in range {
                            let index = tab.view()[place];
                            row(ui, tab, index, &columns, mixed, status);
                        }
                    });
            });
        });
}

fn header(ui: &mut Ui, tab: &mut RunsTab, columns: &[Column]) {
    // One metric name for all shown runs names the metric columns.
    let metrics: Vec<&str> = tab
        .view()
        .iter()
        .map(|&i| tab.rows()[i].metric.as_str())
        .collect();
    let same = metrics.windows(2).all(|w| w[0] == w[1]);
    let metric = metrics
        .first()
        .filter(|_| same)
        .copied()
        .unwrap_or("metric");
    let mut clicked = None;
    ui.horizontal(|ui| {
        // Where the rows have their tick boxes (the same width and spacing).
        cell(ui, TICK_WIDTH, |_| {});
        for column in columns {
            let sorted = tab.filter.sort.as_ref().filter(|(c, _)| c == column);
            cell(ui, width(column), |ui| {
                let title = column.title();
                let response = ui
                    .add(egui::Button::selectable(
                        sorted.is_some(),
                        RichText::new(&title).strong(),
                    ))
                    .on_hover_text(match column {
                        Column::Best => format!("Best epoch's validation {metric}; click to sort"),
                        Column::Final => format!("Last epoch's validation {metric}; click to sort"),
                        Column::Setting(key) => format!("{key}; click to sort"),
                        _ => "Click to sort".into(),
                    });
                if let Some((_, descending)) = sorted {
                    ui.label(if *descending { "⏷" } else { "⏶" });
                }
                if response.clicked() {
                    clicked = Some(column.clone());
                }
            });
        }
    });
    if let Some(column) = clicked {
        tab.sort_by(column);
        tab.update_view();
    }
}

/// A cell `width` points wide, its content left-aligned and cut to fit.
fn cell(ui: &mut Ui, width: f32, content: impl FnOnce(&mut Ui)) {
    ui.allocate_ui_with_layout(
        Vec2::new(width, ROW_HEIGHT),
        Layout::left_to_right(Align::Center),
        |ui| {
            ui.set_width(width);
            ui.set_max_width(width);
            content(ui);
        },
    );
}

fn text_cell(ui: &mut Ui, width: f32, text: &str) {
    cell(ui, width, |ui| {
        ui.add(egui::Label::new(text).truncate());
    });
}

/// A metric, with its name when the shown runs do not share one.
fn metric_text(value: Option<f32>, row: &RunRow, named: bool) -> String {
    match value.filter(|v| v.is_finite()) {
        Some(v) if named => format!("{} {}", format_real(f64::from(v)), row.metric),
        Some(v) => format_real(f64::from(v)),
        None => "–".into(),
    }
}

/// Seconds as `42 s`, `3 min 5 s` or `1 h 02 min`.
pub fn duration_text(seconds: Option<f64>) -> String {
    let Some(s) = seconds.filter(|s| s.is_finite() && *s >= 0.0) else {
        return "–".into();
    };
    let s = s.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

fn row(
    ui: &mut Ui,
    tab: &mut RunsTab,
    index: usize,
    columns: &[Column],
    mixed: bool,
    status: &mut Status,
) {
    let row = &tab.rows()[index];
    let dir = row.run.dir.clone();
    let name = row.run.display_name().to_string();
    let selected = tab.selected() == Some(dir.as_path());
    let mut ticked = tab.ticked.contains(&dir);
    let mut select = false;
    let mut action = None;
    ui.horizontal(|ui| {
        cell(ui, TICK_WIDTH, |ui| {
            let response = ui.add(egui::Checkbox::without_text(&mut ticked));
            let label = format!("Compare {name}");
            response.widget_info(|| {
                WidgetInfo::selected(egui::Role::CheckBox, true, ticked, label.clone())
            });
        });
        for column in columns {
            let w = width(column);
            match column {
                Column::Name => cell(ui, w, |ui| {
                    let text = if selected {
                        RichText::new(&name).strong().underline()
                    } else {
                        RichText::new(&name)
                    };
                    let response = ui
                        .add(egui::Label::new(text).truncate().sense(Sense::click()))
                        .on_hover_text(format!(
                            "{}\nClick for details; right-click for actions",
                            row.run.dir.display()
                        ));
                    if response.clicked() {
                        select = true;
                    }
                    response.context_menu(|ui| {
                        for (label, which) in [
                            ("Details, rename, note…", RowAction::Details),
                            ("Open checkpoint", RowAction::Open),
                            ("Run again with these settings", RowAction::RunAgain),
                            ("Delete…", RowAction::Delete),
                        ] {
                            if ui.button(label).clicked() {
                                action = Some(which);
                                ui.close();
                            }
                        }
                    });
                }),
                Column::Task => text_cell(ui, w, &row.task),
                Column::Data => text_cell(ui, w, &row.data),
                Column::Model => text_cell(ui, w, &row.model),
                Column::Setting(key) => {
                    let value = row.settings.get(key).map_or("–", String::as_str);
                    text_cell(ui, w, value);
                }
                Column::Best => text_cell(ui, w, &metric_text(row.best, row, mixed)),
                Column::Final => text_cell(ui, w, &metric_text(row.last, row, mixed)),
                Column::Duration => text_cell(ui, w, &duration_text(row.duration)),
                Column::Status => cell(ui, w, |ui| {
                    if !row.run.warnings.is_empty() {
                        ui.label(RichText::new("⚠").color(ui.visuals().warn_fg_color))
                            .on_hover_text(row.run.warnings.join("\n"));
                    }
                    ui.add(egui::Label::new(&row.status).truncate());
                }),
            }
        }
    });
    tab.set_ticked(&dir, ticked);
    if select || action.is_some() {
        tab.select(dir);
    }
    match action {
        None | Some(RowAction::Details) => {}
        Some(RowAction::Open) => tab.open_checkpoint(status),
        Some(RowAction::RunAgain) => tab.run_again(status),
        Some(RowAction::Delete) => tab.ask_delete(),
    }
}

/// A row's context-menu choice.
#[derive(Clone, Copy)]
enum RowAction {
    Details,
    Open,
    RunAgain,
    Delete,
}
