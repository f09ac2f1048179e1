//! Checkpoints: the model's weights (burnpack, with parameter ids), the optimizer state and
//! everything needed to continue a run or to predict, in one file written atomically.
//!
//! Layout: the magic `VLCKPT01`, then three length-prefixed (u64 LE) sections: the JSON
//! [`CheckpointMeta`], the model record, and the optimizer record (empty when absent).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::optim::{ModuleOptimizer, OptimizerRecord};
use burn::prelude::Device;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;
use serde::{Deserialize, Serialize};

use crate::data::batch::Normalization;
use crate::models::{Classifier, InputShape};
use crate::train::protocol::{EpochSummary, TrainConfig};

const MAGIC: &[u8; 8] = b"VLCKPT01";

/// What a checkpoint knows besides the tensors.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckpointMeta {
    /// "classify", "segment" or "detect".
    pub task: String,
    /// Class names, index = label.
    pub classes: Vec<String>,
    /// Network input.
    pub input: InputShape,
    /// Per-channel normalisation the model was trained with.
    pub normalization: Normalization,
    /// The run's configuration (model kind, optimizer, hyper-parameters, data).
    pub config: TrainConfig,
    /// Whole epochs finished.
    pub epochs_done: usize,
    /// Batches finished in the epoch after `epochs_done` (a run stopped mid-epoch).
    pub batches_into_epoch: u64,
    /// Global step count.
    pub step: u64,
    /// Training loss per step so far.
    pub step_losses: Vec<(u64, f32)>,
    /// Epoch summaries so far.
    pub epochs: Vec<EpochSummary>,
}

impl CheckpointMeta {
    /// The metadata of a checkpoint of a `task` run ("classify", "segment", "detect") that
    /// has come to `progress`.
    pub fn new(
        task: &str,
        classes: &[String],
        input: InputShape,
        normalization: &Normalization,
        config: &TrainConfig,
        progress: &Progress,
    ) -> Self {
        CheckpointMeta {
            task: task.into(),
            classes: classes.to_vec(),
            input,
            normalization: normalization.clone(),
            config: config.clone(),
            epochs_done: progress.epochs_done,
            batches_into_epoch: progress.batches_into_epoch,
            step: progress.step,
            step_losses: progress.step_losses.clone(),
            epochs: progress.history.clone(),
        }
    }
}

/// How far a training run has come. Each training job keeps one, saves it in its
/// checkpoints ([`CheckpointMeta::new`]) and starts from a checkpoint's when it resumes
/// ([`Progress::resumed`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// Whole epochs finished.
    pub epochs_done: usize,
    /// Batches finished in the epoch after `epochs_done` (a run stopped mid-epoch).
    pub batches_into_epoch: u64,
    /// Global step count.
    pub step: u64,
    /// Training loss per step so far.
    pub step_losses: Vec<(u64, f32)>,
    /// Epoch summaries so far.
    pub history: Vec<EpochSummary>,
}

impl Progress {
    /// Where the checkpointed run stopped.
    pub fn resumed(meta: &CheckpointMeta) -> Self {
        Progress {
            epochs_done: meta.epochs_done,
            batches_into_epoch: meta.batches_into_epoch,
            step: meta.step,
            step_losses: meta.step_losses.clone(),
            history: meta.epochs.clone(),
        }
    }

    /// Counts a finished step and its training loss.
    pub fn step_done(&mut self, loss: f32) {
        self.step += 1;
        self.batches_into_epoch += 1;
        self.step_losses.push((self.step, loss));
    }

    /// Counts a finished epoch.
    pub fn epoch_done(&mut self, summary: EpochSummary) {
        self.epochs_done += 1;
        self.batches_into_epoch = 0;
        self.history.push(summary);
    }

    /// The log line of a run resumed from `path`.
    pub fn resumed_message(&self, path: &Path) -> String {
        format!(
            "Resumed from {} at step {} (epoch {})",
            path.display(),
            self.step,
            self.epochs_done + 1
        )
    }
}

