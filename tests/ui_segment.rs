//! UI tests of the Segment tab through the accessibility tree: train, see the masks
//! overlay, move the opacity slider, switch between prediction, ground truth and errors,
//! read the legend.

mod common;

use common::ui::{click, harness, has_label_containing, wait_until};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use visionlab::ui::VisionApp;
use visionlab::ui::app::Tab;
use visionlab::ui::segment::overlay::OverlayMode;

#[test]
fn the_segment_tab_trains_and_shows_the_overlay() {
    let mut harness = harness(VisionApp::with_config(common::tiny_segment_config()));
    assert_eq!(harness.state().tab(), Tab::Segment);
    assert!(has_label_containing(&harness, "U-Net, width"));
    assert!(has_label_containing(
        &harness,
        "Validation masks appear here"
    ));

    click(&mut harness, "Start");
    wait_until(&mut harness, "the masks overlay", |h| {
        !h.state().segment().task.overlay.masks.is_empty()
    });
    wait_until(&mut harness, "the run to finish", |h| {
        h.query_by_label("Finished").is_some()
    });
    let shown = harness.state().segment().task.overlay.masks.len();
    assert!(has_label_containing(&harness, &format!("Masks ({shown})")));
    // No wgpu renderer in the test harness: the CPU path colours the masks.
    assert!(!harness.state().overlay_on_gpu());
    assert!(has_label_containing(&harness, "Overlay · Runs on: CPU"));
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
    let before = harness.state().segment().task.overlay.opacity;
    harness
        .get_by_role_and_label(Role::Slider, "opacity")
        .set_value_accesskit(0.2);
    harness.step();
    harness.step();
    let after = harness.state().segment().task.overlay.opacity;
    assert!((after - 0.2).abs() < 1e-6, "opacity {before} → {after}");

    // The three modes.
    click(&mut harness, "Ground truth");
    assert_eq!(
        harness.state().segment().task.overlay.mode,
        OverlayMode::Truth
    );
    click(&mut harness, "Errors");
    assert_eq!(
        harness.state().segment().task.overlay.mode,
        OverlayMode::Error
    );
    assert!(has_label_containing(&harness, "wrong pixel"));
    click(&mut harness, "Prediction");
    assert_eq!(
        harness.state().segment().task.overlay.mode,
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
