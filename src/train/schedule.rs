//! The optimizer and the learning-rate schedule of a training run.

use burn::optim::{AdamConfig, ModuleOptimizer, SgdConfig, momentum::MomentumConfig};

use crate::core::protocol::{OptimizerKind, TrainConfig};

/// Builds the optimizer a config asks for.
pub fn optimizer(kind: OptimizerKind) -> ModuleOptimizer {
    match kind {
        // PyTorch's SGD momentum: no dampening.
        OptimizerKind::Sgd => SgdConfig::new()
            .with_momentum(Some(MomentumConfig::new().with_dampening(0.0)))
            .init(),
        OptimizerKind::Adam => AdamConfig::new().init(),
    }
}

/// How the learning rate moves over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Schedule {
    /// [`cosine_learning_rate`]: from the configured rate down to 5 % of it over the
    /// epoch budget.
    #[default]
    Cosine,
    /// The configured rate at every step (short fine-tunes).
    Constant,
}

/// The learning rate for the step after `step`: the schedule's rate times `factor` (a task's
/// own factor, e.g. smaller steps once a pretrained backbone trains; 1 for none).
pub fn learning_rate(
    schedule: Schedule,
    config: &TrainConfig,
    step: u64,
    steps_per_epoch: u64,
    factor: f64,
) -> f64 {
    let rate = match schedule {
        Schedule::Cosine => cosine_learning_rate(config, step, steps_per_epoch),
        Schedule::Constant => config.learning_rate,
    };
    rate * factor
}

/// The learning rate for the step after `step`: cosine decay from the configured rate to
/// 5 % of it over the epoch budget (a larger budget stretches the schedule).
pub fn cosine_learning_rate(config: &TrainConfig, step: u64, steps_per_epoch: u64) -> f64 {
    let total = (config.epochs as u64 * steps_per_epoch).max(1) as f64;
    let progress = (step as f64 / total).min(1.0);
    let cosine = 0.5 * (1.0 + (std::f64::consts::PI * progress).cos());
    config.learning_rate * (0.05 + 0.95 * cosine)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(learning_rate: f64, epochs: usize) -> TrainConfig {
        TrainConfig {
            learning_rate,
            epochs,
            ..TrainConfig::default()
        }
    }

    #[test]
    fn cosine_runs_from_the_rate_to_five_percent() {
        let c = config(0.1, 2);
        assert_eq!(cosine_learning_rate(&c, 0, 10), 0.1);
        assert!((cosine_learning_rate(&c, 10, 10) - 0.1 * 0.525).abs() < 1e-12);
        assert!((cosine_learning_rate(&c, 20, 10) - 0.005).abs() < 1e-12);
        // Past the budget it stays at the floor.
        assert!((cosine_learning_rate(&c, 50, 10) - 0.005).abs() < 1e-12);
        // No steps at all: no division by zero.
        assert!(cosine_learning_rate(&c, 0, 0).is_finite());
    }

    #[test]
    fn a_factor_scales_either_schedule() {
        let c = config(0.2, 4);
        for step in [0, 7, 40] {
            let cosine = cosine_learning_rate(&c, step, 10);
            assert_eq!(learning_rate(Schedule::Cosine, &c, step, 10, 1.0), cosine);
            assert_eq!(
                learning_rate(Schedule::Cosine, &c, step, 10, 0.1),
                cosine * 0.1
            );
            assert_eq!(
                learning_rate(Schedule::Constant, &c, step, 10, 0.2),
                0.2 * 0.2
            );
        }
    }

    #[test]
    fn a_larger_budget_stretches_the_schedule() {
        let short = config(1.0, 2);
        let long = config(1.0, 4);
        assert!(cosine_learning_rate(&long, 15, 10) > cosine_learning_rate(&short, 15, 10));
    }
}
