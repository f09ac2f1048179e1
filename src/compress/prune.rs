//! Global magnitude pruning: the smallest-magnitude fraction of all conv/linear weights
//! (ranked together, across layers) is set to zero. The masks are kept so a fine-tune can
//! re-apply them after every step; sparsity is always counted from the actual weights
//! ([`super::sparsity`]).

use std::collections::HashMap;

use burn::prelude::*;
use burn::tensor::TensorData;

use crate::compress::RewriteWeight;

use crate::compress::layer_weights;

use crate::compress::rewrite_layer_weights;

/// Why pruning could not run.
#[derive(Debug, thiserror::Error)]
pub enum PruneError {
    /// The sparsity is outside `0..1`.
    #[error("the sparsity must be in 0..1 (a fraction of the weights), got {0}")]
    BadSparsity(f32),
    /// The model has no conv/linear weights.
    #[error("the model has no convolution or linear weights to prune")]
    NothingToPrune,
}

/// Which weights survive: one mask (1 keep, 0 pruned) per conv/linear weight, by path.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Masks {
    masks: HashMap<String, Vec<f32>>,
    /// Weights set to zero.
    pub pruned: usize,
    /// Conv/linear weights in total.
    pub total: usize,
}

impl Masks {
    /// Computes global magnitude masks pruning `sparsity` of the conv/linear weights of
    /// `module` (exactly `round(sparsity · total)` weights; ties broken by position).
    pub fn global_magnitude<M: Module>(module: &M, sparsity: f32) -> Result<Self, PruneError> {
        if !(0.0..1.0).contains(&sparsity) {
            return Err(PruneError::BadSparsity(sparsity));
        }
        let weights = layer_weights(module);
        let total: usize = weights.iter().map(|(_, w)| w.len()).sum();
        if total == 0 {
            return Err(PruneError::NothingToPrune);
        }
        let k = ((sparsity as f64) * total as f64).round() as usize;
        // Rank every weight by magnitude: (|w|, tensor, index).
        let mut ranked: Vec<(f32, u32, u32)> = Vec::with_capacity(total);
        for (t, (_, values)) in weights.iter().enumerate() {
            for (i, v) in values.iter().enumerate() {
                ranked.push((v.abs(), t as u32, i as u32));
            }
        }
        let mut masks: Vec<Vec<f32>> = weights.iter().map(|(_, w)| vec![1.0; w.len()]).collect();
        if k > 0 {
            ranked.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0));
            for &(_, t, i) in &ranked[..k] {
                masks[t as usize][i as usize] = 0.0;
            }
        }
        Ok(Masks {
            masks: weights
                .into_iter()
                .map(|(path, _)| path)
                .zip(masks)
                .collect(),
            pruned: k,
            total,
        })
    }

    /// Multiplies each conv/linear weight by its mask. A weight that required a gradient
    /// (during fine-tuning) still does, as a fresh leaf with the same parameter id.
    pub fn apply<M: Module>(&self, module: M) -> M {
        rewrite_layer_weights(module, Apply { masks: self }).0
    }
}

struct Apply<'a> {
    masks: &'a Masks,
}

impl RewriteWeight for Apply<'_> {
    fn rewrite<const D: usize>(&mut self, path: &str, tensor: Tensor<D>) -> Tensor<D> {
        let Some(mask) = self.masks.masks.get(path) else {
            return tensor;
        };
        if mask.len() != tensor.shape().num_elements() {
            return tensor;
        }
        let require_grad = tensor.is_require_grad();
        let mask = Tensor::<D>::from_data(
            TensorData::new(mask.clone(), tensor.shape()),
            &tensor.device(),
        );
        let masked = (tensor.detach() * mask).detach();
        if require_grad {
            masked.require_grad()
        } else {
            masked
        }
    }
}

/// Prunes `sparsity` of the conv/linear weights of `module` by global magnitude; returns
/// the pruned module and its masks.
pub fn prune<M: Module>(module: M, sparsity: f32) -> Result<(M, Masks), PruneError> {
    let masks = Masks::global_magnitude(&module, sparsity)?;
    Ok((masks.apply(module), masks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compress::sparsity;
    use crate::core::protocol::ModelKind;
    use crate::models::{Classifier, InputShape};

    #[test]
    fn pruning_reaches_the_sparsity_and_keeps_large_weights() {
        let device = Device::flex();
        let input = InputShape {
            channels: 1,
            height: 16,
            width: 16,
        };
        for kind in ModelKind::ALL {
            // MobileNetV2 needs at least 32 pixels a side.
            let input = if kind == ModelKind::MobileNetV2 {
                InputShape {
                    height: 32,
                    width: 32,
                    ..input
                }
            } else {
                input
            };
            let model = Classifier::new(kind, input, 3, &device).unwrap();
            let (_, total) = sparsity(&model);
            assert!(total > 1000);
            for target in [0.0, 0.3, 0.9] {
                let (pruned, masks) = prune(model.clone(), target).unwrap();
                let (zeros, counted) = sparsity(&pruned);
                assert_eq!(counted, total);
                assert_eq!(masks.pruned, zeros, "{kind:?} at {target}");
                assert!((zeros as f32 / total as f32 - target).abs() < 1e-3);
            }
        }
        assert!(
            prune(
                Classifier::new(ModelKind::ConvNet, input, 3, &device).unwrap(),
                1.0
            )
            .is_err()
        );
    }
}
