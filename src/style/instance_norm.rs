//! Conditional instance normalisation, fused, for the 26-style network.
//!
//! The ONNX graph spells each of its 18 instance norms as a chain of broadcast operations
//! (`ReduceMean`, `Sub`, `Pow`, `ReduceMean`, `Add ε`, `Sqrt`, `Div`, `Mul`, then the
//! style's `Mul` scale and `Add` shift, often a `Relu`): ten passes over a feature map that
//! at 512² holds millions of values, each into a freshly allocated tensor. onnxruntime fuses
//! them; on the CPU backend this module does the same — two reads and one write of the
//! map. `tools/onnx-convert` puts a call to [`conditional_instance_norm`] in place of each
//! chain in the generated code. Elsewhere (a GPU, whose fusion compiler already merges the
//! chain, or a device that tracks gradients) the same chain of tensor operations runs.

use burn::prelude::*;
use burn::tensor::{DType, TensorData};
use rayon::prelude::*;

use crate::kernels::sums::lane_sum;

/// `relu?((x − mean) · numerator / √(var + ε) · scale + shift)` per (image, channel) plane,
/// mean and (biased) variance over the plane.
///
/// Shapes: `x` `[b, c, h, w]`; `eps` and `numerator` `[1]` (the graph's constants);
/// `scale` and `shift` `[1, c, 1, 1]` (the blended style's parameters). Returns `[b, c, h, w]`.
pub fn conditional_instance_norm(
    x: Tensor<4>,
    eps: Tensor<1>,
    numerator: Tensor<1>,
    scale: Tensor<4>,
    shift: Tensor<4>,
    relu: bool,
) -> Tensor<4> {
    let norm = Norm {
        eps,
        numerator,
        scale,
        shift,
        relu,
    };
    let device = x.device();
    let [_, channels, _, _] = x.dims();
    let fusable = device == Device::flex()
        && !device.is_autodiff()
        && x.dtype() == DType::F32
        && norm.scale.dims() == [1, channels, 1, 1]
        && norm.shift.dims() == [1, channels, 1, 1];
    if fusable {
        norm.fused(x)
    } else {
        norm.chain(x)
    }
}

/// One normalisation's constants, as tensors.
struct Norm {
    eps: Tensor<1>,
    numerator: Tensor<1>,
    scale: Tensor<4>,
    shift: Tensor<4>,
    relu: bool,
}

impl Norm {
    /// The graph's own chain of operations (what burn-onnx generates), for devices where
    /// the fused loop does not apply.
    fn chain(self, x: Tensor<4>) -> Tensor<4> {
        let mean = x.clone().mean_dim(2).mean_dim(3); // [b, c, 1, 1]
        let centred = x.sub(mean);
        let var = centred.clone().square().mean_dim(2).mean_dim(3); // [b, c, 1, 1]
        let inv = self
            .numerator
            .unsqueeze_dims::<4>(&[0, 1, 2])
            .div(var.add(self.eps.unsqueeze_dims::<4>(&[0, 1, 2])).sqrt());
        let y = centred.mul(inv).mul(self.scale).add(self.shift);
        if self.relu {
            burn::tensor::activation::relu(y)
        } else {
            y
        }
    }

    /// One loop over the f32 values on the CPU (the chain if a value cannot be read as f32).
    fn fused(self, x: Tensor<4>) -> Tensor<4> {
        let device = x.device();
        let dims = x.dims();
        let data = x.into_data();
        let read = |t: Tensor<1>| t.into_data().try_to_vec::<f32>().ok();
        let out = (|| {
            let affine = Affine {
                eps: *read(self.eps.clone())?.first()?,
                numerator: *read(self.numerator.clone())?.first()?,
                scale: &read(self.scale.clone().flatten(0, 3))?,
                shift: &read(self.shift.clone().flatten(0, 3))?,
                relu: self.relu,
            };
            Some(normalise_planes(data.as_slice::<f32>().ok()?, dims, affine))
        })();
        match out {
            Some(out) => Tensor::from_data(TensorData::new(out, dims), &device),
            None => self.chain(Tensor::from_data(data, &device)),
        }
    }
}

/// The per-channel constants of one normalisation, read.
struct Affine<'a> {
    eps: f32,
    numerator: f32,
    scale: &'a [f32],
    shift: &'a [f32],
    relu: bool,
}

