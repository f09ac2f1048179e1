//! UI tests of the Classify tab, driven through the accessibility tree like a user would:
//! press Start and watch the curves and the predictions fill; make a run fail and see the
//! error; pause, resume and stop a run.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use visionlab::train::protocol::{DataSpec, DeviceChoice, TrainConfig};
use visionlab::ui::VisionApp;

/// Longest wait for a job to show progress.
const TIMEOUT: Duration = Duration::from_secs(120);

fn small_config() -> TrainConfig {
    TrainConfig {
        data: DataSpec::Shapes {
            count: 300,
            seed: 7,
        },
        epochs: 1,
        batch_size: 32,
        device: DeviceChoice::Cpu,
        ..TrainConfig::default()
    }
}

fn harness(app: VisionApp) -> Harness<'static, VisionApp> {
    Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
        .build_eframe(|_| app)
}

/// The number that follows `prefix` in the one label that contains it.
fn number_after(harness: &Harness<'_, VisionApp>, prefix: &str) -> Option<usize> {
    let node = harness.query_by_label_contains(prefix)?.accesskit_node();
    // A text label keeps its text in `value`; widgets keep it in `label`.
    let label = node.label().or_else(|| node.value())?;
    let rest = label.split(prefix).nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn has_label_containing(harness: &Harness<'_, VisionApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

fn is_enabled(harness: &Harness<'_, VisionApp>, button: &str) -> bool {
    !harness.get_by_label(button).accesskit_node().is_disabled()
}

/// Steps the UI in real time until `done` holds; panics with the app's status on timeout.
fn wait_until(
    harness: &mut Harness<'_, VisionApp>,
    what: &str,
    mut done: impl FnMut(&Harness<'_, VisionApp>) -> bool,
) {
    let start = Instant::now();
    loop {
        harness.step();
        if done(harness) {
            return;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "timed out after {TIMEOUT:?} waiting for {what}; state: {}; status: {:?}",
            harness.state().classify().phase_text(),
            harness.state().status()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Scrolls the widget into view and waits until it has stopped moving (the scroll
/// starts a frame or two later and may animate).
fn scroll_into_view(harness: &mut Harness<'_, VisionApp>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    let mut last = None;
    let mut still_frames = 0;
    for _ in 0..120 {
        harness.step();
        let rect = harness.get_by_label(label).rect();
        if last == Some(rect) {
            still_frames += 1;
            if still_frames >= 5 {
                return;
            }
        } else {
            still_frames = 0;
        }
        last = Some(rect);
    }
}

/// Clicks a button by its label like a user would: scrolled into view, after letting the
/// layout settle (a panel that just grew moves its widgets on the next frame).
fn click(harness: &mut Harness<'_, VisionApp>, button: &str) {
    harness.step();
    harness.step();
    assert!(is_enabled(harness, button), "{button} should be enabled");
    scroll_into_view(harness, button);
    harness.get_by_label(button).click();
    harness.step();
    harness.step();
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
    assert!(harness.state().classify().dataset.is_some());
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
        h.state().classify().curves.last_step() > saved_at as u64
    });
    // The curve of the first run is kept up to the checkpoint and continues from there.
    let curves = &harness.state().classify().curves;
    assert_eq!(curves.steps().first().map(|p| p[0]), Some(1.0));
    assert!(
        curves
            .steps()
            .windows(2)
            .all(|pair| pair[0][0] < pair[1][0]),
        "steps increase without a gap back"
    );
    click(&mut harness, "Stop");
}
