//! The application: tabs, routing of job events into state, and the frame layout.

use egui::Ui;

use crate::train::protocol::{Task, TrainConfig};
use crate::ui::classify::{ClassifyState, waker};
use crate::ui::insight::InsightView;
use crate::ui::overlay_gpu::{OverlayRenderer, UploadCounter};
use crate::ui::settings::{self, LabSettings, Layout, Settings};
use crate::ui::status_bar::{self, Status};
use crate::ui::textures::TextureCache;
use crate::ui::{confusion_panel, data_panel, overlay_panel, plot_panel, train_panel};
// --- object detection (issue 4) ---
use crate::ui::boxes_panel;
// --- adversarial / compression ---
use crate::ui::attack_tab::{self, AttackState};
use crate::ui::compress_tab::{self, CompressState};
use crate::ui::lab_common::ModelFields;
// --- neural style transfer (issue 5) ---
use crate::ui::style_panel;
use crate::ui::style_tab::StyleState;

/// The workbench's tabs. Only tasks that exist get a tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Train an image classifier and watch it learn.
    Classify,
    /// Train a segmenter and watch its masks form over the images.
    Segment,
    // --- adversarial / compression ---
    /// Attack a trained classifier with adversarial noise.
    Attack,
    /// Shrink a trained classifier (int8, pruning) and compare.
    Compress,
    // --- object detection (issue 4) ---
    /// Train a detector and watch its boxes and instance masks over the images.
    Detect,
    // --- neural style transfer (issue 5) ---
    /// Stylize a photo with a painting (or a built-in style) and export it.
    Style,
}

impl Tab {
    /// All tabs, in the order shown.
    pub const ALL: [Tab; 6] = [
        Tab::Classify,
        Tab::Segment,
        Tab::Detect,
        Tab::Attack,
        Tab::Compress,
        Tab::Style,
    ];

    /// Name on the tab bar.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Classify => "Classify",
            Tab::Segment => "Segment",
            Tab::Attack => "Attack",
            Tab::Compress => "Compress",
            Tab::Detect => "Detect",
            Tab::Style => "Style",
        }
    }

    /// The tab with this label (as stored in [`Layout::tab`]).
    pub fn from_label(label: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|tab| tab.label() == label)
    }
}

/// The visionlab GUI: owns plain data only; jobs run on their own threads.
pub struct VisionApp {
    tab: Tab,
    classify: ClassifyState,
    segment: ClassifyState,
    detect: ClassifyState,
    /// Set when the segmentation overlay is drawn by the WGSL shader.
    overlay_gpu: Option<UploadCounter>,
    attack: AttackState,
    compress: CompressState,
    style: StyleState,
    status: Status,
    textures: TextureCache,
    /// Read the configured dataset on the first frame.
    inspect_on_start: bool,
    /// Widths of the Classify and Segment tabs' controls panels, as last drawn.
    controls_width: [f32; 3],
}

impl Default for VisionApp {
    fn default() -> Self {
        Self::new()
    }
}

impl VisionApp {
    /// An app with the default configuration; it starts no job by itself.
    pub fn new() -> Self {
        Self::from_settings(Settings::default(), Settings::segment_default())
    }

    /// An app that will train with `config` (tests and scripted use); it starts no job by
    /// itself.
    pub fn with_config(config: TrainConfig) -> Self {
        let task = config.task;
        let settings = Settings {
            config,
            ..Settings::default()
        };
        match task {
            Task::Classify => Self::from_settings(settings, Settings::segment_default()),
            Task::Segment => {
                let mut app = Self::from_settings(Settings::default(), settings);
                app.tab = Tab::Segment;
                app
            }
            Task::Detect => {
                let mut app = Self::from_settings(Settings::default(), Settings::segment_default())
                    .with_detect_settings(settings);
                app.tab = Tab::Detect;
                app
            }
        }
    }

