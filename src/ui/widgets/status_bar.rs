//! The bottom bar: the last log line, what the job is doing, and errors.

use egui::{Color32, RichText, Ui};

/// Colour of error text.
pub const ERROR_COLOR: Color32 = Color32::from_rgb(230, 70, 70);

/// Messages for the status bar, fed by job events.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Status {
    /// The most recent log line.
    pub log: Option<String>,
    /// The most recent error, shown until dismissed.
    pub error: Option<String>,
    /// Errors that arrived while another one was shown.
    pub older_errors: usize,
}

impl Status {
    /// Records a log line.
    pub fn log(&mut self, line: impl Into<String>) {
        self.log = Some(line.into());
    }

    /// Records an error; it stays visible until dismissed.
    pub fn fail(&mut self, message: impl Into<String>) {
        if self.error.is_some() {
            self.older_errors += 1;
        }
        self.error = Some(message.into());
    }

    /// Clears the errors.
    pub fn dismiss(&mut self) {
        self.error = None;
        self.older_errors = 0;
    }
}

/// Most height an error takes in the bar; a longer one scrolls there, so the bar never
/// grows over the tab's buttons however long the message is.
pub const ERROR_MAX_HEIGHT: f32 = 64.0;

/// Draws the bar. `job_state` says what the current job is doing.
pub fn show(ui: &mut Ui, status: &mut Status, job_state: &str) {
    if let Some(error) = status.error.clone() {
        // The buttons first: a long message never pushes them out of the window.
        ui.horizontal(|ui| {
            if ui.button("Dismiss").clicked() {
                status.dismiss();
            }
            if ui
                .button("Copy")
                .on_hover_text("Copy the whole message")
                .clicked()
            {
                ui.ctx().copy_text(error.clone());
            }
            if status.older_errors > 0 {
                ui.label(
                    RichText::new(format!("(+{} earlier)", status.older_errors)).color(ERROR_COLOR),
                );
            }
        });
        egui::ScrollArea::vertical()
            .id_salt("status-error")
            .max_height(ERROR_MAX_HEIGHT)
            .show(ui, |ui| {
                ui.add(
                    egui::Label::new(
                        RichText::new(format!("Error: {error}"))
                            .color(ERROR_COLOR)
                            .strong(),
                    )
                    .wrap(),
                );
            });
        ui.separator();
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new(job_state).strong());
        ui.separator();
        let log = status.log.as_deref().unwrap_or("Ready.");
        ui.add(egui::Label::new(log).truncate()).on_hover_text(log);
    });
}
