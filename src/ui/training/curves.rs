//! The numbers behind the plots: training loss and learning rate per step, and per-epoch
//! validation results placed at the step where their epoch ended; each point can be placed
//! by step, by epoch or by wall time.
//!
//! Wall time is measured by the UI: every step and epoch is stamped when it arrives, on a
//! clock that runs only while the job trains (it stops at a pause and at the end of a run,
//! and a resumed run continues from the time of the step it resumes at). The job's own
//! `EpochSummary::seconds` would only give a time at each epoch's end, and for a run resumed
//! mid-epoch it counts only the part after the resume.

use std::time::Instant;

use crate::core::protocol::EpochSummary;
pub use crate::ui::settings::{PlotView, XAxis};

impl XAxis {
    /// All choices, for the selector.
    pub const ALL: [XAxis; 3] = [XAxis::Step, XAxis::Epoch, XAxis::WallTime];

    /// Name on the selector.
    pub fn label(self) -> &'static str {
        match self {
            XAxis::Step => "Step",
            XAxis::Epoch => "Epoch",
            XAxis::WallTime => "Wall time",
        }
    }

    /// Name under the axis.
    pub fn axis_label(self) -> &'static str {
        match self {
            XAxis::Step => "step",
            XAxis::Epoch => "epoch",
            XAxis::WallTime => "wall time",
        }
    }
}

/// One training step as the plots see it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepPoint {
    /// Global step number.
    pub step: u64,
    /// Position in epochs: `epoch − 1` plus the fraction of the epoch done.
    pub epoch: f64,
    /// Seconds of training when the step arrived.
    pub seconds: f64,
    /// Mini-batch loss (may be NaN or infinite; those are not plotted).
    pub loss: f32,
    /// Learning rate of the step.
    pub learning_rate: f64,
}

impl StepPoint {
    /// The step's coordinate on `axis`.
    pub fn x(&self, axis: XAxis) -> f64 {
        match axis {
            XAxis::Step => self.step as f64,
            XAxis::Epoch => self.epoch,
            XAxis::WallTime => self.seconds,
        }
    }
}

/// An epoch's results and the global step at which the epoch ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochPoint {
    /// Global step at the end of the epoch (the x coordinate in the plots).
    pub step: u64,
    /// Seconds of training when the results arrived.
    pub seconds: f64,
    /// What the job measured.
    pub summary: EpochSummary,
}

impl EpochPoint {
    /// The epoch's coordinate on `axis`.
    pub fn x(&self, axis: XAxis) -> f64 {
        match axis {
            XAxis::Step => self.step as f64,
            XAxis::Epoch => self.summary.epoch as f64,
            XAxis::WallTime => self.seconds,
        }
    }
}

/// Seconds of training: runs while the job trains, stands still otherwise.
#[derive(Clone, Copy, Debug, Default)]
struct TrainingClock {
    /// Seconds counted before `running_since`.
    banked: f64,
    /// When the clock last started, while it runs.
    running_since: Option<Instant>,
    /// Whether it was ever started.
    started: bool,
}

impl TrainingClock {
    fn seconds(&self, now: Instant) -> f64 {
        self.banked
            + self.running_since.map_or(0.0, |since| {
                now.saturating_duration_since(since).as_secs_f64()
            })
    }

    fn start_at(&mut self, now: Instant, seconds: f64) {
        self.banked = seconds;
        self.running_since = Some(now);
        self.started = true;
    }

    fn pause(&mut self, now: Instant) {
        self.banked = self.seconds(now);
        self.running_since = None;
    }

    fn resume(&mut self, now: Instant) {
        if self.running_since.is_none() {
            self.running_since = Some(now);
            self.started = true;
        }
    }
}

/// Loss, learning-rate and accuracy curves of one run (or of a run and its resumption).
#[derive(Clone, Debug, Default)]
pub struct Curves {
    /// Every step in arrival order (step numbers rise).
    steps: Vec<StepPoint>,
    /// Exponentially smoothed loss, one per entry of `steps` (NaN where the loss is not
    /// finite), valid for `smoothed_with`.
    smoothed: Vec<f64>,
    smoothed_with: Option<f32>,
    /// The last finite smoothed value.
    smoothed_last: Option<f64>,
    /// Per-epoch results in arrival order.
    epochs: Vec<EpochPoint>,
    /// Last step number seen.
    last_step: u64,
    /// Steps whose loss was NaN or infinite (not plotted).
    non_finite: usize,
    clock: TrainingClock,
}

impl Curves {
    /// A run (fresh or resumed) starts now: the clock runs on from the last step kept.
    pub fn start_clock(&mut self, now: Instant) {
        let from = self.steps.last().map_or(0.0, |s| s.seconds);
        self.clock.start_at(now, from);
    }

    /// The run paused or ended: the clock stands still.
    pub fn pause_clock(&mut self, now: Instant) {
        self.clock.pause(now);
    }

    /// The run trains again.
    pub fn resume_clock(&mut self, now: Instant) {
        self.clock.resume(now);
    }

