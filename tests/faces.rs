//! The bundled face detector (BlazeFace short-range through burn-onnx): the burn network
//! against onnxruntime on fixture tensors, the one face of the astronaut against the
//! reference found by `tests/fixtures/faces/make_fixtures.py` (onnxruntime + MediaPipe's
//! decoding written in numpy), `visionlab predict --model faces`, and bad input.

mod common;

use std::path::PathBuf;

use common::cli::{text, visionlab};
use visionlab::core::device;
use visionlab::core::protocol::{DeviceChoice, FACE_KEYPOINTS, Face};
use visionlab::tasks::detect::faces::anchors::{ANCHORS, INPUT_SIDE};
use visionlab::tasks::detect::faces::decode::COORDS;
use visionlab::tasks::detect::faces::{FaceDetector, FacesError, MIN_SCORE};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/faces").join(name)
}

fn astronaut() -> PathBuf {
    root().join("assets/images/astronaut.jpg")
}

fn detector() -> FaceDetector {
    let cpu = device::select(DeviceChoice::Cpu).unwrap();
    FaceDetector::load(&cpu.device).unwrap()
}

fn read_f32(name: &str) -> Vec<f32> {
    std::fs::read(fixture(name))
        .unwrap()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// A 128² fixture PNG as the network input (RGB planes, v / 127.5 - 1).
fn input_of(name: &str) -> Vec<f32> {
    let rgb = image::open(fixture(name)).unwrap().to_rgb8();
    assert_eq!(rgb.dimensions(), (INPUT_SIDE as u32, INPUT_SIDE as u32));
    let plane = INPUT_SIDE * INPUT_SIDE;
    let mut out = vec![0.0; 3 * plane];
    for (i, p) in rgb.pixels().enumerate() {
        for c in 0..3 {
            out[c * plane + i] = f32::from(p[c]) / 127.5 - 1.0;
        }
    }
    out
}

/// The largest difference, relative to the size of the reference value where it is
/// above 1 (the regressors reach ±150 input pixels, where f32 sums differ in the 6th
/// digit).
fn worst(got: &[f32], want: &[f32]) -> f32 {
    assert_eq!(got.len(), want.len());
    got.iter()
        .zip(want)
        .map(|(g, w)| (g - w).abs() / w.abs().max(1.0))
        .fold(0.0, f32::max)
}

#[test]
fn the_burn_network_matches_onnxruntime() {
    let net = detector();
    for (png, prefix) in [("astronaut128.png", ""), ("noise.png", "noise_")] {
        let (regressors, logits) = net.raw(input_of(png)).unwrap();
        assert_eq!(regressors.len(), ANCHORS * COORDS);
        assert_eq!(logits.len(), ANCHORS);
        let r = worst(&regressors, &read_f32(&format!("{prefix}regressors.f32")));
        let c = worst(&logits, &read_f32(&format!("{prefix}classificators.f32")));
        let absolute = |a: &[f32], b: &[f32]| {
            a.iter()
                .zip(b)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f32::max)
        };
        eprintln!(
            "{png}: worst difference: regressors {r:e} (absolute {:e}), logits {c:e}",
            absolute(&regressors, &read_f32(&format!("{prefix}regressors.f32")))
        );
        assert!(
            r < 1e-4 && c < 1e-4,
            "{png}: regressors {r:e}, logits {c:e}"
        );
    }
}

