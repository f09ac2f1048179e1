//! The map's thumbnails: every image's small square picture packed into a few texture
//! pages, so the whole map draws as one mesh per page. Tiles arrive in chunks from the
//! thumbnail job; a page is uploaded again when tiles landed in it.

use egui::{Color32, ColorImage, Context, Pos2, Rect, TextureHandle, TextureId, TextureOptions};

use crate::core::protocol::RgbaImage;

/// Side of a texture page in pixels.
const PAGE_SIDE: usize = 1024;

/// Pages uploaded in one frame at most.
pub const PAGES_PER_FRAME: usize = 2;

/// Thumbnails packed into texture pages.
pub struct Atlas {
    side: usize,
    per_row: usize,
    pages: Vec<Page>,
    present: Vec<bool>,
}

struct Page {
    image: ColorImage,
    texture: Option<TextureHandle>,
    dirty: bool,
}

impl Atlas {
    /// An empty atlas for `count` tiles of `side`² pixels.
    pub fn new(count: usize, side: usize) -> Self {
        let side = side.clamp(1, PAGE_SIDE);
        let per_row = PAGE_SIDE / side;
        let per_page = per_row * per_row;
        let pages = count.div_ceil(per_page);
        let rows_in_last = (count - (pages.saturating_sub(1)) * per_page).div_ceil(per_row);
        Atlas {
            side,
            per_row,
            pages: (0..pages)
                .map(|p| {
                    let rows = if p + 1 == pages {
                        rows_in_last
                    } else {
                        per_row
                    };
                    Page {
                        image: ColorImage::filled(
                            [PAGE_SIDE, (rows * side).max(1)],
                            Color32::TRANSPARENT,
                        ),
                        texture: None,
                        dirty: false,
                    }
                })
                .collect(),
            present: vec![false; count],
        }
    }

    /// Tiles in all (present or not).
    pub fn len(&self) -> usize {
        self.present.len()
    }

    /// Whether the atlas holds no tile place.
    pub fn is_empty(&self) -> bool {
        self.present.is_empty()
    }

    /// Tiles that have arrived.
    pub fn loaded(&self) -> usize {
        self.present.iter().filter(|p| **p).count()
    }

    /// Copies `tile` into place `index`; a tile of the wrong size or place is ignored.
    pub fn put(&mut self, index: usize, tile: &RgbaImage) {
        let side = self.side;
        if index >= self.present.len()
            || tile.width != side
            || tile.height != side
            || tile.pixels.len() != side * side * 4
        {
            return;
        }
        let (page, x0, y0) = self.place(index);
        let image = &mut self.pages[page].image;
        let width = image.size[0];
        for y in 0..side {
            let row = &tile.pixels[y * side * 4..(y + 1) * side * 4];
            let start = (y0 + y) * width + x0;
            for (x, p) in row.chunks_exact(4).enumerate() {
                image.pixels[start + x] = Color32::from_rgba_unmultiplied(p[0], p[1], p[2], p[3]);
            }
        }
        self.pages[page].dirty = true;
        self.present[index] = true;
    }

    /// Uploads up to [`PAGES_PER_FRAME`] of the pages that changed since the last call
    /// (a frame stays short while thumbnails pour in); true when more wait.
    pub fn upload(&mut self, ctx: &Context) -> bool {
        let mut budget = PAGES_PER_FRAME;
        for (i, page) in self.pages.iter_mut().enumerate() {
            if !page.dirty {
                continue;
            }
            if budget == 0 {
                return true;
            }
            budget -= 1;
            page.dirty = false;
            let image = page.image.clone();
            match &mut page.texture {
                Some(texture) => texture.set(image, TextureOptions::LINEAR),
                None => {
                    page.texture = Some(ctx.load_texture(
                        format!("explore-atlas-{i}"),
                        image,
                        TextureOptions::LINEAR,
                    ))
                }
            }
        }
        false
    }

    /// The texture and the uv rectangle of tile `index`, once it has arrived and been
    /// uploaded.
    pub fn tile(&self, index: usize) -> Option<(TextureId, Rect)> {
        if !*self.present.get(index)? {
            return None;
        }
        let (page, x0, y0) = self.place(index);
        let page = &self.pages[page];
        let texture = page.texture.as_ref()?;
        let [w, h] = page.image.size;
        let (w, h) = (w as f32, h as f32);
        let side = self.side as f32;
        let min = Pos2::new(x0 as f32 / w, y0 as f32 / h);
        Some((
            texture.id(),
            Rect::from_min_max(min, Pos2::new(min.x + side / w, min.y + side / h)),
        ))
    }

    /// Page, x and y (pixels) of tile `index`.
    fn place(&self, index: usize) -> (usize, usize, usize) {
        let per_page = self.per_row * self.per_row;
        let (page, within) = (index / per_page, index % per_page);
        let (row, col) = (within / self.per_row, within % self.per_row);
        (page, col * self.side, row * self.side)
    }
}

/// Draws tile `index` as a clickable square of `side` points (a grey square until it has
/// arrived), framed when `framed`.
pub fn tile_button(
    ui: &mut egui::Ui,
    atlas: &Atlas,
    index: usize,
    side: f32,
    framed: bool,
) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::click());
    if ui.is_rect_visible(rect) {
        let painter = ui.painter();
        match atlas.tile(index) {
            Some((texture, uv)) => {
                painter.image(texture, rect, uv, Color32::WHITE);
            }
            None => {
                painter.rect_filled(rect, 2.0, ui.visuals().faint_bg_color);
            }
        }
        if framed || response.hovered() {
            let colour = if framed {
                Color32::WHITE
            } else {
                ui.visuals().weak_text_color()
            };
            painter.rect_stroke(
                rect,
                2.0,
                egui::Stroke::new(1.5, colour),
                egui::StrokeKind::Outside,
            );
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_land_in_pages_and_only_right_sized_ones_are_kept() {
        let mut atlas = Atlas::new(40, 256); // 4 per row, 16 per page: 3 pages
        assert_eq!(atlas.pages.len(), 3);
        assert_eq!(atlas.pages[2].image.size, [1024, 2 * 256]);
        let tile = RgbaImage {
            width: 256,
            height: 256,
            pixels: vec![200; 256 * 256 * 4],
        };
        atlas.put(37, &tile);
        atlas.put(
            38,
            &RgbaImage {
                width: 2,
                height: 2,
                pixels: vec![0; 16],
            },
        );
        atlas.put(99, &tile);
        assert_eq!(atlas.loaded(), 1);
        assert_eq!(atlas.place(37), (2, 256, 256));
        assert_eq!(
            atlas.pages[2].image.pixels[256 * 1024 + 256],
            Color32::from_rgba_unmultiplied(200, 200, 200, 200)
        );
    }
}
