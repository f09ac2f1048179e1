//! A training run's folder: where every run keeps its model without being asked.
//!
//! A run (GUI or `visionlab train`, any task) given a runs root
//! ([`TrainConfig::runs_dir`]) gets its own folder `<root>/<task>-<YYYYMMDD-HHMMSS>[-N]/`
//! (the start time in UTC; `-2`, `-3`, … when two runs start in the same second), made when
//! the run starts (once its config is checked and its data read: a run that fails before
//! that is not recorded), holding:
//!
//! - `config.json`: the run's [`TrainConfig`];
//! - `run.json` and `metrics.jsonl`: the run's record ([`crate::train::record`]);
//! - `last.vlck`: the run as it is, rewritten atomically after every epoch (and when the
//!   run is stopped mid-epoch);
//! - `best.vlck`: the epoch with the highest validation accuracy so far, ties broken by the
//!   lower validation loss.
//!
//! A run resumed from a checkpoint inside a run folder continues that folder (and its
//! record); one resumed from elsewhere gets a new folder. Besides the folder of one run, this module finds the
//! newest run folders under a root ([`find_runs`]).

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::core::files::{WriteError, write_atomic};
use crate::core::protocol::{EpochSummary, Task, TrainConfig};
use crate::train::checkpoint::{task_from_key, task_key};

/// The latest checkpoint of a run, in its folder.
pub const LAST: &str = "last.vlck";

/// The best epoch's checkpoint of a run, in its folder.
pub const BEST: &str = "best.vlck";

/// The run's configuration, in its folder.
pub const CONFIG: &str = "config.json";

/// Environment variable naming the runs root, over the default
/// (`<data folder>/visionlab/runs`).
pub const ROOT_ENV: &str = "VISIONLAB_RUNS_DIR";

/// The runs root the GUI and `visionlab train` keep runs under: `$VISIONLAB_RUNS_DIR`
/// when set, else `visionlab/runs` in the user's data folder (`~/.local/share` on Linux,
/// `~/Library/Application Support` on macOS, `%APPDATA%` on Windows); `None` where the
/// system names no data folder.
pub fn default_root() -> Option<PathBuf> {
    match std::env::var_os(ROOT_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::data_dir().map(|dir| dir.join("visionlab").join("runs")),
    }
}

