//! Burn code generated from the ONNX graphs by burn-onnx 0.22.0's `ModelGen`, through
//! `tools/onnx-convert` (see its `main.rs` for the command). Do not edit by hand: rerun the
//! converter. The weights are `assets/weights/<name>.bpk`, read at run time.
#![allow(
    clippy::all,
    missing_docs,
    unused_imports,
    unused_variables,
    unused_mut,
    dead_code
)]

pub mod arbitrary_predict_f32;
pub mod arbitrary_transform_f32;
pub mod multistyle26;
