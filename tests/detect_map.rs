//! COCO-style mAP against a small fixture worked out by hand (the arithmetic is in the
//! comments). The same fixture run through pycocotools' COCOeval gives the same numbers
//! (see tests/fixtures/detect/map_fixture_pycocotools.py for the script and its output).

use visionlab::tasks::detect::data::LabeledBox;
use visionlab::tasks::detect::metrics::{
    Detection, average_precision, iou, iou_thresholds, mean_average_precision,
};

fn gt(class: usize, c: [f32; 4]) -> LabeledBox {
    LabeledBox {
        class,
        x0: c[0],
        y0: c[1],
        x1: c[2],
        y1: c[3],
    }
}

fn det(class: usize, score: f32, c: [f32; 4]) -> Detection {
    Detection {
        class,
        score,
        x0: c[0],
        y0: c[1],
        x1: c[2],
        y1: c[3],
    }
}

/// Two images, three classes.
///
/// Class 0, three ground-truth boxes: A = (0,0)–(10,10) and B = (20,20)–(30,30) in image
/// 0, C = (0,0)–(10,10) in image 1. Detections, by score:
/// - p1 0.9, image 0, (0,0)–(10,10): IoU with A = 1;
/// - p2 0.8, image 1, (0,0)–(10,7.7): IoU with C = 77 / 100 = 0.77;
/// - p3 0.7, image 0, (50,50)–(60,60): overlaps nothing;
/// - p4 0.6, image 0, (20,20)–(30,34): IoU with B = 100 / 140 = 0.714.
///
/// Class 1, two boxes: D = (0,20)–(10,30) in image 0, E = (40,40)–(50,50) in image 1.
/// - q0 0.99, image 0, (0,0)–(10,10): a class-1 box on class 0's A, no class-1 match;
/// - q1 0.95, image 1, E exactly; q2 0.85, image 1, E again (a duplicate);
/// - q3 0.5, image 0, D exactly.
///
/// Class 2 has no ground truth and one detection: it is left out of the means.
fn fixture() -> (Vec<Vec<Detection>>, Vec<Vec<LabeledBox>>) {
    let truth = vec![
        vec![
            gt(0, [0.0, 0.0, 10.0, 10.0]),
            gt(0, [20.0, 20.0, 30.0, 30.0]),
            gt(1, [0.0, 20.0, 10.0, 30.0]),
        ],
        vec![
            gt(0, [0.0, 0.0, 10.0, 10.0]),
            gt(1, [40.0, 40.0, 50.0, 50.0]),
        ],
    ];
    let preds = vec![
        vec![
            det(0, 0.9, [0.0, 0.0, 10.0, 10.0]),
            det(0, 0.7, [50.0, 50.0, 60.0, 60.0]),
            det(0, 0.6, [20.0, 20.0, 30.0, 34.0]),
            det(1, 0.99, [0.0, 0.0, 10.0, 10.0]),
            det(1, 0.5, [0.0, 20.0, 10.0, 30.0]),
            det(2, 0.9, [70.0, 70.0, 80.0, 80.0]),
        ],
        vec![
            det(0, 0.8, [0.0, 0.0, 10.0, 7.7]),
            det(1, 0.95, [40.0, 40.0, 50.0, 50.0]),
            det(1, 0.85, [40.0, 40.0, 50.0, 50.0]),
        ],
    ];
    (preds, truth)
}

fn close(a: f32, b: f64) -> bool {
    (f64::from(a) - b).abs() < 1e-5
}

#[test]
fn ious_of_the_fixture() {
    let (preds, truth) = fixture();
    assert!(close(iou(&preds[1][0], &truth[1][0]), 0.77));
    assert!(close(iou(&preds[0][2], &truth[0][1]), 100.0 / 140.0));
    assert_eq!(iou(&preds[0][1], &truth[0][0]), 0.0);
}

