//! A run's record in its run folder, written as the run goes: `run.json` (what ran, where,
//! when, how it ended, its best and final epochs; rewritten atomically at the start, after
//! every epoch and at the end) and `metrics.jsonl` (one JSON line per step and per epoch,
//! appended; step lines are flushed at most every half second and at every epoch's end, so
//! a killed run keeps what it measured up to then). The format is in the README ("Runs").
//! [`Keeping`] is what the training run holds: its folder and its record.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize};

use crate::core::files::{WriteError, write_atomic};
use crate::core::job::Outbox;
use crate::core::protocol::{EpochSummary, Event, KeepEvent, SweepTag, Task, TrainConfig};
use crate::train::checkpoint::task_key;
use crate::train::run_folder::{CONFIG, RunFolder, beats, parse_folder_name, utc_iso};

/// The run's summary, in its folder.
pub const RUN: &str = "run.json";

/// The run's step and epoch lines, in its folder.
pub const METRICS: &str = "metrics.jsonl";

/// The run folder's lock file: held (an OS advisory lock) by the process recording the run
/// for as long as it lives, so a reader can tell a run that is recording from one that was
/// killed before it could record its end ([`is_recording`]).
pub const LOCK: &str = "run.lock";

/// Whether a process (this one or another) records into the run folder `dir` now: its
/// [`LOCK`] is held. A folder without a lock file (recorded by an older visionlab) is not
/// recording; when the OS cannot tell, it counts as recording (nothing is changed on a guess).
pub fn is_recording(dir: &Path) -> bool {
    let Ok(file) = File::open(dir.join(LOCK)) else {
        return false;
    };
    match file.try_lock() {
        // Nobody held it: dropping the file releases it again.
        Ok(()) => false,
        Err(std::fs::TryLockError::WouldBlock) => true,
        Err(std::fs::TryLockError::Error(_)) => true,
    }
}

/// Takes the run folder's lock for this process (see [`LOCK`]); `None` when it cannot be had
/// (the run is recorded all the same; a reader then sees it as not recording).
fn take_lock(dir: &Path) -> Option<File> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK))
        .ok()?;
    file.try_lock().ok()?;
    Some(file)
}

/// Step lines reach the disk at most this long after they are measured.
const FLUSH_EVERY: Duration = Duration::from_millis(500);

/// How a run stands or ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Training (or killed before it could say otherwise).
    #[default]
    Running,
    /// Its epoch budget was used.
    Finished,
    /// Stopped by the user.
    Stopped,
    /// Ended by an error (see the message).
    Failed,
}

impl Status {
    /// `running`, `finished`, `stopped` or `failed`.
    pub fn key(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Finished => "finished",
            Status::Stopped => "stopped",
            Status::Failed => "failed",
        }
    }
}

/// `run.json`: what ran, where and when, how it stands, its best and final epochs. Every
/// field has a default, so an older or partial file still reads.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunInfo {
    /// The run folder's name.
    pub name: String,
    /// `classify`, `segment` or `detect`.
    pub task: String,
    /// The data, in words.
    pub data: String,
    /// The network.
    pub model: String,
    /// The visionlab version that ran it.
    pub version: String,
    /// The device, in words.
    pub device: String,
    /// The start, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub started: String,
    /// The start, seconds since 1970.
    pub started_unix: f64,
    /// The end (of its last stretch, for a resumed or extended run), when it ended.
    pub ended: Option<String>,
    /// The end, seconds since 1970.
    pub ended_unix: Option<f64>,
    /// How it stands.
    pub status: Status,
    /// Why it failed (or another word on how it ended).
    pub message: Option<String>,
    /// The name of the task's validation metric in the epoch lines' `val_metric`.
    pub metric: String,
    /// Epochs done.
    pub epochs_done: usize,
    /// Steps done.
    pub step: u64,
    /// `last.vlck`, once written.
    pub last_checkpoint: Option<PathBuf>,
    /// `best.vlck`, once written.
    pub best_checkpoint: Option<PathBuf>,
    /// The best epoch so far (highest validation accuracy, then lowest validation loss).
    pub best: Option<EpochLine>,
    /// The last epoch.
    pub last: Option<EpochLine>,
    /// The user's note.
    pub note: String,
    /// The checkpoint this run was resumed from (the latest resume).
    pub resumed_from: Option<PathBuf>,
    /// The sweep this run is one of (its id, number, size and varied settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepTag>,
}

