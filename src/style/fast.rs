//! The feed-forward network with 26 built-in styles (Magenta's conditional-instance-norm
//! network, `multistyle26.onnx`, brought into Burn by burn-onnx). One pass: image and a
//! 26-way style-weight vector in, stylized image out; several styles blend.

use burn::prelude::*;
use burn::store::{BurnpackStore, ModuleSnapshot};
use burn::tensor::TensorData;
use image::RgbImage;

use crate::core::assets;
use crate::core::protocol::RgbaImage;
use crate::style::generated::multistyle26::Model;
use crate::style::{StyleError, picture};

/// Number of built-in styles.
pub const STYLES: usize = 26;

/// The network's weights, relative to the assets folder.
pub const WEIGHTS_ASSET: &str = "weights/multistyle26.bpk";

/// The network downsamples by 4: inputs are padded (reflected) to a multiple of it.
const MULTIPLE: u32 = 4;

/// The smallest side the network takes. Its layers reflect-pad their inputs (by 4 around
/// the 9×9 convolutions at full size, by 1 around the 3×3 ones at ½ and ¼ size), and a
/// reflection needs more pixels than it pads: 2 at a quarter of the size, so 8 in all.
/// Smaller images (down to 1×1, and panoramas a few pixels high) are padded up to it and
/// cropped back.
pub const MIN_SIDE: u32 = 8;

/// The side a `side`-pixel image is padded to: a multiple of [`MULTIPLE`], at least
/// [`MIN_SIDE`].
fn padded_side(side: u32) -> u32 {
    side.next_multiple_of(MULTIPLE).max(MIN_SIDE)
}

/// The normalised 26-way weight vector of `(style, weight)` pairs (weights of a style
/// given twice add up). Any finite weights work, from the smallest to `f32::MAX`: they
/// are added and normalised in `f64`, so neither the sum nor a weight overflows or
/// vanishes.
///
/// # Errors
/// [`StyleError::Builtin`], naming `--builtin` and the style, for an index out of range, a
/// negative or non-finite weight, or weights that are all zero.
pub fn style_weights(builtin: &[(usize, f32)]) -> Result<[f32; STYLES], StyleError> {
    let mut weights = [0f64; STYLES];
    for &(index, weight) in builtin {
        if index >= STYLES {
            return Err(StyleError::Builtin(format!(
                "--builtin: there is no built-in style {index}: they are numbered 0 to {}",
                STYLES - 1
            )));
        }
        if !weight.is_finite() || weight < 0.0 {
            return Err(StyleError::Builtin(format!(
                "--builtin: the weight of style {index} must be a finite number ≥ 0, not {weight}"
            )));
        }
        weights[index] += f64::from(weight);
    }
    // Each weight is at most f32::MAX and there are few of them: the f64 sum is finite.
    let sum: f64 = weights.iter().sum();
    if !(sum > 0.0 && sum.is_finite()) {
        return Err(StyleError::Builtin(
            "--builtin: choose at least one built-in style with a weight above 0".into(),
        ));
    }
    Ok(weights.map(|w| (w / sum) as f32))
}

/// Parses `N[:w][,M:w…]` (the CLI's `--builtin`).
pub fn parse_builtin(text: &str) -> Result<Vec<(usize, f32)>, StyleError> {
    let bad = |part: &str| {
        StyleError::Builtin(format!(
            "cannot read the built-in style `{part}`: write N, or N:weight, separated by commas (e.g. 3 or 3:0.5,12:0.5)"
        ))
    };
    let list = text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let (index, weight) = match part.split_once(':') {
                Some((i, w)) => (i.trim(), w.trim().parse::<f32>().map_err(|_| bad(part))?),
                None => (part, 1.0),
            };
            Ok((index.parse::<usize>().map_err(|_| bad(part))?, weight))
        })
        .collect::<Result<Vec<_>, StyleError>>()?;
    if list.is_empty() {
        return Err(bad(text));
    }
    style_weights(&list)?;
    Ok(list)
}

/// The loaded network.
pub struct FastStyle {
    model: Model,
    device: Device,
}

impl FastStyle {
    /// Loads the bundled weights onto `device`.
    pub fn load(device: &Device) -> Result<Self, StyleError> {
        let path = assets::find(WEIGHTS_ASSET).map_err(|e| StyleError::Weights(e.to_string()))?;
        let device = device.clone().inner();
        let mut model = Model::new(&device);
        let mut store = BurnpackStore::from_file(&path);
        model
            .load_from(&mut store)
            .map_err(|e| StyleError::Weights(format!("{}: {e}", path.display())))?;
        Ok(FastStyle { model, device })
    }

