//! Burn code generated from MediaPipe's BlazeFace short-range ONNX graph by burn-onnx
//! 0.22.0's `ModelGen`, through `tools/onnx-convert` (see its `main.rs` for the command). Do
//! not edit by hand: rerun the converter. The weights are
//! `assets/weights/face_detection_short_range.bpk`, read at run time.
#![allow(
    clippy::all,
    missing_docs,
    unused_imports,
    unused_variables,
    unused_mut,
    dead_code
)]

pub mod face_detection_short_range;
