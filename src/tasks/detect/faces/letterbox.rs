//! Any photo into the network's square input and back: the photo is scaled so its longer
//! side fills [`INPUT_SIDE`] (bilinear), centred on a black square, and the pixels mapped to
//! -1..1 as the model was trained (MediaPipe's `ImageToTensorCalculator` with
//! `keep_aspect_ratio` and the float range -1..1); [`Letterbox::to_image`] maps a point of
//! the input back to the photo's pixels (`DetectionLetterboxRemovalCalculator`).

use image::DynamicImage;
use image::imageops::FilterType;

use crate::core::protocol::Face;
use crate::tasks::detect::faces::FacesError;
use crate::tasks::detect::faces::anchors::INPUT_SIDE;

/// Where the photo lies in the square input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Letterbox {
    /// Input pixels per photo pixel, across and down.
    pub scale: [f32; 2],
    /// Left and top padding, in input pixels.
    pub offset: [f32; 2],
}

impl Letterbox {
    /// The placement of a `width × height` photo: the longer side scaled to `side`.
    pub fn new(width: u32, height: u32, side: u32) -> Letterbox {
        let longer = width.max(height).max(1) as f32;
        let fit = |n: u32| ((n as f32 * side as f32 / longer).round() as u32).clamp(1, side);
        let (w, h) = (fit(width), fit(height));
        Letterbox {
            scale: [
                w as f32 / width.max(1) as f32,
                h as f32 / height.max(1) as f32,
            ],
            offset: [((side - w) / 2) as f32, ((side - h) / 2) as f32],
        }
    }

    /// The photo's size inside the input, in input pixels.
    fn inner_size(&self, width: u32, height: u32) -> (u32, u32) {
        (
            (width as f32 * self.scale[0]).round() as u32,
            (height as f32 * self.scale[1]).round() as u32,
        )
    }

    /// A point of the input (pixels) in the photo's pixels.
    pub fn to_image(&self, [x, y]: [f32; 2]) -> [f32; 2] {
        [
            (x - self.offset[0]) / self.scale[0],
            (y - self.offset[1]) / self.scale[1],
        ]
    }

    /// A face found in the input, in the photo's pixels.
    pub fn face_to_image(&self, face: &Face) -> Face {
        let [x0, y0] = self.to_image([face.x0, face.y0]);
        let [x1, y1] = self.to_image([face.x1, face.y1]);
        Face {
            x0,
            y0,
            x1,
            y1,
            score: face.score,
            keypoints: face.keypoints.map(|p| self.to_image(p)),
        }
    }
}

/// The network input for `photo`: `[3, 128, 128]` values in -1..1 (RGB planes), and where
/// the photo lies in it.
pub fn letterbox(photo: &DynamicImage) -> Result<(Vec<f32>, Letterbox), FacesError> {
    let (width, height) = (photo.width(), photo.height());
    if width == 0 || height == 0 {
        return Err(FacesError::Input(format!(
            "the image has no pixels ({width}×{height})"
        )));
    }
    let side = INPUT_SIDE as u32;
    let placement = Letterbox::new(width, height, side);
    let (w, h) = placement.inner_size(width, height);
    let small = photo.resize_exact(w, h, FilterType::Triangle).to_rgb8();
    let plane = INPUT_SIDE * INPUT_SIDE;
    // Black padding: 0 → -1.
    let mut input = vec![-1.0f32; 3 * plane];
    let (left, top) = (placement.offset[0] as usize, placement.offset[1] as usize);
    for (x, y, pixel) in small.enumerate_pixels() {
        let at = (top + y as usize) * INPUT_SIDE + left + x as usize;
        for (c, &v) in pixel.0.iter().enumerate() {
            input[c * plane + at] = f32::from(v) / 127.5 - 1.0;
        }
    }
    Ok((input, placement))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wide_photo_is_centred_and_points_map_back() {
        let placement = Letterbox::new(256, 128, 128);
        assert_eq!(placement.scale, [0.5, 0.5]);
        assert_eq!(placement.offset, [0.0, 32.0]);
        assert_eq!(placement.to_image([64.0, 64.0]), [128.0, 64.0]);
        let photo = DynamicImage::new_rgb8(256, 128);
        let (input, _) = letterbox(&photo).unwrap();
        assert_eq!(input.len(), 3 * 128 * 128);
        // Black everywhere (padding and photo): -1.
        assert!(input.iter().all(|&v| v == -1.0));
        let white = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            100,
            300,
            image::Rgb([255, 255, 255]),
        ));
        let (input, placement) = letterbox(&white).unwrap();
        // 100 × 300 → 43 × 128, 42 px of padding on the left.
        assert_eq!(placement.offset, [42.0, 0.0]);
        assert_eq!(input[64 * 128 + 10], -1.0);
        assert_eq!(input[64 * 128 + 64], 1.0);
    }

    #[test]
    fn an_empty_photo_is_refused() {
        let err = letterbox(&DynamicImage::new_rgb8(0, 5)).unwrap_err();
        assert!(err.to_string().contains("no pixels"), "{err}");
    }
}
