//! Checkpoints: the model's weights (burnpack, with parameter ids), the optimizer state and
//! everything needed to continue a run or to predict, in one file written atomically.
//!
//! Layout: the magic `VLCKPT01`, then three length-prefixed (u64 LE) sections: the JSON
//! [`CheckpointMeta`], the model record, and the optimizer record (empty when absent);
//! then the checksums: the tag `VLCKSUM1`, a length-prefixed (u64 LE) JSON [`Checksums`]
//! (CRC-32 of each section and of each tensor of the two records), and the CRC-32 of that
//! JSON (u32 LE). A damaged file is named with the section (and tensor) that is damaged.
//! Checkpoints written before the checksums existed end after the optimizer section; they
//! load as before, unchecked ([`Checkpoint::checksummed`] is false). Builds from before the
//! checksums read new files too: they stop after the optimizer section.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::optim::{ModuleOptimizer, OptimizerRecord};
use burn::prelude::Device;
use burn::store::ModuleRecord;
use burn::store::burn_pack::Reader;
use burn::tensor::Bytes;
use serde::{Deserialize, Serialize};

use crate::core::files::write_atomic;
use crate::core::protocol::{EpochSummary, Task, TrainConfig};
use crate::data::batch::Normalization;
use crate::models::{Classifier, InputShape};

/// File extension of visionlab checkpoints.
pub const CHECKPOINT_EXTENSION: &str = "vlck";

const MAGIC: &[u8; 8] = b"VLCKPT01";

/// The tag that starts the checksums after the three sections.
const CHECKSUM_TAG: &[u8; 8] = b"VLCKSUM1";

/// The most classes a checkpoint's metadata may name: the bound every network has.
pub use crate::core::limits::MAX_CLASSES;

/// The sections of a checkpoint, in file order, as messages name them.
const SECTIONS: [&str; 3] = ["metadata", "model weights", "optimizer state"];

/// The checksums stored after a checkpoint's sections: CRC-32 (IEEE) of each section, and
/// of each tensor's bytes in the two records (by the tensor's path in the module), so a
/// damaged file can be named down to the tensor.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Checksums {
    /// CRC-32 of the metadata section.
    pub metadata: u32,
    /// CRC-32 of the model record section.
    pub model: u32,
    /// CRC-32 of the optimizer record section (of no bytes when there is none).
    pub optimizer: u32,
    /// CRC-32 of each model tensor's data, by tensor path.
    #[serde(default)]
    pub model_tensors: BTreeMap<String, u32>,
    /// CRC-32 of each optimizer-state tensor's data, by tensor path.
    #[serde(default)]
    pub optimizer_tensors: BTreeMap<String, u32>,
}

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
    /// Per-channel normalisation the model was trained with. (JSON has no NaN or
    /// infinity: such a value is written as `null`, and read back as NaN, for
    /// [`metadata_problem`] to name.)
    #[serde(deserialize_with = "lenient_normalization")]
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

/// A [`Normalization`] whose values may be `null` (a non-finite number as JSON writes it):
/// read as NaN, so the load names the problem instead of a JSON type error.
fn lenient_normalization<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Normalization, D::Error> {
    #[derive(Deserialize)]
    struct Raw {
        mean: Vec<Option<f32>>,
        std: Vec<Option<f32>>,
    }
    let raw = Raw::deserialize(deserializer)?;
    let values = |v: Vec<Option<f32>>| v.into_iter().map(|x| x.unwrap_or(f32::NAN)).collect();
    Ok(Normalization {
        mean: values(raw.mean),
        std: values(raw.std),
    })
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
    /// True when the file carried checksums and they all matched; false for a checkpoint
    /// written before checksums existed (loaded unchecked).
    pub checksummed: bool,
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
        if self.meta.task != task {
            return Err(self.format_error(format!(
                "it holds a {} model, not {what}",
                task_key(self.meta.task)
            )));
        }
        let least = min_classes(task);
        let classes = self.meta.classes.len();
        if classes < least {
            return Err(self.format_error(format!(
                "metadata: it names {classes} classes, and {what} needs at least {least}"
            )));
        }
        Ok(())
    }

    /// A note for checkpoints that carry no checksums (written before they existed): their
    /// damage cannot be detected. `None` for checked ones.
    pub fn integrity_note(&self) -> Option<String> {
        (!self.checksummed).then(|| {
            format!(
                "{} was written before checkpoints had checksums: it is loaded unchecked (save it again to add them)",
                self.path.display()
            )
        })
    }
}

