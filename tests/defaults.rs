//! One source of defaults per task: the GUI's first launch and `visionlab train --task T`
//! without flags start from the same config ([`tasks::defaults`]), and flags given on the
//! command line override it.

use clap::Parser;
use visionlab::cli::train::{TrainArgs, config_from_args};
use visionlab::cli::{Cli, Cmd};
use visionlab::core::protocol::{
    DataSpec, DeviceChoice, ModelKind, OptimizerKind, Task, TrainConfig,
};
use visionlab::tasks;
use visionlab::ui::settings::Settings;

const TASKS: [(Task, &str); 3] = [
    (Task::Classify, "classify"),
    (Task::Segment, "segment"),
    (Task::Detect, "detect"),
];

/// `visionlab train ARGS…` as the binary parses it.
fn train_args(args: &[&str]) -> TrainArgs {
    let argv = ["visionlab", "train"].iter().chain(args);
    match Cli::try_parse_from(argv) {
        Ok(Cli {
            command: Some(Cmd::Train(args)),
            ..
        }) => args,
        Ok(other) => panic!("not a train command: {other:?}"),
        Err(error) => panic!("{error}"),
    }
}

/// The config `visionlab train ARGS…` runs.
fn cli_config(args: &[&str]) -> TrainConfig {
    config_from_args(&train_args(args))
}

#[test]
fn gui_first_launch_and_cli_without_flags_agree_for_every_task() {
    let app = visionlab::ui::restore(None);
    let gui = [
        app.classify().settings().config,
        app.segment().settings().config,
        app.detect().settings().config,
    ];
    for ((task, name), gui) in TASKS.into_iter().zip(gui) {
        let cli = cli_config(&["--task", name]);
        assert_eq!(
            gui, cli,
            "{name}: the GUI's first launch and the CLI differ"
        );
        assert_eq!(Settings::for_task(task).config, cli, "{name}");
        assert_eq!(tasks::defaults(task), cli, "{name}");
        assert_eq!(cli.task, task);
        assert_eq!(cli.resume_from, None);
    }
    // No --task is a classification run.
    assert_eq!(cli_config(&[]), tasks::defaults(Task::Classify));
    assert_eq!(
        visionlab::ui::VisionApp::new().config(),
        &tasks::defaults(Task::Classify)
    );
}

#[test]
fn defaults_are_the_measured_recipes() {
    let classify = tasks::defaults(Task::Classify);
    assert_eq!(
        (classify.epochs, classify.batch_size, classify.learning_rate),
        (10, 16, 2e-3)
    );
    assert!(classify.augment && classify.flip);
    assert_eq!(
        classify.data,
        DataSpec::Shapes {
            count: 8000,
            seed: 7
        }
    );
    let segment = tasks::defaults(Task::Segment);
    assert_eq!(
        (segment.epochs, segment.learning_rate, segment.unet_width),
        (10, 3e-3, 8)
    );
    assert!(!segment.augment && segment.flip);
    let detect = tasks::defaults(Task::Detect);
    assert_eq!(
        (detect.epochs, detect.batch_size, detect.learning_rate),
        (
            tasks::detect::defaults::EPOCHS,
            tasks::detect::defaults::BATCH,
            tasks::detect::defaults::LEARNING_RATE
        )
    );
    assert_eq!(
        detect.data,
        DataSpec::Shapes {
            count: tasks::detect::defaults::SHAPES_COUNT,
            seed: 7
        }
    );
    assert!(!detect.flip);
}

#[test]
fn flags_given_override_the_defaults() {
    let config = cli_config(&[
        "--task",
        "segment",
        "--data",
        "shapes",
        "--count",
        "500",
        "--epochs",
        "3",
        "--batch",
        "8",
        "--lr",
        "0.01",
        "--device",
        "cpu",
        "--augment",
        "--no-flip",
        "--unet-width",
        "4",
        "--seed",
        "1",
        "--val-fraction",
        "0.3",
        "--image-size",
        "48",
    ]);
    let expected = TrainConfig {
        data: DataSpec::Shapes {
            count: 500,
            seed: 7,
        },
        epochs: 3,
        batch_size: 8,
        learning_rate: 0.01,
        device: DeviceChoice::Cpu,
        augment: true,
        flip: false,
        unet_width: 4,
        seed: 1,
        val_fraction: 0.3,
        image_size: Some(48),
        ..tasks::defaults(Task::Segment)
    };
    assert_eq!(config, expected);

    // A folder replaces the shapes; --count says nothing about it.
    let config = cli_config(&["--data", "/data/flowers", "--count", "10"]);
    assert_eq!(config.data, DataSpec::Folder("/data/flowers".into()));

    // The last of a --x / --no-x pair wins.
    assert!(!cli_config(&["--flip", "--no-flip"]).flip);
    assert!(cli_config(&["--no-flip", "--flip"]).flip);
    assert!(!cli_config(&["--no-augment"]).augment);
    assert!(cli_config(&["--task", "detect", "--flip"]).flip);

    // Transfer options.
    let config = cli_config(&[
        "--model",
        "mobilenet_v2",
        "--no-freeze-backbone",
        "--unfreeze-last",
        "4",
    ]);
    assert_eq!(config.model, ModelKind::MobileNetV2);
    assert!(!config.transfer.freeze_backbone);
    assert_eq!(config.transfer.unfreeze_last, 4);
    assert!(cli_config(&["--freeze-backbone"]).transfer.freeze_backbone);
}

#[test]
fn another_optimizer_without_lr_takes_its_own_learning_rate() {
    for (task, name) in TASKS {
        let sgd = cli_config(&["--task", name, "--optimizer", "sgd"]);
        assert_eq!(sgd.optimizer, OptimizerKind::Sgd);
        assert_eq!(sgd.learning_rate, 1e-2, "{name}");
        // The default optimizer named explicitly keeps the task's learning rate.
        let adam = cli_config(&["--task", name, "--optimizer", "adam"]);
        assert_eq!(adam, tasks::defaults(task), "{name}");
        let given = cli_config(&["--task", name, "--optimizer", "sgd", "--lr", "0.5"]);
        assert_eq!(given.learning_rate, 0.5);
    }
}
