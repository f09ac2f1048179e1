//! The dataset explorer: on MNIST digits with a known set of validation labels flipped, the
//! flipped images rank at the top of the likely label errors (the recall at k is printed);
//! an exact duplicate across train/validation (a leak) and a resized duplicate are found,
//! and an image's nearest neighbour is its planted duplicate; a second run reads the cache,
//! a damaged cache is recomputed with a warning; the job stops when asked; the CLI writes
//! the JSON report and names a missing folder or a bad checkpoint; the ImageNet model
//! embeds a folder it was never trained on.

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::OnceLock;

use visionlab::core::job;
use visionlab::core::protocol::{
    Command, DataSpec, DeviceChoice, EmbeddingModel, Event, ExploreConfig, ExploreEvent,
    ExploreReport, ExploreSplit, FinishReason, ModelKind, TrainConfig,
};
use visionlab::data::image_folder::save_png;
use visionlab::data::{Image, LabeledImage, mnist, shapes};
use visionlab::explore;
use visionlab::tasks;

/// Training and validation digits, and validation labels flipped (two of each digit).
const TRAIN: usize = 1600;
const VAL: usize = 400;
const FLIPPED: usize = 20;

/// A digit folder with planted label errors and duplicates, and a ConvNet trained on it.
struct Fixture {
    _dir: tempfile::TempDir,
    data: PathBuf,
    model: PathBuf,
    /// Validation images saved under a wrong class.
    flipped: Vec<PathBuf>,
    /// A training image and its copy in the validation split (a leak).
    exact: (PathBuf, PathBuf),
    /// A training image and its copy at twice the size, also in training.
    resized: (PathBuf, PathBuf),
}

fn save(path: &Path, image: &Image) {
    save_png(path, image).expect("a test image is written");
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let data = dir.path().join("digits");
        let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/data/mnist_5k.csv.gz");
        let items = mnist::read_csv_gz(&csv).expect("the bundled digits");
        // The file is sorted by digit: two of every five keep all ten digits, 200 each, and
        // one in five of those is a validation image (40 of each digit).
        let picked: Vec<&LabeledImage> = items
            .iter()
            .enumerate()
            .filter(|(j, _)| j % 5 < 2)
            .map(|(_, item)| item)
            .take(TRAIN + VAL)
            .collect();
        let held_out = |i: usize| i.is_multiple_of(5);
        let mut flipped = Vec::new();
        let mut validation = 0;
        for (i, item) in picked.iter().enumerate() {
            let (split, label) = if !held_out(i) {
                ("train", item.label)
            } else {
                validation += 1;
                if validation % (VAL / FLIPPED) == 1 {
                    ("test", (item.label + 1 + i % 9) % 10)
                } else {
                    ("test", item.label)
                }
            };
            let path = data
                .join(split)
                .join(label.to_string())
                .join(format!("{i}.png"));
            save(&path, &item.image);
            if label != item.label {
                flipped.push(path);
            }
        }
        assert_eq!(validation, VAL);
        assert_eq!(flipped.len(), FLIPPED);
        // An exact copy of training image 1 among the validation images of its class.
        let original = picked[1];
        let a = data
            .join("train")
            .join(original.label.to_string())
            .join("1.png");
        let b = data
            .join("test")
            .join(original.label.to_string())
            .join("copy-of-1.png");
        save(&b, &original.image);
        // Training image 2 again at 56×56.
        let item = picked[2];
        let c = data
            .join("train")
            .join(item.label.to_string())
            .join("2.png");
        let d = data
            .join("train")
            .join(item.label.to_string())
            .join("big-2.png");
        let grey =
            image::GrayImage::from_raw(28, 28, item.image.pixels.clone()).expect("a 28×28 digit");
        let big = image::imageops::resize(&grey, 56, 56, image::imageops::FilterType::Triangle);
        big.save(&d).expect("the resized copy is written");

        let model = dir.path().join("digits.vlck");
        let config = TrainConfig {
            data: DataSpec::Folder(data.clone()),
            model: ModelKind::ConvNet,
            epochs: 5,
            batch_size: 32,
            learning_rate: 2e-3,
            augment: false,
            flip: false,
            device: DeviceChoice::Cpu,
            runs_dir: None,
            ..TrainConfig::default()
        };
        let job = tasks::spawn_training(config, job::no_waker());
        for event in job.events().iter() {
            match event {
                Event::Epoch(e) => eprintln!("training: {e:?}"),
                Event::Finished(_) => {
                    job.send(Command::SaveCheckpoint(model.clone()));
                }
                Event::CheckpointSaved(_) => break,
                Event::Failed(m) | Event::CheckpointFailed(m) => panic!("training failed: {m}"),
                _ => {}
            }
        }
        Fixture {
            _dir: dir,
            data,
            model,
            flipped,
            exact: (a, b),
            resized: (c, d),
        }
    })
}

