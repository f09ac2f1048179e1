//! Small pictures of the explored images, read on a job's own thread: square thumbnails
//! for the map (every image, in chunks, so the map fills in while they load) and larger
//! previews of a few images at a time (the hovered image, the similar-images strip).

use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use image::{DynamicImage, Rgba, RgbaImage as Pixels};

use crate::core::control::keep_going;
use crate::core::job::{JobHandle, Waker, spawn_job};
use crate::core::protocol::{Event, ExploreEvent, FinishReason, RgbaImage};
use crate::data::image_folder;
use crate::explore::dataset;

/// Side of a map thumbnail in pixels.
pub const THUMBNAIL_SIDE: u32 = 32;

/// Longest side of a preview in pixels.
pub const PREVIEW_SIDE: u32 = 160;

/// Images decoded between two thumbnail events (and two looks at Stop).
const CHUNK: usize = 256;

/// Background of a thumbnail where the image does not cover it, and of an unreadable file.
const BACKGROUND: Rgba<u8> = Rgba([40, 40, 44, 255]);

/// Starts reading `side`² thumbnails of `paths`, in order, sending
/// [`ExploreEvent::Thumbnails`] a chunk at a time; an unreadable file gets a plain tile.
pub fn spawn_thumbnails(paths: Vec<PathBuf>, side: u32, wake: Waker) -> JobHandle {
    spawn_job("explore-thumbnails", wake, move |inbox, out| {
        for (chunk_index, chunk) in paths.chunks(CHUNK).enumerate() {
            let first = chunk_index * CHUNK;
            if !keep_going(inbox, out, first as u64) {
                out.send(Event::Finished(FinishReason::Stopped));
                return Ok(());
            }
            let tiles = image_folder::par_map(chunk, |path| thumbnail(path, side), &mut |_, _| {});
            out.send(Event::Explore(ExploreEvent::Thumbnails { first, tiles }));
        }
        out.send(Event::Finished(FinishReason::Completed));
        Ok(())
    })
}

/// Starts reading previews (longest side [`PREVIEW_SIDE`]) of `(index, path)` pairs, sent
/// as one [`ExploreEvent::Previews`]; an unreadable file is left out.
pub fn spawn_previews(wanted: Vec<(usize, PathBuf)>, wake: Waker) -> JobHandle {
    spawn_job("explore-previews", wake, move |_, out| {
        let pictures = image_folder::par_map(
            &wanted,
            |(index, path)| dataset::open(path).ok().map(|i| (*index, preview(&i))),
            &mut |_, _| {},
        );
        out.send(Event::Explore(ExploreEvent::Previews(
            pictures.into_iter().flatten().collect(),
        )));
        out.send(Event::Finished(FinishReason::Completed));
        Ok(())
    })
}

/// The image scaled to fit a `side`² square, centred on a dark background; a plain tile
/// when the file cannot be read.
pub fn thumbnail(path: &Path, side: u32) -> RgbaImage {
    let side = side.max(1);
    let mut tile = Pixels::from_pixel(side, side, BACKGROUND);
    if let Ok(image) = dataset::open(path) {
        let small = image.resize(side, side, FilterType::Triangle).to_rgba8();
        let x = (side - small.width().min(side)) / 2;
        let y = (side - small.height().min(side)) / 2;
        image::imageops::overlay(&mut tile, &small, i64::from(x), i64::from(y));
    }
    plain(tile)
}

/// The image scaled down so its longest side is at most [`PREVIEW_SIDE`] (small images
/// are scaled up to it with nearest-neighbour, so digits stay crisp).
pub fn preview(image: &DynamicImage) -> RgbaImage {
    let longest = image.width().max(image.height()).max(1);
    let filter = if longest < PREVIEW_SIDE {
        FilterType::Nearest
    } else {
        FilterType::Triangle
    };
    plain(image.resize(PREVIEW_SIDE, PREVIEW_SIDE, filter).to_rgba8())
}

fn plain(image: Pixels) -> RgbaImage {
    RgbaImage {
        width: image.width() as usize,
        height: image.height() as usize,
        pixels: image.into_raw(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_are_square_and_centred_and_a_bad_file_gets_a_plain_tile() {
        let dir = tempfile::tempdir().unwrap();
        let wide = dir.path().join("wide.png");
        Pixels::from_pixel(64, 16, Rgba([255, 0, 0, 255]))
            .save(&wide)
            .unwrap();
        let tile = thumbnail(&wide, 32);
        assert_eq!(
            (tile.width, tile.height, tile.pixels.len()),
            (32, 32, 32 * 32 * 4)
        );
        let at = |x: usize, y: usize| &tile.pixels[(y * 32 + x) * 4..(y * 32 + x) * 4 + 4];
        assert_eq!(at(16, 16), &[255, 0, 0, 255]);
        assert_eq!(at(16, 0), &BACKGROUND.0);
        let bad = dir.path().join("bad.png");
        std::fs::write(&bad, b"not a png").unwrap();
        let tile = thumbnail(&bad, 8);
        assert!(tile.pixels.chunks(4).all(|p| p == BACKGROUND.0));
    }

    #[test]
    fn previews_keep_the_aspect_within_the_side() {
        let small = DynamicImage::ImageRgba8(Pixels::new(28, 14));
        let p = preview(&small);
        assert_eq!((p.width, p.height), (160, 80));
    }
}
