//! The training panel's Sweep section: one or two settings (a combo each) with their
//! values as text, the number of runs or why the values cannot be read, "Start sweep", and
//! the sweep's progress line.

use egui::{ComboBox, Grid, RichText, Ui};

use crate::train::sweep;
use crate::ui::jobs::waker;
use crate::ui::training::{RunState, TaskTab, TrainingTab};
use crate::ui::widgets::status_bar::Status;

/// Draws the collapsible Sweep section.
pub fn show<T: TaskTab>(ui: &mut Ui, tab: &mut TrainingTab<T>, status: &mut Status) {
    egui::CollapsingHeader::new("Sweep")
        .id_salt("train-sweep")
        .show(ui, |ui| {
            let editable = tab.run.can_edit() && !tab.run.sweep.is_running();
            form(ui, &mut tab.run, editable);
            let plan = tab.run.sweep_form.plan_now(&tab.run.config);
            let runs = match &plan {
                Ok(runs) => {
                    ui.label(format!("{} runs", runs.len()));
                    runs.len()
                }
                Err(_) if tab.run.sweep_form.is_empty() => {
                    ui.label(
                        RichText::new("Type the values of one or two settings to sweep.").weak(),
                    );
                    0
                }
                Err(e) => {
                    ui.colored_label(ui.visuals().error_fg_color, e.to_string());
                    0
                }
            };
            let start = ui
                .add_enabled(
                    editable && runs > 0,
                    egui::Button::new(format!("Start sweep ({runs} runs)")),
                )
                .on_hover_text("Train the runs one after another, each kept in its run folder");
            if start.clicked()
                && let Ok(runs) = plan
            {
                if tab.run.confirm_start() {
                    tab.start_sweep(runs, waker(ui.ctx()), status);
                } else {
                    // Started once the question is answered ("Discard" or "Save first").
                    tab.run.sweep.hold(runs);
                }
            }
        });
}

/// The rows: a setting and its values each.
fn form(ui: &mut Ui, state: &mut RunState, editable: bool) {
    Grid::new("train-sweep-rows")
        .num_columns(2)
        .spacing([8.0, 6.0])
        .show(ui, |ui| {
            for (i, row) in state.sweep_form.rows.iter_mut().enumerate() {
                let n = i + 1;
                let label = ui.label(format!("Setting {n}"));
                ui.add_enabled_ui(editable, |ui| {
                    ComboBox::from_id_salt(format!("sweep-key-{n}"))
                        .selected_text(row.key.as_str())
                        .width(140.0)
                        .show_ui(ui, |ui| {
                            for key in sweep::keys() {
                                ui.selectable_value(&mut row.key, key.to_string(), key);
                            }
                        })
                        .response
                        .labelled_by(label.id);
                });
                ui.end_row();
                let label = ui.label(format!("Values {n}"));
                ui.add_enabled(
                    editable,
                    egui::TextEdit::singleline(&mut row.values)
                        .hint_text(sweep::example_values(&row.key))
                        .desired_width(180.0),
                )
                .labelled_by(label.id)
                .on_hover_text(
                    "A list (1e-3,3e-3,1e-2), or a range FROM..TOxN: N values, \
                     log-spaced (whole numbers rounded)",
                );
                ui.end_row();
            }
        });
}

/// The sweep's progress line ("Sweep 2 of 4: lr=3e-3 batch=32", or how it ended).
pub fn progress_line(ui: &mut Ui, state: &RunState) {
    if let Some(line) = state.sweep.line() {
        ui.label(line);
    }
}
