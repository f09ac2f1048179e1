//! The training panel's Sweep section, driven like a user would: values that cannot be read
//! are said inline; a 2-run sweep in the Classify tab shows "Sweep 1 of 2", and Stop stops
//! that run (kept as stopped) and cancels the other; the section is in every training tab.

mod common;

use std::path::{Path, PathBuf};

use common::ui::{
    click, harness, has_label_containing, is_enabled, scroll_into_view, small_config, wait_until,
};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use visionlab::core::protocol::TrainConfig;
use visionlab::ui::VisionApp;
use visionlab::ui::app::Tab;

/// A run long enough to be stopped: many epochs of a few tiny shapes.
fn long_config() -> TrainConfig {
    TrainConfig {
        epochs: 500,
        image_size: Some(16),
        ..small_config()
    }
}

/// Types `text` into the text field labelled `label`.
fn type_into(harness: &mut Harness<'_, VisionApp>, label: &str, text: &str) {
    scroll_into_view(harness, label);
    let field = harness.get_by_label(label);
    field.focus();
    field.type_text(text);
    harness.step();
    harness.step();
}

fn folders(root: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(root)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[test]
fn a_sweep_runs_in_the_classify_tab_and_stop_cancels_the_rest() {
    let runs = tempfile::tempdir().expect("a temporary folder");
    let app = VisionApp::with_config(long_config()).with_runs_root(Some(runs.path().into()));
    let mut harness = harness(app);
    click(&mut harness, "Sweep");
    assert!(!is_enabled(&harness, "Start sweep (0 runs)"));

    type_into(&mut harness, "Values 1", "1e-3,2e-3");
    assert!(has_label_containing(&harness, "2 runs"));
    type_into(&mut harness, "Values 2", "x");
    assert!(
        has_label_containing(&harness, "batch: `x` is not a whole number"),
        "the error is shown inline"
    );
    assert!(!is_enabled(&harness, "Start sweep (0 runs)"));
    harness.key_press(egui::Key::Backspace);
    harness.step();
    harness.step();

    click(&mut harness, "Start sweep (2 runs)");
    wait_until(&mut harness, "the first run of the sweep to step", |h| {
        has_label_containing(h, "Sweep 1 of 2: lr=1e-3")
            && h.state().classify().run.kept_in.is_some()
            && h.state().classify().run.progress.step > 0
    });
    click(&mut harness, "Stop");
    wait_until(&mut harness, "the stop", |h| {
        h.query_by_label("Stopped").is_some()
    });
    for _ in 0..10 {
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(has_label_containing(&harness, "Sweep stopped: 1 of 2 ran"));
    let dirs = folders(runs.path());
    assert_eq!(dirs.len(), 1, "the second run never started: {dirs:?}");
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dirs[0].join("run.json")).unwrap()).unwrap();
    assert_eq!(info["status"], "stopped", "{info}");
    assert_eq!(info["sweep"]["index"], 1);
    assert_eq!(info["sweep"]["total"], 2);
    assert_eq!(info["sweep"]["settings"][0]["value"], "1e-3");
    // The edited config is the user's, not the sweep's.
    assert!(harness.state().classify().run.config.sweep.is_none());

    for tab in [Tab::Segment, Tab::Detect] {
        harness.state_mut().set_tab(tab);
        click(&mut harness, "Sweep");
        assert!(
            harness.query_by_label("Start sweep (0 runs)").is_some(),
            "{tab:?} has the Sweep section"
        );
    }
}
