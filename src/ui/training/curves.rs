//! The numbers behind the plots: training loss per step, and per-epoch validation
//! results placed at the step where their epoch ended.

use crate::core::protocol::EpochSummary;

/// An epoch's results and the global step at which the epoch ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochPoint {
    /// Global step at the end of the epoch (the x coordinate in the plots).
    pub step: u64,
    /// What the job measured.
    pub summary: EpochSummary,
}

/// Loss and accuracy curves of one run (or of a run and its resumption).
#[derive(Clone, Debug, Default)]
pub struct Curves {
    /// `[step, loss]` for every finite mini-batch loss.
    steps: Vec<[f64; 2]>,
    /// Exponentially smoothed copy of `steps`, valid for `smoothed_with`.
    smoothed: Vec<[f64; 2]>,
    smoothed_with: Option<f32>,
    /// Per-epoch results in arrival order.
    epochs: Vec<EpochPoint>,
    /// Last step number seen (even when its loss was not finite).
    last_step: u64,
    /// Steps whose loss was NaN or infinite (not plotted).
    non_finite: usize,
}

impl Curves {
    /// Records one training step.
    pub fn push_step(&mut self, step: u64, loss: f32) {
        self.last_step = self.last_step.max(step);
        if !loss.is_finite() {
            self.non_finite += 1;
            return;
        }
        let point = [step as f64, f64::from(loss)];
        self.steps.push(point);
        if let Some(smoothing) = self.smoothed_with {
            let next = match self.smoothed.last() {
                Some(prev) => ema(prev[1], point[1], smoothing),
                None => point[1],
            };
            self.smoothed.push([point[0], next]);
        }
    }

    /// Records an epoch's results at the latest step seen.
    pub fn push_epoch(&mut self, summary: EpochSummary) {
        self.epochs.push(EpochPoint {
            step: self.last_step,
            summary,
        });
    }

    /// Raw `[step, loss]` points.
    pub fn steps(&self) -> &[[f64; 2]] {
        &self.steps
    }

    /// Smoothed `[step, loss]` points: `v = s·v + (1−s)·loss`, with `s` in `0..1`.
    pub fn smoothed(&mut self, smoothing: f32) -> &[[f64; 2]] {
        let smoothing = smoothing.clamp(0.0, 0.999);
        if self.smoothed_with != Some(smoothing) {
            self.smoothed.clear();
            let mut value = None;
            for &[x, y] in &self.steps {
                let next = value.map_or(y, |v| ema(v, y, smoothing));
                value = Some(next);
                self.smoothed.push([x, next]);
            }
            self.smoothed_with = Some(smoothing);
        }
        &self.smoothed
    }

    /// Per-epoch results.
    pub fn epochs(&self) -> &[EpochPoint] {
        &self.epochs
    }

    /// Number of steps recorded (plotted or not).
    pub fn step_count(&self) -> usize {
        self.steps.len() + self.non_finite
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
        let limit = step as f64;
        self.steps.retain(|p| p[0] <= limit);
        self.epochs.retain(|e| e.step <= step);
        self.smoothed_with = None;
        self.smoothed.clear();
        self.last_step = self.last_step.min(step);
    }
}

fn ema(previous: f64, value: f64, smoothing: f32) -> f64 {
    let s = f64::from(smoothing);
    s * previous + (1.0 - s) * value
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn smoothing_is_incremental_and_consistent() {
        let mut curves = Curves::default();
        curves.push_step(1, 4.0);
        let _ = curves.smoothed(0.5);
        curves.push_step(2, 2.0);
        curves.push_step(3, f32::NAN);
        curves.push_step(4, 0.0);
        let incremental = curves.smoothed(0.5).to_vec();
        let mut fresh = curves.clone();
        fresh.smoothed_with = None;
        assert_eq!(incremental, fresh.smoothed(0.5));
        assert_eq!(incremental, vec![[1.0, 4.0], [2.0, 3.0], [4.0, 1.5]]);
        assert_eq!(curves.step_count(), 4);
        assert_eq!(curves.non_finite(), 1);
        let raw = curves.steps().to_vec();
        assert_eq!(curves.smoothed(0.0), raw.as_slice());
    }

    #[test]
    fn epochs_sit_at_the_last_step_and_truncate() {
        let mut curves = Curves::default();
        for step in 1..=10 {
            curves.push_step(step, 1.0);
            if step % 5 == 0 {
                curves.push_epoch(summary(step as usize / 5));
            }
        }
        assert_eq!(curves.epochs()[1].step, 10);
        curves.truncate_after(7);
        assert_eq!(curves.steps().len(), 7);
        assert_eq!(curves.epochs().len(), 1);
        assert_eq!(curves.last_step(), 7);
    }
}
