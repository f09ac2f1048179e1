//! The Runs tab, driven through the accessibility tree like a user would: a GUI run shows
//! up with its config and metrics (and opens in its task's tab); ticked runs overlay in
//! Compare, each named by what differs, and one runs again in its task's tab; the table sorts by a column and filters by text;
//! rename and note persist in `run.json`; delete asks, naming the folder, then removes it;
//! a corrupt folder is listed with its warnings; a runs folder typed in is listed and
//! keeps new runs.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use common::ui::{click, harness_sized, has_label_containing, wait_until};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use visionlab::core::protocol::{DataSpec, DeviceChoice, EpochSummary, TrainConfig};
use visionlab::train::record::{METRICS, RUN, Record, Status};
use visionlab::train::run_folder::RunFolder;
use visionlab::train::runs::load_run;
use visionlab::ui::VisionApp;
use visionlab::ui::app::Tab;
use visionlab::ui::runs::Column;

/// The Runs tab at the size the issue asks it to work at.
fn harness(app: VisionApp) -> Harness<'static, VisionApp> {
    harness_sized(app, 1024.0, 700.0)
}

/// A run recorded through the record API: `epochs` epochs of 5 steps, the validation
/// metric of each given, started `minutes` minutes after a fixed time.
fn record_run(root: &Path, minutes: u64, learning_rate: f64, metrics: &[f32]) -> PathBuf {
    let config = TrainConfig {
        learning_rate,
        device: DeviceChoice::Cpu,
        ..TrainConfig::default()
    };
    let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000 + 60 * minutes);
    let folder = RunFolder::create(root, &config, start).expect("a run folder");
    let mut record = Record::start(folder.dir(), &config, "CPU").expect("a record");
    for (i, &metric) in metrics.iter().enumerate() {
        let epoch = i + 1;
        for s in 0..5 {
            let step = (i * 5 + s + 1) as u64;
            record
                .step(step, epoch, 1.0 / step as f32, learning_rate)
                .expect("a step line");
        }
        let summary = EpochSummary {
            epoch,
            train_loss: 1.0,
            train_accuracy: metric,
            val_loss: 1.0,
            val_accuracy: metric,
            seconds: 1.0,
        };
        record.epoch(&summary, metric).expect("an epoch line");
    }
    record.end(Status::Finished, None).expect("the end");
    folder.dir().to_path_buf()
}

fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .expect("a folder name")
        .to_string_lossy()
        .into_owned()
}

/// Shows the Runs tab listing `root` and waits until it has read the folder.
fn open_runs(root: &Path) -> Harness<'static, VisionApp> {
    let app = VisionApp::new().with_runs_root(Some(root.to_path_buf()));
    let mut harness = harness(app);
    click(&mut harness, "Runs");
    wait_until(&mut harness, "the runs folder to be read", |h| {
        h.state().runs().loads > 0
    });
    harness.step();
    harness
}