/// The fewest classes a model of `task` has: a classifier chooses between at least two; a
/// segmentation or detection model may know one class.
fn min_classes(task: Task) -> usize {
    match task {
        Task::Classify => 2,
        Task::Segment | Task::Detect => 1,
    }
}

/// What is wrong with a checkpoint's metadata, if anything: values a model cannot be built
/// or fed with (the input shape, the normalisation, the number of classes).
pub fn metadata_problem(meta: &CheckpointMeta) -> Option<String> {
    let input = meta.input;
    if !matches!(input.channels, 1 | 3) {
        return Some(format!(
            "the input has {} channels; models take 1 (grey) or 3 (RGB)",
            input.channels
        ));
    }
    if input.height == 0 || input.width == 0 {
        return Some(format!(
            "the input size {}×{} is empty",
            input.height, input.width
        ));
    }
    let norm = &meta.normalization;
    for (name, values) in [("mean", &norm.mean), ("std", &norm.std)] {
        if values.len() != input.channels {
            return Some(format!(
                "the normalisation has {} {name} values for {} input channels",
                values.len(),
                input.channels
            ));
        }
        if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
            return Some(format!(
                "the normalisation {name} holds {bad}, not a finite number"
            ));
        }
    }
    if let Some(bad) = norm.std.iter().find(|&&s| s <= 0.0) {
        return Some(format!(
            "the normalisation std holds {bad}; each must be above 0"
        ));
    }
    if meta.classes.len() > MAX_CLASSES {
        return Some(format!(
            "it names {} classes; a model here takes at most {MAX_CLASSES} classes",
            meta.classes.len()
        ));
    }
    None
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

/// Writes a checkpoint of `model` (and `optimizer`, when given) to `path`, atomically,
/// with the checksums of its sections and tensors.
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
    let optim: &[u8] = optim.as_deref().unwrap_or(&[]);
    let checksums = Checksums {
        metadata: crc32(&json),
        model: crc32(&weights[..]),
        optimizer: crc32(optim),
        model_tensors: tensor_checksums(&weights[..]).unwrap_or_default(),
        optimizer_tensors: tensor_checksums(optim).unwrap_or_default(),
    };
    let sums = serde_json::to_vec(&checksums).map_err(|e| io(format!("checksums: {e}")))?;
    let mut out = Vec::with_capacity(json.len() + weights.len() + optim.len() + sums.len() + 64);
    out.extend_from_slice(MAGIC);
    for section in [&json[..], &weights[..], optim] {
        out.extend_from_slice(&(section.len() as u64).to_le_bytes());
        out.extend_from_slice(section);
    }
    out.extend_from_slice(CHECKSUM_TAG);
    out.extend_from_slice(&(sums.len() as u64).to_le_bytes());
    out.extend_from_slice(&sums);
    out.extend_from_slice(&crc32(&sums).to_le_bytes());
    write_atomic(path, &out).map_err(|e| CheckpointError::Io {
        path: e.path,
        message: e.message,
    })
}

/// CRC-32 (IEEE) of `bytes`.
fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// CRC-32 of each tensor's data in a burnpack record, by tensor path; `None` when the
/// bytes are not a readable record (an empty optimizer section gives an empty map).
fn tensor_checksums(record: &[u8]) -> Option<BTreeMap<String, u32>> {
    if record.is_empty() {
        return Some(BTreeMap::new());
    }
    // The reader parses bytes that may be damaged: a panic inside it means "unreadable".
    std::panic::catch_unwind(|| {
        let reader = Reader::from_bytes(Bytes::from_bytes_vec(record.to_vec())).ok()?;
        reader
            .tensor_names()
            .into_iter()
            .map(|name| {
                let data = reader.tensor_data(name).ok()?;
                Some((name.to_string(), crc32(&data)))
            })
            .collect()
    })
    .ok()
    .flatten()
}

/// Which part of a record section is damaged, given that the section's checksum differs:
/// the tensors whose data no longer matches, else its index (names, shapes, offsets).
fn damaged_part(section: &str, record: &[u8], expected: &BTreeMap<String, u32>) -> String {
    let Some(found) = tensor_checksums(record) else {
        return format!(
            "the {section} section is damaged: its index of tensors cannot be read (checksum mismatch)"
        );
    };
    let mut bad: Vec<&str> = expected
        .iter()
        .filter(|(name, crc)| found.get(*name) != Some(crc))
        .map(|(name, _)| name.as_str())
        .collect();
    bad.extend(
        found
            .keys()
            .filter(|name| !expected.contains_key(*name))
            .map(String::as_str),
    );
    if bad.is_empty() {
        return format!(
            "the {section} section is damaged outside the tensor data, in its index (checksum mismatch)"
        );
    }
    let shown = bad.len().min(5);
    let more = if bad.len() > shown {
        format!(" and {} more", bad.len() - shown)
    } else {
        String::new()
    };
    format!(
        "the {section} section is damaged in the tensor{} {}{more} (checksum mismatch)",
        if bad.len() == 1 { "" } else { "s" },
        bad[..shown].join(", ")
    )
}