    /// An app restored from remembered settings of the Classify and Segment tabs.
    pub fn from_settings(classify: Settings, segment: Settings) -> Self {
        let fields = ModelFields::new(&classify.checkpoint_text, &classify.config.data);
        VisionApp {
            tab: Tab::Classify,
            attack: AttackState::new(fields.clone()),
            compress: CompressState::new(fields),
            style: StyleState::new(),
            classify: ClassifyState::new(classify),
            segment: ClassifyState::new(segment),
            detect: ClassifyState::new(Settings::detect_default()),
            overlay_gpu: None,
            status: Status::default(),
            textures: TextureCache::default(),
            inspect_on_start: false,
            controls_width: [settings::DEFAULT_CONTROLS_WIDTH; 3],
        }
    }

    /// Uses remembered settings for the Detect tab.
    pub fn with_detect_settings(mut self, detect: Settings) -> Self {
        self.detect = ClassifyState::new(detect);
        self
    }

    /// Restores the window layout: the tab shown and the controls panels' widths.
    pub fn with_layout(mut self, layout: &Layout) -> Self {
        self.tab = Tab::from_label(&layout.tab).unwrap_or(self.tab);
        self.controls_width = [
            settings::sane_width(layout.classify_controls_width),
            settings::sane_width(layout.segment_controls_width),
            settings::sane_width(layout.detect_controls_width),
        ];
        self
    }

    /// The window layout, as [`eframe::App::save`] stores it.
    pub fn layout(&self) -> Layout {
        Layout {
            tab: self.tab.label().to_string(),
            classify_controls_width: self.controls_width[0],
            segment_controls_width: self.controls_width[1],
            detect_controls_width: self.controls_width[2],
        }
    }

    /// Restores the Attack and Compress tabs' fields and hyper-parameters.
    pub fn with_lab_settings(mut self, lab: &LabSettings) -> Self {
        let attack = &mut self.attack;
        attack.fields.model = lab.attack_model.clone();
        attack.fields.data = lab.attack_data.clone();
        attack.settings = lab.attack;
        attack.curve_eps_text = lab.curve_eps_text.clone();
        attack.curve_images = lab.curve_images;
        let compress = &mut self.compress;
        compress.fields.model = lab.compress_model.clone();
        compress.fields.data = lab.compress_data.clone();
        [compress.int8_tensor, compress.int8_block, compress.prune] = lab.compress_choices;
        compress.sparsity = lab.sparsity;
        compress.finetune_epochs = lab.finetune_epochs;
        compress.out_dir_text = lab.out_dir_text.clone();
        self
    }

    /// The Attack and Compress tabs' fields and hyper-parameters, as stored.
    pub fn lab_settings(&self) -> LabSettings {
        let (attack, compress) = (&self.attack, &self.compress);
        LabSettings {
            attack_model: attack.fields.model.clone(),
            attack_data: attack.fields.data.clone(),
            attack: attack.settings,
            curve_eps_text: attack.curve_eps_text.clone(),
            curve_images: attack.curve_images,
            compress_model: compress.fields.model.clone(),
            compress_data: compress.fields.data.clone(),
            compress_choices: [compress.int8_tensor, compress.int8_block, compress.prune],
            sparsity: compress.sparsity,
            finetune_epochs: compress.finetune_epochs,
            out_dir_text: compress.out_dir_text.clone(),
        }
    }

    /// Starts training on the Classify or Segment tab (whichever is shown; Classify for
    /// the others), as the Start button does (scripted use and benchmarks).
    pub fn start_training(&mut self, ctx: &egui::Context) {
        let state = match self.tab {
            Tab::Segment => &mut self.segment,
            Tab::Detect => &mut self.detect,
            _ => &mut self.classify,
        };
        state.start(waker(ctx), &mut self.status);
    }

    /// Stops the Classify or Segment tab's run, as the Stop button does.
    pub fn stop_training(&mut self) {
        let state = match self.tab {
            Tab::Segment => &mut self.segment,
            Tab::Detect => &mut self.detect,
            _ => &mut self.classify,
        };
        state.stop(&mut self.status);
    }

