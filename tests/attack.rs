//! Adversarial examples on a trained model: FGSM lowers accuracy as ε grows and leaves it
//! unchanged at ε = 0; adversarial pixels stay within ε and inside [0, 1]; PGD is at least
//! as strong as FGSM; targeted attacks reach their target; the CLI prints accuracy per ε.

mod common;

use std::process::Command;
use std::sync::Arc;
use std::sync::mpsc;
use visionlab::core::job;
use visionlab::tasks::classify::train as classify_train;

use visionlab::attack::robustness::{self, curve};
use visionlab::attack::{Attacker, Pixels};
use visionlab::core::device;
use visionlab::core::job::Outbox;
use visionlab::core::protocol::{
    AttackMethod, AttackSettings, DeviceChoice, Event, FinishReason, LabEvent, RobustnessConfig,
};
use visionlab::data::LabeledImage;
use visionlab::tasks::classify::{self, Trained};

fn setup() -> (Trained, Attacker, Vec<LabeledImage>) {
    let selected = device::select(DeviceChoice::Cpu).unwrap();
    let trained = Trained::load(&common::trained_model(), &selected).unwrap();
    let meta = &trained.checkpoint.meta;
    let (tx, _rx) = mpsc::channel();
    let set =
        classify::load_split_for(meta, &common::data(), &Outbox::new(tx, job::no_waker())).unwrap();
    assert_eq!(set.val.len(), 600);
    // 200 validation images, all classes, keep the test quick.
    let val = robustness::subset(set.val, Some(200));
    let attacker = Attacker::for_trained(&trained);
    (trained, attacker, val)
}

fn accuracy_points(
    attacker: &Attacker,
    items: &[LabeledImage],
    method: AttackMethod,
    epsilons: &[f32],
) -> Vec<f32> {
    let curve = curve(
        attacker,
        items,
        &[method],
        epsilons,
        10,
        None,
        100,
        |_| {},
        |_, _| true,
    )
    .unwrap();
    assert!(curve.completed);
    curve.points.iter().map(|p| p.accuracy).collect()
}

#[test]
fn fgsm_lowers_accuracy_as_eps_grows_and_eps_zero_changes_nothing() {
    let (trained, attacker, val) = setup();
    let meta = &trained.checkpoint.meta;
    let (clean, _) = classify_train::evaluate(
        &trained.model,
        &Arc::new(val.clone()),
        &meta.normalization,
        meta.classes.len(),
        64,
        &trained.device,
    )
    .unwrap();
    // Five classes: chance is 20 %; the small test model reaches about 50 %, and how far
    // exactly depends on the machine's float rounding (CI's CPU got 47 %, this one 50 %).
    assert!(
        clean.accuracy() > 0.35,
        "the test model learned: {}",
        clean.accuracy()
    );

    // Up to ε = 4 % of the pixel range: beyond it FGSM's single big step overshoots and
    // the accuracy of the noisy images drifts back towards chance (20 %).
    let epsilons = [0.0, 0.0025, 0.005, 0.01, 0.02, 0.04];
    let acc = accuracy_points(&attacker, &val, AttackMethod::Fgsm, &epsilons);
    eprintln!(
        "clean {} · FGSM accuracy per ε {epsilons:?}: {acc:?}",
        clean.accuracy()
    );
    assert_eq!(
        acc[0],
        clean.accuracy(),
        "ε = 0 leaves the accuracy unchanged"
    );
    // Monotone while the model still beats half of chance; below that FGSM's single step
    // overshoots on a few images and the accuracy wobbles by an image or three (CI once saw
    // 4.5 % at ε = 0.02 and 6 % at ε = 0.04), which says nothing about the attack.
    let broken = 0.1;
    for pair in acc.windows(2) {
        assert!(
            pair[1] <= pair[0].max(broken) + 0.01,
            "accuracy per ε {acc:?} should not rise"
        );
    }
    assert!(acc[5] < acc[0] / 2.0, "ε = 0.04 breaks the model: {acc:?}");

    // ε = 0 returns the very same pixels.
    let pixels = Pixels::from_images(val.iter().take(8).map(|i| &i.image), attacker.input());
    let labels: Vec<usize> = val.iter().take(8).map(|i| i.label).collect();
    for method in AttackMethod::ALL {
        let settings = AttackSettings {
            method,
            eps: 0.0,
            ..AttackSettings::default()
        };
        assert_eq!(
            attacker.attack(&pixels, &labels, &settings).unwrap(),
            pixels
        );
    }
}

#[test]
fn adversarial_pixels_stay_within_eps_and_in_range() {
    let (_, attacker, val) = setup();
    let items = &val[..32];
    let pixels = Pixels::from_images(items.iter().map(|i| &i.image), attacker.input());
    let labels: Vec<usize> = items.iter().map(|i| i.label).collect();
    for method in AttackMethod::ALL {
        for target in [None, Some(1)] {
            for eps in [0.01, 0.1] {
                let settings = AttackSettings {
                    method,
                    eps,
                    steps: 5,
                    step_size: None,
                    target,
                };
                let adv = attacker.attack(&pixels, &labels, &settings).unwrap();
                let mut largest = 0f32;
                for (a, o) in adv.values.iter().zip(&pixels.values) {
                    assert!((0.0..=1.0).contains(a), "{a} left [0, 1]");
                    largest = largest.max((a - o).abs());
                }
                assert!(
                    largest <= eps + 1e-6,
                    "{method:?}: moved {largest} > ε {eps}"
                );
                assert!(largest > eps * 0.5, "{method:?} at ε {eps} barely moved");
                // The 8-bit images (what is shown and saved) stay within ε too.
                for (i, item) in items.iter().enumerate() {
                    let image = adv.to_image(i, Some(&pixels));
                    for (a, o) in image.pixels.iter().zip(&item.image.pixels) {
                        assert!(f32::from(a.abs_diff(*o)) / 255.0 <= eps + 1e-6);
                    }
                }
            }
        }
    }
}