/// `time` in UTC as `YYYYMMDD-HHMMSS` (times before 1970 read as 1970).
pub fn utc_stamp(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// `time` in UTC as `YYYY-MM-DDTHH:MM:SSZ` (times before 1970 read as 1970).
pub fn utc_iso(time: SystemTime) -> String {
    let stamp = utc_stamp(time);
    let d = |range: std::ops::Range<usize>| stamp.get(range).unwrap_or("00");
    format!(
        "{}-{}-{}T{}:{}:{}Z",
        d(0..4),
        d(4..6),
        d(6..8),
        d(9..11),
        d(11..13),
        d(13..15)
    )
}

/// The date `days` days after 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// The name of a `task` run folder started at `stamp` ([`utc_stamp`]), the `n`th of that
/// second (1 has no suffix).
pub fn folder_name(task: Task, stamp: &str, n: u32) -> String {
    match n {
        0 | 1 => format!("{}-{stamp}", task_key(task)),
        n => format!("{}-{stamp}-{n}", task_key(task)),
    }
}

/// What a run folder's name says: its task, its start stamp and its number in that second;
/// `None` for a name that is not a run folder's.
pub fn parse_folder_name(name: &str) -> Option<(Task, String, u32)> {
    let (task, rest) = name.split_once('-')?;
    let task = task_from_key(task)?;
    let stamp = rest.get(..15)?;
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let (date, time) = stamp.split_once('-')?;
    if date.len() != 8 || time.len() != 6 || !digits(date) || !digits(time) {
        return None;
    }
    let n = match &rest[15..] {
        "" => 1,
        suffix => suffix.strip_prefix('-')?.parse().ok().filter(|&n| n >= 2)?,
    };
    Some((task, stamp.to_string(), n))
}

/// Whether epoch `new` beats the best so far: a higher validation accuracy, or the same
/// with a lower validation loss. A first epoch is the best; a NaN never beats a number.
pub fn beats(new: &EpochSummary, best: Option<&EpochSummary>) -> bool {
    let Some(best) = best else {
        return true;
    };
    let accuracy = |e: &EpochSummary| {
        if e.val_accuracy.is_nan() {
            f32::NEG_INFINITY
        } else {
            e.val_accuracy
        }
    };
    let loss = |e: &EpochSummary| {
        if e.val_loss.is_nan() {
            f32::INFINITY
        } else {
            e.val_loss
        }
    };
    let (new_acc, best_acc) = (accuracy(new), accuracy(best));
    new_acc > best_acc || (new_acc == best_acc && loss(new) < loss(best))
}

/// One run's folder, and the best epoch kept in it so far.
#[derive(Debug)]
pub struct RunFolder {
    dir: PathBuf,
    best: Option<EpochSummary>,
}

impl RunFolder {
    /// Makes a new folder for a run of `config` under `root` (made too when missing),
    /// named for its task and `now`, and writes `config.json` into it.
    ///
    /// # Errors
    /// A [`WriteError`] naming the folder or file that could not be made.
    pub fn create(root: &Path, config: &TrainConfig, now: SystemTime) -> Result<Self, WriteError> {
        let fail = |path: &Path, e: std::io::Error| WriteError {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(root).map_err(|e| fail(root, e))?;
        let stamp = utc_stamp(now);
        let mut n = 1;
        let dir = loop {
            let dir = root.join(folder_name(config.task, &stamp, n));
            match std::fs::create_dir(&dir) {
                Ok(()) => break dir,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(fail(&dir, e)),
            }
        };
        let json = serde_json::to_vec_pretty(config).map_err(|e| WriteError {
            path: dir.join(CONFIG),
            message: e.to_string(),
        })?;
        write_atomic(&dir.join(CONFIG), &json)?;
        Ok(RunFolder { dir, best: None })
    }

    /// The existing run folder `dir`, continued by a resumed run whose best epoch so far
    /// is `best`: `config.json` is rewritten with `config`.
    ///
    /// # Errors
    /// A [`WriteError`] when `config.json` cannot be written.
    pub fn open(
        dir: &Path,
        config: &TrainConfig,
        best: Option<EpochSummary>,
    ) -> Result<Self, WriteError> {
        let json = serde_json::to_vec_pretty(config).map_err(|e| WriteError {
            path: dir.join(CONFIG),
            message: e.to_string(),
        })?;
        write_atomic(&dir.join(CONFIG), &json)?;
        Ok(RunFolder {
            dir: dir.to_path_buf(),
            best,
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the latest checkpoint goes.
    pub fn last(&self) -> PathBuf {
        self.dir.join(LAST)
    }

    /// Where the best epoch's checkpoint goes.
    pub fn best(&self) -> PathBuf {
        self.dir.join(BEST)
    }

    /// Whether `epoch` beats the best epoch kept so far ([`beats`]).
    pub fn is_best(&self, epoch: &EpochSummary) -> bool {
        beats(epoch, self.best.as_ref())
    }

    /// Copies `last.vlck` to `best.vlck` (atomically) and makes `epoch` the best so far;
    /// returns where the best checkpoint is.
    ///
    /// # Errors
    /// A [`WriteError`] naming the file that could not be read or written.
    pub fn keep_last_as_best(&mut self, epoch: &EpochSummary) -> Result<PathBuf, WriteError> {
        let (last, best) = (self.last(), self.best());
        let bytes = std::fs::read(&last).map_err(|e| WriteError {
            path: last.clone(),
            message: e.to_string(),
        })?;
        write_atomic(&best, &bytes)?;
        self.best = Some(*epoch);
        Ok(best)
    }
}

/// A run folder found under a runs root.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundRun {
    /// The folder.
    pub dir: PathBuf,
    /// The run's task (from the folder's name).
    pub task: Task,
    /// When it started, `YYYYMMDD-HHMMSS` in UTC (from the folder's name).
    pub started: String,
}

impl FoundRun {
    /// Its checkpoints that exist: `best.vlck`, then `last.vlck`.
    pub fn checkpoints(&self) -> Vec<PathBuf> {
        [BEST, LAST]
            .into_iter()
            .map(|name| self.dir.join(name))
            .filter(|path| path.is_file())
            .collect()
    }
}

/// The newest `limit` run folders under `root` (of `task` only, when given), newest first
/// by the start time in their names. Nothing for a root that cannot be read; entries that
/// are not run folders are skipped.
pub fn find_runs(root: &Path, task: Option<Task>, limit: usize) -> Vec<FoundRun> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut runs: Vec<(String, u32, FoundRun)> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_string();
            let (found_task, started, n) = parse_folder_name(&name)?;
            if task.is_some_and(|t| t != found_task) {
                return None;
            }
            let run = FoundRun {
                dir: entry.path(),
                task: found_task,
                started: started.clone(),
            };
            Some((started, n, run))
        })
        .collect();
    runs.sort_by(|a, b| (&b.0, b.1).cmp(&(&a.0, a.1)));
    runs.into_iter()
        .take(limit)
        .map(|(_, _, run)| run)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn epoch(val_accuracy: f32, val_loss: f32) -> EpochSummary {
        EpochSummary {
            epoch: 1,
            train_loss: 0.0,
            train_accuracy: 0.0,
            val_loss,
            val_accuracy,
            seconds: 0.0,
        }
    }

    #[test]
    fn stamps_are_utc_dates_and_times() {
        assert_eq!(utc_stamp(at(0)), "19700101-000000");
        assert_eq!(utc_stamp(at(951_782_400)), "20000229-000000");
        assert_eq!(utc_stamp(at(1_700_000_000)), "20231114-221320");
        assert_eq!(utc_stamp(at(4_102_444_799)), "20991231-235959");
    }

    #[test]
    fn folder_names_read_back() {
        let name = folder_name(Task::Segment, "20240102-030405", 1);
        assert_eq!(name, "segment-20240102-030405");
        assert_eq!(
            parse_folder_name(&name),
            Some((Task::Segment, "20240102-030405".into(), 1))
        );
        assert_eq!(
            parse_folder_name(&folder_name(Task::Detect, "20240102-030405", 3)),
            Some((Task::Detect, "20240102-030405".into(), 3))
        );
        for bad in [
            "",
            "classify",
            "train-20240102-030405",
            "classify-2024010-0304055",
            "classify-20240102-030405-",
            "classify-20240102-030405-1",
            "classify-20240102-030405x",
            "classify-2024o102-030405",
        ] {
            assert_eq!(parse_folder_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_best_epoch_has_the_highest_accuracy_then_the_lowest_loss() {
        assert!(beats(&epoch(0.1, 9.0), None));
        assert!(beats(&epoch(0.6, 9.0), Some(&epoch(0.5, 1.0))));
        assert!(!beats(&epoch(0.4, 0.1), Some(&epoch(0.5, 1.0))));
        assert!(beats(&epoch(0.5, 0.9), Some(&epoch(0.5, 1.0))));
        assert!(!beats(&epoch(0.5, 1.0), Some(&epoch(0.5, 1.0))));
        assert!(!beats(&epoch(f32::NAN, 0.1), Some(&epoch(0.5, 1.0))));
        assert!(beats(&epoch(0.1, 1.0), Some(&epoch(f32::NAN, 0.1))));
        assert!(beats(&epoch(0.5, 1.0), Some(&epoch(0.5, f32::NAN))));
        assert!(!beats(&epoch(0.5, f32::NAN), Some(&epoch(0.5, 1.0))));
    }

    #[test]
    fn a_folder_holds_the_config_and_takes_a_number_when_its_name_is_taken() {
        let root = tempfile::tempdir().unwrap();
        let config = TrainConfig::default();
        let runs = root.path().join("runs");
        let first = RunFolder::create(&runs, &config, at(1_700_000_000)).unwrap();
        let second = RunFolder::create(&runs, &config, at(1_700_000_000)).unwrap();
        assert_eq!(first.dir(), runs.join("classify-20231114-221320"));
        assert_eq!(second.dir(), runs.join("classify-20231114-221320-2"));
        let json = std::fs::read(first.dir().join(CONFIG)).unwrap();
        let back: TrainConfig = serde_json::from_slice(&json).unwrap();
        assert_eq!(back, config);
        assert_eq!(first.last(), first.dir().join(LAST));
    }

    #[test]
    fn runs_started_at_once_get_folders_of_their_own() {
        // Two windows (or a sweep and a window) starting runs in the same second: each run
        // gets its own folder with its own config, none is written twice.
        let root = tempfile::tempdir().unwrap();
        let runs = root.path().join("runs");
        let dirs: Vec<PathBuf> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8u64)
                .map(|seed| {
                    let runs = &runs;
                    scope.spawn(move || {
                        let config = TrainConfig {
                            seed,
                            ..TrainConfig::default()
                        };
                        let folder = RunFolder::create(runs, &config, at(1_700_000_000)).unwrap();
                        (seed, folder.dir().to_path_buf())
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    let (seed, dir) = h.join().unwrap();
                    let json = std::fs::read(dir.join(CONFIG)).unwrap();
                    let back: TrainConfig = serde_json::from_slice(&json).unwrap();
                    assert_eq!(
                        back.seed,
                        seed,
                        "{} holds its own run's config",
                        dir.display()
                    );
                    dir
                })
                .collect()
        });
        let unique: std::collections::BTreeSet<&PathBuf> = dirs.iter().collect();
        assert_eq!(unique.len(), 8, "{dirs:?}");
    }

    #[test]
    fn last_is_copied_to_best() {
        let root = tempfile::tempdir().unwrap();
        let mut folder = RunFolder::create(root.path(), &TrainConfig::default(), at(0)).unwrap();
        assert!(folder.is_best(&epoch(0.2, 1.0)));
        assert!(folder.keep_last_as_best(&epoch(0.2, 1.0)).is_err());
        std::fs::write(folder.last(), b"weights").unwrap();
        let best = folder.keep_last_as_best(&epoch(0.2, 1.0)).unwrap();
        assert_eq!(std::fs::read(best).unwrap(), b"weights");
        assert!(!folder.is_best(&epoch(0.1, 0.1)));
        assert!(folder.is_best(&epoch(0.3, 2.0)));
    }

    #[test]
    fn runs_are_found_newest_first() {
        let root = tempfile::tempdir().unwrap();
        for name in [
            "classify-20240101-000000",
            "classify-20240301-000000",
            "classify-20240301-000000-2",
            "segment-20240401-000000",
            "notes",
            "classify-junk",
        ] {
            std::fs::create_dir(root.path().join(name)).unwrap();
        }
        std::fs::write(root.path().join("classify-20250101-000000"), b"a file").unwrap();
        let names = |runs: Vec<FoundRun>| -> Vec<String> {
            runs.iter()
                .map(|r| r.dir.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            names(find_runs(root.path(), Some(Task::Classify), 10)),
            [
                "classify-20240301-000000-2",
                "classify-20240301-000000",
                "classify-20240101-000000"
            ]
        );
        assert_eq!(
            names(find_runs(root.path(), None, 2)),
            ["segment-20240401-000000", "classify-20240301-000000-2"]
        );
        assert!(find_runs(&root.path().join("missing"), None, 10).is_empty());
        let run = &find_runs(root.path(), Some(Task::Segment), 1)[0];
        assert!(run.checkpoints().is_empty());
        std::fs::write(run.dir.join(LAST), b"x").unwrap();
        std::fs::write(run.dir.join(BEST), b"x").unwrap();
        assert_eq!(run.checkpoints(), [run.dir.join(BEST), run.dir.join(LAST)]);
        assert_eq!(run.started, "20240401-000000");
    }
}
