//! The Attack tab: pick a validation image (or drop one), set ε, and see the original, the
//! amplified perturbation and the adversarial image with the model's top predictions; and
//! the robustness curve (accuracy against ε for FGSM and PGD), plotted as it is computed.

use std::path::PathBuf;

use egui::{Color32, RichText, Ui};
use egui_plot::{Corner, Legend, Line, Plot, PlotPoints, Points};

use crate::attack::{explore, robustness};
use crate::train::engine::{JobHandle, Waker};
use crate::train::protocol::{
    AdversarialExample, AttackMethod, AttackSettings, Command, Event, ExploreImage, ExploreRequest,
    FinishReason, LabEvent, RobustnessConfig, RobustnessPoint,
};
use crate::ui::classify::class_name;
use crate::ui::lab_common::{ModelFields, drain, progress_bar};
use crate::ui::status_bar::Status;
use crate::ui::textures::{Picture, TextureCache, show_picture};

const FGSM_COLOR: Color32 = Color32::from_rgb(90, 160, 255);
const PGD_COLOR: Color32 = Color32::from_rgb(255, 150, 60);

/// Thumbnails per gallery row.
const GALLERY_COLUMNS: usize = 7;

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
pub struct AttackState {
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
    /// Where "Save adversarial" writes.
    pub save_text: String,
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

impl AttackState {
    /// A fresh tab working on `fields`.
    pub fn new(fields: ModelFields) -> Self {
        AttackState {
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
            save_text: "adversarial.png".into(),
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

    /// Whether the robustness curve is being computed.
    pub fn curve_running(&self) -> bool {
        self.curve_job.is_some()
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

    // ---------------------------------------------------------------- actions

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

    /// Saves the adversarial image as a PNG at `save_text`.
    pub fn save_adversarial(&mut self, status: &mut Status) {
        let Some(view) = &self.example else {
            return status.fail("There is no adversarial image yet.");
        };
        let path = PathBuf::from(self.save_text.trim());
        match explore::save_png(&path, &view.example.adversarial) {
            Ok(()) => status.log(format!("Saved {}", path.display())),
            Err(e) => status.fail(format!("Could not save the image: {e:#}")),
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

    // ---------------------------------------------------------------- events

    /// Takes in what the jobs sent; starts a pending explorer request. Returns true when
    /// the UI should repaint again soon.
    pub fn poll(&mut self, wake: &Waker, status: &mut Status) -> bool {
        let mut busy = false;
        if let Some(job) = &self.gallery_job {
            let (events, gone) = drain(job);
            let mut end = gone;
            for event in events {
                match event {
                    Event::Lab(LabEvent::Gallery { classes, images }) => {
                        self.classes = classes;
                        self.gallery = images
                            .into_iter()
                            .map(|(image, label)| (Picture::new(image), label))
                            .collect();
                        self.target_class =
                            self.target_class.min(self.classes.len().saturating_sub(1));
                        if !self.gallery.is_empty() {
                            self.select(Source::Gallery(0));
                        }
                        status.log(format!("{} validation images", self.gallery.len()));
                    }
                    Event::Failed(message) => {
                        status.fail(format!("Could not read the images: {message}"));
                        end = true;
                    }
                    Event::Finished(_) => end = true,
                    _ => {}
                }
            }
            if end {
                self.gallery_job = None;
            }
            busy = true;
        }
        if let Some(job) = &self.explore_job {
            let (events, gone) = drain(job);
            let mut end = gone;
            for event in events {
                match event {
                    Event::Lab(LabEvent::Adversarial(example)) => {
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
                    }
                    Event::Failed(message) => {
                        status.fail(format!("The attack failed: {message}"));
                        end = true;
                    }
                    Event::Finished(_) => end = true,
                    _ => {}
                }
            }
            if end {
                self.explore_job = None;
            }
            busy = true;
        }
        if self.explore_dirty && self.explore_job.is_none() {
            self.start_explore(wake.clone(), status);
        }
        if let Some(job) = &self.curve_job {
            let (events, gone) = drain(job);
            let mut end = gone;
            for event in events {
                match event {
                    Event::Lab(LabEvent::Robustness(point)) => self.curve.push(point),
                    Event::Lab(LabEvent::Progress { done, total }) => {
                        self.curve_progress = Some((done, total));
                    }
                    Event::Log(line) => status.log(line),
                    Event::Failed(message) => {
                        status.fail(format!("The robustness curve failed: {message}"));
                        end = true;
                    }
                    Event::Finished(reason) => {
                        self.curve_end = Some(reason);
                        status.log(match reason {
                            FinishReason::Completed => "Robustness curve done.",
                            FinishReason::Stopped => "Robustness curve cancelled.",
                        });
                        end = true;
                    }
                    _ => {}
                }
            }
            if end {
                self.curve_job = None;
            }
            busy = true;
        }
        busy
    }
}

// -------------------------------------------------------------------- drawing

/// Draws the tab: controls on the left, the explorer and the curve in the middle.
pub fn show(
    ui: &mut Ui,
    state: &mut AttackState,
    textures: &mut TextureCache,
    status: &mut Status,
    wake: &Waker,
) {
    take_dropped_file(ui, state);
    egui::Panel::left("attack-controls")
        .resizable(true)
        .default_size(400.0)
        .min_size(320.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("attack-controls-scroll")
                .show(ui, |ui| controls(ui, state, textures, status, wake));
        });
    egui::CentralPanel::default().show(ui, |ui| {
        explorer(ui, state, textures, status);
        ui.separator();
        curve_plot(ui, state, ui.available_height().max(160.0));
    });
}

fn take_dropped_file(ui: &Ui, state: &mut AttackState) {
    let dropped: Option<PathBuf> = ui.ctx().input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_path_buf())
            .find(|p| !p.as_os_str().is_empty())
    });
    if let Some(path) = dropped {
        state.select(Source::File(path));
    }
}

fn controls(
    ui: &mut Ui,
    state: &mut AttackState,
    textures: &mut TextureCache,
    status: &mut Status,
    wake: &Waker,
) {
    ui.heading("Adversarial examples");
    state.fields.show(
        ui,
        state.gallery_job.is_some() || state.curve_running(),
        "attack",
    );
    if ui.button("Load validation images").clicked() {
        state.load_gallery(wake.clone(), status);
    }
    ui.separator();
    ui.label(RichText::new("Attack settings").strong());
    let before = (state.settings, state.target_class);
    ui.horizontal(|ui| {
        for method in AttackMethod::ALL {
            ui.selectable_value(&mut state.settings.method, method, method.label());
        }
    });
    ui.add(
        egui::Slider::new(&mut state.settings.eps, 0.0..=MAX_EPS)
            .text("ε")
            .step_by(0.0025)
            .fixed_decimals(4),
    );
    ui.label(
        RichText::new(format!(
            "ε = {:.1}/255 of the pixel range, applied before normalisation",
            state.settings.eps * 255.0
        ))
        .weak(),
    );
    ui.add_enabled(
        state.settings.method == AttackMethod::Pgd,
        egui::Slider::new(&mut state.settings.steps, 1..=50).text("PGD steps"),
    );
    let mut targeted = state.settings.target.is_some();
    ui.horizontal(|ui| {
        ui.checkbox(&mut targeted, "Targeted, towards");
        ui.add_enabled_ui(targeted && !state.classes.is_empty(), |ui| {
            egui::ComboBox::from_id_salt("attack-target")
                .selected_text(class_name(&state.classes, state.target_class))
                .show_ui(ui, |ui| {
                    for (i, name) in state.classes.iter().enumerate() {
                        ui.selectable_value(&mut state.target_class, i, name);
                    }
                });
        });
    });
    state.settings.target = targeted.then_some(state.target_class);
    if (state.settings, state.target_class) != before && state.source.is_some() {
        state.explore_dirty = true;
    }
    ui.separator();
    ui.label(format!("Validation images ({})", state.gallery.len()));
    ui.label(RichText::new("Click one to attack it, or drop an image file on the window.").weak());
    let selected = match &state.source {
        Some(Source::Gallery(i)) => Some(*i),
        _ => None,
    };
    let mut clicked = None;
    // Rows of a fixed number of thumbnails: a wrapping row (or one sized from the
    // available width) would widen the resizable side panel frame after frame.
    let per_row = GALLERY_COLUMNS;
    for (r, row) in state.gallery.chunks(per_row).enumerate() {
        ui.horizontal(|ui| {
            for (j, (picture, label)) in row.iter().enumerate() {
                let i = r * per_row + j;
                let frame = egui::Frame::new()
                    .stroke(if selected == Some(i) {
                        egui::Stroke::new(2.0, FGSM_COLOR)
                    } else {
                        egui::Stroke::NONE
                    })
                    .inner_margin(1.0);
                let response = frame
                    .show(ui, |ui| show_picture(ui, picture, 40.0, textures))
                    .response
                    .interact(egui::Sense::click())
                    .on_hover_text(class_name(&state.classes, *label));
                if response.clicked() {
                    clicked = Some(i);
                }
            }
        });
    }
    if let Some(i) = clicked {
        state.select(Source::Gallery(i));
    }
    ui.separator();
    robustness_controls(ui, state, status, wake);
}

fn robustness_controls(ui: &mut Ui, state: &mut AttackState, status: &mut Status, wake: &Waker) {
    ui.label(RichText::new("Robustness curve").strong());
    let running = state.curve_running();
    ui.add_enabled_ui(!running, |ui| {
        ui.horizontal(|ui| {
            ui.label("ε list");
            ui.add(egui::TextEdit::singleline(&mut state.curve_eps_text).desired_width(220.0));
        });
        ui.horizontal(|ui| {
            ui.checkbox(&mut state.curve_methods[0], "FGSM");
            ui.checkbox(&mut state.curve_methods[1], "PGD");
            ui.add(
                egui::DragValue::new(&mut state.curve_images)
                    .range(10..=100_000)
                    .suffix(" images"),
            );
        });
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!running, egui::Button::new("Compute curve"))
            .clicked()
        {
            state.start_curve(wake.clone(), status);
        }
        if ui
            .add_enabled(running, egui::Button::new("Cancel curve"))
            .clicked()
        {
            state.cancel_curve();
        }
    });
    if let Some((done, total)) = state.curve_progress {
        progress_bar(ui, done, total, " batches");
    }
    ui.label(format!("Curve points: {}", state.curve.len()));
}

fn top_lines(ui: &mut Ui, top: &[(usize, f32)], classes: &[String], truth: Option<usize>) {
    for (i, &(class, p)) in top.iter().enumerate() {
        let text = format!("{} {:.1} %", class_name(classes, class), p * 100.0);
        let text = if i == 0 {
            RichText::new(text).strong()
        } else {
            RichText::new(text)
        };
        let text = match truth {
            Some(t) if i == 0 && t == class => text.color(Color32::from_rgb(110, 200, 110)),
            Some(_) if i == 0 => text.color(crate::ui::status_bar::ERROR_COLOR),
            _ => text,
        };
        ui.label(text);
    }
}

fn explorer(
    ui: &mut Ui,
    state: &mut AttackState,
    textures: &mut TextureCache,
    status: &mut Status,
) {
    ui.horizontal(|ui| {
        ui.heading("Explorer");
        if state.explore_job.is_some() {
            ui.spinner();
        }
    });
    let Some(view) = &state.example else {
        ui.label("Load validation images and pick one (or drop an image file).");
        return;
    };
    let example = &view.example;
    let side = ((ui.available_width() - 60.0) / 3.0).clamp(96.0, 240.0);
    let changed =
        example.original_top.first().map(|t| t.0) != example.adversarial_top.first().map(|t| t.0);
    ui.label(format!(
        "Adversarial: {} at ε = {:.4} ({:.1}/255){}; largest pixel change {:.4}; prediction {}",
        example.attack.method.label(),
        example.attack.eps,
        example.attack.eps * 255.0,
        match example.attack.target {
            Some(t) => format!(", towards {}", class_name(&example.classes, t)),
            None => String::new(),
        },
        example.linf,
        if changed { "changed" } else { "unchanged" }
    ));
    ui.columns(3, |cols| {
        cols[0].label(RichText::new("Original").strong());
        show_picture(&mut cols[0], &view.pictures[0], side, textures);
        if let Some(t) = example.truth {
            cols[0].label(format!("true class: {}", class_name(&example.classes, t)));
        }
        top_lines(
            &mut cols[0],
            &example.original_top,
            &example.classes,
            example.truth,
        );

        cols[1].label(RichText::new("Perturbation").strong());
        show_picture(&mut cols[1], &view.pictures[1], side, textures);
        cols[1].label(format!(
            "amplified ×{:.1}: grey = 0, black/white = ±{:.4}",
            example.amplification,
            0.5 / example.amplification
        ));

        cols[2].label(RichText::new("Adversarial").strong());
        show_picture(&mut cols[2], &view.pictures[2], side, textures);
        top_lines(
            &mut cols[2],
            &example.adversarial_top,
            &example.classes,
            example.truth,
        );
    });
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(&mut state.save_text).desired_width(260.0));
        if ui.button("Save adversarial").clicked() {
            state.save_adversarial(status);
        }
    });
}

