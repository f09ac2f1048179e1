//! The embedding cache: what one run embedded, kept on disk so that opening the same
//! dataset with the same model again is instant. One file per (model, dataset folder),
//! named from their paths; inside, a fingerprint of the model file and of every image
//! file (path, size, modification time): when it differs the cache is stale and is
//! recomputed.
//!
//! Layout: the magic `VLEMB001`, a length-prefixed (u64 LE) JSON header (the fingerprint,
//! the vector lengths, the files and what was skipped), the embeddings and then the class
//! probabilities as f32 LE, and the CRC-32 of everything before it (u32 LE). Written
//! atomically ([`write_atomic`]).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::core::files::{WriteError, write_atomic};
use crate::core::protocol::EmbeddingModel;
use crate::data::image_folder::FolderFile;

const MAGIC: &[u8; 8] = b"VLEMB001";

/// The largest header read (10 000 files take about 2 MB).
const MAX_HEADER: u64 = 1 << 30;

/// Why the cache could not be used or written.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The file is not a cache, is truncated or fails its checksum.
    #[error("the embedding cache {path} is damaged: {message}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The file exists but cannot be read.
    #[error("cannot read the embedding cache {path}: {message}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// The file cannot be written.
    #[error("cannot write the embedding cache {0}")]
    Write(#[from] WriteError),
}

/// One usable image as embedded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedFile {
    /// The file.
    pub path: PathBuf,
    /// Its class folder's name.
    pub class: String,
    /// Its split folder, as [`FolderFile::held_out`].
    pub held_out: Option<bool>,
    /// The hash of its pixels ([`crate::explore::dataset::pixel_hash`]).
    pub hash: u64,
    /// The model's top-1 class (an index into the model's classes).
    pub predicted: usize,
    /// Its softmax probability.
    pub confidence: f32,
}

/// What one run embedded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Embedded {
    /// The fingerprint of the model and the files ([`fingerprint`]).
    pub key: String,
    /// Length of an embedding.
    pub dim: usize,
    /// Probabilities kept per image: the model's classes, or 0 (the ImageNet model keeps
    /// only its top-1).
    pub prob_dim: usize,
    /// The usable images, in the folder's order.
    pub files: Vec<EmbeddedFile>,
    /// The files left out, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// `files.len() × dim` values.
    #[serde(skip)]
    pub embeddings: Vec<f32>,
    /// `files.len() × prob_dim` values.
    #[serde(skip)]
    pub probabilities: Vec<f32>,
}

/// The cache file's name for `model` over the dataset folder `data`.
pub fn file_name(model: &EmbeddingModel, data: &Path) -> String {
    let mut hasher = DefaultHasher::new();
    model.describe().hash(&mut hasher);
    data.hash(&mut hasher);
    format!("explore-{:016x}.vlemb", hasher.finish())
}

/// Where the CLI keeps caches by default: beside the checkpoint (`<its folder>/explore/`,
/// in its run folder for a kept run), or in the user's cache folder for the ImageNet model.
pub fn default_dir(model: &EmbeddingModel) -> Option<PathBuf> {
    match model {
        EmbeddingModel::Checkpoint(path) => Some(
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join("explore"),
        ),
        EmbeddingModel::ImageNet => dirs::cache_dir().map(|d| d.join("visionlab").join("explore")),
    }
}

