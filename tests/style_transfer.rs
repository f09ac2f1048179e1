//! Neural style transfer: the losses against hand-computed values, the feed-forward
//! networks against onnxruntime's outputs (tests/fixtures/style, made by
//! make_fixtures.py), optimisation lowering the loss, export, the CLI and bad input.
//!
//! That the pretrained MobileNetV2 (whose features the optimisation uses) classifies the
//! bundled photos is tested in tests/transfer_learning.rs.

use std::path::{Path, PathBuf};
use std::process::Command;

use burn::prelude::*;
use burn::tensor::TensorData;
use image::RgbImage;

use visionlab::core::assets;
use visionlab::core::protocol::{
    DeviceChoice, Event, PixelOptimizer, StyleEvent, StyleInit, StyleMethod, StyleRequest,
};
use visionlab::models::mobilenet_v2::WEIGHTS_ASSET;
use visionlab::style::arbitrary::ArbitraryStyle;
use visionlab::style::fast::{FastStyle, STYLES, style_weights};
use visionlab::style::losses::{gram, mse, total_variation};
use visionlab::style::optimize::{FeatureNet, Objective, Optimization};
use visionlab::style::{job, picture};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/style")
        .join(name)
}

fn sample(name: &str) -> PathBuf {
    assets::find(&format!("images/{name}")).expect("bundled image")
}