    /// Records one training step of 1-based `epoch` that arrived at `now`.
    pub fn push_step(
        &mut self,
        step: u64,
        epoch: usize,
        steps_per_epoch: u64,
        loss: f32,
        learning_rate: f64,
        now: Instant,
    ) {
        if !self.clock.started {
            // Events fed without a launch (tests, replays): time counts from the first.
            self.clock.start_at(now, 0.0);
        }
        self.last_step = self.last_step.max(step);
        let done_before = epoch.saturating_sub(1) as f64;
        let fraction = if steps_per_epoch == 0 {
            1.0
        } else {
            let first = epoch.saturating_sub(1) as u64 * steps_per_epoch;
            (step.saturating_sub(first) as f64 / steps_per_epoch as f64).clamp(0.0, 1.0)
        };
        let point = StepPoint {
            step,
            epoch: done_before + fraction,
            seconds: self.clock.seconds(now),
            loss,
            learning_rate,
        };
        self.steps.push(point);
        if !loss.is_finite() {
            self.non_finite += 1;
        }
        if let Some(smoothing) = self.smoothed_with {
            let next = self.next_smoothed(loss, smoothing);
            self.smoothed.push(next);
        }
    }

    fn next_smoothed(&mut self, loss: f32, smoothing: f32) -> f64 {
        if !loss.is_finite() {
            return f64::NAN;
        }
        let value = f64::from(loss);
        let next = self
            .smoothed_last
            .map_or(value, |prev| ema(prev, value, smoothing));
        self.smoothed_last = Some(next);
        next
    }

    /// Records an epoch's results, arrived at `now`, at the latest step seen.
    pub fn push_epoch(&mut self, summary: EpochSummary, now: Instant) {
        self.epochs.push(EpochPoint {
            step: self.last_step,
            seconds: self.clock.seconds(now),
            summary,
        });
    }

    /// Every step recorded.
    pub fn steps(&self) -> &[StepPoint] {
        &self.steps
    }

    /// The last finite loss.
    pub fn last_loss(&self) -> Option<f32> {
        self.steps
            .iter()
            .rev()
            .map(|s| s.loss)
            .find(|l| l.is_finite())
    }

    /// `[x, loss]` of every finite loss.
    pub fn losses(&self, axis: XAxis) -> Vec<[f64; 2]> {
        self.steps
            .iter()
            .filter(|s| s.loss.is_finite())
            .map(|s| [s.x(axis), f64::from(s.loss)])
            .collect()
    }

    /// `[x, smoothed loss]` for every finite loss: `v = s·v + (1−s)·loss`, with `s` in
    /// `0..1`.
    pub fn smoothed(&mut self, smoothing: f32, axis: XAxis) -> Vec<[f64; 2]> {
        let smoothing = smoothing.clamp(0.0, 0.999);
        if self.smoothed_with != Some(smoothing) {
            self.smoothed.clear();
            self.smoothed_last = None;
            self.smoothed_with = Some(smoothing);
            for i in 0..self.steps.len() {
                let next = self.next_smoothed(self.steps[i].loss, smoothing);
                self.smoothed.push(next);
            }
        }
        self.steps
            .iter()
            .zip(&self.smoothed)
            .filter(|(_, v)| v.is_finite())
            .map(|(s, v)| [s.x(axis), *v])
            .collect()
    }

    /// `[x, learning rate]` of every step.
    pub fn learning_rates(&self, axis: XAxis) -> Vec<[f64; 2]> {
        self.steps
            .iter()
            .filter(|s| s.learning_rate.is_finite())
            .map(|s| [s.x(axis), s.learning_rate])
            .collect()
    }

    /// Per-epoch results.
    pub fn epochs(&self) -> &[EpochPoint] {
        &self.epochs
    }

    /// Where global step `step` sits on `axis`: the step's own point, else the epoch that
    /// ended there; `None` for a step not seen.
    pub fn x_at_step(&self, step: u64, axis: XAxis) -> Option<f64> {
        if axis == XAxis::Step {
            return Some(step as f64);
        }
        let i = self.steps.partition_point(|s| s.step < step);
        match self.steps.get(i) {
            Some(point) if point.step == step => Some(point.x(axis)),
            _ => self
                .epochs
                .iter()
                .rev()
                .find(|e| e.step == step)
                .map(|e| e.x(axis)),
        }
    }

    /// Number of steps recorded (plotted or not).
    pub fn step_count(&self) -> usize {
        self.steps.len()
    }

    /// Steps whose loss was not finite.
    pub fn non_finite(&self) -> usize {
        self.non_finite
    }

    /// The last step number seen.
    pub fn last_step(&self) -> u64 {
        self.last_step
    }

    /// Forgets everything after `step` (used when resuming from an earlier checkpoint).
    pub fn truncate_after(&mut self, step: u64) {
        self.steps.retain(|p| p.step <= step);
        self.epochs.retain(|e| e.step <= step);
        self.non_finite = self.steps.iter().filter(|s| !s.loss.is_finite()).count();
        self.smoothed_with = None;
        self.smoothed.clear();
        self.smoothed_last = None;
        self.last_step = self.last_step.min(step);
    }
}

