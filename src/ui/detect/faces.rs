//! The Detect tab's "Pretrained: faces" model: open, type or drop any photo and see the
//! faces the bundled detector finds in it (boxes with their score, keypoints as dots),
//! without training. The detection runs in a job ([`faces::job`]); this panel only shows
//! what it sends.

use std::path::PathBuf;

use egui::{Color32, Stroke, Ui};

use crate::core::job::{JobHandle, Waker};
use crate::core::protocol::{DetectEvent, FacesFound};
use crate::tasks::detect::faces;
use crate::ui::jobs::{DrainEnd, LAB_EVENTS_PER_FRAME, LabReport, drain, waker};
use crate::ui::widgets::dialogs::{DialogKind, PendingDialog, poll_slot};
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::{Picture, TextureCache};

/// Which model the Detect tab shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DetectModel {
    /// The detector trained in this tab.
    #[default]
    Trained,
    /// The bundled face detector (BlazeFace short-range).
    Faces,
}

/// The face panel's state: the photo's path as typed, the running job, the last result.
#[derive(Default)]
pub struct FacesPanel {
    /// The model chosen at the top of the tab.
    pub model: DetectModel,
    /// The photo's path, as typed or last opened.
    pub path: String,
    /// What the detector found in the last photo.
    pub found: Option<(FacesFound, Picture)>,
    /// Why the last photo gave nothing.
    pub error: Option<String>,
    job: Option<JobHandle>,
    dialog: Option<PendingDialog>,
}

impl FacesPanel {
    /// Starts finding the faces in `photo`.
    pub fn start(&mut self, photo: PathBuf, wake: Waker) {
        self.path = photo.display().to_string();
        self.error = None;
        self.job = Some(faces::job::spawn(photo, wake));
    }

    /// Whether a photo is being looked at.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// Takes a result in.
    pub fn take_found(&mut self, found: FacesFound) {
        let picture = Picture::new(found.picture.clone());
        self.error = None;
        self.found = Some((found, picture));
    }

    /// Takes what the job sent since the last frame.
    fn poll(&mut self, status: &mut Status) {
        let Some(job) = &self.job else { return };
        let (events, end) = drain(job, LAB_EVENTS_PER_FRAME);
        for event in events {
            match LabReport::detect(event) {
                LabReport::Own(DetectEvent::Faces(found)) => {
                    status.log(format!("{}: {}", found.path.display(), count_text(&found)));
                    self.take_found(found);
                }
                LabReport::Failed(message) => {
                    status.log(format!("Face detection failed: {message}"));
                    self.error = Some(message);
                }
                LabReport::Log(line) => status.log(line),
                // A training run's results are not this job's.
                LabReport::Own(
                    DetectEvent::Metrics(_) | DetectEvent::Boxes(_) | DetectEvent::Errors(_),
                )
                | LabReport::Device(_)
                | LabReport::Finished(_)
                | LabReport::Ignored => {}
            }
        }
        if end == DrainEnd::Disconnected {
            self.job = None;
        }
    }
}

/// "1 face", "3 faces", "no faces".
pub fn count_text(found: &FacesFound) -> String {
    match found.faces.len() {
        0 => "no faces".into(),
        1 => "1 face".into(),
        n => format!("{n} faces"),
    }
}

/// The model choice at the top of the Detect tab; true when the face detector is chosen.
pub fn model_choice(ui: &mut Ui, panel: &mut FacesPanel) -> bool {
    ui.horizontal(|ui| {
        ui.label("Model:");
        ui.selectable_value(&mut panel.model, DetectModel::Trained, "Trained here")
            .on_hover_text("The detector this tab trains");
        ui.selectable_value(&mut panel.model, DetectModel::Faces, "Pretrained: faces")
            .on_hover_text(
                "MediaPipe's BlazeFace short-range face detector (bundled): open or drop any photo",
            );
    });
    panel.model == DetectModel::Faces
}

/// Draws the face panel: the photo's path, Open…, Detect, and the result.
pub fn show(ui: &mut Ui, panel: &mut FacesPanel, textures: &mut TextureCache, status: &mut Status) {
    panel.poll(status);
    let wake = waker(ui.ctx());
    if let Some(dialog) = &mut panel.dialog {
        dialog.show(ui.ctx());
    }
    if let Some(path) = poll_slot(&mut panel.dialog, status) {
        panel.start(path, wake.clone());
    }
    let dropped: Vec<PathBuf> = ui.ctx().input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_path_buf())
            .filter(|p| !p.as_os_str().is_empty())
            .collect()
    });
    if let Some(first) = dropped.into_iter().next() {
        panel.start(first, wake.clone());
    }
    ui.label("Drop a photo here, or open one: the bundled face detector finds the faces.");
    ui.horizontal(|ui| {
        let label = ui.label("Photo:");
        let typed = ui
            .add(egui::TextEdit::singleline(&mut panel.path).desired_width(360.0))
            .labelled_by(label.id);
        let entered = typed.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let busy = panel.running();
        if ui.add_enabled(!busy, egui::Button::new("Open…")).clicked() {
            let ctx = ui.ctx().clone();
            panel.dialog = Some(PendingDialog::spawn(
                DialogKind::OpenImage(None),
                move || ctx.request_repaint(),
            ));
        }
        let ready = !busy && !panel.path.trim().is_empty();
        if (ui
            .add_enabled(ready, egui::Button::new("Find faces"))
            .clicked()
            || entered)
            && ready
        {
            let path = PathBuf::from(panel.path.trim());
            panel.start(path, wake.clone());
        }
        if busy {
            ui.spinner();
        }
    });
    if let Some(error) = &panel.error {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
    let Some((found, picture)) = &panel.found else {
        return;
    };
    ui.label(format!(
        "{} ({}×{}): {}",
        found
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        found.size[0],
        found.size[1],
        count_text(found)
    ));
    picture_with_faces(ui, found, picture, textures);
}

/// The photo scaled into the space left, with each face's box, score and keypoints.
fn picture_with_faces(
    ui: &mut Ui,
    found: &FacesFound,
    picture: &Picture,
    textures: &mut TextureCache,
) {
    let Some(texture) = textures.get(ui.ctx(), picture) else {
        return;
    };
    let available = ui.available_size();
    let aspect = picture.aspect();
    let width = available.x.min(available.y.max(120.0) * aspect).max(1.0);
    let size = egui::vec2(width, width / aspect);
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.image(
        texture.id(),
        rect,
        egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
        Color32::WHITE,
    );
    let scale = rect.width() / found.size[0].max(1) as f32;
    let at = |x: f32, y: f32| rect.min + egui::vec2(x * scale, y * scale);
    let colour = Color32::from_rgb(255, 60, 60);
    for face in &found.faces {
        let r = egui::Rect::from_min_max(at(face.x0, face.y0), at(face.x1, face.y1));
        painter.rect_stroke(r, 0.0, Stroke::new(2.0, colour), egui::StrokeKind::Outside);
        // The score on a filled tab above the box, readable on any photo.
        let text = painter.layout_no_wrap(
            format!("face {:.2}", face.score),
            egui::FontId::proportional(13.0),
            Color32::WHITE,
        );
        let tab = egui::Rect::from_min_size(
            r.left_top() - egui::vec2(2.0, text.size().y + 2.0),
            text.size() + egui::vec2(6.0, 2.0),
        );
        painter.rect_filled(tab, 2.0, colour);
        painter.galley(tab.min + egui::vec2(3.0, 1.0), text, Color32::WHITE);
        for [x, y] in face.keypoints {
            painter.circle_filled(at(x, y), 3.0, Color32::from_rgb(60, 255, 100));
        }
    }
}
