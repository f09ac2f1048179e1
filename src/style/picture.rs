//! Images in and out of the style transfer: reading (never panicking on a bad file),
//! choosing the working size, converting to and from tensors, and exporting atomically.

use std::io::Cursor;
use std::panic::AssertUnwindSafe;
use std::path::Path;

use burn::prelude::*;
use burn::tensor::TensorData;
use image::imageops::FilterType;
use image::{ImageFormat, ImageReader, RgbImage};

use crate::core::files::{check_output_file, write_atomic};
use crate::core::protocol::RgbaImage;
use crate::data::orientation::{decode_oriented, oriented_dimensions};
use crate::style::StyleError;

/// Largest output side accepted at all (larger is refused before any memory estimate).
pub const MAX_SIDE: u32 = 8192;

/// Images with more pixels than this are refused before decoding (decompression bombs).
pub const MAX_FILE_PIXELS: u64 = 20_000 * 20_000;

/// Reads an image file as 8-bit RGB.
///
/// # Errors
/// [`StyleError::Image`] naming the file when it is missing, not an image, corrupt or huge.
pub fn read(path: &Path) -> Result<RgbImage, StyleError> {
    let fail = |message: String| StyleError::Image {
        path: path.display().to_string(),
        message,
    };
    let reader = ImageReader::open(path)
        .map_err(|e| fail(e.to_string()))?
        .with_guessed_format()
        .map_err(|e| fail(e.to_string()))?;
    if reader.format().is_none() {
        return Err(fail("not a known image format".into()));
    }
    let (w, h) = oriented_dimensions(reader)
        .map_err(|e| fail(format!("cannot read the image header: {e}")))?;
    if w == 0 || h == 0 {
        return Err(fail("the image is empty".into()));
    }
    if u64::from(w) * u64::from(h) > MAX_FILE_PIXELS {
        return Err(fail(format!("the image is too large ({w}×{h})")));
    }
    // Decoders of corrupt files have panicked before: keep a panic a file error.
    let decoded = std::panic::catch_unwind(AssertUnwindSafe(|| {
        ImageReader::open(path)
            .map_err(|e| e.to_string())?
            .with_guessed_format()
            .map_err(|e| e.to_string())
            .and_then(|r| decode_oriented(r).map_err(|e| format!("cannot decode the image: {e}")))
    }))
    .map_err(|_| fail("the decoder crashed on this file".into()))?
    .map_err(fail)?;
    Ok(decoded.to_rgb8())
}

/// The output size for an image of `own` size and a requested longer side `size`: the
/// aspect ratio is kept and the image is never enlarged. Returns `(width, height)` and
/// whether the request was capped at the image's own size.
///
/// # Errors
/// [`StyleError::Size`] for a size of 0 or above [`MAX_SIDE`].
pub fn output_size(own: (u32, u32), size: u32) -> Result<((u32, u32), bool), StyleError> {
    if size == 0 {
        return Err(StyleError::Size(
            "the output size must be at least 1 pixel".into(),
        ));
    }
    if size > MAX_SIDE {
        return Err(StyleError::Size(format!(
            "an output size of {size} pixels is beyond the limit of {MAX_SIDE}"
        )));
    }
    let (w, h) = own;
    let longest = w.max(h);
    let capped = size > longest;
    let side = size.min(longest);
    let scale = f64::from(side) / f64::from(longest);
    let fit = |v: u32| ((f64::from(v) * scale).round() as u32).clamp(1, side);
    Ok(((fit(w), fit(h)), capped))
}

/// Resizes (Catmull-Rom) unless the size is already right.
pub fn resize(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    if image.dimensions() == (width, height) {
        image.clone()
    } else {
        image::imageops::resize(image, width, height, FilterType::CatmullRom)
    }
}

/// `[1, 3, h, w]` on the 0..1 scale.
pub fn to_tensor(image: &RgbImage, device: &Device) -> Tensor<4> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut planar = vec![0f32; 3 * w * h];
    for (i, px) in image.pixels().enumerate() {
        for c in 0..3 {
            planar[c * w * h + i] = f32::from(px.0[c]) / 255.0;
        }
    }
    Tensor::from_data(TensorData::new(planar, [1, 3, h, w]), device)
}

/// `[1, h, w, 3]` (channels last) on the 0..1 scale, as the arbitrary-style networks take.
pub fn to_tensor_nhwc(image: &RgbImage, device: &Device) -> Tensor<4> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let values: Vec<f32> = image
        .as_raw()
        .iter()
        .map(|&v| f32::from(v) / 255.0)
        .collect();
    Tensor::from_data(TensorData::new(values, [1, h, w, 3]), device)
}

