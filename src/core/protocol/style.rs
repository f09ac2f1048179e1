//! Types of the Style tab and `visionlab stylize`. The job takes `Command::Stop` (and
//! Pause/Resume), sends `Event::Device`, `Event::Log` and `Event::Style`, and ends with
//! `Event::Finished` / `Event::Failed` like every job. The built-in styles' previews come
//! from a job of their own, as [`StyleEvent::BuiltinPreview`]s.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{DeviceChoice, RgbaImage};

/// How an image is stylized.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum StyleMethod {
    /// Gatys et al.: optimise the pixels against content, Gram-matrix style and TV losses
    /// on MobileNetV2 features.
    #[value(name = "optimize")]
    Optimize,
    /// The feed-forward network with 26 built-in styles (blendable).
    #[default]
    #[value(name = "fast")]
    Fast,
    /// Arbitrary style (Ghiasi et al.): any style image, one pass.
    #[value(name = "arbitrary")]
    Arbitrary,
}

impl StyleMethod {
    /// All choices, for selectors.
    pub const ALL: [StyleMethod; 3] = [
        StyleMethod::Optimize,
        StyleMethod::Fast,
        StyleMethod::Arbitrary,
    ];

    /// Name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            StyleMethod::Optimize => "Optimisation (Gatys)",
            StyleMethod::Fast => "Fast: 26 built-in styles",
            StyleMethod::Arbitrary => "Arbitrary style",
        }
    }

    /// Whether the method takes a style image (else built-in styles).
    pub fn needs_style_image(self) -> bool {
        !matches!(self, StyleMethod::Fast)
    }
}

/// Where the optimisation starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum StyleInit {
    /// From the content image.
    #[default]
    Content,
    /// From uniform noise drawn with the seed.
    Noise,
}

/// Which optimizer updates the pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum PixelOptimizer {
    /// Adam.
    #[default]
    Adam,
    /// L-BFGS (a few function evaluations per iteration, no line search).
    #[value(name = "lbfgs")]
    Lbfgs,
}

/// One stylization: images, method and its options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StyleRequest {
    /// The content image file.
    pub content: PathBuf,
    /// The style image file (optimisation and arbitrary style).
    pub style: Option<PathBuf>,
    /// The method.
    pub method: StyleMethod,
    /// Built-in styles and their weights (fast method); blended when several.
    pub builtin: Vec<(usize, f32)>,
    /// Longer side of the output in pixels; capped at the content image's own.
    pub size: u32,
    /// Optimisation iterations.
    pub iterations: usize,
    /// Weight of the content loss.
    pub content_weight: f32,
    /// Weight of the style (Gram) loss.
    pub style_weight: f32,
    /// Weight of the total-variation loss.
    pub tv_weight: f32,
    /// MobileNetV2 stages whose Gram matrices make the style loss.
    pub style_layers: Vec<usize>,
    /// MobileNetV2 stage whose activations make the content loss.
    pub content_layer: usize,
    /// Optimizer's step size (pixels on the 0..1 scale).
    pub learning_rate: f32,
    /// Adam or L-BFGS.
    pub optimizer: PixelOptimizer,
    /// Start from the content or from noise.
    pub init: StyleInit,
    /// Seed of the noise initialisation.
    pub seed: u64,
    /// Arbitrary style: 1 = the style image's style vector, 0 = the content's own.
    pub strength: f32,
    /// Keep the content's colours: transfer luminance only.
    pub keep_colors: bool,
    /// Send a preview every this many iterations (0: none).
    pub preview_every: usize,
    /// Where tensors run.
    pub device: DeviceChoice,
}

impl Default for StyleRequest {
    fn default() -> Self {
        StyleRequest {
            content: PathBuf::new(),
            style: None,
            method: StyleMethod::Fast,
            builtin: vec![(0, 1.0)],
            size: 512,
            iterations: 200,
            content_weight: 1.0,
            style_weight: 1e4,
            tv_weight: 1e-5,
            style_layers: vec![2, 4, 7, 14],
            content_layer: 7,
            learning_rate: 0.02,
            optimizer: PixelOptimizer::Adam,
            init: StyleInit::Content,
            seed: 0,
            strength: 1.0,
            keep_colors: false,
            preview_every: 10,
            device: DeviceChoice::Auto,
        }
    }
}

/// The parts of the optimisation loss after one iteration (weighted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StyleLosses {
    /// Weighted content loss.
    pub content: f32,
    /// Weighted style loss.
    pub style: f32,
    /// Weighted total-variation loss.
    pub tv: f32,
}

impl StyleLosses {
    /// Their sum.
    pub fn total(&self) -> f32 {
        self.content + self.style + self.tv
    }
}

/// Job → UI events of the Style tab (carried by [`Event::Style`]).
#[derive(Clone, Debug, PartialEq)]
pub enum StyleEvent {
    /// The images as read, at working size (thumbnails for the wells).
    Inputs {
        /// The content at output size.
        content: RgbaImage,
        /// The style image as the method sees it, when there is one.
        style: Option<RgbaImage>,
    },
    /// Optimisation progress: iteration `done` of `total`, with the losses.
    Progress {
        /// Iterations done.
        done: usize,
        /// Iterations in all.
        total: usize,
        /// The losses of the last iteration (feed-forward methods: none).
        losses: Option<StyleLosses>,
    },
    /// The image as it forms (full output size).
    Preview(RgbaImage),
    /// A preview of one built-in style, from the previews job
    /// ([`crate::style::previews`]): a small bundled photo stylized with that style alone.
    BuiltinPreview {
        /// The built-in style, 0 to 25.
        style: usize,
        /// The preview, about 96 px on its longer side.
        image: RgbaImage,
    },
    /// The finished image (full output size): what Export writes.
    Result {
        /// The image.
        image: RgbaImage,
        /// Milliseconds the stylization took (without loading).
        millis: f64,
    },
}
