//! 2D max pooling on the CPU (Flex, f32), forward and gradient.
//!
//! Shapes: `x` `[B, C, H, W]` → `[B, C, OH, OW]` with `OH = (H + pad_top + pad_bottom −
//! dh·(kh − 1) − 1) / sh + 1` (floor mode; `OW` likewise); any kernel, stride, padding (per
//! side, padded pixels are −∞) and dilation.
//!
//! Algorithm: one `(b, c)` plane per task. The forward pass takes the maximum over each
//! window's taps that fall inside the image (the first one wins a tie, as burn's and
//! PyTorch's ops) and, when a gradient will be needed, remembers the winner as a `u32`
//! offset inside its plane — 4 bytes per output instead of burn's `i64` index tensor, and no
//! index tensor at all when nothing is tracked. The backward pass adds each output's
//! gradient to its winner, plane by plane (windows may overlap, planes never do). The
//! common 2×2, stride-2, unpadded pool reads two input rows per output row with no tap
//! arithmetic.

use std::sync::Arc;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Dispatch, Flex};
use burn::nn::pool::MaxPool2d;
use burn::prelude::*;
use burn::tensor::ops::MaxPoolOptions;
use burn::tensor::{DType, Shape};
use rayon::prelude::*;

use super::{CpuKernels, min_pieces, padding_pairs, tensor, values};

/// Marks an output whose window holds no input pixel (all padding): it gets no gradient.
const NO_INPUT: u32 = u32::MAX;

/// 2D max pooling, as [`burn::tensor::module::max_pool2d`]: our kernel on the Flex device for
/// f32 tensors in floor mode, burn's op everywhere else and when `VISIONLAB_KERNELS=burn`.
///
/// Shapes: `x` `[B, C, H, W]` → `[B, C, OH, OW]`.
pub fn max_pool2d(x: Tensor<4>, options: MaxPoolOptions<2>) -> Tensor<4> {
    if super::enabled() && ours_applies(&x, &options) {
        let x = x.into_dispatch();
        Tensor::from_dispatch(<Dispatch as CpuKernels>::vl_max_pool2d(x, options))
    } else {
        burn::tensor::module::max_pool2d(x, options)
    }
}

/// [`MaxPool2d::forward`] through [`max_pool2d`]: the layer's kernel, stride, dilation,
/// ceil mode and padding (`Same` as burn computes it).
///
/// Shapes: `x` `[B, C, H, W]` → `[B, C, OH, OW]`.
pub fn max_pool2d_layer(pool: &MaxPool2d, x: Tensor<4>) -> Tensor<4> {
    let [_, _, height, width] = x.dims();
    let padding = padding_pairs(
        &pool.padding,
        pool.kernel_size,
        pool.stride,
        [height, width],
    );
    max_pool2d(
        x,
        MaxPoolOptions::new(pool.kernel_size)
            .with_stride(pool.stride)
            .with_padding_pairs(padding)
            .with_dilation(pool.dilation)
            .with_ceil_mode(pool.ceil_mode),
    )
}

/// Whether our kernel covers this call: Flex device, f32, floor mode, a non-empty output
/// small enough for `u32` offsets (anything else goes to burn's op).
fn ours_applies(x: &Tensor<4>, options: &MaxPoolOptions<2>) -> bool {
    x.device().inner() == Device::flex()
        && x.dtype() == DType::F32
        && !options.ceil_mode
        && Geometry::new(&x.shape(), options).is_some()
}

/// The forward pass on Flex (no autodiff): values only.
pub(super) fn forward_flex(x: FlexTensor, options: &MaxPoolOptions<2>) -> FlexTensor {
    let x = x.to_contiguous();
    let g = Geometry::new(x.layout().shape(), options).expect("the wrapper checked the geometry");
    tensor(g.forward(values(&x), None), g.output_shape())
}

