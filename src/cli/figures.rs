//! The figures `visionlab eval --plots DIR` writes as PNG: line charts on the unit square
//! (precision–recall, F1–confidence), confusion matrices as heat maps and horizontal bar
//! charts (IoU per class). Drawn here into an RGB buffer with the [`pixel_font`] and
//! encoded by the `image` crate, so they need no plotting crate, font file or system
//! library; written atomically ([`files::write_atomic`]).

use std::path::Path;

use anyhow::Context;

use crate::cli::pixel_font::{ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyph, text_width};
use crate::core::files;

/// Black, for text and axes.
const INK: [u8; 3] = [20, 20, 20];
/// Light grey, for the grid.
const GRID: [u8; 3] = [225, 225, 225];
/// Tint of the diagonal of a confusion matrix.
const RIGHT: [u8; 3] = [60, 170, 90];
/// Tint off the diagonal.
const WRONG: [u8; 3] = [220, 70, 60];
/// Font pixels are drawn this many image pixels wide.
const TEXT_SCALE: usize = 2;

/// An RGB picture being drawn.
pub struct Canvas {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Canvas {
    /// A white canvas.
    pub fn new(width: usize, height: usize) -> Self {
        Canvas {
            width,
            height,
            pixels: vec![255; width * height * 3],
        }
    }

    /// Width and height in pixels.
    pub fn size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    fn put(&mut self, x: i64, y: i64, colour: [u8; 3]) {
        if x < 0 || y < 0 || x >= self.width as i64 || y >= self.height as i64 {
            return;
        }
        let i = (y as usize * self.width + x as usize) * 3;
        self.pixels[i..i + 3].copy_from_slice(&colour);
    }

    /// Fills the rectangle `[x0, x1) × [y0, y1)`.
    pub fn fill(&mut self, x0: i64, y0: i64, x1: i64, y1: i64, colour: [u8; 3]) {
        for y in y0..y1 {
            for x in x0..x1 {
                self.put(x, y, colour);
            }
        }
    }

    /// A line from `a` to `b`, `thickness` pixels wide.
    pub fn line(&mut self, a: [f32; 2], b: [f32; 2], colour: [u8; 3], thickness: usize) {
        let length = (b[0] - a[0]).hypot(b[1] - a[1]);
        let steps = (length * 2.0).ceil().max(1.0) as usize;
        let half = thickness as i64 / 2;
        for s in 0..=steps {
            let t = s as f32 / steps as f32;
            let x = (a[0] + (b[0] - a[0]) * t).round() as i64;
            let y = (a[1] + (b[1] - a[1]) * t).round() as i64;
            self.fill(
                x - half,
                y - half,
                x - half + thickness as i64,
                y - half + thickness as i64,
                colour,
            );
        }
    }

    /// Writes `text` with its top-left corner at (x, y), `scale` pixels per font pixel.
    pub fn text(&mut self, x: i64, y: i64, text: &str, scale: usize, colour: [u8; 3]) {
        for (n, c) in text.chars().enumerate() {
            let left = x + (n * ADVANCE * scale) as i64;
            for (row, bits) in glyph(c).iter().enumerate() {
                for col in 0..GLYPH_WIDTH {
                    if bits & (1 << (GLYPH_WIDTH - 1 - col)) != 0 {
                        let px = left + (col * scale) as i64;
                        let py = y + (row * scale) as i64;
                        self.fill(px, py, px + scale as i64, py + scale as i64, colour);
                    }
                }
            }
        }
    }

    /// The picture as PNG bytes.
    pub fn png(&self) -> anyhow::Result<Vec<u8>> {
        let picture =
            image::RgbImage::from_raw(self.width as u32, self.height as u32, self.pixels.clone())
                .context("a figure's pixel buffer does not match its size")?;
        let mut bytes = std::io::Cursor::new(Vec::new());
        picture
            .write_to(&mut bytes, image::ImageFormat::Png)
            .context("encoding a figure as PNG")?;
        Ok(bytes.into_inner())
    }

    /// Writes the picture as a PNG file (through a temporary file and a rename).
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        files::write_atomic(path, &self.png()?)?;
        Ok(())
    }
}

/// `text` cut to `chars` characters (the last one a `.` when cut).
fn fit(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(chars.saturating_sub(1)).collect();
        cut.push('.');
        cut
    }
}

/// One line of a [`line_chart`].
pub struct ChartLine {
    /// Name in the legend.
    pub name: String,
    /// Colour.
    pub colour: [u8; 3],
    /// Points on the unit square.
    pub points: Vec<[f32; 2]>,
    /// Width in pixels.
    pub thickness: usize,
}

