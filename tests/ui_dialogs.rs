//! File dialogs where no system dialog can open (no XDG portal, no zenity: a minimal
//! desktop, Xvfb): visionlab's own dialog opens inside the window and every open and save
//! goes through it, driven here like a user would.

mod common;

use std::path::Path;

use common::ui::{click, harness_sized, has_label_containing, wait_until};
use egui_kittest::kittest::Queryable;
use visionlab::core::protocol::{DataSpec, DeviceChoice, TrainConfig};
use visionlab::ui::VisionApp;
use visionlab::ui::widgets::dialogs::use_builtin_dialog;

/// An ImageFolder with two classes of six 12×12 pictures.
fn image_folder(root: &Path) {
    for (class, shade) in [("dark", 40u8), ("light", 210u8)] {
        let dir = root.join(class);
        std::fs::create_dir_all(&dir).expect("a class folder");
        for i in 0..6u8 {
            let img = image::RgbImage::from_fn(12, 12, |x, y| {
                image::Rgb([shade.wrapping_add(i), (x * 9) as u8, (y * 9) as u8])
            });
            img.save(dir.join(format!("{i}.png")))
                .expect("a test image");
        }
    }
}

/// Lets a window that just opened lay itself out (egui draws a new window invisibly on its
/// first frame, to size it).
fn settle(harness: &mut egui_kittest::Harness<'_, VisionApp>) {
    for _ in 0..5 {
        harness.step();
    }
}

#[test]
fn a_dataset_folder_opens_through_the_in_window_dialog() {
    use_builtin_dialog();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = dir.path().join("tiny");
    image_folder(&data);

    let mut harness = harness_sized(VisionApp::new(), 1024.0, 700.0);
    // The dialog starts in the folder named in the field.
    harness.state_mut().classify_mut().run.folder_text = data.display().to_string();
    click(&mut harness, "Open folder…");
    settle(&mut harness);
    assert!(
        harness
            .query_by_label("📁  Open a dataset folder")
            .is_some(),
        "the in-window dialog should be showing"
    );
    // Both class folders are listed; "Open" takes the folder the dialog is in.
    assert!(has_label_containing(&harness, "dark"));
    assert!(has_label_containing(&harness, "light"));
    click(&mut harness, "Open");
    wait_until(&mut harness, "the dataset to be read", |h| {
        h.state().classify().run.dataset.is_some()
    });
    assert!(
        harness
            .query_by_label("📁  Open a dataset folder")
            .is_none()
    );
    assert_eq!(
        harness.state().classify().run.config.data,
        DataSpec::Folder(data.clone())
    );
    assert!(harness.state().status().error.is_none());
}

#[test]
fn a_checkpoint_saves_through_the_in_window_dialog_and_cancel_changes_nothing() {
    use_builtin_dialog();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = TrainConfig {
        data: DataSpec::Shapes {
            count: 120,
            seed: 3,
        },
        epochs: 1,
        batch_size: 32,
        device: DeviceChoice::Cpu,
        ..TrainConfig::default()
    };
    let mut harness = harness_sized(VisionApp::with_config(config), 1280.0, 800.0);
    click(&mut harness, "Start");
    wait_until(&mut harness, "the run to finish", |h| {
        h.query_by_label("Finished").is_some()
    });

    // Cancel: nothing is written, the dialog is gone.
    harness.state_mut().classify_mut().run.checkpoint_text =
        dir.path().join("x.vlck").display().to_string();
    click(&mut harness, "Save checkpoint…");
    settle(&mut harness);
    assert!(harness.query_by_label("💾  Save checkpoint").is_some());
    click(&mut harness, "Cancel");
    assert!(harness.query_by_label("💾  Save checkpoint").is_none());
    assert_eq!(
        std::fs::read_dir(dir.path()).map(|d| d.count()).ok(),
        Some(0)
    );

    // Save: the suggested name in the folder of the path field.
    click(&mut harness, "Save checkpoint…");
    settle(&mut harness);
    click(&mut harness, "Save");
    let saved = dir.path().join("checkpoint.vlck");
    wait_until(&mut harness, "the checkpoint to be written", |_| {
        saved.is_file()
    });
    wait_until(&mut harness, "the saved checkpoint to be listed", |h| {
        has_label_containing(h, "Last saved: ")
    });
    assert!(harness.state().status().error.is_none());
}