/// The forward pass on Flex under autodiff: keeps the winners' offsets when `x` is tracked.
pub(super) fn forward_autodiff<C: CheckpointStrategy>(
    x: FloatTensor<Autodiff<Flex, C>>,
    options: MaxPoolOptions<2>,
) -> FloatTensor<Autodiff<Flex, C>> {
    match PoolBackward
        .prepare::<C>([x.node()])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(prep) => {
            let xp = x.primitive().to_contiguous();
            let g = Geometry::new(xp.layout().shape(), &options)
                .expect("the wrapper checked the geometry");
            let mut winners = vec![0u32; g.output_len()];
            let y = g.forward(values(&xp), Some(&mut winners));
            prep.finish((g, Arc::from(winners)), tensor(y, g.output_shape()))
        }
        OpsKind::UnTracked(prep) => prep.finish(forward_flex(x.into_primitive(), &options)),
    }
}

/// The backward step: one parent, `x`; the state keeps the geometry and the winners.
#[derive(Debug)]
struct PoolBackward;

impl Backward<Flex, 1> for PoolBackward {
    type State = (Geometry, Arc<[u32]>);

    fn backward(
        self,
        ops: Ops<Self::State, 1>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let dy = grads.consume::<Flex>(&ops.node).to_contiguous();
        let (g, winners) = ops.state;
        if let [Some(node)] = ops.parents {
            let dx = g.backward(values(&dy), &winners);
            grads.register::<Flex>(node.id, tensor(dx, g.input_shape()));
        }
    }
}

/// The sizes of one pooling.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    batch: usize,
    channels: usize,
    h: usize,
    w: usize,
    oh: usize,
    ow: usize,
    kernel: [usize; 2],
    stride: [usize; 2],
    /// Padding before the first row and column.
    pad: [usize; 2],
    dilation: [usize; 2],
}

impl Geometry {
    /// The sizes for `x` `[B, C, H, W]`, or `None` when the shape is not 4D, the options are
    /// degenerate, the output would be empty or a plane too large for `u32` offsets.
    fn new(x: &Shape, options: &MaxPoolOptions<2>) -> Option<Self> {
        let &[batch, channels, h, w] = x.as_slice() else {
            return None;
        };
        let out = |len: usize, (before, after): (usize, usize), k: usize, s: usize, d: usize| {
            let span = d.checked_mul(k.checked_sub(1)?)?.checked_add(1)?;
            let padded = len.checked_add(before)?.checked_add(after)?;
            Some(padded.checked_sub(span)?.checked_div(s)? + 1)
        };
        let [kh, kw] = options.kernel_size;
        let [sh, sw] = options.stride;
        let [dh, dw] = options.dilation;
        let oh = out(h, options.padding[0], kh, sh, dh)?;
        let ow = out(w, options.padding[1], kw, sw, dw)?;
        let fits = u32::try_from(h.checked_mul(w)?).is_ok_and(|n| n < NO_INPUT);
        (fits && dh > 0 && dw > 0 && batch * channels * oh * ow > 0).then_some(Geometry {
            batch,
            channels,
            h,
            w,
            oh,
            ow,
            kernel: options.kernel_size,
            stride: options.stride,
            pad: [options.padding[0].0, options.padding[1].0],
            dilation: options.dilation,
        })
    }

    fn output_len(&self) -> usize {
        self.batch * self.channels * self.oh * self.ow
    }

    fn output_shape(&self) -> Shape {
        Shape::new([self.batch, self.channels, self.oh, self.ow])
    }

    fn input_shape(&self) -> Shape {
        Shape::new([self.batch, self.channels, self.h, self.w])
    }

    /// Whether this is the plain 2×2, stride-2, unpadded, undilated pool.
    fn two_by_two(&self) -> bool {
        self.kernel == [2, 2]
            && self.stride == [2, 2]
            && self.pad == [0, 0]
            && self.dilation == [1, 1]
    }

    /// The taps of a window along one axis that fall inside the input: the input indices of
    /// output index `o`.
    fn taps(
        o: usize,
        len: usize,
        k: usize,
        s: usize,
        d: usize,
        p: usize,
    ) -> impl Iterator<Item = usize> {
        (0..k).filter_map(move |t| (o * s + t * d).checked_sub(p).filter(|&i| i < len))
    }