/// Why a checkpoint could not be written or read. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// Reading or writing failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// The checkpoint is sound but does not fit the data it should continue on.
    #[error("checkpoint {path} does not fit this data: {message}")]
    DoesNotFit {
        /// The file.
        path: PathBuf,
        /// What differs.
        message: String,
    },
    /// The file is not a visionlab checkpoint or is damaged.
    #[error("{path} is not a visionlab checkpoint or is damaged: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// A checkpoint read back from disk.
pub struct Checkpoint {
    /// Where it was read from.
    pub path: PathBuf,
    /// The metadata.
    pub meta: CheckpointMeta,
    model: Vec<u8>,
    optimizer: Vec<u8>,
}

impl Checkpoint {
    /// The model with the checkpoint's weights, on `device`.
    pub fn model(&self, device: &Device) -> Result<Classifier, CheckpointError> {
        self.expect_task("classify", "an image classifier")?;
        let fresh = Classifier::new(
            self.meta.config.model,
            self.meta.input,
            self.meta.classes.len(),
            device,
        )
        .map_err(|e| self.format_error(e.to_string()))?;
        self.load_into(fresh)
    }

    /// Loads the checkpoint's weights into `fresh`, a model of the right shape.
    pub fn load_into<M: Module>(&self, fresh: M) -> Result<M, CheckpointError> {
        let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(self.model.clone()))
            .map_err(|e| self.format_error(format!("model weights: {e}")))?;
        fresh.try_load_record(record).map_err(|e| {
            self.format_error(format!(
                "its weights do not fit the {} with {} classes its metadata names: {e}",
                self.meta.config.model.label(),
                self.meta.classes.len()
            ))
        })
    }

    /// The optimizer state, if the checkpoint holds one.
    pub fn optimizer_record(&self) -> Result<Option<OptimizerRecord>, CheckpointError> {
        if self.optimizer.is_empty() {
            return Ok(None);
        }
        OptimizerRecord::from_bytes(Bytes::from_bytes_vec(self.optimizer.clone()))
            .map(Some)
            .map_err(|e| self.format_error(format!("optimizer state: {e}")))
    }

    /// Checks that the checkpoint's model fits data with these classes and this input, for
    /// continuing a run on that data; the error names the file and what differs.
    pub fn check_fits(&self, classes: &[String], input: InputShape) -> Result<(), CheckpointError> {
        let meta = &self.meta;
        let misfit = |message: String| CheckpointError::DoesNotFit {
            path: self.path.clone(),
            message,
        };
        if meta.classes != classes {
            return Err(misfit(format!(
                "it was trained on classes {:?}, but the data has {:?}",
                meta.classes, classes
            )));
        }
        if meta.input != input {
            return Err(misfit(format!(
                "it takes {}×{}×{} images, but the data gives {}×{}×{}",
                meta.input.channels,
                meta.input.height,
                meta.input.width,
                input.channels,
                input.height,
                input.width
            )));
        }
        Ok(())
    }

    /// An error naming this checkpoint's file.
    pub fn format_error(&self, message: String) -> CheckpointError {
        CheckpointError::Format {
            path: self.path.clone(),
            message,
        }
    }

    /// Checks that the checkpoint holds a `task` model ("classify", "segment", "detect");
    /// otherwise a format error saying it is not `what` ("a segmentation model").
    pub fn expect_task(&self, task: &str, what: &str) -> Result<(), CheckpointError> {
        if self.meta.task == task {
            Ok(())
        } else {
            Err(self.format_error(format!("it holds a {} model, not {what}", self.meta.task)))
        }
    }
}

/// Writes a checkpoint of `model` (and `optimizer`, when given) to `path`, atomically.
pub fn save<M: Module>(
    path: &Path,
    meta: &CheckpointMeta,
    model: &M,
    optimizer: Option<&ModuleOptimizer>,
) -> Result<(), CheckpointError> {
    let io = |message: String| CheckpointError::Io {
        path: path.to_path_buf(),
        message,
    };
    let json = serde_json::to_vec(meta).map_err(|e| io(format!("metadata: {e}")))?;
    let weights = model
        .clone()
        .into_record()
        .into_bytes()
        .map_err(|e| io(format!("model weights: {e}")))?;
    let optim = match optimizer {
        Some(o) => Some(
            o.to_record()
                .into_bytes()
                .map_err(|e| io(format!("optimizer state: {e}")))?,
        ),
        None => None,
    };
    let mut out = Vec::with_capacity(json.len() + weights.len() + 64);
    out.extend_from_slice(MAGIC);
    for section in [&json[..], &weights[..], optim.as_deref().unwrap_or(&[])] {
        out.extend_from_slice(&(section.len() as u64).to_le_bytes());
        out.extend_from_slice(section);
    }
    write_atomic(path, &out)
}

