//! Reading recorded runs back ([`crate::train::record`]): every run folder under a root,
//! or one, with what could be read of its `config.json`, `run.json` and `metrics.jsonl`. A
//! missing or garbled file, or a last line cut short by a kill, gives warnings, never a
//! failure: what could be read is kept.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::core::files::write_atomic;
use crate::train::record::{
    EpochLine, METRICS, MetricLine, RUN, RunInfo, Status, StepLine, is_recording,
};
use crate::train::run_folder::{CONFIG, find_runs};

/// Why a recorded run could not be changed or deleted.
#[derive(Debug, thiserror::Error)]
pub enum RunEditError {
    /// `run.json` says the run is still running (it would overwrite the change, or its
    /// folder is in use).
    #[error("{0} is recorded as running: it may still be writing its folder")]
    Running(PathBuf),
    /// The folder holds neither `run.json` nor `config.json`: not a run folder.
    #[error("{0} is not a run folder (no run.json or config.json)")]
    NotARun(PathBuf),
    /// `run.json` could not be read or parsed.
    #[error("could not read {path}: {message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A file could not be written or the folder removed.
    #[error("could not change {path}: {message}")]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// The config's keys that are bookkeeping, not settings of the run: where its folder was
/// made and its place in a sweep (`run.json` says both).
pub const NOT_SETTINGS: [&str; 2] = ["runs_dir", "sweep"];

/// A recorded run, as far as it could be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadedRun {
    /// The run folder.
    pub dir: PathBuf,
    /// The folder's name.
    pub name: String,
    /// `config.json`, as JSON (`None` when missing or unreadable).
    pub config: Option<Value>,
    /// `run.json` (`None` when missing or unreadable).
    pub info: Option<RunInfo>,
    /// The step lines, in order.
    pub steps: Vec<StepLine>,
    /// The epoch lines, in order.
    pub epochs: Vec<EpochLine>,
    /// What could not be read, one line each.
    pub warnings: Vec<String>,
    /// Whether a process records into the folder now ([`is_recording`]): a run recorded as
    /// running without it was killed before it could record its end.
    pub recording: bool,
}

/// Every run folder under `root`, newest first, each loaded ([`load_run`]). Nothing for a
/// root that cannot be read.
pub fn list_runs(root: &Path) -> Vec<LoadedRun> {
    find_runs(root, None, usize::MAX)
        .iter()
        .map(|found| load_run(&found.dir))
        .collect()
}

/// Reads the run folder `dir`: what can be read, with a warning for each thing that could
/// not.
pub fn load_run(dir: &Path) -> LoadedRun {
    let mut run = LoadedRun {
        dir: dir.to_path_buf(),
        name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        ..LoadedRun::default()
    };
    run.recording = is_recording(dir);
    run.config = read_json(&dir.join(CONFIG), &mut run.warnings);
    run.info = read_json::<Value>(&dir.join(RUN), &mut run.warnings).and_then(|value| {
        serde_json::from_value(value)
            .map_err(|e| run.warnings.push(format!("{RUN}: {e}")))
            .ok()
    });
    let path = dir.join(METRICS);
    match std::fs::read(&path) {
        Ok(bytes) => read_metrics(&String::from_utf8_lossy(&bytes), &mut run),
        Err(e) => run.warnings.push(format!("{METRICS}: {e}")),
    }
    run
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, warnings: &mut Vec<String>) -> Option<T> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let bytes = std::fs::read(path)
        .map_err(|e| warnings.push(format!("{name}: {e}")))
        .ok()?;
    serde_json::from_slice(&bytes)
        .map_err(|e| warnings.push(format!("{name}: {e}")))
        .ok()
}

fn read_metrics(text: &str, run: &mut LoadedRun) {
    let lines: Vec<&str> = text.split('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<MetricLine>(line) {
            Ok(MetricLine::Step(step)) => run.steps.push(step),
            Ok(MetricLine::Epoch(epoch)) => run.epochs.push(epoch),
            // The last line without its newline: cut short while it was written.
            Err(_) if i + 1 == lines.len() => run.warnings.push(format!(
                "{METRICS}: line {} is cut short (the run was killed while writing it); skipped",
                i + 1
            )),
            Err(e) => run
                .warnings
                .push(format!("{METRICS}: line {} skipped: {e}", i + 1)),
        }
    }
}