/// Splits off a length-prefixed (u64 LE) part named `name` from the front of `rest`.
fn take_section<'a>(rest: &mut &'a [u8], name: &str) -> Result<&'a [u8], String> {
    if rest.len() < 8 {
        return Err(format!("the file is truncated before the {name} section"));
    }
    let (len, tail) = rest.split_at(8);
    let mut len_bytes = [0u8; 8];
    len_bytes.copy_from_slice(len);
    let len = u64::from_le_bytes(len_bytes);
    if (tail.len() as u64) < len {
        return Err(format!(
            "the file is truncated in the {name} section, or its length is damaged: it says {len} bytes, {} remain",
            tail.len()
        ));
    }
    let (section, tail) = tail.split_at(len as usize);
    *rest = tail;
    Ok(section)
}

/// Reads the checksums that follow the three sections: `None` when there are none (a file
/// from before checksums existed).
fn read_checksums(rest: &[u8]) -> Result<Option<Checksums>, String> {
    if rest.is_empty() {
        return Ok(None);
    }
    let Some(mut rest) = rest.strip_prefix(CHECKSUM_TAG.as_slice()) else {
        return Err(
            "unexpected bytes after the optimizer state section: a section length is damaged"
                .into(),
        );
    };
    let damaged = |what: &str| format!("the checksum section is damaged ({what})");
    let json = take_section(&mut rest, "checksum").map_err(|_| damaged("truncated"))?;
    if rest.len() != 4 {
        return Err(damaged("its length"));
    }
    let mut crc = [0u8; 4];
    crc.copy_from_slice(rest);
    if crc32(json) != u32::from_le_bytes(crc) {
        return Err(damaged("checksum mismatch"));
    }
    serde_json::from_slice(json)
        .map(Some)
        .map_err(|e| damaged(&e.to_string()))
}

/// Reads a checkpoint's metadata and tensors (not yet applied to a model), checking each
/// section against its checksum (when the file has them) and the metadata's values.
///
/// # Errors
/// [`CheckpointError::Io`] when the file cannot be read; [`CheckpointError::Format`] naming
/// the file and what is wrong: not a checkpoint, truncated, the damaged section (and
/// tensor), or metadata a model cannot be built with.
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
    let json = take_section(&mut rest, SECTIONS[0]).map_err(format)?;
    let model = take_section(&mut rest, SECTIONS[1]).map_err(format)?;
    let optimizer = take_section(&mut rest, SECTIONS[2]).map_err(format)?;
    let checksums = read_checksums(rest).map_err(format)?;
    if let Some(sums) = &checksums {
        if crc32(json) != sums.metadata {
            return Err(format(
                "the metadata section is damaged (checksum mismatch)".into(),
            ));
        }
        if crc32(model) != sums.model {
            return Err(format(damaged_part(
                SECTIONS[1],
                model,
                &sums.model_tensors,
            )));
        }
        if crc32(optimizer) != sums.optimizer {
            return Err(format(damaged_part(
                SECTIONS[2],
                optimizer,
                &sums.optimizer_tensors,
            )));
        }
    }
    let meta: CheckpointMeta =
        serde_json::from_slice(json).map_err(|e| format(format!("metadata: {e}")))?;
    if let Some(problem) = metadata_problem(&meta) {
        return Err(format(format!("metadata: {problem}")));
    }
    Ok(Checkpoint {
        path: path.to_path_buf(),
        meta,
        checksummed: checksums.is_some(),
        model: model.to_vec(),
        optimizer: optimizer.to_vec(),
    })
}

/// The most metadata bytes [`read_meta`] reads (the per-step losses of a very long run fit).
const MAX_META_BYTES: u64 = 64 << 20;