impl RunInfo {
    /// Seconds from the start to the end, or to the last epoch when no end is recorded.
    pub fn duration(&self) -> Option<f64> {
        let end = self
            .ended_unix
            .or_else(|| self.last.as_ref().map(|e| self.started_unix + e.elapsed))?;
        (self.started_unix > 0.0).then_some((end - self.started_unix).max(0.0))
    }
}

/// A line of `metrics.jsonl`: `{"kind":"step",…}` or `{"kind":"epoch",…}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum MetricLine {
    /// One optimizer step.
    Step(StepLine),
    /// One epoch.
    Epoch(EpochLine),
}

/// One optimizer step.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepLine {
    /// 1-based step over the whole run.
    pub step: u64,
    /// 1-based epoch.
    pub epoch: usize,
    /// The batch's training loss.
    #[serde(deserialize_with = "null_is_nan")]
    pub loss: f32,
    /// The learning rate it was taken with.
    pub learning_rate: f64,
    /// Seconds since the run started.
    pub seconds: f64,
}

/// One epoch: [`EpochSummary`]'s fields, the task's validation metric and the time since
/// the run started. A NaN is written as `null`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochLine {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean training loss.
    #[serde(deserialize_with = "null_is_nan")]
    pub train_loss: f32,
    /// Training accuracy in 0..1.
    #[serde(deserialize_with = "null_is_nan")]
    pub train_accuracy: f32,
    /// Mean validation loss.
    #[serde(deserialize_with = "null_is_nan")]
    pub val_loss: f32,
    /// Validation accuracy in 0..1.
    #[serde(deserialize_with = "null_is_nan")]
    pub val_accuracy: f32,
    /// The task's validation metric (named in `run.json`'s `metric`).
    #[serde(deserialize_with = "null_is_nan")]
    pub val_metric: f32,
    /// Seconds the epoch took.
    pub seconds: f32,
    /// Seconds since the run started, at the epoch's end.
    pub elapsed: f64,
}

impl EpochLine {
    /// The epoch's summary.
    pub fn summary(&self) -> EpochSummary {
        EpochSummary {
            epoch: self.epoch,
            train_loss: self.train_loss,
            train_accuracy: self.train_accuracy,
            val_loss: self.val_loss,
            val_accuracy: self.val_accuracy,
            seconds: self.seconds,
        }
    }
}

/// A float that may be `null` (how JSON writes NaN).
fn null_is_nan<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    Ok(Option::<f32>::deserialize(d)?.unwrap_or(f32::NAN))
}

/// The name of `task`'s validation metric.
pub fn metric_name(task: Task) -> &'static str {
    match task {
        Task::Classify => "val_accuracy",
        Task::Segment => "val_miou",
        Task::Detect => "val_map50",
    }
}