    /// The maxima of `xs` (`[B, C, H, W]`), and each one's offset in its plane into
    /// `winners` when given.
    fn forward(&self, xs: &[f32], winners: Option<&mut [u32]>) -> Vec<f32> {
        let (plane_in, plane_out) = (self.h * self.w, self.oh * self.ow);
        let mut y = vec![0f32; self.output_len()];
        let pool = |(plane, (out, mut won)): (usize, (&mut [f32], Option<&mut [u32]>))| {
            let x = &xs[plane * plane_in..][..plane_in];
            if self.two_by_two() {
                for oy in 0..self.oh {
                    let (r0, r1) = (2 * oy * self.w, (2 * oy + 1) * self.w);
                    for ox in 0..self.ow {
                        let i = 2 * ox;
                        let mut best = (x[r0 + i], r0 + i);
                        for at in [r0 + i + 1, r1 + i, r1 + i + 1] {
                            if x[at] > best.0 {
                                best = (x[at], at);
                            }
                        }
                        out[oy * self.ow + ox] = best.0;
                        if let Some(won) = won.as_deref_mut() {
                            won[oy * self.ow + ox] = best.1 as u32;
                        }
                    }
                }
                return;
            }
            for oy in 0..self.oh {
                for ox in 0..self.ow {
                    let mut best = (f32::NEG_INFINITY, NO_INPUT);
                    for iy in Self::taps(
                        oy,
                        self.h,
                        self.kernel[0],
                        self.stride[0],
                        self.dilation[0],
                        self.pad[0],
                    ) {
                        for ix in Self::taps(
                            ox,
                            self.w,
                            self.kernel[1],
                            self.stride[1],
                            self.dilation[1],
                            self.pad[1],
                        ) {
                            let at = iy * self.w + ix;
                            if best.1 == NO_INPUT || x[at] > best.0 {
                                best = (x[at], at as u32);
                            }
                        }
                    }
                    out[oy * self.ow + ox] = best.0;
                    if let Some(won) = won.as_deref_mut() {
                        won[oy * self.ow + ox] = best.1;
                    }
                }
            }
        };
        match winners {
            Some(winners) => y
                .par_chunks_mut(plane_out)
                .zip(winners.par_chunks_mut(plane_out).map(Some))
                .enumerate()
                .with_min_len(min_pieces(plane_out))
                .for_each(pool),
            None => y
                .par_chunks_mut(plane_out)
                .map(|out| (out, None))
                .enumerate()
                .with_min_len(min_pieces(plane_out))
                .for_each(pool),
        }
        y
    }