fn ema(previous: f64, value: f64, smoothing: f32) -> f64 {
    let s = f64::from(smoothing);
    s * previous + (1.0 - s) * value
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn summary(epoch: usize) -> EpochSummary {
        EpochSummary {
            epoch,
            train_loss: 1.0,
            train_accuracy: 0.5,
            val_loss: 0.9,
            val_accuracy: 0.6,
            seconds: 1.0,
        }
    }

    fn ys(points: &[[f64; 2]]) -> Vec<f64> {
        points.iter().map(|p| p[1]).collect()
    }

    #[test]
    fn smoothing_is_incremental_and_consistent() {
        let now = Instant::now();
        let mut curves = Curves::default();
        curves.push_step(1, 1, 10, 4.0, 0.1, now);
        let _ = curves.smoothed(0.5, XAxis::Step);
        curves.push_step(2, 1, 10, 2.0, 0.1, now);
        curves.push_step(3, 1, 10, f32::NAN, 0.1, now);
        curves.push_step(4, 1, 10, 0.0, 0.1, now);
        let incremental = curves.smoothed(0.5, XAxis::Step);
        let mut fresh = curves.clone();
        fresh.smoothed_with = None;
        assert_eq!(incremental, fresh.smoothed(0.5, XAxis::Step));
        assert_eq!(incremental, vec![[1.0, 4.0], [2.0, 3.0], [4.0, 1.5]]);
        assert_eq!(curves.step_count(), 4);
        assert_eq!(curves.non_finite(), 1);
        assert_eq!(curves.last_loss(), Some(0.0));
        let raw = curves.losses(XAxis::Step);
        assert_eq!(curves.smoothed(0.0, XAxis::Step), raw);
    }

    #[test]
    fn epochs_sit_at_the_last_step_and_truncate() {
        let now = Instant::now();
        let mut curves = Curves::default();
        for step in 1..=10 {
            let epoch = 1 + (step as usize - 1) / 5;
            curves.push_step(step, epoch, 5, 1.0, 0.1, now);
            if step % 5 == 0 {
                curves.push_epoch(summary(step as usize / 5), now);
            }
        }
        assert_eq!(curves.epochs()[1].step, 10);
        curves.truncate_after(7);
        assert_eq!(curves.steps().len(), 7);
        assert_eq!(curves.epochs().len(), 1);
        assert_eq!(curves.last_step(), 7);
    }

    /// Each axis places steps and epochs: by number, by epoch (fractions inside one), and
    /// by training seconds.
    #[test]
    fn points_sit_on_the_chosen_axis() {
        let t0 = Instant::now();
        let mut curves = Curves::default();
        curves.start_clock(t0);
        for step in 1..=4u64 {
            let epoch = 1 + (step as usize - 1) / 2;
            let at = t0 + Duration::from_secs(step * 10);
            curves.push_step(step, epoch, 2, 1.0 / step as f32, 0.01 / step as f64, at);
        }
        curves.push_epoch(summary(2), t0 + Duration::from_secs(45));
        let xs = |axis| -> Vec<f64> { curves.losses(axis).iter().map(|p| p[0]).collect() };
        assert_eq!(xs(XAxis::Step), [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(xs(XAxis::Epoch), [0.5, 1.0, 1.5, 2.0]);
        assert_eq!(xs(XAxis::WallTime), [10.0, 20.0, 30.0, 40.0]);
        let epoch = curves.epochs()[0];
        assert_eq!(
            [XAxis::Step, XAxis::Epoch, XAxis::WallTime].map(|a| epoch.x(a)),
            [4.0, 2.0, 45.0]
        );
        assert_eq!(ys(&curves.learning_rates(XAxis::Step))[3], 0.0025);
        assert_eq!(curves.x_at_step(3, XAxis::Epoch), Some(1.5));
        assert_eq!(curves.x_at_step(9, XAxis::Epoch), None);
        assert_eq!(curves.x_at_step(9, XAxis::Step), Some(9.0));
    }

    /// The clock stands still while paused and after a run ends; a run resumed from a
    /// checkpoint continues from the time of the step it resumes at.
    #[test]
    fn wall_time_counts_training_only() {
        let t0 = Instant::now();
        let secs = |s: u64| t0 + Duration::from_secs(s);
        let mut curves = Curves::default();
        curves.start_clock(t0);
        curves.push_step(1, 1, 10, 1.0, 0.1, secs(5));
        curves.pause_clock(secs(6));
        curves.resume_clock(secs(106));
        curves.push_step(2, 1, 10, 1.0, 0.1, secs(110));
        curves.push_step(3, 1, 10, 1.0, 0.1, secs(120));
        curves.pause_clock(secs(121)); // finished
        // Resumed from the checkpoint at step 2, much later.
        curves.truncate_after(2);
        curves.start_clock(secs(1000));
        curves.push_step(3, 1, 10, 1.0, 0.1, secs(1003));
        let times: Vec<f64> = curves.steps().iter().map(|s| s.seconds).collect();
        assert_eq!(times, [5.0, 10.0, 13.0]);
    }
}
