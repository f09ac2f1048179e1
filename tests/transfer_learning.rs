//! Transfer learning: the pretrained ImageNet MobileNetV2 recognises the bundled photos, and
//! fine-tuning with a frozen backbone leaves the backbone untouched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use visionlab::core::job;
use visionlab::tasks;

use burn::prelude::*;
use burn::store::ModuleSnapshot;
use visionlab::core::assets;
use visionlab::core::protocol::{
    Command, DataSpec, Event, ModelKind, TrainConfig, TransferOptions,
};
use visionlab::models::{Classifier, InputShape};
use visionlab::tasks::classify::imagenet::ImageNetClassifier;
use visionlab::train::checkpoint;

fn image(name: &str) -> PathBuf {
    assets::find(&format!("images/{name}")).unwrap()
}

#[test]
fn pretrained_network_knows_the_cat_and_the_coffee() {
    let net = ImageNetClassifier::load(&Device::flex()).unwrap();
    let found = net
        .predict_files(&[image("chelsea.png"), image("coffee.png")], 5)
        .unwrap();
    let names = |i: usize| -> Vec<String> {
        found[i]
            .top
            .iter()
            .map(|s| s.class.to_lowercase())
            .collect()
    };
    let cat = names(0);
    assert!(cat.iter().any(|c| c.contains("cat")), "cat photo: {cat:?}");
    assert_eq!(cat[0], "egyptian cat", "cat photo: {cat:?}");
    let coffee = names(1);
    assert!(
        coffee
            .iter()
            .any(|c| c.contains("espresso") || c.contains("coffee")),
        "coffee photo: {coffee:?}"
    );
    // Probabilities are sorted and sane.
    let p: Vec<f32> = found[1].top.iter().map(|s| s.probability).collect();
    assert!(
        p.windows(2).all(|w| w[0] >= w[1]) && p[0] > 0.5 && p[0] <= 1.0,
        "{p:?}"
    );
}

/// A short MobileNetV2 run on tiny shapes images, saved to `path`.
fn fine_tune(transfer: TransferOptions, path: &Path) {
    let config = TrainConfig {
        data: DataSpec::Shapes { count: 20, seed: 3 },
        model: ModelKind::MobileNetV2,
        image_size: Some(32),
        batch_size: 8,
        epochs: 1,
        augment: false,
        flip: false,
        transfer,
        ..TrainConfig::default()
    };
    let job = tasks::spawn_training(config, job::no_waker());
    for event in job.events().iter() {
        match event {
            Event::Finished(_) => {
                job.send(Command::SaveCheckpoint(path.to_path_buf()));
            }
            Event::CheckpointSaved(_) => return,
            Event::Failed(m) | Event::CheckpointFailed(m) => panic!("{m}"),
            _ => {}
        }
    }
    panic!("the job ended without saving");
}

/// Every tensor of a model by name, as bytes.
fn tensors(model: &Classifier) -> BTreeMap<String, Vec<u8>> {
    model
        .collect(None, None, false)
        .into_iter()
        .map(|t| {
            let bytes = t.to_bytes().unwrap().to_vec();
            (t.name, bytes)
        })
        .collect()
}

#[test]
fn frozen_backbone_keeps_its_weights_and_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let input = InputShape {
        channels: 3,
        height: 32,
        width: 32,
    };
    let pretrained =
        Classifier::pretrained(ModelKind::MobileNetV2, input, 5, &Device::flex()).unwrap();
    let before = tensors(&pretrained);
    let changed = |path: &Path| -> (usize, usize, bool) {
        let model = checkpoint::load(path)
            .unwrap()
            .model(&Device::flex())
            .unwrap();
        let after = tensors(&model);
        let backbone: Vec<&String> = before
            .keys()
            .filter(|k| !k.contains("classifier"))
            .collect();
        let moved = backbone
            .iter()
            .filter(|k| after[**k] != before[**k])
            .count();
        let head_moved = before
            .keys()
            .filter(|k| k.contains("classifier"))
            .any(|k| after[k] != before[k]);
        (backbone.len(), moved, head_moved)
    };

    let frozen = dir.path().join("frozen.vlck");
    fine_tune(TransferOptions::default(), &frozen);
    let (backbone, moved, head_moved) = changed(&frozen);
    // 52 convolutions and 52 batch norms × 4 tensors: weights and running statistics.
    assert!(backbone >= 260, "only {backbone} backbone tensors");
    assert_eq!(moved, 0, "{moved} frozen backbone tensors changed");
    assert!(head_moved, "the new head trained");

    // The same run with the backbone trainable does move it: the check above can fail.
    let free = dir.path().join("free.vlck");
    let transfer = TransferOptions {
        freeze_backbone: false,
        ..TransferOptions::default()
    };
    fine_tune(transfer, &free);
    let (_, moved, _) = changed(&free);
    assert!(moved > 100, "only {moved} tensors trained without freezing");

    // A checkpoint whose metadata names another model is refused with a clear message.
    let ck = checkpoint::load(&frozen).unwrap();
    let model = ck.model(&Device::flex()).unwrap();
    let mut meta = ck.meta.clone();
    meta.config.model = ModelKind::ConvNet;
    let wrong = dir.path().join("wrong.vlck");
    checkpoint::save(&wrong, &meta, &model, None).unwrap();
    let err = checkpoint::load(&wrong)
        .unwrap()
        .model(&Device::flex())
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("wrong.vlck") && err.contains("ConvNet"),
        "{err}"
    );
}

#[test]
fn too_small_images_for_the_backbone_are_a_clear_error() {
    let err = tasks::train_blocking(TrainConfig {
        data: DataSpec::Shapes { count: 20, seed: 3 },
        model: ModelKind::MobileNetV2,
        image_size: Some(24),
        epochs: 1,
        ..TrainConfig::default()
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("32×32") && err.contains("image size"), "{err}");
}
