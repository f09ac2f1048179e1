//! UI tests of the Segment tab through the accessibility tree: train, see the masks
//! overlay, move the opacity slider, switch between prediction, ground truth and errors,
//! read the legend.

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use visionlab::train::protocol::{DataSpec, DeviceChoice, Task, TrainConfig};
use visionlab::ui::VisionApp;
use visionlab::ui::app::Tab;
use visionlab::ui::overlay::OverlayMode;

const TIMEOUT: Duration = Duration::from_secs(180);

fn segment_config() -> TrainConfig {
    TrainConfig {
        task: Task::Segment,
        data: DataSpec::Shapes {
            count: 120,
            seed: 3,
        },
        epochs: 1,
        batch_size: 16,
        unet_width: 8,
        device: DeviceChoice::Cpu,
        ..TrainConfig::default()
    }
}

fn harness(app: VisionApp) -> Harness<'static, VisionApp> {
    Harness::builder()
        .with_size(egui::Vec2::new(1400.0, 900.0))
        .build_eframe(|_| app)
}

fn has_label_containing(harness: &Harness<'_, VisionApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

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
            "timed out waiting for {what}; state: {}; status: {:?}",
            harness.state().segment().phase_text(),
            harness.state().status()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn click(harness: &mut Harness<'_, VisionApp>, label: &str) {
    harness.step();
    harness.get_by_label(label).scroll_to_me();
    for _ in 0..10 {
        harness.step();
    }
    harness.get_by_label(label).click();
    harness.step();
    harness.step();
}

#[test]
fn the_segment_tab_trains_and_shows_the_overlay() {
    let mut harness = harness(VisionApp::with_config(segment_config()));
    assert_eq!(harness.state().tab(), Tab::Segment);
    assert!(has_label_containing(&harness, "U-Net, width"));
    assert!(has_label_containing(
        &harness,
        "Validation masks appear here"
    ));

    click(&mut harness, "Start");
    wait_until(&mut harness, "the masks overlay", |h| {
        !h.state().segment().overlay.masks.is_empty()
    });
    wait_until(&mut harness, "the run to finish", |h| {
        h.query_by_label("Finished").is_some()
    });
    let shown = harness.state().segment().overlay.masks.len();
    assert!(has_label_containing(&harness, &format!("Masks ({shown})")));
    // No wgpu renderer in the test harness: the CPU path colours the masks.
    assert!(!harness.state().overlay_on_gpu());
    assert!(has_label_containing(&harness, "Shader: CPU fallback"));
    // Legend: class names with their IoU; metrics beside the loss.
    for class in ["circle", "square", "triangle", "cross", "star"] {
        assert!(
            has_label_containing(&harness, class),
            "legend shows {class}"
        );
    }
    assert!(has_label_containing(&harness, "IoU "));
    assert!(has_label_containing(&harness, "mean IoU"));
    assert!(has_label_containing(&harness, "Point at the image"));

    // The opacity slider changes what is drawn.
    let before = harness.state().segment().overlay.opacity;
    harness
        .get_by_role_and_label(Role::Slider, "opacity")
        .set_value_accesskit(0.2);
    harness.step();
    harness.step();
    let after = harness.state().segment().overlay.opacity;
    assert!((after - 0.2).abs() < 1e-6, "opacity {before} → {after}");

    // The three modes.
    click(&mut harness, "Ground truth");
    assert_eq!(harness.state().segment().overlay.mode, OverlayMode::Truth);
    click(&mut harness, "Errors");
    assert_eq!(harness.state().segment().overlay.mode, OverlayMode::Error);
    assert!(has_label_containing(&harness, "wrong pixel"));
    click(&mut harness, "Prediction");
    assert_eq!(
        harness.state().segment().overlay.mode,
        OverlayMode::Prediction
    );
    assert!(harness.state().status().error.is_none());
}

#[test]
fn both_tabs_live_side_by_side() {
    let mut harness = harness(VisionApp::new());
    assert_eq!(harness.state().tab(), Tab::Classify);
    click(&mut harness, "Segment");
    assert_eq!(harness.state().tab(), Tab::Segment);
    assert!(has_label_containing(&harness, "U-Net, width"));
    click(&mut harness, "Classify");
    assert_eq!(harness.state().tab(), Tab::Classify);
    assert!(!has_label_containing(&harness, "U-Net, width"));
}
