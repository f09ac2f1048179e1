//! Post-training int8 quantization of conv/linear weights with burn's quantization
//! (symmetric `Q8S`, min–max calibration, one f32 scale per tensor or per block).
//!
//! burn 0.22 quantizes a module's *weights* (`Quantizer` / `Tensor::quantize`); activations
//! stay f32, so no activation statistics are involved — the calibration range of each
//! weight tensor is its own min–max. Biases and normalisation parameters stay f32. The
//! quantized record is written by burn's own burnpack format (int8 values + scales) and
//! loads back into a model as quantized tensors; on the flex backend the forward pass
//! dequantizes them on the fly.

use burn::prelude::*;
use burn::tensor::quantization::{
    Calibration, QuantScheme, QuantStore, QuantValue, ScaleDtype, compute_q_params, compute_range,
};

use crate::compress::RewriteWeight;

use crate::compress::rewrite_layer_weights;

/// Largest block of weights sharing one scale in per-block mode.
pub const MAX_BLOCK: usize = 32;

/// Smallest block worth a scale of its own; a tensor whose last dimension has no divisor
/// in `MIN_BLOCK..=MAX_BLOCK` gets one scale for the whole tensor.
pub const MIN_BLOCK: usize = 4;

/// The block size used for a tensor whose last dimension is `last`: the largest divisor of
/// `last` in `MIN_BLOCK..=MAX_BLOCK` (burn needs blocks that tile the tensor exactly).
pub fn block_size(last: usize) -> Option<usize> {
    (MIN_BLOCK..=MAX_BLOCK.min(last))
        .rev()
        .find(|b| last.is_multiple_of(*b))
}

/// The scheme for a tensor of shape `dims`.
pub fn scheme_for(dims: &[usize], per_block: bool) -> QuantScheme {
    let base = QuantScheme::default()
        .with_value(QuantValue::Q8S)
        .with_store(QuantStore::Native);
    match dims.last().copied().and_then(block_size) {
        Some(block) if per_block => base.per_block([block as u8], ScaleDtype::F32),
        _ => base.per_tensor(ScaleDtype::F32),
    }
}

struct Int8 {
    per_block: bool,
    quantized: usize,
}

impl RewriteWeight for Int8 {
    fn rewrite<const D: usize>(&mut self, _path: &str, tensor: Tensor<D>) -> Tensor<D> {
        let scheme = scheme_for(&tensor.dims(), self.per_block);
        let range = compute_range(&scheme, &tensor, &Calibration::MinMax);
        let qparams = compute_q_params(&scheme, range);
        self.quantized += 1;
        tensor.quantize(&scheme, qparams)
    }
}

/// Quantizes the conv/linear weights of `module` to int8; returns it and how many tensors
/// were quantized.
pub fn quantize_int8<M: Module>(module: M, per_block: bool) -> (M, usize) {
    let (module, done) = rewrite_layer_weights(
        module,
        Int8 {
            per_block,
            quantized: 0,
        },
    );
    (module, done.quantized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_tile_the_last_dimension() {
        assert_eq!(block_size(120), Some(30));
        assert_eq!(block_size(5), Some(5));
        assert_eq!(block_size(84), Some(28));
        assert_eq!(block_size(3), None);
        assert_eq!(block_size(37), None);
        assert_eq!(
            scheme_for(&[6, 3, 5, 5], true)
                .block_size()
                .map(|b| b.to_vec()),
            Some(vec![5])
        );
        assert!(scheme_for(&[6, 3], true).block_size().is_none());
    }
}