/// An RGBA picture from the first image of a `[b, 3, h, w]` tensor on the 0..1 scale
/// (clamped, rounded).
pub fn from_tensor(x: Tensor<4>) -> Result<RgbaImage, StyleError> {
    let [_, c, h, w] = x.dims();
    if c != 3 {
        return Err(StyleError::Internal(format!(
            "expected 3 channels, got {c}"
        )));
    }
    let values = x
        .narrow(0, 0, 1)
        .clamp(0.0, 1.0)
        .into_data()
        .try_to_vec_as::<f32>()
        .map_err(|e| StyleError::Internal(format!("{e:?}")))?;
    let n = w * h;
    let mut pixels = Vec::with_capacity(n * 4);
    for i in 0..n {
        for ch in 0..3 {
            pixels.push((values[ch * n + i] * 255.0).round() as u8);
        }
        pixels.push(255);
    }
    Ok(RgbaImage {
        width: w,
        height: h,
        pixels,
    })
}

/// An RGBA picture of an RGB image.
pub fn rgba(image: &RgbImage) -> RgbaImage {
    RgbaImage {
        width: image.width() as usize,
        height: image.height() as usize,
        pixels: image
            .pixels()
            .flat_map(|p| [p.0[0], p.0[1], p.0[2], 255])
            .collect(),
    }
}

/// The image format an export path asks for: PNG or JPEG by extension (PNG when none).
pub fn export_format(path: &Path) -> Result<ImageFormat, StyleError> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("png") => Ok(ImageFormat::Png),
        Some("jpg" | "jpeg") => Ok(ImageFormat::Jpeg),
        Some(other) => Err(StyleError::Export {
            path: path.display().to_string(),
            message: format!("cannot write .{other} files: use .png or .jpg"),
        }),
    }
}

/// Checks, before any work, that a picture can be exported to `path`: a PNG or JPEG
/// extension, and a file that can be written there (its folder exists, is writable, and
/// the path is not a folder).
///
/// # Errors
/// [`StyleError::Export`] naming the path and the problem.
pub fn check_export(path: &Path) -> Result<(), StyleError> {
    export_format(path)?;
    check_output_file(path).map_err(|e| StyleError::Export {
        path: path.display().to_string(),
        message: e.message,
    })
}

/// Writes `picture` at its full size as PNG (lossless: exactly these pixels) or JPEG
/// (quality 95), chosen by the extension, atomically (temporary file, then rename).
pub fn export(path: &Path, picture: &RgbaImage) -> Result<(), StyleError> {
    let fail = |message: String| StyleError::Export {
        path: path.display().to_string(),
        message,
    };
    let format = export_format(path)?;
    let rgb: Vec<u8> = picture
        .pixels
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let Some(buffer) = RgbImage::from_raw(picture.width as u32, picture.height as u32, rgb) else {
        return Err(fail("the picture buffer has the wrong size".into()));
    };
    let mut bytes = Cursor::new(Vec::new());
    match format {
        ImageFormat::Jpeg => {
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95)
                .encode_image(&buffer)
                .map_err(|e| fail(e.to_string()))?;
        }
        _ => buffer
            .write_to(&mut bytes, ImageFormat::Png)
            .map_err(|e| fail(e.to_string()))?,
    }
    write_atomic(path, bytes.get_ref()).map_err(|e| fail(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_size_keeps_aspect_and_never_enlarges() {
        assert_eq!(output_size((400, 200), 100).unwrap(), ((100, 50), false));
        assert_eq!(output_size((400, 200), 1000).unwrap(), ((400, 200), true));
        assert_eq!(output_size((3, 1000), 10).unwrap(), ((1, 10), false));
        assert!(output_size((400, 200), 0).is_err());
        assert!(output_size((400, 200), MAX_SIDE + 1).is_err());
    }

    #[test]
    fn tensor_round_trip_keeps_pixels() {
        let mut image = RgbImage::new(3, 2);
        for (i, p) in image.pixels_mut().enumerate() {
            p.0 = [i as u8 * 40, 255 - i as u8, 7];
        }
        let device = Device::flex();
        let back = from_tensor(to_tensor(&image, &device)).unwrap();
        assert_eq!(back, rgba(&image));
    }

    #[test]
    fn unknown_export_extension_is_refused() {
        assert!(export_format(Path::new("a.PNG")).is_ok());
        assert!(export_format(Path::new("a.jpeg")).is_ok());
        let err = export_format(Path::new("a.tiff")).unwrap_err().to_string();
        assert!(err.contains(".tiff"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        check_export(&dir.path().join("a.png")).unwrap();
        let err = check_export(&dir.path().join("a.gif"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("a.gif") && err.contains(".gif"), "{err}");
        let err = check_export(&dir.path().join("missing/a.png"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("missing") && err.contains("does not exist"),
            "{err}"
        );
    }
}
