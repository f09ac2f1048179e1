//! Checkpoints: the model's weights (burnpack, with parameter ids), the optimizer state and
//! everything needed to continue a run or to predict, in one file written atomically.
//!
//! Layout: the magic `VLCKPT01`, then three length-prefixed (u64 LE) sections: the JSON
//! [`CheckpointMeta`], the model record, and the optimizer record (empty when absent).

use std::io::Read;
use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::optim::{ModuleOptimizer, OptimizerRecord};
use burn::prelude::Device;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;
use serde::{Deserialize, Serialize};

use crate::core::files::write_atomic;
use crate::core::protocol::{EpochSummary, Task, TrainConfig};
use crate::data::batch::Normalization;
use crate::models::{Classifier, InputShape};

/// File extension of visionlab checkpoints.
pub const CHECKPOINT_EXTENSION: &str = "vlck";

const MAGIC: &[u8; 8] = b"VLCKPT01";

/// The revision of visionlab's networks that new checkpoints are written with. Raised when a
/// network changes in a way its tensors cannot show (an activation, say), so a loader can
/// build the network the tensors were trained in. Revision 1: the U-Net's leaky ReLUs and
/// presence prior.
pub const MODEL_REVISION: u32 = 1;

/// What a checkpoint knows besides the tensors.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckpointMeta {
    /// What the model does; written as "classify", "segment" or "detect" (see
    /// [`task_key`]).
    #[serde(with = "task_serde")]
    pub task: Task,
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
    /// [`MODEL_REVISION`] when the checkpoint was written; 0 for checkpoints from before
    /// revisions were recorded.
    #[serde(default)]
    pub revision: u32,
}

impl CheckpointMeta {
    /// The metadata of a checkpoint of a `task` run that has come to `progress`.
    pub fn new(
        task: Task,
        classes: &[String],
        input: InputShape,
        normalization: &Normalization,
        config: &TrainConfig,
        progress: &Progress,
    ) -> Self {
        CheckpointMeta {
            task,
            classes: classes.to_vec(),
            input,
            normalization: normalization.clone(),
            config: config.clone(),
            epochs_done: progress.epochs_done,
            batches_into_epoch: progress.batches_into_epoch,
            step: progress.step,
            step_losses: progress.step_losses.clone(),
            epochs: progress.history.clone(),
            revision: MODEL_REVISION,
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
        self.expect_task(Task::Classify, "an image classifier")?;
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

    /// Checks that the checkpoint holds a `task` model; otherwise a format error saying it
    /// is not `what` ("a segmentation model").
    pub fn expect_task(&self, task: Task, what: &str) -> Result<(), CheckpointError> {
        if self.meta.task == task {
            Ok(())
        } else {
            Err(self.format_error(format!(
                "it holds a {} model, not {what}",
                task_key(self.meta.task)
            )))
        }
    }
}

/// The name a checkpoint gives a task: "classify", "segment" or "detect" (the strings
/// checkpoints have always held, so old files stay readable and new ones stay readable by
/// older builds).
pub fn task_key(task: Task) -> &'static str {
    match task {
        Task::Classify => "classify",
        Task::Segment => "segment",
        Task::Detect => "detect",
    }
}

/// The task a checkpoint's name stands for (case does not matter).
pub fn task_from_key(key: &str) -> Option<Task> {
    [Task::Classify, Task::Segment, Task::Detect]
        .into_iter()
        .find(|&task| task_key(task).eq_ignore_ascii_case(key))
}

/// [`CheckpointMeta::task`] as its lowercase name.
mod task_serde {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::{task_from_key, task_key};
    use crate::core::protocol::Task;

    pub fn serialize<S: Serializer>(task: &Task, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(task_key(*task))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Task, D::Error> {
        let key = String::deserialize(deserializer)?;
        task_from_key(&key).ok_or_else(|| {
            D::Error::custom(format!(
                "unknown task {key:?} (expected classify, segment or detect)"
            ))
        })
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
    // Burn keeps the latest update of a running statistic (batch norm's mean and variance)
    // aside until the next update or `valid()`, and a record holds the value before it:
    // `valid()` folds it in (the clones share that state), so the file holds the statistics
    // of the last step and a resumed run continues exactly where this one is.
    let _ = model.valid();
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
    write_atomic(path, &out).map_err(|e| CheckpointError::Io {
        path: e.path,
        message: e.message,
    })
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
            Task::Classify,
            &classes,
            input,
            &norm,
            &TrainConfig::default(),
            &progress,
        );
        let json = serde_json::to_string(&meta).unwrap();
        assert!(json.starts_with(r#"{"task":"classify","#), "{json}");
        let back: CheckpointMeta = serde_json::from_str(&json).unwrap();
        assert_eq!(back.task, Task::Classify);
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

    /// The metadata of a fresh `task` run with one class and 8×8 RGB input.
    fn fresh_meta(task: Task) -> CheckpointMeta {
        CheckpointMeta::new(
            task,
            &["a".to_string()],
            InputShape {
                channels: 3,
                height: 8,
                width: 8,
            },
            &Normalization::identity(3),
            &TrainConfig::default(),
            &Progress::default(),
        )
    }

    /// New checkpoints record the model revision; checkpoints written before revisions
    /// existed read back as revision 0 (the loaders build their networks as they were).
    #[test]
    fn checkpoints_without_a_revision_are_revision_zero() {
        let meta = fresh_meta(Task::Segment);
        assert_eq!(meta.revision, MODEL_REVISION);
        let mut json = serde_json::to_value(&meta).unwrap();
        assert_eq!(json["revision"], serde_json::json!(MODEL_REVISION));
        json.as_object_mut().unwrap().remove("revision");
        let old: CheckpointMeta = serde_json::from_value(json).unwrap();
        assert_eq!(old.revision, 0);
    }

    /// Old checkpoints hold the task as a lowercase string; it reads back as the enum, and
    /// is written back the same way.
    #[test]
    fn the_task_is_stored_as_its_lowercase_name() {
        for (task, key) in [
            (Task::Classify, "classify"),
            (Task::Segment, "segment"),
            (Task::Detect, "detect"),
        ] {
            assert_eq!(task_key(task), key);
            assert_eq!(task_from_key(key), Some(task));
            let meta = fresh_meta(task);
            let mut json: serde_json::Value = serde_json::to_value(&meta).unwrap();
            assert_eq!(json["task"], serde_json::json!(key));
            let back: CheckpointMeta = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(back.task, task);
            json["task"] = serde_json::json!("painting");
            let err = serde_json::from_value::<CheckpointMeta>(json)
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains("painting"), "{err}");
        }
    }
}