fn unix(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// A run's record being written.
#[derive(Debug)]
pub struct Record {
    dir: PathBuf,
    info: RunInfo,
    metrics: BufWriter<File>,
    flushed: Instant,
    /// The folder's [`LOCK`], held while the record lives.
    _lock: Option<File>,
}

impl Record {
    /// Starts the record of a run of `config` on `device` in its (new) folder `dir`:
    /// writes `run.json` (status running) and opens `metrics.jsonl`.
    ///
    /// # Errors
    /// A [`WriteError`] naming the file that could not be written.
    pub fn start(dir: &Path, config: &TrainConfig, device: &str) -> Result<Self, WriteError> {
        let now = SystemTime::now();
        let info = RunInfo {
            name: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            task: task_key(config.task).to_string(),
            data: config.data.describe(),
            model: format!("{:?}", config.model),
            version: env!("CARGO_PKG_VERSION").to_string(),
            device: device.to_string(),
            started: utc_iso(now),
            started_unix: unix(now),
            metric: metric_name(config.task).to_string(),
            resumed_from: config.resume_from.clone(),
            sweep: config.sweep.clone(),
            ..RunInfo::default()
        };
        Self::open(dir, info)
    }

    /// Continues the record in `dir` of a run resumed from `config.resume_from`: keeps
    /// what `run.json` says (its start, best epoch, note), marks it running again and
    /// appends to `metrics.jsonl`. A `run.json` that cannot be read starts afresh.
    ///
    /// # Errors
    /// A [`WriteError`] naming the file that could not be written.
    pub fn resume(dir: &Path, config: &TrainConfig, device: &str) -> Result<Self, WriteError> {
        let old = std::fs::read(dir.join(RUN))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<RunInfo>(&bytes).ok());
        let Some(mut info) = old else {
            return Self::start(dir, config, device);
        };
        info.status = Status::Running;
        info.message = None;
        info.ended = None;
        info.ended_unix = None;
        info.device = device.to_string();
        info.version = env!("CARGO_PKG_VERSION").to_string();
        info.resumed_from = config.resume_from.clone();
        Self::open(dir, info)
    }

    fn open(dir: &Path, info: RunInfo) -> Result<Self, WriteError> {
        let path = dir.join(METRICS);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| WriteError {
                path,
                message: e.to_string(),
            })?;
        let record = Record {
            dir: dir.to_path_buf(),
            info,
            metrics: BufWriter::new(file),
            flushed: Instant::now(),
            _lock: take_lock(dir),
        };
        record.write_info()?;
        Ok(record)
    }

    /// What `run.json` says now.
    pub fn info(&self) -> &RunInfo {
        &self.info
    }

    fn seconds(&self) -> f64 {
        (unix(SystemTime::now()) - self.info.started_unix).max(0.0)
    }

    fn write_info(&self) -> Result<(), WriteError> {
        let json = serde_json::to_vec_pretty(&self.info).map_err(|e| self.fail(RUN, e))?;
        write_atomic(&self.dir.join(RUN), &json)
    }

    fn fail(&self, file: &str, e: impl std::fmt::Display) -> WriteError {
        WriteError {
            path: self.dir.join(file),
            message: e.to_string(),
        }
    }

    fn line(&mut self, line: &MetricLine) -> Result<(), WriteError> {
        let mut bytes = serde_json::to_vec(line).map_err(|e| self.fail(METRICS, e))?;
        bytes.push(b'\n');
        self.metrics
            .write_all(&bytes)
            .map_err(|e| self.fail(METRICS, e))
    }

    fn flush(&mut self) -> Result<(), WriteError> {
        self.flushed = Instant::now();
        self.metrics.flush().map_err(|e| self.fail(METRICS, e))
    }

    /// Appends a step line (on disk within half a second).
    ///
    /// # Errors
    /// A [`WriteError`] when `metrics.jsonl` cannot be written.
    pub fn step(
        &mut self,
        step: u64,
        epoch: usize,
        loss: f32,
        learning_rate: f64,
    ) -> Result<(), WriteError> {
        let seconds = self.seconds();
        self.line(&MetricLine::Step(StepLine {
            step,
            epoch,
            loss,
            learning_rate,
            seconds,
        }))?;
        self.info.step = step;
        if self.flushed.elapsed() >= FLUSH_EVERY {
            self.flush()?;
        }
        Ok(())
    }

    /// Appends an epoch line (flushed with the steps before it) and rewrites `run.json`
    /// with it as the last epoch (and the best, when it beats the best so far).
    ///
    /// # Errors
    /// A [`WriteError`] naming the file that could not be written.
    pub fn epoch(&mut self, summary: &EpochSummary, val_metric: f32) -> Result<(), WriteError> {
        let line = EpochLine {
            epoch: summary.epoch,
            train_loss: summary.train_loss,
            train_accuracy: summary.train_accuracy,
            val_loss: summary.val_loss,
            val_accuracy: summary.val_accuracy,
            val_metric,
            seconds: summary.seconds,
            elapsed: self.seconds(),
        };
        self.line(&MetricLine::Epoch(line))?;
        self.flush()?;
        let best = self.info.best.as_ref().map(EpochLine::summary);
        if beats(summary, best.as_ref()) {
            self.info.best = Some(line);
        }
        self.info.last = Some(line);
        self.info.epochs_done = summary.epoch;
        self.write_info()
    }

    /// Notes a checkpoint written into the folder (said in `run.json` at the next write).
    pub fn checkpoint(&mut self, path: &Path, best: bool) {
        let slot = if best {
            &mut self.info.best_checkpoint
        } else {
            &mut self.info.last_checkpoint
        };
        *slot = Some(path.to_path_buf());
    }

    /// Marks the run running again (an ended run given a larger budget); nothing when it is.
    ///
    /// # Errors
    /// A [`WriteError`] when `run.json` cannot be written.
    pub fn running(&mut self) -> Result<(), WriteError> {
        if self.info.status == Status::Running {
            return Ok(());
        }
        self.info.status = Status::Running;
        self.info.message = None;
        self.info.ended = None;
        self.info.ended_unix = None;
        self.write_info()
    }

    /// Ends the record: flushes the metrics and writes `run.json` with `status`, the end
    /// time and `message`.
    ///
    /// # Errors
    /// A [`WriteError`] naming the file that could not be written.
    pub fn end(&mut self, status: Status, message: Option<String>) -> Result<(), WriteError> {
        let now = SystemTime::now();
        self.info.status = status;
        self.info.message = message;
        self.info.ended = Some(utc_iso(now));
        self.info.ended_unix = Some(unix(now));
        let flushed = self.flush();
        self.write_info()?;
        flushed
    }
}

