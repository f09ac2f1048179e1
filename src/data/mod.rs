//! Files → samples: ImageFolder datasets, the synthetic shapes set, the real-photo scenes,
//! augmentation and batches.
//!
//! Images are decoded once, resized to the network input and kept as `u8` pixels
//! ([`Image`]); batches are made from them on a loader thread ([`batch`]).

pub mod augment;
pub mod batch;
pub mod image_folder;
pub mod mnist;
pub mod orientation;
pub mod photo_scenes;
pub mod shapes;
pub mod text;
pub mod walk;

/// Streaming of folders too large to decode into memory (lives with the folder reader).
pub use image_folder::stream;

use std::path::PathBuf;
use std::sync::Arc;

/// A decoded image at network input size: `height * width * channels` bytes, row-major,
/// channels interleaved (HWC). `channels` is 1 (grey) or 3 (RGB).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// 1 or 3.
    pub channels: u32,
    /// HWC bytes.
    pub pixels: Vec<u8>,
}

impl Image {
    /// The pixels as RGBA (grey is repeated into R, G and B), for display.
    pub fn to_rgba(&self) -> crate::core::protocol::RgbaImage {
        let n = (self.width * self.height) as usize;
        let mut out = Vec::with_capacity(n * 4);
        for i in 0..n {
            if self.channels == 1 {
                let v = self.pixels[i];
                out.extend_from_slice(&[v, v, v, 255]);
            } else {
                let p = &self.pixels[i * 3..i * 3 + 3];
                out.extend_from_slice(&[p[0], p[1], p[2], 255]);
            }
        }
        crate::core::protocol::RgbaImage {
            width: self.width as usize,
            height: self.height as usize,
            pixels: out,
        }
    }
}

/// One labelled image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabeledImage {
    /// The image at network input size.
    pub image: Image,
    /// Class index into [`ClassificationSet::classes`].
    pub label: usize,
}

/// A file that was left out, and why (shown to the user, counted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// A classification dataset in memory, split into training and validation images.
#[derive(Clone, Debug)]
pub struct ClassificationSet {
    /// Class names; a label is an index into this.
    pub classes: Vec<String>,
    /// 1 (all images grey) or 3.
    pub channels: u32,
    /// Input height.
    pub height: u32,
    /// Input width.
    pub width: u32,
    /// Training images.
    pub train: Vec<LabeledImage>,
    /// Validation (or test) images.
    pub val: Vec<LabeledImage>,
    /// Files left out.
    pub skipped: Vec<Skipped>,
    /// Set when the training images did not fit the decode budget: the training split is
    /// read from these files batch by batch, and `train` holds only a decoded sample of it
    /// (for thumbnails and normalisation statistics).
    pub streamed: Option<Arc<stream::StreamedImages>>,
}

impl ClassificationSet {
    /// Number of training images (all of them, also when streamed).
    pub fn train_len(&self) -> usize {
        self.streamed.as_ref().map_or(self.train.len(), |s| s.len())
    }

    /// Training images per class (all of them, also when streamed).
    pub fn train_counts(&self) -> Vec<usize> {
        match &self.streamed {
            Some(s) => s.counts(self.classes.len()),
            None => self.counts(&self.train),
        }
    }

    /// Images per class in `items`.
    pub fn counts(&self, items: &[LabeledImage]) -> Vec<usize> {
        let mut counts = vec![0; self.classes.len()];
        for item in items {
            if let Some(c) = counts.get_mut(item.label) {
                *c += 1;
            }
        }
        counts
    }
}

/// Why a dataset could not be read. Each names the file or folder.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The folder does not exist or cannot be listed.
    #[error("cannot read folder {path}: {error}")]
    UnreadableFolder {
        /// The folder.
        path: PathBuf,
        /// The OS error (part of the message, not a separate cause, so it is said once).
        error: std::io::Error,
    },
    /// The folder has no class sub-folders with images.
    #[error(
        "{path} holds no images in class sub-folders (expected DIR/<class>/<image> or DIR/train/<class>/<image>)"
    )]
    Empty {
        /// The folder.
        path: PathBuf,
    },
    /// Only one class: nothing to classify.
    #[error(
        "{path} has only one class ({class}); a classifier needs at least two class sub-folders"
    )]
    OneClass {
        /// The folder.
        path: PathBuf,
        /// The only class.
        class: String,
    },
    /// A class has images in one split folder and none in the other.
    #[error(
        "class `{class}` has images in {has} but none in {lacks} (no {lacks}/{class} with images): {why}"
    )]
    SplitClasses {
        /// The class (folder name).
        class: String,
        /// The split folder that has it.
        has: PathBuf,
        /// The split folder that lacks it.
        lacks: PathBuf,
        /// Why that is a problem and what to do.
        why: &'static str,
    },
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// An argument is out of range.
    #[error("{0}")]
    Invalid(String),
}

/// Up to `k` indices spread evenly over `0..n`.
pub fn spread(n: usize, k: usize) -> Vec<usize> {
    if n <= k {
        return (0..n).collect();
    }
    (0..k).map(|i| i * n / k).collect()
}
