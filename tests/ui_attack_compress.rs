//! UI tests of the Attack and Compress tabs, driven through the accessibility tree: load
//! validation images and see an adversarial example, compute a robustness curve, and
//! compress a model into a before/after table.

mod common;

use common::ui::{click, harness, number_after, wait_until};
use egui_kittest::kittest::Queryable;
use visionlab::ui::VisionApp;
use visionlab::ui::app::Tab;

#[test]
fn attack_tab_shows_an_adversarial_example_and_a_curve() {
    let mut app = VisionApp::new();
    let model = common::trained_model();
    let attack = app.attack_mut();
    attack.fields.model = model.display().to_string();
    attack.fields.data = "shapes".into();
    attack.curve_eps_text = "0, 0.03".into();
    attack.curve_images = 40;
    let mut harness = harness(app);
    click(&mut harness, "Attack");
    assert_eq!(harness.state().tab(), Tab::Attack);
    click(&mut harness, "Load validation images");
    wait_until(&mut harness, "an adversarial example", |h| {
        h.query_by_label_contains("Adversarial: ").is_some()
    });
    assert!(number_after(&harness, "Validation images (").is_some_and(|n| n > 0));
    let example = harness
        .state()
        .attack()
        .example
        .clone()
        .expect("an example");
    assert_eq!(example.example.attack.eps, 0.05);
    assert!(example.example.linf <= 0.05 + 1e-6 && example.example.linf > 0.0);

    click(&mut harness, "Compute curve");
    wait_until(&mut harness, "the curve's points", |h| {
        number_after(h, "Curve points: ") == Some(4) && !h.state().attack().curve_running()
    });
    let curve = &harness.state().attack().curve;
    assert!(curve.iter().all(|p| p.images == 40));
    assert!(harness.state().status().error.is_none());
}

#[test]
fn compress_tab_fills_the_before_after_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = VisionApp::new();
    let compress = app.compress_mut();
    compress.fields.model = common::trained_model().display().to_string();
    compress.fields.data = "shapes".into();
    compress.int8_block = false;
    compress.out_dir_text = dir.path().display().to_string();
    let mut harness = harness(app);
    click(&mut harness, "Compress");
    assert_eq!(harness.state().tab(), Tab::Compress);
    assert_eq!(number_after(&harness, "Rows: "), Some(0));
    click(&mut harness, "Run compression");
    wait_until(&mut harness, "three rows", |h| {
        number_after(h, "Rows: ") == Some(3) && !h.state().compress().is_running()
    });
    let rows = &harness.state().compress().rows;
    assert_eq!(rows[0].setting, "float");
    assert!(rows[1].size_bytes < rows[0].size_bytes);
    assert!(rows.iter().skip(1).all(|r| r.path.starts_with(dir.path())));
    assert!(harness.state().status().error.is_none());
}
