//! Where a classifier looks: a saliency map (the gradient of a class score with respect
//! to the input pixels) and Grad-CAM (the last feature map weighted by the class score's
//! gradient), each coloured and blended over the image. The class is the predicted one
//! unless the request names another.

use burn::module::Module;
use burn::prelude::*;
use burn::tensor::TensorData;

use crate::core::protocol::{ExplainRequest, Explanation, RgbaImage};
use crate::data::LabeledImage;
use crate::data::batch::{Normalization, make_batch};
use crate::models::Classifier;
use crate::train::metrics;

/// Opacity of the heat map at its hottest.
const MAX_ALPHA: f32 = 0.75;

/// Explains the model's score of the asked class (the predicted one by default) for
/// `item`, validation image `request.index`.
///
/// `device` must be an autodiff device: gradients flow through a frozen copy of the model
/// (batch norm uses its running statistics, no weight is touched).
///
/// # Errors
/// An empty image, a class the model does not have, or a tensor that cannot be read.
pub fn explain(
    model: &Classifier,
    item: &LabeledImage,
    request: ExplainRequest,
    norm: &Normalization,
    device: &Device,
) -> anyhow::Result<Explanation> {
    let index = request.index;
    let model = model.clone().freeze();
    let batch = make_batch(std::slice::from_ref(item), &[0], norm, None);
    let shape = batch.shape;
    let [_, c, h, w] = shape;
    if h == 0 || w == 0 {
        anyhow::bail!("validation image {index} is empty");
    }
    let values = batch.images;
    let x = Tensor::<4>::from_data(TensorData::new(values.clone(), shape), device);

    // What the model predicts, and the class to explain with its probability.
    let logits = to_vec(model.forward(x.clone()))?;
    let classes = logits.len();
    let (predicted, predicted_confidence) = metrics::top1(&logits, classes)
        .first()
        .copied()
        .unwrap_or((0, 0.0));
    let (class, confidence) = match request.class {
        None => (predicted, predicted_confidence),
        Some(class) if class < classes => (class, softmax_at(&logits, class)),
        Some(class) => anyhow::bail!(
            "the model has {classes} classes (0 to {}), not class {class}",
            classes.saturating_sub(1)
        ),
    };

    // Saliency: |∂ score / ∂ x|, the largest over channels.
    let x = x.require_grad();
    let score = model
        .forward(x.clone())
        .slice([0..1, class..class + 1])
        .sum();
    let grads = score.backward();
    let gx = x
        .grad(&grads)
        .ok_or_else(|| anyhow::anyhow!("no gradient reached the input"))?;
    let gx = to_vec(gx.abs())?; // [1, c, h, w]
    let plane = h * w;
    let saliency: Vec<f32> = (0..plane)
        .map(|i| (0..c).map(|ch| gx[ch * plane + i]).fold(0.0, f32::max))
        .collect();

    // Grad-CAM on the last feature map.
    let x = Tensor::<4>::from_data(TensorData::new(values, shape), device);
    let features = model.features(x).detach().require_grad(); // [1, k, fh, fw]
    let [_, k, fh, fw] = features.dims();
    let score = model
        .head(features.clone())
        .slice([0..1, class..class + 1])
        .sum();
    let grads = score.backward();
    let gf = features
        .grad(&grads)
        .ok_or_else(|| anyhow::anyhow!("no gradient reached the feature map"))?;
    let weights = to_vec(gf.mean_dim(3).mean_dim(2))?; // [1, k, 1, 1]
    let fmap = to_vec(features)?;
    let cam = grad_cam(&fmap, &weights, k, fh * fw);
    let cam = upsample(&cam, fw, fh, w, h);
    let grad_cam_peak = cam.iter().copied().fold(0.0f32, f32::max);

    let image = item.image.to_rgba();
    Ok(Explanation {
        index,
        class,
        confidence,
        predicted,
        chosen: request.class.is_some(),
        saliency: blend(&image, &normalize(&saliency)),
        grad_cam: blend(&image, &normalize(&cam)),
        grad_cam_peak,
        image,
    })
}

