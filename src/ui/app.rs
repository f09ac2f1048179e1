//! The application: tabs, routing of job events into state, and the frame layout.

use egui::Ui;

use crate::train::protocol::TrainConfig;
use crate::ui::classify::{ClassifyState, waker};
use crate::ui::insight::InsightView;
use crate::ui::settings::Settings;
use crate::ui::status_bar::{self, Status};
use crate::ui::textures::TextureCache;
use crate::ui::{confusion_panel, data_panel, plot_panel, train_panel};

/// The workbench's tabs. Only tasks that exist get a tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Train an image classifier and watch it learn.
    Classify,
}

impl Tab {
    /// All tabs, in the order shown.
    pub const ALL: [Tab; 1] = [Tab::Classify];

    /// Name on the tab bar.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Classify => "Classify",
        }
    }
}

/// The visionlab GUI: owns plain data only; jobs run on their own threads.
pub struct VisionApp {
    tab: Tab,
    classify: ClassifyState,
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
        Self::from_settings(Settings::default())
    }

    /// An app that will train with `config` (tests and scripted use); it starts no job by
    /// itself.
    pub fn with_config(config: TrainConfig) -> Self {
        Self::from_settings(Settings {
            config,
            ..Settings::default()
        })
    }

    /// An app restored from remembered settings.
    pub fn from_settings(settings: Settings) -> Self {
        VisionApp {
            tab: Tab::Classify,
            classify: ClassifyState::new(settings),
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

    /// The configuration the next run will use.
    pub fn config(&self) -> &TrainConfig {
        &self.classify.config
    }

    /// The configuration, to change it (it applies to the next run).
    pub fn config_mut(&mut self) -> &mut TrainConfig {
        &mut self.classify.config
    }

    /// The Classify tab's state.
    pub fn classify(&self) -> &ClassifyState {
        &self.classify
    }

    /// The status bar's messages.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// Takes in what jobs and dialogs sent since the last frame.
    fn route_events(&mut self, ctx: &egui::Context) {
        let wake = waker(ctx);
        if std::mem::take(&mut self.inspect_on_start) {
            let data = self.classify.config.data.clone();
            self.classify
                .choose_data(data, wake.clone(), &mut self.status);
        }
        if self.classify.poll(&wake, &mut self.status) {
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

    fn classify_ui(&mut self, ui: &mut Ui) {
        egui::Panel::left("classify-controls")
            .resizable(true)
            .default_size(380.0)
            .min_size(300.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("classify-controls-scroll")
                    .show(ui, |ui| {
                        data_panel::show(
                            ui,
                            &mut self.classify,
                            &mut self.textures,
                            &mut self.status,
                        );
                        ui.separator();
                        train_panel::show(ui, &mut self.classify, &mut self.status);
                    });
            });
        egui::CentralPanel::default().show(ui, |ui| {
            // The confusion and explanation views need more room than the sample grid.
            let share = match self.classify.insight.view {
                InsightView::Predictions => 0.45,
                InsightView::Confusion | InsightView::Explain => 0.3,
            };
            let plot_height = (ui.available_height() * share).clamp(160.0, 420.0);
            plot_panel::show(ui, &mut self.classify, plot_height);
            ui.separator();
            confusion_panel::show_views(
                ui,
                &mut self.classify,
                &mut self.textures,
                &mut self.status,
            );
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
        };
        egui::Panel::bottom("status-bar").show(ui, |ui| {
            status_bar::show(ui, &mut self.status, &job_state);
        });
        match self.tab {
            Tab::Classify => self.classify_ui(ui),
        }
        self.textures.end_frame();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.classify.settings().store(storage);
    }
}
