//! What the segmentation overlay shows: validation images with their true and predicted
//! masks, and the view controls (opacity, prediction / ground truth / error). Plain data;
//! the colouring itself runs in a WGSL shader ([`overlay_gpu`](super::overlay_gpu)) or,
//! when the renderer is not wgpu, on the CPU ([`compose`]).

use std::sync::Arc;

use crate::core::protocol::{MaskPrediction, RgbaImage};
use crate::tasks::segment::{blend, class_colour};
use crate::ui::widgets::textures::Picture;

/// Which mask the overlay colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum OverlayMode {
    /// The model's classes.
    #[default]
    Prediction,
    /// The true classes.
    Truth,
    /// Pixels where prediction and truth differ, in red.
    Error,
}

impl OverlayMode {
    /// All modes, in the order shown.
    pub const ALL: [OverlayMode; 3] = [
        OverlayMode::Prediction,
        OverlayMode::Truth,
        OverlayMode::Error,
    ];

    /// Name on the toggle.
    pub fn label(self) -> &'static str {
        match self {
            OverlayMode::Prediction => "Prediction",
            OverlayMode::Truth => "Ground truth",
            OverlayMode::Error => "Errors",
        }
    }

    /// The number the shader reads.
    pub fn code(self) -> u32 {
        match self {
            OverlayMode::Prediction => 0,
            OverlayMode::Truth => 1,
            OverlayMode::Error => 2,
        }
    }
}

/// Colour of wrong pixels in [`OverlayMode::Error`].
pub const ERROR_COLOUR: [u8; 3] = [255, 40, 40];

/// The pixels of one overlay item, shared with the GPU upload (never copied per frame).
#[derive(Debug, PartialEq)]
pub struct MaskPixels {
    /// Unique id: GPU textures are cached under it.
    pub key: u64,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// The image, RGBA.
    pub rgba: Vec<u8>,
    /// Two bytes a pixel: predicted class, true class.
    pub classes: Vec<u8>,
}

/// One validation image with its masks.
#[derive(Clone, Debug, PartialEq)]
pub struct MaskView {
    /// The pixels.
    pub pixels: Arc<MaskPixels>,
    /// Thumbnail for the gallery: the prediction blended at 50 %.
    pub thumbnail: Picture,
    /// File stem or sample number.
    pub name: String,
    /// Fraction of counted pixels predicted right.
    pub pixel_accuracy: f32,
}

impl MaskView {
    fn new(prediction: MaskPrediction, key: u64) -> Self {
        let MaskPrediction {
            image,
            truth,
            predicted,
            name,
        } = prediction;
        let n = image.width * image.height;
        let mut classes = Vec::with_capacity(n * 2);
        let (mut right, mut counted) = (0usize, 0usize);
        for i in 0..n {
            let p = predicted.get(i).copied().unwrap_or(0);
            let t = truth
                .get(i)
                .copied()
                .unwrap_or(crate::tasks::segment::data::IGNORE);
            classes.extend_from_slice(&[p, t]);
            if t != crate::tasks::segment::data::IGNORE {
                counted += 1;
                right += usize::from(p == t);
            }
        }
        let thumbnail = Picture::new(blend(&image, &predicted, 0.5));
        MaskView {
            pixels: Arc::new(MaskPixels {
                key,
                width: image.width,
                height: image.height,
                rgba: image.pixels,
                classes,
            }),
            thumbnail,
            name,
            pixel_accuracy: if counted == 0 {
                1.0
            } else {
                right as f32 / counted as f32
            },
        }
    }

    /// Predicted and true class at pixel (`x`, `y`).
    pub fn classes_at(&self, x: usize, y: usize) -> Option<(u8, u8)> {
        let p = &self.pixels;
        if x >= p.width || y >= p.height {
            return None;
        }
        let i = (y * p.width + x) * 2;
        Some((*p.classes.get(i)?, *p.classes.get(i + 1)?))
    }
}

/// The overlay's masks and controls.
#[derive(Clone, Debug)]
pub struct OverlayState {
    /// Latest validation masks.
    pub masks: Vec<MaskView>,
    /// Opacity of the colours, 0..1.
    pub opacity: f32,
    /// Which mask is coloured.
    pub mode: OverlayMode,
    /// Index into `masks` of the large view.
    pub selected: usize,
    /// Epoch the masks come from.
    pub epoch: usize,
    next_key: u64,
}