/// A fingerprint of what the embeddings depend on: `model` (words that identify the model
/// and how it reads images), the model file (size and modification time, when there is
/// one) and every listed file (path, size, modification time).
pub fn fingerprint(model: &[String], model_file: Option<&Path>, files: &[FolderFile]) -> String {
    let mut hasher = DefaultHasher::new();
    MAGIC.hash(&mut hasher);
    model.hash(&mut hasher);
    let stat = |path: &Path, hasher: &mut DefaultHasher| {
        path.hash(hasher);
        if let Ok(meta) = std::fs::metadata(path) {
            meta.len().hash(hasher);
            meta.modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .hash(hasher);
        }
    };
    if let Some(path) = model_file {
        stat(path, &mut hasher);
    }
    for file in files {
        stat(&file.path, &mut hasher);
        file.class.hash(&mut hasher);
        file.held_out.hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

/// Writes `embedded` to `path` atomically (creating its folder).
pub fn write(path: &Path, embedded: &Embedded) -> Result<(), CacheError> {
    let header = serde_json::to_vec(embedded).map_err(|e| WriteError {
        path: path.to_path_buf(),
        message: format!("header: {e}"),
    })?;
    let mut bytes = Vec::with_capacity(
        16 + header.len() + 4 * (embedded.embeddings.len() + embedded.probabilities.len()),
    );
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&(header.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&header);
    for v in embedded.embeddings.iter().chain(&embedded.probabilities) {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    let crc = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&crc.to_le_bytes());
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| WriteError {
            path: dir.to_path_buf(),
            message: format!("cannot create the folder: {e}"),
        })?;
    }
    write_atomic(path, &bytes)?;
    Ok(())
}

/// Reads a cache file; `None` when there is none.
///
/// # Errors
/// [`CacheError::Damaged`] naming the file when it is not a cache, is truncated or fails
/// its checksum; [`CacheError::Io`] when it cannot be read.
pub fn read(path: &Path) -> Result<Option<Embedded>, CacheError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CacheError::Io {
                path: path.to_path_buf(),
                message: e.to_string(),
            });
        }
    };
    parse(&bytes)
        .map(Some)
        .map_err(|message| CacheError::Damaged {
            path: path.to_path_buf(),
            message,
        })
}

fn parse(bytes: &[u8]) -> Result<Embedded, String> {
    if bytes.len() < MAGIC.len() + 12 || &bytes[..MAGIC.len()] != MAGIC {
        return Err("not an embedding cache (no VLEMB001 header)".into());
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    let mut stored = [0u8; 4];
    stored.copy_from_slice(crc);
    if crc32fast::hash(body) != u32::from_le_bytes(stored) {
        return Err("checksum mismatch".into());
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&body[MAGIC.len()..MAGIC.len() + 8]);
    let len = u64::from_le_bytes(len);
    let start = MAGIC.len() + 8;
    if len > MAX_HEADER || (start as u64 + len) > body.len() as u64 {
        return Err(format!("header of {len} bytes does not fit the file"));
    }
    let end = start + len as usize;
    let mut embedded: Embedded =
        serde_json::from_slice(&body[start..end]).map_err(|e| format!("header: {e}"))?;
    let values: Vec<f32> = body[end..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let n = embedded.files.len();
    let want = n
        .checked_mul(embedded.dim + embedded.prob_dim)
        .ok_or("vector lengths out of range")?;
    if values.len() != want || !(body.len() - end).is_multiple_of(4) {
        return Err(format!(
            "{} values for {n} images of {} + {}",
            values.len(),
            embedded.dim,
            embedded.prob_dim
        ));
    }
    embedded.probabilities = values[n * embedded.dim..].to_vec();
    embedded.embeddings = values;
    embedded.embeddings.truncate(n * embedded.dim);
    Ok(embedded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Embedded {
        Embedded {
            key: "k".into(),
            dim: 2,
            prob_dim: 3,
            files: vec![EmbeddedFile {
                path: "a/b.png".into(),
                class: "b".into(),
                held_out: None,
                hash: u64::MAX,
                predicted: 2,
                confidence: 0.5,
            }],
            skipped: vec![("x.png".into(), "empty".into())],
            embeddings: vec![1.0, -2.0],
            probabilities: vec![0.25, 0.25, 0.5],
        }
    }

    #[test]
    fn round_trip_and_damage_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("c.vlemb");
        assert!(read(&path).unwrap().is_none());
        write(&path, &sample()).unwrap();
        assert_eq!(read(&path).unwrap(), Some(sample()));
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 6;
        bytes[last] ^= 0x40;
        std::fs::write(&path, &bytes).unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(err.contains("damaged") && err.contains("c.vlemb"), "{err}");
        std::fs::write(&path, b"VLEMB001").unwrap();
        assert!(matches!(read(&path), Err(CacheError::Damaged { .. })));
    }
}
