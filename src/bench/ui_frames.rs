//! UI frame time while a training job runs, measured headless: the real [`VisionApp`] is
//! driven through an egui context at 60 frames a second (as eframe would) while the
//! Classify tab trains a ConvNet on the built-in shapes; each frame's CPU time is the
//! app's `logic` + `ui` and egui's tessellation (what eframe does before handing the
//! triangles to the GPU; the GPU's own work is not included).

use std::time::{Duration, Instant};

use visionlab::train::protocol::{DataSpec, DeviceChoice, TrainConfig};
use visionlab::ui::VisionApp;

/// Frame times of one measurement.
pub struct Frames {
    /// Frames drawn.
    pub frames: usize,
    /// Median frame time.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// Training steps the UI had received by the end (shows the job was running).
    pub steps_seen: u64,
}

/// The `q`-quantile (0..=1) of sorted values.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Draws frames for `seconds` while a training run streams events into the app.
pub fn measure(seconds: f64) -> anyhow::Result<Frames> {
    let config = TrainConfig {
        data: DataSpec::Shapes {
            count: 3000,
            seed: 7,
        },
        epochs: 100,
        batch_size: 32,
        device: DeviceChoice::Cpu,
        ..TrainConfig::default()
    };
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
    let wait_until = Instant::now() + Duration::from_secs(120);
    while app.classify().progress.step == 0 {
        draw(&mut app);
        anyhow::ensure!(
            Instant::now() < wait_until,
            "the training job did not start: {:?}",
            app.status()
        );
        std::thread::sleep(Duration::from_millis(16));
    }
    let mut times = Vec::new();
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    while Instant::now() < until {
        let took = draw(&mut app);
        times.push(took.as_secs_f64() * 1000.0);
        // 60 frames a second, as a monitor would pace eframe.
        std::thread::sleep(Duration::from_micros(16_667).saturating_sub(took));
    }
    let steps_seen = app.classify().progress.step;
    app.stop_training();
    draw(&mut app);
    times.sort_by(f64::total_cmp);
    Ok(Frames {
        frames: times.len(),
        p50_ms: quantile(&times, 0.5),
        p95_ms: quantile(&times, 0.95),
        steps_seen,
    })
}
