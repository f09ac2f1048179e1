//! Reflection padding of an image's rows and columns on the CPU (Flex, f32), forward and
//! gradient: ONNX's and PyTorch's `reflect` (the edge pixel is not repeated), the padding
//! before every convolution of the fast style network.
//!
//! Shapes: `x` `[B, C, H, W]`, padding `(top, bottom, left, right)` each smaller than the
//! side it extends → `[B, C, top + H + bottom, left + W + right]`.
//!
//! Algorithm: padded pixel `(py, px)` is input pixel `(r(py − top, H), r(px − left, W))` with
//! `r(i, n) = |i|` below 0 and `2(n − 1) − i` past the end; forward writes each padded row
//! once (its middle a copy of the input row), planes in parallel; the gradient adds each
//! padded pixel's gradient to that input pixel. burn's `pad` builds the output from a zeroed
//! buffer and a slice assignment per border, about five passes.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Dispatch, Flex};
use burn::prelude::*;
use burn::tensor::ops::PadMode;
use burn::tensor::{DType, Shape};
use rayon::prelude::*;

use super::{CpuKernels, min_pieces, tensor, values};

/// `x.pad(pads, PadMode::Reflect)` for `[B, C, H, W]` with `pads` per axis as `(before,
/// after)`: our kernel on the Flex device for f32 tensors padded along H and W only, by less
/// than the side they extend; burn's op everywhere else (which reports its own errors) and
/// when `VISIONLAB_KERNELS=burn`.
pub fn reflect_pad(x: Tensor<4>, pads: [(usize, usize); 4]) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    let [batch, channels, (top, bottom), (left, right)] = pads;
    let ours = super::enabled()
        && x.device().inner() == Device::flex()
        && x.dtype() == DType::F32
        && batch == (0, 0)
        && channels == (0, 0)
        && top.max(bottom) < h
        && left.max(right) < w;
    if ours {
        Tensor::from_dispatch(<Dispatch as CpuKernels>::vl_reflect_pad(
            x.into_dispatch(),
            [top, bottom, left, right],
        ))
    } else {
        x.pad(pads, PadMode::Reflect)
    }
}

/// Input index of padded index `i` (already shifted by the padding before) on a side of
/// `n`: the reflection without repeating the edge.
fn reflect(i: isize, n: usize) -> usize {
    let n = n as isize;
    let i = if i < 0 { -i } else { i };
    (if i >= n { 2 * (n - 1) - i } else { i }) as usize
}

/// The padded sizes and the padding.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    h: usize,
    w: usize,
    /// Top, bottom, left, right.
    pads: [usize; 4],
}

impl Sizes {
    fn out_h(&self) -> usize {
        self.pads[0] + self.h + self.pads[1]
    }

    fn out_w(&self) -> usize {
        self.pads[2] + self.w + self.pads[3]
    }

    /// Input column of each padded column.
    fn columns(&self) -> Vec<usize> {
        (0..self.out_w())
            .map(|px| reflect(px as isize - self.pads[2] as isize, self.w))
            .collect()
    }

    /// Input row of padded row `py`.
    fn row(&self, py: usize) -> usize {
        reflect(py as isize - self.pads[0] as isize, self.h)
    }
}

/// The forward pass on Flex: `x` `[B, C, H, W]` → padded.
pub(super) fn forward_flex(x: FlexTensor, pads: [usize; 4]) -> FlexTensor {
    let x = x.to_contiguous();
    let dims = x.layout().shape().clone();
    let [b, c, h, w] = [dims[0], dims[1], dims[2], dims[3]];
    let s = Sizes { h, w, pads };
    let (plane_in, plane_out) = (h * w, s.out_h() * s.out_w());
    let xs = values(&x);
    // Every value is written once, so the output is not zero-filled first.
    let len = b * c * plane_out;
    let mut y: Vec<f32> = Vec::with_capacity(len);
    if plane_out > 0 && plane_in > 0 {
        let columns = s.columns();
        let (left, w_out) = (pads[2], s.out_w());
        y.spare_capacity_mut()[..len]
            .par_chunks_mut(plane_out)
            .zip(xs.par_chunks(plane_in))
            .with_min_len(min_pieces(plane_out))
            .for_each(|(out, x)| {
                for (py, row) in out.chunks_exact_mut(w_out).enumerate() {
                    let src = &x[s.row(py) * w..][..w];
                    for (d, &v) in row[left..left + w].iter_mut().zip(src) {
                        d.write(v);
                    }
                    for px in (0..left).chain(left + w..w_out) {
                        row[px].write(src[columns[px]]);
                    }
                }
            });
    }
    if plane_in > 0 || len == 0 {
        // SAFETY: every plane's rows were written above (or there are no values).
        unsafe { y.set_len(len) };
    } else {
        // An empty input with a padded output is refused by the wrapper (padding < side);
        // zeros keep this total.
        y.resize(len, 0.0);
    }
    tensor(y, Shape::new([b, c, s.out_h(), s.out_w()]))
}

