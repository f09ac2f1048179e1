//! Headless frame timing: the real [`VisionApp`] driven through an egui context at 60
//! frames a second (as eframe would) while its Classify tab trains. Each frame's CPU time
//! is the app's `logic` + `ui` and egui's tessellation (what eframe does before handing the
//! triangles to the GPU; the GPU's own work is not included). `visionlab bench --only ui`
//! turns the durations into its table rows.

use std::time::{Duration, Instant};

use crate::core::protocol::TrainConfig;
use crate::ui::VisionApp;

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

/// Draws frames for `seconds` while a classification run of `config` streams its events
/// into the app; the frames are timed from the job's first reported step on.
pub fn time_frames_while_training(
    config: TrainConfig,
    seconds: f64,
) -> Result<FrameTimes, FrameTimingError> {
    let mut app = VisionApp::with_config(config);
    let ctx = egui::Context::default();
    let mut frame = eframe::Frame::_new_kittest();
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0));
    let start = Instant::now();
    let mut draw = |app: &mut VisionApp| {
        let input = egui::RawInput {
            screen_rect: Some(screen),
            time: Some(start.elapsed().as_secs_f64()),
            ..Default::default()
        };
        let began = Instant::now();
        let mut output = ctx.run_ui(input, |ui| {
            eframe::App::logic(app, ui.ctx(), &mut frame);
            eframe::App::ui(app, ui, &mut frame);
        });
        let _triangles = ctx.tessellate(output.shapes, output.pixels_per_point);
        let took = began.elapsed();
        // No renderer here to upload the new textures: drop them (egui insists on it).
        output.textures_delta.clear();
        took
    };
    // A few frames to lay out, then start training as the Start button does.
    for _ in 0..3 {
        draw(&mut app);
    }
    app.start_training(&ctx);
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
