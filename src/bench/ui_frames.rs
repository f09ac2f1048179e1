//! UI frame time while a training job runs, measured headless: the frames are drawn and
//! timed by [`crate::ui::frame_timing`] (egui lives in the UI) while the Classify tab
//! trains a ConvNet on the built-in shapes; this module turns them into table rows.

use crate::bench::table::{Goal, Row, Table};
use crate::core::protocol::{DataSpec, DeviceChoice, Task, TrainConfig};
use crate::tasks;
use crate::ui::frame_timing;

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

/// The run trained while frames are timed: the Classify tab's defaults on 3000 shapes,
/// batch 32, on the CPU, with an epoch budget that outlasts the measurement.
fn training_config() -> TrainConfig {
    TrainConfig {
        data: DataSpec::Shapes {
            count: 3000,
            seed: 7,
        },
        epochs: 100,
        batch_size: 32,
        device: DeviceChoice::Cpu,
        ..tasks::defaults(Task::Classify)
    }
}

/// Draws frames for `seconds` while a training run streams events into the app.
pub fn measure(seconds: f64) -> anyhow::Result<Frames> {
    let timed = frame_timing::time_frames_while_training(training_config(), seconds)?;
    let mut times: Vec<f64> = timed
        .frames
        .iter()
        .map(|took| took.as_secs_f64() * 1000.0)
        .collect();
    times.sort_by(f64::total_cmp);
    Ok(Frames {
        frames: times.len(),
        p50_ms: quantile(&times, 0.5),
        p95_ms: quantile(&times, 0.95),
        steps_seen: timed.steps_seen,
    })
}

/// The p50 and p95 rows (target: below 16 ms, one frame at 60 Hz).
pub fn rows(seconds: f64, table: &mut Table) -> anyhow::Result<()> {
    let frames = measure(seconds)?;
    println!(
        "UI: {} frames while training ({} training steps reported)",
        frames.frames, frames.steps_seen
    );
    table.push(Row::new(
        "UI frame time p50, training running",
        "ms",
        frames.p50_ms,
        Goal::Below(16.0),
    ));
    table.push(Row::new(
        "UI frame time p95, training running",
        "ms",
        frames.p95_ms,
        Goal::Below(16.0),
    ));
    Ok(())
}