/// Normalises each `h·w` plane of `values` (`[b, c, h, w]` row-major) into a new buffer,
/// planes in parallel.
fn normalise_planes(
    values: &[f32],
    [_, channels, height, width]: [usize; 4],
    affine: Affine<'_>,
) -> Vec<f32> {
    let plane = height * width;
    let mut out = vec![0f32; values.len()];
    if plane == 0 {
        return out;
    }
    out.par_chunks_mut(plane)
        .zip(values.par_chunks(plane))
        .enumerate()
        .for_each(|(index, (out, x))| {
            let channel = index % channels;
            let n = x.len() as f64;
            let mean = (lane_sum(x, |v| v) / n) as f32;
            let var = (lane_sum(x, |v| (v - mean) * (v - mean)) / n) as f32;
            let k = affine.numerator / (var + affine.eps).sqrt() * affine.scale[channel];
            let b = affine.shift[channel] - mean * k;
            if affine.relu {
                for (o, &v) in out.iter_mut().zip(x) {
                    *o = (v * k + b).max(0.0);
                }
            } else {
                for (o, &v) in out.iter_mut().zip(x) {
                    *o = v * k + b;
                }
            }
        });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Distribution;

    /// The fused loop and the graph's chain agree, with and without the ReLU, over two
    /// images whose planes have different means and spreads.
    #[test]
    fn fused_matches_the_chain() {
        let device = Device::flex();
        let x = Tensor::<4>::random([2, 3, 17, 23], Distribution::Normal(0.5, 2.0), &device)
            .mul(Tensor::<1>::from_floats([1.0, 10.0, 0.1], &device).reshape([1, 3, 1, 1]));
        let eps = Tensor::<1>::from_floats([1e-5], &device);
        let one = Tensor::<1>::from_floats([1.0], &device);
        let scale = Tensor::<1>::from_floats([0.5, -2.0, 3.0], &device).reshape([1, 3, 1, 1]);
        let shift = Tensor::<1>::from_floats([0.1, 0.2, -0.3], &device).reshape([1, 3, 1, 1]);
        for relu in [false, true] {
            let fused = conditional_instance_norm(
                x.clone(),
                eps.clone(),
                one.clone(),
                scale.clone(),
                shift.clone(),
                relu,
            );
            let reference = Norm {
                eps: eps.clone(),
                numerator: one.clone(),
                scale: scale.clone(),
                shift: shift.clone(),
                relu,
            }
            .chain(x.clone());
            assert_eq!(fused.dims(), [2, 3, 17, 23]);
            let fused = fused.into_data().try_to_vec::<f32>().unwrap();
            let reference = reference.into_data().try_to_vec::<f32>().unwrap();
            let worst = fused
                .iter()
                .zip(&reference)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(worst < 1e-4, "relu {relu}: largest difference {worst}");
            if relu {
                assert!(fused.iter().all(|&v| v >= 0.0));
                assert!(fused.contains(&0.0));
            } else {
                assert!(fused.iter().any(|&v| v < 0.0));
            }
        }
    }

    /// Each normalised plane has mean `shift` and standard deviation `|scale|`.
    #[test]
    fn planes_come_out_with_the_style_statistics() {
        let values: Vec<f32> = (0..2 * 64)
            .map(|i| (i as f32 * 0.37).sin() * 5.0 + 3.0)
            .collect();
        let out = normalise_planes(
            &values,
            [1, 2, 8, 8],
            Affine {
                eps: 0.0,
                numerator: 1.0,
                scale: &[2.0, 0.5],
                shift: &[1.0, -1.0],
                relu: false,
            },
        );
        for (plane, (scale, shift)) in out.chunks(64).zip([(2.0f64, 1.0f64), (0.5, -1.0)]) {
            let mean = plane.iter().map(|&v| f64::from(v)).sum::<f64>() / 64.0;
            let var = plane
                .iter()
                .map(|&v| (f64::from(v) - mean).powi(2))
                .sum::<f64>()
                / 64.0;
            assert!((mean - shift).abs() < 1e-4, "mean {mean}");
            assert!((var.sqrt() - scale).abs() < 1e-4, "std {}", var.sqrt());
        }
    }
}