    /// Stylizes `[1, 3, h, w]` (0..1) with a 26-way weight vector; returns `[1, 3, h, w]`.
    ///
    /// The network itself takes sides that are multiples of 4 and at least [`MIN_SIDE`];
    /// other sizes are extended by repeating the edge pixels and cropped back (an empty
    /// input comes back as it is), so no size makes its padding fail.
    pub fn forward(&self, x: Tensor<4>, weights: &[f32; STYLES]) -> Tensor<4> {
        let [_, _, h, w] = x.dims();
        if h == 0 || w == 0 {
            return x;
        }
        let (ph, pw) = (
            padded_side(h as u32) as usize,
            padded_side(w as u32) as usize,
        );
        let x = if (ph, pw) == (h, w) {
            x
        } else {
            x.pad(
                [(0, 0), (0, 0), (0, ph - h), (0, pw - w)],
                burn::tensor::ops::PadMode::Edge,
            )
        };
        let weights =
            Tensor::<1>::from_data(TensorData::new(weights.to_vec(), [STYLES]), &self.device);
        let y = self.model.forward(x, weights); // [1, 3, ph, pw]
        if (ph, pw) == (h, w) {
            y
        } else {
            y.narrow(2, 0, h).narrow(3, 0, w)
        }
    }

    /// Stylizes an image at its size, any size from 1×1 on (padded by reflection to a
    /// multiple of 4 and at least [`MIN_SIDE`], cropped back).
    pub fn stylize(
        &self,
        content: &RgbImage,
        weights: &[f32; STYLES],
    ) -> Result<RgbaImage, StyleError> {
        let (w, h) = content.dimensions();
        if w == 0 || h == 0 {
            return Err(StyleError::Size("the content image is empty".into()));
        }
        let padded = reflect_pad(content, padded_side(w), padded_side(h));
        let y = self.forward(picture::to_tensor(&padded, &self.device), weights);
        let [_, _, yh, yw] = y.dims();
        if yh < h as usize || yw < w as usize {
            return Err(StyleError::Internal(format!(
                "the network returned {yw}×{yh} for {w}×{h}"
            )));
        }
        picture::from_tensor(y.narrow(2, 0, h as usize).narrow(3, 0, w as usize))
    }
}

/// Mirrors `i` into `0..n` (reflection without repeating the edge, like numpy's
/// `reflect`), for any `i`.
fn mirror(i: u32, n: u32) -> u32 {
    if n <= 1 {
        return 0;
    }
    let period = 2 * (n - 1);
    let r = i % period;
    if r < n { r } else { period - r }
}

/// The image extended to `width × height` by reflecting it at its right and bottom edges.
pub fn reflect_pad(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    if (w, h) == (width, height) {
        return image.clone();
    }
    RgbImage::from_fn(width, height, |x, y| {
        *image.get_pixel(mirror(x, w), mirror(y, h))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_checked_and_normalised() {
        let w = style_weights(&[(3, 1.0), (12, 3.0)]).unwrap();
        assert_eq!(w[3], 0.25);
        assert_eq!(w[12], 0.75);
        assert!(
            style_weights(&[(26, 1.0)])
                .unwrap_err()
                .to_string()
                .contains("0 to 25")
        );
        assert!(style_weights(&[(1, -1.0)]).is_err());
        assert!(style_weights(&[(1, 0.0)]).is_err());
        assert!(style_weights(&[]).is_err());
        // Huge weights do not overflow the sum; tiny ones do not vanish.
        for big in [3e38, f32::MAX] {
            let w = style_weights(&[(0, big), (1, big), (1, big)]).unwrap();
            assert!((w[0] - 1.0 / 3.0).abs() < 1e-6 && (w[1] - 2.0 / 3.0).abs() < 1e-6);
        }
        let w = style_weights(&[(4, 1e-45), (5, 1e-45)]).unwrap();
        assert_eq!((w[4], w[5]), (0.5, 0.5));
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -1e-30] {
            let err = style_weights(&[(2, bad)]).unwrap_err().to_string();
            assert!(
                err.contains("--builtin") && err.contains("style 2"),
                "{err}"
            );
        }
    }

    #[test]
    fn builtin_list_parses() {
        assert_eq!(parse_builtin("7").unwrap(), vec![(7, 1.0)]);
        assert_eq!(
            parse_builtin("3:0.5, 12:0.5").unwrap(),
            vec![(3, 0.5), (12, 0.5)]
        );
        assert!(parse_builtin("x").is_err());
        assert!(parse_builtin("99").unwrap_err().to_string().contains("99"));
        assert!(parse_builtin("").is_err());
    }

    #[test]
    fn every_side_is_padded_to_what_the_network_takes() {
        for (side, padded) in [(1, 8), (4, 8), (7, 8), (8, 8), (9, 12), (60, 60), (61, 64)] {
            assert_eq!(padded_side(side), padded, "{side}");
        }
        // Mirroring a single pixel or row repeats it.
        let dot = RgbImage::from_pixel(1, 1, image::Rgb([9, 8, 7]));
        let padded = reflect_pad(&dot, 8, 8);
        assert!(padded.pixels().all(|p| p.0 == [9, 8, 7]));
    }

    #[test]
    fn reflection_padding_mirrors_without_repeating_the_edge() {
        assert_eq!(
            (0..7).map(|i| mirror(i, 3)).collect::<Vec<_>>(),
            [0, 1, 2, 1, 0, 1, 2]
        );
        let image = RgbImage::from_fn(3, 1, |x, _| image::Rgb([x as u8, 0, 0]));
        let padded = reflect_pad(&image, 4, 2);
        assert_eq!(padded.get_pixel(3, 0).0[0], 1);
        assert_eq!(padded.get_pixel(0, 1).0[0], 0);
    }
}
