//! Training images read from disk batch by batch, for datasets whose decoded pixels would
//! not fit the decode budget.
//!
//! A folder is decoded up front when its images at network input size fit the budget
//! ([`DEFAULT_BUDGET_MB`], or `VISIONLAB_DECODE_BUDGET_MB`); otherwise only the validation
//! split (capped to half the budget) and a small sample are decoded, and the loader thread
//! decodes each training batch from its files when it is needed. The operating system's
//! page cache is the cache: files read in one epoch are usually still in memory in the
//! next, without counting against the process.

use std::path::PathBuf;

use rand::rngs::StdRng;

use crate::data::augment::Policy;
use crate::data::batch::{Batch, ItemSource, Normalization, make_batch};
use crate::data::{Image, LabeledImage, image_folder};

/// Decode budget, in MB, when `VISIONLAB_DECODE_BUDGET_MB` is not set.
pub const DEFAULT_BUDGET_MB: u64 = 512;

/// Environment variable that sets the decode budget in MB.
pub const BUDGET_ENV: &str = "VISIONLAB_DECODE_BUDGET_MB";

/// Start of the log line that says how the images are held (bench and tests look for it).
pub const MODE_LINE_PREFIX: &str = "Images: ";

/// Training images decoded on a loader thread.
pub const SAMPLE_SIZE: usize = 256;

/// The decode budget in bytes: `VISIONLAB_DECODE_BUDGET_MB` when set to a number, else
/// [`DEFAULT_BUDGET_MB`].
pub fn budget_bytes() -> u64 {
    let mb = std::env::var(BUDGET_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_BUDGET_MB);
    mb.saturating_mul(1024 * 1024)
}

/// The training split of a streamed dataset: its files and labels, decoded on demand.
#[derive(Clone, Debug)]
pub struct StreamedImages {
    /// Each training image's file and class index.
    pub files: Vec<(PathBuf, usize)>,
    /// Network input width.
    pub width: u32,
    /// Network input height.
    pub height: u32,
    /// 1 or 3.
    pub channels: u32,
    /// The decode budget it was streamed under, in bytes.
    pub budget: u64,
}

impl StreamedImages {
    /// Number of training images.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Bytes all training images would take decoded.
    pub fn decoded_bytes(&self) -> u64 {
        self.files.len() as u64 * u64::from(self.width * self.height * self.channels)
    }

    /// Images per class.
    pub fn counts(&self, classes: usize) -> Vec<usize> {
        let mut counts = vec![0; classes];
        for (_, label) in &self.files {
            if let Some(c) = counts.get_mut(*label) {
                *c += 1;
            }
        }
        counts
    }

    /// Decodes training image `index`; `None` when it is out of range or its file can no
    /// longer be read (it was checked when the folder was read; it may have changed since).
    pub fn decode(&self, index: usize) -> Option<LabeledImage> {
        let (path, label) = self.files.get(index)?;
        let image: Image =
            image_folder::decode_file(path, self.width, self.height, self.channels).ok()?;
        Some(LabeledImage {
            image,
            label: *label,
        })
    }
}

impl ItemSource for StreamedImages {
    fn len(&self) -> usize {
        self.files.len()
    }

    fn batch(
        &self,
        indices: &[usize],
        norm: &Normalization,
        augment: Option<(&mut StdRng, Policy)>,
    ) -> Batch {
        let mut kept = Vec::with_capacity(indices.len());
        let mut items = Vec::with_capacity(indices.len());
        for &i in indices {
            if let Some(item) = self.decode(i) {
                kept.push(i);
                items.push(item);
            }
        }
        let local: Vec<usize> = (0..items.len()).collect();
        let mut batch = make_batch(&items, &local, norm, augment);
        // Indices into the whole training split, as for images held in memory.
        batch.indices = kept;
        batch
    }
}