    /// `dX` (`[B, C, H, W]`): each output's gradient `dys` added to its winner.
    fn backward(&self, dys: &[f32], winners: &[u32]) -> Vec<f32> {
        let (plane_in, plane_out) = (self.h * self.w, self.oh * self.ow);
        let mut dx = vec![0f32; self.batch * self.channels * plane_in];
        dx.par_chunks_mut(plane_in)
            .zip(dys.par_chunks(plane_out).zip(winners.par_chunks(plane_out)))
            .with_min_len(min_pieces(plane_in))
            .for_each(|(dxp, (dy, won))| {
                for (&g, &at) in dy.iter().zip(won) {
                    if at != NO_INPUT {
                        dxp[at as usize] += g;
                    }
                }
            });
        dx
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::testing::{assert_close, random};

    /// (shape, kernel, stride, padding (top, bottom), (left, right), dilation).
    type Case = (
        [usize; 4],
        [usize; 2],
        [usize; 2],
        [(usize, usize); 2],
        [usize; 2],
    );

    const CASES: &[Case] = &[
        ([2, 3, 8, 8], [2, 2], [2, 2], [(0, 0), (0, 0)], [1, 1]),
        ([1, 2, 9, 7], [2, 2], [2, 2], [(0, 0), (0, 0)], [1, 1]),
        ([3, 2, 10, 9], [3, 3], [2, 2], [(1, 1), (1, 1)], [1, 1]),
        ([1, 1, 7, 11], [3, 2], [1, 2], [(1, 0), (0, 1)], [1, 1]),
        ([2, 2, 9, 9], [3, 3], [1, 1], [(0, 0), (0, 0)], [2, 2]),
        ([1, 4, 5, 5], [5, 5], [3, 3], [(2, 2), (2, 2)], [1, 1]),
        ([1, 1, 1, 1], [1, 1], [1, 1], [(0, 0), (0, 0)], [1, 1]),
    ];

    fn options(case: &Case) -> MaxPoolOptions<2> {
        MaxPoolOptions::new(case.1)
            .with_stride(case.2)
            .with_padding_pairs(case.3)
            .with_dilation(case.4)
    }

    #[test]
    fn forward_matches_burn() {
        let device = Device::flex();
        for case in CASES {
            let x = random(case.0, &device);
            assert!(ours_applies(&x, &options(case)), "{case:?}");
            assert_close(
                max_pool2d(x.clone(), options(case)),
                burn::tensor::module::max_pool2d(x, options(case)),
                "forward",
                &format!("{case:?}"),
            );
        }
    }

    #[test]
    fn gradient_matches_burn() {
        let device = Device::flex().autodiff();
        for case in CASES {
            let x = random(case.0, &device);
            let run = |use_ours: bool| {
                let x = x.clone().require_grad();
                let y = if use_ours {
                    max_pool2d(x.clone(), options(case))
                } else {
                    burn::tensor::module::max_pool2d(x.clone(), options(case))
                };
                // A loss whose gradient differs per output element.
                let grads = (y.clone() * y.clone().cos()).sum().backward();
                (y.inner(), x.grad(&grads).expect("x is tracked"))
            };
            let ((y, dx), (y_ref, dx_ref)) = (run(true), run(false));
            let what = format!("{case:?}");
            assert_close(y, y_ref, "forward (autodiff)", &what);
            assert_close(dx, dx_ref, "dX", &what);
        }
    }

    #[test]
    fn ties_go_to_the_first_tap_like_burn() {
        let device = Device::flex().autodiff();
        let x = Tensor::<4>::ones([1, 1, 4, 4], &device).require_grad();
        let case = &CASES[0];
        let grads = max_pool2d(x.clone(), options(case)).sum().backward();
        let reference = burn::tensor::module::max_pool2d(x.clone(), options(case))
            .sum()
            .backward();
        assert_close(
            x.grad(&grads).expect("tracked"),
            x.grad(&reference).expect("tracked"),
            "dX of ties",
            "ones",
        );
    }

    #[test]
    fn layer_matches_burns_max_pool2d() {
        use burn::nn::PaddingConfig2d;
        use burn::nn::pool::MaxPool2dConfig;
        let device = Device::flex();
        let x = random([2, 3, 9, 8], &device);
        for (padding, stride) in [
            (PaddingConfig2d::Valid, [2, 2]),
            (PaddingConfig2d::Same, [1, 1]),
            (PaddingConfig2d::Explicit(1, 0, 1, 0), [2, 1]),
        ] {
            let pool = MaxPool2dConfig::new([3, 3])
                .with_strides(stride)
                .with_padding(padding.clone())
                .init();
            assert_close(
                max_pool2d_layer(&pool, x.clone()),
                pool.forward(x.clone()),
                "layer",
                &format!("{padding:?} {stride:?}"),
            );
        }
    }

    #[test]
    fn ceil_mode_falls_back_to_burn() {
        let x = random([1, 1, 5, 5], &Device::flex());
        let options = MaxPoolOptions::new([2, 2]).with_ceil_mode(true);
        assert!(!ours_applies(&x, &options));
        assert_eq!(max_pool2d(x, options).dims(), [1, 1, 3, 3]);
    }
}
