//! The training panel: hyper-parameters, a sweep over them, run controls, checkpoints
//! (saved and kept), "Use in Attack / Compress" for classifiers, progress, and the
//! questions asked before a model is lost (discard on Start, replace on Save).

use std::path::PathBuf;

use egui::{ComboBox, DragValue, Grid, ProgressBar, RichText, Ui};

use crate::core::limits;
use crate::core::protocol::{OptimizerKind, Task, TrainConfig};
use crate::ui::jobs::waker;
use crate::ui::training::{
    LabTab, Phase, Question, RunDialog, RunState, TaskTab, TrainingTab, Written, sweep_panel,
};
use crate::ui::widgets::dialogs::with_checkpoint_extension;
use crate::ui::widgets::remote_form;
use crate::ui::widgets::status_bar::Status;

/// Draws the training panel; `model_rows` draws the task's rows at the top of the
/// settings grid (see [`Controls`](crate::ui::training::controls_panel::Controls)).
pub fn show<T: TaskTab>(
    ui: &mut Ui,
    tab: &mut TrainingTab<T>,
    model_rows: fn(&mut Ui, &mut TrainConfig, bool),
    status: &mut Status,
) {
    ui.heading("Training");
    settings(ui, &mut tab.run, model_rows, status);
    sweep_panel::show(ui, tab, status);
    ui.add_space(4.0);
    controls(ui, tab, status);
    sweep_panel::progress_line(ui, &tab.run);
    progress(ui, &tab.run);
    ui.add_space(4.0);
    checkpoints(ui, tab, status);
    if tab.run.config.task == Task::Classify {
        labs(ui, &mut tab.run, status);
    }
    question(ui.ctx(), tab, status);
}

fn settings(
    ui: &mut Ui,
    state: &mut RunState,
    model_rows: fn(&mut Ui, &mut TrainConfig, bool),
    status: &mut Status,
) {
    let editable = state.can_edit();
    let paused = state.phase == Phase::Paused;
    Grid::new("train-settings")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let config = &mut state.config;
            model_rows(ui, config, editable);

            let label = ui.label("Optimizer");
            ui.add_enabled_ui(editable, |ui| {
                ComboBox::from_id_salt("optimizer")
                    .selected_text(config.optimizer.label())
                    .width(200.0)
                    .show_ui(ui, |ui| {
                        for kind in OptimizerKind::ALL {
                            ui.selectable_value(&mut config.optimizer, kind, kind.label());
                        }
                    })
                    .response
                    .labelled_by(label.id);
            });
            ui.end_row();

            let label = ui.label("Learning rate");
            let speed = (config.learning_rate * 0.02).max(1e-7);
            ui.add_enabled(
                editable,
                DragValue::new(&mut config.learning_rate)
                    .range(limits::MIN_LEARNING_RATE..=1.0)
                    .speed(speed)
                    .custom_formatter(|value, _| format!("{value:.2e}"))
                    .custom_parser(|text| text.trim().parse::<f64>().ok()),
            )
            .labelled_by(label.id)
            .on_hover_text("Drag to change by about 2% per pixel, or click and type (e.g. 3e-4)");
            ui.end_row();

            let label = ui.label("Batch size");
            ui.add_enabled(
                editable,
                DragValue::new(&mut config.batch_size)
                    .range(1..=limits::MAX_BATCH_SIZE)
                    .speed(0.5),
            )
            .labelled_by(label.id);
            ui.end_row();

            let label = ui.label("Epochs");
            let epochs = ui
                .add_enabled(
                    editable || paused,
                    DragValue::new(&mut config.epochs)
                        .range(1..=limits::MAX_EPOCHS)
                        .speed(0.1),
                )
                .labelled_by(label.id);
            if paused {
                epochs
                    .clone()
                    .on_hover_text("Changes the budget of the paused run");
            }
            let new_epochs = config.epochs;
            ui.end_row();
            if paused && epochs.changed() {
                state.set_epochs(new_epochs, status);
            }

            let config = &mut state.config;
            let label = ui.label("Image size");
            ui.add_enabled_ui(editable, |ui| {
                ui.horizontal(|ui| {
                    let mut auto = config.image_size.is_none();
                    if ui
                        .checkbox(&mut auto, "Auto")
                        .on_hover_text(
                            "Take the size from the data (detection and segmentation on the \
                             MobileNetV2 encoder: 160 px on the CPU, 320 on a GPU)",
                        )
                        .changed()
                    {
                        config.image_size = if auto {
                            None
                        } else {
                            Some(state.manual_image_size)
                        };
                    }
                    if let Some(size) = &mut config.image_size {
                        ui.add(
                            DragValue::new(size)
                                .range(8..=limits::MAX_INPUT_SIDE)
                                .suffix(" px"),
                        )
                        .labelled_by(label.id);
                        state.manual_image_size = *size;
                    }
                });
            });
            ui.end_row();

            // Each checkbox is named by its own text ("shifts", "flips").
            ui.label("Augmentation");
            ui.horizontal(|ui| {
                ui.add_enabled(editable, egui::Checkbox::new(&mut config.augment, "shifts"))
                    .on_hover_text("Shift training images by a few pixels at random");
                ui.add_enabled(editable, egui::Checkbox::new(&mut config.flip, "flips"))
                    .on_hover_text(
                        "Mirror left–right at random: right for photos and shapes, \
                         wrong for digits and text",
                    );
            });
            ui.end_row();

            remote_form::device_rows(ui, &mut config.device, &mut state.remote, editable);
        });
    let running_on = state.device.as_deref().unwrap_or("–");
    ui.label(format!("Running on: {running_on}"));
}

