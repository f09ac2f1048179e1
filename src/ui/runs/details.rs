//! The selected run's details: what its record says (and what could not be read), its
//! name and note to edit, and its actions: open its checkpoint, run again with its
//! settings, delete it (after asking, naming the folder).

use egui::{Grid, RichText, Ui};

use crate::train::run_folder::{BEST, LAST};
use crate::ui::runs::state::RunsTab;
use crate::ui::runs::table::duration_text;
use crate::ui::widgets::plots::format_real;
use crate::ui::widgets::status_bar::Status;

/// Draws the selected run's details, or a hint when none is selected.
pub fn show(ui: &mut Ui, tab: &mut RunsTab, status: &mut Status) {
    let Some(row) = tab.selected_row().cloned() else {
        ui.label("Click a run's name for its details, rename, note and actions; tick runs to compare them.");
        return;
    };
    let run = &row.run;
    let running = run.is_running();
    ui.heading(run.display_name());
    ui.label(format!("Folder: {}", run.dir.display()));
    if !run.warnings.is_empty() {
        ui.label(
            RichText::new(format!(
                "⚠ Only partly read ({} problem(s)):",
                run.warnings.len()
            ))
            .color(ui.visuals().warn_fg_color),
        );
        for warning in &run.warnings {
            ui.label(RichText::new(format!("  {warning}")).color(ui.visuals().warn_fg_color));
        }
    }
    let info = run.info.clone().unwrap_or_default();
    let metric = |v: Option<f32>| {
        v.filter(|v| v.is_finite()).map_or("–".into(), |v| {
            format!("{} ({})", format_real(f64::from(v)), row.metric)
        })
    };
    Grid::new("runs-details")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            let mut line = |key: &str, value: String| {
                ui.label(key);
                ui.add(egui::Label::new(value).wrap());
                ui.end_row();
            };
            line("Task", row.task.clone());
            line("Data", row.data.clone());
            line("Model", row.model.clone());
            line("Device", info.device.clone());
            line("Started", info.started.clone());
            line(
                "Status",
                match &info.message {
                    Some(message) => format!("{} — {message}", row.status),
                    None => row.status.clone(),
                },
            );
            line("Duration", duration_text(row.duration));
            line(
                "Epochs / steps",
                format!("{} / {}", run.epochs.len(), run.steps.len()),
            );
            line("Best", metric(row.best));
            line("Final", metric(row.last));
            line("Version", info.version.clone());
        });
    ui.add_space(6.0);
    ui.add_enabled_ui(!running, |ui| {
        ui.horizontal(|ui| {
            let label = ui.label("Name:");
            ui.add(egui::TextEdit::singleline(&mut tab.name_text).desired_width(260.0))
                .labelled_by(label.id);
            if ui
                .button("Rename")
                .on_hover_text("Keep this name in run.json (the folder keeps its own)")
                .clicked()
            {
                tab.rename(status);
            }
        });
        let label = ui.label("Note:");
        ui.add(
            egui::TextEdit::multiline(&mut tab.note_text)
                .desired_rows(2)
                .desired_width(ui.available_width().min(520.0)),
        )
        .labelled_by(label.id);
        if ui.button("Save note").clicked() {
            tab.save_note(status);
        }
    });
    if running {
        ui.weak("Recorded as running: its record cannot be changed or deleted until it ends.");
    }
    ui.horizontal_wrapped(|ui| {
        let has_checkpoint = [&info.best_checkpoint, &info.last_checkpoint]
            .into_iter()
            .flatten()
            .any(|p| p.is_file())
            || [BEST, LAST].iter().any(|name| run.dir.join(name).is_file());
        if ui
            .add_enabled(has_checkpoint, egui::Button::new("Open checkpoint"))
            .on_hover_text("Show this run's task tab with its best (else last) checkpoint")
            .on_disabled_hover_text("This run's folder holds no checkpoint")
            .clicked()
        {
            tab.open_checkpoint(status);
        }
        if ui
            .add_enabled(
                run.config.is_some(),
                egui::Button::new("Run again with these settings"),
            )
            .on_hover_text("Fill the task tab's training panel with this run's settings")
            .on_disabled_hover_text("No readable config.json")
            .clicked()
        {
            tab.run_again(status);
        }
        if ui
            .add_enabled(!running, egui::Button::new("Delete…"))
            .clicked()
        {
            tab.ask_delete();
        }
    });
    egui::CollapsingHeader::new("All settings")
        .id_salt("runs-all-settings")
        .show(ui, |ui| {
            Grid::new("runs-settings").num_columns(2).show(ui, |ui| {
                for (key, value) in &row.settings {
                    ui.label(key);
                    ui.label(value);
                    ui.end_row();
                }
            });
        });
}

/// Asks, in a modal window, whether to delete the run asked about.
pub fn confirm_delete(ctx: &egui::Context, tab: &mut RunsTab, status: &mut Status) {
    let Some(dir) = tab.confirm_delete.clone() else {
        return;
    };
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("runs-delete")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        ui.heading("Delete this run?");
        ui.label(format!(
            "This removes the folder {} and everything in it (its record and checkpoints). \
             It cannot be undone.",
            dir.display()
        ));
        ui.horizontal(|ui| {
            if ui.button("Delete the folder").clicked() {
                tab.delete_confirmed(status);
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    if close || modal.should_close() {
        tab.confirm_delete = None;
    }
}