impl Default for OverlayState {
    fn default() -> Self {
        OverlayState {
            masks: Vec::new(),
            opacity: 0.6,
            mode: OverlayMode::Prediction,
            selected: 0,
            epoch: 0,
            next_key: 1,
        }
    }
}

impl OverlayState {
    /// Replaces the masks with a new epoch's.
    pub fn set_masks(&mut self, masks: Vec<MaskPrediction>) {
        self.epoch += 1;
        self.masks = masks
            .into_iter()
            .map(|m| {
                let key = self.next_key;
                self.next_key += 1;
                MaskView::new(m, key)
            })
            .collect();
        if self.selected >= self.masks.len() {
            self.selected = 0;
        }
    }

    /// Forgets the masks (a new run starts).
    pub fn clear(&mut self) {
        self.masks.clear();
        self.selected = 0;
        self.epoch = 0;
    }

    /// The item in the large view.
    pub fn current(&self) -> Option<&MaskView> {
        self.masks.get(self.selected)
    }
}

/// Colours `view` on the CPU exactly as the shader does: the chosen mask's class colours
/// (background left uncoloured) or red on wrong pixels, blended with `opacity`.
pub fn compose(view: &MaskPixels, mode: OverlayMode, opacity: f32) -> RgbaImage {
    let a = opacity.clamp(0.0, 1.0);
    let mut pixels = view.rgba.clone();
    for (px, cls) in pixels.chunks_exact_mut(4).zip(view.classes.chunks_exact(2)) {
        let (p, t) = (cls[0], cls[1]);
        let colour = match mode {
            OverlayMode::Prediction if p != 0 => class_colour(p),
            OverlayMode::Truth if t != 0 => class_colour(t),
            OverlayMode::Error if t != crate::tasks::segment::data::IGNORE && p != t => {
                ERROR_COLOUR
            }
            _ => continue,
        };
        for k in 0..3 {
            px[k] = (f32::from(px[k]) * (1.0 - a) + f32::from(colour[k]) * a).round() as u8;
        }
    }
    RgbaImage {
        width: view.width,
        height: view.height,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prediction() -> MaskPrediction {
        MaskPrediction {
            image: RgbaImage {
                width: 2,
                height: 2,
                pixels: vec![100; 16],
            },
            truth: vec![0, 1, 2, 255],
            predicted: vec![0, 1, 1, 2],
            name: "a".into(),
        }
    }

    #[test]
    fn views_pack_classes_and_measure_accuracy() {
        let mut state = OverlayState::default();
        state.set_masks(vec![prediction()]);
        let view = state.current().unwrap();
        assert_eq!(view.classes_at(1, 0), Some((1, 1)));
        assert_eq!(view.classes_at(0, 1), Some((1, 2)));
        assert_eq!(view.classes_at(2, 0), None);
        // Pixel 3 is ignored: 2 of 3 counted pixels are right.
        assert!((view.pixel_accuracy - 2.0 / 3.0).abs() < 1e-6);
        let first_key = view.pixels.key;
        state.set_masks(vec![prediction()]);
        assert_ne!(state.current().unwrap().pixels.key, first_key);
    }

    #[test]
    fn compose_colours_each_mode() {
        let mut state = OverlayState::default();
        state.set_masks(vec![prediction()]);
        let view = &state.current().unwrap().pixels;
        let px = |img: &RgbaImage, i: usize| img.pixels[i * 4..i * 4 + 3].to_vec();
        let pred = compose(view, OverlayMode::Prediction, 1.0);
        assert_eq!(px(&pred, 0), vec![100, 100, 100]); // background stays
        assert_eq!(px(&pred, 2), class_colour(1).to_vec());
        let truth = compose(view, OverlayMode::Truth, 1.0);
        assert_eq!(px(&truth, 2), class_colour(2).to_vec());
        let errors = compose(view, OverlayMode::Error, 1.0);
        assert_eq!(px(&errors, 1), vec![100, 100, 100]); // right
        assert_eq!(px(&errors, 2), ERROR_COLOUR.to_vec()); // wrong
        assert_eq!(px(&errors, 3), vec![100, 100, 100]); // ignored
        let none = compose(view, OverlayMode::Prediction, 0.0);
        assert_eq!(none.pixels, view.rgba);
    }
}
