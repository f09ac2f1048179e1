//! The Runs tab's frame: the runs folder (with Browse and Refresh) and the filters on top,
//! then the table, then the selected run's details, the compare view or the
//! hyperparameter view, all in one scroll area so a small window reaches everything.

use std::path::PathBuf;

use egui::Ui;

use crate::ui::jobs::waker;
use crate::ui::runs::state::{Pane, RunsTab};
use crate::ui::runs::{compare, details, hparams, table};
use crate::ui::widgets::status_bar::Status;

/// Draws the tab.
pub fn show(ui: &mut Ui, tab: &mut RunsTab, status: &mut Status) {
    egui::Panel::top("runs-toolbar").show(ui, |ui| {
        toolbar(ui, tab, status);
        table::filters(ui, tab);
    });
    egui::CentralPanel::default().show(ui, |ui| {
        // The table takes about half the tab, at least a few rows.
        let height = (ui.available_height() * 0.45).max(140.0);
        egui::ScrollArea::vertical()
            .id_salt("runs-central-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                table::show(ui, tab, height, status);
                ui.separator();
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut tab.pane, Pane::Details, "Details");
                    let ticked = tab.ticked.len();
                    ui.selectable_value(
                        &mut tab.pane,
                        Pane::Compare,
                        format!("Compare ({ticked} ticked)"),
                    );
                    ui.selectable_value(&mut tab.pane, Pane::Hyperparameters, "Hyperparameters");
                });
                ui.separator();
                match tab.pane {
                    Pane::Details => details::show(ui, tab, status),
                    Pane::Compare => compare::show(ui, tab),
                    Pane::Hyperparameters => hparams::show(ui, tab),
                }
            });
    });
    details::confirm_delete(ui.ctx(), tab, status);
    tab.show_dialog(ui.ctx());
}

fn toolbar(ui: &mut Ui, tab: &mut RunsTab, status: &mut Status) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Runs folder:");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut tab.root_text)
                    .hint_text("a folder of run folders")
                    .desired_width(340.0),
            )
            .labelled_by(label.id);
        let typed = tab.root_text.trim().to_string();
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let changed = tab
            .root()
            .is_none_or(|r| r != PathBuf::from(&typed).as_path());
        if ui
            .add_enabled(!typed.is_empty() && changed, egui::Button::new("Use"))
            .on_hover_text("List this folder, and keep new runs there")
            .clicked()
            || (entered && !typed.is_empty() && changed)
        {
            tab.choose_root(PathBuf::from(typed));
        }
        if ui
            .add_enabled(!tab.dialog_open(), egui::Button::new("Browse…"))
            .clicked()
        {
            tab.open_dialog(waker(ui.ctx()));
        }
        if ui
            .add_enabled(!tab.is_loading(), egui::Button::new("Refresh"))
            .clicked()
        {
            tab.refresh(waker(ui.ctx()), status);
        }
        if tab.is_loading() {
            ui.spinner();
            ui.label("Reading runs…");
        } else if let Some(took) = tab.loaded_in {
            ui.weak(format!(
                "{} runs read in {} ms",
                tab.rows().len(),
                took.as_millis()
            ));
        }
    });
}