/// A chart of `lines` over x and y in 0..1, with a legend on the right and, when given, a
/// marked point (a dashed drop line to the x axis and a dot).
pub fn line_chart(
    title: &str,
    x_label: &str,
    y_label: &str,
    lines: &[ChartLine],
    marker: Option<[f32; 2]>,
) -> Canvas {
    let (left, top, plot_w, plot_h) = (80i64, 60i64, 440i64, 360i64);
    let legend_x = left + plot_w + 30;
    let mut canvas = Canvas::new(800, 500);
    let scale = TEXT_SCALE;
    let line_height = (GLYPH_HEIGHT * scale + 8) as i64;
    canvas.text(left, 16, title, scale, INK);
    let to_px = |p: [f32; 2]| {
        [
            left as f32 + p[0].clamp(0.0, 1.0) * plot_w as f32,
            (top + plot_h) as f32 - p[1].clamp(0.0, 1.0) * plot_h as f32,
        ]
    };
    for tick in 0..=5 {
        let v = tick as f32 / 5.0;
        let [x, _] = to_px([v, 0.0]);
        let [_, y] = to_px([0.0, v]);
        canvas.line([x, top as f32], [x, (top + plot_h) as f32], GRID, 1);
        canvas.line([left as f32, y], [(left + plot_w) as f32, y], GRID, 1);
        let label = format!("{v:.1}");
        let w = (text_width(&label) * scale) as i64;
        canvas.text(x as i64 - w / 2, top + plot_h + 8, &label, scale, INK);
        canvas.text(left - w - 8, y as i64 - 7, &label, scale, INK);
    }
    let axis_w = (text_width(x_label) * scale) as i64;
    canvas.text(
        left + plot_w / 2 - axis_w / 2,
        top + plot_h + 34,
        x_label,
        scale,
        INK,
    );
    canvas.text(4, top - 24, y_label, scale, INK);
    canvas.line(
        [left as f32, top as f32],
        [left as f32, (top + plot_h) as f32],
        INK,
        2,
    );
    canvas.line(
        [left as f32, (top + plot_h) as f32],
        [(left + plot_w) as f32, (top + plot_h) as f32],
        INK,
        2,
    );
    for (n, line) in lines.iter().enumerate() {
        for pair in line.points.windows(2) {
            canvas.line(to_px(pair[0]), to_px(pair[1]), line.colour, line.thickness);
        }
        let y = top + n as i64 * line_height;
        canvas.fill(legend_x, y + 4, legend_x + 16, y + 10, line.colour);
        let chars = (800 - legend_x as usize - 28) / (ADVANCE * scale);
        canvas.text(legend_x + 22, y, &fit(&line.name, chars), scale, INK);
    }
    if let Some(point) = marker {
        let [x, y] = to_px(point);
        let bottom = (top + plot_h) as f32;
        let mut at = y;
        while at < bottom {
            canvas.line([x, at], [x, (at + 5.0).min(bottom)], INK, 1);
            at += 9.0;
        }
        canvas.fill(x as i64 - 4, y as i64 - 4, x as i64 + 5, y as i64 + 5, INK);
    }
    canvas
}