/// A raw little-endian f32 fixture.
fn floats(name: &str) -> Vec<f32> {
    std::fs::read(fixture(name))
        .expect("fixture")
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_to_vec_as::<f32>().expect("f32 data")
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

fn tensor<const D: usize>(values: Vec<f32>, shape: [usize; D]) -> Tensor<D> {
    Tensor::from_data(TensorData::new(values, shape), &Device::flex())
}

#[test]
fn gram_matrix_matches_hand_computed_values() {
    // Channel 0 = 1 2 3 4, channel 1 = 0 1 0 1 (2×2 each):
    // F·Fᵀ = [[30, 6], [6, 2]], divided by c·h·w = 8.
    let f = tensor(vec![1.0, 2.0, 3.0, 4.0, 0.0, 1.0, 0.0, 1.0], [1, 2, 2, 2]);
    let g = gram(f);
    assert_eq!(g.dims(), [1, 2, 2]);
    assert_eq!(values(g), vec![3.75, 0.75, 0.75, 0.25]);
}

#[test]
fn total_variation_matches_hand_computed_values() {
    // 1 2 4      horizontal |2-1| + |4-2| + |3-0| + |3-3| = 6
    // 0 3 3      vertical   |0-1| + |3-2| + |3-4|         = 3
    let x = tensor(vec![1.0, 2.0, 4.0, 0.0, 3.0, 3.0], [1, 1, 2, 3]);
    assert_eq!(values(total_variation(x)), vec![9.0]);
    // A constant image has none; a single pixel too.
    assert_eq!(
        values(total_variation(tensor(vec![5.0; 12], [1, 3, 2, 2]))),
        vec![0.0]
    );
    assert_eq!(
        values(total_variation(tensor(vec![5.0], [1, 1, 1, 1]))),
        vec![0.0]
    );
    // mse: mean of (1, 4) = 2.5
    assert_eq!(
        values(mse(
            tensor(vec![1.0, 2.0], [2]),
            tensor(vec![0.0, 0.0], [2])
        )),
        vec![2.5]
    );
}

fn png(name: &str) -> RgbImage {
    picture::read(&fixture(name)).expect("fixture image")
}

#[test]
fn fast_network_matches_onnxruntime() {
    let device = Device::flex();
    let net = FastStyle::load(&device).expect("bundled weights");
    let x = picture::to_tensor(&png("content64.png"), &device);
    for (builtin, reference) in [
        (vec![(5, 1.0)], "fast_style5.f32"),
        (vec![(3, 0.5), (12, 0.5)], "fast_blend.f32"),
    ] {
        let weights: [f32; STYLES] = style_weights(&builtin).unwrap();
        let y = net.forward(x.clone(), &weights);
        assert_eq!(y.dims(), [1, 3, 64, 64]);
        let diff = max_abs_diff(&values(y), &floats(reference));
        assert!(
            diff < 1e-3,
            "{reference}: max |burn − onnxruntime| = {diff}"
        );
    }
}

/// The image enlarged `k` times by repeating pixels (as numpy's `repeat` does).
fn repeat(image: &RgbImage, k: u32) -> RgbImage {
    RgbImage::from_fn(image.width() * k, image.height() * k, |x, y| {
        *image.get_pixel(x / k, y / k)
    })
}

#[test]
fn arbitrary_networks_match_onnxruntime() {
    let device = Device::flex();
    let net = ArbitraryStyle::load(&device).expect("bundled weights");
    let style = picture::to_tensor_nhwc(&repeat(&png("style64.png"), 4), &device);
    let vector = net.predict(style);
    assert_eq!(vector.dims(), [1, 1, 1, 100]);
    let reference = floats("arbitrary_vector.f32");
    let diff = max_abs_diff(&values(vector.clone()), &reference);
    assert!(diff < 1e-3, "style vector: max diff {diff}");

    let content = picture::to_tensor_nhwc(&repeat(&png("content64.png"), 6), &device);
    let y = net.transform(content, tensor(reference, [1, 1, 1, 100]));
    assert_eq!(y.dims(), [1, 384, 384, 3]);
    let all = values(y);
    let strided: Vec<f32> = (0..48)
        .flat_map(|r| (0..48).map(move |c| (r, c)))
        .flat_map(|(r, c)| {
            let i = ((r * 8) * 384 + c * 8) * 3;
            all[i..i + 3].to_vec()
        })
        .collect();
    let diff = max_abs_diff(&strided, &floats("arbitrary_transform_s8.f32"));
    assert!(diff < 2e-3, "transform: max diff {diff}");
}

fn objective() -> Objective {
    Objective {
        content_layer: 7,
        style_layers: vec![2, 4, 7],
        content_weight: 1.0,
        style_weight: 1e4,
        tv_weight: 1e-5,
    }
}

#[test]
fn optimisation_lowers_the_total_loss() {
    let device = Device::flex();
    let net = FeatureNet::load(&assets::find(WEIGHTS_ASSET).unwrap(), &device).unwrap();
    let content = picture::to_tensor(&png("content64.png"), &device);
    let style = picture::to_tensor(&png("style64.png"), &device);
    for (optimizer, lr, init) in [
        (PixelOptimizer::Adam, 0.03, StyleInit::Content),
        (PixelOptimizer::Lbfgs, 1.0, StyleInit::Content),
        (PixelOptimizer::Adam, 0.03, StyleInit::Noise),
    ] {
        let mut run = Optimization::new(
            &net,
            content.clone(),
            style.clone(),
            objective(),
            init,
            1,
            optimizer,
            lr,
        )
        .unwrap();
        let first = run.step(&net).unwrap();
        let mut last = first;
        for _ in 0..12 {
            last = run.step(&net).unwrap();
        }
        assert!(
            last.total() < 0.8 * first.total(),
            "{optimizer:?} from {init:?}: {first:?} → {last:?}"
        );
        // Starting from the content, only the style can have a loss at first.
        if init == StyleInit::Content {
            assert!(first.content.abs() < 1e-6, "{first:?}");
        }
    }
}

#[test]
fn noise_initialisation_is_seedable() {
    use visionlab::style::optimize::noise;
    let device = Device::flex();
    let a = values(noise([1, 3, 4, 4], 7, &device));
    assert_eq!(a, values(noise([1, 3, 4, 4], 7, &device)));
    assert_ne!(a, values(noise([1, 3, 4, 4], 8, &device)));
    assert!(a.iter().all(|v| (0.0..1.0).contains(v)));
}

fn request(method: StyleMethod) -> StyleRequest {
    StyleRequest {
        content: sample("chelsea.png"),
        style: Some(sample("flower.jpg")),
        method,
        builtin: vec![(7, 1.0)],
        size: 48,
        iterations: 6,
        style_layers: vec![2, 4],
        content_layer: 4,
        preview_every: 2,
        device: DeviceChoice::Cpu,
        ..StyleRequest::default()
    }
}

#[test]
fn job_sends_previews_and_the_exported_png_is_the_result() {
    let mut previews = 0;
    let mut progress = Vec::new();
    let mut device = None;
    let image = job::stylize_blocking(request(StyleMethod::Optimize), |event| match event {
        Event::Style(StyleEvent::Preview(p)) => {
            assert_eq!((p.width, p.height), (48, 32));
            previews += 1;
        }
        Event::Style(StyleEvent::Progress { done, .. }) => progress.push(*done),
        Event::Device(d) => device = Some(d.clone()),
        _ => {}
    })
    .unwrap();
    assert_eq!((image.width, image.height), (48, 32)); // chelsea is 451×300
    assert_eq!(progress, (1..=6).collect::<Vec<_>>());
    assert_eq!(previews, 2, "previews at iterations 2 and 4");
    assert!(device.unwrap().starts_with("CPU"));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.png");
    picture::export(&path, &image).unwrap();
    let decoded = image::open(&path).unwrap().to_rgba8();
    assert_eq!(decoded.dimensions(), (48, 32));
    assert_eq!(
        decoded.into_raw(),
        image.pixels,
        "the PNG holds exactly the result"
    );
    // Atomic: nothing else is left in the folder.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    let jpeg = dir.path().join("out.jpg");
    picture::export(&jpeg, &image).unwrap();
    assert_eq!(image::open(&jpeg).unwrap().width(), 48);
}

#[test]
fn fast_and_arbitrary_jobs_keep_colours_on_request() {
    for method in [StyleMethod::Fast, StyleMethod::Arbitrary] {
        let plain = job::stylize_blocking(request(method), |_| {}).unwrap();
        let kept = job::stylize_blocking(
            StyleRequest {
                keep_colors: true,
                ..request(method)
            },
            |_| {},
        )
        .unwrap();
        assert_eq!((plain.width, plain.height), (48, 32));
        assert_eq!((kept.width, kept.height), (48, 32));
        assert_ne!(plain.pixels, kept.pixels, "{method:?}");
    }
}

#[test]
fn bad_input_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let corrupt = dir.path().join("corrupt.png");
    std::fs::write(&corrupt, b"\x89PNG\r\n\x1a\nthis is not really a png").unwrap();
    let cases = [
        (
            StyleRequest {
                content: corrupt.clone(),
                ..request(StyleMethod::Fast)
            },
            "corrupt.png",
        ),
        (
            StyleRequest {
                content: dir.path().join("missing.png"),
                ..request(StyleMethod::Fast)
            },
            "missing.png",
        ),
        (
            StyleRequest {
                builtin: vec![(26, 1.0)],
                ..request(StyleMethod::Fast)
            },
            "0 to 25",
        ),
        (
            StyleRequest {
                size: 0,
                ..request(StyleMethod::Fast)
            },
            "at least 1 pixel",
        ),
        (
            StyleRequest {
                size: 1_000_000,
                ..request(StyleMethod::Fast)
            },
            "beyond the limit",
        ),
        (
            StyleRequest {
                style: None,
                ..request(StyleMethod::Arbitrary)
            },
            "needs a style image",
        ),
    ];
    for (request, expected) in cases {
        let err = job::stylize_blocking(request, |_| {})
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "expected {expected:?} in {err:?}");
        assert!(!err.contains("crashed"), "{err}");
    }
}