fn controls<T: TaskTab>(ui: &mut Ui, tab: &mut TrainingTab<T>, status: &mut Status) {
    let phase = tab.run.phase;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(tab.run.can_edit(), egui::Button::new("Start"))
            .clicked()
            && tab.run.confirm_start()
        {
            tab.start(waker(ui.ctx()), status);
        }
        if ui
            .add_enabled(phase == Phase::Running, egui::Button::new("Pause"))
            .clicked()
        {
            tab.run.pause(status);
        }
        if ui
            .add_enabled(phase == Phase::Paused, egui::Button::new("Resume"))
            .clicked()
        {
            tab.run.resume(status);
        }
        let can_stop = matches!(phase, Phase::Running | Phase::Pausing | Phase::Paused);
        if ui
            .add_enabled(can_stop, egui::Button::new("Stop"))
            .clicked()
        {
            tab.run.stop(status);
        }
    });
}

fn progress(ui: &mut Ui, state: &RunState) {
    let p = &state.progress;
    if let Some((done, total)) = p.loading {
        let fraction = if total == 0 {
            0.0
        } else {
            done as f32 / total as f32
        };
        ui.add(ProgressBar::new(fraction).text(format!("Loading data {done}/{total}")));
        return;
    }
    if p.steps_per_epoch == 0 {
        if state.phase.is_active() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Starting…");
            });
        }
        return;
    }
    let text = format!(
        "Epoch {}/{} · step {}/{}",
        p.epoch,
        p.epochs,
        p.step_in_epoch(),
        p.steps_per_epoch
    );
    ui.add(ProgressBar::new(p.fraction()).text(text));
}

