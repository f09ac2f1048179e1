//! A failure leaves the previous state intact and says what failed: a dataset folder that
//! cannot be read keeps the dataset that was shown (and trains on it); a resume from a bad
//! checkpoint keeps the curves and results of the run before it; a long error never pushes
//! the status bar's buttons out of the window.

mod common;

use common::ui::{
    click, harness_sized, has_label_containing, number_after, small_config, wait_until,
};
use egui_kittest::kittest::Queryable;
use visionlab::ui::VisionApp;

#[test]
fn a_folder_that_cannot_be_read_keeps_the_dataset_shown() {
    let app = VisionApp::with_config(small_config()).inspect_on_start();
    let mut harness = harness_sized(app, 1024.0, 700.0);
    wait_until(&mut harness, "the built-in shapes read", |h| {
        h.state().classify().run.dataset.is_some() && !h.state().classify().run.is_inspecting()
    });
    let shown = harness.state().classify().run.dataset.clone();
    assert!(has_label_containing(&harness, "Source: built-in shapes"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("not-there");
    harness.state_mut().classify_mut().run.folder_text = bad.display().to_string();
    click(&mut harness, "Load");
    wait_until(&mut harness, "the error", |h| {
        has_label_containing(h, "Error: Could not read the dataset")
    });
    let run = &harness.state().classify().run;
    assert_eq!(run.dataset, shown, "the dataset panel keeps what it showed");
    assert_eq!(
        run.config.data,
        small_config().data,
        "the run keeps its data"
    );
    // The field keeps what was typed, to correct it.
    assert!(run.folder_text.ends_with("not-there"));
    assert!(has_label_containing(&harness, "Source: built-in shapes"));
    assert!(has_label_containing(
        &harness,
        "Still using built-in shapes"
    ));
}

#[test]
fn a_failed_resume_keeps_the_curves_and_results_of_the_run_before() {
    let mut harness = harness_sized(VisionApp::with_config(small_config()), 1280.0, 800.0);
    click(&mut harness, "Start");
    wait_until(&mut harness, "the run to finish", |h| {
        h.query_by_label("Finished").is_some()
    });
    let steps = number_after(&harness, "Steps: ").unwrap_or(0);
    assert!(steps > 0);
    let predictions = number_after(&harness, "Predictions (").unwrap_or(0);
    assert!(predictions > 0);
    let classes = harness.state().classify().run.run_classes.clone();

    // A file that is not a checkpoint.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("garbage.vlck");
    std::fs::write(&bad, b"not a checkpoint at all").unwrap();
    harness.state_mut().classify_mut().run.checkpoint_text = bad.display().to_string();
    click(&mut harness, "Resume from path");
    // The model trained is in no checkpoint: the resume asks first.
    wait_until(&mut harness, "the question", |h| {
        has_label_containing(h, "Discard the current model?")
    });
    click(&mut harness, "Discard");
    wait_until(&mut harness, "the error", |h| {
        has_label_containing(h, "Error: ")
    });
    wait_until(&mut harness, "Failed", |h| {
        h.query_by_label("Failed").is_some()
    });

    assert_eq!(
        number_after(&harness, "Steps: "),
        Some(steps),
        "curves kept"
    );
    assert_eq!(
        number_after(&harness, "Predictions ("),
        Some(predictions),
        "results kept"
    );
    assert_eq!(harness.state().classify().run.run_classes, classes);
    assert!(has_label_containing(&harness, "garbage.vlck"));
}

#[test]
fn a_long_error_keeps_the_status_bar_buttons_in_the_window() {
    let mut harness = harness_sized(VisionApp::with_config(small_config()), 1024.0, 700.0);
    let long: String = (0..200)
        .map(|i| format!("/some/long/path/number/{i}/image.png: not an image\n"))
        .collect();
    harness.state_mut().status_mut().fail(long);
    harness.step();
    harness.step();
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1024.0, 700.0));
    for label in ["Dismiss", "Copy", "Start"] {
        let rect = harness.get_by_label(label).rect();
        assert!(
            window.contains(rect.min) && window.contains(rect.max),
            "{label} at {rect:?} is outside the window"
        );
    }
    click(&mut harness, "Dismiss");
    assert!(!has_label_containing(&harness, "Error: "));
}
