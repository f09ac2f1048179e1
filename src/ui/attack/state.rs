//! The Attack tab's state and actions: the model and data fields, the explorer (an image,
//! the attack's settings and the latest adversarial example) and the robustness curve.

use std::path::{Path, PathBuf};

use crate::attack::{explore, robustness};
use crate::core::job::{JobHandle, Waker};
use crate::core::protocol::{
    AdversarialExample, AttackMethod, AttackSettings, Command, DataSpec, Event, ExploreImage,
    ExploreRequest, FinishReason, LabEvent, RobustnessConfig, RobustnessPoint,
};
use crate::ui::jobs::{DrainEnd, LAB_EVENTS_PER_FRAME, LabReport, drain};
use crate::ui::widgets::dialogs::{DialogKind, PendingDialog, poll_slot};
use crate::ui::widgets::model_fields::ModelFields;
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::Picture;

/// Largest ε the slider offers (0..1 pixel scale).
pub const MAX_EPS: f32 = 0.3;

/// The image being attacked.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// Gallery image `index`.
    Gallery(usize),
    /// A dropped file.
    File(PathBuf),
}

/// An explorer result ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleView {
    /// Everything the job sent.
    pub example: AdversarialExample,
    /// The three pictures: original, perturbation, adversarial.
    pub pictures: [Picture; 3],
}

/// Everything the Attack tab shows and edits.
pub struct AttackTab {
    /// Model, data and device.
    pub fields: ModelFields,
    /// The explorer's attack.
    pub settings: AttackSettings,
    /// Target class when `settings.target` is set (kept while untargeted).
    pub target_class: usize,
    /// Validation images with their labels.
    pub gallery: Vec<(Picture, usize)>,
    /// The model's class names (from the gallery).
    pub classes: Vec<String>,
    /// The image attacked in the explorer.
    pub source: Option<Source>,
    /// The latest explorer result.
    pub example: Option<ExampleView>,
    /// Where the adversarial image was last saved (absolute).
    pub saved: Option<PathBuf>,
    /// The "Save adversarial…" dialog, while open.
    dialog: Option<PendingDialog>,
    /// ε values of the robustness curve, comma-separated.
    pub curve_eps_text: String,
    /// Curves for FGSM and PGD.
    pub curve_methods: [bool; 2],
    /// Validation images attacked per point.
    pub curve_images: usize,
    /// Points measured so far.
    pub curve: Vec<RobustnessPoint>,
    /// Progress of the curve job (batches).
    pub curve_progress: Option<(usize, usize)>,
    /// How the last curve ended.
    pub curve_end: Option<FinishReason>,
    explore_dirty: bool,
    gallery_job: Option<JobHandle>,
    explore_job: Option<JobHandle>,
    curve_job: Option<JobHandle>,
}

impl AttackTab {
    /// A fresh tab working on `fields`.
    pub fn new(fields: ModelFields) -> Self {
        AttackTab {
            fields,
            settings: AttackSettings {
                eps: 0.05,
                ..AttackSettings::default()
            },
            target_class: 0,
            gallery: Vec::new(),
            classes: Vec::new(),
            source: None,
            example: None,
            saved: None,
            dialog: None,
            curve_eps_text: "0, 0.01, 0.02, 0.03, 0.05, 0.1".into(),
            curve_methods: [true, true],
            curve_images: 200,
            curve: Vec::new(),
            curve_progress: None,
            curve_end: None,
            explore_dirty: false,
            gallery_job: None,
            explore_job: None,
            curve_job: None,
        }
    }

    /// Works on the checkpoint at `model`, trained on `data` ("Use in Attack"): the results
    /// of the previous model are dropped, unless a job is still making them.
    pub fn use_checkpoint(&mut self, model: &Path, data: &DataSpec) {
        self.fields.use_checkpoint(model, data);
        if self.gallery_job.is_none() && self.explore_job.is_none() && self.curve_job.is_none() {
            self.gallery.clear();
            self.classes.clear();
            self.source = None;
            self.example = None;
            self.curve.clear();
            self.curve_progress = None;
            self.curve_end = None;
        }
    }

    /// Whether the robustness curve is being computed.
    pub fn curve_running(&self) -> bool {
        self.curve_job.is_some()
    }

    /// Whether the validation images are being read.
    pub fn gallery_loading(&self) -> bool {
        self.gallery_job.is_some()
    }

    /// Whether the explorer's attack runs.
    pub fn exploring(&self) -> bool {
        self.explore_job.is_some()
    }

    /// One line on what the tab's jobs do, for the status bar.
    pub fn phase_text(&self) -> String {
        if self.gallery_job.is_some() {
            return "Reading validation images…".into();
        }
        if let (Some(_), Some((done, total))) = (&self.curve_job, self.curve_progress) {
            return format!("Robustness curve: batch {done}/{total}");
        }
        if self.curve_job.is_some() {
            return "Robustness curve: starting…".into();
        }
        if self.explore_job.is_some() {
            return "Attacking…".into();
        }
        "Idle".into()
    }