/// The faces in `tests/fixtures/faces/astronaut_faces.json`.
fn reference_faces() -> Vec<Face> {
    let text = std::fs::read_to_string(fixture("astronaut_faces.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let num = |v: &serde_json::Value| v.as_f64().unwrap() as f32;
    json["faces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let b: Vec<f32> = f["box"].as_array().unwrap().iter().map(num).collect();
            let mut keypoints = [[0.0; 2]; 6];
            for (k, p) in f["keypoints"].as_array().unwrap().iter().enumerate() {
                keypoints[k] = [num(&p[0]), num(&p[1])];
            }
            Face {
                x0: b[0],
                y0: b[1],
                x1: b[2],
                y1: b[3],
                score: num(&f["score"]),
                keypoints,
            }
        })
        .collect()
}

/// Asserts that `got`'s box and keypoints lie within `tolerance` pixels of `want`'s.
fn assert_near(got: &Face, want: &Face, tolerance: f32) {
    let near = |a: f32, b: f32| (a - b).abs() < tolerance;
    let corners = [
        (got.x0, want.x0),
        (got.y0, want.y0),
        (got.x1, want.x1),
        (got.y1, want.y1),
    ];
    for (a, b) in corners {
        assert!(near(a, b), "box {got:?} vs the reference {want:?}");
    }
    for (a, b) in got.keypoints.iter().zip(&want.keypoints) {
        assert!(
            near(a[0], b[0]) && near(a[1], b[1]),
            "keypoints {got:?} vs {want:?}"
        );
    }
    assert!((got.score - want.score).abs() < 0.05, "{got:?} vs {want:?}");
}

#[test]
fn the_astronaut_has_one_face_where_the_reference_has_it() {
    let reference = reference_faces();
    assert_eq!(reference.len(), 1);
    let (photo, faces) = detector().detect_file(&astronaut(), MIN_SCORE).unwrap();
    assert_eq!((photo.width(), photo.height()), (512, 512));
    assert_eq!(faces.len(), 1, "{faces:?}");
    let got = faces[0];
    // Rust and Python resize the photo with slightly different bilinear filters (and
    // decode the JPEG with different decoders): a few pixels of 512.
    assert_near(&got, &reference[0], 3.0);
    // The eyes are above the mouth, the person's right eye on the picture's left.
    assert!(got.keypoints[0][0] < got.keypoints[1][0]);
    assert!(got.keypoints[0][1] < got.keypoints[3][1]);
}

/// A TIFF block (little-endian) with one tag: Orientation (0x0112) = 6, "turn 90°
/// clockwise to view", as a phone held upright writes it.
const EXIF_ORIENTATION_6: [u8; 26] = [
    b'I', b'I', 42, 0, 8, 0, 0, 0, // header, first IFD at 8
    1, 0, // one entry
    0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, // Orientation, SHORT, 1 value: 6
    0, 0, 0, 0, // no next IFD
];

#[test]
fn a_phone_photo_stored_sideways_is_read_upright() {
    use image::ImageEncoder;
    // The astronaut stored turned a quarter counter-clockwise, with orientation 6: read
    // upright, the same face is found where it is in the upright file.
    let upright = image::open(astronaut()).unwrap().to_rgb8();
    let stored = image::imageops::rotate270(&upright);
    let mut bytes = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 92);
    encoder
        .set_exif_metadata(EXIF_ORIENTATION_6.to_vec())
        .unwrap();
    encoder
        .write_image(
            stored.as_raw(),
            stored.width(),
            stored.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone.jpg");
    std::fs::write(&path, bytes).unwrap();
    let (photo, faces) = detector().detect_file(&path, MIN_SCORE).unwrap();
    assert_eq!((photo.width(), photo.height()), (512, 512));
    assert_eq!(faces.len(), 1, "{faces:?}");
    // Compressed once more: a little further from the reference.
    assert_near(&faces[0], &reference_faces()[0], 4.0);
}

#[test]
fn bad_input_gives_clear_errors() {
    let net = detector();
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.jpg");
    std::fs::write(&text, "not a photo").unwrap();
    for path in [text.clone(), dir.path().join("missing.png")] {
        let err = net.detect_file(&path, MIN_SCORE).unwrap_err();
        assert!(matches!(err, FacesError::Image { .. }), "{err:?}");
        assert!(
            err.to_string()
                .contains(path.file_name().unwrap().to_str().unwrap()),
            "{err}"
        );
    }
    let err = net.raw(vec![0.0; 10]).unwrap_err();
    assert!(err.to_string().contains("3×128×128"), "{err}");
    let photo = image::open(astronaut()).unwrap();
    let err = net.detect(&photo, 1.5).unwrap_err();
    assert!(err.to_string().contains("between 0 and 1"), "{err}");
    let err = net
        .detect(&image::DynamicImage::new_rgb8(0, 0), 0.5)
        .unwrap_err();
    assert!(err.to_string().contains("no pixels"), "{err}");
}

#[test]
fn predict_with_the_face_model_prints_and_draws_the_faces() {
    let dir = tempfile::tempdir().unwrap();
    let photo = astronaut();
    let photo_s = photo.to_str().unwrap();
    let out_s = dir.path().to_str().unwrap();
    let base = [
        "predict", "--task", "detect", "--model", "faces", "--device", "cpu",
    ];
    let out = visionlab(&[&base[..], &["--out", out_s, photo_s]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("(512×512): 1 face"), "{stdout}");
    for name in FACE_KEYPOINTS {
        assert!(stdout.contains(name), "{stdout}");
    }
    let drawn = image::open(dir.path().join("astronaut_faces.png")).unwrap();
    assert_eq!((drawn.width(), drawn.height()), (512, 512));

    let out = visionlab(&[&base[..], &["--json", photo_s]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let line: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    let faces = line["faces"].as_array().unwrap();
    assert_eq!(faces.len(), 1);
    assert_eq!(faces[0]["box"].as_array().unwrap().len(), 4);
    assert!(faces[0]["keypoints"]["nose_tip"].is_array(), "{line}");

    // A file that is no image: a clear error naming it, and a failure status.
    let bad = dir.path().join("bad.png");
    std::fs::write(&bad, "nope").unwrap();
    let out = visionlab(&[&base[..], &[bad.to_str().unwrap()]].concat());
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("bad.png"),
        "{}",
        text(&out.stderr)
    );
}