/// The run folder a run resumed from `checkpoint` continues: the checkpoint's folder when
/// it is a run folder (by its name, holding `config.json` or `run.json`).
pub fn own_folder(checkpoint: &Path) -> Option<PathBuf> {
    let dir = checkpoint.parent()?;
    parse_folder_name(dir.file_name()?.to_str()?)?;
    (dir.join(CONFIG).is_file() || dir.join(RUN).is_file()).then(|| dir.to_path_buf())
}

/// Whether and where a run keeps itself: off, not yet made (the run makes it when it
/// starts, [`Keeping::begin`]), made with its record, or given up after the folder could
/// not be made (said once). A record that cannot be written is said once too; the run goes
/// on.
#[derive(Debug, Default)]
pub struct Keeping {
    root: Option<PathBuf>,
    device: String,
    folder: Option<RunFolder>,
    record: Option<Record>,
    gave_up: bool,
    record_failed: bool,
}

impl Keeping {
    /// Keeping under `root`, or nothing for `None`.
    pub fn new(root: Option<PathBuf>) -> Self {
        Keeping {
            root,
            ..Keeping::default()
        }
    }

    /// The same, recording `device` (in words) as the run's device.
    pub fn on_device(self, device: &str) -> Self {
        Keeping {
            device: device.to_string(),
            ..self
        }
    }

    /// Makes the folder and starts the record now, if not yet done ([`Keeping::folder`]).
    pub fn begin(&mut self, config: &TrainConfig, out: &Outbox) {
        let _ = self.folder(config, out);
    }