fn config(cache: Option<&Path>) -> ExploreConfig {
    let f = fixture();
    let mut config =
        ExploreConfig::new(EmbeddingModel::Checkpoint(f.model.clone()), f.data.clone());
    config.device = DeviceChoice::Cpu;
    config.dup_threshold = 0.98;
    config.top = 100;
    config.cache_dir = cache.map(Path::to_path_buf);
    config
}

/// Runs the explorer to its end: its events, and the report if one came.
fn run(config: ExploreConfig) -> (Vec<Event>, Option<ExploreReport>) {
    let job = explore::spawn(config, job::no_waker());
    let events: Vec<Event> = job.events().iter().collect();
    if let Some(Event::Failed(m)) = events.iter().find(|e| matches!(e, Event::Failed(_))) {
        panic!("the explorer failed: {m}");
    }
    let report = events.iter().find_map(|e| match e {
        Event::Explore(ExploreEvent::Report(r)) => Some((**r).clone()),
        _ => None,
    });
    (events, report)
}

fn index_of(report: &ExploreReport, path: &Path) -> usize {
    report
        .images
        .iter()
        .position(|i| i.path == path)
        .unwrap_or_else(|| panic!("{} is in the report", path.display()))
}

#[test]
fn flipped_labels_rank_first_and_planted_duplicates_are_found() {
    let f = fixture();
    let (events, report) = run(config(None));
    let report = report.expect("a report");
    assert!(events.contains(&Event::Finished(FinishReason::Completed)));
    assert_eq!(report.images.len(), TRAIN + VAL + 2);
    assert_eq!(report.embedding_dim, 84);
    assert_eq!(report.split, ExploreSplit::Val);
    assert!(report.out_of_sample.contains("validation"));
    // Only validation images are ranked.
    assert!(
        report
            .label_errors
            .iter()
            .all(|l| report.images[l.index].held_out)
    );

    let ranked: Vec<&Path> = report
        .label_errors
        .iter()
        .map(|l| l.path.as_path())
        .collect();
    let k = 2 * FLIPPED;
    let recall_at = |k: usize| {
        let top = &ranked[..k.min(ranked.len())];
        f.flipped
            .iter()
            .filter(|p| top.contains(&p.as_path()))
            .count() as f32
            / FLIPPED as f32
    };
    let accuracy = report
        .images
        .iter()
        .filter(|i| i.held_out && i.predicted == report.classes[i.label])
        .count() as f32
        / (VAL + 1) as f32;
    println!(
        "validation accuracy against the given labels {:.1} %; {} suspects; recall@{FLIPPED} = {:.2}, recall@{k} = {:.2}",
        accuracy * 100.0,
        ranked.len(),
        recall_at(FLIPPED),
        recall_at(k)
    );
    let missed = f
        .flipped
        .iter()
        .filter(|p| !ranked.contains(&p.as_path()))
        .count();
    println!("{missed} flipped images not suspected (the model is unsure of their true class)");
    assert!(recall_at(k) >= 0.6, "recall@{k} = {}", recall_at(k));
    let first = &report.label_errors[0];
    assert!(first.score < 0.0 && first.given != first.predicted);

    let pair = |a: &Path, b: &Path| {
        let (ia, ib) = (index_of(&report, a), index_of(&report, b));
        report
            .duplicates
            .iter()
            .find(|p| (p.a, p.b) == (ia.min(ib), ia.max(ib)))
            .cloned()
    };
    println!(
        "{} duplicate pairs at cosine ≥ 0.98",
        report.duplicates.len()
    );
    let exact = pair(&f.exact.0, &f.exact.1).expect("the exact copy is found");
    assert!(exact.exact && exact.leak, "{exact:?}");
    assert!(exact.similarity > 0.999);
    let resized = pair(&f.resized.0, &f.resized.1).expect("the resized copy is found");
    assert!(!resized.leak, "{resized:?}");
    println!(
        "planted pairs: exact {:.4}, resized {:.4}",
        exact.similarity, resized.similarity
    );
    assert!(report.duplicates.iter().any(|p| p.leak));

    // The nearest neighbour of each copy is its original.
    for (original, copy) in [&f.exact, &f.resized] {
        let (io, ic) = (index_of(&report, original), index_of(&report, copy));
        assert_eq!(report.images[ic].neighbours[0].index, io);
        assert!(report.images[ic].neighbours.len() == 5);
    }
    // The map spreads the images out.
    assert!(report.map_variance[0] > report.map_variance[1] && report.map_variance[1] > 0.0);
}