/// `dX` from the padded gradient `dy`: every padded pixel's gradient added to its input
/// pixel.
fn gradient(dy: &[f32], [b, c, h, w]: [usize; 4], pads: [usize; 4]) -> Vec<f32> {
    let s = Sizes { h, w, pads };
    let (plane_in, plane_out) = (h * w, s.out_h() * s.out_w());
    let mut dx = vec![0f32; b * c * plane_in];
    if plane_out > 0 && plane_in > 0 {
        let columns = s.columns();
        let (left, w_out) = (pads[2], s.out_w());
        dx.par_chunks_mut(plane_in)
            .zip(dy.par_chunks(plane_out))
            .with_min_len(min_pieces(plane_out))
            .for_each(|(dxp, dy)| {
                for (py, grad) in dy.chunks_exact(w_out).enumerate() {
                    let dst = &mut dxp[s.row(py) * w..][..w];
                    for (d, g) in dst.iter_mut().zip(&grad[left..left + w]) {
                        *d += g;
                    }
                    for px in (0..left).chain(left + w..w_out) {
                        dst[columns[px]] += grad[px];
                    }
                }
            });
    }
    dx
}

/// The forward pass under autodiff: records the input's shape for the gradient when
/// tracked.
pub(super) fn forward_autodiff<C: CheckpointStrategy>(
    x: FloatTensor<Autodiff<Flex, C>>,
    pads: [usize; 4],
) -> FloatTensor<Autodiff<Flex, C>> {
    match ReflectPadBackward
        .prepare::<C>([x.node()])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(prep) => {
            let dims = x.primitive().layout().shape().clone();
            let dims = [dims[0], dims[1], dims[2], dims[3]];
            prep.finish((dims, pads), forward_flex(x.into_primitive(), pads))
        }
        OpsKind::UnTracked(prep) => prep.finish(forward_flex(x.into_primitive(), pads)),
    }
}

/// The backward step: one parent, `x`; the state keeps its shape and the padding.
#[derive(Debug)]
struct ReflectPadBackward;

impl Backward<Flex, 1> for ReflectPadBackward {
    type State = ([usize; 4], [usize; 4]);

    fn backward(
        self,
        ops: Ops<Self::State, 1>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let dy = grads.consume::<Flex>(&ops.node).to_contiguous();
        let (dims, pads) = ops.state;
        if let [Some(node)] = ops.parents {
            let dx = gradient(values(&dy), dims, pads);
            grads.register::<Flex>(node.id, tensor(dx, Shape::new(dims)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::testing::{assert_close, output_and_input_grad, random};

    const PADS: [[usize; 4]; 4] = [[4, 4, 4, 4], [1, 1, 1, 1], [0, 2, 3, 0], [2, 0, 0, 1]];

    #[test]
    fn forward_and_gradient_match_burn() {
        let device = Device::flex().autodiff();
        for (shape, pads) in [[2, 3, 9, 7], [1, 2, 5, 6], [1, 1, 3, 4], [2, 2, 5, 5]]
            .into_iter()
            .zip(PADS)
        {
            let x = random(shape, &device);
            let spec = [(0, 0), (0, 0), (pads[0], pads[1]), (pads[2], pads[3])];
            let run = |ours: bool| {
                output_and_input_grad(&x, |x| {
                    if ours {
                        reflect_pad(x, spec)
                    } else {
                        x.pad(spec, PadMode::Reflect)
                    }
                })
            };
            let ((y, dx), (y_ref, dx_ref)) = (run(true), run(false));
            let case = format!("{shape:?} padded {pads:?}");
            assert_close(y, y_ref, "forward", &case);
            assert_close(dx, dx_ref, "dX", &case);
        }
    }

    #[test]
    fn plain_device_matches_burn_and_too_wide_padding_falls_back() {
        let device = Device::flex();
        let x = random([1, 3, 6, 5], &device);
        let spec = [(0, 0), (0, 0), (2, 3), (4, 1)];
        assert_close(
            reflect_pad(x.clone(), spec),
            x.clone().pad(spec, PadMode::Reflect),
            "forward",
            "plain device",
        );
        // Padding as wide as the side: burn's op decides (ours would read past the edge).
        let wide = [(0, 0), (0, 0), (0, 0), (5, 0)];
        let (ours, burns) = (x.clone(), x.clone());
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reflect_pad(ours, wide)));
        let reference = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            burns.pad(wide, PadMode::Reflect)
        }));
        match (result, reference) {
            (Ok(ours), Ok(reference)) => assert_close(ours, reference, "forward", "wide"),
            (Err(_), Err(_)) => {}
            _ => panic!("ours and burn's disagree on whether padding as wide as the side works"),
        }
    }
}
