//! The recent classifier checkpoints the Attack and Compress tabs offer: those saved or kept
//! in this session, then those kept in the newest run folders under the runs root, each
//! described from its metadata (task, model, data, epoch, validation accuracy). Only the
//! metadata is read, once per file version (a cache keyed by size and modification time),
//! and a file that cannot be read is left out.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::core::protocol::{DataSpec, Task};
use crate::train::checkpoint::{self, CheckpointMeta, task_key};
use crate::train::run_folder;

/// Run folders looked at under the runs root, newest first.
pub const RUN_FOLDERS_LISTED: usize = 10;

/// One checkpoint the lab tabs can pick.
#[derive(Clone, Debug, PartialEq)]
pub struct RecentCheckpoint {
    /// The file.
    pub path: PathBuf,
    /// What it holds, in one line.
    pub label: String,
    /// The data it was trained on.
    pub data: DataSpec,
}

/// A file's version: its size and modification time.
type Version = (u64, Option<SystemTime>);

/// Finds and describes recent checkpoints, remembering what it read.
#[derive(Default)]
pub struct RecentCheckpoints {
    cache: HashMap<PathBuf, (Version, Option<RecentCheckpoint>)>,
}

impl RecentCheckpoints {
    /// The classifiers among `session` (newest first), then those kept in the newest
    /// [`RUN_FOLDERS_LISTED`] classification run folders under `root` (best, then last, of
    /// each); each file once.
    pub fn list(&mut self, session: &[PathBuf], root: Option<&Path>) -> Vec<RecentCheckpoint> {
        let folders = root
            .map(|root| run_folder::find_runs(root, Some(Task::Classify), RUN_FOLDERS_LISTED))
            .unwrap_or_default();
        let candidates = session
            .iter()
            .cloned()
            .chain(folders.iter().flat_map(|run| run.checkpoints()));
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for path in candidates {
            if seen.contains(&path) {
                continue;
            }
            seen.push(path.clone());
            if let Some(recent) = self.describe(&path) {
                out.push(recent);
            }
        }
        out
    }

    /// The checkpoint at `path` described, when it is a readable classifier checkpoint.
    fn describe(&mut self, path: &Path) -> Option<RecentCheckpoint> {
        let meta = std::fs::metadata(path).ok()?;
        let version = (meta.len(), meta.modified().ok());
        if let Some((cached, recent)) = self.cache.get(path)
            && *cached == version
        {
            return recent.clone();
        }
        let recent = checkpoint::read_meta(path)
            .ok()
            .filter(|meta| meta.task == Task::Classify)
            .map(|meta| RecentCheckpoint {
                path: path.to_path_buf(),
                label: label(path, &meta),
                data: meta.config.data.clone(),
            });
        self.cache
            .insert(path.to_path_buf(), (version, recent.clone()));
        recent
    }
}

/// One line on a checkpoint: where it is (its run folder and file, or its file name), then
/// task, model, data, epochs and the last validation accuracy.
pub fn label(path: &Path, meta: &CheckpointMeta) -> String {
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let file = name(path);
    let place = match path.parent() {
        Some(dir) if run_folder::parse_folder_name(&name(dir)).is_some() => {
            format!("{}/{file}", name(dir))
        }
        _ => file,
    };
    let model = meta.config.model.label();
    let model = model.split([' ', ',']).next().unwrap_or(model);
    let data = match &meta.config.data {
        DataSpec::Shapes { .. } => "shapes".to_string(),
        DataSpec::Folder(dir) => name(dir),
    };
    let accuracy = meta
        .epochs
        .last()
        .map(|e| format!(", {:.1} %", e.val_accuracy * 100.0))
        .unwrap_or_default();
    format!(
        "{place}: {} {model} on {data}, epoch {}{accuracy}",
        task_key(meta.task),
        meta.epochs_done
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::{EpochSummary, ModelKind, TrainConfig};
    use crate::data::batch::Normalization;
    use crate::models::InputShape;
    use crate::train::checkpoint::Progress;

    fn meta(data: DataSpec, accuracy: Option<f32>) -> CheckpointMeta {
        let mut progress = Progress::default();
        if let Some(val_accuracy) = accuracy {
            progress.epoch_done(EpochSummary {
                epoch: 1,
                train_loss: 1.0,
                train_accuracy: 0.5,
                val_loss: 1.0,
                val_accuracy,
                seconds: 1.0,
            });
        }
        CheckpointMeta::new(
            Task::Classify,
            &["a".to_string(), "b".to_string()],
            InputShape {
                channels: 1,
                height: 8,
                width: 8,
            },
            &Normalization::identity(1),
            &TrainConfig {
                data,
                model: ModelKind::MobileNetV2,
                ..TrainConfig::default()
            },
            &progress,
        )
    }

    #[test]
    fn labels_name_the_run_the_model_the_data_and_the_accuracy() {
        let m = meta(DataSpec::Folder("/data/digits".into()), Some(0.931));
        assert_eq!(
            label(Path::new("/runs/classify-20240101-000000/best.vlck"), &m),
            "classify-20240101-000000/best.vlck: classify MobileNetV2 on digits, epoch 1, 93.1 %"
        );
        let m = meta(DataSpec::shapes(), None);
        assert_eq!(
            label(Path::new("/tmp/mine.vlck"), &m),
            "mine.vlck: classify MobileNetV2 on shapes, epoch 0"
        );
    }

    /// Session files first, then the run folders' (best before last); unreadable files and
    /// other tasks' run folders are left out; each file once.
    #[test]
    fn the_list_reads_metadata_only_and_skips_bad_files() {
        let root = tempfile::tempdir().unwrap();
        let write = |path: &Path, meta: &CheckpointMeta| {
            let json = serde_json::to_vec(meta).unwrap();
            let mut bytes = b"VLCKPT01".to_vec();
            bytes.extend_from_slice(&(json.len() as u64).to_le_bytes());
            bytes.extend_from_slice(&json);
            std::fs::write(path, bytes).unwrap();
        };
        let run = root.path().join("classify-20240101-000000");
        std::fs::create_dir(&run).unwrap();
        write(&run.join("best.vlck"), &meta(DataSpec::shapes(), Some(0.9)));
        std::fs::write(run.join("last.vlck"), b"damaged").unwrap();
        let other = root.path().join("segment-20240102-000000");
        std::fs::create_dir(&other).unwrap();
        write(
            &other.join("last.vlck"),
            &meta(DataSpec::shapes(), Some(0.9)),
        );
        let mine = root.path().join("mine.vlck");
        write(&mine, &meta(DataSpec::shapes(), Some(0.5)));

        let mut recent = RecentCheckpoints::default();
        let session = [
            mine.clone(),
            run.join("best.vlck"),
            root.path().join("gone.vlck"),
        ];
        let list = recent.list(&session, Some(root.path()));
        let paths: Vec<&Path> = list.iter().map(|r| r.path.as_path()).collect();
        assert_eq!(paths, [mine.as_path(), run.join("best.vlck").as_path()]);
        assert!(list[1].label.contains("90.0 %"), "{}", list[1].label);
        assert_eq!(list[0].data, DataSpec::shapes());
        // Read again from the cache; nothing without a root.
        assert_eq!(recent.list(&session, Some(root.path())), list);
        assert_eq!(recent.list(&[], None), []);
    }
}