#[test]
fn a_second_run_reads_the_cache_and_a_damaged_cache_is_recomputed() {
    let cache = tempfile::tempdir().expect("a temporary folder");
    let (_, first) = run(config(Some(cache.path())));
    let first = first.expect("a report");
    assert!(!first.from_cache);
    let files: Vec<PathBuf> = std::fs::read_dir(cache.path())
        .expect("the cache folder")
        .map(|e| e.expect("an entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");

    let started = std::time::Instant::now();
    let (_, second) = run(config(Some(cache.path())));
    let second = second.expect("a report");
    println!(
        "second run (cached): {:.2} s",
        started.elapsed().as_secs_f32()
    );
    assert!(second.from_cache);
    assert_eq!(second.images, first.images);
    assert_eq!(second.label_errors, first.label_errors);

    let mut bytes = std::fs::read(&files[0]).expect("the cache");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&files[0], &bytes).expect("the cache is damaged");
    let (events, third) = run(config(Some(cache.path())));
    let third = third.expect("a report");
    assert!(!third.from_cache);
    assert_eq!(third.label_errors, first.label_errors);
    let warned = events
        .iter()
        .any(|e| matches!(e, Event::Log(l) if l.contains("damaged") && l.contains("recomputing")));
    assert!(warned, "{events:?}");
    let (_, fourth) = run(config(Some(cache.path())));
    assert!(
        fourth.expect("a report").from_cache,
        "the recomputed cache was written"
    );
}

#[test]
fn the_job_stops_when_asked() {
    let job = explore::spawn(config(None), job::no_waker());
    assert!(job.send(Command::Stop));
    let events: Vec<Event> = job.events().iter().collect();
    assert!(
        events.contains(&Event::Finished(FinishReason::Stopped)),
        "{events:?}"
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Explore(ExploreEvent::Report(_))))
    );
}

fn visionlab() -> Process {
    let mut command = Process::new(env!("CARGO_BIN_EXE_visionlab"));
    command.env("BURN_DEVICE", "flex");
    command
}

#[test]
fn the_cli_writes_the_report_and_names_bad_inputs() {
    let f = fixture();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let json = dir.path().join("report.json");
    let output = visionlab()
        .args(["explore", "--device", "cpu", "--top", "10", "--model"])
        .arg(&f.model)
        .arg("--data")
        .arg(&f.data)
        .arg("--json")
        .arg(&json)
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .output()
        .expect("visionlab runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{stdout}");
    assert!(stdout.contains("likely label errors in the validation split"));
    assert!(stdout.contains("LEAK"));
    let text = std::fs::read_to_string(&json).expect("the JSON report");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let errors = value["label_errors"].as_array().expect("label_errors");
    assert_eq!(errors.len(), 10);
    for key in ["path", "given", "predicted", "score"] {
        assert!(errors[0].get(key).is_some(), "{key} in {}", errors[0]);
    }
    let pairs = value["duplicates"].as_array().expect("duplicates");
    assert!(
        pairs
            .iter()
            .any(|p| p["leak"] == true && p["exact"] == true)
    );
    let images = value["images"].as_array().expect("images");
    assert_eq!(images.len(), TRAIN + VAL + 2);
    assert_eq!(images[0]["map"].as_array().map(Vec::len), Some(2));

    let missing = dir.path().join("no-such-folder");
    let output = visionlab()
        .args(["explore", "--device", "cpu", "--model"])
        .arg(&f.model)
        .arg("--data")
        .arg(&missing)
        .output()
        .expect("visionlab runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("no-such-folder"), "{stderr}");

    let bad = dir.path().join("broken.vlck");
    std::fs::write(&bad, b"not a checkpoint").expect("a bad file");
    let output = visionlab()
        .args(["explore", "--device", "cpu", "--model"])
        .arg(&bad)
        .arg("--data")
        .arg(&f.data)
        .output()
        .expect("visionlab runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("broken.vlck"), "{stderr}");
}

#[test]
fn the_imagenet_model_embeds_any_folder_and_votes_on_its_labels() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = dir.path().join("shapes");
    let samples = shapes::generate(8, 32, 3);
    for (i, s) in samples.iter().enumerate() {
        let class = shapes::CLASSES[s.class % 2];
        save(&data.join(class).join(format!("{i}.png")), &s.image);
    }
    save(
        &data.join(shapes::CLASSES[0]).join("copy.png"),
        &samples[0].image,
    );
    let mut config = ExploreConfig::new(EmbeddingModel::ImageNet, data);
    config.device = DeviceChoice::Cpu;
    config.split = ExploreSplit::All;
    config.batch_size = 4;
    config.imagenet_side = Some(96);
    let (_, report) = run(config);
    let report = report.expect("a report");
    assert_eq!(report.embedding_dim, 1280);
    assert_eq!(report.images.len(), 9);
    assert_eq!(report.classes, [shapes::CLASSES[0], shapes::CLASSES[1]]);
    assert!(report.out_of_sample.contains("vote"));
    // Predictions are ImageNet classes, not the folder's.
    assert!(
        report
            .images
            .iter()
            .all(|i| !i.predicted.is_empty() && !report.classes.contains(&i.predicted))
    );
    assert!(report.duplicates.iter().any(|p| p.exact));
}
