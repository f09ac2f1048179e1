//! Decoding an image file the way a viewer shows it: the EXIF orientation that phones write
//! into JPEGs (and that TIFF, WebP and PNG may carry) is applied to the pixels, so a photo
//! taken upright is upright here too. Every place that decodes an image file goes through
//! [`decode_oriented`] (or [`open_oriented`]); header reads use [`oriented_size`].

use std::io::{BufRead, Seek};
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, ImageResult, Limits};

/// The orientation `decoder`'s metadata asks for; an unreadable or absent tag means none
/// (a broken EXIF block never makes the pixels unreadable).
fn orientation(decoder: &mut impl ImageDecoder) -> Orientation {
    decoder.orientation().unwrap_or(Orientation::NoTransforms)
}

/// Whether `orientation` swaps width and height (the quarter turns, with or without a flip).
fn swaps_sides(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// Decodes the image `reader` holds (its format known or guessed) and turns it as its EXIF
/// orientation says. The same memory limit as [`ImageReader::decode`] applies.
pub fn decode_oriented<R: BufRead + Seek>(reader: ImageReader<R>) -> ImageResult<DynamicImage> {
    let mut decoder = reader.into_decoder()?;
    Limits::default().reserve(decoder.total_bytes())?;
    let orientation = orientation(&mut decoder);
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Opens `path` (format guessed from its bytes) and decodes it upright.
pub fn open_oriented(path: &Path) -> ImageResult<DynamicImage> {
    decode_oriented(ImageReader::open(path)?.with_guessed_format()?)
}

/// Width and height of the decoded image once its orientation is applied, from the header
/// alone.
pub fn oriented_size(decoder: &mut impl ImageDecoder) -> (u32, u32) {
    let (w, h) = decoder.dimensions();
    if swaps_sides(orientation(decoder)) {
        (h, w)
    } else {
        (w, h)
    }
}

/// [`oriented_size`] of the image `reader` holds, reading only its header.
pub fn oriented_dimensions<R: BufRead + Seek>(reader: ImageReader<R>) -> ImageResult<(u32, u32)> {
    Ok(oriented_size(&mut reader.into_decoder()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tests/fixtures/exif/orientation6.jpg (made by make_fixture.py there): 16 wide × 8
    /// high as stored, blue with a red block in the stored top-left (x 0..8, y 0..4), EXIF
    /// orientation 6 ("turn 90° clockwise to view").
    const ROTATED: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/exif/orientation6.jpg"
    );

    #[test]
    fn a_jpeg_with_orientation_6_is_decoded_turned_a_quarter_clockwise() {
        let image = open_oriented(Path::new(ROTATED)).unwrap();
        assert_eq!((image.width(), image.height()), (8, 16));
        let rgb = image.to_rgb8();
        let is_red = |x, y| {
            let p = rgb.get_pixel(x, y);
            p[0] > 200 && p[2] < 60
        };
        let is_blue = |x, y| {
            let p = rgb.get_pixel(x, y);
            p[2] > 200 && p[0] < 60
        };
        // The stored top-left block ends up top right (not bottom left: a turn the other way).
        assert!(is_red(6, 2));
        assert!(is_blue(1, 2));
        assert!(is_blue(1, 13));
        let mut decoder = ImageReader::open(ROTATED)
            .unwrap()
            .with_guessed_format()
            .unwrap()
            .into_decoder()
            .unwrap();
        assert_eq!(oriented_size(&mut decoder), (8, 16));
    }

    #[test]
    fn an_image_without_exif_is_unchanged() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/faces/noise.png"
        );
        let image = open_oriented(Path::new(path)).unwrap();
        assert_eq!((image.width(), image.height()), (128, 128));
    }
}