/// The Runs tab's rows in table order, by best metric.
fn shown_best(harness: &Harness<'_, VisionApp>) -> Vec<Option<f32>> {
    let runs = harness.state().runs();
    runs.view().iter().map(|&i| runs.rows()[i].best).collect()
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
fn a_gui_run_appears_with_its_config_and_metrics_and_opens_in_its_tab() {
    let root = tempfile::tempdir().expect("a temporary folder");
    let config = TrainConfig {
        data: DataSpec::Shapes {
            count: 160,
            seed: 7,
        },
        image_size: Some(16),
        learning_rate: 0.004,
        ..common::ui::small_config()
    };
    let app = VisionApp::with_config(config).with_runs_root(Some(root.path().into()));
    let mut harness = harness(app);
    click(&mut harness, "Start");
    wait_until(&mut harness, "the run to finish", |h| {
        h.query_by_label("Finished").is_some()
    });
    let dir = harness
        .state()
        .classify()
        .run
        .kept_in
        .clone()
        .expect("the run's folder");
    let name = folder_name(&dir);

    click(&mut harness, "Runs");
    wait_until(&mut harness, "the run in the table", |h| {
        h.query_by_label(&name).is_some()
    });
    let row = &harness.state().runs().rows()[0];
    assert_eq!(
        row.settings.get("learning_rate").map(String::as_str),
        Some("0.004")
    );
    assert_eq!(row.task, "classify");
    assert_eq!(row.metric, "accuracy");
    assert!(row.last.is_some() && row.status == "finished", "{row:?}");
    let steps = row.run.steps.len();
    assert!(steps > 0);

    click(&mut harness, &name);
    assert!(has_label_containing(
        &harness,
        "built-in shapes (160 images)"
    ));
    assert!(
        harness.query_by_label(&format!("1 / {steps}")).is_some(),
        "epochs / steps shown"
    );

    click(&mut harness, "Open checkpoint");
    assert_eq!(harness.state().tab(), Tab::Classify);
    let path = field(&harness, "Path:");
    assert!(
        path.starts_with(&dir.display().to_string()) && path.ends_with(".vlck"),
        "{path}"
    );
    assert_eq!(harness.state().config().learning_rate, 0.004);
}

#[test]
fn ticked_runs_overlay_in_compare_named_by_what_differs() {
    let root = tempfile::tempdir().expect("a temporary folder");
    let slow = folder_name(&record_run(root.path(), 0, 0.001, &[0.4, 0.6]));
    let fast = folder_name(&record_run(root.path(), 1, 0.003, &[0.5, 0.8]));
    record_run(root.path(), 2, 0.01, &[0.3]);
    let mut harness = open_runs(root.path());
    assert_eq!(harness.state().runs().rows().len(), 3);

    click(&mut harness, &format!("Compare {slow}"));
    click(&mut harness, &format!("Compare {fast}"));
    click(&mut harness, "Compare (2 ticked)");
    assert!(has_label_containing(&harness, "■ lr=0.001"));
    assert!(has_label_containing(&harness, "■ lr=0.003"));
    assert!(
        !has_label_containing(&harness, "■ lr=0.01"),
        "only the ticked runs"
    );
    click(&mut harness, "Epoch");
    click(&mut harness, "Wall time");
    assert!(has_label_containing(&harness, "■ lr=0.003"));

    click(&mut harness, "Hyperparameters");
    assert!(has_label_containing(&harness, "one point per run shown"));

    // "Run again" fills the task's training panel with the run's settings.
    assert_ne!(harness.state().classify().run.config.learning_rate, 0.003);
    click(&mut harness, &fast);
    click(&mut harness, "Run again with these settings");
    assert_eq!(harness.state().tab(), Tab::Classify);
    assert_eq!(harness.state().config().learning_rate, 0.003);
}

#[test]
fn the_table_sorts_by_a_column_and_filters_by_text() {
    let root = tempfile::tempdir().expect("a temporary folder");
    record_run(root.path(), 0, 0.001, &[0.5]);
    let best = record_run(root.path(), 1, 0.003, &[0.9]);
    record_run(root.path(), 2, 0.01, &[0.7]);
    let mut harness = open_runs(root.path());
    // Newest first.
    assert_eq!(shown_best(&harness), [Some(0.7), Some(0.9), Some(0.5)]);

    click(&mut harness, "Best");
    assert_eq!(shown_best(&harness), [Some(0.5), Some(0.7), Some(0.9)]);
    assert_eq!(
        harness.state().runs().filter.sort,
        Some((Column::Best, false))
    );
    click(&mut harness, "Best");
    assert_eq!(shown_best(&harness), [Some(0.9), Some(0.7), Some(0.5)]);

    let search = harness.get_by_label("Search:");
    search.focus();
    search.type_text("learning_rate=0.003");
    harness.step();
    harness.step();
    assert_eq!(shown_best(&harness), [Some(0.9)]);
    assert!(has_label_containing(&harness, "1 of 3 runs shown"));
    assert!(harness.query_by_label(&folder_name(&best)).is_some());
}

#[test]
fn rename_and_note_persist_and_delete_asks_then_removes() {
    let root = tempfile::tempdir().expect("a temporary folder");
    let keep = record_run(root.path(), 0, 0.001, &[0.5]);
    let gone = record_run(root.path(), 1, 0.003, &[0.6]);
    let mut harness = open_runs(root.path());

    click(&mut harness, &folder_name(&keep));
    harness.state_mut().runs_mut().name_text.clear();
    let name = harness.get_by_label("Name:");
    name.focus();
    name.type_text("baseline");
    harness.step();
    click(&mut harness, "Rename");
    let note = harness.get_by_label("Note:");
    note.focus();
    note.type_text("first try");
    harness.step();
    click(&mut harness, "Save note");
    let read = load_run(&keep);
    assert_eq!(read.display_name(), "baseline");
    assert_eq!(read.note(), "first try");
    assert_eq!(read.name, folder_name(&keep), "the folder keeps its name");

    click(&mut harness, "Refresh");
    wait_until(&mut harness, "the runs read again", |h| {
        h.state().runs().loads > 1
    });
    harness.step();
    // In the table and as the selected run's heading.
    assert_eq!(harness.query_all_by_label("baseline").count(), 2);

    click(&mut harness, &folder_name(&gone));
    click(&mut harness, "Delete…");
    for _ in 0..3 {
        harness.step();
    }
    assert!(has_label_containing(&harness, "Delete this run?"));
    assert!(has_label_containing(&harness, &gone.display().to_string()));
    assert!(gone.is_dir(), "nothing is deleted before the answer");
    click(&mut harness, "Delete the folder");
    assert!(!gone.exists());
    assert!(keep.is_dir());
    assert_eq!(harness.state().runs().rows().len(), 1);
}

#[test]
fn a_corrupt_folder_is_listed_with_its_warnings() {
    let root = tempfile::tempdir().expect("a temporary folder");
    let good = record_run(root.path(), 0, 0.001, &[0.5, 0.6]);
    // A copy of the good run, cut short in its last line, without its config.
    let bad = root.path().join("classify-20231114-230000");
    std::fs::create_dir(&bad).expect("a folder");
    let mut info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(good.join(RUN)).expect("run.json")).expect("json");
    info["name"] = "classify-20231114-230000".into();
    std::fs::write(bad.join(RUN), info.to_string()).expect("run.json written");
    let metrics = std::fs::read_to_string(good.join(METRICS)).expect("metrics");
    let cut = &metrics[..metrics.len() - 20];
    std::fs::write(bad.join(METRICS), cut).expect("metrics written");
    let mut harness = open_runs(root.path());
    assert_eq!(harness.state().runs().rows().len(), 2);
    assert!(harness.query_by_label("⚠").is_some(), "the warning icon");

    click(&mut harness, "classify-20231114-230000");
    assert!(has_label_containing(&harness, "Only partly read"));
    assert!(has_label_containing(&harness, "cut short"));
    assert!(has_label_containing(&harness, "config.json"));
}

#[test]
fn a_runs_folder_typed_in_is_listed_and_keeps_new_runs() {
    let first = tempfile::tempdir().expect("a temporary folder");
    let other = tempfile::tempdir().expect("a temporary folder");
    record_run(other.path(), 0, 0.001, &[0.5]);
    let mut harness = open_runs(first.path());
    assert!(harness.state().runs().rows().is_empty());
    assert!(has_label_containing(&harness, "No runs to show"));

    harness.state_mut().runs_mut().root_text.clear();
    let folder = harness.get_by_label("Runs folder:");
    folder.focus();
    folder.type_text(&other.path().display().to_string());
    harness.step();
    click(&mut harness, "Use");
    wait_until(&mut harness, "the other folder's run", |h| {
        h.state().runs().rows().len() == 1
    });
    assert_eq!(harness.state().runs_root(), Some(other.path()));
    assert_eq!(
        harness.state().classify().run.runs_root.as_deref(),
        Some(other.path()),
        "new GUI runs are kept there"
    );
    assert_eq!(
        harness.state().runs().chosen_folder,
        other.path().display().to_string(),
        "remembered"
    );
}