fn to_vec<const D: usize>(t: Tensor<D>) -> anyhow::Result<Vec<f32>> {
    t.into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| anyhow::anyhow!("reading a tensor: {e:?}"))
}

/// The softmax probability of class `class` among `logits` (0 when out of range).
pub fn softmax_at(logits: &[f32], class: usize) -> f32 {
    let Some(&own) = logits.get(class) else {
        return 0.0;
    };
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f32 = logits.iter().map(|&l| (l - max).exp()).sum();
    if sum > 0.0 && sum.is_finite() {
        (own - max).exp() / sum
    } else {
        0.0
    }
}

/// ReLU of the feature maps summed with their weights: `fmap` is `k × plane`.
pub fn grad_cam(fmap: &[f32], weights: &[f32], k: usize, plane: usize) -> Vec<f32> {
    (0..plane)
        .map(|i| {
            (0..k)
                .map(|ch| weights.get(ch).copied().unwrap_or(0.0) * fmap[ch * plane + i])
                .sum::<f32>()
                .max(0.0)
        })
        .collect()
}

/// Bilinear resize of a `sw × sh` map to `dw × dh` (pixel centres aligned).
pub fn upsample(map: &[f32], sw: usize, sh: usize, dw: usize, dh: usize) -> Vec<f32> {
    if sw == 0 || sh == 0 || map.len() < sw * sh {
        return vec![0.0; dw * dh];
    }
    let at = |x: usize, y: usize| map[y.min(sh - 1) * sw + x.min(sw - 1)];
    let mut out = Vec::with_capacity(dw * dh);
    for y in 0..dh {
        let fy = ((y as f32 + 0.5) * sh as f32 / dh as f32 - 0.5).max(0.0);
        let (y0, ty) = (fy.floor() as usize, fy.fract());
        for x in 0..dw {
            let fx = ((x as f32 + 0.5) * sw as f32 / dw as f32 - 0.5).max(0.0);
            let (x0, tx) = (fx.floor() as usize, fx.fract());
            let top = at(x0, y0) * (1.0 - tx) + at(x0 + 1, y0) * tx;
            let bottom = at(x0, y0 + 1) * (1.0 - tx) + at(x0 + 1, y0 + 1) * tx;
            out.push(top * (1.0 - ty) + bottom * ty);
        }
    }
    out
}

/// Scales to 0..1 by the maximum (all zeros stay zeros).
pub fn normalize(values: &[f32]) -> Vec<f32> {
    let max = values.iter().copied().fold(0.0f32, f32::max);
    if max <= 0.0 || !max.is_finite() {
        return vec![0.0; values.len()];
    }
    values.iter().map(|v| (v / max).clamp(0.0, 1.0)).collect()
}

/// A blue → cyan → yellow → red ramp for `t` in 0..1.
pub fn heat_color(t: f32) -> [u8; 3] {
    const STOPS: [[f32; 3]; 4] = [
        [0.0, 0.0, 0.6],
        [0.0, 0.8, 1.0],
        [1.0, 0.9, 0.0],
        [0.9, 0.0, 0.0],
    ];
    let t = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f32;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f32;
    let mut rgb = [0u8; 3];
    for (c, out) in rgb.iter_mut().enumerate() {
        let v = STOPS[i][c] * (1.0 - f) + STOPS[i + 1][c] * f;
        *out = (v * 255.0).round() as u8;
    }
    rgb
}