    /// The run's folder, made for `config` now when it is the first time (or, for a run
    /// resumed from a checkpoint in a run folder, that folder continued), with its record
    /// started: reports [`KeepEvent::Folder`], or [`KeepEvent::Failed`] once when it cannot
    /// be made (the run goes on without keeping). `None` when keeping is off or failed.
    pub fn folder(&mut self, config: &TrainConfig, out: &Outbox) -> Option<&mut RunFolder> {
        if self.folder.is_none() && !self.gave_up {
            let root = self.root.as_deref()?;
            let own = config.resume_from.as_deref().and_then(own_folder);
            let made = match &own {
                Some(dir) => Record::resume(dir, config, &self.device).and_then(|record| {
                    let best = record.info().best.as_ref().map(|e| e.summary());
                    Ok((RunFolder::open(dir, config, best)?, record))
                }),
                None => RunFolder::create(root, config, SystemTime::now()).and_then(|folder| {
                    let record = Record::start(folder.dir(), config, &self.device)?;
                    Ok((folder, record))
                }),
            };
            match made {
                Ok((folder, record)) => {
                    out.send(Event::Kept(KeepEvent::Folder(folder.dir().to_path_buf())));
                    self.folder = Some(folder);
                    self.record = Some(record);
                }
                Err(e) => {
                    self.gave_up = true;
                    out.send(Event::Kept(KeepEvent::Failed(format!(
                        "could not make the run folder, so this run keeps nothing: {e}"
                    ))));
                }
            }
        }
        self.folder.as_mut()
    }

    /// Does `write` to the record, when there is one; its first failure is said.
    fn record(&mut self, out: &Outbox, write: impl FnOnce(&mut Record) -> Result<(), WriteError>) {
        let Some(record) = self.record.as_mut() else {
            return;
        };
        if let Err(e) = write(record)
            && !self.record_failed
        {
            self.record_failed = true;
            out.send(Event::Kept(KeepEvent::Failed(format!(
                "could not write the run's record (the run goes on): {e}"
            ))));
        }
    }

    /// Records a step.
    pub fn step(&mut self, out: &Outbox, step: u64, epoch: usize, loss: f32, lr: f64) {
        self.record(out, |r| r.step(step, epoch, loss, lr));
    }

    /// Records an epoch with the task's validation metric.
    pub fn epoch(&mut self, out: &Outbox, summary: &EpochSummary, val_metric: f32) {
        self.record(out, |r| r.epoch(summary, val_metric));
    }

    /// Records a checkpoint written into the folder.
    pub fn checkpoint(&mut self, path: &Path, best: bool) {
        if let Some(record) = self.record.as_mut() {
            record.checkpoint(path, best);
        }
    }

    /// Records that the run trains (again).
    pub fn running(&mut self, out: &Outbox) {
        self.record(out, Record::running);
    }

    /// Records the run's end.
    pub fn end(&mut self, out: &Outbox, status: Status, message: Option<String>) {
        self.record(out, |r| r.end(status, message));
    }