fn checkpoints<T: TaskTab>(ui: &mut Ui, tab: &mut TrainingTab<T>, status: &mut Status) {
    let state = &mut tab.run;
    let mut resume = None;
    ui.label(RichText::new("Checkpoints").strong());
    ui.horizontal(|ui| {
        let label = ui.label("Path:");
        ui.add(
            egui::TextEdit::singleline(&mut state.checkpoint_text)
                .hint_text("/path/to/run.vlck")
                .desired_width(ui.available_width()),
        )
        .labelled_by(label.id);
    });
    let wake = waker(ui.ctx());
    let no_dialog = state.dialog_open().is_none();
    let typed = {
        let text = state.checkpoint_text.trim();
        (!text.is_empty()).then(|| with_checkpoint_extension(PathBuf::from(text)))
    };
    ui.horizontal_wrapped(|ui| {
        let can_save = state.can_save();
        if ui
            .add_enabled(can_save && no_dialog, egui::Button::new("Save checkpoint…"))
            .clicked()
        {
            state.open_dialog(RunDialog::SaveCheckpoint, wake.clone());
        }
        if ui
            .add_enabled(
                can_save && typed.is_some(),
                egui::Button::new("Save to path"),
            )
            .clicked()
            && let Some(path) = typed.clone()
        {
            state.save_checkpoint_asking(path, status);
        }
        let can_load = state.can_edit();
        if ui
            .add_enabled(can_load && no_dialog, egui::Button::new("Load checkpoint…"))
            .on_hover_text("Continue training from a checkpoint file")
            .clicked()
        {
            state.open_dialog(RunDialog::LoadCheckpoint, wake.clone());
        }
        if ui
            .add_enabled(
                can_load && typed.is_some(),
                egui::Button::new("Resume from path"),
            )
            .clicked()
            && let Some(path) = typed.clone()
        {
            resume = Some(path);
        }
    });
    if let Some(path) = resume {
        tab.resume_from(path, wake, status);
    }
    let state = &mut tab.run;
    if state.waiting_for_system_dialog()
        && matches!(
            state.dialog_open(),
            Some(RunDialog::SaveCheckpoint | RunDialog::LoadCheckpoint)
        )
    {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Waiting for the file dialog…");
            if ui.button("Stop waiting").clicked() {
                state.forget_dialog();
            }
        });
    }
    if let Some(saved) = state.last_saved() {
        let text = format!("Last saved: {} (step {})", saved.path.display(), saved.step);
        ui.label(RichText::new(text).weak());
    }
    if let Some(dir) = &state.kept_in {
        let epoch = |how| {
            state
                .kept(how)
                .and_then(|kept| kept.epochs)
                .map_or("–".to_string(), |e| e.to_string())
        };
        let text = format!(
            "Kept in {} (last: epoch {}, best: epoch {})",
            dir.display(),
            epoch(Written::KeptLast),
            epoch(Written::KeptBest)
        );
        ui.label(RichText::new(text).weak())
            .on_hover_text("Every run keeps last.vlck and best.vlck in its own folder");
    }
}

/// "Use in Attack" and "Use in Compress": the run's latest checkpoint and its data, taken
/// to that tab (the app applies the request).
fn labs(ui: &mut Ui, state: &mut RunState, status: &mut Status) {
    let latest = state.latest_checkpoint().map(|saved| saved.path.clone());
    ui.horizontal_wrapped(|ui| {
        for (label, lab) in [
            ("Use in Attack", LabTab::Attack),
            ("Use in Compress", LabTab::Compress),
        ] {
            let button = ui.add_enabled(latest.is_some(), egui::Button::new(label));
            let button = match &latest {
                Some(path) => button.on_hover_text(format!(
                    "Open {} and this run's data in that tab",
                    path.display()
                )),
                None => button.on_disabled_hover_text(state.why_not_usable()),
            };
            if button.clicked() {
                state.use_in(lab, status);
            }
        }
    });
}

/// The question the tab is asking, in a modal window.
fn question<T: TaskTab>(ctx: &egui::Context, tab: &mut TrainingTab<T>, status: &mut Status) {
    let Some(question) = tab.run.question().cloned() else {
        return;
    };
    let mut start = false;
    let modal = egui::Modal::new(egui::Id::unique("train-question")).show(ctx, |ui| {
        ui.set_max_width(420.0);
        match &question {
            Question::DiscardModel => {
                ui.heading("Discard the current model?");
                let unsaved = tab.run.progress.step;
                ui.label(format!(
                    "The model trained so far (step {unsaved}) is in no checkpoint: \
                     a new run or a resumed checkpoint replaces it."
                ));
                ui.horizontal(|ui| {
                    if ui.button("Save first").clicked() {
                        tab.run.save_first(waker(ui.ctx()));
                    }
                    if ui.button("Discard").clicked() {
                        tab.run.discard_model();
                        start = true;
                    }
                    if ui.button("Cancel").clicked() {
                        tab.run.cancel_question();
                    }
                });
            }
            Question::Replace(path) => {
                ui.heading(format!("Replace {}?", path.display()));
                ui.label("A file with this name exists: saving replaces what it holds.");
                ui.horizontal(|ui| {
                    if ui.button("Replace").clicked() {
                        tab.run.replace(status);
                    }
                    if ui.button("Cancel").clicked() {
                        tab.run.cancel_question();
                    }
                });
            }
        }
    });
    if modal.should_close() && tab.run.question().is_some() {
        tab.run.cancel_question();
    }
    if start {
        tab.start(waker(ctx), status);
    }
}
