//! A trained model is hard to lose, driven through the accessibility tree like a user
//! would: a run keeps itself in its run folder and says so; "Use in Attack / Compress"
//! carries its checkpoint and data to those tabs (and their recent list offers it); saving
//! over a file asks first; Start asks before it discards a model that is in no checkpoint;
//! a new dataset clears a checkpoint path that described another model.

mod common;

use std::path::Path;

use common::ui::{click, harness_sized, has_label_containing, is_enabled, wait_until};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use visionlab::core::protocol::{DataSpec, DeviceChoice, TrainConfig};
use visionlab::train::checkpoint;
use visionlab::train::run_folder::LAST;
use visionlab::ui::VisionApp;
use visionlab::ui::app::Tab;

fn small_config() -> TrainConfig {
    TrainConfig {
        data: DataSpec::Shapes {
            count: 160,
            seed: 7,
        },
        epochs: 1,
        batch_size: 32,
        image_size: Some(16),
        device: DeviceChoice::Cpu,
        ..TrainConfig::default()
    }
}

fn harness(app: VisionApp) -> Harness<'static, VisionApp> {
    harness_sized(app, 1280.0, 900.0)
}

/// Lets a window that just opened lay itself out (egui draws a new window invisibly on
/// its first frame, to size it).
fn settle(harness: &mut Harness<'_, VisionApp>) {
    for _ in 0..5 {
        harness.step();
    }
}

/// Trains the Classify tab's run to its end.
fn train(harness: &mut Harness<'_, VisionApp>) {
    click(harness, "Start");
    wait_until(harness, "the run to finish", |h| {
        h.query_by_label("Finished").is_some()
    });
}

/// The text of the one text field labelled `label`.
fn field(harness: &Harness<'_, VisionApp>, label: &str) -> String {
    harness
        .get_by_label(label)
        .accesskit_node()
        .value()
        .unwrap_or_default()
}

#[test]
fn use_in_attack_and_compress_carry_the_kept_model_and_its_data() {
    let runs = tempfile::tempdir().expect("a temporary folder");
    let app = VisionApp::with_config(small_config()).with_runs_root(Some(runs.path().into()));
    let mut harness = harness(app);
    assert!(!is_enabled(&harness, "Use in Attack"), "no model yet");

    train(&mut harness);
    wait_until(&mut harness, "the kept line", |h| {
        has_label_containing(h, "Kept in ")
    });
    let folder = harness
        .state()
        .classify()
        .run
        .kept_in
        .clone()
        .expect("the run folder");
    assert!(folder.starts_with(runs.path()));
    let last = folder.join(LAST);
    assert!(last.is_file());
    assert!(has_label_containing(
        &harness,
        "(last: epoch 1, best: epoch 1)"
    ));

    click(&mut harness, "Use in Attack");
    assert_eq!(harness.state().tab(), Tab::Attack);
    assert_eq!(field(&harness, "Model"), last.display().to_string());
    assert_eq!(field(&harness, "Data"), "shapes");
    // The recent list has it, described, and shows it as the one in use.
    let folder_name = folder.file_name().unwrap().to_string_lossy().into_owned();
    let recent = field(&harness, "Recent");
    assert!(
        recent.starts_with(&format!(
            "{folder_name}/last.vlck: classify ConvNet on shapes, epoch 1, "
        )),
        "the recent checkpoint in use is shown: {recent}"
    );
    let listed = &harness.state().attack().fields.recent;
    assert_eq!(listed.len(), 2, "last and best: {listed:?}");
    assert!(has_label_containing(&harness, "Using "));

    click(&mut harness, "Classify");
    click(&mut harness, "Use in Compress");
    assert_eq!(harness.state().tab(), Tab::Compress);
    assert_eq!(field(&harness, "Model"), last.display().to_string());
    assert_eq!(harness.state().compress().fields.data, "shapes");

    // The finished run was kept: a new run starts without asking.
    click(&mut harness, "Classify");
    click(&mut harness, "Start");
    settle(&mut harness);
    assert!(!has_label_containing(
        &harness,
        "Discard the current model?"
    ));
    assert_eq!(harness.state().classify().run.runs_started, 2);
    // The new run is kept in a folder of its own (made when it starts), never the last one's.
    assert_ne!(
        harness.state().classify().run.kept_in.as_ref(),
        Some(&folder),
        "the kept line belongs to the run that kept"
    );
    harness.state_mut().stop_training();
}

