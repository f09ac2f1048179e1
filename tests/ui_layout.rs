//! The smallest supported window, 1024×700: every pane scrolls or resizes, so each key widget
//! of every tab can be brought inside the window (scrolled to, as a user would) and none is
//! cut off at the window's edge. Ten classes (digits) make the confusion view its largest.

mod common;

use std::path::Path;

use common::ui::{click, harness_sized, scroll_into_view, wait_until};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use visionlab::core::protocol::{DataSpec, DeviceChoice, TrainConfig};
use visionlab::data::mnist;
use visionlab::ui::VisionApp;
use visionlab::ui::app::Tab;
use visionlab::ui::classify::confusion_panel::{cell_label, image_label};
use visionlab::ui::classify::insight::InsightView;

const WIDTH: f32 = 1024.0;
const HEIGHT: f32 = 700.0;

/// Asserts the widget labelled `label` can be scrolled to and then lies inside the window.
fn assert_inside(harness: &mut Harness<'_, VisionApp>, label: &str) {
    scroll_into_view(harness, label);
    let rect = harness.get_by_label(label).rect();
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(WIDTH, HEIGHT));
    assert!(
        window.contains(rect.min) && window.contains(rect.max),
        "{label} at {rect:?} is not inside the {WIDTH}×{HEIGHT} window (tab {:?})",
        harness.state().tab()
    );
}

/// Turns the mouse wheel over `at` (a point of a scrolling pane), as a user looking for a
/// widget below the fold would, until the widget labelled `label` is drawn, then asserts it
/// lies inside the window.
fn wheel_to(harness: &mut Harness<'_, VisionApp>, at: egui::Pos2, label: &str) {
    for _ in 0..60 {
        if harness.query_by_label(label).is_some() {
            break;
        }
        harness.hover_at(at);
        harness.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -60.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        harness.step();
        harness.step();
    }
    assert_inside(harness, label);
}

/// 1000 digits of the bundled MNIST sample as an ImageFolder (10 classes) under `dir`.
fn digits(dir: &Path) -> DataSpec {
    let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/data/mnist_5k.csv.gz");
    let items = mnist::read_csv_gz(&csv).expect("the bundled MNIST sample");
    let names: Vec<String> = (0..10).map(|d| d.to_string()).collect();
    // The sample is sorted by digit: every fifth image keeps all ten.
    let some: Vec<_> = items.into_iter().step_by(5).collect();
    mnist::write_image_folder(&some, &names, dir, 0.2, 1).expect("written");
    DataSpec::Folder(dir.to_path_buf())
}

/// The accessible name of the gallery's first image: the most confident mistake.
fn image_label_of_first_mistake(harness: &Harness<'_, VisionApp>) -> String {
    let insight = &harness.state().classify().task.insight;
    let first = insight.confident_mistakes().first().copied();
    image_label(first.expect("a one-epoch run makes mistakes on 200 digits"))
}

#[test]
fn key_widgets_of_every_tab_fit_a_1024_by_700_window() {
    let dir = tempfile::tempdir().unwrap();
    let config = TrainConfig {
        data: digits(dir.path()),
        epochs: 1,
        batch_size: 32,
        device: DeviceChoice::Cpu,
        ..TrainConfig::default()
    };
    let mut harness = harness_sized(VisionApp::with_config(config), WIDTH, HEIGHT);
    for label in ["Start", "Save checkpoint…", "Load checkpoint…"] {
        assert_inside(&mut harness, label);
    }
    click(&mut harness, "Start");
    wait_until(&mut harness, "the run to finish", |h| {
        h.query_by_label("Finished").is_some() && h.state().classify().task.insight.matrix.is_some()
    });

    // The confusion matrix's last row and the mistakes below it.
    click(&mut harness, InsightView::Confusion.label());
    assert_inside(&mut harness, &cell_label("0", "0"));
    assert_inside(&mut harness, "precision");
    // Below the fold: the matrix's last row, then the first mistake's thumbnail.
    let pane = harness.get_by_label(&cell_label("0", "0")).rect().center();
    wheel_to(&mut harness, pane, &cell_label("9", "9"));
    let mistake = image_label_of_first_mistake(&harness);
    wheel_to(&mut harness, pane, &mistake);
    click(&mut harness, InsightView::Explain.label());
    assert_inside(&mut harness, "Explain");

    for (tab, labels) in [
        (Tab::Segment, &["Start", "Errors"][..]),
        (
            Tab::Detect,
            &["Start", "Both, with errors", "instance masks"][..],
        ),
        (
            Tab::Attack,
            &["Load validation images", "Compute curve"][..],
        ),
        (Tab::Compress, &["Run compression"][..]),
        (Tab::Style, &["Stylize", "Export…"][..]),
    ] {
        harness.state_mut().set_tab(tab);
        harness.step();
        harness.step();
        for label in labels {
            assert_inside(&mut harness, label);
        }
    }
}