fn curve_plot(ui: &mut Ui, state: &AttackState, height: f32) {
    ui.horizontal(|ui| {
        ui.heading("Accuracy against ε");
        if state.curve_end == Some(FinishReason::Stopped) {
            ui.label("(cancelled)");
        }
    });
    let line = |method: AttackMethod| -> Vec<[f64; 2]> {
        let mut points: Vec<[f64; 2]> = state
            .curve
            .iter()
            .filter(|p| p.method == method)
            .map(|p| [f64::from(p.eps), f64::from(p.accuracy)])
            .collect();
        points.sort_by(|a, b| a[0].total_cmp(&b[0]));
        points
    };
    Plot::new("robustness-plot")
        .height(height.max(120.0))
        .legend(Legend::default().position(Corner::RightTop))
        .x_axis_label("ε (0..1 pixel scale)")
        .y_axis_label("validation accuracy")
        .include_x(0.0)
        .include_y(0.0)
        .include_y(1.0)
        .allow_scroll(false)
        .show(ui, |plot| {
            for (method, color) in [
                (AttackMethod::Fgsm, FGSM_COLOR),
                (AttackMethod::Pgd, PGD_COLOR),
            ] {
                let points = line(method);
                if points.is_empty() {
                    continue;
                }
                plot.line(
                    Line::new(method.label(), PlotPoints::from(points.clone()))
                        .color(color)
                        .width(2.0),
                );
                plot.points(
                    Points::new(method.label(), PlotPoints::from(points))
                        .id(format!("robustness-{}", method.label()))
                        .color(color)
                        .radius(3.5),
                );
            }
        });
}
