//! The application: tabs, routing of job events into state, the frame layout, and what
//! passes between tabs ("Use in Attack / Compress", the recent checkpoints).

use std::path::PathBuf;

use egui::Ui;

use crate::core::protocol::{Task, TrainConfig};
use crate::ui::attack::{self, AttackTab};
use crate::ui::classify::{self, ClassifyTab};
use crate::ui::compress::{self, CompressTab};
use crate::ui::detect::{self, DetectTab};
use crate::ui::explore::state::ModelSource;
use crate::ui::explore::{self, ExploreTab};
use crate::ui::jobs::waker;
use crate::ui::runs::{self, RunsAction, RunsTab};
use crate::ui::segment::overlay_gpu::{OverlayRenderer, UploadCounter};
use crate::ui::segment::{self, SegmentTab};
use crate::ui::settings::{self, LabSettings, Layout, RunsSettings, Settings};
use crate::ui::style::{self, StyleTab};
use crate::ui::training::{LabTab, TrainingTab, UseIn};
use crate::ui::widgets::model_fields::ModelFields;
use crate::ui::widgets::recent_checkpoints::RecentCheckpoints;
use crate::ui::widgets::status_bar::{self, Status};
use crate::ui::widgets::textures::TextureCache;

/// The workbench's tabs. Only tasks that exist get a tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Train an image classifier and watch it learn.
    Classify,
    /// Train a segmenter and watch its masks form over the images.
    Segment,
    /// Attack a trained classifier with adversarial noise.
    Attack,
    /// Shrink a trained classifier (int8, pruning) and compare.
    Compress,
    /// Train a detector and watch its boxes and instance masks over the images.
    Detect,
    /// Stylize a photo with a painting (or a built-in style) and export it.
    Style,
    /// A dataset seen through a model: map, similar images, label errors, duplicates.
    Explore,
    /// Every recorded run: a table, compare, hyperparameters.
    Runs,
}

