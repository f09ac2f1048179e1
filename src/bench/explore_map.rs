//! The Explore tab's map with 10 000 images (Fashion-MNIST's test set size): a synthetic
//! report (ten clusters of points, a 32² thumbnail each), then the frame time of panning
//! with points, panning with thumbnails and zooming in with thumbnails
//! ([`crate::ui::frame_timing::time_explore_map`]). Target: one frame at 60 Hz.

use std::path::PathBuf;
use std::time::Duration;

use crate::bench::table::{Goal, Row, Table};
use crate::bench::ui_frames::quantile;
use crate::core::protocol::{ExploreReport, ExploreSplit, ExploredImage, RgbaImage};
use crate::ui::frame_timing::time_explore_map;

/// Images on the map.
pub const IMAGES: usize = 10_000;
/// Classes (clusters).
const CLASSES: usize = 10;

/// A report of `n` images in [`CLASSES`] clusters, and one thumbnail per image.
pub fn synthetic(n: usize) -> (ExploreReport, Vec<RgbaImage>) {
    let side = crate::explore::pictures::THUMBNAIL_SIDE as usize;
    let classes: Vec<String> = (0..CLASSES).map(|c| format!("class {c}")).collect();
    let mut images = Vec::with_capacity(n);
    let mut tiles = Vec::with_capacity(n);
    for i in 0..n {
        let label = i % CLASSES;
        let angle = label as f32 / CLASSES as f32 * std::f32::consts::TAU;
        // A deterministic spread around the cluster's centre.
        let r = ((i * 7919) % 1000) as f32 / 1000.0;
        let t = ((i * 104_729) % 997) as f32 / 997.0 * std::f32::consts::TAU;
        images.push(ExploredImage {
            path: PathBuf::from(format!("{label}/{i:05}.png")),
            label,
            held_out: i % 5 == 0,
            predicted: classes[(label + usize::from(i % 9 == 0)) % CLASSES].clone(),
            confidence: 0.9,
            map: [
                5.0 * angle.cos() + 1.5 * r * t.cos(),
                5.0 * angle.sin() + 1.5 * r * t.sin(),
            ],
            neighbours: Vec::new(),
        });
        let shade = (i * 37 % 256) as u8;
        tiles.push(RgbaImage {
            width: side,
            height: side,
            pixels: (0..side * side)
                .flat_map(|p| [shade, (p % 256) as u8, 255 - shade, 255])
                .collect(),
        });
    }
    let report = ExploreReport {
        model: "synthetic".into(),
        data: PathBuf::from("synthetic"),
        classes,
        split: ExploreSplit::Val,
        out_of_sample: "synthetic".into(),
        embedding_dim: 0,
        from_cache: false,
        map_variance: [0.5, 0.3],
        images,
        label_errors: Vec::new(),
        duplicates: Vec::new(),
        skipped: Vec::new(),
        notes: Vec::new(),
        space: None,
    };
    (report, tiles)
}

/// The map's rows: first frame, pan with points, pan and zoom with thumbnails (p50 and
/// p95).
pub fn rows(table: &mut Table) {
    let (report, tiles) = synthetic(IMAGES);
    let times = time_explore_map(report, &tiles);
    let ms = |d: &[Duration]| {
        let mut v: Vec<f64> = d.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    table.push(Row::new(
        format!(
            "Explore map ({} images): first frame (uploads {} thumbnail pages)",
            times.points,
            crate::ui::explore::atlas::PAGES_PER_FRAME
        ),
        "ms",
        times.first_frame.as_secs_f64() * 1000.0,
        // One frame, once per report (the pages and the first layout of the panels).
        Goal::Info,
    ));
    for (what, frames) in [
        ("pan, points", &times.pan_points),
        ("pan, thumbnails", &times.pan_thumbnails),
        ("zoom, thumbnails", &times.zoom_thumbnails),
    ] {
        let sorted = ms(frames);
        for (q, name) in [(0.5, "p50"), (0.95, "p95")] {
            table.push(Row::new(
                format!("Explore map: frame {what}, {name}"),
                "ms",
                quantile(&sorted, q),
                Goal::Below(16.0),
            ));
        }
    }
}