    /// Records a run that failed before it trained (settings out of range, data that could
    /// not be read, a network that does not fit it, …): a folder with its config and a
    /// `run.json` that says failed and why, so a sweep's or a user's failed attempt is listed
    /// with the others. Nothing for a resumed run (its own record stays as it was) or when
    /// keeping is off.
    pub fn setup_failed(mut self, config: &TrainConfig, out: &Outbox, error: &anyhow::Error) {
        if config.resume_from.is_some() {
            return;
        }
        self.begin(config, out);
        self.end(out, Status::Failed, Some(format!("{error:#}")));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;
    use crate::core::job::no_waker;

    fn summary(epoch: usize, val_accuracy: f32) -> EpochSummary {
        EpochSummary {
            epoch,
            train_loss: 1.0,
            train_accuracy: 0.5,
            val_loss: f32::NAN,
            val_accuracy,
            seconds: 2.0,
        }
    }

    fn lines(dir: &Path) -> Vec<MetricLine> {
        std::fs::read_to_string(dir.join(METRICS))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn info(dir: &Path) -> RunInfo {
        serde_json::from_slice(&std::fs::read(dir.join(RUN)).unwrap()).unwrap()
    }

    #[test]
    fn a_record_says_what_ran_and_appends_its_metrics() {
        let dir = tempfile::tempdir().unwrap();
        let config = TrainConfig::default();
        let mut record = Record::start(dir.path(), &config, "CPU").unwrap();
        let started = info(dir.path());
        assert_eq!(started.status, Status::Running);
        assert_eq!(started.device, "CPU");
        assert_eq!(started.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(started.metric, "val_accuracy");
        record.step(1, 1, 0.5, 0.01).unwrap();
        record.step(2, 1, 0.4, 0.01).unwrap();
        record.epoch(&summary(1, 0.7), 0.7).unwrap();
        // Flushed at the epoch's end, NaN read back as NaN.
        let got = lines(dir.path());
        assert_eq!(got.len(), 3);
        assert!(matches!(got[1], MetricLine::Step(StepLine { step: 2, .. })));
        let MetricLine::Epoch(e) = got[2] else {
            panic!("{got:?}")
        };
        assert!(e.val_loss.is_nan() && e.val_accuracy == 0.7);
        record.checkpoint(&dir.path().join("last.vlck"), false);
        record.epoch(&summary(2, 0.6), 0.6).unwrap();
        record.end(Status::Finished, None).unwrap();
        let done = info(dir.path());
        assert_eq!(done.status, Status::Finished);
        assert_eq!(done.best.map(|e| e.epoch), Some(1));
        assert_eq!(done.last.map(|e| e.epoch), Some(2));
        assert_eq!(done.epochs_done, 2);
        assert_eq!(done.step, 2);
        assert!(done.ended.is_some() && done.duration().is_some());
        assert_eq!(done.last_checkpoint, Some(dir.path().join("last.vlck")));

        // Resumed: the same start and best, running again, appending.
        let resumed_from = dir.path().join("last.vlck");
        let config = TrainConfig {
            resume_from: Some(resumed_from.clone()),
            ..config
        };
        let mut again = Record::resume(dir.path(), &config, "GPU").unwrap();
        assert_eq!(again.info().status, Status::Running);
        assert_eq!(again.info().started, done.started);
        assert_eq!(again.info().resumed_from, Some(resumed_from));
        again.epoch(&summary(3, 0.9), 0.9).unwrap();
        again.end(Status::Failed, Some("boom".into())).unwrap();
        let after = info(dir.path());
        assert_eq!(after.best.map(|e| e.epoch), Some(3));
        assert_eq!(after.message.as_deref(), Some("boom"));
        assert_eq!(lines(dir.path()).len(), 5);
    }

    #[test]
    fn steps_reach_the_disk_within_half_a_second() {
        let dir = tempfile::tempdir().unwrap();
        let mut record = Record::start(dir.path(), &TrainConfig::default(), "CPU").unwrap();
        record.step(1, 1, 0.5, 0.01).unwrap();
        std::thread::sleep(FLUSH_EVERY + Duration::from_millis(50));
        record.step(2, 1, 0.5, 0.01).unwrap();
        assert_eq!(lines(dir.path()).len(), 2);
    }

    #[test]
    fn keeping_makes_the_folder_once_and_gives_up_once() {
        let (tx, rx) = mpsc::channel();
        let out = Outbox::new(tx, no_waker());
        let config = TrainConfig::default();
        assert!(Keeping::new(None).folder(&config, &out).is_none());
        assert!(rx.try_recv().is_err());

        let root = tempfile::tempdir().unwrap();
        let mut keeping = Keeping::new(Some(root.path().to_path_buf()));
        let dir = keeping.folder(&config, &out).map(|f| f.dir().to_path_buf());
        assert!(keeping.folder(&config, &out).is_some());
        let events: Vec<Event> = rx.try_iter().collect();
        assert_eq!(events, vec![Event::Kept(KeepEvent::Folder(dir.unwrap()))]);

        // A root that is a file: said once, then nothing.
        let file = root.path().join("a-file");
        std::fs::write(&file, b"").unwrap();
        let mut keeping = Keeping::new(Some(file));
        assert!(keeping.folder(&config, &out).is_none());
        assert!(keeping.folder(&config, &out).is_none());
        let events: Vec<Event> = rx.try_iter().collect();
        assert_eq!(events.len(), 1);
        assert!(
            matches!(&events[0], Event::Kept(KeepEvent::Failed(m)) if m.contains("a-file")),
            "{events:?}"
        );
    }
}