impl Tab {
    /// All tabs, in the order shown.
    pub const ALL: [Tab; 8] = [
        Tab::Classify,
        Tab::Segment,
        Tab::Detect,
        Tab::Attack,
        Tab::Compress,
        Tab::Style,
        Tab::Explore,
        Tab::Runs,
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
            Tab::Explore => "Explore",
            Tab::Runs => "Runs",
        }
    }

    /// The tab's place in [`Tab::ALL`].
    pub fn index(self) -> usize {
        match self {
            Tab::Classify => 0,
            Tab::Segment => 1,
            Tab::Detect => 2,
            Tab::Attack => 3,
            Tab::Compress => 4,
            Tab::Style => 5,
            Tab::Explore => 6,
            Tab::Runs => 7,
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
    classify: TrainingTab<ClassifyTab>,
    segment: TrainingTab<SegmentTab>,
    detect: TrainingTab<DetectTab>,
    /// Set when the segmentation overlay is drawn by the WGSL shader.
    overlay_gpu: Option<UploadCounter>,
    attack: AttackTab,
    compress: CompressTab,
    style: StyleTab,
    /// One status line per tab (indexed by [`Tab::index`]): each says what its own jobs
    /// did last, so a tab never shows another tab's messages.
    statuses: [Status; 8],
    textures: TextureCache,
    /// Read the configured dataset on the first frame.
    inspect_on_start: bool,
    /// Widths of the Classify, Segment and Detect tabs' controls panels, as last drawn.
    controls_width: [f32; 3],
    /// Where training runs keep themselves; `None` keeps nothing.
    runs_root: Option<PathBuf>,
    /// The recent checkpoints offered by the Attack and Compress tabs.
    recent: RecentCheckpoints,
    /// The tab and the Classify tab's checkpoint count when the list was last made.
    recent_made_for: Option<(Tab, usize)>,
    /// The Runs tab.
    runs: RunsTab,
    /// The Explore tab.
    explore: ExploreTab,
    /// The training tabs' runs (started, active) when the Runs tab last read its folder.
    runs_read_for: Option<[(usize, bool); 3]>,
}

impl Default for VisionApp {
    fn default() -> Self {
        Self::new()
    }
}

impl VisionApp {
    /// An app at its first launch: each training tab starts from its task's defaults
    /// ([`crate::tasks::defaults`], as `visionlab train` does); it starts no job by itself.
    pub fn new() -> Self {
        Self::from_settings(
            Settings::for_task(Task::Classify),
            Settings::for_task(Task::Segment),
        )
    }

    /// An app that will train with `config` (tests and scripted use); it starts no job by
    /// itself. The other training tabs start from their tasks' defaults.
    pub fn with_config(config: TrainConfig) -> Self {
        let task = config.task;
        let settings = Settings {
            config,
            ..Settings::for_task(task)
        };
        match task {
            Task::Classify => Self::from_settings(settings, Settings::for_task(Task::Segment)),
            Task::Segment => {
                let mut app = Self::from_settings(Settings::for_task(Task::Classify), settings);
                app.tab = Tab::Segment;
                app
            }
            Task::Detect => {
                let mut app = Self::new().with_detect_settings(settings);
                app.tab = Tab::Detect;
                app
            }
        }
    }

    /// An app restored from remembered settings of the Classify and Segment tabs (the
    /// Detect tab starts from its task's defaults; see [`Self::with_detect_settings`]).
    pub fn from_settings(classify: Settings, segment: Settings) -> Self {
        let fields = || ModelFields::new(&classify.checkpoint_text, &classify.config.data);
        VisionApp {
            tab: Tab::Classify,
            attack: AttackTab::new(fields()),
            compress: CompressTab::new(fields()),
            style: StyleTab::new(),
            classify: TrainingTab::new(classify),
            segment: TrainingTab::new(segment),
            detect: TrainingTab::new(Settings::for_task(Task::Detect)),
            overlay_gpu: None,
            statuses: Default::default(),
            textures: TextureCache::default(),
            inspect_on_start: false,
            controls_width: [settings::DEFAULT_CONTROLS_WIDTH; 3],
            runs_root: None,
            recent: RecentCheckpoints::default(),
            recent_made_for: None,
            runs: RunsTab::default(),
            runs_read_for: None,
            explore: ExploreTab::new(),
        }
    }

    /// Keeps every training run in a run folder under `root` (see
    /// [`crate::train::run_folder`]; the window uses its default root), and lists the
    /// newest ones in the Attack and Compress tabs. `None` (the default) keeps nothing.
    pub fn with_runs_root(mut self, root: Option<PathBuf>) -> Self {
        self.set_runs_root(root);
        self
    }

    /// Keeps new training runs under `root` and lists it in the Runs tab (read again).
    pub fn set_runs_root(&mut self, root: Option<PathBuf>) {
        for run in [
            &mut self.classify.run,
            &mut self.segment.run,
            &mut self.detect.run,
        ] {
            run.runs_root = root.clone();
        }
        self.runs.set_root(root.clone());
        self.runs_root = root;
        self.runs_read_for = None;
        self.recent_made_for = None;
    }

    /// Restores the Runs tab's remembered choices (the runs folder chosen; the root itself
    /// is set by [`Self::with_runs_root`]).
    pub fn with_runs_settings(mut self, settings: &RunsSettings) -> Self {
        self.runs.chosen_folder = settings.runs_folder.clone();
        self
    }

    /// The Explore tab's state.
    pub fn explore(&self) -> &ExploreTab {
        &self.explore
    }

    /// The Explore tab's state, to change it.
    pub fn explore_mut(&mut self) -> &mut ExploreTab {
        &mut self.explore
    }

    /// The Runs tab's state.
    pub fn runs(&self) -> &RunsTab {
        &self.runs
    }

    /// The Runs tab's state, to change it.
    pub fn runs_mut(&mut self) -> &mut RunsTab {
        &mut self.runs
    }

    /// Where training runs keep themselves.
    pub fn runs_root(&self) -> Option<&std::path::Path> {
        self.runs_root.as_deref()
    }

    /// Uses remembered settings for the Detect tab.
    pub fn with_detect_settings(mut self, detect: Settings) -> Self {
        self.detect = TrainingTab::new(detect);
        self.detect.run.runs_root = self.runs_root.clone();
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
        let explore = &mut self.explore;
        explore.checkpoint = lab.explore_checkpoint.clone();
        explore.source = if lab.explore_imagenet {
            ModelSource::ImageNet
        } else {
            ModelSource::Checkpoint
        };
        explore.data = lab.explore_data.clone();
        explore.imagenet_side = lab.explore_side;
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
            explore_checkpoint: self.explore.checkpoint.clone(),
            explore_imagenet: self.explore.source == ModelSource::ImageNet,
            explore_data: self.explore.data.clone(),
            explore_side: self.explore.imagenet_side,
        }
    }

    /// Starts training on the Classify, Segment or Detect tab (whichever is shown;
    /// Classify for the others), as the Start button does (scripted use and benchmarks),
    /// without asking about a model in no checkpoint.
    pub fn start_training(&mut self, ctx: &egui::Context) {
        let (wake, status) = (waker(ctx), &mut self.statuses[self.training_tab().index()]);
        match self.tab {
            Tab::Segment => self.segment.start(wake, status),
            Tab::Detect => self.detect.start(wake, status),
            Tab::Classify | Tab::Attack | Tab::Compress | Tab::Style | Tab::Explore | Tab::Runs => {
                self.classify.start(wake, status);
            }
        }
    }

    /// Stops the Classify, Segment or Detect tab's run, as the Stop button does.
    pub fn stop_training(&mut self) {
        let status = &mut self.statuses[self.training_tab().index()];
        match self.tab {
            Tab::Segment => self.segment.stop(status),
            Tab::Detect => self.detect.stop(status),
            Tab::Classify | Tab::Attack | Tab::Compress | Tab::Style | Tab::Explore | Tab::Runs => {
                self.classify.stop(status);
            }
        }
    }

    /// The training tab that Start and Stop act on: the one shown, Classify for the labs.
    fn training_tab(&self) -> Tab {
        match self.tab {
            Tab::Segment | Tab::Detect => self.tab,
            Tab::Classify | Tab::Attack | Tab::Compress | Tab::Style | Tab::Explore | Tab::Runs => {
                Tab::Classify
            }
        }
    }

    /// The status bar's messages of the tab shown, to add one.
    pub fn status_mut(&mut self) -> &mut Status {
        &mut self.statuses[self.tab.index()]
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

    /// The training configuration of the Segment or Detect tab when it is shown, else the
    /// Classify tab's (the next run's).
    pub fn config(&self) -> &TrainConfig {
        match self.tab {
            Tab::Segment => &self.segment.run.config,
            Tab::Detect => &self.detect.run.config,
            Tab::Classify | Tab::Attack | Tab::Compress | Tab::Style | Tab::Explore | Tab::Runs => {
                &self.classify.run.config
            }
        }
    }

    /// The configuration, to change it (it applies to the next run).
    pub fn config_mut(&mut self) -> &mut TrainConfig {
        match self.tab {
            Tab::Segment => &mut self.segment.run.config,
            Tab::Detect => &mut self.detect.run.config,
            Tab::Classify | Tab::Attack | Tab::Compress | Tab::Style | Tab::Explore | Tab::Runs => {
                &mut self.classify.run.config
            }
        }
    }

    /// The Classify tab's state.
    pub fn classify(&self) -> &TrainingTab<ClassifyTab> {
        &self.classify
    }

    /// The Classify tab's state, to change it (tests fill its fields).
    pub fn classify_mut(&mut self) -> &mut TrainingTab<ClassifyTab> {
        &mut self.classify
    }

    /// The Segment tab's state.
    pub fn segment(&self) -> &TrainingTab<SegmentTab> {
        &self.segment
    }

    /// The Segment tab's state, to change it (tests feed it events).
    pub fn segment_mut(&mut self) -> &mut TrainingTab<SegmentTab> {
        &mut self.segment
    }

    /// The Detect tab's state.
    pub fn detect(&self) -> &TrainingTab<DetectTab> {
        &self.detect
    }

    /// The Detect tab's state, to change it (tests feed it events).
    pub fn detect_mut(&mut self) -> &mut TrainingTab<DetectTab> {
        &mut self.detect
    }

    /// The Attack tab's state.
    pub fn attack(&self) -> &AttackTab {
        &self.attack
    }

    /// The Attack tab's state, to change it.
    pub fn attack_mut(&mut self) -> &mut AttackTab {
        &mut self.attack
    }

    /// The Compress tab's state.
    pub fn compress(&self) -> &CompressTab {
        &self.compress
    }

    /// The Compress tab's state, to change it.
    pub fn compress_mut(&mut self) -> &mut CompressTab {
        &mut self.compress
    }

    /// The Style tab's state.
    pub fn style(&self) -> &StyleTab {
        &self.style
    }

    /// The Style tab's state, to change it.
    pub fn style_mut(&mut self) -> &mut StyleTab {
        &mut self.style
    }

    /// Shows another tab.
    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
    }

    /// The status bar's messages of the tab shown.
    pub fn status(&self) -> &Status {
        &self.statuses[self.tab.index()]
    }

    /// The status bar's messages of a tab.
    pub fn status_of(&self, tab: Tab) -> &Status {
        &self.statuses[tab.index()]
    }

    /// Takes in what jobs and dialogs sent since the last frame.
    fn route_events(&mut self, ctx: &egui::Context) {
        let wake = waker(ctx);
        if std::mem::take(&mut self.inspect_on_start) {
            for (run, tab) in [
                (&mut self.classify.run, Tab::Classify),
                (&mut self.segment.run, Tab::Segment),
                (&mut self.detect.run, Tab::Detect),
            ] {
                let data = run.config.data.clone();
                run.choose_data(data, wake.clone(), &mut self.statuses[tab.index()]);
            }
        }
        // The training tabs' jobs keep running (and reporting) whichever tab is shown.
        let [
            classify,
            segment,
            detect,
            attack,
            compress,
            style,
            explore,
            runs,
        ] = &mut self.statuses;
        let more_classify = self.classify.poll(&wake, classify);
        let more_segment = self.segment.poll(&wake, segment);
        let more_detect = self.detect.poll(&wake, detect);
        if more_classify || more_segment || more_detect {
            ctx.request_repaint();
        }
        // The lab tabs' jobs wake the UI on each event; polling again soon also catches
        // a job that ended without one.
        let lab_busy = self.attack.poll(&wake, attack) | self.compress.poll(compress);
        let style_busy = self.style.poll(&wake, style);
        let explore_busy = self.explore.poll(&wake, explore);
        if lab_busy || style_busy || explore_busy {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        if self.runs.poll(runs) {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        if let Some(root) = self.runs.take_new_root() {
            runs.log(format!("New runs are kept in {}", root.display()));
            self.set_runs_root(Some(root));
        }
    }

    /// Reads the runs folder again when the Runs tab is shown: when it opens, and when a
    /// training tab's run starts or ends meanwhile.
    fn refresh_runs(&mut self, ctx: &egui::Context) {
        if self.tab != Tab::Runs {
            self.runs_read_for = None;
            return;
        }
        let key = [&self.classify.run, &self.segment.run, &self.detect.run]
            .map(|run| (run.runs_started, run.phase.is_active()));
        if self.runs_read_for == Some(key) {
            return;
        }
        self.runs_read_for = Some(key);
        self.runs
            .refresh(waker(ctx), &mut self.statuses[Tab::Runs.index()]);
    }

    /// Applies what the Runs tab asked: a recorded run's settings (and checkpoint) go into
    /// its task's tab, which is shown.
    fn take_runs_action(&mut self, ctx: &egui::Context) {
        let Some(action) = self.runs.take_action() else {
            return;
        };
        let (config, checkpoint, name) = match action {
            RunsAction::Open {
                config,
                checkpoint,
                name,
            } => (config, Some(checkpoint), name),
            RunsAction::RunAgain { config, name } => (config, None, name),
        };
        let tab = match config.task {
            Task::Classify => Tab::Classify,
            Task::Segment => Tab::Segment,
            Task::Detect => Tab::Detect,
        };
        let opened = checkpoint.is_some();
        let (wake, status) = (waker(ctx), &mut self.statuses[tab.index()]);
        let took = match config.task {
            Task::Classify => self
                .classify
                .take_recorded(config, checkpoint, wake, status),
            Task::Segment => self.segment.take_recorded(config, checkpoint, wake, status),
            Task::Detect => self.detect.take_recorded(config, checkpoint, wake, status),
        };
        if took {
            status.log(if opened {
                format!("Settings and checkpoint of run {name}: \"Resume from path\" continues it")
            } else {
                format!("Settings of run {name}: Start runs it again")
            });
            self.tab = tab;
        } else {
            let why = status.error.clone().unwrap_or_default();
            self.statuses[Tab::Runs.index()].fail(why);
        }
    }

    /// Applies "Use in Attack / Compress" from the Classify tab: the checkpoint and data go
    /// into that tab's fields, and it is shown.
    fn take_use_in(&mut self) {
        let Some(UseIn { lab, model, data }) = self.classify.run.take_use_in() else {
            return;
        };
        let tab = match lab {
            LabTab::Attack => {
                self.attack.use_checkpoint(&model, &data);
                Tab::Attack
            }
            LabTab::Compress => {
                self.compress.use_checkpoint(&model, &data);
                Tab::Compress
            }
        };
        self.statuses[tab.index()].log(format!(
            "Using {} (trained on {}) from the Classify tab",
            model.display(),
            data.describe()
        ));
        self.tab = tab;
    }

    /// Makes the Attack or Compress tab's recent checkpoints when it is shown, and again
    /// when the Classify tab wrote a checkpoint.
    fn refresh_recent(&mut self) {
        if !matches!(self.tab, Tab::Attack | Tab::Compress) {
            self.recent_made_for = None;
            return;
        }
        let key = (self.tab, self.classify.run.saved.len());
        if self.recent_made_for == Some(key) {
            return;
        }
        self.recent_made_for = Some(key);
        let session: Vec<PathBuf> = self
            .classify
            .run
            .saved
            .iter()
            .rev()
            .map(|saved| saved.path.clone())
            .collect();
        let list = self.recent.list(&session, self.runs_root.as_deref());
        match self.tab {
            Tab::Attack => self.attack.fields.recent = list,
            Tab::Compress => self.compress.fields.recent = list,
            Tab::Classify | Tab::Segment | Tab::Detect | Tab::Style | Tab::Explore | Tab::Runs => {}
        }
    }

    /// The Runs tab's line for the status bar.
    fn runs_phase_text(&self) -> String {
        if self.runs.is_loading() {
            return "Reading runs…".into();
        }
        match self.runs.root() {
            Some(root) => format!("{} runs in {}", self.runs.rows().len(), root.display()),
            None => "No runs folder".into(),
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
}

impl eframe::App for VisionApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.route_events(ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        egui::Panel::top("tab-bar").show(ui, |ui| self.tab_bar(ui));
        self.refresh_recent();
        self.refresh_runs(ui.ctx());
        let job_state = match self.tab {
            Tab::Classify => self.classify.phase_text(),
            Tab::Segment => self.segment.phase_text(),
            Tab::Attack => self.attack.phase_text(),
            Tab::Compress => self.compress.phase_text(),
            Tab::Detect => self.detect.phase_text(),
            Tab::Style => self.style.phase_text(),
            Tab::Explore => self.explore.phase_text(),
            Tab::Runs => self.runs_phase_text(),
        };
        egui::Panel::bottom("status-bar").show(ui, |ui| {
            status_bar::show(ui, &mut self.statuses[self.tab.index()], &job_state);
        });
        let (textures, status) = (&mut self.textures, &mut self.statuses[self.tab.index()]);
        let widths = &mut self.controls_width;
        let wake = waker(ui.ctx());
        match self.tab {
            Tab::Classify => {
                classify::view::show(ui, &mut self.classify, &mut widths[0], textures, status);
            }
            Tab::Segment => segment::view::show(
                ui,
                &mut self.segment,
                &mut widths[1],
                textures,
                self.overlay_gpu.as_ref(),
                status,
            ),
            Tab::Detect => {
                detect::view::show(ui, &mut self.detect, &mut widths[2], textures, status);
            }
            Tab::Attack => attack::view::show(ui, &mut self.attack, textures, status, &wake),
            Tab::Compress => compress::view::show(ui, &mut self.compress, status, &wake),
            Tab::Style => style::view::show(ui, &mut self.style, textures, status, &wake),
            Tab::Explore => explore::view::show(ui, &mut self.explore, textures, status, &wake),
            Tab::Runs => runs::view::show(ui, &mut self.runs, status),
        }
        self.take_use_in();
        self.take_runs_action(ui.ctx());
        self.textures.end_frame();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.classify.settings().store(storage);
        self.segment.settings().store(storage);
        self.detect.settings().store(storage);
        self.layout().store(storage);
        self.lab_settings().store(storage);
        RunsSettings {
            runs_folder: self.runs.chosen_folder.clone(),
        }
        .store(storage);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_index_is_the_place_in_all() {
        for (i, tab) in Tab::ALL.into_iter().enumerate() {
            assert_eq!(tab.index(), i);
            assert_eq!(Tab::from_label(tab.label()), Some(tab));
        }
    }
}