    /// Reads the validation images of the model's data for the gallery.
    pub fn load_gallery(&mut self, wake: Waker, status: &mut Status) {
        let model = match self.fields.model_path() {
            Ok(m) => m,
            Err(message) => return status.fail(message),
        };
        self.gallery.clear();
        self.source = None;
        self.example = None;
        self.gallery_job = Some(explore::spawn_gallery(model, self.fields.data_spec(), wake));
        status.log("Reading validation images…");
    }

    /// Attacks gallery image `index` (or a file) with the current settings.
    pub fn select(&mut self, source: Source) {
        self.source = Some(source);
        self.explore_dirty = true;
    }

    /// Attacks the picked image again (the settings changed), once the running attack is
    /// done.
    pub fn attack_again(&mut self) {
        if self.source.is_some() {
            self.explore_dirty = true;
        }
    }

    /// Starts the robustness curve with the current fields.
    pub fn start_curve(&mut self, wake: Waker, status: &mut Status) {
        let model = match self.fields.model_path() {
            Ok(m) => m,
            Err(message) => return status.fail(message),
        };
        let epsilons = match robustness::parse_epsilons(&self.curve_eps_text) {
            Ok(e) => e,
            Err(e) => return status.fail(format!("ε list: {e}")),
        };
        let methods: Vec<AttackMethod> = AttackMethod::ALL
            .into_iter()
            .zip(self.curve_methods)
            .filter_map(|(m, on)| on.then_some(m))
            .collect();
        if methods.is_empty() {
            return status.fail("Tick FGSM, PGD or both for the curve.");
        }
        self.curve.clear();
        self.curve_progress = None;
        self.curve_end = None;
        let config = RobustnessConfig {
            model,
            data: self.fields.data_spec(),
            methods,
            epsilons,
            steps: self.settings.steps,
            step_size: None,
            max_images: Some(self.curve_images.max(1)),
            batch_size: 100,
            device: self.fields.device,
        };
        self.curve_job = Some(robustness::spawn(config, wake));
        status.log("Computing the robustness curve…");
    }

    /// Cancels the curve; the points so far stay.
    pub fn cancel_curve(&mut self) {
        if let Some(job) = &self.curve_job {
            job.send(Command::Stop);
        }
    }

    /// Opens the "Save adversarial…" dialog, in the folder of the last save (or of the
    /// model).
    pub fn save_dialog(&mut self, wake: Waker) {
        if self.dialog.is_some() {
            return;
        }
        let start = self
            .saved
            .as_ref()
            .and_then(|p| p.parent())
            .map(PathBuf::from)
            .or_else(|| {
                let model = PathBuf::from(self.fields.model.trim());
                model.parent().map(PathBuf::from)
            });
        let kind = DialogKind::SaveImage {
            start,
            title: "Save the adversarial image".into(),
            name: "adversarial.png".into(),
        };
        self.dialog = Some(PendingDialog::spawn(kind, move || wake()));
    }

    /// Draws the save dialog when it is visionlab's own (a system dialog draws itself).
    pub fn show_dialog(&mut self, ctx: &egui::Context) {
        if let Some(dialog) = &mut self.dialog {
            dialog.show(ctx);
        }
    }

    /// Whether the save dialog is open.
    pub fn dialog_open(&self) -> bool {
        self.dialog.is_some()
    }

    fn poll_dialog(&mut self, status: &mut Status) {
        if let Some(path) = poll_slot(&mut self.dialog, status) {
            self.save_adversarial(path, status);
        }
    }

    /// Saves the adversarial image (PNG, at full precision of its pixels) at `path`, and
    /// says where, in full.
    pub fn save_adversarial(&mut self, path: PathBuf, status: &mut Status) {
        let Some(view) = &self.example else {
            return status.fail("There is no adversarial image yet.");
        };
        let path = std::path::absolute(&path).unwrap_or(path);
        match explore::save_png(&path, &view.example.adversarial) {
            Ok(()) => {
                status.log(format!("Saved the adversarial image to {}", path.display()));
                self.saved = Some(path);
            }
            Err(e) => status.fail(format!("Could not save {}: {e:#}", path.display())),
        }
    }

    fn start_explore(&mut self, wake: Waker, status: &mut Status) {
        let (Some(source), Ok(model)) = (&self.source, self.fields.model_path()) else {
            return;
        };
        let image = match source {
            Source::Gallery(i) => match self.gallery.get(*i) {
                Some((picture, label)) => ExploreImage::Picture {
                    image: picture.image.clone(),
                    truth: Some(*label),
                },
                None => return,
            },
            Source::File(path) => ExploreImage::File(path.clone()),
        };
        let mut attack = self.settings;
        attack.target = attack.target.map(|_| self.target_class);
        self.explore_dirty = false;
        self.explore_job = Some(explore::spawn(
            ExploreRequest {
                model,
                image,
                attack,
                device: self.fields.device,
            },
            wake,
        ));
        let _ = status;
    }