/// A confusion matrix as a heat map: `counts[truth][predicted]`, rows named by `names`
/// (columns by number, the names' order), each cell shaded by its share of its row, green
/// on the diagonal and red off it (`diagonal_of` says which cells count as the diagonal).
pub fn heat_map(
    title: &str,
    names: &[String],
    counts: &[Vec<u64>],
    diagonal_of: impl Fn(usize, usize) -> bool,
) -> Canvas {
    let k = counts.len();
    let cell = 48i64;
    let scale = TEXT_SCALE;
    let name_chars = 12;
    let left = (name_chars * ADVANCE * scale) as i64 + 24;
    let top = 96i64;
    let width = (left + k as i64 * cell + 24).max(560);
    let height = top + k as i64 * cell + 24;
    let mut canvas = Canvas::new(width as usize, height as usize);
    canvas.text(12, 14, title, scale, INK);
    canvas.text(12, 44, "ROWS: TRUE, COLUMNS: PREDICTED", scale, INK);
    for (p, name) in names.iter().enumerate().take(k) {
        let label = fit(name, 3);
        let w = (text_width(&label) * scale) as i64;
        canvas.text(
            left + p as i64 * cell + cell / 2 - w / 2,
            top - 22,
            &label,
            scale,
            INK,
        );
    }
    for (t, row) in counts.iter().enumerate() {
        let y = top + t as i64 * cell;
        let name = names.get(t).map_or(String::new(), |n| fit(n, name_chars));
        canvas.text(12, y + cell / 2 - 7, &name, scale, INK);
        let total: u64 = row.iter().sum();
        for (p, &count) in row.iter().enumerate() {
            let x = left + p as i64 * cell;
            let share = if total == 0 {
                0.0
            } else {
                count as f32 / total as f32
            };
            let tint = if diagonal_of(t, p) { RIGHT } else { WRONG };
            let strength = if count == 0 {
                0.0
            } else {
                0.15 + 0.85 * share.sqrt()
            };
            let fill = std::array::from_fn(|i| {
                (255.0 * (1.0 - strength) + f32::from(tint[i]) * strength).round() as u8
            });
            canvas.fill(x + 1, y + 1, x + cell - 1, y + cell - 1, fill);
            if count > 0 {
                let text = compact(count);
                let s = if text.len() <= 4 { scale } else { 1 };
                let w = (text_width(&text) * s) as i64;
                let h = (GLYPH_HEIGHT * s) as i64;
                let colour = if share > 0.55 { [255; 3] } else { INK };
                canvas.text(x + cell / 2 - w / 2, y + cell / 2 - h / 2, &text, s, colour);
            }
        }
    }
    canvas
}

/// A count short enough for a cell: 12345 → "12K".
fn compact(count: u64) -> String {
    match count {
        0..10_000 => count.to_string(),
        10_000..1_000_000 => format!("{}K", count / 1000),
        _ => format!("{:.1}M", count as f64 / 1e6),
    }
}

/// Horizontal bars of `values` in 0..1, one per name (a missing value drawn as "-").
pub fn bar_chart(title: &str, names: &[String], values: &[Option<f32>]) -> Canvas {
    let scale = TEXT_SCALE;
    let name_chars = 12;
    let left = (name_chars * ADVANCE * scale) as i64 + 24;
    let (top, row, bar_w) = (60i64, 30i64, 400i64);
    let height = top + names.len() as i64 * row + 40;
    let mut canvas = Canvas::new((left + bar_w + 90) as usize, height as usize);
    canvas.text(12, 16, title, scale, INK);
    for tick in 0..=5 {
        let x = left + bar_w * tick / 5;
        canvas.line(
            [x as f32, top as f32],
            [x as f32, (top + names.len() as i64 * row) as f32],
            GRID,
            1,
        );
        let label = format!("{:.1}", tick as f32 / 5.0);
        let w = (text_width(&label) * scale) as i64;
        canvas.text(
            x - w / 2,
            top + names.len() as i64 * row + 8,
            &label,
            scale,
            INK,
        );
    }
    for (i, name) in names.iter().enumerate() {
        let y = top + i as i64 * row;
        canvas.text(12, y + 8, &fit(name, name_chars), scale, INK);
        let value = values.get(i).copied().flatten();
        let w = (value.unwrap_or(0.0).clamp(0.0, 1.0) * bar_w as f32).round() as i64;
        canvas.fill(left, y + 4, left + w, y + row - 4, [40, 110, 230]);
        let label = value.map_or("-".to_string(), |v| format!("{v:.2}"));
        canvas.text(left + w + 6, y + 8, &label, scale, INK);
    }
    canvas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_draw_and_encode() {
        let lines = [ChartLine {
            name: "circle AP 0.900".into(),
            colour: [200, 30, 30],
            points: vec![[0.0, 1.0], [0.5, 1.0], [1.0, 0.0]],
            thickness: 2,
        }];
        let chart = line_chart("PR", "recall", "precision", &lines, Some([0.5, 1.0]));
        let png = chart.png().expect("encodes");
        let decoded = image::load_from_memory(&png).expect("decodes");
        assert_eq!(decoded.width() as usize, chart.size().0);
        // The line is drawn in its colour somewhere.
        assert!(chart.pixels.chunks(3).any(|p| p == [200, 30, 30]));
        let names = vec!["a".to_string(), "background".to_string()];
        let map = heat_map("M", &names, &[vec![3, 1], vec![20_000, 0]], |t, p| t == p);
        assert!(map.png().is_ok());
        let bars = bar_chart("IoU", &names, &[Some(0.5), None]);
        assert!(bars.png().is_ok());
        assert_eq!(compact(12_345), "12K");
        assert_eq!(fit("background", 4), "bac.");
    }
}
