//! Arbitrary style transfer (Ghiasi et al., Magenta): a style-prediction network turns a
//! 256² style image into a 100-number style vector; a transformer network stylizes the
//! content (384 pixels on its longer side) with that vector. Both come from the ONNX
//! graphs through burn-onnx. A strength below 1 mixes in the content's own style vector.

use burn::prelude::*;
use burn::store::{BurnpackStore, ModuleSnapshot};
use image::RgbImage;

use crate::core::assets;
use crate::core::protocol::RgbaImage;
use crate::style::fast::reflect_pad;
use crate::style::generated::{
    arbitrary_predict_f32 as predict, arbitrary_transform_f32 as transform,
};
use crate::style::{StyleError, picture};

/// The style predictor's weights, relative to the assets folder.
pub const PREDICT_ASSET: &str = "weights/arbitrary_predict_f32.bpk";
/// The transformer's weights, relative to the assets folder.
pub const TRANSFORM_ASSET: &str = "weights/arbitrary_transform_f32.bpk";
/// Side of the (square) style image the predictor takes.
pub const STYLE_SIDE: u32 = 256;
/// Side of the (square) content image the transformer takes.
pub const TRANSFORM_SIDE: u32 = 384;

/// Both loaded networks.
pub struct ArbitraryStyle {
    predict: predict::Model,
    transform: transform::Model,
    device: Device,
}

fn load<M: burn::module::Module>(mut model: M, asset: &str) -> Result<M, StyleError> {
    let path = assets::find(asset).map_err(|e| StyleError::Weights(e.to_string()))?;
    let mut store = BurnpackStore::from_file(&path);
    model
        .load_from(&mut store)
        .map_err(|e| StyleError::Weights(format!("{}: {e}", path.display())))?;
    Ok(model)
}

impl ArbitraryStyle {
    /// Loads the bundled weights onto `device`.
    pub fn load(device: &Device) -> Result<Self, StyleError> {
        let device = device.clone().inner();
        Ok(ArbitraryStyle {
            predict: load(predict::Model::new(&device), PREDICT_ASSET)?,
            transform: load(transform::Model::new(&device), TRANSFORM_ASSET)?,
            device,
        })
    }

    /// The style vector `[1, 1, 1, 100]` of a `[1, 256, 256, 3]` (NHWC, 0..1) image.
    pub fn predict(&self, style: Tensor<4>) -> Tensor<4> {
        self.predict.forward(style)
    }

    /// Stylizes `[1, 384, 384, 3]` (NHWC, 0..1) with a style vector; returns the same shape.
    pub fn transform(&self, content: Tensor<4>, vector: Tensor<4>) -> Tensor<4> {
        self.transform.forward(content, vector)
    }

    /// The style vector of an image: its centre square at 256².
    pub fn style_vector(&self, image: &RgbImage) -> Tensor<4> {
        let (w, h) = image.dimensions();
        let side = w.min(h);
        let square =
            image::imageops::crop_imm(image, (w - side) / 2, (h - side) / 2, side, side).to_image();
        let small = picture::resize(&square, STYLE_SIDE, STYLE_SIDE);
        self.predict(picture::to_tensor_nhwc(&small, &self.device))
    }

    /// Stylizes `content` with the style of `style`; `strength` (0..1) mixes the style's
    /// vector with the content's own. The network works at 384 pixels on the longer side;
    /// the result is scaled back to the content's size.
    pub fn stylize(
        &self,
        content: &RgbImage,
        style: &RgbImage,
        strength: f32,
    ) -> Result<RgbaImage, StyleError> {
        let mut vector = self.style_vector(style);
        if strength < 1.0 {
            let own = self.style_vector(content);
            vector = vector * strength + own * (1.0 - strength);
        }
        let (w, h) = content.dimensions();
        let scale = f64::from(TRANSFORM_SIDE) / f64::from(w.max(h));
        let sw = ((f64::from(w) * scale).round() as u32).clamp(1, TRANSFORM_SIDE);
        let sh = ((f64::from(h) * scale).round() as u32).clamp(1, TRANSFORM_SIDE);
        let small = picture::resize(content, sw, sh);
        let padded = reflect_pad(&small, TRANSFORM_SIDE, TRANSFORM_SIDE);
        let y = self.transform(picture::to_tensor_nhwc(&padded, &self.device), vector); // [1, 384, 384, 3]
        let y = y
            .narrow(1, 0, sh as usize)
            .narrow(2, 0, sw as usize)
            .permute([0, 3, 1, 2]); // [1, 3, sh, sw]
        let out = picture::from_tensor(y)?;
        if (sw, sh) == (w, h) {
            return Ok(out);
        }
        let Some(buffer) = image::RgbaImage::from_raw(sw, sh, out.pixels) else {
            return Err(StyleError::Internal("bad picture buffer".into()));
        };
        let big = image::imageops::resize(&buffer, w, h, image::imageops::FilterType::Lanczos3);
        Ok(RgbaImage {
            width: w as usize,
            height: h as usize,
            pixels: big.into_raw(),
        })
    }
}