#[test]
fn saving_over_a_file_asks_first() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let existing = dir.path().join("precious.vlck");
    std::fs::write(&existing, b"precious").expect("a file to keep");
    let mut harness = harness(VisionApp::with_config(small_config()));
    train(&mut harness);

    harness.state_mut().classify_mut().run.checkpoint_text = existing.display().to_string();
    click(&mut harness, "Save to path");
    settle(&mut harness);
    let question = format!("Replace {}?", existing.display());
    assert!(harness.query_by_label(&question).is_some(), "the question");
    click(&mut harness, "Cancel");
    settle(&mut harness);
    assert!(harness.query_by_label(&question).is_none());
    assert_eq!(
        std::fs::read(&existing).ok().as_deref(),
        Some(&b"precious"[..])
    );

    click(&mut harness, "Save to path");
    settle(&mut harness);
    click(&mut harness, "Replace");
    wait_until(&mut harness, "the checkpoint to replace the file", |h| {
        has_label_containing(h, "Last saved: ")
    });
    let meta = checkpoint::read_meta(&existing).expect("a checkpoint now");
    assert_eq!(meta.epochs_done, 1);
    assert!(harness.state().status().error.is_none());
}

#[test]
fn start_asks_before_discarding_a_model_in_no_checkpoint() {
    // Keeping is off (no runs root): the finished model is in no checkpoint.
    let mut harness = harness(VisionApp::with_config(small_config()));
    train(&mut harness);
    assert!(!is_enabled(&harness, "Use in Attack"));

    click(&mut harness, "Start");
    settle(&mut harness);
    assert!(has_label_containing(&harness, "Discard the current model?"));
    click(&mut harness, "Cancel");
    settle(&mut harness);
    assert!(!has_label_containing(
        &harness,
        "Discard the current model?"
    ));
    assert_eq!(harness.state().classify().run.runs_started, 1);
    assert!(harness.query_by_label("Finished").is_some());

    click(&mut harness, "Start");
    settle(&mut harness);
    click(&mut harness, "Discard");
    assert_eq!(harness.state().classify().run.runs_started, 2);
    harness.state_mut().stop_training();
}

#[test]
fn resuming_a_checkpoint_asks_before_discarding_a_model_in_no_checkpoint() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let saved = dir.path().join("first.vlck");
    let mut harness = harness(VisionApp::with_config(small_config()));
    train(&mut harness);
    harness.state_mut().classify_mut().run.checkpoint_text = saved.display().to_string();
    click(&mut harness, "Save to path");
    wait_until(&mut harness, "the checkpoint", |h| {
        has_label_containing(h, "Last saved: ")
    });
    // A second run, in no checkpoint.
    click(&mut harness, "Start");
    wait_until(&mut harness, "the second run to finish", |h| {
        h.state().classify().run.runs_started == 2 && h.query_by_label("Finished").is_some()
    });
    harness.state_mut().classify_mut().run.checkpoint_text = saved.display().to_string();

    click(&mut harness, "Resume from path");
    settle(&mut harness);
    assert!(has_label_containing(&harness, "Discard the current model?"));
    click(&mut harness, "Cancel");
    settle(&mut harness);
    assert_eq!(
        harness.state().classify().run.runs_started,
        2,
        "nothing resumed"
    );

    click(&mut harness, "Resume from path");
    settle(&mut harness);
    click(&mut harness, "Discard");
    settle(&mut harness);
    assert_eq!(harness.state().classify().run.runs_started, 3, "resumed");
    harness.state_mut().stop_training();
}

#[test]
fn a_new_dataset_clears_a_checkpoint_path_of_another_model() {
    let runs = tempfile::tempdir().expect("a temporary folder");
    let app = VisionApp::with_config(small_config()).with_runs_root(Some(runs.path().into()));
    let mut harness = harness(app);
    train(&mut harness);
    wait_until(&mut harness, "the kept line", |h| {
        has_label_containing(h, "Kept in ")
    });
    let last = harness
        .state()
        .classify()
        .run
        .kept_in
        .clone()
        .expect("the run folder")
        .join(LAST);
    let run = &mut harness.state_mut().classify_mut().run;
    run.checkpoint_text = last.display().to_string();
    // Another set of shapes is the same data: the path stays.
    click(&mut harness, "Built-in: shapes");
    assert_eq!(field(&harness, "Path:"), last.display().to_string());

    let other = runs.path().join("digits");
    std::fs::create_dir(&other).expect("a folder");
    harness.state_mut().classify_mut().run.folder_text = other.display().to_string();
    click(&mut harness, "Load");
    assert_eq!(field(&harness, "Path:"), "");
    assert!(Path::new(&last).is_file(), "the checkpoint itself stays");
}
