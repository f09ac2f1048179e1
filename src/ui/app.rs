//! The application: tabs, routing of job events into state, and the frame layout.

use egui::Ui;

use crate::train::protocol::{Task, TrainConfig};
use crate::ui::classify::{ClassifyState, waker};
use crate::ui::overlay_gpu::{OverlayRenderer, UploadCounter};
use crate::ui::settings::Settings;
use crate::ui::status_bar::{self, Status};
use crate::ui::textures::TextureCache;
use crate::ui::{data_panel, overlay_panel, plot_panel, predictions_panel, train_panel};

/// The workbench's tabs. Only tasks that exist get a tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Train an image classifier and watch it learn.
    Classify,
    /// Train a segmenter and watch its masks form over the images.
    Segment,
}

impl Tab {
    /// All tabs, in the order shown.
    pub const ALL: [Tab; 2] = [Tab::Classify, Tab::Segment];

    /// Name on the tab bar.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Classify => "Classify",
            Tab::Segment => "Segment",
        }
    }
}

/// The visionlab GUI: owns plain data only; jobs run on their own threads.
pub struct VisionApp {
    tab: Tab,
    classify: ClassifyState,
    segment: ClassifyState,
    /// Set when the segmentation overlay is drawn by the WGSL shader.
    overlay_gpu: Option<UploadCounter>,
    status: Status,
    textures: TextureCache,
    /// Read the configured dataset on the first frame.
    inspect_on_start: bool,
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
        }
    }

    /// An app restored from remembered settings of the Classify and Segment tabs.
    pub fn from_settings(classify: Settings, segment: Settings) -> Self {
        VisionApp {
            tab: Tab::Classify,
            classify: ClassifyState::new(classify),
            segment: ClassifyState::new(segment),
            overlay_gpu: None,
            status: Status::default(),
            textures: TextureCache::default(),
            inspect_on_start: false,
        }
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

    /// The state of the tab shown.
    fn current(&mut self) -> &mut ClassifyState {
        match self.tab {
            Tab::Classify => &mut self.classify,
            Tab::Segment => &mut self.segment,
        }
    }

    /// The configuration the next run of the shown tab will use.
    pub fn config(&self) -> &TrainConfig {
        match self.tab {
            Tab::Classify => &self.classify.config,
            Tab::Segment => &self.segment.config,
        }
    }

    /// The configuration, to change it (it applies to the next run).
    pub fn config_mut(&mut self) -> &mut TrainConfig {
        &mut self.current().config
    }

    /// The Classify tab's state.
    pub fn classify(&self) -> &ClassifyState {
        &self.classify
    }

    /// The Segment tab's state.
    pub fn segment(&self) -> &ClassifyState {
        &self.segment
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
            for state in [&mut self.classify, &mut self.segment] {
                let data = state.config.data.clone();
                state.choose_data(data, wake.clone(), status);
            }
        }
        // Both tabs' jobs keep running (and reporting) whichever tab is shown.
        let more_classify = self.classify.poll(&wake, &mut self.status);
        let more_segment = self.segment.poll(&wake, &mut self.status);
        if more_classify || more_segment {
            ctx.request_repaint();
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

    fn task_ui(&mut self, ui: &mut Ui) {
        let tab = self.tab;
        let state = match tab {
            Tab::Classify => &mut self.classify,
            Tab::Segment => &mut self.segment,
        };
        egui::Panel::left(format!("{tab:?}-controls"))
            .resizable(true)
            .default_size(380.0)
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
        egui::CentralPanel::default().show(ui, |ui| match tab {
            Tab::Classify => {
                let plot_height = (ui.available_height() * 0.45).clamp(160.0, 420.0);
                plot_panel::show(ui, state, plot_height);
                ui.separator();
                predictions_panel::show(ui, state, &mut self.textures);
            }
            Tab::Segment => {
                let plot_height = (ui.available_height() * 0.3).clamp(140.0, 300.0);
                plot_panel::show(ui, state, plot_height);
                ui.separator();
                overlay_panel::show(ui, state, &mut self.textures, self.overlay_gpu.as_ref());
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
        let job_state = self.current().phase_text();
        egui::Panel::bottom("status-bar").show(ui, |ui| {
            status_bar::show(ui, &mut self.status, &job_state);
        });
        self.task_ui(ui);
        self.textures.end_frame();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.classify.settings().store(storage);
        self.segment.settings().store(storage);
    }
}
