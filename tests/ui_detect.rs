//! UI tests of the Detect tab through the accessibility tree: boxes appear over the
//! validation images, the score-threshold slider changes how many are drawn at once, the
//! prediction / ground truth / errors toggle works, and a short run fills the view.

mod common;

use common::ui::{click, harness, has_label_containing, wait_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use visionlab::core::protocol::{
    BoxPrediction, DetectEvent, DetectionSummary, Event, ModelKind, RgbaImage, ScoredBox,
};
use visionlab::tasks::detect::data::{InstanceMask, LabeledBox};
use visionlab::ui::VisionApp;
use visionlab::ui::app::Tab;
use visionlab::ui::detect::boxes_panel::BoxMode;
use visionlab::ui::widgets::status_bar::Status;

fn set_threshold(harness: &mut Harness<'_, VisionApp>, value: f64) {
    harness
        .get_by_role_and_label(Role::Slider, "score threshold")
        .set_value_accesskit(value);
    harness.step();
    harness.step();
}

fn labeled(class: usize, x0: f32, y0: f32, side: f32) -> LabeledBox {
    LabeledBox {
        class,
        x0,
        y0,
        x1: x0 + side,
        y1: y0 + side,
    }
}

fn scored(bbox: LabeledBox, score: f32) -> ScoredBox {
    let (w, h) = (64u32, 64u32);
    let mut pixels = vec![0u8; (w * h) as usize];
    for y in bbox.y0 as u32..bbox.y1 as u32 {
        for x in bbox.x0 as u32..bbox.x1 as u32 {
            pixels[(y * w + x) as usize] = 1;
        }
    }
    ScoredBox {
        bbox,
        score,
        mask: Some(InstanceMask {
            width: w,
            height: h,
            pixels,
        }),
    }
}

/// One 64×64 image: truth circle + square + star; predicted circle 0.9 (right), square
/// 0.5 (right), triangle 0.2 (false); the star is missed.
fn boxes_event() -> Event {
    let image = RgbaImage {
        width: 64,
        height: 64,
        pixels: (0..64 * 64)
            .flat_map(|i| [(i % 64 * 4) as u8, (i / 64 * 4) as u8, 90, 255])
            .collect(),
    };
    Event::Detect(DetectEvent::Boxes(vec![BoxPrediction {
        name: "scene_0001".into(),
        image,
        truth: vec![
            labeled(0, 4.0, 4.0, 16.0),
            labeled(1, 30.0, 6.0, 20.0),
            labeled(4, 8.0, 40.0, 18.0),
        ],
        predicted: vec![
            scored(labeled(0, 5.0, 4.0, 16.0), 0.9),
            scored(labeled(1, 31.0, 7.0, 19.0), 0.5),
            scored(labeled(2, 40.0, 40.0, 12.0), 0.2),
        ],
    }]))
}

fn drawn_count(harness: &Harness<'_, VisionApp>) -> usize {
    let node = harness
        .query_all_by_label_contains("boxes drawn")
        .next()
        .expect("the boxes-drawn read-out")
        .accesskit_node();
    let text = node.label().or_else(|| node.value()).unwrap_or_default();
    text.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {text:?}"))
}

#[test]
fn the_score_slider_changes_the_boxes_drawn() {
    let mut app = VisionApp::with_config(common::tiny_detect_config(40));
    let mut status = Status::default();
    app.detect_mut().apply(boxes_event(), &mut status);
    app.detect_mut().apply(
        Event::Detect(DetectEvent::Metrics(DetectionSummary {
            epoch: 1,
            map50: 0.5,
            map: 0.3,
            class_ap50: vec![Some(1.0), Some(1.0), Some(0.0), None, Some(0.0)],
        })),
        &mut status,
    );
    let mut harness = harness(app);
    assert_eq!(harness.state().tab(), Tab::Detect);
    harness.step();
    assert!(has_label_containing(&harness, "Boxes (1 images)"));
    assert!(has_label_containing(&harness, "mAP@0.5 0.500"));

    set_threshold(&mut harness, 0.1);
    assert_eq!(drawn_count(&harness), 3);
    assert!(has_label_containing(&harness, "3 predicted ≥ 0.10"));
    set_threshold(&mut harness, 0.6);
    assert_eq!(drawn_count(&harness), 1);
    set_threshold(&mut harness, 0.95);
    assert_eq!(drawn_count(&harness), 0);
    set_threshold(&mut harness, 0.3);
    assert_eq!(drawn_count(&harness), 2);
    assert!((harness.state().detect().task.boxes.threshold - 0.3).abs() < 1e-6);

    click(&mut harness, "Ground truth");
    assert_eq!(harness.state().detect().task.boxes.mode, BoxMode::Truth);
    assert_eq!(drawn_count(&harness), 3);
    click(&mut harness, "Both, with errors");
    assert_eq!(harness.state().detect().task.boxes.mode, BoxMode::Errors);
    // Two found, the star missed; the triangle (0.2) is under the threshold.
    assert_eq!(drawn_count(&harness), 3);
    assert!(has_label_containing(&harness, "1 missed, 0 false"));
    set_threshold(&mut harness, 0.1);
    assert_eq!(drawn_count(&harness), 4);
    assert!(has_label_containing(&harness, "1 missed, 1 false"));
    click(&mut harness, "Prediction");
    assert_eq!(
        harness.state().detect().task.boxes.mode,
        BoxMode::Prediction
    );
}

#[test]
fn a_short_detection_run_fills_the_boxes_view() {
    let mut harness = harness(VisionApp::with_config(common::tiny_detect_config(48)));
    // The model choice shows the from-scratch detector.
    let model = harness
        .query_all_by_label("Model")
        .map(|n| n.accesskit_node())
        .find(|n| n.role() == Role::ComboBox)
        .and_then(|n| n.value().map(|v| v.to_string()));
    assert_eq!(
        model.as_deref(),
        Some("CenterNet-style detector, from scratch")
    );
    assert!(has_label_containing(
        &harness,
        "Validation boxes appear here"
    ));
    click(&mut harness, "Start");
    wait_until(&mut harness, "the run to finish", |h| {
        h.query_by_label("Finished").is_some()
    });
    let boxes = &harness.state().detect().task.boxes;
    assert!(!boxes.items.is_empty(), "validation boxes arrived");
    assert_eq!(harness.state().detect().task.metrics.len(), 1);
    assert!(boxes.items.iter().all(|i| !i.truth.is_empty()));
    assert!(has_label_containing(&harness, "boxes drawn"));
    assert!(harness.state().status().error.is_none());
}

/// The model box offers the pretrained MobileNetV2 encoder; chosen, its fine-tuning rows
/// appear and a run trains on it.
#[test]
fn the_pretrained_encoder_is_chosen_in_the_model_box_and_trains() {
    let mut harness = harness(VisionApp::with_config(common::tiny_detect_config(48)));
    click(&mut harness, "Model");
    click(&mut harness, "MobileNetV2 encoder, pretrained");
    assert_eq!(
        harness.state().detect().run.config.model,
        ModelKind::MobileNetV2
    );
    assert!(has_label_containing(
        &harness,
        "frozen (train the new head)"
    ));
    click(&mut harness, "Start");
    wait_until(&mut harness, "the run to finish", |h| {
        h.query_by_label("Finished").is_some()
    });
    assert!(harness.state().status().error.is_none());
    assert_eq!(harness.state().detect().task.metrics.len(), 1);
}
