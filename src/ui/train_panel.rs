//! The training panel: hyper-parameters, run controls, checkpoints and progress.

use std::path::PathBuf;

use egui::{ComboBox, DragValue, Grid, ProgressBar, RichText, Ui};

use crate::train::protocol::{DeviceChoice, ModelKind, OptimizerKind, Task, TransferOptions};
use crate::ui::classify::{ClassifyState, DialogPurpose, Phase, waker};
use crate::ui::dialogs::with_checkpoint_extension;
use crate::ui::status_bar::Status;

/// Draws the training panel.
pub fn show(ui: &mut Ui, state: &mut ClassifyState, status: &mut Status) {
    ui.heading("Training");
    settings(ui, state, status);
    ui.add_space(4.0);
    controls(ui, state, status);
    progress(ui, state);
    ui.add_space(4.0);
    checkpoints(ui, state, status);
}

fn settings(ui: &mut Ui, state: &mut ClassifyState, status: &mut Status) {
    let editable = state.can_edit();
    let paused = state.phase == Phase::Paused;
    Grid::new("train-settings")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let config = &mut state.config;
            let label = ui.label("Model");
            match config.task {
                Task::Classify => {
                    ui.add_enabled_ui(editable, |ui| {
                        ComboBox::from_id_salt("model")
                            .selected_text(config.model.label())
                            .width(200.0)
                            .show_ui(ui, |ui| {
                                for kind in ModelKind::ALL {
                                    ui.selectable_value(&mut config.model, kind, kind.label());
                                }
                            })
                            .response
                            .labelled_by(label.id);
                    });
                }
                Task::Detect => {
                    ui.label("CenterNet-style detector + mask head")
                        .labelled_by(label.id)
                        .on_hover_text(
                            "Heat-map, box and foreground-mask heads on a small CNN (stride 4)",
                        );
                }
                Task::Segment => {
                    ui.horizontal(|ui| {
                        ui.label("U-Net, width");
                        ui.add_enabled(
                            editable,
                            DragValue::new(&mut config.unet_width).range(4..=64),
                        )
                        .labelled_by(label.id)
                        .on_hover_text(
                            "Channels of the first stage; doubled at each of the 3 stages",
                        );
                    });
                }
            }
            ui.end_row();

            if config.model == ModelKind::MobileNetV2 {
                transfer_rows(ui, &mut config.transfer, editable);
            }

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
                    .range(1e-6..=1.0)
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
                    .range(1..=4096)
                    .speed(0.5),
            )
            .labelled_by(label.id);
            ui.end_row();

            let label = ui.label("Epochs");
            let epochs = ui
                .add_enabled(
                    editable || paused,
                    DragValue::new(&mut config.epochs)
                        .range(1..=10_000)
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
                        .on_hover_text("Take the size from the data")
                        .changed()
                    {
                        config.image_size = if auto {
                            None
                        } else {
                            Some(state.manual_image_size)
                        };
                    }
                    if let Some(size) = &mut config.image_size {
                        ui.add(DragValue::new(size).range(8..=512).suffix(" px"))
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

            let label = ui.label("Device");
            ui.add_enabled_ui(editable, |ui| {
                ComboBox::from_id_salt("device")
                    .selected_text(config.device.label())
                    .width(200.0)
                    .show_ui(ui, |ui| {
                        for choice in DeviceChoice::ALL {
                            ui.selectable_value(&mut config.device, choice, choice.label());
                        }
                    })
                    .response
                    .labelled_by(label.id);
            });
            ui.end_row();
        });
    let running_on = state.device.as_deref().unwrap_or("–");
    ui.label(format!("Running on: {running_on}"));
}

fn controls(ui: &mut Ui, state: &mut ClassifyState, status: &mut Status) {
    let phase = state.phase;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(state.can_edit(), egui::Button::new("Start"))
            .clicked()
        {
            state.start(waker(ui.ctx()), status);
        }
        if ui
            .add_enabled(phase == Phase::Running, egui::Button::new("Pause"))
            .clicked()
        {
            state.pause(status);
        }
        if ui
            .add_enabled(phase == Phase::Paused, egui::Button::new("Resume"))
            .clicked()
        {
            state.resume(status);
        }
        let can_stop = matches!(phase, Phase::Running | Phase::Pausing | Phase::Paused);
        if ui
            .add_enabled(can_stop, egui::Button::new("Stop"))
            .clicked()
        {
            state.stop(status);
        }
    });
}

fn progress(ui: &mut Ui, state: &ClassifyState) {
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

fn checkpoints(ui: &mut Ui, state: &mut ClassifyState, status: &mut Status) {
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
            state.open_dialog(DialogPurpose::SaveCheckpoint, wake.clone(), status);
        }
        if ui
            .add_enabled(
                can_save && typed.is_some(),
                egui::Button::new("Save to path"),
            )
            .clicked()
            && let Some(path) = typed.clone()
        {
            state.save_checkpoint(path, status);
        }
        let can_load = state.can_edit();
        if ui
            .add_enabled(can_load && no_dialog, egui::Button::new("Load checkpoint…"))
            .on_hover_text("Continue training from a checkpoint file")
            .clicked()
        {
            state.open_dialog(DialogPurpose::LoadCheckpoint, wake.clone(), status);
        }
        if ui
            .add_enabled(
                can_load && typed.is_some(),
                egui::Button::new("Resume from path"),
            )
            .clicked()
            && let Some(path) = typed.clone()
        {
            state.resume_from(path, wake.clone(), status);
        }
    });
    if matches!(
        state.dialog_open(),
        Some(DialogPurpose::SaveCheckpoint | DialogPurpose::LoadCheckpoint)
    ) {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Waiting for the file dialog…");
            if ui.button("Stop waiting").clicked() {
                state.forget_dialog();
            }
        });
    }
    if let Some((path, step)) = state.saved.last() {
        ui.label(RichText::new(format!("Last saved: {} (step {step})", path.display())).weak());
    }
}

/// Fine-tuning choices of a pretrained backbone: freeze it, and unfreeze its last stages
/// after some epochs (at a lower learning rate).
fn transfer_rows(ui: &mut egui::Ui, transfer: &mut TransferOptions, editable: bool) {
    ui.label("Backbone");
    ui.add_enabled(
        editable,
        egui::Checkbox::new(&mut transfer.freeze_backbone, "frozen (train the new head)"),
    )
    .on_hover_text("Keep the ImageNet weights and batch-norm statistics; only the head learns");
    ui.end_row();
    let unfreezable = editable && transfer.freeze_backbone;
    ui.label("Then unfreeze");
    ui.horizontal(|ui| {
        ui.add_enabled(
            unfreezable,
            DragValue::new(&mut transfer.unfreeze_last)
                .range(0..=19)
                .suffix(" stages"),
        );
        ui.label("after");
        ui.add_enabled(
            unfreezable,
            DragValue::new(&mut transfer.unfreeze_after)
                .range(0..=1000)
                .suffix(" epochs"),
        );
    })
    .response
    .on_hover_text(
        "The last stages then train too, at a tenth of the learning rate (0 stages: never)",
    );
    ui.end_row();
}
