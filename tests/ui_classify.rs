//! UI tests of the Classify tab, driven through the accessibility tree like a user would:
//! press Start and watch the curves and the predictions fill; make a run fail and see the
//! error; pause, resume and stop a run.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::ui::{
    click, harness_sized, has_label_containing, is_enabled, number_after, scroll_into_view,
    small_config, wait_until,
};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use visionlab::core::protocol::{DataSpec, TrainConfig};
use visionlab::ui::VisionApp;

fn harness(app: VisionApp) -> Harness<'static, VisionApp> {
    harness_sized(app, 1280.0, 800.0)
}

#[test]
fn training_fills_curves_and_predictions() {
    let mut harness = harness(VisionApp::with_config(small_config()));
    assert_eq!(number_after(&harness, "Steps: "), Some(0));
    assert_eq!(number_after(&harness, "Predictions ("), Some(0));
    assert!(!is_enabled(&harness, "Pause"));

    click(&mut harness, "Start");
    wait_until(&mut harness, "loss points in the plot", |h| {
        number_after(h, "Steps: ").is_some_and(|n| n > 0)
    });
    wait_until(&mut harness, "the predictions grid", |h| {
        number_after(h, "Predictions (").is_some_and(|n| n > 0)
    });
    wait_until(&mut harness, "the run to finish", |h| {
        h.query_by_label("Finished").is_some()
    });

    // The data panel learned the classes from the run; the accuracy is shown.
    assert!(harness.state().classify().run.dataset.is_some());
    assert!(has_label_containing(&harness, "val accuracy"));
    assert!(has_label_containing(&harness, "Running on: "));
    assert!(harness.state().status().error.is_none());
    // A new run can start, and the finished model can be saved.
    assert!(is_enabled(&harness, "Start"));
    assert!(is_enabled(&harness, "Save checkpoint…"));
}

#[test]
fn a_failed_run_shows_its_error_and_the_app_keeps_working() {
    let missing = PathBuf::from("/definitely/not/here/visionlab-ui-test");
    let mut harness = harness(VisionApp::with_config(TrainConfig {
        data: DataSpec::Folder(missing),
        ..small_config()
    }));

    click(&mut harness, "Start");
    wait_until(&mut harness, "the error in the status bar", |h| {
        has_label_containing(h, "Error: ")
    });
    assert!(harness.query_by_label("Failed").is_some());
    assert!(is_enabled(&harness, "Start"));

    click(&mut harness, "Dismiss");
    assert!(!has_label_containing(&harness, "Error: "));

    // Pointing the app at good data and pressing Start again trains.
    harness.state_mut().config_mut().data = DataSpec::Shapes {
        count: 300,
        seed: 7,
    };
    click(&mut harness, "Start");
    wait_until(&mut harness, "steps of the second run", |h| {
        number_after(h, "Steps: ").is_some_and(|n| n > 0)
    });
    assert!(!has_label_containing(&harness, "Error: "));
}

#[test]
fn pause_resume_and_stop() {
    let mut harness = harness(VisionApp::with_config(TrainConfig {
        epochs: 500,
        ..small_config()
    }));

    click(&mut harness, "Start");
    assert!(
        !is_enabled(&harness, "Start"),
        "no second run while one runs"
    );
    wait_until(&mut harness, "the first steps", |h| {
        number_after(h, "Steps: ").is_some_and(|n| n > 0)
    });

    click(&mut harness, "Pause");
    wait_until(&mut harness, "the pause", |h| {
        has_label_containing(h, "Paused at step ")
    });
    let paused_at = number_after(&harness, "Steps: ");
    for _ in 0..10 {
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        number_after(&harness, "Steps: "),
        paused_at,
        "no steps while paused"
    );

    click(&mut harness, "Resume");
    wait_until(&mut harness, "steps after resuming", |h| {
        number_after(h, "Steps: ") > paused_at
    });

    click(&mut harness, "Stop");
    wait_until(&mut harness, "the stop", |h| {
        h.query_by_label("Stopped").is_some()
    });
    assert!(is_enabled(&harness, "Start"));
    assert!(harness.state().status().error.is_none());
}

#[test]
fn save_then_resume_keeps_the_curve() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("run.vlck");
    let mut harness = harness(VisionApp::with_config(TrainConfig {
        epochs: 500,
        ..small_config()
    }));

    click(&mut harness, "Start");
    wait_until(&mut harness, "the first steps", |h| {
        number_after(h, "Steps: ").is_some_and(|n| n > 0)
    });
    click(&mut harness, "Pause");
    wait_until(&mut harness, "the pause", |h| {
        has_label_containing(h, "Paused at step ")
    });

    scroll_into_view(&mut harness, "Path:");
    let field = harness.get_by_label("Path:");
    field.focus();
    field.type_text(&path.display().to_string());
    harness.step();
    click(&mut harness, "Save to path");
    wait_until(&mut harness, "the saved checkpoint", |h| {
        has_label_containing(h, "Last saved: ")
    });
    let saved_at = number_after(&harness, "(step ").expect("the saved step is shown");
    assert!(path.is_file(), "the checkpoint file exists");

    click(&mut harness, "Stop");
    wait_until(&mut harness, "the stop", |h| {
        h.query_by_label("Stopped").is_some()
    });

    click(&mut harness, "Resume from path");
    wait_until(&mut harness, "steps after the checkpoint", |h| {
        h.state().classify().run.curves.last_step() > saved_at as u64
    });
    // The curve of the first run is kept up to the checkpoint and continues from there.
    let curves = &harness.state().classify().run.curves;
    assert_eq!(curves.steps().first().map(|p| p.step), Some(1));
    assert!(
        curves
            .steps()
            .windows(2)
            .all(|pair| pair[0].step < pair[1].step),
        "steps increase without a gap back"
    );
    click(&mut harness, "Stop");
}