    /// The status bar's messages, to add one.
    pub fn status_mut(&mut self) -> &mut Status {
        &mut self.status
    }

    /// Makes the app read its configured dataset on the first frame, so the data panel
    /// is filled at start-up.
    pub fn inspect_on_start(mut self) -> Self {
        self.inspect_on_start = true;
        self
    }

    /// Draws the segmentation overlay with the WGSL shader when eframe renders with wgpu.
    pub fn with_gpu_overlay(
        mut self,
        render_state: Option<&eframe::egui_wgpu::RenderState>,
    ) -> Self {
        let counter = UploadCounter::default();
        if OverlayRenderer::install(render_state, counter.clone()) {
            self.overlay_gpu = Some(counter);
        }
        self
    }

    /// Whether the overlay is drawn by the WGSL shader (else on the CPU).
    pub fn overlay_on_gpu(&self) -> bool {
        self.overlay_gpu.is_some()
    }

    /// The tab shown.
    pub fn tab(&self) -> Tab {
        self.tab
    }

    /// The training configuration of the Segment tab when it is shown, else the Classify
    /// tab's (the next run's).
    pub fn config(&self) -> &TrainConfig {
        match self.tab {
            Tab::Segment => &self.segment.config,
            Tab::Detect => &self.detect.config,
            _ => &self.classify.config,
        }
    }

    /// The configuration, to change it (it applies to the next run).
    pub fn config_mut(&mut self) -> &mut TrainConfig {
        match self.tab {
            Tab::Segment => &mut self.segment.config,
            Tab::Detect => &mut self.detect.config,
            _ => &mut self.classify.config,
        }
    }

    /// The Classify tab's state.
    pub fn classify(&self) -> &ClassifyState {
        &self.classify
    }

    /// The Segment tab's state.
    pub fn segment(&self) -> &ClassifyState {
        &self.segment
    }

    /// The Detect tab's state.
    pub fn detect(&self) -> &ClassifyState {
        &self.detect
    }

    /// The Detect tab's state, to change it (tests feed it events).
    pub fn detect_mut(&mut self) -> &mut ClassifyState {
        &mut self.detect
    }

    /// The Attack tab's state.
    pub fn attack(&self) -> &AttackState {
        &self.attack
    }

    /// The Attack tab's state, to change it.
    pub fn attack_mut(&mut self) -> &mut AttackState {
        &mut self.attack
    }

    /// The Compress tab's state.
    pub fn compress(&self) -> &CompressState {
        &self.compress
    }

    /// The Compress tab's state, to change it.
    pub fn compress_mut(&mut self) -> &mut CompressState {
        &mut self.compress
    }

    /// The Style tab's state.
    pub fn style(&self) -> &StyleState {
        &self.style
    }

    /// The Style tab's state, to change it.
    pub fn style_mut(&mut self) -> &mut StyleState {
        &mut self.style
    }