impl LoadedRun {
    /// How the run stands, in words: the recorded status, with "(no end recorded)" for a run
    /// recorded as running (it may still be, or it was killed), or "unknown".
    pub fn status(&self) -> String {
        match &self.info {
            Some(info) if info.status == Status::Running && self.recording => "running".into(),
            Some(info) if info.status == Status::Running => "interrupted (no end recorded)".into(),
            Some(info) => info.status.key().into(),
            None => "unknown".into(),
        }
    }

    /// The name to show: the one given in `run.json` (renamed by the user), else the
    /// folder's.
    pub fn display_name(&self) -> &str {
        self.info
            .as_ref()
            .map(|i| i.name.trim())
            .filter(|n| !n.is_empty())
            .unwrap_or(&self.name)
    }

    /// The user's note (empty without one).
    pub fn note(&self) -> &str {
        self.info.as_ref().map_or("", |i| i.note.as_str())
    }

    /// Whether the run is running: `run.json` says so and a process records into its folder
    /// (a run killed before it could record its end is not).
    pub fn is_running(&self) -> bool {
        self.recording
            && self
                .info
                .as_ref()
                .is_some_and(|i| i.status == Status::Running)
    }

    /// The task: `run.json`'s, else the config's, else the folder name's first word.
    pub fn task(&self) -> String {
        self.info
            .as_ref()
            .map(|i| i.task.clone())
            .filter(|t| !t.is_empty())
            .or_else(|| self.setting("task"))
            .unwrap_or_else(|| self.name.split('-').next().unwrap_or("").to_string())
    }

    /// The epoch with the highest validation metric (the first of equals).
    pub fn best(&self) -> Option<&EpochLine> {
        self.epochs
            .iter()
            .fold(None, |best: Option<&EpochLine>, e| match best {
                Some(b) if e.val_metric > b.val_metric || b.val_metric.is_nan() => Some(e),
                Some(b) => Some(b),
                None => Some(e),
            })
    }

    /// The last epoch.
    pub fn last(&self) -> Option<&EpochLine> {
        self.epochs.last()
    }

    /// Seconds from the start to the end (or to the last line measured).
    pub fn duration(&self) -> Option<f64> {
        let info = self.info.as_ref()?;
        info.duration().or_else(|| {
            let last = self.epochs.last().map(|e| e.elapsed);
            let step = self.steps.last().map(|s| s.seconds);
            last.into_iter().chain(step).reduce(f64::max)
        })
    }

    /// The config's settings as `key → value` text, nested keys joined with `.`
    /// (`transfer.freeze_backbone`); empty without a config. Bookkeeping that is no setting
    /// of the run ([`NOT_SETTINGS`]: where it was kept, its place in a sweep) is left out.
    pub fn settings(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        if let Some(Value::Object(config)) = &self.config {
            for (key, value) in config {
                if !NOT_SETTINGS.contains(&key.as_str()) {
                    flatten(key, value, &mut out);
                }
            }
        }
        out
    }

    /// One setting of the config (`learning_rate`, `batch_size`, …) as text.
    pub fn setting(&self, key: &str) -> Option<String> {
        self.settings().remove(key)
    }
}

/// Changes the run's `run.json` in `dir` with `edit` (its display `name`, its `note`) and
/// writes it back atomically; returns what it now says. A run recorded as running is
/// refused (it rewrites `run.json` after every epoch).
///
/// # Errors
/// A [`RunEditError`] when the run is running or `run.json` cannot be read or written.
pub fn edit_info(dir: &Path, edit: impl FnOnce(&mut RunInfo)) -> Result<RunInfo, RunEditError> {
    let path = dir.join(RUN);
    let read = |message: String| RunEditError::Read {
        path: path.clone(),
        message,
    };
    let bytes = std::fs::read(&path).map_err(|e| read(e.to_string()))?;
    let mut info: RunInfo = serde_json::from_slice(&bytes).map_err(|e| read(e.to_string()))?;
    if info.status == Status::Running && is_recording(dir) {
        return Err(RunEditError::Running(dir.to_path_buf()));
    }
    edit(&mut info);
    let json = serde_json::to_vec_pretty(&info).map_err(|e| RunEditError::Write {
        path: path.clone(),
        message: e.to_string(),
    })?;
    write_atomic(&path, &json).map_err(|e| RunEditError::Write {
        path: path.clone(),
        message: e.message,
    })?;
    Ok(info)
}

