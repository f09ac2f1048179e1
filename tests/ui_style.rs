//! UI test of the Style tab: two image files dropped from the file manager fill the
//! content and style wells, a run starts and shows its result, a file dropped on the style
//! well replaces only the style, and the export is the image shown.

mod common;

use std::path::PathBuf;

use common::ui::{click, drop_files, harness, wait_until};
use egui_kittest::kittest::Queryable;
use visionlab::core::assets;
use visionlab::core::protocol::{DeviceChoice, StyleMethod};
use visionlab::ui::VisionApp;
use visionlab::ui::app::Tab;

fn sample(name: &str) -> PathBuf {
    assets::find(&format!("images/{name}")).expect("bundled image")
}

#[test]
fn dropping_two_files_fills_the_wells_and_a_run_shows_its_result() {
    let mut app = VisionApp::new();
    let style = app.style_mut();
    style.request.method = StyleMethod::Arbitrary;
    style.request.size = 64;
    style.request.device = DeviceChoice::Cpu;
    let mut harness = harness(app);
    click(&mut harness, "Style");
    assert_eq!(harness.state().tab(), Tab::Style);
    assert!(
        harness
            .query_by_label_contains("Drop the content image here")
            .is_some()
    );

    drop_files(&mut harness, &[sample("chelsea.png"), sample("flower.jpg")]);
    wait_until(&mut harness, "both thumbnails", |h| {
        let s = h.state().style();
        s.content.thumbnail.is_some() && s.style.thumbnail.is_some()
    });
    let s = harness.state().style();
    assert_eq!(
        s.content.path.as_deref(),
        Some(sample("chelsea.png").as_path())
    );
    assert_eq!(
        s.style.path.as_deref(),
        Some(sample("flower.jpg").as_path())
    );
    assert_eq!(s.content.size, Some((451, 300)));
    assert!(
        harness
            .query_by_label_contains("chelsea.png · 451×300")
            .is_some()
    );

    click(&mut harness, "Stylize");
    assert!(
        harness.state().style().running() || harness.state().style().result().is_some(),
        "a run started; status: {:?}",
        harness.state().status()
    );
    wait_until(&mut harness, "the result", |h| {
        !h.state().style().running() && h.state().style().result().is_some()
    });
    let result = harness.state().style().result().cloned().unwrap();
    assert_eq!((result.width, result.height), (64, 43));
    assert!(harness.query_by_label_contains("Runs on: CPU").is_some());
    assert!(
        harness.state().status().error.is_none(),
        "{:?}",
        harness.state().status()
    );

    // One file dropped over the style well replaces the style only.
    harness.run_steps(2);
    let rect = harness.state().style().well_rects[1].expect("style well drawn");
    harness
        .input_mut()
        .events
        .push(egui::Event::PointerMoved(rect.center()));
    harness.step();
    drop_files(&mut harness, &[sample("brick.png")]);
    let s = harness.state().style();
    assert_eq!(s.style.path.as_deref(), Some(sample("brick.png").as_path()));
    assert_eq!(
        s.content.path.as_deref(),
        Some(sample("chelsea.png").as_path())
    );

    // Export writes exactly the image shown.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stylized.png");
    let mut status = visionlab::ui::widgets::status_bar::Status::default();
    harness
        .state_mut()
        .style_mut()
        .export_to(&path, &mut status);
    assert!(status.error.is_none(), "{status:?}");
    let decoded = image::open(&path).unwrap().to_rgba8();
    assert_eq!(decoded.into_raw(), result.pixels);
}