#[test]
fn size_is_capped_at_the_image_size() {
    let mut logs = Vec::new();
    let image = job::stylize_blocking(
        StyleRequest {
            size: 5000,
            content: fixture("content64.png"),
            ..request(StyleMethod::Fast)
        },
        |event| {
            if let Event::Log(line) = event {
                logs.push(line.clone());
            }
        },
    )
    .unwrap();
    assert_eq!((image.width, image.height), (64, 64));
    assert!(logs.iter().any(|l| l.contains("capped")), "{logs:?}");
}

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_visionlab"))
        // Runs the binary keeps go to a scratch folder, not the user's data folder.
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .args(args)
        .output()
        .expect("run visionlab")
}

#[test]
fn cli_stylizes_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cat.png");
    let content = sample("chelsea.png");
    let content = content.to_str().unwrap();
    let done = cli(&[
        "stylize",
        "--content",
        content,
        "--builtin",
        "3:0.5,12:0.5",
        "--size",
        "40",
        "--device",
        "cpu",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(image::image_dimensions(&out).unwrap(), (40, 27));

    let style = sample("brick.png");
    let done = cli(&[
        "stylize",
        "--content",
        content,
        "--style",
        style.to_str().unwrap(),
        "--method",
        "optimize",
        "--iters",
        "2",
        "--size",
        "40",
        "--keep-colors",
        "--device",
        "cpu",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );

    for (args, expected) in [
        (vec!["--builtin", "30"], "0 to 25"),
        (vec!["--builtin", "x"], "cannot read the built-in style"),
        (vec!["--builtin", "1", "--size", "0"], "at least 1 pixel"),
        (vec!["--method", "fast"], "needs --builtin"),
    ] {
        let mut all = vec!["stylize", "--content", content, "--out", "/tmp/never.png"];
        all.extend(args);
        let failed = cli(&all);
        let stderr = String::from_utf8_lossy(&failed.stderr);
        assert!(!failed.status.success());
        assert!(stderr.contains(expected), "{all:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
