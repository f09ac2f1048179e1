//! Neural style transfer: three methods behind one job.
//!
//! - [`optimize`]: Gatys et al., the pixels optimised against content, Gram-matrix style
//!   and total-variation [`losses`] on the pretrained MobileNetV2's features;
//! - [`fast`]: the feed-forward network with 26 built-in (blendable) styles;
//! - [`arbitrary`]: any style image in one pass (Ghiasi et al.), with a strength that mixes
//!   the content's and the style's style vectors.
//!
//! The two feed-forward methods run Burn code generated from the ONNX graphs by burn-onnx
//! ([`generated`], written by `tools/onnx-convert`); their weights are `.bpk` files in the
//! assets folder, read at run time; the 26-style network's instance norms run as one fused
//! loop on the CPU ([`instance_norm`]). [`job`] runs a [`StyleRequest`] on its own thread and
//! reports through the protocol, and [`previews`] makes the built-in styles' previews for
//! the picker; [`picture`] reads and exports images; [`colors`] keeps
//! the content's colours; [`memory`] refuses sizes that would not fit.
//!
//! [`StyleRequest`]: crate::core::protocol::StyleRequest

pub mod arbitrary;
pub mod colors;
pub mod fast;
pub mod generated;
pub mod instance_norm;
pub mod job;
pub mod losses;
pub mod memory;
pub mod optimize;
pub mod picture;
pub mod previews;

/// Why a stylization could not run.
#[derive(Debug, thiserror::Error)]
pub enum StyleError {
    /// An input image is missing, unreadable or corrupt.
    #[error("cannot use the image {path}: {message}")]
    Image {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
    /// The method needs a style image and none was given.
    #[error("this method needs a style image: drop one on the style well or pass --style")]
    MissingStyle,
    /// A built-in style index is out of range, or the weights are unusable.
    #[error("{0}")]
    Builtin(String),
    /// The requested output size is 0 or absurd.
    #[error("{0}")]
    Size(String),
    /// The output would not fit in memory.
    #[error(
        "an output of {size} needs about {need_mb} MB, more than the {budget_mb} MB this device can spare: choose a size of {suggestion} or less (VISIONLAB_MEMORY_MB overrides the limit)"
    )]
    Memory {
        /// The size asked for, `w×h`.
        size: String,
        /// Estimated need in MB.
        need_mb: u64,
        /// What the device gives, in MB.
        budget_mb: u64,
        /// A longer side that fits.
        suggestion: u32,
    },
    /// An option is out of range.
    #[error("{0}")]
    Options(String),
    /// Bundled weights are missing or do not fit.
    #[error("cannot load the network weights: {0}")]
    Weights(String),
    /// The image could not be written.
    #[error("cannot export to {path}: {message}")]
    Export {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
    /// Something that should not happen (a tensor read failed).
    #[error("internal error: {0}")]
    Internal(String),
}
