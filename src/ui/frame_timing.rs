//! Headless frame timing: the real [`VisionApp`] driven through an egui context at 60
//! frames a second (as eframe would) while its Classify tab trains. Each frame's CPU time
//! is the app's `logic` + `ui` and egui's tessellation (what eframe does before handing the
//! triangles to the GPU; the GPU's own work is not included). The Runs tab is timed the
//! same way over a folder of recorded runs ([`time_runs_panel`]). `visionlab bench --only
//! ui` turns the durations into its table rows.

use std::time::{Duration, Instant};

use std::path::Path;

use crate::core::protocol::TrainConfig;
use crate::ui::VisionApp;
use crate::ui::app::Tab;
use crate::ui::runs::Column;

/// How long the training job may take to report its first step.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// Frame times of one measurement.
#[derive(Clone, Debug, Default)]
pub struct FrameTimes {
    /// Each timed frame's CPU time, in the order drawn.
    pub frames: Vec<Duration>,
    /// Training steps the UI had received by the end (shows the job was running).
    pub steps_seen: u64,
}

/// Why frames could not be timed.
#[derive(Debug, thiserror::Error)]
pub enum FrameTimingError {
    /// The training job reported no step in time (it failed, or the machine is stuck).
    #[error("the training job did not start within {timeout:?}: {status}")]
    NotStarted {
        /// How long it was waited for.
        timeout: Duration,
        /// The status bar's messages at that moment.
        status: String,
    },
}

/// Draws the app's frames without a window, as eframe would, timing each: the app's
/// `logic` and `ui` and egui's tessellation.
pub struct Headless {
    ctx: egui::Context,
    frame: eframe::Frame,
    screen: egui::Rect,
    start: Instant,
}

impl Headless {
    /// Frames of `width` × `height` points.
    pub fn new(width: f32, height: f32) -> Self {
        Headless {
            ctx: egui::Context::default(),
            frame: eframe::Frame::_new_kittest(),
            screen: egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(width, height)),
            start: Instant::now(),
        }
    }

    /// The egui context the frames are drawn with.
    pub fn context(&self) -> &egui::Context {
        &self.ctx
    }

    /// Draws one frame of `app`; returns its CPU time.
    pub fn draw(&mut self, app: &mut VisionApp) -> Duration {
        let input = egui::RawInput {
            screen_rect: Some(self.screen),
            time: Some(self.start.elapsed().as_secs_f64()),
            ..Default::default()
        };
        let frame = &mut self.frame;
        let began = Instant::now();
        let mut output = self.ctx.run_ui(input, |ui| {
            eframe::App::logic(app, ui.ctx(), frame);
            eframe::App::ui(app, ui, frame);
        });
        let _triangles = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        let took = began.elapsed();
        // No renderer here to upload the new textures: drop them (egui insists on it).
        output.textures_delta.clear();
        took
    }
}

/// Draws frames for `seconds` while a classification run of `config` streams its events
/// into the app; the frames are timed from the job's first reported step on.
pub fn time_frames_while_training(
    config: TrainConfig,
    seconds: f64,
) -> Result<FrameTimes, FrameTimingError> {
    let mut app = VisionApp::with_config(config);
    let mut headless = Headless::new(1280.0, 800.0);
    let headless_ctx = headless.context().clone();
    let mut draw = |app: &mut VisionApp| headless.draw(app);
    // A few frames to lay out, then start training as the Start button does.
    for _ in 0..3 {
        draw(&mut app);
    }
    app.start_training(&headless_ctx);
    // Frames from the moment training reports its first step.
    let wait_until = Instant::now() + START_TIMEOUT;
    while app.classify().run.progress.step == 0 {
        draw(&mut app);
        if Instant::now() >= wait_until {
            let status = format!("{:?}", app.status());
            app.stop_training();
            return Err(FrameTimingError::NotStarted {
                timeout: START_TIMEOUT,
                status,
            });
        }
        std::thread::sleep(Duration::from_millis(16));
    }
    let mut frames = Vec::new();
    // A negative or NaN duration times no frame.
    let until = Instant::now() + Duration::try_from_secs_f64(seconds).unwrap_or_default();
    while Instant::now() < until {
        let took = draw(&mut app);
        frames.push(took);
        // 60 frames a second, as a monitor would pace eframe.
        std::thread::sleep(Duration::from_micros(16_667).saturating_sub(took));
    }
    let steps_seen = app.classify().run.progress.step;
    app.stop_training();
    draw(&mut app);
    Ok(FrameTimes { frames, steps_seen })
}

