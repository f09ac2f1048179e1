//! UI tests of the error views through the accessibility tree: after a short detection
//! run the Detect tab shows the PR and F1 curves and the confusion matrix with its
//! background row and column, and clicking a cell fills the gallery with exactly that
//! cell's images; the Segment tab shows per-class IoU and the pixel confusion matrix.

mod common;

use common::ui::{click, harness, has_label_containing, number_after, wait_until};
use egui_kittest::kittest::Queryable;
use visionlab::core::protocol::{
    DetectEvent, ErrorViews, Event, PixelConfusion, RgbaImage, SegmentEvent, SegmentationSummary,
};
use visionlab::tasks::detect::data::LabeledBox;
use visionlab::tasks::detect::error_views::error_views;
use visionlab::tasks::detect::metrics::Detection;
use visionlab::ui::VisionApp;
use visionlab::ui::detect::confusion_panel::cell_label;
use visionlab::ui::widgets::class_name;
use visionlab::ui::widgets::status_bar::Status;

/// The name of row or column `index` of a matrix over `k` classes named `classes`.
fn name(classes: &[String], k: usize, index: usize) -> String {
    if index == k {
        "background".to_string()
    } else {
        class_name(classes, index)
    }
}

#[test]
fn a_short_run_shows_the_error_views_and_a_cell_filters_the_gallery() {
    let mut harness = harness(VisionApp::with_config(common::tiny_detect_config(48)));
    click(&mut harness, "Start");
    wait_until(&mut harness, "the run to finish", |h| {
        h.query_by_label("Finished").is_some()
    });
    wait_until(&mut harness, "the error views", |h| {
        h.state().detect().task.errors.errors.is_some()
    });
    click(&mut harness, "Error views");
    assert!(has_label_containing(&harness, "Precision–recall (IoU 0.5)"));
    assert!(has_label_containing(&harness, "F1–confidence"));
    assert!(has_label_containing(&harness, "Confusion matrix"));
    let classes = harness.state().detect().run.classes_shown();
    let errors = harness
        .state()
        .detect()
        .task
        .errors
        .errors
        .clone()
        .expect("error views");
    let matrix = &errors.confusion;
    let k = matrix.classes;
    assert_eq!(k, classes.len());
    assert_eq!(matrix.counts.len(), k + 1, "a background row");
    assert_eq!(errors.pr_curves.len(), classes.len());
    for t in 0..=classes.len() {
        for p in 0..=classes.len() {
            let label = cell_label(&name(&classes, k, t), &name(&classes, k, p));
            assert!(has_label_containing(&harness, &label), "cell {label}");
        }
    }
    // The busiest cell: its images fill the gallery.
    let (t, p) = (0..=classes.len())
        .flat_map(|t| (0..=classes.len()).map(move |p| (t, p)))
        .max_by_key(|&(t, p)| matrix.count(t, p))
        .expect("cells");
    assert!(matrix.count(t, p) > 0, "validation boxes were counted");
    let expected = matrix.cell_images(t, p).len();
    click(
        &mut harness,
        &cell_label(&name(&classes, k, t), &name(&classes, k, p)),
    );
    assert_eq!(harness.state().detect().task.errors.selected, Some((t, p)));
    assert_eq!(number_after(&harness, "Gallery: "), Some(expected));
    assert!(harness.state().status().error.is_none());
}

fn scene(class: usize, x0: f32) -> LabeledBox {
    LabeledBox {
        class,
        x0,
        y0: 4.0,
        x1: x0 + 10.0,
        y1: 14.0,
    }
}

fn detection(b: LabeledBox, class: usize, score: f32) -> Detection {
    Detection {
        class,
        score,
        x0: b.x0,
        y0: b.y0,
        x1: b.x1,
        y1: b.y1,
    }
}

#[test]
fn clicking_cells_of_a_hand_made_matrix_shows_their_images() {
    // Three images: a circle found in 0 and 2, a square taken for a circle in 1, a false
    // square in 2, a missed square in 0.
    let truth = vec![
        vec![scene(0, 2.0), scene(1, 30.0)],
        vec![scene(1, 2.0)],
        vec![scene(0, 2.0)],
    ];
    let preds = vec![
        vec![detection(truth[0][0], 0, 0.9)],
        vec![detection(truth[1][0], 0, 0.8)],
        vec![
            detection(truth[2][0], 0, 0.7),
            detection(scene(1, 40.0), 1, 0.6),
        ],
    ];
    let errors = error_views(&preds, &truth, 2);
    let image = RgbaImage {
        width: 64,
        height: 64,
        pixels: vec![128; 64 * 64 * 4],
    };
    let mut app = VisionApp::with_config(common::tiny_detect_config(48));
    app.detect_mut().apply(
        Event::Detect(DetectEvent::Errors(Box::new(ErrorViews {
            epoch: 1,
            errors,
            images: vec![image; 3],
        }))),
        &mut Status::default(),
    );
    let mut harness = harness(app);
    click(&mut harness, "Error views");
    assert!(has_label_containing(&harness, "Error views of epoch 1"));
    assert!(has_label_containing(&harness, "AP "));
    assert!(has_label_containing(&harness, "best F1"));
    let classes = harness.state().detect().run.classes_shown();
    let label = |t: usize, p: usize| cell_label(&name(&classes, 2, t), &name(&classes, 2, p));
    click(&mut harness, &label(0, 0));
    assert_eq!(number_after(&harness, "Gallery: "), Some(2));
    click(&mut harness, &label(1, 0));
    assert_eq!(number_after(&harness, "Gallery: "), Some(1));
    click(&mut harness, &label(1, 2));
    assert_eq!(number_after(&harness, "Gallery: "), Some(1));
    click(&mut harness, &label(2, 1));
    assert_eq!(number_after(&harness, "Gallery: "), Some(1));
    // Clicking the picked cell again clears the gallery.
    click(&mut harness, &label(2, 1));
    assert_eq!(harness.state().detect().task.errors.selected, None);
    assert!(number_after(&harness, "Gallery: ").is_none());
}

#[test]
fn the_segment_tab_shows_class_iou_and_the_pixel_confusion_matrix() {
    let mut app = VisionApp::with_config(common::tiny_segment_config());
    let mut status = Status::default();
    let tab = app.segment_mut();
    tab.apply(
        Event::Segment(SegmentEvent::Metrics(SegmentationSummary {
            epoch: 1,
            pixel_accuracy: 0.9,
            mean_iou: 0.5,
            class_iou: vec![Some(0.9), Some(0.1)],
        })),
        &mut status,
    );
    tab.apply(
        Event::Segment(SegmentEvent::Confusion(PixelConfusion {
            epoch: 1,
            counts: vec![vec![90, 10], vec![5, 3]],
        })),
        &mut status,
    );
    let mut harness = harness(app);
    click(&mut harness, "IoU and confusion");
    assert!(has_label_containing(&harness, "IoU per class (epoch 1"));
    assert!(has_label_containing(&harness, "Pixel confusion matrix"));
    assert!(has_label_containing(&harness, "108 validation pixels"));
    let classes = harness.state().segment().run.classes_shown();
    let label = visionlab::ui::segment::errors_panel::cell_label(
        &class_name(&classes, 1),
        &class_name(&classes, 0),
    );
    assert!(has_label_containing(&harness, &label));
}
