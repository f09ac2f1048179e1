//! UI test of the Detect tab's "Pretrained: faces" model: choose it, type the astronaut's
//! path and find its one face; drop a photo of a cat from the file manager and see none.
//! The detection runs in a job, never on the UI thread.

mod common;

use std::path::PathBuf;

use common::ui::{click, drop_files, harness, has_label_containing, wait_until};
use egui_kittest::kittest::Queryable;
use visionlab::ui::VisionApp;
use visionlab::ui::app::Tab;
use visionlab::ui::detect::faces::DetectModel;

#[test]
fn the_face_model_finds_the_astronauts_face() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut app = VisionApp::new();
    app.set_tab(Tab::Detect);
    let mut harness = harness(app);
    click(&mut harness, "Pretrained: faces");
    assert_eq!(
        harness.state().detect().task.faces.model,
        DetectModel::Faces
    );

    let photo = root.join("assets/images/astronaut.jpg");
    let field = harness.get_by_label("Photo:");
    field.focus();
    field.type_text(&photo.display().to_string());
    harness.step();
    click(&mut harness, "Find faces");
    wait_until(&mut harness, "the astronaut's face", |h| {
        has_label_containing(h, "astronaut.jpg (512×512): 1 face")
    });
    let (found, _) = harness.state().detect().task.faces.found.clone().unwrap();
    assert_eq!(found.faces.len(), 1);
    assert!(found.picture.width <= 768 && found.picture.width > 0);

    // (Noise is no good for "none": BlazeFace scores one patch of it at 0.55.)
    drop_files(&mut harness, &[root.join("assets/images/chelsea.png")]);
    wait_until(&mut harness, "the dropped photo's result", |h| {
        has_label_containing(h, "chelsea.png (451×300): no faces")
    });
    assert!(harness.state().detect().task.faces.error.is_none());
}
