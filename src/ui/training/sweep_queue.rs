//! A sweep in a training tab: the form (one or two settings, each with its values as
//! text, read by [`crate::train::sweep`]) and the queue of runs the tab trains one after
//! another. Plain data: the tab starts each run through its one start path.

use std::collections::VecDeque;
use std::time::SystemTime;

use crate::core::protocol::TrainConfig;
use crate::train::sweep::{self, Axis, SweepError, SweepRun};

/// The settings a sweep form offers, one row each.
pub const ROWS: usize = sweep::MAX_SETTINGS;

/// One row of the form: a setting and its values as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepRow {
    /// The setting's short name ([`sweep::keys`]).
    pub key: String,
    /// Its values: `1e-3,3e-3` or `1e-4..1e-2x3`; empty leaves the row out.
    pub values: String,
}

/// The Sweep section's form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepForm {
    /// The rows: learning rate and batch size to begin with.
    pub rows: [SweepRow; ROWS],
}

impl Default for SweepForm {
    fn default() -> Self {
        let row = |key: &str| SweepRow {
            key: key.into(),
            values: String::new(),
        };
        SweepForm {
            rows: [row("lr"), row("batch")],
        }
    }
}

impl SweepForm {
    /// Whether a row has values.
    pub fn is_empty(&self) -> bool {
        self.rows.iter().all(|row| row.values.trim().is_empty())
    }

    /// The runs of the rows with values over `base` (fresh runs: no resume).
    ///
    /// # Errors
    /// The first [`SweepError`] of the rows or of the plan.
    pub fn plan(&self, base: &TrainConfig, id: &str) -> Result<Vec<SweepRun>, SweepError> {
        let axes = self
            .rows
            .iter()
            .filter(|row| !row.values.trim().is_empty())
            .map(|row| Axis::new(&row.key, &row.values))
            .collect::<Result<Vec<_>, _>>()?;
        let base = TrainConfig {
            resume_from: None,
            ..base.clone()
        };
        sweep::plan(&base, &axes, id)
    }

    /// The same, for a sweep starting now.
    ///
    /// # Errors
    /// As [`SweepForm::plan`].
    pub fn plan_now(&self, base: &TrainConfig) -> Result<Vec<SweepRun>, SweepError> {
        self.plan(base, &sweep::new_id(SystemTime::now()))
    }
}

/// Where the tab's sweep stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SweepQueue {
    /// The runs not started yet.
    waiting: VecDeque<SweepRun>,
    /// Runs in the sweep.
    total: usize,
    /// Runs started.
    started: usize,
    /// The run training now: its settings.
    current: Option<String>,
    /// A sweep asked for while the tab asks whether to discard its model.
    pending: Option<Vec<SweepRun>>,
    /// How the last sweep ended ("Sweep stopped: 2 of 4 ran").
    ended: Option<String>,
}

impl SweepQueue {
    /// Whether a sweep is under way (a run of it trains or more wait).
    pub fn is_running(&self) -> bool {
        self.current.is_some() || !self.waiting.is_empty()
    }

    /// A new sweep of `runs` (what was queued is dropped).
    pub fn begin(&mut self, runs: Vec<SweepRun>) {
        self.total = runs.len();
        self.waiting = runs.into();
        self.started = 0;
        self.current = None;
        self.pending = None;
        self.ended = None;
    }

    /// Takes the next run to start (it is the current one from now on); `None` when none
    /// waits.
    pub fn take_next(&mut self) -> Option<SweepRun> {
        let run = self.waiting.pop_front()?;
        self.started += 1;
        self.current = Some(run.label.clone());
        Some(run)
    }

    /// The sweep is over: every run ran. Returns what to say.
    pub fn finish(&mut self) -> String {
        self.current = None;
        self.end(format!(
            "Sweep finished: {} of {} ran",
            self.started, self.total
        ))
    }

    /// Stops the sweep: the runs waiting are dropped. Returns what to say, or `None`
    /// when no sweep is under way.
    pub fn cancel(&mut self) -> Option<String> {
        if !self.is_running() {
            return None;
        }
        self.waiting.clear();
        self.current = None;
        Some(self.end(format!(
            "Sweep stopped: {} of {} ran",
            self.started, self.total
        )))
    }

    fn end(&mut self, line: String) -> String {
        self.ended = Some(line.clone());
        line
    }

    /// Keeps `runs` to start once the tab's question is answered.
    pub fn hold(&mut self, runs: Vec<SweepRun>) {
        self.pending = Some(runs);
    }

    /// Drops a sweep held for a question (the question was cancelled).
    pub fn drop_held(&mut self) {
        self.pending = None;
    }

    /// The sweep held for a question, taken once.
    pub fn take_held(&mut self) -> Option<Vec<SweepRun>> {
        self.pending.take()
    }

    /// The progress line: "Sweep 2 of 4: lr=3e-3 batch=32" while it runs, how it ended
    /// after; `None` before any sweep.
    pub fn line(&self) -> Option<String> {
        match &self.current {
            Some(label) => Some(format!("Sweep {} of {}: {label}", self.started, self.total)),
            None => self.ended.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_plans_its_filled_rows() {
        let mut form = SweepForm::default();
        assert!(form.is_empty());
        assert!(matches!(
            form.plan(&TrainConfig::default(), "s"),
            Err(SweepError::Settings(0))
        ));
        form.rows[0].values = "1e-3, 3e-3".into();
        assert_eq!(form.plan(&TrainConfig::default(), "s").unwrap().len(), 2);
        form.rows[1].values = "16,32,64".into();
        assert_eq!(form.plan(&TrainConfig::default(), "s").unwrap().len(), 6);
        form.rows[1].key = "nope".into();
        assert!(matches!(
            form.plan(&TrainConfig::default(), "s"),
            Err(SweepError::UnknownKey { .. })
        ));
    }

    #[test]
    fn the_queue_runs_in_order_and_stops() {
        let mut form = SweepForm::default();
        form.rows[0].values = "1e-3,2e-3,3e-3".into();
        let runs = form.plan(&TrainConfig::default(), "s").unwrap();
        let mut queue = SweepQueue::default();
        assert_eq!(queue.line(), None);
        queue.begin(runs);
        assert!(queue.is_running());
        let run = queue.take_next().unwrap();
        assert_eq!(run.label, "lr=1e-3");
        assert_eq!(queue.line().unwrap(), "Sweep 1 of 3: lr=1e-3");
        queue.take_next().unwrap();
        assert_eq!(queue.cancel().unwrap(), "Sweep stopped: 2 of 3 ran");
        assert!(!queue.is_running());
        assert!(queue.take_next().is_none());
        assert_eq!(queue.cancel(), None);
        assert_eq!(queue.line().unwrap(), "Sweep stopped: 2 of 3 ran");
    }
}