#[test]
fn class_0_by_hand() {
    let (preds, truth) = fixture();
    // IoU 0.50–0.70 (5 thresholds): ranks p1 p2 p3 p4 are TP TP FP TP.
    //   recall    1/3  2/3  2/3  3/3
    //   precision 1    1    2/3  3/4  → made non-increasing from the right: 1 1 3/4 3/4.
    //   Recall points 0.00–0.66 (67 points) first reach recall at p1/p2: precision 1;
    //   0.67–1.00 (34 points) first at p4: 3/4.  AP = (67 + 34 · 0.75) / 101 = 92.5 / 101.
    let ap_low = 92.5 / 101.0;
    for t in [0.5, 0.55, 0.6, 0.65, 0.7] {
        let ap = average_precision(&preds, &truth, 0, t).unwrap();
        assert!(close(ap, ap_low), "t {t}: {ap} vs {ap_low}");
    }
    // IoU 0.75: p4 (0.714) misses. TP TP FP FP: recall 1/3 2/3 2/3 2/3, precision
    //   1 1 2/3 1/2. Points 0.00–0.66 get 1, points 0.67–1.00 are never reached: 0.
    //   AP = 67 / 101.
    let ap_75 = 67.0 / 101.0;
    assert!(close(
        average_precision(&preds, &truth, 0, 0.75).unwrap(),
        ap_75
    ));
    // IoU 0.80–0.95 (4 thresholds): p2 (0.77) misses too. TP FP FP FP: recall stays
    //   1/3; points 0.00–0.33 (34 points) get 1. AP = 34 / 101.
    let ap_high = 34.0 / 101.0;
    for t in [0.8, 0.85, 0.9, 0.95] {
        assert!(close(
            average_precision(&preds, &truth, 0, t).unwrap(),
            ap_high
        ));
    }
}

#[test]
fn class_1_by_hand() {
    let (preds, truth) = fixture();
    // Every threshold: q0 FP, q1 TP, q2 FP (E already taken), q3 TP.
    //   recall    0    1/2  1/2  1
    //   precision 0    1/2  1/3  1/2  → non-increasing from the right: 1/2 everywhere.
    //   All 101 points get 1/2: AP = 0.5.
    for t in iou_thresholds() {
        assert!(close(average_precision(&preds, &truth, 1, t).unwrap(), 0.5));
    }
    assert_eq!(average_precision(&preds, &truth, 2, 0.5), None);
}

#[test]
fn map_of_the_fixture() {
    let (preds, truth) = fixture();
    let report = mean_average_precision(&preds, &truth, 3);
    // Class 0 over the ten thresholds: (5 · 92.5 + 67 + 4 · 34) / (101 · 10) = 665.5 / 1010.
    let class0_ap = 665.5 / 1010.0;
    let class0_ap50 = 92.5 / 101.0;
    assert!(close(report.per_class_ap50[0].unwrap(), class0_ap50));
    assert!(close(report.per_class_ap[0].unwrap(), class0_ap));
    assert!(close(report.per_class_ap50[1].unwrap(), 0.5));
    assert_eq!(
        (report.per_class_ap50[2], report.per_class_ap[2]),
        (None, None)
    );
    // Means over the two classes with ground truth:
    //   mAP@0.5      = (92.5/101 + 0.5) / 2     = 0.707920…
    //   mAP@0.5:0.95 = (665.5/1010 + 0.5) / 2   = 0.579455…
    assert!(close(report.map50, (class0_ap50 + 0.5) / 2.0), "{report:?}");
    assert!(close(report.map, (class0_ap + 0.5) / 2.0), "{report:?}");
    assert!(close(report.map50, 0.707_920_8));
    assert!(close(report.map, 0.579_455_4));
}

#[test]
fn order_of_images_and_detections_does_not_matter() {
    let (mut preds, mut truth) = fixture();
    let before = mean_average_precision(&preds, &truth, 3);
    preds.reverse();
    truth.reverse();
    for p in &mut preds {
        p.reverse();
    }
    let after = mean_average_precision(&preds, &truth, 3);
    assert!(close(after.map, f64::from(before.map)));
    assert!(close(after.map50, f64::from(before.map50)));
}