/// The heat map (one value in 0..1 per pixel) over the image: more opaque where hotter.
pub fn blend(image: &RgbaImage, heat: &[f32]) -> RgbaImage {
    let mut pixels = image.pixels.clone();
    for (px, &t) in pixels.chunks_exact_mut(4).zip(heat) {
        let color = heat_color(t);
        let alpha = MAX_ALPHA * t.sqrt();
        for c in 0..3 {
            px[c] = (f32::from(px[c]) * (1.0 - alpha) + f32::from(color[c]) * alpha).round() as u8;
        }
    }
    RgbaImage {
        width: image.width,
        height: image.height,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::ModelKind;
    use crate::data::Image;
    use crate::models::InputShape;

    #[test]
    fn grad_cam_weighs_and_clips_by_hand() {
        // Two 1×2 maps: [1, 2] and [3, -1], weights 1 and -1 → [1-3, 2+1] → relu [0, 3].
        assert_eq!(
            grad_cam(&[1.0, 2.0, 3.0, -1.0], &[1.0, -1.0], 2, 2),
            vec![0.0, 3.0]
        );
        assert_eq!(normalize(&[0.0, 3.0, 1.5]), vec![0.0, 1.0, 0.5]);
        assert_eq!(normalize(&[0.0, 0.0]), vec![0.0, 0.0]);
    }

    #[test]
    fn softmax_of_one_class_by_hand() {
        let p = softmax_at(&[0.0, 0.0, 2f32.ln()], 2);
        assert!((p - 0.5).abs() < 1e-6, "{p}");
        assert!((softmax_at(&[1000.0, 1000.0], 0) - 0.5).abs() < 1e-6);
        assert_eq!(softmax_at(&[1.0], 3), 0.0);
    }

    #[test]
    fn upsampling_keeps_corners_and_interpolates() {
        let up = upsample(&[0.0, 1.0], 2, 1, 4, 1);
        assert_eq!(up[0], 0.0);
        assert_eq!(up[3], 1.0);
        assert!(up[1] > 0.0 && up[1] < up[2] && up[2] < 1.0, "{up:?}");
    }

    #[test]
    fn heat_map_is_cold_where_zero_and_red_where_hot() {
        assert_eq!(heat_color(1.0), [230, 0, 0]);
        let image = RgbaImage {
            width: 2,
            height: 1,
            pixels: vec![100, 100, 100, 255, 100, 100, 100, 255],
        };
        let out = blend(&image, &[0.0, 1.0]);
        assert_eq!(
            &out.pixels[..4],
            &[100, 100, 100, 255],
            "zero heat leaves the pixel"
        );
        assert!(
            out.pixels[4] > 150 && out.pixels[5] < 60,
            "{:?}",
            out.pixels
        );
    }

    #[test]
    fn explains_any_classifier() {
        let device = Device::flex().autodiff();
        let input = InputShape {
            channels: 3,
            height: 32,
            width: 32,
        };
        let item = LabeledImage {
            image: Image {
                width: 32,
                height: 32,
                channels: 3,
                pixels: (0..32 * 32 * 3).map(|i| (i * 7 % 251) as u8).collect(),
            },
            label: 1,
        };
        let norm = Normalization::identity(3);
        for kind in [
            ModelKind::ConvNet,
            ModelKind::ResNet,
            ModelKind::MobileNetV2,
        ] {
            let model = Classifier::new(kind, input, 3, &device).unwrap();
            let request = ExplainRequest {
                index: 4,
                class: None,
            };
            let e = explain(&model, &item, request, &norm, &device).unwrap();
            assert_eq!(e.index, 4);
            assert!(e.class < 3);
            assert_eq!((e.predicted, e.chosen), (e.class, false));
            // Another class: its own probability, maps of the same size; a class the
            // model does not have is refused.
            let other = (e.predicted + 1) % 3;
            let o = explain(
                &model,
                &item,
                ExplainRequest {
                    class: Some(other),
                    ..request
                },
                &norm,
                &device,
            )
            .unwrap();
            assert_eq!((o.class, o.predicted, o.chosen), (other, e.predicted, true));
            assert!(
                o.confidence <= e.confidence,
                "{kind:?}: the prediction is the likeliest"
            );
            assert_eq!(o.grad_cam.pixels.len(), e.grad_cam.pixels.len());
            assert!(e.grad_cam_peak >= 0.0 && o.grad_cam_peak.is_finite());
            let bad = explain(
                &model,
                &item,
                ExplainRequest {
                    class: Some(3),
                    ..request
                },
                &norm,
                &device,
            );
            assert!(bad.unwrap_err().to_string().contains("not class 3"));
            for map in [&e.saliency, &e.grad_cam] {
                assert_eq!(
                    (map.width, map.height, map.pixels.len()),
                    (32, 32, 32 * 32 * 4)
                );
            }
            assert_ne!(
                e.saliency.pixels, e.image.pixels,
                "{kind:?}: the saliency shows"
            );
        }
    }
}