    /// Takes in what the jobs sent; starts a pending explorer request. Returns true when
    /// the UI should repaint again soon.
    pub fn poll(&mut self, wake: &Waker, status: &mut Status) -> bool {
        self.poll_dialog(status);
        let mut busy = self
            .dialog
            .as_ref()
            .is_some_and(|dialog| !dialog.is_in_window());
        if let Some(job) = &self.gallery_job {
            let (events, end) = drain(job, LAB_EVENTS_PER_FRAME);
            let mut ended = end == DrainEnd::Disconnected;
            for event in events {
                ended |= self.on_gallery_event(event, status);
            }
            if ended {
                self.gallery_job = None;
            }
            busy = true;
        }
        if let Some(job) = &self.explore_job {
            let (events, end) = drain(job, LAB_EVENTS_PER_FRAME);
            let mut ended = end == DrainEnd::Disconnected;
            for event in events {
                ended |= self.on_explore_event(event, status);
            }
            if ended {
                self.explore_job = None;
            }
            busy = true;
        }
        if self.explore_dirty && self.explore_job.is_none() {
            self.start_explore(wake.clone(), status);
        }
        if let Some(job) = &self.curve_job {
            let (events, end) = drain(job, LAB_EVENTS_PER_FRAME);
            let mut ended = end == DrainEnd::Disconnected;
            for event in events {
                ended |= self.on_curve_event(event, status);
            }
            if ended {
                self.curve_job = None;
            }
            busy = true;
        }
        busy
    }

    /// One event of the gallery job; true when the job has ended.
    fn on_gallery_event(&mut self, event: Event, status: &mut Status) -> bool {
        match LabReport::lab(event) {
            LabReport::Own(LabEvent::Gallery { classes, images }) => {
                self.classes = classes;
                self.gallery = images
                    .into_iter()
                    .map(|(image, label)| (Picture::new(image), label))
                    .collect();
                self.target_class = self.target_class.min(self.classes.len().saturating_sub(1));
                if !self.gallery.is_empty() {
                    self.select(Source::Gallery(0));
                }
                status.log(format!("{} validation images", self.gallery.len()));
                false
            }
            LabReport::Failed(message) => {
                status.fail(format!("Could not read the images: {message}"));
                true
            }
            LabReport::Finished(_) => true,
            // The other lab jobs' events; the gallery job logs nothing worth showing.
            LabReport::Own(
                LabEvent::Adversarial(_)
                | LabEvent::Robustness(_)
                | LabEvent::Progress { .. }
                | LabEvent::Compression(_),
            )
            | LabReport::Log(_)
            | LabReport::Device(_)
            | LabReport::Ignored => false,
        }
    }

    /// One event of the explorer's job; true when the job has ended.
    fn on_explore_event(&mut self, event: Event, status: &mut Status) -> bool {
        match LabReport::lab(event) {
            LabReport::Own(LabEvent::Adversarial(example)) => {
                let pictures = [
                    Picture::new(example.original.clone()),
                    Picture::new(example.perturbation.clone()),
                    Picture::new(example.adversarial.clone()),
                ];
                if self.classes.is_empty() {
                    self.classes = example.classes.clone();
                }
                self.example = Some(ExampleView {
                    example: *example,
                    pictures,
                });
                false
            }
            LabReport::Failed(message) => {
                status.fail(format!("The attack failed: {message}"));
                true
            }
            LabReport::Finished(_) => true,
            // The other lab jobs' events; the explorer logs nothing worth showing.
            LabReport::Own(
                LabEvent::Gallery { .. }
                | LabEvent::Robustness(_)
                | LabEvent::Progress { .. }
                | LabEvent::Compression(_),
            )
            | LabReport::Log(_)
            | LabReport::Device(_)
            | LabReport::Ignored => false,
        }
    }

    /// One event of the robustness curve's job; true when the job has ended.
    fn on_curve_event(&mut self, event: Event, status: &mut Status) -> bool {
        match LabReport::lab(event) {
            LabReport::Own(LabEvent::Robustness(point)) => {
                self.curve.push(point);
                false
            }
            LabReport::Own(LabEvent::Progress { done, total }) => {
                self.curve_progress = Some((done, total));
                false
            }
            LabReport::Log(line) => {
                status.log(line);
                false
            }
            LabReport::Failed(message) => {
                status.fail(format!("The robustness curve failed: {message}"));
                true
            }
            LabReport::Finished(reason) => {
                self.curve_end = Some(reason);
                status.log(match reason {
                    FinishReason::Completed => "Robustness curve done.",
                    FinishReason::Stopped => "Robustness curve cancelled.",
                });
                true
            }
            // The other lab jobs' events.
            LabReport::Own(
                LabEvent::Gallery { .. } | LabEvent::Adversarial(_) | LabEvent::Compression(_),
            )
            | LabReport::Device(_)
            | LabReport::Ignored => false,
        }
    }
}
