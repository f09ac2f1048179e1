//! UI tests of the smaller things a new user missed in the Style tab: the built-in styles as
//! a picker of previews (made on the CPU), the Starry Night sample and the "Runs on:" line.
//! (Grad-CAM's scale and class, and the mistakes' captions: `tests/ui_confusion.rs`.)

mod common;

use common::ui::{click, harness_sized, has_label_containing, wait_until};
use egui_kittest::kittest::Queryable;
use visionlab::core::protocol::{DeviceChoice, StyleMethod};
use visionlab::style::fast::STYLES;
use visionlab::ui::VisionApp;
use visionlab::ui::style::view::tile_label;

#[test]
fn the_style_picker_shows_a_preview_of_every_builtin_style() {
    let mut app = VisionApp::new();
    app.style_mut().request.device = DeviceChoice::Cpu;
    let mut harness = harness_sized(app, 1280.0, 800.0);
    assert_eq!(harness.state().style().previews.made(), 0, "made on demand");
    click(&mut harness, "Style");
    // The fast method is the default: its picker asks for the previews and says so.
    assert!(harness.state().style().previews.making());
    assert!(has_label_containing(
        &harness,
        "Making previews of the 26 styles"
    ));
    for style in 0..STYLES {
        assert!(
            harness.query_by_label(&tile_label(style)).is_some(),
            "a tile for style {style}"
        );
    }
    wait_until(&mut harness, "the 26 previews", |h| {
        !h.state().style().previews.making()
    });
    let previews = &harness.state().style().previews;
    assert_eq!(previews.error, None);
    assert_eq!(previews.made(), STYLES);
    assert!(!has_label_containing(&harness, "Making previews"));

    // A tile picks its style.
    click(&mut harness, &tile_label(7));
    assert_eq!(harness.state().style().builtin, 7);
    assert_eq!(
        harness.state().style().builtin_styles(),
        vec![(7, 1.0)],
        "the next run uses it"
    );
    assert!(has_label_containing(&harness, "Runs on: CPU"));

    // The painting among the style samples.
    click(&mut harness, StyleMethod::Arbitrary.label());
    click(&mut harness, "starry night");
    wait_until(&mut harness, "the painting's thumbnail", |h| {
        h.state().style().style.thumbnail.is_some()
    });
    let well = &harness.state().style().style;
    assert!(
        well.path
            .as_ref()
            .is_some_and(|p| p.ends_with("images/starry_night.jpg")),
        "{:?}",
        well.path
    );
    assert_eq!(well.size, Some((512, 409)));
}
