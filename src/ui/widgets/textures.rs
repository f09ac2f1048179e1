//! Pictures sent by jobs, and the GPU textures that show them.
//!
//! A [`Picture`] is an [`RgbaImage`] with a content key computed once, when the event
//! arrives. [`TextureCache`] uploads each distinct picture once and drops textures that
//! have not been drawn for a while.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use egui::{ColorImage, Context, TextureHandle, TextureOptions};

use crate::core::protocol::RgbaImage;

/// Frames a texture may go undrawn before it is freed.
const EVICT_AFTER_FRAMES: u64 = 120;

/// An image from a job, with a key that identifies its content.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    /// Hash of the size and the pixels.
    pub key: u64,
    /// The image itself.
    pub image: RgbaImage,
}

impl Picture {
    /// Wraps an image and computes its content key.
    pub fn new(image: RgbaImage) -> Self {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        image.width.hash(&mut hasher);
        image.height.hash(&mut hasher);
        image.pixels.hash(&mut hasher);
        Picture {
            key: hasher.finish(),
            image,
        }
    }

    /// Whether the size and the pixel buffer agree (a job could send a broken image).
    pub fn is_valid(&self) -> bool {
        let RgbaImage {
            width,
            height,
            pixels,
        } = &self.image;
        *width > 0
            && *height > 0
            && width
                .checked_mul(*height)
                .and_then(|n| n.checked_mul(4))
                .is_some_and(|n| n == pixels.len())
    }

    /// Width over height, 1 for an invalid image.
    pub fn aspect(&self) -> f32 {
        if self.is_valid() {
            self.image.width as f32 / self.image.height as f32
        } else {
            1.0
        }
    }
}

/// Uploaded textures keyed by picture content.
#[derive(Default)]
pub struct TextureCache {
    entries: HashMap<u64, Entry>,
    frame: u64,
}

struct Entry {
    handle: TextureHandle,
    last_used: u64,
}

impl TextureCache {
    /// The texture for `picture`, uploading it (nearest filtering) on first use.
    /// `None` when the image is malformed or larger than the GPU allows.
    pub fn get(&mut self, ctx: &Context, picture: &Picture) -> Option<TextureHandle> {
        if let Some(entry) = self.entries.get_mut(&picture.key) {
            entry.last_used = self.frame;
            return Some(entry.handle.clone());
        }
        if !picture.is_valid() {
            return None;
        }
        let max_side = ctx.input(|i| i.max_texture_side);
        if picture.image.width > max_side || picture.image.height > max_side {
            return None;
        }
        let image = ColorImage::from_rgba_unmultiplied(
            [picture.image.width, picture.image.height],
            &picture.image.pixels,
        );
        let handle = ctx.load_texture(
            format!("picture-{:016x}", picture.key),
            image,
            TextureOptions::NEAREST,
        );
        self.entries.insert(
            picture.key,
            Entry {
                handle: handle.clone(),
                last_used: self.frame,
            },
        );
        Some(handle)
    }

    /// Marks the end of a frame and frees textures unused for a while.
    pub fn end_frame(&mut self) {
        self.frame += 1;
        let frame = self.frame;
        self.entries
            .retain(|_, entry| frame.saturating_sub(entry.last_used) <= EVICT_AFTER_FRAMES);
    }

    /// Number of textures currently held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no texture is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Draws `picture` scaled (nearest filter) so its longer side is `side` points.
pub fn show_picture(ui: &mut egui::Ui, picture: &Picture, side: f32, textures: &mut TextureCache) {
    let aspect = picture.aspect();
    let size = if aspect >= 1.0 {
        egui::Vec2::new(side, side / aspect)
    } else {
        egui::Vec2::new(side * aspect, side)
    };
    match textures.get(ui.ctx(), picture) {
        Some(texture) => {
            ui.add(egui::Image::new((texture.id(), size)).fit_to_exact_size(size));
        }
        None => {
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            ui.painter()
                .rect_filled(rect, 2.0, ui.visuals().faint_bg_color);
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "?",
                egui::FontId::proportional(14.0),
                ui.visuals().weak_text_color(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(width: usize, height: usize, fill: u8) -> RgbaImage {
        RgbaImage {
            width,
            height,
            pixels: vec![fill; width * height * 4],
        }
    }

    #[test]
    fn key_follows_content() {
        assert_eq!(
            Picture::new(image(2, 2, 7)).key,
            Picture::new(image(2, 2, 7)).key
        );
        assert_ne!(
            Picture::new(image(2, 2, 7)).key,
            Picture::new(image(2, 2, 8)).key
        );
        assert_ne!(
            Picture::new(image(1, 4, 7)).key,
            Picture::new(image(4, 1, 7)).key
        );
    }

    #[test]
    fn broken_images_are_rejected() {
        let mut broken = image(3, 3, 0);
        broken.pixels.pop();
        assert!(!Picture::new(broken).is_valid());
        assert!(!Picture::new(image(0, 3, 0)).is_valid());
        assert!(Picture::new(image(3, 3, 0)).is_valid());
    }

    #[test]
    fn uploads_once_and_evicts_unused() {
        let ctx = Context::default();
        let mut cache = TextureCache::default();
        let picture = Picture::new(image(4, 4, 200));
        let first = cache.get(&ctx, &picture).map(|t| t.id());
        let second = cache.get(&ctx, &picture).map(|t| t.id());
        assert!(first.is_some());
        assert_eq!(first, second);
        assert_eq!(cache.len(), 1);
        for _ in 0..=EVICT_AFTER_FRAMES + 1 {
            cache.end_frame();
        }
        assert!(cache.is_empty());
    }
}
