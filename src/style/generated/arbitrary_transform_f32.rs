// Generated from ONNX "arbitrary_transform_f32.onnx" by burn-onnx 0.22.0 (tools/onnx-convert)
extern crate alloc;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2d;
use burn::nn::conv::Conv2dConfig;
use burn::nn::pool::AdaptiveAvgPool2d;
use burn::nn::pool::AdaptiveAvgPool2dConfig;
use burn::prelude::*;
use burn::store::BurnpackStore;
use burn::store::ModuleSnapshot;
use burn::tensor::Bytes;

#[derive(Module, Debug)]
pub struct Submodule1 {
    conv2d1: Conv2d,
    conv2d2: Conv2d,
    conv2d3: Conv2d,
    conv2d4: Conv2d,
    conv2d5: Conv2d,
    conv2d6: Conv2d,
    conv2d7: Conv2d,
    conv2d8: Conv2d,
    conv2d9: Conv2d,
    conv2d10: Conv2d,
    conv2d11: Conv2d,
    conv2d12: Conv2d,
    conv2d13: Conv2d,
    conv2d14: Conv2d,
    conv2d15: Conv2d,
    conv2d16: Conv2d,
    conv2d17: Conv2d,
    conv2d18: Conv2d,
    conv2d19: Conv2d,
    conv2d20: Conv2d,
    conv2d21: Conv2d,
    conv2d22: Conv2d,
    conv2d23: Conv2d,
    conv2d24: Conv2d,
    conv2d25: Conv2d,
    conv2d26: Conv2d,
    conv2d27: Conv2d,
    conv2d28: Conv2d,
    conv2d29: Conv2d,
    conv2d30: Conv2d,
    globalaveragepool1: AdaptiveAvgPool2d,
    globalaveragepool2: AdaptiveAvgPool2d,
    constant16: burn::module::Param<Tensor<4>>,
    conv2d31: Conv2d,
    globalaveragepool3: AdaptiveAvgPool2d,
    globalaveragepool4: AdaptiveAvgPool2d,
    conv2d32: Conv2d,
    globalaveragepool5: AdaptiveAvgPool2d,
    globalaveragepool6: AdaptiveAvgPool2d,
    conv2d33: Conv2d,
    globalaveragepool7: AdaptiveAvgPool2d,
    globalaveragepool8: AdaptiveAvgPool2d,
    conv2d34: Conv2d,
    globalaveragepool9: AdaptiveAvgPool2d,
    globalaveragepool10: AdaptiveAvgPool2d,
    conv2d35: Conv2d,
    globalaveragepool11: AdaptiveAvgPool2d,
    globalaveragepool12: AdaptiveAvgPool2d,
    conv2d36: Conv2d,
    globalaveragepool13: AdaptiveAvgPool2d,
    globalaveragepool14: AdaptiveAvgPool2d,
    conv2d37: Conv2d,
    globalaveragepool15: AdaptiveAvgPool2d,
    globalaveragepool16: AdaptiveAvgPool2d,
    conv2d38: Conv2d,
    globalaveragepool17: AdaptiveAvgPool2d,
    globalaveragepool18: AdaptiveAvgPool2d,
    #[module(skip)]
    device: Device,
}
impl Submodule1 {
    #[allow(unused_variables)]
    pub fn new(device: &Device) -> Self {
        let conv2d1 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d2 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d3 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d4 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d5 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d6 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d7 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d8 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d9 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d10 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d11 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d12 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d13 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d14 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d15 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d16 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d17 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d18 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d19 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d20 = Conv2dConfig::new([100, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d21 = Conv2dConfig::new([100, 3], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d22 = Conv2dConfig::new([100, 3], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d23 = Conv2dConfig::new([100, 8], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d24 = Conv2dConfig::new([100, 8], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d25 = Conv2dConfig::new([100, 16], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d26 = Conv2dConfig::new([100, 16], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d27 = Conv2dConfig::new([3, 8], [9, 9])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d28 = Conv2dConfig::new([8, 16], [3, 3])
            .with_stride([2, 2])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d29 = Conv2dConfig::new([16, 32], [3, 3])
            .with_stride([2, 2])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d30 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool1 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let globalaveragepool2 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let constant16: burn::module::Param<Tensor<4>> = burn::module::Param::uninitialized(
            burn::module::ParamId::new(),
            move |device, _require_grad| {
                Tensor::<4>::zeros([1, 1, 1, 1], (device, burn::tensor::DType::F32))
            },
            device.clone(),
            false,
            [1, 1, 1, 1].into(),
        );
        let conv2d31 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool3 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let globalaveragepool4 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let conv2d32 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool5 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let globalaveragepool6 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let conv2d33 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool7 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let globalaveragepool8 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let conv2d34 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool9 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let globalaveragepool10 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let conv2d35 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool11 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let globalaveragepool12 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let conv2d36 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool13 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let globalaveragepool14 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let conv2d37 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool15 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let globalaveragepool16 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let conv2d38 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool17 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let globalaveragepool18 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        Self {
            conv2d1,
            conv2d2,
            conv2d3,
            conv2d4,
            conv2d5,
            conv2d6,
            conv2d7,
            conv2d8,
            conv2d9,
            conv2d10,
            conv2d11,
            conv2d12,
            conv2d13,
            conv2d14,
            conv2d15,
            conv2d16,
            conv2d17,
            conv2d18,
            conv2d19,
            conv2d20,
            conv2d21,
            conv2d22,
            conv2d23,
            conv2d24,
            conv2d25,
            conv2d26,
            conv2d27,
            conv2d28,
            conv2d29,
            conv2d30,
            globalaveragepool1,
            globalaveragepool2,
            constant16,
            conv2d31,
            globalaveragepool3,
            globalaveragepool4,
            conv2d32,
            globalaveragepool5,
            globalaveragepool6,
            conv2d33,
            globalaveragepool7,
            globalaveragepool8,
            conv2d34,
            globalaveragepool9,
            globalaveragepool10,
            conv2d35,
            globalaveragepool11,
            globalaveragepool12,
            conv2d36,
            globalaveragepool13,
            globalaveragepool14,
            conv2d37,
            globalaveragepool15,
            globalaveragepool16,
            conv2d38,
            globalaveragepool17,
            globalaveragepool18,
            device: device.clone(),
        }
    }
    #[allow(clippy::let_and_return, clippy::approx_constant)]
    pub fn forward(
        &self,
        mobilenet_conv_conv_bias_add: Tensor<4>,
        content_image: Tensor<4>,
    ) -> (
        Tensor<4>,
        Tensor<4>,
        Tensor<4>,
        Tensor<4>,
        Tensor<4>,
        Tensor<4>,
        Tensor<4>,
        Tensor<4>,
        Tensor<4>,
        Tensor<4>,
        Tensor<4>,
    ) {
        let reshape1_out1 = mobilenet_conv_conv_bias_add.reshape([1, 100, 1, 1]);
        let conv2d1_out1 = crate::kernels::conv2d_layer(&self.conv2d1, reshape1_out1.clone());
        let conv2d2_out1 = crate::kernels::conv2d_layer(&self.conv2d2, reshape1_out1.clone());
        let conv2d3_out1 = crate::kernels::conv2d_layer(&self.conv2d3, reshape1_out1.clone());
        let conv2d4_out1 = crate::kernels::conv2d_layer(&self.conv2d4, reshape1_out1.clone());
        let conv2d5_out1 = crate::kernels::conv2d_layer(&self.conv2d5, reshape1_out1.clone());
        let conv2d6_out1 = crate::kernels::conv2d_layer(&self.conv2d6, reshape1_out1.clone());
        let conv2d7_out1 = crate::kernels::conv2d_layer(&self.conv2d7, reshape1_out1.clone());
        let conv2d8_out1 = crate::kernels::conv2d_layer(&self.conv2d8, reshape1_out1.clone());
        let conv2d9_out1 = crate::kernels::conv2d_layer(&self.conv2d9, reshape1_out1.clone());
        let conv2d10_out1 = crate::kernels::conv2d_layer(&self.conv2d10, reshape1_out1.clone());
        let conv2d11_out1 = crate::kernels::conv2d_layer(&self.conv2d11, reshape1_out1.clone());
        let conv2d12_out1 = crate::kernels::conv2d_layer(&self.conv2d12, reshape1_out1.clone());
        let conv2d13_out1 = crate::kernels::conv2d_layer(&self.conv2d13, reshape1_out1.clone());
        let conv2d14_out1 = crate::kernels::conv2d_layer(&self.conv2d14, reshape1_out1.clone());
        let conv2d15_out1 = crate::kernels::conv2d_layer(&self.conv2d15, reshape1_out1.clone());
        let conv2d16_out1 = crate::kernels::conv2d_layer(&self.conv2d16, reshape1_out1.clone());
        let conv2d17_out1 = crate::kernels::conv2d_layer(&self.conv2d17, reshape1_out1.clone());
        let conv2d18_out1 = crate::kernels::conv2d_layer(&self.conv2d18, reshape1_out1.clone());
        let conv2d19_out1 = crate::kernels::conv2d_layer(&self.conv2d19, reshape1_out1.clone());
        let conv2d20_out1 = crate::kernels::conv2d_layer(&self.conv2d20, reshape1_out1.clone());
        let conv2d21_out1 = crate::kernels::conv2d_layer(&self.conv2d21, reshape1_out1.clone());
        let conv2d22_out1 = crate::kernels::conv2d_layer(&self.conv2d22, reshape1_out1.clone());
        let conv2d23_out1 = crate::kernels::conv2d_layer(&self.conv2d23, reshape1_out1.clone());
        let conv2d24_out1 = crate::kernels::conv2d_layer(&self.conv2d24, reshape1_out1.clone());
        let conv2d25_out1 = crate::kernels::conv2d_layer(&self.conv2d25, reshape1_out1.clone());
        let conv2d26_out1 = crate::kernels::conv2d_layer(&self.conv2d26, reshape1_out1);
        let pad1_out1 = crate::kernels::reflect_pad(
            content_image,
            [
                (0usize, 0usize),
                (4usize, 4usize),
                (4usize, 4usize),
                (0usize, 0usize),
            ],
        );
        let transpose1_out1 = pad1_out1.permute([0, 3, 1, 2]);
        let conv2d27_out1 = crate::kernels::conv2d_layer(&self.conv2d27, transpose1_out1);
        let relu1_out1 = burn::tensor::activation::relu(conv2d27_out1);
        let pad2_out1 = crate::kernels::reflect_pad(
            relu1_out1,
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d28_out1 = crate::kernels::conv2d_layer(&self.conv2d28, pad2_out1);
        let relu2_out1 = burn::tensor::activation::relu(conv2d28_out1);
        let pad3_out1 = crate::kernels::reflect_pad(
            relu2_out1,
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d29_out1 = crate::kernels::conv2d_layer(&self.conv2d29, pad3_out1);
        let relu3_out1 = burn::tensor::activation::relu(conv2d29_out1);
        let pad4_out1 = crate::kernels::reflect_pad(
            relu3_out1.clone(),
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d30_out1 = crate::kernels::conv2d_layer(&self.conv2d30, pad4_out1);
        let globalaveragepool1_out1 = self.globalaveragepool1.forward(conv2d30_out1.clone());
        let sub1_out1 = conv2d30_out1.clone().sub(globalaveragepool1_out1.clone());
        let mul1_out1 = sub1_out1.clone().mul(sub1_out1);
        let globalaveragepool2_out1 = self.globalaveragepool2.forward(mul1_out1);
        let constant16_out1 = self.constant16.val();
        let add1_out1 = globalaveragepool2_out1.add(constant16_out1.clone());
        let sqrt1_out1 = add1_out1.sqrt();
        let reciprocal1_out1 = sqrt1_out1.recip();
        let mul2_out1 = reciprocal1_out1.mul(conv2d19_out1);
        let mul3_out1 = globalaveragepool1_out1.mul(mul2_out1.clone());
        let sub2_out1 = conv2d20_out1.sub(mul3_out1);
        let mul4_out1 = conv2d30_out1.mul(mul2_out1);
        let add2_out1 = mul4_out1.add(sub2_out1);
        let relu4_out1 = burn::tensor::activation::relu(add2_out1);
        let pad5_out1 = crate::kernels::reflect_pad(
            relu4_out1,
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d31_out1 = crate::kernels::conv2d_layer(&self.conv2d31, pad5_out1);
        let globalaveragepool3_out1 = self.globalaveragepool3.forward(conv2d31_out1.clone());
        let sub3_out1 = conv2d31_out1.clone().sub(globalaveragepool3_out1.clone());
        let mul5_out1 = sub3_out1.clone().mul(sub3_out1);
        let globalaveragepool4_out1 = self.globalaveragepool4.forward(mul5_out1);
        let add3_out1 = globalaveragepool4_out1.add(constant16_out1.clone());
        let sqrt2_out1 = add3_out1.sqrt();
        let reciprocal2_out1 = sqrt2_out1.recip();
        let mul6_out1 = reciprocal2_out1.mul(conv2d17_out1);
        let mul7_out1 = globalaveragepool3_out1.mul(mul6_out1.clone());
        let sub4_out1 = conv2d18_out1.sub(mul7_out1);
        let mul8_out1 = conv2d31_out1.mul(mul6_out1);
        let add4_out1 = mul8_out1.add(sub4_out1);
        let add5_out1 = relu3_out1.add(add4_out1);
        let pad6_out1 = crate::kernels::reflect_pad(
            add5_out1.clone(),
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d32_out1 = crate::kernels::conv2d_layer(&self.conv2d32, pad6_out1);
        let globalaveragepool5_out1 = self.globalaveragepool5.forward(conv2d32_out1.clone());
        let reshape6_out1 = globalaveragepool5_out1.clone().reshape([1, 32, 1, 1]);
        let sub5_out1 = conv2d32_out1.clone().sub(reshape6_out1);
        let mul9_out1 = sub5_out1.clone().mul(sub5_out1);
        let globalaveragepool6_out1 = self.globalaveragepool6.forward(mul9_out1);
        let add6_out1 = globalaveragepool6_out1.add(constant16_out1.clone());
        let sqrt3_out1 = add6_out1.sqrt();
        let reciprocal3_out1 = sqrt3_out1.recip();
        let mul10_out1 = reciprocal3_out1.mul(conv2d15_out1);
        let mul11_out1 = globalaveragepool5_out1.mul(mul10_out1.clone());
        let sub6_out1 = conv2d16_out1.sub(mul11_out1);
        let mul12_out1 = conv2d32_out1.mul(mul10_out1);
        let add7_out1 = mul12_out1.add(sub6_out1);
        let relu5_out1 = burn::tensor::activation::relu(add7_out1);
        let pad7_out1 = crate::kernels::reflect_pad(
            relu5_out1,
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d33_out1 = crate::kernels::conv2d_layer(&self.conv2d33, pad7_out1);
        let globalaveragepool7_out1 = self.globalaveragepool7.forward(conv2d33_out1.clone());
        let reshape7_out1 = globalaveragepool7_out1.clone().reshape([1, 32, 1, 1]);
        let sub7_out1 = conv2d33_out1.clone().sub(reshape7_out1);
        let mul13_out1 = sub7_out1.clone().mul(sub7_out1);
        let globalaveragepool8_out1 = self.globalaveragepool8.forward(mul13_out1);
        let add8_out1 = globalaveragepool8_out1.add(constant16_out1.clone());
        let sqrt4_out1 = add8_out1.sqrt();
        let reciprocal4_out1 = sqrt4_out1.recip();
        let mul14_out1 = reciprocal4_out1.mul(conv2d13_out1);
        let mul15_out1 = globalaveragepool7_out1.mul(mul14_out1.clone());
        let reshape8_out1 = mul15_out1.reshape([1, 32, 1, 1]);
        let sub8_out1 = conv2d14_out1.sub(reshape8_out1);
        let mul16_out1 = conv2d33_out1.mul(mul14_out1);
        let add9_out1 = mul16_out1.add(sub8_out1);
        let add10_out1 = add5_out1.add(add9_out1);
        let pad8_out1 = crate::kernels::reflect_pad(
            add10_out1.clone(),
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d34_out1 = crate::kernels::conv2d_layer(&self.conv2d34, pad8_out1);
        let globalaveragepool9_out1 = self.globalaveragepool9.forward(conv2d34_out1.clone());
        let reshape9_out1 = globalaveragepool9_out1.clone().reshape([1, 32, 1, 1]);
        let sub9_out1 = conv2d34_out1.clone().sub(reshape9_out1);
        let mul17_out1 = sub9_out1.clone().mul(sub9_out1);
        let globalaveragepool10_out1 = self.globalaveragepool10.forward(mul17_out1);
        let add11_out1 = globalaveragepool10_out1.add(constant16_out1.clone());
        let sqrt5_out1 = add11_out1.sqrt();
        let reciprocal5_out1 = sqrt5_out1.recip();
        let mul18_out1 = reciprocal5_out1.mul(conv2d11_out1);
        let mul19_out1 = globalaveragepool9_out1.mul(mul18_out1.clone());
        let reshape10_out1 = mul19_out1.reshape([1, 32, 1, 1]);
        let sub10_out1 = conv2d12_out1.sub(reshape10_out1);
        let mul20_out1 = conv2d34_out1.mul(mul18_out1);
        let add12_out1 = mul20_out1.add(sub10_out1);
        let relu6_out1 = burn::tensor::activation::relu(add12_out1);
        let pad9_out1 = crate::kernels::reflect_pad(
            relu6_out1,
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d35_out1 = crate::kernels::conv2d_layer(&self.conv2d35, pad9_out1);
        let globalaveragepool11_out1 = self.globalaveragepool11.forward(conv2d35_out1.clone());
        let reshape11_out1 = globalaveragepool11_out1.clone().reshape([1, 32, 1, 1]);
        let sub11_out1 = conv2d35_out1.clone().sub(reshape11_out1);
        let mul21_out1 = sub11_out1.clone().mul(sub11_out1);
        let globalaveragepool12_out1 = self.globalaveragepool12.forward(mul21_out1);
        let add13_out1 = globalaveragepool12_out1.add(constant16_out1.clone());
        let sqrt6_out1 = add13_out1.sqrt();
        let reciprocal6_out1 = sqrt6_out1.recip();
        let mul22_out1 = reciprocal6_out1.mul(conv2d9_out1);
        let mul23_out1 = globalaveragepool11_out1.mul(mul22_out1.clone());
        let reshape12_out1 = mul23_out1.reshape([1, 32, 1, 1]);
        let sub12_out1 = conv2d10_out1.sub(reshape12_out1);
        let mul24_out1 = conv2d35_out1.mul(mul22_out1);
        let add14_out1 = mul24_out1.add(sub12_out1);
        let add15_out1 = add10_out1.add(add14_out1);
        let pad10_out1 = crate::kernels::reflect_pad(
            add15_out1.clone(),
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d36_out1 = crate::kernels::conv2d_layer(&self.conv2d36, pad10_out1);
        let globalaveragepool13_out1 = self.globalaveragepool13.forward(conv2d36_out1.clone());
        let reshape13_out1 = globalaveragepool13_out1.clone().reshape([1, 32, 1, 1]);
        let sub13_out1 = conv2d36_out1.clone().sub(reshape13_out1);
        let mul25_out1 = sub13_out1.clone().mul(sub13_out1);
        let globalaveragepool14_out1 = self.globalaveragepool14.forward(mul25_out1);
        let add16_out1 = globalaveragepool14_out1.add(constant16_out1.clone());
        let sqrt7_out1 = add16_out1.sqrt();
        let reciprocal7_out1 = sqrt7_out1.recip();
        let mul26_out1 = reciprocal7_out1.mul(conv2d7_out1);
        let mul27_out1 = globalaveragepool13_out1.mul(mul26_out1.clone());
        let reshape14_out1 = mul27_out1.reshape([1, 32, 1, 1]);
        let sub14_out1 = conv2d8_out1.sub(reshape14_out1);
        let mul28_out1 = conv2d36_out1.mul(mul26_out1);
        let add17_out1 = mul28_out1.add(sub14_out1);
        let relu7_out1 = burn::tensor::activation::relu(add17_out1);
        let pad11_out1 = crate::kernels::reflect_pad(
            relu7_out1,
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d37_out1 = crate::kernels::conv2d_layer(&self.conv2d37, pad11_out1);
        let globalaveragepool15_out1 = self.globalaveragepool15.forward(conv2d37_out1.clone());
        let reshape15_out1 = globalaveragepool15_out1.clone().reshape([1, 32, 1, 1]);
        let sub15_out1 = conv2d37_out1.clone().sub(reshape15_out1);
        let mul29_out1 = sub15_out1.clone().mul(sub15_out1);
        let globalaveragepool16_out1 = self.globalaveragepool16.forward(mul29_out1);
        let add18_out1 = globalaveragepool16_out1.add(constant16_out1.clone());
        let sqrt8_out1 = add18_out1.sqrt();
        let reciprocal8_out1 = sqrt8_out1.recip();
        let mul30_out1 = reciprocal8_out1.mul(conv2d5_out1);
        let mul31_out1 = globalaveragepool15_out1.mul(mul30_out1.clone());
        let reshape16_out1 = mul31_out1.reshape([1, 32, 1, 1]);
        let sub16_out1 = conv2d6_out1.sub(reshape16_out1);
        let mul32_out1 = conv2d37_out1.mul(mul30_out1);
        let add19_out1 = mul32_out1.add(sub16_out1);
        let add20_out1 = add15_out1.add(add19_out1);
        let pad12_out1 = crate::kernels::reflect_pad(
            add20_out1.clone(),
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d38_out1 = crate::kernels::conv2d_layer(&self.conv2d38, pad12_out1);
        let globalaveragepool17_out1 = self.globalaveragepool17.forward(conv2d38_out1.clone());
        let reshape17_out1 = globalaveragepool17_out1.clone().reshape([1, 32, 1, 1]);
        let sub17_out1 = conv2d38_out1.clone().sub(reshape17_out1);
        let mul33_out1 = sub17_out1.clone().mul(sub17_out1);
        let globalaveragepool18_out1 = self.globalaveragepool18.forward(mul33_out1);
        let add21_out1 = globalaveragepool18_out1.add(constant16_out1.clone());
        let sqrt9_out1 = add21_out1.sqrt();
        let reciprocal9_out1 = sqrt9_out1.recip();
        let mul34_out1 = reciprocal9_out1.mul(conv2d3_out1);
        let mul35_out1 = globalaveragepool17_out1.mul(mul34_out1.clone());
        let reshape18_out1 = mul35_out1.reshape([1, 32, 1, 1]);
        let sub18_out1 = conv2d4_out1.sub(reshape18_out1);
        let mul36_out1 = conv2d38_out1.mul(mul34_out1);
        let add22_out1 = mul36_out1.add(sub18_out1);
        (
            add22_out1,
            constant16_out1,
            conv2d1_out1,
            conv2d2_out1,
            add20_out1,
            conv2d25_out1,
            conv2d26_out1,
            conv2d23_out1,
            conv2d24_out1,
            conv2d21_out1,
            conv2d22_out1,
        )
    }
}
#[derive(Module, Debug)]
pub struct Submodule2 {
    conv2d39: Conv2d,
    globalaveragepool19: AdaptiveAvgPool2d,
    globalaveragepool20: AdaptiveAvgPool2d,
    resize1: burn::nn::interpolate::Interpolate2d,
    conv2d40: Conv2d,
    globalaveragepool21: AdaptiveAvgPool2d,
    globalaveragepool22: AdaptiveAvgPool2d,
    resize2: burn::nn::interpolate::Interpolate2d,
    conv2d41: Conv2d,
    globalaveragepool23: AdaptiveAvgPool2d,
    globalaveragepool24: AdaptiveAvgPool2d,
    resize3: burn::nn::interpolate::Interpolate2d,
    conv2d42: Conv2d,
    globalaveragepool25: AdaptiveAvgPool2d,
    globalaveragepool26: AdaptiveAvgPool2d,
    #[module(skip)]
    device: Device,
}
impl Submodule2 {
    #[allow(unused_variables)]
    pub fn new(device: &Device) -> Self {
        let conv2d39 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool19 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let globalaveragepool20 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let resize1 = burn::nn::interpolate::Interpolate2dConfig::new()
            .with_output_size(None)
            .with_scale_factor(Some([2.0, 2.0]))
            .with_mode(burn::nn::interpolate::InterpolateMode::Nearest)
            .with_align_corners(false)
            .init();
        let conv2d40 = Conv2dConfig::new([32, 16], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool21 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let globalaveragepool22 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let resize2 = burn::nn::interpolate::Interpolate2dConfig::new()
            .with_output_size(None)
            .with_scale_factor(Some([2.0, 2.0]))
            .with_mode(burn::nn::interpolate::InterpolateMode::Nearest)
            .with_align_corners(false)
            .init();
        let conv2d41 = Conv2dConfig::new([16, 8], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool23 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let globalaveragepool24 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let resize3 = burn::nn::interpolate::Interpolate2dConfig::new()
            .with_output_size(None)
            .with_scale_factor(Some([1.0, 1.0]))
            .with_mode(burn::nn::interpolate::InterpolateMode::Nearest)
            .with_align_corners(false)
            .init();
        let conv2d42 = Conv2dConfig::new([8, 3], [9, 9])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool25 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let globalaveragepool26 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        Self {
            conv2d39,
            globalaveragepool19,
            globalaveragepool20,
            resize1,
            conv2d40,
            globalaveragepool21,
            globalaveragepool22,
            resize2,
            conv2d41,
            globalaveragepool23,
            globalaveragepool24,
            resize3,
            conv2d42,
            globalaveragepool25,
            globalaveragepool26,
            device: device.clone(),
        }
    }
    #[allow(clippy::let_and_return, clippy::approx_constant)]
    pub fn forward(
        &self,
        add22_out1: Tensor<4>,
        constant16_out1: Tensor<4>,
        conv2d1_out1: Tensor<4>,
        conv2d2_out1: Tensor<4>,
        add20_out1: Tensor<4>,
        conv2d25_out1: Tensor<4>,
        conv2d26_out1: Tensor<4>,
        conv2d23_out1: Tensor<4>,
        conv2d24_out1: Tensor<4>,
        conv2d21_out1: Tensor<4>,
        conv2d22_out1: Tensor<4>,
    ) -> Tensor<4> {
        let relu8_out1 = burn::tensor::activation::relu(add22_out1);
        let pad13_out1 = crate::kernels::reflect_pad(
            relu8_out1,
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d39_out1 = crate::kernels::conv2d_layer(&self.conv2d39, pad13_out1);
        let globalaveragepool19_out1 = self.globalaveragepool19.forward(conv2d39_out1.clone());
        let reshape19_out1 = globalaveragepool19_out1.clone().reshape([1, 32, 1, 1]);
        let sub19_out1 = conv2d39_out1.clone().sub(reshape19_out1);
        let mul37_out1 = sub19_out1.clone().mul(sub19_out1);
        let globalaveragepool20_out1 = self.globalaveragepool20.forward(mul37_out1);
        let add23_out1 = globalaveragepool20_out1.add(constant16_out1.clone());
        let sqrt10_out1 = add23_out1.sqrt();
        let reciprocal10_out1 = sqrt10_out1.recip();
        let mul38_out1 = reciprocal10_out1.mul(conv2d1_out1);
        let mul39_out1 = globalaveragepool19_out1.mul(mul38_out1.clone());
        let reshape20_out1 = mul39_out1.reshape([1, 32, 1, 1]);
        let sub20_out1 = conv2d2_out1.sub(reshape20_out1);
        let mul40_out1 = conv2d39_out1.mul(mul38_out1);
        let add24_out1 = mul40_out1.add(sub20_out1);
        let add25_out1 = add20_out1.add(add24_out1);
        let resize1_out1 = self.resize1.forward(add25_out1);
        let pad14_out1 = crate::kernels::reflect_pad(
            resize1_out1,
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d40_out1 = crate::kernels::conv2d_layer(&self.conv2d40, pad14_out1);
        let globalaveragepool21_out1 = self.globalaveragepool21.forward(conv2d40_out1.clone());
        let reshape21_out1 = globalaveragepool21_out1.clone().reshape([1, 16, 1, 1]);
        let sub21_out1 = conv2d40_out1.clone().sub(reshape21_out1);
        let mul41_out1 = sub21_out1.clone().mul(sub21_out1);
        let globalaveragepool22_out1 = self.globalaveragepool22.forward(mul41_out1);
        let add26_out1 = globalaveragepool22_out1.add(constant16_out1.clone());
        let sqrt11_out1 = add26_out1.sqrt();
        let reciprocal11_out1 = sqrt11_out1.recip();
        let mul42_out1 = reciprocal11_out1.mul(conv2d25_out1);
        let mul43_out1 = globalaveragepool21_out1.mul(mul42_out1.clone());
        let reshape22_out1 = mul43_out1.reshape([1, 16, 1, 1]);
        let sub22_out1 = conv2d26_out1.sub(reshape22_out1);
        let mul44_out1 = conv2d40_out1.mul(mul42_out1);
        let add27_out1 = mul44_out1.add(sub22_out1);
        let relu9_out1 = burn::tensor::activation::relu(add27_out1);
        let resize2_out1 = self.resize2.forward(relu9_out1);
        let pad15_out1 = crate::kernels::reflect_pad(
            resize2_out1,
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (1usize, 1usize),
                (1usize, 1usize),
            ],
        );
        let conv2d41_out1 = crate::kernels::conv2d_layer(&self.conv2d41, pad15_out1);
        let globalaveragepool23_out1 = self.globalaveragepool23.forward(conv2d41_out1.clone());
        let reshape23_out1 = globalaveragepool23_out1.clone().reshape([1, 8, 1, 1]);
        let sub23_out1 = conv2d41_out1.clone().sub(reshape23_out1);
        let mul45_out1 = sub23_out1.clone().mul(sub23_out1);
        let globalaveragepool24_out1 = self.globalaveragepool24.forward(mul45_out1);
        let add28_out1 = globalaveragepool24_out1.add(constant16_out1.clone());
        let sqrt12_out1 = add28_out1.sqrt();
        let reciprocal12_out1 = sqrt12_out1.recip();
        let mul46_out1 = reciprocal12_out1.mul(conv2d23_out1);
        let mul47_out1 = globalaveragepool23_out1.mul(mul46_out1.clone());
        let reshape24_out1 = mul47_out1.reshape([1, 8, 1, 1]);
        let sub24_out1 = conv2d24_out1.sub(reshape24_out1);
        let mul48_out1 = conv2d41_out1.mul(mul46_out1);
        let add29_out1 = mul48_out1.add(sub24_out1);
        let relu10_out1 = burn::tensor::activation::relu(add29_out1);
        let resize3_out1 = self.resize3.forward(relu10_out1);
        let pad16_out1 = crate::kernels::reflect_pad(
            resize3_out1,
            [
                (0usize, 0usize),
                (0usize, 0usize),
                (4usize, 4usize),
                (4usize, 4usize),
            ],
        );
        let conv2d42_out1 = crate::kernels::conv2d_layer(&self.conv2d42, pad16_out1);
        let globalaveragepool25_out1 = self.globalaveragepool25.forward(conv2d42_out1.clone());
        let reshape25_out1 = globalaveragepool25_out1.clone().reshape([1, 3, 1, 1]);
        let sub25_out1 = conv2d42_out1.clone().sub(reshape25_out1);
        let mul49_out1 = sub25_out1.clone().mul(sub25_out1);
        let globalaveragepool26_out1 = self.globalaveragepool26.forward(mul49_out1);
        let add30_out1 = globalaveragepool26_out1.add(constant16_out1);
        let sqrt13_out1 = add30_out1.sqrt();
        let reciprocal13_out1 = sqrt13_out1.recip();
        let mul50_out1 = reciprocal13_out1.mul(conv2d21_out1);
        let mul51_out1 = globalaveragepool25_out1.mul(mul50_out1.clone());
        let reshape26_out1 = mul51_out1.reshape([1, 3, 1, 1]);
        let sub26_out1 = conv2d22_out1.sub(reshape26_out1);
        let mul52_out1 = conv2d42_out1.mul(mul50_out1);
        let add31_out1 = mul52_out1.add(sub26_out1);
        let sigmoid1_out1 = burn::tensor::activation::sigmoid(add31_out1);
        let transpose2_out1 = sigmoid1_out1.permute([0, 2, 3, 1]);
        transpose2_out1
    }
}

#[derive(Module, Debug)]
pub struct Model {
    submodule1: Submodule1,
    submodule2: Submodule2,
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
        Self {
            submodule1,
            submodule2,
            device: device.clone(),
        }
    }

    #[allow(clippy::let_and_return, clippy::approx_constant)]
    pub fn forward(
        &self,
        content_image: Tensor<4>,
        mobilenet_conv_conv_bias_add: Tensor<4>,
    ) -> Tensor<4> {
        let (
            add22_out1,
            constant16_out1,
            conv2d1_out1,
            conv2d2_out1,
            add20_out1,
            conv2d25_out1,
            conv2d26_out1,
            conv2d23_out1,
            conv2d24_out1,
            conv2d21_out1,
            conv2d22_out1,
        ) = self
            .submodule1
            .forward(mobilenet_conv_conv_bias_add, content_image);
        let transpose2_out1 = self.submodule2.forward(
            add22_out1,
            constant16_out1,
            conv2d1_out1,
            conv2d2_out1,
            add20_out1,
            conv2d25_out1,
            conv2d26_out1,
            conv2d23_out1,
            conv2d24_out1,
            conv2d21_out1,
            conv2d22_out1,
        );
        transpose2_out1
    }
}
