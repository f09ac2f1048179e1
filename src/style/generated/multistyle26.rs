// Generated from ONNX "multistyle26.onnx" by burn-onnx 0.22.0 (tools/onnx-convert)
extern crate alloc;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2d;
use burn::nn::conv::Conv2dConfig;
use burn::prelude::*;
use burn::store::BurnpackStore;
use burn::store::ModuleSnapshot;
use burn::tensor::Bytes;
use burn::tensor::TensorData;

#[derive(Module, Debug)]
pub struct Submodule1 {
    conv2d1: Conv2d,
    constant2: burn::module::Param<Tensor<2>>,
    constant3: burn::module::Param<Tensor<2>>,
    constant67: burn::module::Param<Tensor<1>>,
    constant68: burn::module::Param<Tensor<1>>,
    constant69: burn::module::Param<Tensor<1>>,
    conv2d2: Conv2d,
    constant5: burn::module::Param<Tensor<2>>,
    constant6: burn::module::Param<Tensor<2>>,
    constant80: burn::module::Param<Tensor<1>>,
    constant81: burn::module::Param<Tensor<1>>,
    constant82: burn::module::Param<Tensor<1>>,
    #[module(skip)]
    device: Device,
}
impl Submodule1 {
    #[allow(unused_variables)]
    pub fn new(device: &Device) -> Self {
        let conv2d1 = Conv2dConfig::new([3, 32], [9, 9])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant2: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant3: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant67: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant68: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant69: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let conv2d2 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([2, 2])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant5: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant6: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant80: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant81: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant82: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        Self {
            conv2d1,
            constant2,
            constant3,
            constant67,
            constant68,
            constant69,
            conv2d2,
            constant5,
            constant6,
            constant80,
            constant81,
            constant82,
            device: device.clone(),
        }
    }
    #[allow(clippy::let_and_return, clippy::approx_constant)]
    pub fn forward(&self, image: Tensor<4>, style_weights: Tensor<1>) -> (Tensor<4>, Tensor<2>) {
        let constantofshape1_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant56_out1: [i64; 4] = [4i64, 4i64, 4i64, 4i64];
        let concat1_out1: [i64; 8usize] = [&constant56_out1[..], &constantofshape1_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape1_out1 = {
            let shape_array = concat1_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice1_out1 = {
            let slice_input = reshape1_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose1_out1 = slice1_out1.permute([1, 0]);
        let reshape2_out1 = transpose1_out1.reshape([-1]);
        let pad1_out1 = crate::kernels::reflect_pad(image, {
            let raw: alloc::vec::Vec<i64> = reshape2_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d1_out1 = crate::kernels::conv2d_layer(&self.conv2d1, pad1_out1);
        let unsqueeze1_out1: Tensor<2> = style_weights.unsqueeze_dims::<2>(&[1]);
        let constant2_out1 = self.constant2.val();
        let mul1_out1 = unsqueeze1_out1.clone().mul(constant2_out1);
        let reducesum1_out1 = { mul1_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape3_out1 = reducesum1_out1.reshape([1, -1, 1, 1]);
        let constant3_out1 = self.constant3.val();
        let mul2_out1 = unsqueeze1_out1.clone().mul(constant3_out1);
        let reducesum2_out1 = { mul2_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape4_out1 = reducesum2_out1.reshape([1, -1, 1, 1]);
        let relu1_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d1_out1,
            self.constant68.val(),
            self.constant69.val(),
            reshape3_out1,
            reshape4_out1,
            true,
        );
        let constantofshape2_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant71_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat2_out1: [i64; 8usize] = [&constant71_out1[..], &constantofshape2_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape5_out1 = {
            let shape_array = concat2_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice2_out1 = {
            let slice_input = reshape5_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose2_out1 = slice2_out1.permute([1, 0]);
        let reshape6_out1 = transpose2_out1.reshape([-1]);
        let pad2_out1 = crate::kernels::reflect_pad(relu1_out1, {
            let raw: alloc::vec::Vec<i64> = reshape6_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d2_out1 = crate::kernels::conv2d_layer(&self.conv2d2, pad2_out1);
        let constant5_out1 = self.constant5.val();
        let mul5_out1 = unsqueeze1_out1.clone().mul(constant5_out1);
        let reducesum3_out1 = { mul5_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape7_out1 = reducesum3_out1.reshape([1, -1, 1, 1]);
        let constant6_out1 = self.constant6.val();
        let mul6_out1 = unsqueeze1_out1.clone().mul(constant6_out1);
        let reducesum4_out1 = { mul6_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape8_out1 = reducesum4_out1.reshape([1, -1, 1, 1]);
        let relu2_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d2_out1,
            self.constant81.val(),
            self.constant82.val(),
            reshape7_out1,
            reshape8_out1,
            true,
        );
        let constantofshape3_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant84_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat3_out1: [i64; 8usize] = [&constant84_out1[..], &constantofshape3_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape9_out1 = {
            let shape_array = concat3_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice3_out1 = {
            let slice_input = reshape9_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose3_out1 = slice3_out1.permute([1, 0]);
        let reshape10_out1 = transpose3_out1.reshape([-1]);
        let pad3_out1 = crate::kernels::reflect_pad(relu2_out1, {
            let raw: alloc::vec::Vec<i64> = reshape10_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        (pad3_out1, unsqueeze1_out1)
    }
}
#[derive(Module, Debug)]
pub struct Submodule2 {
    conv2d3: Conv2d,
    constant8: burn::module::Param<Tensor<2>>,
    constant9: burn::module::Param<Tensor<2>>,
    constant93: burn::module::Param<Tensor<1>>,
    constant94: burn::module::Param<Tensor<1>>,
    constant95: burn::module::Param<Tensor<1>>,
    conv2d4: Conv2d,
    constant11: burn::module::Param<Tensor<2>>,
    constant12: burn::module::Param<Tensor<2>>,
    constant106: burn::module::Param<Tensor<1>>,
    constant107: burn::module::Param<Tensor<1>>,
    constant108: burn::module::Param<Tensor<1>>,
    conv2d5: Conv2d,
    constant14: burn::module::Param<Tensor<2>>,
    constant15: burn::module::Param<Tensor<2>>,
    constant119: burn::module::Param<Tensor<1>>,
    constant120: burn::module::Param<Tensor<1>>,
    constant121: burn::module::Param<Tensor<1>>,
    #[module(skip)]
    device: Device,
}
impl Submodule2 {
    #[allow(unused_variables)]
    pub fn new(device: &Device) -> Self {
        let conv2d3 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([2, 2])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant8: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant9: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant93: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant94: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant95: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let conv2d4 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant11: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant12: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant106: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant107: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant108: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let conv2d5 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant14: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant15: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant119: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant120: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant121: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        Self {
            conv2d3,
            constant8,
            constant9,
            constant93,
            constant94,
            constant95,
            conv2d4,
            constant11,
            constant12,
            constant106,
            constant107,
            constant108,
            conv2d5,
            constant14,
            constant15,
            constant119,
            constant120,
            constant121,
            device: device.clone(),
        }
    }
    #[allow(clippy::let_and_return, clippy::approx_constant)]
    pub fn forward(&self, pad3_out1: Tensor<4>, unsqueeze1_out1: Tensor<2>) -> Tensor<4> {
        let conv2d3_out1 = crate::kernels::conv2d_layer(&self.conv2d3, pad3_out1);
        let constant8_out1 = self.constant8.val();
        let mul9_out1 = unsqueeze1_out1.clone().mul(constant8_out1);
        let reducesum5_out1 = { mul9_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape11_out1 = reducesum5_out1.reshape([1, -1, 1, 1]);
        let constant9_out1 = self.constant9.val();
        let mul10_out1 = unsqueeze1_out1.clone().mul(constant9_out1);
        let reducesum6_out1 = { mul10_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape12_out1 = reducesum6_out1.reshape([1, -1, 1, 1]);
        let relu3_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d3_out1,
            self.constant94.val(),
            self.constant95.val(),
            reshape11_out1,
            reshape12_out1,
            true,
        );
        let constantofshape4_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant97_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat4_out1: [i64; 8usize] = [&constant97_out1[..], &constantofshape4_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape13_out1 = {
            let shape_array = concat4_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice4_out1 = {
            let slice_input = reshape13_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose4_out1 = slice4_out1.permute([1, 0]);
        let reshape14_out1 = transpose4_out1.reshape([-1]);
        let pad4_out1 = crate::kernels::reflect_pad(relu3_out1.clone(), {
            let raw: alloc::vec::Vec<i64> = reshape14_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d4_out1 = crate::kernels::conv2d_layer(&self.conv2d4, pad4_out1);
        let constant11_out1 = self.constant11.val();
        let mul13_out1 = unsqueeze1_out1.clone().mul(constant11_out1);
        let reducesum7_out1 = { mul13_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape15_out1 = reducesum7_out1.reshape([1, -1, 1, 1]);
        let constant12_out1 = self.constant12.val();
        let mul14_out1 = unsqueeze1_out1.clone().mul(constant12_out1);
        let reducesum8_out1 = { mul14_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape16_out1 = reducesum8_out1.reshape([1, -1, 1, 1]);
        let relu4_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d4_out1,
            self.constant107.val(),
            self.constant108.val(),
            reshape15_out1,
            reshape16_out1,
            true,
        );
        let constantofshape5_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant110_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat5_out1: [i64; 8usize] = [&constant110_out1[..], &constantofshape5_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape17_out1 = {
            let shape_array = concat5_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice5_out1 = {
            let slice_input = reshape17_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose5_out1 = slice5_out1.permute([1, 0]);
        let reshape18_out1 = transpose5_out1.reshape([-1]);
        let pad5_out1 = crate::kernels::reflect_pad(relu4_out1, {
            let raw: alloc::vec::Vec<i64> = reshape18_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d5_out1 = crate::kernels::conv2d_layer(&self.conv2d5, pad5_out1);
        let constant14_out1 = self.constant14.val();
        let mul17_out1 = unsqueeze1_out1.clone().mul(constant14_out1);
        let reducesum9_out1 = { mul17_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape19_out1 = reducesum9_out1.reshape([1, -1, 1, 1]);
        let constant15_out1 = self.constant15.val();
        let mul18_out1 = unsqueeze1_out1.mul(constant15_out1);
        let reducesum10_out1 = { mul18_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape20_out1 = reducesum10_out1.reshape([1, -1, 1, 1]);
        let add10_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d5_out1,
            self.constant120.val(),
            self.constant121.val(),
            reshape19_out1,
            reshape20_out1,
            false,
        );
        let add11_out1 = relu3_out1.add(add10_out1);
        add11_out1
    }
}
#[derive(Module, Debug)]
pub struct Submodule3 {
    conv2d6: Conv2d,
    constant17: burn::module::Param<Tensor<2>>,
    constant18: burn::module::Param<Tensor<2>>,
    constant132: burn::module::Param<Tensor<1>>,
    constant133: burn::module::Param<Tensor<1>>,
    constant134: burn::module::Param<Tensor<1>>,
    conv2d7: Conv2d,
    constant20: burn::module::Param<Tensor<2>>,
    constant21: burn::module::Param<Tensor<2>>,
    constant145: burn::module::Param<Tensor<1>>,
    constant146: burn::module::Param<Tensor<1>>,
    constant147: burn::module::Param<Tensor<1>>,
    conv2d8: Conv2d,
    constant23: burn::module::Param<Tensor<2>>,
    constant24: burn::module::Param<Tensor<2>>,
    constant158: burn::module::Param<Tensor<1>>,
    constant159: burn::module::Param<Tensor<1>>,
    constant160: burn::module::Param<Tensor<1>>,
    conv2d9: Conv2d,
    constant26: burn::module::Param<Tensor<2>>,
    constant27: burn::module::Param<Tensor<2>>,
    constant171: burn::module::Param<Tensor<1>>,
    constant172: burn::module::Param<Tensor<1>>,
    constant173: burn::module::Param<Tensor<1>>,
    #[module(skip)]
    device: Device,
}
impl Submodule3 {
    #[allow(unused_variables)]
    pub fn new(device: &Device) -> Self {
        let conv2d6 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant17: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant18: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant132: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant133: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant134: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let conv2d7 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant20: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant21: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant145: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant146: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant147: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let conv2d8 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant23: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant24: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant158: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant159: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant160: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let conv2d9 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant26: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant27: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant171: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant172: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant173: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        Self {
            conv2d6,
            constant17,
            constant18,
            constant132,
            constant133,
            constant134,
            conv2d7,
            constant20,
            constant21,
            constant145,
            constant146,
            constant147,
            conv2d8,
            constant23,
            constant24,
            constant158,
            constant159,
            constant160,
            conv2d9,
            constant26,
            constant27,
            constant171,
            constant172,
            constant173,
            device: device.clone(),
        }
    }
    #[allow(clippy::let_and_return, clippy::approx_constant)]
    pub fn forward(&self, add11_out1: Tensor<4>, unsqueeze1_out1: Tensor<2>) -> Tensor<4> {
        let constantofshape6_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant123_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat6_out1: [i64; 8usize] = [&constant123_out1[..], &constantofshape6_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape21_out1 = {
            let shape_array = concat6_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice6_out1 = {
            let slice_input = reshape21_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose6_out1 = slice6_out1.permute([1, 0]);
        let reshape22_out1 = transpose6_out1.reshape([-1]);
        let pad6_out1 = crate::kernels::reflect_pad(add11_out1.clone(), {
            let raw: alloc::vec::Vec<i64> = reshape22_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d6_out1 = crate::kernels::conv2d_layer(&self.conv2d6, pad6_out1);
        let constant17_out1 = self.constant17.val();
        let mul21_out1 = unsqueeze1_out1.clone().mul(constant17_out1);
        let reducesum11_out1 = { mul21_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape23_out1 = reducesum11_out1.reshape([1, -1, 1, 1]);
        let constant18_out1 = self.constant18.val();
        let mul22_out1 = unsqueeze1_out1.clone().mul(constant18_out1);
        let reducesum12_out1 = { mul22_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape24_out1 = reducesum12_out1.reshape([1, -1, 1, 1]);
        let relu5_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d6_out1,
            self.constant133.val(),
            self.constant134.val(),
            reshape23_out1,
            reshape24_out1,
            true,
        );
        let constantofshape7_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant136_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat7_out1: [i64; 8usize] = [&constant136_out1[..], &constantofshape7_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape25_out1 = {
            let shape_array = concat7_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice7_out1 = {
            let slice_input = reshape25_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose7_out1 = slice7_out1.permute([1, 0]);
        let reshape26_out1 = transpose7_out1.reshape([-1]);
        let pad7_out1 = crate::kernels::reflect_pad(relu5_out1, {
            let raw: alloc::vec::Vec<i64> = reshape26_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d7_out1 = crate::kernels::conv2d_layer(&self.conv2d7, pad7_out1);
        let constant20_out1 = self.constant20.val();
        let mul25_out1 = unsqueeze1_out1.clone().mul(constant20_out1);
        let reducesum13_out1 = { mul25_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape27_out1 = reducesum13_out1.reshape([1, -1, 1, 1]);
        let constant21_out1 = self.constant21.val();
        let mul26_out1 = unsqueeze1_out1.clone().mul(constant21_out1);
        let reducesum14_out1 = { mul26_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape28_out1 = reducesum14_out1.reshape([1, -1, 1, 1]);
        let add15_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d7_out1,
            self.constant146.val(),
            self.constant147.val(),
            reshape27_out1,
            reshape28_out1,
            false,
        );
        let add16_out1 = add11_out1.add(add15_out1);
        let constantofshape8_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant149_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat8_out1: [i64; 8usize] = [&constant149_out1[..], &constantofshape8_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape29_out1 = {
            let shape_array = concat8_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice8_out1 = {
            let slice_input = reshape29_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose8_out1 = slice8_out1.permute([1, 0]);
        let reshape30_out1 = transpose8_out1.reshape([-1]);
        let pad8_out1 = crate::kernels::reflect_pad(add16_out1.clone(), {
            let raw: alloc::vec::Vec<i64> = reshape30_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d8_out1 = crate::kernels::conv2d_layer(&self.conv2d8, pad8_out1);
        let constant23_out1 = self.constant23.val();
        let mul29_out1 = unsqueeze1_out1.clone().mul(constant23_out1);
        let reducesum15_out1 = { mul29_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape31_out1 = reducesum15_out1.reshape([1, -1, 1, 1]);
        let constant24_out1 = self.constant24.val();
        let mul30_out1 = unsqueeze1_out1.clone().mul(constant24_out1);
        let reducesum16_out1 = { mul30_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape32_out1 = reducesum16_out1.reshape([1, -1, 1, 1]);
        let relu6_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d8_out1,
            self.constant159.val(),
            self.constant160.val(),
            reshape31_out1,
            reshape32_out1,
            true,
        );
        let constantofshape9_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant162_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat9_out1: [i64; 8usize] = [&constant162_out1[..], &constantofshape9_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape33_out1 = {
            let shape_array = concat9_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice9_out1 = {
            let slice_input = reshape33_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose9_out1 = slice9_out1.permute([1, 0]);
        let reshape34_out1 = transpose9_out1.reshape([-1]);
        let pad9_out1 = crate::kernels::reflect_pad(relu6_out1, {
            let raw: alloc::vec::Vec<i64> = reshape34_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d9_out1 = crate::kernels::conv2d_layer(&self.conv2d9, pad9_out1);
        let constant26_out1 = self.constant26.val();
        let mul33_out1 = unsqueeze1_out1.clone().mul(constant26_out1);
        let reducesum17_out1 = { mul33_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape35_out1 = reducesum17_out1.reshape([1, -1, 1, 1]);
        let constant27_out1 = self.constant27.val();
        let mul34_out1 = unsqueeze1_out1.mul(constant27_out1);
        let reducesum18_out1 = { mul34_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape36_out1 = reducesum18_out1.reshape([1, -1, 1, 1]);
        let add20_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d9_out1,
            self.constant172.val(),
            self.constant173.val(),
            reshape35_out1,
            reshape36_out1,
            false,
        );
        let add21_out1 = add16_out1.add(add20_out1);
        add21_out1
    }
}
#[derive(Module, Debug)]
pub struct Submodule4 {
    conv2d10: Conv2d,
    constant29: burn::module::Param<Tensor<2>>,
    constant30: burn::module::Param<Tensor<2>>,
    constant184: burn::module::Param<Tensor<1>>,
    constant185: burn::module::Param<Tensor<1>>,
    constant186: burn::module::Param<Tensor<1>>,
    conv2d11: Conv2d,
    constant32: burn::module::Param<Tensor<2>>,
    constant33: burn::module::Param<Tensor<2>>,
    constant197: burn::module::Param<Tensor<1>>,
    constant198: burn::module::Param<Tensor<1>>,
    constant199: burn::module::Param<Tensor<1>>,
    conv2d12: Conv2d,
    constant35: burn::module::Param<Tensor<2>>,
    constant36: burn::module::Param<Tensor<2>>,
    constant210: burn::module::Param<Tensor<1>>,
    constant211: burn::module::Param<Tensor<1>>,
    constant212: burn::module::Param<Tensor<1>>,
    conv2d13: Conv2d,
    constant38: burn::module::Param<Tensor<2>>,
    constant39: burn::module::Param<Tensor<2>>,
    constant223: burn::module::Param<Tensor<1>>,
    constant224: burn::module::Param<Tensor<1>>,
    constant225: burn::module::Param<Tensor<1>>,
    #[module(skip)]
    device: Device,
}
impl Submodule4 {
    #[allow(unused_variables)]
    pub fn new(device: &Device) -> Self {
        let conv2d10 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant29: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant30: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant184: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant185: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant186: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let conv2d11 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant32: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant33: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant197: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant198: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant199: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let conv2d12 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant35: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant36: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant210: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant211: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant212: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let conv2d13 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant38: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant39: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant223: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant224: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant225: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        Self {
            conv2d10,
            constant29,
            constant30,
            constant184,
            constant185,
            constant186,
            conv2d11,
            constant32,
            constant33,
            constant197,
            constant198,
            constant199,
            conv2d12,
            constant35,
            constant36,
            constant210,
            constant211,
            constant212,
            conv2d13,
            constant38,
            constant39,
            constant223,
            constant224,
            constant225,
            device: device.clone(),
        }
    }
    #[allow(clippy::let_and_return, clippy::approx_constant)]
    pub fn forward(&self, add21_out1: Tensor<4>, unsqueeze1_out1: Tensor<2>) -> Tensor<4> {
        let constantofshape10_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant175_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat10_out1: [i64; 8usize] = [&constant175_out1[..], &constantofshape10_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape37_out1 = {
            let shape_array = concat10_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice10_out1 = {
            let slice_input = reshape37_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose10_out1 = slice10_out1.permute([1, 0]);
        let reshape38_out1 = transpose10_out1.reshape([-1]);
        let pad10_out1 = crate::kernels::reflect_pad(add21_out1.clone(), {
            let raw: alloc::vec::Vec<i64> = reshape38_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d10_out1 = crate::kernels::conv2d_layer(&self.conv2d10, pad10_out1);
        let constant29_out1 = self.constant29.val();
        let mul37_out1 = unsqueeze1_out1.clone().mul(constant29_out1);
        let reducesum19_out1 = { mul37_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape39_out1 = reducesum19_out1.reshape([1, -1, 1, 1]);
        let constant30_out1 = self.constant30.val();
        let mul38_out1 = unsqueeze1_out1.clone().mul(constant30_out1);
        let reducesum20_out1 = { mul38_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape40_out1 = reducesum20_out1.reshape([1, -1, 1, 1]);
        let relu7_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d10_out1,
            self.constant185.val(),
            self.constant186.val(),
            reshape39_out1,
            reshape40_out1,
            true,
        );
        let constantofshape11_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant188_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat11_out1: [i64; 8usize] = [&constant188_out1[..], &constantofshape11_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape41_out1 = {
            let shape_array = concat11_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice11_out1 = {
            let slice_input = reshape41_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose11_out1 = slice11_out1.permute([1, 0]);
        let reshape42_out1 = transpose11_out1.reshape([-1]);
        let pad11_out1 = crate::kernels::reflect_pad(relu7_out1, {
            let raw: alloc::vec::Vec<i64> = reshape42_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d11_out1 = crate::kernels::conv2d_layer(&self.conv2d11, pad11_out1);
        let constant32_out1 = self.constant32.val();
        let mul41_out1 = unsqueeze1_out1.clone().mul(constant32_out1);
        let reducesum21_out1 = { mul41_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape43_out1 = reducesum21_out1.reshape([1, -1, 1, 1]);
        let constant33_out1 = self.constant33.val();
        let mul42_out1 = unsqueeze1_out1.clone().mul(constant33_out1);
        let reducesum22_out1 = { mul42_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape44_out1 = reducesum22_out1.reshape([1, -1, 1, 1]);
        let add25_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d11_out1,
            self.constant198.val(),
            self.constant199.val(),
            reshape43_out1,
            reshape44_out1,
            false,
        );
        let add26_out1 = add21_out1.add(add25_out1);
        let constantofshape12_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant201_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat12_out1: [i64; 8usize] = [&constant201_out1[..], &constantofshape12_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape45_out1 = {
            let shape_array = concat12_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice12_out1 = {
            let slice_input = reshape45_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose12_out1 = slice12_out1.permute([1, 0]);
        let reshape46_out1 = transpose12_out1.reshape([-1]);
        let pad12_out1 = crate::kernels::reflect_pad(add26_out1.clone(), {
            let raw: alloc::vec::Vec<i64> = reshape46_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d12_out1 = crate::kernels::conv2d_layer(&self.conv2d12, pad12_out1);
        let constant35_out1 = self.constant35.val();
        let mul45_out1 = unsqueeze1_out1.clone().mul(constant35_out1);
        let reducesum23_out1 = { mul45_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape47_out1 = reducesum23_out1.reshape([1, -1, 1, 1]);
        let constant36_out1 = self.constant36.val();
        let mul46_out1 = unsqueeze1_out1.clone().mul(constant36_out1);
        let reducesum24_out1 = { mul46_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape48_out1 = reducesum24_out1.reshape([1, -1, 1, 1]);
        let relu8_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d12_out1,
            self.constant211.val(),
            self.constant212.val(),
            reshape47_out1,
            reshape48_out1,
            true,
        );
        let constantofshape13_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant214_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat13_out1: [i64; 8usize] = [&constant214_out1[..], &constantofshape13_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape49_out1 = {
            let shape_array = concat13_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice13_out1 = {
            let slice_input = reshape49_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose13_out1 = slice13_out1.permute([1, 0]);
        let reshape50_out1 = transpose13_out1.reshape([-1]);
        let pad13_out1 = crate::kernels::reflect_pad(relu8_out1, {
            let raw: alloc::vec::Vec<i64> = reshape50_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d13_out1 = crate::kernels::conv2d_layer(&self.conv2d13, pad13_out1);
        let constant38_out1 = self.constant38.val();
        let mul49_out1 = unsqueeze1_out1.clone().mul(constant38_out1);
        let reducesum25_out1 = { mul49_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape51_out1 = reducesum25_out1.reshape([1, -1, 1, 1]);
        let constant39_out1 = self.constant39.val();
        let mul50_out1 = unsqueeze1_out1.mul(constant39_out1);
        let reducesum26_out1 = { mul50_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape52_out1 = reducesum26_out1.reshape([1, -1, 1, 1]);
        let add30_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d13_out1,
            self.constant224.val(),
            self.constant225.val(),
            reshape51_out1,
            reshape52_out1,
            false,
        );
        let add31_out1 = add26_out1.add(add30_out1);
        add31_out1
    }
}
#[derive(Module, Debug)]
pub struct Submodule5 {
    conv2d14: Conv2d,
    constant41: burn::module::Param<Tensor<2>>,
    constant42: burn::module::Param<Tensor<2>>,
    constant236: burn::module::Param<Tensor<1>>,
    constant237: burn::module::Param<Tensor<1>>,
    constant238: burn::module::Param<Tensor<1>>,
    conv2d15: Conv2d,
    constant44: burn::module::Param<Tensor<2>>,
    constant45: burn::module::Param<Tensor<2>>,
    constant249: burn::module::Param<Tensor<1>>,
    constant250: burn::module::Param<Tensor<1>>,
    constant251: burn::module::Param<Tensor<1>>,
    resize1: burn::nn::interpolate::Interpolate2d,
    #[module(skip)]
    device: Device,
}
impl Submodule5 {
    #[allow(unused_variables)]
    pub fn new(device: &Device) -> Self {
        let conv2d14 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant41: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant42: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant236: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant237: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant238: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let conv2d15 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant44: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant45: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 32], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 32].into(),
        );
        let constant249: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant250: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant251: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let resize1 = burn::nn::interpolate::Interpolate2dConfig::new()
            .with_output_size(None)
            .with_scale_factor(Some([2.0, 2.0]))
            .with_mode(burn::nn::interpolate::InterpolateMode::Nearest)
            .with_align_corners(false)
            .init();
        Self {
            conv2d14,
            constant41,
            constant42,
            constant236,
            constant237,
            constant238,
            conv2d15,
            constant44,
            constant45,
            constant249,
            constant250,
            constant251,
            resize1,
            device: device.clone(),
        }
    }
    #[allow(clippy::let_and_return, clippy::approx_constant)]
    pub fn forward(&self, add31_out1: Tensor<4>, unsqueeze1_out1: Tensor<2>) -> Tensor<4> {
        let constantofshape14_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant227_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat14_out1: [i64; 8usize] = [&constant227_out1[..], &constantofshape14_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape53_out1 = {
            let shape_array = concat14_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice14_out1 = {
            let slice_input = reshape53_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose14_out1 = slice14_out1.permute([1, 0]);
        let reshape54_out1 = transpose14_out1.reshape([-1]);
        let pad14_out1 = crate::kernels::reflect_pad(add31_out1.clone(), {
            let raw: alloc::vec::Vec<i64> = reshape54_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d14_out1 = crate::kernels::conv2d_layer(&self.conv2d14, pad14_out1);
        let constant41_out1 = self.constant41.val();
        let mul53_out1 = unsqueeze1_out1.clone().mul(constant41_out1);
        let reducesum27_out1 = { mul53_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape55_out1 = reducesum27_out1.reshape([1, -1, 1, 1]);
        let constant42_out1 = self.constant42.val();
        let mul54_out1 = unsqueeze1_out1.clone().mul(constant42_out1);
        let reducesum28_out1 = { mul54_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape56_out1 = reducesum28_out1.reshape([1, -1, 1, 1]);
        let relu9_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d14_out1,
            self.constant237.val(),
            self.constant238.val(),
            reshape55_out1,
            reshape56_out1,
            true,
        );
        let constantofshape15_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant240_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat15_out1: [i64; 8usize] = [&constant240_out1[..], &constantofshape15_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape57_out1 = {
            let shape_array = concat15_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice15_out1 = {
            let slice_input = reshape57_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose15_out1 = slice15_out1.permute([1, 0]);
        let reshape58_out1 = transpose15_out1.reshape([-1]);
        let pad15_out1 = crate::kernels::reflect_pad(relu9_out1, {
            let raw: alloc::vec::Vec<i64> = reshape58_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d15_out1 = crate::kernels::conv2d_layer(&self.conv2d15, pad15_out1);
        let constant44_out1 = self.constant44.val();
        let mul57_out1 = unsqueeze1_out1.clone().mul(constant44_out1);
        let reducesum29_out1 = { mul57_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape59_out1 = reducesum29_out1.reshape([1, -1, 1, 1]);
        let constant45_out1 = self.constant45.val();
        let mul58_out1 = unsqueeze1_out1.mul(constant45_out1);
        let reducesum30_out1 = { mul58_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape60_out1 = reducesum30_out1.reshape([1, -1, 1, 1]);
        let add35_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d15_out1,
            self.constant250.val(),
            self.constant251.val(),
            reshape59_out1,
            reshape60_out1,
            false,
        );
        let add36_out1 = add31_out1.add(add35_out1);
        let resize1_out1 = self.resize1.forward(add36_out1);
        let constantofshape16_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant254_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat16_out1: [i64; 8usize] = [&constant254_out1[..], &constantofshape16_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape61_out1 = {
            let shape_array = concat16_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice16_out1 = {
            let slice_input = reshape61_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose16_out1 = slice16_out1.permute([1, 0]);
        let reshape62_out1 = transpose16_out1.reshape([-1]);
        let pad16_out1 = crate::kernels::reflect_pad(resize1_out1, {
            let raw: alloc::vec::Vec<i64> = reshape62_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        pad16_out1
    }
}
#[derive(Module, Debug)]
pub struct Submodule6 {
    conv2d16: Conv2d,
    constant47: burn::module::Param<Tensor<2>>,
    constant48: burn::module::Param<Tensor<2>>,
    constant263: burn::module::Param<Tensor<1>>,
    constant264: burn::module::Param<Tensor<1>>,
    constant265: burn::module::Param<Tensor<1>>,
    resize2: burn::nn::interpolate::Interpolate2d,
    conv2d17: Conv2d,
    constant50: burn::module::Param<Tensor<2>>,
    constant51: burn::module::Param<Tensor<2>>,
    constant277: burn::module::Param<Tensor<1>>,
    constant278: burn::module::Param<Tensor<1>>,
    constant279: burn::module::Param<Tensor<1>>,
    conv2d18: Conv2d,
    constant53: burn::module::Param<Tensor<2>>,
    constant54: burn::module::Param<Tensor<2>>,
    constant290: burn::module::Param<Tensor<1>>,
    constant291: burn::module::Param<Tensor<1>>,
    constant292: burn::module::Param<Tensor<1>>,
    #[module(skip)]
    device: Device,
}
impl Submodule6 {
    #[allow(unused_variables)]
    pub fn new(device: &Device) -> Self {
        let conv2d16 = Conv2dConfig::new([32, 8], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant47: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 8], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 8].into(),
        );
        let constant48: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 8], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 8].into(),
        );
        let constant263: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant264: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant265: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let resize2 = burn::nn::interpolate::Interpolate2dConfig::new()
            .with_output_size(None)
            .with_scale_factor(Some([2.0, 2.0]))
            .with_mode(burn::nn::interpolate::InterpolateMode::Nearest)
            .with_align_corners(false)
            .init();
        let conv2d17 = Conv2dConfig::new([8, 4], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant50: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 4], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 4].into(),
        );
        let constant51: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 4], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 4].into(),
        );
        let constant277: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant278: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant279: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let conv2d18 = Conv2dConfig::new([4, 3], [9, 9])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(false)
            .init(device);
        let constant53: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 3], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 3].into(),
        );
        let constant54: burn::module::Param<Tensor<2>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<2>::zeros([26, 3], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [26, 3].into(),
        );
        let constant290: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([2f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant291: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([0.000009999999747378752f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        let constant292: burn::module::Param<Tensor<1>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<1>::from_data(
                    burn::tensor::TensorData::from([1f64]),
                    (device, burn::tensor::DType::F32),
                )
            },
            device.clone(),
            false,
            [1].into(),
        );
        Self {
            conv2d16,
            constant47,
            constant48,
            constant263,
            constant264,
            constant265,
            resize2,
            conv2d17,
            constant50,
            constant51,
            constant277,
            constant278,
            constant279,
            conv2d18,
            constant53,
            constant54,
            constant290,
            constant291,
            constant292,
            device: device.clone(),
        }
    }
    #[allow(clippy::let_and_return, clippy::approx_constant)]
    pub fn forward(&self, pad16_out1: Tensor<4>, unsqueeze1_out1: Tensor<2>) -> Tensor<4> {
        let conv2d16_out1 = crate::kernels::conv2d_layer(&self.conv2d16, pad16_out1);
        let constant47_out1 = self.constant47.val();
        let mul61_out1 = unsqueeze1_out1.clone().mul(constant47_out1);
        let reducesum31_out1 = { mul61_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape63_out1 = reducesum31_out1.reshape([1, -1, 1, 1]);
        let constant48_out1 = self.constant48.val();
        let mul62_out1 = unsqueeze1_out1.clone().mul(constant48_out1);
        let reducesum32_out1 = { mul62_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape64_out1 = reducesum32_out1.reshape([1, -1, 1, 1]);
        let relu10_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d16_out1,
            self.constant264.val(),
            self.constant265.val(),
            reshape63_out1,
            reshape64_out1,
            true,
        );
        let resize2_out1 = self.resize2.forward(relu10_out1);
        let constantofshape17_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant268_out1: [i64; 4] = [1i64, 1i64, 1i64, 1i64];
        let concat17_out1: [i64; 8usize] = [&constant268_out1[..], &constantofshape17_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape65_out1 = {
            let shape_array = concat17_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice17_out1 = {
            let slice_input = reshape65_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose17_out1 = slice17_out1.permute([1, 0]);
        let reshape66_out1 = transpose17_out1.reshape([-1]);
        let pad17_out1 = crate::kernels::reflect_pad(resize2_out1, {
            let raw: alloc::vec::Vec<i64> = reshape66_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d17_out1 = crate::kernels::conv2d_layer(&self.conv2d17, pad17_out1);
        let constant50_out1 = self.constant50.val();
        let mul65_out1 = unsqueeze1_out1.clone().mul(constant50_out1);
        let reducesum33_out1 = { mul65_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape67_out1 = reducesum33_out1.reshape([1, -1, 1, 1]);
        let constant51_out1 = self.constant51.val();
        let mul66_out1 = unsqueeze1_out1.clone().mul(constant51_out1);
        let reducesum34_out1 = { mul66_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape68_out1 = reducesum34_out1.reshape([1, -1, 1, 1]);
        let relu11_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d17_out1,
            self.constant278.val(),
            self.constant279.val(),
            reshape67_out1,
            reshape68_out1,
            true,
        );
        let constantofshape18_out1: [i64; 4usize] = [0i64, 0i64, 0i64, 0i64];
        let constant281_out1: [i64; 4] = [4i64, 4i64, 4i64, 4i64];
        let concat18_out1: [i64; 8usize] = [&constant281_out1[..], &constantofshape18_out1[..]]
            .concat()
            .try_into()
            .unwrap();
        let reshape69_out1 = {
            let shape_array = concat18_out1 as [i64; 8usize];
            Tensor::<1, Int>::from_data(
                TensorData::from(shape_array),
                (&self.device, burn::tensor::DType::I64),
            )
        }
        .reshape([-1, 2]);
        let slice18_out1 = {
            let slice_input = reshape69_out1;
            let slice_dims = slice_input.dims();
            let reverse_bounds = |dim: usize, start: i64, end: i64| -> core::ops::Range<usize> {
                if dim == 0 {
                    return 0..0;
                }
                let dim = dim as i64;
                let start = if start < 0 {
                    start.saturating_add(dim)
                } else {
                    start
                };
                let end = if end < 0 {
                    end.saturating_add(dim)
                } else {
                    end
                };
                let hi = start.clamp(-1, dim - 1) + 1;
                let lo = (end.clamp(-1, dim - 1) + 1).min(hi);
                (lo as usize)..(hi as usize)
            };
            slice_input.slice(s![
                reverse_bounds(slice_dims[0], - 1i64, - 9223372036854775807i64);
                - 1, ..
            ])
        };
        let transpose18_out1 = slice18_out1.permute([1, 0]);
        let reshape70_out1 = transpose18_out1.reshape([-1]);
        let pad18_out1 = crate::kernels::reflect_pad(relu11_out1, {
            let raw: alloc::vec::Vec<i64> = reshape70_out1
                .to_data()
                .convert::<i64>()
                .try_into_vec::<i64>()
                .unwrap();
            assert_eq!(
                raw.len(),
                8usize,
                "Pad: runtime pads length mismatch (expected {}, got {})",
                8usize,
                raw.len(),
            );
            [
                (
                    usize::try_from(raw[0usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[0usize], 0usize
                        )
                    }),
                    usize::try_from(raw[4usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[4usize], 4usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[1usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[1usize], 1usize
                        )
                    }),
                    usize::try_from(raw[5usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[5usize], 5usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[2usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[2usize], 2usize
                        )
                    }),
                    usize::try_from(raw[6usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[6usize], 6usize
                        )
                    }),
                ),
                (
                    usize::try_from(raw[3usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[3usize], 3usize
                        )
                    }),
                    usize::try_from(raw[7usize]).unwrap_or_else(|_| {
                        panic!(
                            "Pad: negative pad value {} at index {}",
                            raw[7usize], 7usize
                        )
                    }),
                ),
            ]
        });
        let conv2d18_out1 = crate::kernels::conv2d_layer(&self.conv2d18, pad18_out1);
        let constant53_out1 = self.constant53.val();
        let mul69_out1 = unsqueeze1_out1.clone().mul(constant53_out1);
        let reducesum35_out1 = { mul69_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape71_out1 = reducesum35_out1.reshape([1, -1, 1, 1]);
        let constant54_out1 = self.constant54.val();
        let mul70_out1 = unsqueeze1_out1.mul(constant54_out1);
        let reducesum36_out1 = { mul70_out1.sum_dim(0usize).squeeze_dims::<1usize>(&[0]) };
        let reshape72_out1 = reducesum36_out1.reshape([1, -1, 1, 1]);
        let add42_out1 = crate::style::instance_norm::conditional_instance_norm(
            conv2d18_out1,
            self.constant291.val(),
            self.constant292.val(),
            reshape71_out1,
            reshape72_out1,
            false,
        );
        let sigmoid1_out1 = burn::tensor::activation::sigmoid(add42_out1);
        sigmoid1_out1
    }
}

#[derive(Module, Debug)]
pub struct Model {
    submodule1: Submodule1,
    submodule2: Submodule2,
    submodule3: Submodule3,
    submodule4: Submodule4,
    submodule5: Submodule5,
    submodule6: Submodule6,
    #[module(skip)]
    device: Device,
}

impl Model {
    /// Load model weights from in-memory bytes.
    ///
    /// The bytes must be the contents of a `.bpk` file.
    pub fn from_bytes(bytes: Bytes, device: &Device) -> Self {
        let mut model = Self::new(device);
        let mut store = BurnpackStore::from_bytes(Some(bytes));
        model
            .load_from(&mut store)
            .unwrap_or_else(|e| panic!("Failed to load burnpack bytes: {e}"));
        model
    }
}

impl Model {
    #[allow(unused_variables)]
    pub fn new(device: &Device) -> Self {
        let submodule1 = Submodule1::new(device);
        let submodule2 = Submodule2::new(device);
        let submodule3 = Submodule3::new(device);
        let submodule4 = Submodule4::new(device);
        let submodule5 = Submodule5::new(device);
        let submodule6 = Submodule6::new(device);
        Self {
            submodule1,
            submodule2,
            submodule3,
            submodule4,
            submodule5,
            submodule6,
            device: device.clone(),
        }
    }

    #[allow(clippy::let_and_return, clippy::approx_constant)]
    pub fn forward(&self, image: Tensor<4>, style_weights: Tensor<1>) -> Tensor<4> {
        let (pad3_out1, unsqueeze1_out1) = self.submodule1.forward(image, style_weights);
        let add11_out1 = self.submodule2.forward(pad3_out1, unsqueeze1_out1.clone());
        let add21_out1 = self.submodule3.forward(add11_out1, unsqueeze1_out1.clone());
        let add31_out1 = self.submodule4.forward(add21_out1, unsqueeze1_out1.clone());
        let pad16_out1 = self.submodule5.forward(add31_out1, unsqueeze1_out1.clone());
        let sigmoid1_out1 = self.submodule6.forward(pad16_out1, unsqueeze1_out1);
        sigmoid1_out1
    }
}
