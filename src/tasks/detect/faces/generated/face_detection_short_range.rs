// Generated from ONNX "face_detection_short_range.onnx" by burn-onnx 0.22.0 (tools/onnx-convert)
extern crate alloc;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2d;
use burn::nn::conv::Conv2dConfig;
use burn::nn::pool::MaxPool2d;
use burn::nn::pool::MaxPool2dConfig;
use burn::prelude::*;
use burn::store::BurnpackStore;
use burn::store::ModuleSnapshot;
use burn::tensor::Bytes;

#[derive(Module, Debug)]
pub struct Model {
    conv2d1: Conv2d,
    conv2d2: Conv2d,
    conv2d3: Conv2d,
    conv2d4: Conv2d,
    conv2d5: Conv2d,
    conv2d6: Conv2d,
    maxpool2d1: MaxPool2d,
    conv2d7: Conv2d,
    conv2d8: Conv2d,
    conv2d9: Conv2d,
    conv2d10: Conv2d,
    conv2d11: Conv2d,
    conv2d12: Conv2d,
    maxpool2d2: MaxPool2d,
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
    maxpool2d3: MaxPool2d,
    conv2d25: Conv2d,
    conv2d26: Conv2d,
    conv2d27: Conv2d,
    conv2d28: Conv2d,
    conv2d29: Conv2d,
    conv2d30: Conv2d,
    conv2d31: Conv2d,
    conv2d32: Conv2d,
    conv2d33: Conv2d,
    conv2d34: Conv2d,
    conv2d35: Conv2d,
    conv2d36: Conv2d,
    conv2d37: Conv2d,
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
        let conv2d1 = Conv2dConfig::new([3, 24], [5, 5])
            .with_stride([2, 2])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 2, 2))
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d2 = Conv2dConfig::new([24, 24], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(24)
            .with_bias(true)
            .init(device);
        let conv2d3 = Conv2dConfig::new([24, 24], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d4 = Conv2dConfig::new([24, 24], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(24)
            .with_bias(true)
            .init(device);
        let conv2d5 = Conv2dConfig::new([24, 28], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d6 = Conv2dConfig::new([28, 28], [3, 3])
            .with_stride([2, 2])
            .with_padding(PaddingConfig2d::Explicit(0, 0, 1, 1))
            .with_dilation([1, 1])
            .with_groups(28)
            .with_bias(true)
            .init(device);
        let maxpool2d1 = MaxPool2dConfig::new([2, 2])
            .with_strides([2, 2])
            .with_padding(PaddingConfig2d::Explicit(0, 0, 0, 0))
            .with_dilation([1, 1])
            .with_ceil_mode(false)
            .init();
        let conv2d7 = Conv2dConfig::new([28, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d8 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(32)
            .with_bias(true)
            .init(device);
        let conv2d9 = Conv2dConfig::new([32, 36], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d10 = Conv2dConfig::new([36, 36], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(36)
            .with_bias(true)
            .init(device);
        let conv2d11 = Conv2dConfig::new([36, 42], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d12 = Conv2dConfig::new([42, 42], [3, 3])
            .with_stride([2, 2])
            .with_padding(PaddingConfig2d::Explicit(0, 0, 1, 1))
            .with_dilation([1, 1])
            .with_groups(42)
            .with_bias(true)
            .init(device);
        let maxpool2d2 = MaxPool2dConfig::new([2, 2])
            .with_strides([2, 2])
            .with_padding(PaddingConfig2d::Explicit(0, 0, 0, 0))
            .with_dilation([1, 1])
            .with_ceil_mode(false)
            .init();
        let conv2d13 = Conv2dConfig::new([42, 48], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d14 = Conv2dConfig::new([48, 48], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(48)
            .with_bias(true)
            .init(device);
        let conv2d15 = Conv2dConfig::new([48, 56], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d16 = Conv2dConfig::new([56, 56], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(56)
            .with_bias(true)
            .init(device);
        let conv2d17 = Conv2dConfig::new([56, 64], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d18 = Conv2dConfig::new([64, 64], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(64)
            .with_bias(true)
            .init(device);
        let conv2d19 = Conv2dConfig::new([64, 72], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d20 = Conv2dConfig::new([72, 72], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(72)
            .with_bias(true)
            .init(device);
        let conv2d21 = Conv2dConfig::new([72, 80], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d22 = Conv2dConfig::new([80, 80], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(80)
            .with_bias(true)
            .init(device);
        let conv2d23 = Conv2dConfig::new([80, 88], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d24 = Conv2dConfig::new([88, 88], [3, 3])
            .with_stride([2, 2])
            .with_padding(PaddingConfig2d::Explicit(0, 0, 1, 1))
            .with_dilation([1, 1])
            .with_groups(88)
            .with_bias(true)
            .init(device);
        let maxpool2d3 = MaxPool2dConfig::new([2, 2])
            .with_strides([2, 2])
            .with_padding(PaddingConfig2d::Explicit(0, 0, 0, 0))
            .with_dilation([1, 1])
            .with_ceil_mode(false)
            .init();
        let conv2d25 = Conv2dConfig::new([88, 96], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d26 = Conv2dConfig::new([96, 96], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(96)
            .with_bias(true)
            .init(device);
        let conv2d27 = Conv2dConfig::new([96, 96], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d28 = Conv2dConfig::new([96, 96], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(96)
            .with_bias(true)
            .init(device);
        let conv2d29 = Conv2dConfig::new([96, 96], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d30 = Conv2dConfig::new([96, 96], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(96)
            .with_bias(true)
            .init(device);
        let conv2d31 = Conv2dConfig::new([96, 96], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d32 = Conv2dConfig::new([96, 96], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(96)
            .with_bias(true)
            .init(device);
        let conv2d33 = Conv2dConfig::new([96, 96], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d34 = Conv2dConfig::new([88, 2], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d35 = Conv2dConfig::new([96, 6], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d36 = Conv2dConfig::new([88, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d37 = Conv2dConfig::new([96, 96], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        Self {
            conv2d1,
            conv2d2,
            conv2d3,
            conv2d4,
            conv2d5,
            conv2d6,
            maxpool2d1,
            conv2d7,
            conv2d8,
            conv2d9,
            conv2d10,
            conv2d11,
            conv2d12,
            maxpool2d2,
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
            maxpool2d3,
            conv2d25,
            conv2d26,
            conv2d27,
            conv2d28,
            conv2d29,
            conv2d30,
            conv2d31,
            conv2d32,
            conv2d33,
            conv2d34,
            conv2d35,
            conv2d36,
            conv2d37,
            device: device.clone(),
        }
    }

    #[allow(clippy::let_and_return, clippy::approx_constant)]
    pub fn forward(&self, input: Tensor<4>) -> (Tensor<3>, Tensor<3>) {
        let conv2d1_out1 = crate::kernels::conv2d_layer(&self.conv2d1, input);
        let relu1_out1 = burn::tensor::activation::relu(conv2d1_out1);
        let conv2d2_out1 = crate::kernels::conv2d_layer(&self.conv2d2, relu1_out1.clone());
        let conv2d3_out1 = crate::kernels::conv2d_layer(&self.conv2d3, conv2d2_out1);
        let add1_out1 = relu1_out1.add(conv2d3_out1);
        let relu2_out1 = burn::tensor::activation::relu(add1_out1);
        let conv2d4_out1 = crate::kernels::conv2d_layer(&self.conv2d4, relu2_out1.clone());
        let conv2d5_out1 = crate::kernels::conv2d_layer(&self.conv2d5, conv2d4_out1);
        let pad1_out1 = relu2_out1.pad(
            [
                (0usize, 0usize),
                (0usize, 4usize),
                (0usize, 0usize),
                (0usize, 0usize),
            ],
            burn::tensor::ops::PadMode::Constant(0f32),
        );
        let add2_out1 = pad1_out1.add(conv2d5_out1);
        let relu3_out1 = burn::tensor::activation::relu(add2_out1);
        let conv2d6_out1 = crate::kernels::conv2d_layer(&self.conv2d6, relu3_out1.clone());
        let maxpool2d1_out1 = self.maxpool2d1.forward(relu3_out1);
        let conv2d7_out1 = crate::kernels::conv2d_layer(&self.conv2d7, conv2d6_out1);
        let pad2_out1 = maxpool2d1_out1.pad(
            [
                (0usize, 0usize),
                (0usize, 4usize),
                (0usize, 0usize),
                (0usize, 0usize),
            ],
            burn::tensor::ops::PadMode::Constant(0f32),
        );
        let add3_out1 = pad2_out1.add(conv2d7_out1);
        let relu4_out1 = burn::tensor::activation::relu(add3_out1);
        let conv2d8_out1 = crate::kernels::conv2d_layer(&self.conv2d8, relu4_out1.clone());
        let conv2d9_out1 = crate::kernels::conv2d_layer(&self.conv2d9, conv2d8_out1);
        let pad3_out1 = relu4_out1.pad(
            [
                (0usize, 0usize),
                (0usize, 4usize),
                (0usize, 0usize),
                (0usize, 0usize),
            ],
            burn::tensor::ops::PadMode::Constant(0f32),
        );
        let add4_out1 = pad3_out1.add(conv2d9_out1);
        let relu5_out1 = burn::tensor::activation::relu(add4_out1);
        let conv2d10_out1 = crate::kernels::conv2d_layer(&self.conv2d10, relu5_out1.clone());
        let conv2d11_out1 = crate::kernels::conv2d_layer(&self.conv2d11, conv2d10_out1);
        let pad4_out1 = relu5_out1.pad(
            [
                (0usize, 0usize),
                (0usize, 6usize),
                (0usize, 0usize),
                (0usize, 0usize),
            ],
            burn::tensor::ops::PadMode::Constant(0f32),
        );
        let add5_out1 = pad4_out1.add(conv2d11_out1);
        let relu6_out1 = burn::tensor::activation::relu(add5_out1);
        let conv2d12_out1 = crate::kernels::conv2d_layer(&self.conv2d12, relu6_out1.clone());
        let maxpool2d2_out1 = self.maxpool2d2.forward(relu6_out1);
        let conv2d13_out1 = crate::kernels::conv2d_layer(&self.conv2d13, conv2d12_out1);
        let pad5_out1 = maxpool2d2_out1.pad(
            [
                (0usize, 0usize),
                (0usize, 6usize),
                (0usize, 0usize),
                (0usize, 0usize),
            ],
            burn::tensor::ops::PadMode::Constant(0f32),
        );
        let add6_out1 = pad5_out1.add(conv2d13_out1);
        let relu7_out1 = burn::tensor::activation::relu(add6_out1);
        let conv2d14_out1 = crate::kernels::conv2d_layer(&self.conv2d14, relu7_out1.clone());
        let conv2d15_out1 = crate::kernels::conv2d_layer(&self.conv2d15, conv2d14_out1);
        let pad6_out1 = relu7_out1.pad(
            [
                (0usize, 0usize),
                (0usize, 8usize),
                (0usize, 0usize),
                (0usize, 0usize),
            ],
            burn::tensor::ops::PadMode::Constant(0f32),
        );
        let add7_out1 = pad6_out1.add(conv2d15_out1);
        let relu8_out1 = burn::tensor::activation::relu(add7_out1);
        let conv2d16_out1 = crate::kernels::conv2d_layer(&self.conv2d16, relu8_out1.clone());
        let conv2d17_out1 = crate::kernels::conv2d_layer(&self.conv2d17, conv2d16_out1);
        let pad7_out1 = relu8_out1.pad(
            [
                (0usize, 0usize),
                (0usize, 8usize),
                (0usize, 0usize),
                (0usize, 0usize),
            ],
            burn::tensor::ops::PadMode::Constant(0f32),
        );
        let add8_out1 = pad7_out1.add(conv2d17_out1);
        let relu9_out1 = burn::tensor::activation::relu(add8_out1);
        let conv2d18_out1 = crate::kernels::conv2d_layer(&self.conv2d18, relu9_out1.clone());
        let conv2d19_out1 = crate::kernels::conv2d_layer(&self.conv2d19, conv2d18_out1);
        let pad8_out1 = relu9_out1.pad(
            [
                (0usize, 0usize),
                (0usize, 8usize),
                (0usize, 0usize),
                (0usize, 0usize),
            ],
            burn::tensor::ops::PadMode::Constant(0f32),
        );
        let add9_out1 = pad8_out1.add(conv2d19_out1);
        let relu10_out1 = burn::tensor::activation::relu(add9_out1);
        let conv2d20_out1 = crate::kernels::conv2d_layer(&self.conv2d20, relu10_out1.clone());
        let conv2d21_out1 = crate::kernels::conv2d_layer(&self.conv2d21, conv2d20_out1);
        let pad9_out1 = relu10_out1.pad(
            [
                (0usize, 0usize),
                (0usize, 8usize),
                (0usize, 0usize),
                (0usize, 0usize),
            ],
            burn::tensor::ops::PadMode::Constant(0f32),
        );
        let add10_out1 = pad9_out1.add(conv2d21_out1);
        let relu11_out1 = burn::tensor::activation::relu(add10_out1);
        let conv2d22_out1 = crate::kernels::conv2d_layer(&self.conv2d22, relu11_out1.clone());
        let conv2d23_out1 = crate::kernels::conv2d_layer(&self.conv2d23, conv2d22_out1);
        let pad10_out1 = relu11_out1.pad(
            [
                (0usize, 0usize),
                (0usize, 8usize),
                (0usize, 0usize),
                (0usize, 0usize),
            ],
            burn::tensor::ops::PadMode::Constant(0f32),
        );
        let add11_out1 = pad10_out1.add(conv2d23_out1);
        let relu12_out1 = burn::tensor::activation::relu(add11_out1);
        let conv2d24_out1 = crate::kernels::conv2d_layer(&self.conv2d24, relu12_out1.clone());
        let maxpool2d3_out1 = self.maxpool2d3.forward(relu12_out1.clone());
        let conv2d25_out1 = crate::kernels::conv2d_layer(&self.conv2d25, conv2d24_out1);
        let pad11_out1 = maxpool2d3_out1.pad(
            [
                (0usize, 0usize),
                (0usize, 8usize),
                (0usize, 0usize),
                (0usize, 0usize),
            ],
            burn::tensor::ops::PadMode::Constant(0f32),
        );
        let add12_out1 = pad11_out1.add(conv2d25_out1);
        let relu13_out1 = burn::tensor::activation::relu(add12_out1);
        let conv2d26_out1 = crate::kernels::conv2d_layer(&self.conv2d26, relu13_out1.clone());
        let conv2d27_out1 = crate::kernels::conv2d_layer(&self.conv2d27, conv2d26_out1);
        let add13_out1 = relu13_out1.add(conv2d27_out1);
        let relu14_out1 = burn::tensor::activation::relu(add13_out1);
        let conv2d28_out1 = crate::kernels::conv2d_layer(&self.conv2d28, relu14_out1.clone());
        let conv2d29_out1 = crate::kernels::conv2d_layer(&self.conv2d29, conv2d28_out1);
        let add14_out1 = relu14_out1.add(conv2d29_out1);
        let relu15_out1 = burn::tensor::activation::relu(add14_out1);
        let conv2d30_out1 = crate::kernels::conv2d_layer(&self.conv2d30, relu15_out1.clone());
        let conv2d31_out1 = crate::kernels::conv2d_layer(&self.conv2d31, conv2d30_out1);
        let add15_out1 = relu15_out1.add(conv2d31_out1);
        let relu16_out1 = burn::tensor::activation::relu(add15_out1);
        let conv2d32_out1 = crate::kernels::conv2d_layer(&self.conv2d32, relu16_out1.clone());
        let conv2d33_out1 = crate::kernels::conv2d_layer(&self.conv2d33, conv2d32_out1);
        let add16_out1 = relu16_out1.add(conv2d33_out1);
        let relu17_out1 = burn::tensor::activation::relu(add16_out1);
        let conv2d34_out1 = crate::kernels::conv2d_layer(&self.conv2d34, relu12_out1.clone());
        let conv2d35_out1 = crate::kernels::conv2d_layer(&self.conv2d35, relu17_out1.clone());
        let conv2d36_out1 = crate::kernels::conv2d_layer(&self.conv2d36, relu12_out1);
        let conv2d37_out1 = crate::kernels::conv2d_layer(&self.conv2d37, relu17_out1);
        let transpose1_out1 = conv2d34_out1.permute([0, 2, 3, 1]);
        let reshape1_out1 = transpose1_out1.reshape([1, -1, 1]);
        let transpose2_out1 = conv2d35_out1.permute([0, 2, 3, 1]);
        let reshape2_out1 = transpose2_out1.reshape([1, -1, 1]);
        let transpose3_out1 = conv2d36_out1.permute([0, 2, 3, 1]);
        let reshape3_out1 = transpose3_out1.reshape([1, -1, 16]);
        let transpose4_out1 = conv2d37_out1.permute([0, 2, 3, 1]);
        let reshape4_out1 = transpose4_out1.reshape([1, -1, 16]);
        let concat1_out1 = burn::tensor::Tensor::cat([reshape1_out1, reshape2_out1].into(), 1);
        let concat2_out1 = burn::tensor::Tensor::cat([reshape3_out1, reshape4_out1].into(), 1);
        (concat2_out1, concat1_out1)
    }
}
