//! Keeping the content's colours: the stylized image's luminance with the content's
//! chrominance (BT.601 YCbCr), like neural-style's `-original_colors 1`.

use crate::core::protocol::RgbaImage;

/// BT.601 full-range RGB → YCbCr, all on 0..255.
pub fn rgb_to_ycbcr([r, g, b]: [f32; 3]) -> [f32; 3] {
    let y = 0.299 * r + 0.587 * g + 0.114 * b;
    let cb = 128.0 - 0.168_736 * r - 0.331_264 * g + 0.5 * b;
    let cr = 128.0 + 0.5 * r - 0.418_688 * g - 0.081_312 * b;
    [y, cb, cr]
}

/// BT.601 full-range YCbCr → RGB, all on 0..255 (not clamped).
pub fn ycbcr_to_rgb([y, cb, cr]: [f32; 3]) -> [f32; 3] {
    let r = y + 1.402 * (cr - 128.0);
    let g = y - 0.344_136 * (cb - 128.0) - 0.714_136 * (cr - 128.0);
    let b = y + 1.772 * (cb - 128.0);
    [r, g, b]
}

/// The luminance of `stylized` with the chrominance of `content`. Both must have the same
/// size; `None` when they do not.
pub fn keep_colors(stylized: &RgbaImage, content: &RgbaImage) -> Option<RgbaImage> {
    if stylized.width != content.width
        || stylized.height != content.height
        || stylized.pixels.len() != content.pixels.len()
    {
        return None;
    }
    let pixels = stylized
        .pixels
        .chunks_exact(4)
        .zip(content.pixels.chunks_exact(4))
        .flat_map(|(s, c)| {
            let f = |p: &[u8]| [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])];
            let [y, _, _] = rgb_to_ycbcr(f(s));
            let [_, cb, cr] = rgb_to_ycbcr(f(c));
            let [r, g, b] = ycbcr_to_rgb([y, cb, cr]);
            let q = |v: f32| v.round().clamp(0.0, 255.0) as u8;
            [q(r), q(g), q(b), s[3]]
        })
        .collect();
    Some(RgbaImage {
        width: stylized.width,
        height: stylized.height,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(pixels: &[[u8; 3]]) -> RgbaImage {
        RgbaImage {
            width: pixels.len(),
            height: 1,
            pixels: pixels
                .iter()
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect(),
        }
    }

    #[test]
    fn round_trip_is_identity() {
        for rgb in [[0.0, 0.0, 0.0], [255.0, 0.0, 0.0], [12.0, 200.0, 77.0]] {
            let back = ycbcr_to_rgb(rgb_to_ycbcr(rgb));
            for (a, b) in rgb.iter().zip(back) {
                assert!((a - b).abs() < 0.01, "{rgb:?} → {back:?}");
            }
        }
    }

    #[test]
    fn grey_stylized_takes_the_content_hue() {
        // A grey stylized pixel (luminance 100) over a red content pixel.
        let stylized = picture(&[[100, 100, 100]]);
        let content = picture(&[[200, 40, 40]]);
        let out = keep_colors(&stylized, &content).unwrap();
        let [y, cb, cr] = rgb_to_ycbcr([
            f32::from(out.pixels[0]),
            f32::from(out.pixels[1]),
            f32::from(out.pixels[2]),
        ]);
        let [_, ccb, ccr] = rgb_to_ycbcr([200.0, 40.0, 40.0]);
        assert!((y - 100.0).abs() < 1.0, "{y}");
        assert!((cb - ccb).abs() < 1.5 && (cr - ccr).abs() < 1.5);
        assert!(
            out.pixels[0] > out.pixels[1],
            "red stays red: {:?}",
            out.pixels
        );
    }

    #[test]
    fn sizes_must_agree() {
        assert!(keep_colors(&picture(&[[0, 0, 0]]), &picture(&[[0, 0, 0], [1, 1, 1]])).is_none());
    }
}
