//! UI tests of the plots through the accessibility tree: before a run every plot says there
//! is no data (instead of an empty axis); the loss plot's "Log scale" toggle and the x-axis
//! choice work; curves fed through the run's events fill the loss, learning-rate and
//! accuracy plots; the robustness plot says how to get a curve.

mod common;

use common::ui::{click, harness_sized, has_label_containing};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use visionlab::core::protocol::{
    AttackMethod, DataSpec, DeviceChoice, EpochSummary, Event, RobustnessPoint, TrainConfig,
};
use visionlab::ui::VisionApp;
use visionlab::ui::app::Tab;
use visionlab::ui::training::curves::XAxis;
use visionlab::ui::widgets::plots::NO_RUN_YET;
use visionlab::ui::widgets::status_bar::Status;

fn config() -> TrainConfig {
    TrainConfig {
        data: DataSpec::Shapes {
            count: 300,
            seed: 7,
        },
        device: DeviceChoice::Cpu,
        ..TrainConfig::default()
    }
}

/// The app at the smallest window size the issue names, settled.
fn harness(app: VisionApp) -> Harness<'static, VisionApp> {
    let mut harness = harness_sized(app, 1024.0, 700.0);
    for _ in 0..4 {
        harness.step();
    }
    harness
}

fn empty_plots(harness: &Harness<'_, VisionApp>) -> usize {
    harness.query_all_by_label(NO_RUN_YET).count()
}

/// Two epochs of four steps, with a learning rate that falls step by step.
fn feed_run(app: &mut VisionApp) {
    let mut status = Status::default();
    let tab = app.classify_mut();
    for step in 1..=8u64 {
        tab.apply(
            Event::Step {
                step,
                epoch: 1 + (step as usize - 1) / 4,
                loss: 2.0 / step as f32,
                steps_per_epoch: 4,
                learning_rate: 0.002 / step as f64,
            },
            &mut status,
        );
        if step % 4 == 0 {
            tab.apply(
                Event::Epoch(EpochSummary {
                    epoch: step as usize / 4,
                    train_loss: 1.0 / step as f32,
                    train_accuracy: 0.5,
                    val_loss: 1.2 / step as f32,
                    val_accuracy: 0.6,
                    seconds: 1.0,
                }),
                &mut status,
            );
        }
    }
}

#[test]
fn plots_without_data_say_so_and_the_toggles_work() {
    let mut harness = harness(VisionApp::with_config(config()));
    assert_eq!(harness.state().tab(), Tab::Classify);
    // Loss, learning rate and accuracy: three plain messages, no axes.
    assert_eq!(empty_plots(&harness), 3);
    assert!(has_label_containing(&harness, "Learning rate"));

    click(&mut harness, "Log scale");
    assert!(harness.state().classify().run.plot_view.log_scale);
    assert!(has_label_containing(&harness, "Loss (log scale)"));
    click(&mut harness, "Log scale");
    assert!(!harness.state().classify().run.plot_view.log_scale);

    click(&mut harness, "Wall time");
    assert_eq!(
        harness.state().classify().run.plot_view.x_axis,
        XAxis::WallTime
    );
}

#[test]
fn fed_curves_fill_the_loss_learning_rate_and_accuracy_plots() {
    let mut app = VisionApp::with_config(config());
    feed_run(&mut app);
    let curves = &app.classify().run.curves;
    assert_eq!(curves.learning_rates(XAxis::Step).len(), 8);
    assert_eq!(curves.learning_rates(XAxis::Epoch)[7], [2.0, 0.002 / 8.0]);
    let mut harness = harness(app);
    assert_eq!(empty_plots(&harness), 0, "every plot has data");
    assert!(has_label_containing(&harness, "Steps: 8"));
    assert!(has_label_containing(&harness, "Learning rate"));
    // The loss plot's legend names its curves (the single-curve plots need none).
    for name in [
        "train loss (raw)",
        "train loss (smoothed)",
        "validation loss",
        "validation accuracy",
        "train accuracy",
    ] {
        assert!(
            harness.query_by_label(name).is_some(),
            "legend entry {name}"
        );
    }
    // Every x axis and the log scale draw from the same points.
    for axis in ["Epoch", "Wall time", "Step"] {
        click(&mut harness, axis);
        click(&mut harness, "Log scale");
        assert_eq!(empty_plots(&harness), 0, "{axis}");
    }
}

#[test]
fn the_robustness_plot_explains_its_empty_state_then_draws_the_curve() {
    let mut harness = harness(VisionApp::with_config(config()));
    click(&mut harness, "Attack");
    assert_eq!(harness.state().tab(), Tab::Attack);
    assert!(has_label_containing(&harness, "No curve yet"));
    for (i, eps) in [0.0f32, 0.05, 0.1].into_iter().enumerate() {
        for method in [AttackMethod::Fgsm, AttackMethod::Pgd] {
            harness
                .state_mut()
                .attack_mut()
                .curve
                .push(RobustnessPoint {
                    method,
                    eps,
                    accuracy: 0.9 - 0.3 * i as f32,
                    images: 10,
                });
        }
    }
    for _ in 0..4 {
        harness.step();
    }
    assert!(!has_label_containing(&harness, "No curve yet"));
    // The legend sits inside the window, over a corner without data.
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1024.0, 700.0));
    // The legend's entries are checkboxes; the controls have a "FGSM" checkbox too (and
    // a "PGD (L∞)" button).
    for (name, checkboxes) in [("FGSM", 2), ("PGD (L∞)", 1)] {
        let found = harness
            .query_all_by_label(name)
            .filter(|n| n.accesskit_node().role() == Role::CheckBox)
            .count();
        assert_eq!(found, checkboxes, "checkboxes named {name}");
    }
    for name in ["FGSM", "PGD (L∞)"] {
        for node in harness.query_all_by_label(name) {
            let rect = node.rect();
            assert!(window.contains_rect(rect), "{name} at {rect:?}");
        }
    }
}