#[test]
fn pgd_is_at_least_as_strong_as_fgsm_and_targets_hit() {
    let (_, attacker, val) = setup();
    let epsilons = [0.02, 0.05, 0.1];
    let fgsm = accuracy_points(&attacker, &val, AttackMethod::Fgsm, &epsilons);
    let pgd = accuracy_points(&attacker, &val, AttackMethod::Pgd, &epsilons);
    for ((e, f), p) in epsilons.iter().zip(&fgsm).zip(&pgd) {
        assert!(p <= f, "at ε {e}: PGD accuracy {p} > FGSM accuracy {f}");
    }
    assert!(
        pgd[2] < fgsm[2] || pgd[2] == 0.0,
        "PGD is stronger at ε 0.1: {pgd:?} vs {fgsm:?}"
    );

    // A targeted PGD attack moves most images that are not of the target class into it.
    let target = 2;
    let items: Vec<&LabeledImage> = val.iter().filter(|i| i.label != target).take(40).collect();
    let pixels = Pixels::from_images(items.iter().map(|i| &i.image), attacker.input());
    let labels: Vec<usize> = items.iter().map(|i| i.label).collect();
    let settings = AttackSettings {
        method: AttackMethod::Pgd,
        eps: 0.15,
        steps: 20,
        step_size: None,
        target: Some(target),
    };
    let adv = attacker.attack(&pixels, &labels, &settings).unwrap();
    let hits = attacker
        .predict(&adv)
        .unwrap()
        .iter()
        .filter(|&&p| p == target)
        .count();
    let before = attacker
        .predict(&pixels)
        .unwrap()
        .iter()
        .filter(|&&p| p == target)
        .count();
    assert!(
        hits > items.len() / 2 && hits > before,
        "{hits}/{} hit the target",
        items.len()
    );
}

#[test]
fn robustness_job_streams_points_and_can_be_stopped() {
    let config = RobustnessConfig {
        model: common::trained_model(),
        data: common::data(),
        methods: AttackMethod::ALL.to_vec(),
        epsilons: vec![0.0, 0.05],
        steps: 3,
        step_size: None,
        max_images: Some(60),
        batch_size: 20,
        device: DeviceChoice::Cpu,
    };
    let job = robustness::spawn(config.clone(), job::no_waker());
    let mut points = Vec::new();
    let mut progress = 0;
    for event in job.events().iter() {
        match event {
            Event::Lab(LabEvent::Robustness(p)) => points.push(p),
            Event::Lab(LabEvent::Progress { done, total }) => {
                assert_eq!(total, 12);
                progress = done;
            }
            Event::Finished(reason) => {
                assert_eq!(reason, FinishReason::Completed);
                break;
            }
            Event::Failed(message) => panic!("{message}"),
            _ => {}
        }
    }
    assert_eq!(progress, 12);
    assert_eq!(points.len(), 4);
    assert!(points.iter().all(|p| p.images == 60));
    assert_eq!(
        points[0].accuracy, points[1].accuracy,
        "ε = 0 is the same for both"
    );

    // Stop right away: the job ends as stopped with fewer points.
    let job = robustness::spawn(config, job::no_waker());
    job.send(visionlab::core::protocol::Command::Stop);
    let mut stopped = None;
    let mut count = 0;
    for event in job.events().iter() {
        match event {
            Event::Lab(LabEvent::Robustness(_)) => count += 1,
            Event::Finished(reason) => {
                stopped = Some(reason);
                break;
            }
            Event::Failed(message) => panic!("{message}"),
            _ => {}
        }
    }
    assert_eq!(stopped, Some(FinishReason::Stopped));
    assert!(count < 4);
}

#[test]
fn cli_prints_accuracy_per_eps() {
    let model = common::trained_model();
    let out = Command::new(env!("CARGO_BIN_EXE_visionlab"))
        // Runs the binary keeps go to a scratch folder, not the user's data folder.
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .args(["attack", "--model"])
        .arg(&model)
        .args([
            "--data",
            "shapes",
            "--method",
            "fgsm",
            "--eps",
            "0,0.1",
            "--max-images",
            "50",
            "--device",
            "cpu",
            "--json",
        ])
        .env("BURN_DEVICE", "flex")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["method"], "fgsm");
    assert_eq!(
        lines[1]["eps"].as_f64().map(|e| (e - 0.1).abs() < 1e-6),
        Some(true)
    );
    let acc: Vec<f64> = lines
        .iter()
        .map(|l| l["accuracy"].as_f64().unwrap())
        .collect();
    assert!(acc[1] < acc[0], "{acc:?}");

    let bad = Command::new(env!("CARGO_BIN_EXE_visionlab"))
        // Runs the binary keeps go to a scratch folder, not the user's data folder.
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .args(["attack", "--model"])
        .arg(&model)
        .args(["--data", "shapes", "--eps", "3"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("outside 0..1"));
}