/// Longest wait for the runs folder to be read.
const RUNS_LOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// The Runs tab's times.
#[derive(Clone, Debug, Default)]
pub struct RunsPanelTimes {
    /// Runs listed.
    pub runs: usize,
    /// Reading the folder, on its own thread.
    pub load: Duration,
    /// The frame that took the runs in and showed the table.
    pub first_table_frame: Duration,
    /// Frames that sorted again by a column (best metric, name, duration; each once each
    /// way).
    pub sort_frames: Vec<Duration>,
    /// Frames drawn while the folder was read (the UI stays live).
    pub loading_frames: Vec<Duration>,
    /// Frames that only drew the sorted table again.
    pub redraw_frames: Vec<Duration>,
}

/// Why the tab could not be timed.
#[derive(Debug, thiserror::Error)]
#[error("the runs folder {0} was not read within {RUNS_LOAD_TIMEOUT:?}")]
pub struct RunsTimingError(String);

/// Times the Runs tab listing `root` in a 1280×800 window.
pub fn time_runs_panel(root: &Path) -> Result<RunsPanelTimes, RunsTimingError> {
    let mut app = VisionApp::new().with_runs_root(Some(root.to_path_buf()));
    app.set_tab(Tab::Runs);
    let mut headless = Headless::new(1280.0, 800.0);
    let mut times = RunsPanelTimes::default();
    let until = Instant::now() + RUNS_LOAD_TIMEOUT;
    loop {
        let took = headless.draw(&mut app);
        if app.runs().loads > 0 {
            times.first_table_frame = took;
            break;
        }
        times.loading_frames.push(took);
        if Instant::now() >= until {
            return Err(RunsTimingError(root.display().to_string()));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    times.runs = app.runs().rows().len();
    times.load = app.runs().loaded_in.unwrap_or_default();
    for column in [Column::Best, Column::Name, Column::Duration] {
        for _ in 0..2 {
            app.runs_mut().sort_by(column.clone());
            times.sort_frames.push(headless.draw(&mut app));
        }
    }
    for _ in 0..30 {
        times.redraw_frames.push(headless.draw(&mut app));
    }
    Ok(times)
}

/// The Explore tab's map times.
#[derive(Clone, Debug, Default)]
pub struct ExploreMapTimes {
    /// Points on the map.
    pub points: usize,
    /// The first frame drawing the map.
    pub first_frame: Duration,
    /// Frames that panned the map a little, drawing points.
    pub pan_points: Vec<Duration>,
    /// Frames that panned the map a little, drawing thumbnails.
    pub pan_thumbnails: Vec<Duration>,
    /// Frames that zoomed in, drawing thumbnails.
    pub zoom_thumbnails: Vec<Duration>,
}

/// Times the Explore tab's map of `report` (its thumbnails all in `tiles`, one per image)
/// in a 1280×800 window: panning with points, panning and zooming with thumbnails.
pub fn time_explore_map(
    report: crate::core::protocol::ExploreReport,
    tiles: &[crate::core::protocol::RgbaImage],
) -> ExploreMapTimes {
    let mut app = VisionApp::new();
    app.set_tab(Tab::Explore);
    let mut headless = Headless::new(1280.0, 800.0);
    // The tab before any report: egui's first frames (fonts) are not the map's.
    for _ in 0..3 {
        headless.draw(&mut app);
    }
    let points = report.images.len();
    app.explore_mut().show_report(report);
    for (i, tile) in tiles.iter().enumerate() {
        app.explore_mut().atlas.put(i, tile);
    }
    let mut times = ExploreMapTimes {
        points,
        ..ExploreMapTimes::default()
    };
    app.explore_mut().thumbnails = None;
    times.first_frame = headless.draw(&mut app);
    for _ in 0..3 {
        headless.draw(&mut app);
    }
    for i in 0..60 {
        let dx = if i % 40 < 20 { 4.0 } else { -4.0 };
        app.explore_mut().map.pan(egui::vec2(dx, 1.0));
        times.pan_points.push(headless.draw(&mut app));
    }
    app.explore_mut().thumbnails = Some(24.0);
    headless.draw(&mut app);
    for i in 0..60 {
        let dx = if i % 40 < 20 { 4.0 } else { -4.0 };
        app.explore_mut().map.pan(egui::vec2(dx, 1.0));
        times.pan_thumbnails.push(headless.draw(&mut app));
    }
    for _ in 0..30 {
        let centre = app.explore().map.rect.center();
        app.explore_mut().map.zoom_at(1.05, centre);
        times.zoom_thumbnails.push(headless.draw(&mut app));
    }
    times
}
