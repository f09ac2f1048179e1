//! Settings persist between runs: the app saves its state through eframe's storage and a
//! new app restored from that storage shows the same tab, panel widths, folders and
//! hyper-parameters (what `visionlab` does when it is closed and opened again).

mod common;

use std::collections::HashMap;

use common::ui::harness_sized;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use visionlab::core::protocol::{AttackMethod, DataSpec, Task};
use visionlab::ui::VisionApp;
use visionlab::ui::app::Tab;
use visionlab::ui::settings::{PlotView, XAxis};

/// eframe's storage in memory (the real one is a RON file in the user's data folder).
#[derive(Default)]
struct MemoryStorage(HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }

    fn flush(&mut self) {}
}

fn harness(app: VisionApp) -> Harness<'static, VisionApp> {
    harness_sized(app, 1280.0, 800.0)
}

#[test]
fn settings_survive_a_restart() {
    let mut storage = MemoryStorage::default();
    // A first session: the user changes folders, hyper-parameters, the panel width and
    // the tab, then closes the window (eframe calls `save`).
    {
        let mut app = visionlab::ui::restore(None);
        assert_eq!(app.tab(), Tab::Classify, "a fresh start shows Classify");
        let config = app.config_mut();
        config.learning_rate = 0.0123;
        config.batch_size = 48;
        config.epochs = 7;
        config.data = DataSpec::Folder("/data/flowers".into());
        let layout = visionlab::ui::settings::Layout {
            classify_controls_width: 520.0,
            ..Default::default()
        };
        app = app.with_layout(&layout);
        app.attack_mut().settings.method = AttackMethod::Pgd;
        app.attack_mut().settings.eps = 0.03;
        app.compress_mut().sparsity = 0.7;
        app.compress_mut().fields.model = "/models/flowers.vlck".into();
        app.classify_mut().run.plot_view = PlotView {
            log_scale: true,
            x_axis: XAxis::WallTime,
        };
        let mut harness = harness(app);
        harness.run_steps(4);
        // The controls panel is drawn at the width asked for.
        let width = harness.state().layout().classify_controls_width;
        assert!(
            (width - 520.0).abs() < 2.0,
            "controls panel is {width} wide"
        );
        // Switch tabs the way a user does.
        harness.get_by_label("Segment").click();
        harness.run_steps(2);
        assert_eq!(harness.state().tab(), Tab::Segment);
        eframe::App::save(harness.state_mut(), &mut storage);
    }
    assert!(storage.0.len() >= 4, "stored keys: {:?}", storage.0.keys());

    // The next session.
    let restored = visionlab::ui::restore(Some(&storage));
    assert_eq!(restored.tab(), Tab::Segment);
    assert_eq!(restored.layout().classify_controls_width, 520.0);
    let classify = restored.classify().settings().config;
    assert_eq!(classify.learning_rate, 0.0123);
    assert_eq!(classify.batch_size, 48);
    assert_eq!(classify.epochs, 7);
    assert_eq!(classify.data, DataSpec::Folder("/data/flowers".into()));
    assert_eq!(restored.attack().settings.method, AttackMethod::Pgd);
    assert_eq!(restored.attack().settings.eps, 0.03);
    assert_eq!(restored.compress().sparsity, 0.7);
    assert_eq!(restored.compress().fields.model, "/models/flowers.vlck");
    let view = restored.classify().run.plot_view;
    assert!(view.log_scale && view.x_axis == XAxis::WallTime);
    // The Segment tab kept its own (default) settings.
    assert_eq!(
        restored.segment().settings().config,
        visionlab::ui::settings::Settings::segment_default().config
    );
    // The restored layout is drawn: the Segment tab shows after a restart.
    let mut harness = harness(restored);
    harness.run_steps(2);
    assert_eq!(harness.state().tab(), Tab::Segment);
    let width = harness.state().layout().classify_controls_width;
    assert!((width - 520.0).abs() < 2.0, "restored width {width}");
}

#[test]
fn unreadable_settings_fall_back_to_defaults() {
    let mut storage = MemoryStorage::default();
    for key in [
        visionlab::ui::settings::STORAGE_KEY,
        visionlab::ui::settings::LAYOUT_STORAGE_KEY,
        visionlab::ui::settings::LAB_STORAGE_KEY,
    ] {
        eframe::Storage::set_string(&mut storage, key, "not ron at all (".into());
    }
    let app = visionlab::ui::restore(Some(&storage));
    assert_eq!(app.tab(), Tab::Classify);
    assert_eq!(
        app.classify().settings().config,
        visionlab::tasks::defaults(Task::Classify),
        "the Classify tab starts from the task's defaults"
    );
    assert_eq!(app.compress().sparsity, 0.5);
}
