// Generated from ONNX "arbitrary_predict_f32.onnx" by burn-onnx 0.22.0 (tools/onnx-convert)
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
pub struct Model {
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
    conv2d31: Conv2d,
    conv2d32: Conv2d,
    conv2d33: Conv2d,
    conv2d34: Conv2d,
    conv2d35: Conv2d,
    conv2d36: Conv2d,
    conv2d37: Conv2d,
    conv2d38: Conv2d,
    conv2d39: Conv2d,
    conv2d40: Conv2d,
    conv2d41: Conv2d,
    conv2d42: Conv2d,
    conv2d43: Conv2d,
    conv2d44: Conv2d,
    conv2d45: Conv2d,
    conv2d46: Conv2d,
    conv2d47: Conv2d,
    conv2d48: Conv2d,
    conv2d49: Conv2d,
    conv2d50: Conv2d,
    conv2d51: Conv2d,
    conv2d52: Conv2d,
    globalaveragepool1: AdaptiveAvgPool2d,
    conv2d53: Conv2d,
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
        let conv2d1 = Conv2dConfig::new([3, 32], [3, 3])
            .with_stride([2, 2])
            .with_padding(PaddingConfig2d::Explicit(0, 0, 1, 1))
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d2 = Conv2dConfig::new([32, 32], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(32)
            .with_bias(true)
            .init(device);
        let conv2d3 = Conv2dConfig::new([32, 16], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d4 = Conv2dConfig::new([16, 96], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d5 = Conv2dConfig::new([96, 96], [3, 3])
            .with_stride([2, 2])
            .with_padding(PaddingConfig2d::Explicit(0, 0, 1, 1))
            .with_dilation([1, 1])
            .with_groups(96)
            .with_bias(true)
            .init(device);
        let conv2d6 = Conv2dConfig::new([96, 24], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d7 = Conv2dConfig::new([24, 144], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d8 = Conv2dConfig::new([144, 144], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(144)
            .with_bias(true)
            .init(device);
        let conv2d9 = Conv2dConfig::new([144, 24], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d10 = Conv2dConfig::new([24, 144], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d11 = Conv2dConfig::new([144, 144], [3, 3])
            .with_stride([2, 2])
            .with_padding(PaddingConfig2d::Explicit(0, 0, 1, 1))
            .with_dilation([1, 1])
            .with_groups(144)
            .with_bias(true)
            .init(device);
        let conv2d12 = Conv2dConfig::new([144, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d13 = Conv2dConfig::new([32, 192], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d14 = Conv2dConfig::new([192, 192], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(192)
            .with_bias(true)
            .init(device);
        let conv2d15 = Conv2dConfig::new([192, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d16 = Conv2dConfig::new([32, 192], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d17 = Conv2dConfig::new([192, 192], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(192)
            .with_bias(true)
            .init(device);
        let conv2d18 = Conv2dConfig::new([192, 32], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d19 = Conv2dConfig::new([32, 192], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d20 = Conv2dConfig::new([192, 192], [3, 3])
            .with_stride([2, 2])
            .with_padding(PaddingConfig2d::Explicit(0, 0, 1, 1))
            .with_dilation([1, 1])
            .with_groups(192)
            .with_bias(true)
            .init(device);
        let conv2d21 = Conv2dConfig::new([192, 64], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d22 = Conv2dConfig::new([64, 384], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d23 = Conv2dConfig::new([384, 384], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(384)
            .with_bias(true)
            .init(device);
        let conv2d24 = Conv2dConfig::new([384, 64], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d25 = Conv2dConfig::new([64, 384], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d26 = Conv2dConfig::new([384, 384], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(384)
            .with_bias(true)
            .init(device);
        let conv2d27 = Conv2dConfig::new([384, 64], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d28 = Conv2dConfig::new([64, 384], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d29 = Conv2dConfig::new([384, 384], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(384)
            .with_bias(true)
            .init(device);
        let conv2d30 = Conv2dConfig::new([384, 64], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d31 = Conv2dConfig::new([64, 384], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d32 = Conv2dConfig::new([384, 384], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(384)
            .with_bias(true)
            .init(device);
        let conv2d33 = Conv2dConfig::new([384, 96], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d34 = Conv2dConfig::new([96, 576], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d35 = Conv2dConfig::new([576, 576], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(576)
            .with_bias(true)
            .init(device);
        let conv2d36 = Conv2dConfig::new([576, 96], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d37 = Conv2dConfig::new([96, 576], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d38 = Conv2dConfig::new([576, 576], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(576)
            .with_bias(true)
            .init(device);
        let conv2d39 = Conv2dConfig::new([576, 96], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d40 = Conv2dConfig::new([96, 576], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d41 = Conv2dConfig::new([576, 576], [3, 3])
            .with_stride([2, 2])
            .with_padding(PaddingConfig2d::Explicit(0, 0, 1, 1))
            .with_dilation([1, 1])
            .with_groups(576)
            .with_bias(true)
            .init(device);
        let conv2d42 = Conv2dConfig::new([576, 160], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d43 = Conv2dConfig::new([160, 960], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d44 = Conv2dConfig::new([960, 960], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(960)
            .with_bias(true)
            .init(device);
        let conv2d45 = Conv2dConfig::new([960, 160], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d46 = Conv2dConfig::new([160, 960], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d47 = Conv2dConfig::new([960, 960], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(960)
            .with_bias(true)
            .init(device);
        let conv2d48 = Conv2dConfig::new([960, 160], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d49 = Conv2dConfig::new([160, 960], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d50 = Conv2dConfig::new([960, 960], [3, 3])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_dilation([1, 1])
            .with_groups(960)
            .with_bias(true)
            .init(device);
        let conv2d51 = Conv2dConfig::new([960, 320], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let conv2d52 = Conv2dConfig::new([320, 1280], [1, 1])
            .with_stride([1, 1])
            .with_padding(PaddingConfig2d::Valid)
            .with_dilation([1, 1])
            .with_groups(1)
            .with_bias(true)
            .init(device);
        let globalaveragepool1 = AdaptiveAvgPool2dConfig::new([1, 1]).init();
        let conv2d53 = Conv2dConfig::new([1280, 100], [1, 1])
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
            conv2d31,
            conv2d32,
            conv2d33,
            conv2d34,
            conv2d35,
            conv2d36,
            conv2d37,
            conv2d38,
            conv2d39,
            conv2d40,
            conv2d41,
            conv2d42,
            conv2d43,
            conv2d44,
            conv2d45,
            conv2d46,
            conv2d47,
            conv2d48,
            conv2d49,
            conv2d50,
            conv2d51,
            conv2d52,
            globalaveragepool1,
            conv2d53,
            device: device.clone(),
        }
    }

    #[allow(clippy::let_and_return, clippy::approx_constant)]
    pub fn forward(&self, style_image: Tensor<4>) -> Tensor<4> {
        let transpose1_out1 = style_image.permute([0, 3, 1, 2]);
        let conv2d1_out1 = crate::kernels::conv2d_layer(&self.conv2d1, transpose1_out1);
        let clip1_out1 = conv2d1_out1.clamp(0f64, 6f64);
        let conv2d2_out1 = crate::kernels::conv2d_layer(&self.conv2d2, clip1_out1);
        let clip2_out1 = conv2d2_out1.clamp(0f64, 6f64);
        let conv2d3_out1 = crate::kernels::conv2d_layer(&self.conv2d3, clip2_out1);
        let conv2d4_out1 = crate::kernels::conv2d_layer(&self.conv2d4, conv2d3_out1);
        let clip3_out1 = conv2d4_out1.clamp(0f64, 6f64);
        let conv2d5_out1 = crate::kernels::conv2d_layer(&self.conv2d5, clip3_out1);
        let clip4_out1 = conv2d5_out1.clamp(0f64, 6f64);
        let conv2d6_out1 = crate::kernels::conv2d_layer(&self.conv2d6, clip4_out1);
        let conv2d7_out1 = crate::kernels::conv2d_layer(&self.conv2d7, conv2d6_out1.clone());
        let clip5_out1 = conv2d7_out1.clamp(0f64, 6f64);
        let conv2d8_out1 = crate::kernels::conv2d_layer(&self.conv2d8, clip5_out1);
        let clip6_out1 = conv2d8_out1.clamp(0f64, 6f64);
        let conv2d9_out1 = crate::kernels::conv2d_layer(&self.conv2d9, clip6_out1);
        let add1_out1 = conv2d9_out1.add(conv2d6_out1);
        let conv2d10_out1 = crate::kernels::conv2d_layer(&self.conv2d10, add1_out1);
        let clip7_out1 = conv2d10_out1.clamp(0f64, 6f64);
        let conv2d11_out1 = crate::kernels::conv2d_layer(&self.conv2d11, clip7_out1);
        let clip8_out1 = conv2d11_out1.clamp(0f64, 6f64);
        let conv2d12_out1 = crate::kernels::conv2d_layer(&self.conv2d12, clip8_out1);
        let conv2d13_out1 = crate::kernels::conv2d_layer(&self.conv2d13, conv2d12_out1.clone());
        let clip9_out1 = conv2d13_out1.clamp(0f64, 6f64);
        let conv2d14_out1 = crate::kernels::conv2d_layer(&self.conv2d14, clip9_out1);
        let clip10_out1 = conv2d14_out1.clamp(0f64, 6f64);
        let conv2d15_out1 = crate::kernels::conv2d_layer(&self.conv2d15, clip10_out1);
        let add2_out1 = conv2d15_out1.add(conv2d12_out1);
        let conv2d16_out1 = crate::kernels::conv2d_layer(&self.conv2d16, add2_out1.clone());
        let clip11_out1 = conv2d16_out1.clamp(0f64, 6f64);
        let conv2d17_out1 = crate::kernels::conv2d_layer(&self.conv2d17, clip11_out1);
        let clip12_out1 = conv2d17_out1.clamp(0f64, 6f64);
        let conv2d18_out1 = crate::kernels::conv2d_layer(&self.conv2d18, clip12_out1);
        let add3_out1 = conv2d18_out1.add(add2_out1);
        let conv2d19_out1 = crate::kernels::conv2d_layer(&self.conv2d19, add3_out1);
        let clip13_out1 = conv2d19_out1.clamp(0f64, 6f64);
        let conv2d20_out1 = crate::kernels::conv2d_layer(&self.conv2d20, clip13_out1);
        let clip14_out1 = conv2d20_out1.clamp(0f64, 6f64);
        let conv2d21_out1 = crate::kernels::conv2d_layer(&self.conv2d21, clip14_out1);
        let conv2d22_out1 = crate::kernels::conv2d_layer(&self.conv2d22, conv2d21_out1.clone());
        let clip15_out1 = conv2d22_out1.clamp(0f64, 6f64);
        let conv2d23_out1 = crate::kernels::conv2d_layer(&self.conv2d23, clip15_out1);
        let clip16_out1 = conv2d23_out1.clamp(0f64, 6f64);
        let conv2d24_out1 = crate::kernels::conv2d_layer(&self.conv2d24, clip16_out1);
        let add4_out1 = conv2d24_out1.add(conv2d21_out1);
        let conv2d25_out1 = crate::kernels::conv2d_layer(&self.conv2d25, add4_out1.clone());
        let clip17_out1 = conv2d25_out1.clamp(0f64, 6f64);
        let conv2d26_out1 = crate::kernels::conv2d_layer(&self.conv2d26, clip17_out1);
        let clip18_out1 = conv2d26_out1.clamp(0f64, 6f64);
        let conv2d27_out1 = crate::kernels::conv2d_layer(&self.conv2d27, clip18_out1);
        let add5_out1 = conv2d27_out1.add(add4_out1);
        let conv2d28_out1 = crate::kernels::conv2d_layer(&self.conv2d28, add5_out1.clone());
        let clip19_out1 = conv2d28_out1.clamp(0f64, 6f64);
        let conv2d29_out1 = crate::kernels::conv2d_layer(&self.conv2d29, clip19_out1);
        let clip20_out1 = conv2d29_out1.clamp(0f64, 6f64);
        let conv2d30_out1 = crate::kernels::conv2d_layer(&self.conv2d30, clip20_out1);
        let add6_out1 = conv2d30_out1.add(add5_out1);
        let conv2d31_out1 = crate::kernels::conv2d_layer(&self.conv2d31, add6_out1);
        let clip21_out1 = conv2d31_out1.clamp(0f64, 6f64);
        let conv2d32_out1 = crate::kernels::conv2d_layer(&self.conv2d32, clip21_out1);
        let clip22_out1 = conv2d32_out1.clamp(0f64, 6f64);
        let conv2d33_out1 = crate::kernels::conv2d_layer(&self.conv2d33, clip22_out1);
        let conv2d34_out1 = crate::kernels::conv2d_layer(&self.conv2d34, conv2d33_out1.clone());
        let clip23_out1 = conv2d34_out1.clamp(0f64, 6f64);
        let conv2d35_out1 = crate::kernels::conv2d_layer(&self.conv2d35, clip23_out1);
        let clip24_out1 = conv2d35_out1.clamp(0f64, 6f64);
        let conv2d36_out1 = crate::kernels::conv2d_layer(&self.conv2d36, clip24_out1);
        let add7_out1 = conv2d36_out1.add(conv2d33_out1);
        let conv2d37_out1 = crate::kernels::conv2d_layer(&self.conv2d37, add7_out1.clone());
        let clip25_out1 = conv2d37_out1.clamp(0f64, 6f64);
        let conv2d38_out1 = crate::kernels::conv2d_layer(&self.conv2d38, clip25_out1);
        let clip26_out1 = conv2d38_out1.clamp(0f64, 6f64);
        let conv2d39_out1 = crate::kernels::conv2d_layer(&self.conv2d39, clip26_out1);
        let add8_out1 = conv2d39_out1.add(add7_out1);
        let conv2d40_out1 = crate::kernels::conv2d_layer(&self.conv2d40, add8_out1);
        let clip27_out1 = conv2d40_out1.clamp(0f64, 6f64);
        let conv2d41_out1 = crate::kernels::conv2d_layer(&self.conv2d41, clip27_out1);
        let clip28_out1 = conv2d41_out1.clamp(0f64, 6f64);
        let conv2d42_out1 = crate::kernels::conv2d_layer(&self.conv2d42, clip28_out1);
        let conv2d43_out1 = crate::kernels::conv2d_layer(&self.conv2d43, conv2d42_out1.clone());
        let clip29_out1 = conv2d43_out1.clamp(0f64, 6f64);
        let conv2d44_out1 = crate::kernels::conv2d_layer(&self.conv2d44, clip29_out1);
        let clip30_out1 = conv2d44_out1.clamp(0f64, 6f64);
        let conv2d45_out1 = crate::kernels::conv2d_layer(&self.conv2d45, clip30_out1);
        let add9_out1 = conv2d45_out1.add(conv2d42_out1);
        let conv2d46_out1 = crate::kernels::conv2d_layer(&self.conv2d46, add9_out1.clone());
        let clip31_out1 = conv2d46_out1.clamp(0f64, 6f64);
        let conv2d47_out1 = crate::kernels::conv2d_layer(&self.conv2d47, clip31_out1);
        let clip32_out1 = conv2d47_out1.clamp(0f64, 6f64);
        let conv2d48_out1 = crate::kernels::conv2d_layer(&self.conv2d48, clip32_out1);
        let add10_out1 = conv2d48_out1.add(add9_out1);
        let conv2d49_out1 = crate::kernels::conv2d_layer(&self.conv2d49, add10_out1);
        let clip33_out1 = conv2d49_out1.clamp(0f64, 6f64);
        let conv2d50_out1 = crate::kernels::conv2d_layer(&self.conv2d50, clip33_out1);
        let clip34_out1 = conv2d50_out1.clamp(0f64, 6f64);
        let conv2d51_out1 = crate::kernels::conv2d_layer(&self.conv2d51, clip34_out1);
        let conv2d52_out1 = crate::kernels::conv2d_layer(&self.conv2d52, conv2d51_out1);
        let clip35_out1 = conv2d52_out1.clamp(0f64, 6f64);
        let globalaveragepool1_out1 = self.globalaveragepool1.forward(clip35_out1);
        let conv2d53_out1 = crate::kernels::conv2d_layer(&self.conv2d53, globalaveragepool1_out1);
        let reshape2_out1 = conv2d53_out1.reshape([1, 1, 1, 100]);
        reshape2_out1
    }
}
