//! The device box of every tab that runs tensors, with "Remote…": the address of a
//! `visionlab serve`, its token (hidden as it is typed, never shown; the training tabs keep
//! it with their settings), and "Test connection", whose answer (the server's devices, or
//! what went wrong) a thread in [`crate::core::remote_device`] finds while the window goes
//! on.

use std::sync::mpsc::{Receiver, TryRecvError};

use egui::{ComboBox, RichText, TextEdit, Ui};

use crate::core::protocol::DeviceChoice;
use crate::core::remote::{self, RemoteAddress, Token};
use crate::core::remote_device::{self, ServerDevices};
use crate::ui::jobs::waker;

/// The device box's item that opens the remote server's fields.
pub const REMOTE_ITEM: &str = "Remote…";

/// What "Remote…" holds: the address and token typed, and the last connection test.
#[derive(Default)]
pub struct RemoteForm {
    /// The server's address as typed (`ws://host:3000`).
    pub address: String,
    /// The token the server asks for (empty: none).
    pub token: Token,
    /// The fields are shown (the device is remote, or "Remote…" was chosen).
    pub open: bool,
    /// A connection test under way.
    testing: Option<Receiver<Result<ServerDevices, String>>>,
    /// The last test's answer.
    answer: Option<Result<ServerDevices, String>>,
}

impl RemoteForm {
    /// The form for a remembered device and token: a remote device's address filled in and
    /// the token presented to it.
    pub fn new(device: DeviceChoice, token: Token) -> Self {
        let mut form = RemoteForm {
            token,
            ..RemoteForm::default()
        };
        if let DeviceChoice::Remote(id) = device {
            let address = id.address();
            form.address = address.to_string();
            form.open = true;
            remote::set_token(&address, form.token.as_str());
        }
        form
    }

    /// The test's answer, once it has come.
    fn poll(&mut self) {
        let Some(testing) = &self.testing else {
            return;
        };
        match testing.try_recv() {
            Ok(answer) => {
                self.answer = Some(answer);
                self.testing = None;
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => {
                self.answer = Some(Err("the connection test stopped without an answer".into()));
                self.testing = None;
            }
        }
    }

    /// The address typed, when it is one; the device becomes that server's, with the token.
    fn apply(&self, device: &mut DeviceChoice) -> Result<(), String> {
        let address: RemoteAddress = self.address.parse().map_err(|e| format!("{e}"))?;
        remote::set_token(&address, self.token.as_str());
        *device = DeviceChoice::remote(address);
        Ok(())
    }
}

/// Draws the "Device" rows of a two-column settings grid: the box (Auto, CPU, GPU,
/// Remote…), then, for a remote server, its address, token and "Test connection".
pub fn device_rows(ui: &mut Ui, device: &mut DeviceChoice, form: &mut RemoteForm, editable: bool) {
    form.poll();
    let label = ui.label("Device");
    ui.add_enabled_ui(editable, |ui| {
        let selected = match *device {
            DeviceChoice::Remote(_) => REMOTE_ITEM,
            local => local.label(),
        };
        ComboBox::from_id_salt("device")
            .selected_text(selected)
            .width(200.0)
            .show_ui(ui, |ui| {
                for choice in DeviceChoice::ALL {
                    if ui
                        .selectable_label(*device == choice, choice.label())
                        .clicked()
                    {
                        *device = choice;
                        form.open = false;
                    }
                }
                let remote = matches!(device, DeviceChoice::Remote(_));
                if ui.selectable_label(remote, REMOTE_ITEM).clicked() {
                    form.open = true;
                    let _ = form.apply(&mut *device);
                }
            })
            .response
            .labelled_by(label.id);
    });
    ui.end_row();
    if !form.open {
        return;
    }

    let label = ui.label("Server address");
    let address = ui
        .add_enabled(
            editable,
            TextEdit::singleline(&mut form.address)
                .hint_text("ws://host:3000")
                .desired_width(200.0),
        )
        .labelled_by(label.id);
    ui.end_row();
    let label = ui.label("Token");
    let token = ui
        .add_enabled(
            editable,
            TextEdit::singleline(form.token.as_mut_string())
                .password(true)
                .hint_text("the server's token (none on loopback)")
                .desired_width(200.0),
        )
        .labelled_by(label.id)
        .on_hover_text("Kept with visionlab's settings on this machine; never shown or logged");
    ui.end_row();
    let typed = address.changed() || token.changed();
    let parsed = form.apply(&mut *device);
    if typed {
        form.answer = None;
    }

    ui.label("");
    ui.vertical(|ui| {
        let idle = form.testing.is_none();
        if ui
            .add_enabled(idle, egui::Button::new("Test connection"))
            .clicked()
        {
            form.answer = None;
            let wake = waker(ui.ctx());
            form.testing = Some(remote_device::spawn_test(
                form.address.clone(),
                form.token.as_str().to_string(),
                move || wake(),
            ));
        }
        let error = |ui: &mut Ui, text: &str| {
            ui.label(RichText::new(text).color(ui.visuals().error_fg_color));
        };
        match (&form.answer, &parsed) {
            _ if !idle => {
                ui.label("Connecting…");
            }
            (Some(Ok(found)), _) => {
                ui.label(format!(
                    "Connected to {}: {}",
                    found.host,
                    found.devices.join(", ")
                ));
            }
            (Some(Err(e)), _) => error(ui, e),
            (None, Err(e)) if !form.address.trim().is_empty() => error(ui, e),
            (None, _) => {}
        }
    });
    ui.end_row();
}