/// Reads a checkpoint's metadata and tensors (not yet applied to a model).
pub fn load(path: &Path) -> Result<Checkpoint, CheckpointError> {
    let format = |message: String| CheckpointError::Format {
        path: path.to_path_buf(),
        message,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| CheckpointError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(format("missing the VLCKPT01 header".into()));
    }
    let mut rest = &bytes[MAGIC.len()..];
    let mut sections = Vec::with_capacity(3);
    for name in ["metadata", "model", "optimizer"] {
        if rest.len() < 8 {
            return Err(format(format!("truncated before the {name} section")));
        }
        let (len, tail) = rest.split_at(8);
        let mut len_bytes = [0u8; 8];
        len_bytes.copy_from_slice(len);
        let len = u64::from_le_bytes(len_bytes) as usize;
        if tail.len() < len {
            return Err(format(format!("truncated in the {name} section")));
        }
        let (section, tail) = tail.split_at(len);
        sections.push(section.to_vec());
        rest = tail;
    }
    let optimizer = sections.pop().unwrap_or_default();
    let model = sections.pop().unwrap_or_default();
    let json = sections.pop().unwrap_or_default();
    let meta: CheckpointMeta =
        serde_json::from_slice(&json).map_err(|e| format(format!("metadata: {e}")))?;
    Ok(Checkpoint {
        path: path.to_path_buf(),
        meta,
        model,
        optimizer,
    })
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, then renames it over `path`,
/// so a crash leaves either the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CheckpointError> {
    let io = |message: String| CheckpointError::Io {
        path: path.to_path_buf(),
        message,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io("not a file path".into()))?
        .to_string_lossy()
        .into_owned();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.vlck");
        std::fs::write(&path, b"hello").unwrap();
        let err = load(&path).err().unwrap().to_string();
        assert!(err.contains("bad.vlck") && err.contains("not a visionlab checkpoint"));
        let err = load(&dir.path().join("missing.vlck"))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("missing.vlck"));
    }

    /// Steps and epochs counted by a run come back from its checkpoint's metadata, and
    /// the next step continues the count.
    #[test]
    fn progress_survives_the_checkpoint_metadata() {
        let mut progress = Progress::default();
        for loss in [2.0, 1.5, 1.2] {
            progress.step_done(loss);
        }
        let summary = EpochSummary {
            epoch: 1,
            train_loss: 1.6,
            train_accuracy: 0.4,
            val_loss: 1.4,
            val_accuracy: 0.5,
            seconds: 2.0,
        };
        progress.epoch_done(summary);
        progress.step_done(1.0);
        assert_eq!(
            (
                progress.epochs_done,
                progress.batches_into_epoch,
                progress.step
            ),
            (1, 1, 4)
        );
        let norm = Normalization {
            mean: vec![0.5],
            std: vec![0.25],
        };
        let input = InputShape {
            channels: 1,
            height: 28,
            width: 28,
        };
        let classes = ["a".to_string(), "b".to_string()];
        let meta = CheckpointMeta::new(
            "classify",
            &classes,
            input,
            &norm,
            &TrainConfig::default(),
            &progress,
        );
        let json = serde_json::to_string(&meta).unwrap();
        let back: CheckpointMeta = serde_json::from_str(&json).unwrap();
        let mut resumed = Progress::resumed(&back);
        assert_eq!(resumed, progress);
        assert_eq!(back.epochs, vec![summary]);
        resumed.step_done(0.9);
        assert_eq!(resumed.step_losses.last(), Some(&(5, 0.9)));
        assert_eq!(
            resumed.resumed_message(Path::new("/tmp/run.vlck")),
            "Resumed from /tmp/run.vlck at step 5 (epoch 2)"
        );
    }
}
