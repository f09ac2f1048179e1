//! UI test of the confusion view: after a short run, the mistakes are captioned with their
//! true class and the prediction; click a confusion-matrix cell and see the gallery show
//! exactly that cell's validation images; click one of them and see its saliency map and
//! Grad-CAM with their colour scale, then explain another class than the predicted one.

mod common;

use std::collections::BTreeSet;

use common::ui::{click, harness_sized, has_label_containing, wait_until};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use visionlab::core::protocol::{DataSpec, DeviceChoice, ModelKind, TrainConfig};
use visionlab::ui::VisionApp;
use visionlab::ui::classify::confusion_panel::{cell_label, image_label};
use visionlab::ui::classify::insight::{ExplanationView, InsightView};
use visionlab::ui::classify::saliency_panel::{SCALE_LABEL, class_option, predicted_option};

fn harness() -> Harness<'static, VisionApp> {
    let app = VisionApp::with_config(TrainConfig {
        data: DataSpec::Shapes {
            count: 300,
            seed: 7,
        },
        model: ModelKind::ConvNet,
        epochs: 1,
        batch_size: 32,
        device: DeviceChoice::Cpu,
        ..TrainConfig::default()
    });
    harness_sized(app, 1280.0, 900.0)
}

/// The explanation shown.
fn explanation(harness: &Harness<'_, VisionApp>) -> Option<ExplanationView> {
    harness.state().classify().task.insight.explanation.clone()
}

/// The validation images the gallery shows, by index.
fn gallery(harness: &Harness<'_, VisionApp>) -> BTreeSet<usize> {
    let prefix = image_label(0).trim_end_matches('0').to_string();
    harness
        .query_all_by_label_contains(&prefix)
        .filter_map(|node| {
            let label = node.accesskit_node().label()?;
            label.strip_prefix(&prefix)?.parse().ok()
        })
        .collect()
}

#[test]
fn clicking_a_confusion_cell_filters_the_gallery() {
    let mut harness = harness();
    click(&mut harness, "Start");
    wait_until(&mut harness, "the run to finish", |h| {
        h.query_by_label("Finished").is_some() && h.state().classify().task.insight.matrix.is_some()
    });
    click(&mut harness, InsightView::Confusion.label());
    assert!(
        harness.query_by_label("precision").is_some(),
        "the per-class table shows"
    );

    // The busiest mistake cell (or the first diagonal cell when there is no mistake).
    let state = harness.state().classify();
    let matrix = state.task.insight.matrix.clone().unwrap();
    let outcome = state.task.insight.outcome.clone().unwrap();
    let classes = state.run.run_classes.clone();
    let k = matrix.classes();
    let (t, p) = (0..k)
        .flat_map(|t| (0..k).map(move |p| (t, p)))
        .filter(|&(t, p)| t != p)
        .max_by_key(|&(t, p)| matrix.get(t, p))
        .filter(|&(t, p)| matrix.get(t, p) > 0)
        .unwrap_or((0, 0));
    let expected: BTreeSet<usize> = (0..outcome.truth.len())
        .filter(|&i| outcome.truth[i] == t && outcome.predicted[i] == p)
        .collect();
    assert_eq!(expected.len() as u64, matrix.get(t, p));
    assert!(!expected.is_empty());

    // Before a click the gallery holds the mistakes; after it, exactly the cell's images.
    let mistakes: BTreeSet<usize> = (0..outcome.truth.len())
        .filter(|&i| outcome.truth[i] != outcome.predicted[i])
        .collect();
    assert_eq!(gallery(&harness), mistakes);
    // Each says its true class beside the prediction.
    if let Some(&i) = mistakes.iter().next() {
        let (truth, predicted) = (&classes[outcome.truth[i]], &classes[outcome.predicted[i]]);
        assert!(has_label_containing(&harness, &format!("true: {truth}")));
        assert!(has_label_containing(
            &harness,
            &format!("pred: {predicted} ")
        ));
    }
    click(&mut harness, &cell_label(&classes[t], &classes[p]));
    assert_eq!(
        harness.state().classify().task.insight.selected,
        Some((t, p))
    );
    assert_eq!(gallery(&harness), expected, "cell {t}→{p}");

    // Clicking an image there explains it.
    let first = *expected.iter().next().unwrap();
    click(&mut harness, &image_label(first));
    wait_until(&mut harness, "the explanation", |h| {
        explanation(h).is_some_and(|e| e.index == first)
    });
    assert!(harness.query_by_label("Grad-CAM").is_some());
    assert!(
        harness.query_by_label(SCALE_LABEL).is_some(),
        "the colour scale"
    );
    let e = explanation(&harness).unwrap();
    assert_eq!((e.class, e.chosen), (e.predicted, false));
    let predicted = predicted_option(Some(&classes[e.predicted]));
    assert!(
        harness.query_by_value(&predicted).is_some(),
        "the class box starts at {predicted}"
    );

    // Another class in the box sends a new request, and its explanation comes back.
    let other = (e.predicted + 1) % k;
    harness.get_by_value(&predicted).click();
    harness.run_steps(3);
    click(&mut harness, &class_option(other, &classes[other]));
    let insight = &harness.state().classify().task.insight;
    assert_eq!(insight.target, Some(other));
    assert!(
        insight.explaining == Some(first) || explanation(&harness).is_some_and(|e| e.chosen),
        "a new explanation was asked for"
    );
    wait_until(&mut harness, "the other class's explanation", |h| {
        explanation(h).is_some_and(|e| e.class == other && e.chosen)
    });
    let chosen = explanation(&harness).unwrap();
    assert_eq!((chosen.index, chosen.predicted), (first, e.predicted));
    assert!(
        chosen.confidence <= e.confidence,
        "the prediction is the likeliest"
    );
    assert!(has_label_containing(
        &harness,
        &format!("explaining {}", classes[other])
    ));
    assert!(
        harness
            .query_by_value(&class_option(other, &classes[other]))
            .is_some()
    );
    assert!(harness.state().status().error.is_none());
}
