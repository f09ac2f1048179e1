//! The Runs tab with 200 recorded runs: synthetic run folders (10 epochs × 300 steps each,
//! written through the record API, so `metrics.jsonl` has a real run's size) in a scratch
//! folder, then the time to read them (on the tab's own thread) and the frame time of the
//! first frame showing the table, of frames that sort it again and of frames that only
//! redraw it
//! ([`crate::ui::frame_timing::time_runs_panel`]). Target: one frame at 60 Hz.

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::bench::table::{Goal, Row, Table};
use crate::bench::ui_frames::quantile;
use crate::core::protocol::{EpochSummary, TrainConfig};
use crate::train::record::{Record, Status};
use crate::train::run_folder::RunFolder;
use crate::ui::frame_timing::time_runs_panel;

/// Runs written.
pub const RUNS: usize = 200;
/// Epochs per run.
const EPOCHS: usize = 10;
/// Steps per epoch.
const STEPS: u64 = 300;

/// Writes `runs` finished runs under `root`, their learning rate and batch size varied.
pub fn write_runs(root: &Path, runs: usize) -> anyhow::Result<()> {
    let rates = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2];
    let batches = [16, 32, 64, 128];
    for i in 0..runs {
        let config = TrainConfig {
            learning_rate: rates[i % rates.len()],
            batch_size: batches[i / rates.len() % batches.len()],
            seed: i as u64,
            ..TrainConfig::default()
        };
        // A minute apart before now, so the folders' names differ.
        let start = SystemTime::now() - Duration::from_secs(60 * (i as u64 + 1));
        let folder = RunFolder::create(root, &config, start)?;
        let mut record = Record::start(folder.dir(), &config, "CPU")?;
        let quality = 0.5 + 0.4 * ((i * 37 % 101) as f32 / 100.0);
        for epoch in 1..=EPOCHS {
            for s in 0..STEPS {
                let step = (epoch as u64 - 1) * STEPS + s + 1;
                let loss = 2.0 / (1.0 + step as f32 / 200.0);
                record.step(step, epoch, loss, config.learning_rate)?;
            }
            let val = quality * (1.0 - (-(epoch as f32) / 3.0).exp());
            let summary = EpochSummary {
                epoch,
                train_loss: 2.0 / epoch as f32,
                train_accuracy: val,
                val_loss: 2.2 / epoch as f32,
                val_accuracy: val,
                seconds: 12.0,
            };
            record.epoch(&summary, val)?;
        }
        record.end(Status::Finished, None)?;
    }
    Ok(())
}

/// The Runs tab's rows: read time, first table frame, sort frames (p50 and worst).
pub fn rows(table: &mut Table) -> anyhow::Result<()> {
    let root = std::env::temp_dir().join(format!("visionlab-bench-runs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    println!(
        "UI: writing {RUNS} recorded runs ({EPOCHS} epochs × {STEPS} steps) to {}",
        root.display()
    );
    let measured = write_runs(&root, RUNS).and_then(|()| Ok(time_runs_panel(&root)?));
    let _ = std::fs::remove_dir_all(&root);
    let times = measured?;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut sorts: Vec<f64> = times.sort_frames.iter().copied().map(ms).collect();
    sorts.sort_by(f64::total_cmp);
    let mut loading: Vec<f64> = times.loading_frames.iter().copied().map(ms).collect();
    loading.sort_by(f64::total_cmp);
    println!(
        "UI: Runs tab listed {} runs; {} frames drawn while they were read",
        times.runs,
        loading.len()
    );
    table.push(Row::new(
        format!("Runs tab: read {} runs (background)", times.runs),
        "ms",
        ms(times.load),
        Goal::Info,
    ));
    table.push(Row::new(
        "Runs tab: frame p95 while reading",
        "ms",
        quantile(&loading, 0.95),
        Goal::Below(16.0),
    ));
    table.push(Row::new(
        "Runs tab: first frame showing the table",
        "ms",
        ms(times.first_table_frame),
        Goal::Below(16.0),
    ));
    let mut redraws: Vec<f64> = times.redraw_frames.iter().copied().map(ms).collect();
    redraws.sort_by(f64::total_cmp);
    table.push(Row::new(
        "Runs tab: frame redrawing the table, p50",
        "ms",
        quantile(&redraws, 0.5),
        Goal::Below(16.0),
    ));
    table.push(Row::new(
        "Runs tab: frame that sorts again, p50",
        "ms",
        quantile(&sorts, 0.5),
        Goal::Below(16.0),
    ));
    table.push(Row::new(
        "Runs tab: frame that sorts again, worst",
        "ms",
        sorts.last().copied().unwrap_or(0.0),
        Goal::Below(16.0),
    ));
    Ok(())
}