/// Deletes the run folder `dir` and all it holds. Refused for a folder that is not a run's
/// (no `run.json` or `config.json`) and for a run recorded as running.
///
/// # Errors
/// A [`RunEditError`] saying why nothing (or not all) was deleted.
pub fn delete_run(dir: &Path) -> Result<(), RunEditError> {
    if !dir.join(RUN).is_file() && !dir.join(CONFIG).is_file() {
        return Err(RunEditError::NotARun(dir.to_path_buf()));
    }
    let running = std::fs::read(dir.join(RUN))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<RunInfo>(&bytes).ok())
        .is_some_and(|info| info.status == Status::Running);
    if running && is_recording(dir) {
        return Err(RunEditError::Running(dir.to_path_buf()));
    }
    std::fs::remove_dir_all(dir).map_err(|e| RunEditError::Write {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })
}

fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let key = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&key, value, out);
            }
        }
        Value::String(text) => {
            out.insert(prefix.to_string(), text.clone());
        }
        Value::Null => {
            out.insert(prefix.to_string(), String::new());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// The settings that differ between `runs` (present in one and not another counts), in
/// key order.
pub fn differing_settings(runs: &[LoadedRun]) -> Vec<String> {
    let all: Vec<BTreeMap<String, String>> = runs.iter().map(LoadedRun::settings).collect();
    let refs: Vec<&BTreeMap<String, String>> = all.iter().collect();
    differing_keys(&refs)
}

/// The keys whose values differ between the runs' settings ([`LoadedRun::settings`],
/// made once by a caller that keeps them), in key order.
pub fn differing_keys(all: &[&BTreeMap<String, String>]) -> Vec<String> {
    let keys: std::collections::BTreeSet<&String> = all.iter().flat_map(|s| s.keys()).collect();
    keys.into_iter()
        .filter(|&key| {
            let mut values = all.iter().map(|s| s.get(key));
            let first = values.next().flatten();
            values.any(|v| v != first)
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::{EpochSummary, TrainConfig};
    use crate::train::record::Record;

    fn summary(epoch: usize, val_accuracy: f32) -> EpochSummary {
        EpochSummary {
            epoch,
            train_loss: 1.0,
            train_accuracy: 0.5,
            val_loss: 1.0,
            val_accuracy,
            seconds: 1.0,
        }
    }

    #[test]
    fn a_recorded_run_reads_back() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("classify-20240101-000000");
        std::fs::create_dir(&dir).unwrap();
        let config = TrainConfig::default();
        std::fs::write(dir.join(CONFIG), serde_json::to_vec(&config).unwrap()).unwrap();
        let mut record = Record::start(&dir, &config, "CPU").unwrap();
        record.step(1, 1, 0.5, 0.01).unwrap();
        record.epoch(&summary(1, 0.4), 0.4).unwrap();
        record.epoch(&summary(2, 0.8), 0.8).unwrap();
        record.epoch(&summary(3, 0.6), 0.6).unwrap();
        record.end(Status::Finished, None).unwrap();
        let runs = list_runs(root.path());
        assert_eq!(runs.len(), 1);
        let run = &runs[0];
        assert!(run.warnings.is_empty(), "{:?}", run.warnings);
        assert_eq!((run.steps.len(), run.epochs.len()), (1, 3));
        assert_eq!(run.best().map(|e| e.epoch), Some(2));
        assert_eq!(run.last().map(|e| e.epoch), Some(3));
        assert_eq!(run.status(), "finished");
        assert_eq!(run.task(), "classify");
        assert_eq!(
            run.setting("learning_rate"),
            Some(config.learning_rate.to_string())
        );
        assert!(run.duration().is_some());
    }

    #[test]
    fn broken_files_give_warnings_and_what_could_be_read() {
        let dir = tempfile::tempdir().unwrap();
        let good = r#"{"kind":"epoch","epoch":1,"train_loss":1,"train_accuracy":0.5,"val_loss":null,"val_accuracy":0.5,"val_metric":0.5,"seconds":1,"elapsed":1}"#;
        let text = format!("{good}\nnot json\n{good}\n{{\"kind\":\"step\",\"st");
        std::fs::write(dir.path().join(METRICS), text).unwrap();
        std::fs::write(dir.path().join(RUN), b"{\"status\": \"running\"").unwrap();
        let run = load_run(dir.path());
        assert_eq!(run.epochs.len(), 2);
        assert!(run.epochs[0].val_loss.is_nan());
        assert!(run.config.is_none() && run.info.is_none());
        assert_eq!(run.warnings.len(), 4, "{:?}", run.warnings);
        assert!(run.warnings.iter().any(|w| w.contains("line 2 skipped")));
        assert!(
            run.warnings
                .iter()
                .any(|w| w.contains("line 4 is cut short"))
        );
        assert_eq!(run.status(), "unknown");

        std::fs::write(dir.path().join(RUN), b"{\"status\": \"running\"}").unwrap();
        // Recorded as running, but nobody records into it (no lock held): killed.
        assert_eq!(
            load_run(dir.path()).status(),
            "interrupted (no end recorded)"
        );
        assert!(load_run(&dir.path().join("missing")).epochs.is_empty());
    }

    #[test]
    fn runs_are_renamed_noted_and_deleted_unless_running() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("classify-20240101-000000");
        std::fs::create_dir(&dir).unwrap();
        let config = TrainConfig::default();
        std::fs::write(dir.join(CONFIG), serde_json::to_vec(&config).unwrap()).unwrap();
        let record = Record::start(&dir, &config, "CPU").unwrap();
        assert!(matches!(
            edit_info(&dir, |i| i.note = "x".into()),
            Err(RunEditError::Running(_))
        ));
        assert!(matches!(delete_run(&dir), Err(RunEditError::Running(_))));
        assert_eq!(load_run(&dir).status(), "running");
        assert!(load_run(&dir).is_running());
        // Gone without recording its end (as when killed): interrupted, and editable.
        drop(record);
        assert_eq!(load_run(&dir).status(), "interrupted (no end recorded)");
        assert!(!load_run(&dir).is_running());
        edit_info(&dir, |i| i.note = "killed".into()).unwrap();
        let mut record = Record::resume(&dir, &config, "CPU").unwrap();
        assert!(load_run(&dir).is_running());
        record.end(Status::Finished, None).unwrap();
        edit_info(&dir, |i| {
            i.name = "wide lr".into();
            i.note = "diverged at epoch 3".into();
        })
        .unwrap();
        let run = load_run(&dir);
        assert_eq!(run.display_name(), "wide lr");
        assert_eq!(run.note(), "diverged at epoch 3");
        assert_eq!(run.name, "classify-20240101-000000");
        let stray = root.path().join("not-a-run");
        std::fs::create_dir(&stray).unwrap();
        assert!(matches!(delete_run(&stray), Err(RunEditError::NotARun(_))));
        delete_run(&dir).unwrap();
        assert!(!dir.exists() && stray.exists());
    }

    #[test]
    fn differing_settings_are_found() {
        let run = |config: Value| LoadedRun {
            config: Some(config),
            ..LoadedRun::default()
        };
        // A sweep's tag and the runs folder differ too, but are no settings.
        let runs = [
            run(serde_json::json!({"lr": 1, "batch": 2, "t": {"a": true}, "sweep": {"index": 1}})),
            run(serde_json::json!({"lr": 2, "batch": 2, "t": {"a": false}, "runs_dir": "/r"})),
            run(serde_json::json!({"lr": 1, "batch": 2, "seed": 3, "t": {"a": true}})),
        ];
        assert_eq!(differing_settings(&runs), ["lr", "seed", "t.a"]);
    }
}