    /// Shows another tab.
    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
    }

    /// The status bar's messages.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// Takes in what jobs and dialogs sent since the last frame.
    fn route_events(&mut self, ctx: &egui::Context) {
        let wake = waker(ctx);
        if std::mem::take(&mut self.inspect_on_start) {
            let status = &mut self.status;
            for state in [&mut self.classify, &mut self.segment, &mut self.detect] {
                let data = state.config.data.clone();
                state.choose_data(data, wake.clone(), status);
            }
        }
        // Both tabs' jobs keep running (and reporting) whichever tab is shown.
        let more_classify = self.classify.poll(&wake, &mut self.status);
        let more_segment = self.segment.poll(&wake, &mut self.status);
        let more_detect = self.detect.poll(&wake, &mut self.status);
        if more_classify || more_segment || more_detect {
            ctx.request_repaint();
        }
        // The lab tabs' jobs wake the UI on each event; polling again soon also catches
        // a job that ended without one.
        let lab_busy =
            self.attack.poll(&wake, &mut self.status) | self.compress.poll(&mut self.status);
        let style_busy = self.style.poll(&wake, &mut self.status);
        if lab_busy || style_busy {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn tab_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.heading("visionlab");
            ui.separator();
            for tab in Tab::ALL {
                ui.selectable_value(&mut self.tab, tab, tab.label());
            }
        });
    }

    /// The Classify and Segment tabs: the same panels, with the predictions grid or the
    /// masks overlay.
    fn task_ui(&mut self, ui: &mut Ui) {
        let tab = self.tab;
        let (state, width) = match tab {
            Tab::Segment => (&mut self.segment, &mut self.controls_width[1]),
            Tab::Detect => (&mut self.detect, &mut self.controls_width[2]),
            _ => (&mut self.classify, &mut self.controls_width[0]),
        };
        let controls = egui::Panel::left(format!("{tab:?}-controls"))
            .resizable(true)
            .default_size(*width)
            .min_size(300.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt(format!("{tab:?}-controls-scroll"))
                    .show(ui, |ui| {
                        data_panel::show(ui, state, &mut self.textures, &mut self.status);
                        ui.separator();
                        train_panel::show(ui, state, &mut self.status);
                    });
            });
        *width = controls.response.rect.width();
        egui::CentralPanel::default().show(ui, |ui| match tab {
            Tab::Segment => {
                let plot_height = (ui.available_height() * 0.3).clamp(140.0, 300.0);
                plot_panel::show(ui, state, plot_height);
                ui.separator();
                overlay_panel::show(ui, state, &mut self.textures, self.overlay_gpu.as_ref());
            }
            Tab::Detect => {
                let plot_height = (ui.available_height() * 0.25).clamp(130.0, 260.0);
                plot_panel::show(ui, state, plot_height);
                ui.separator();
                boxes_panel::show(ui, state, &mut self.textures);
            }
            _ => {
                // The confusion and explanation views need more room than the sample grid.
                let share = match state.insight.view {
                    InsightView::Predictions => 0.45,
                    InsightView::Confusion | InsightView::Explain => 0.3,
                };
                let plot_height = (ui.available_height() * share).clamp(160.0, 420.0);
                plot_panel::show(ui, state, plot_height);
                ui.separator();
                confusion_panel::show_views(ui, state, &mut self.textures, &mut self.status);
            }
        });
    }
}

impl eframe::App for VisionApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.route_events(ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        egui::Panel::top("tab-bar").show(ui, |ui| self.tab_bar(ui));
        let job_state = match self.tab {
            Tab::Classify => self.classify.phase_text(),
            Tab::Segment => self.segment.phase_text(),
            Tab::Attack => self.attack.phase_text(),
            Tab::Compress => self.compress.phase_text(),
            Tab::Detect => self.detect.phase_text(),
            Tab::Style => self.style.phase_text(),
        };
        egui::Panel::bottom("status-bar").show(ui, |ui| {
            status_bar::show(ui, &mut self.status, &job_state);
        });
        match self.tab {
            Tab::Classify | Tab::Segment | Tab::Detect => self.task_ui(ui),
            Tab::Attack => {
                let wake = waker(ui.ctx());
                attack_tab::show(
                    ui,
                    &mut self.attack,
                    &mut self.textures,
                    &mut self.status,
                    &wake,
                );
            }
            Tab::Compress => {
                let wake = waker(ui.ctx());
                compress_tab::show(ui, &mut self.compress, &mut self.status, &wake);
            }
            Tab::Style => {
                let wake = waker(ui.ctx());
                style_panel::show(
                    ui,
                    &mut self.style,
                    &mut self.textures,
                    &mut self.status,
                    &wake,
                );
            }
        }
        self.textures.end_frame();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.classify.settings().store(storage);
        self.segment.settings().store(storage);
        self.detect.settings().store(storage);
        self.layout().store(storage);
        self.lab_settings().store(storage);
    }
}