/// Reads only a checkpoint's metadata (its header and first section, not the weights), to
/// describe a checkpoint cheaply in a list. The metadata's checksum (at the end of the
/// file) is not checked: [`load`] checks everything before a model is used.
///
/// # Errors
/// [`CheckpointError::Io`] when the file cannot be read; [`CheckpointError::Format`] when it
/// is not a checkpoint, is truncated in its metadata, or the metadata cannot be used.
pub fn read_meta(path: &Path) -> Result<CheckpointMeta, CheckpointError> {
    let format = |message: String| CheckpointError::Format {
        path: path.to_path_buf(),
        message,
    };
    let io = |e: std::io::Error| CheckpointError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut head = Vec::with_capacity(16);
    (&mut file).take(16).read_to_end(&mut head).map_err(io)?;
    if head.len() < MAGIC.len() || &head[..MAGIC.len()] != MAGIC {
        return Err(format("missing the VLCKPT01 header".into()));
    }
    let mut len = [0u8; 8];
    match head.get(MAGIC.len()..) {
        Some(bytes) if bytes.len() == 8 => len.copy_from_slice(bytes),
        _ => {
            return Err(format(
                "the file is truncated before the metadata section".into(),
            ));
        }
    }
    let len = u64::from_le_bytes(len);
    if len > MAX_META_BYTES {
        return Err(format(format!(
            "its metadata section says {len} bytes: damaged, or not a visionlab checkpoint"
        )));
    }
    let mut json = Vec::new();
    file.take(len).read_to_end(&mut json).map_err(io)?;
    if json.len() as u64 != len {
        return Err(format(
            "the file is truncated in the metadata section".into(),
        ));
    }
    let meta: CheckpointMeta =
        serde_json::from_slice(&json).map_err(|e| format(format!("metadata: {e}")))?;
    if let Some(problem) = metadata_problem(&meta) {
        return Err(format(format!("metadata: {problem}")));
    }
    Ok(meta)
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
    fn metadata_reads_alone_and_bad_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let meta = fresh_meta(Task::Segment);
        let json = serde_json::to_vec(&meta).unwrap();
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&(json.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&json);
        // No weights after it: the metadata reads all the same.
        let path = dir.path().join("meta-only.vlck");
        std::fs::write(&path, &bytes).unwrap();
        let back = read_meta(&path).unwrap();
        assert_eq!((back.task, back.classes), (Task::Segment, meta.classes));
        let cases: [(&str, &[u8]); 4] = [
            ("empty", b""),
            ("not", b"PNG\x89 and more bytes"),
            ("short", &bytes[..12]),
            ("cut", &bytes[..bytes.len() - 3]),
        ];
        for (name, content) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, content).unwrap();
            let err = read_meta(&path).unwrap_err();
            assert!(
                matches!(err, CheckpointError::Format { .. }),
                "{name}: {err}"
            );
        }
        let mut huge = MAGIC.to_vec();
        huge.extend_from_slice(&u64::MAX.to_le_bytes());
        let path = dir.path().join("huge");
        std::fs::write(&path, &huge).unwrap();
        assert!(
            read_meta(&path)
                .unwrap_err()
                .to_string()
                .contains("metadata section says")
        );
        assert!(matches!(
            read_meta(&dir.path().join("missing")),
            Err(CheckpointError::Io { .. })
        ));
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

    /// Metadata a model cannot be built or fed with is named; the defaults pass.
    #[test]
    fn metadata_values_are_checked() {
        assert_eq!(metadata_problem(&fresh_meta(Task::Segment)), None);
        let mut meta = fresh_meta(Task::Classify);
        meta.normalization.std[1] = f32::INFINITY;
        assert!(metadata_problem(&meta).unwrap().contains("std holds inf"));
        meta.normalization = Normalization::identity(1);
        assert!(
            metadata_problem(&meta)
                .unwrap()
                .contains("1 mean values for 3")
        );
    }

    /// The checksum trailer: none is an old file; a damaged or stray one is named.
    #[test]
    fn the_checksum_trailer_is_read_or_refused() {
        assert_eq!(read_checksums(&[]), Ok(None));
        let sums = Checksums {
            metadata: 1,
            ..Checksums::default()
        };
        let json = serde_json::to_vec(&sums).unwrap();
        let mut trailer = CHECKSUM_TAG.to_vec();
        trailer.extend_from_slice(&(json.len() as u64).to_le_bytes());
        trailer.extend_from_slice(&json);
        trailer.extend_from_slice(&crc32(&json).to_le_bytes());
        assert_eq!(read_checksums(&trailer), Ok(Some(sums)));
        let last = trailer.len() - 1;
        trailer[last] ^= 1;
        assert!(
            read_checksums(&trailer)
                .unwrap_err()
                .contains("checksum section")
        );
        assert!(
            read_checksums(b"junk")
                .unwrap_err()
                .contains("unexpected bytes")
        );
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
