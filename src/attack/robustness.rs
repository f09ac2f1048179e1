//! Robustness curves: accuracy on the validation split against ε, for FGSM and PGD, point
//! by point (so a plot can grow while it is computed), cancellable between batches.

use crate::core::job;
use anyhow::bail;

use crate::attack::{Attacker, Pixels};
use crate::core::job::{JobHandle, Waker};
use crate::core::protocol::{
    AttackMethod, AttackSettings, Event, FinishReason, LabEvent, RobustnessConfig, RobustnessPoint,
};
use crate::core::{control, device};
use crate::data::LabeledImage;
use crate::tasks::classify::{self, Trained};

/// How the curve computation ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// Points measured, in the order they were measured (ε outer, method inner).
    pub points: Vec<RobustnessPoint>,
    /// False when `keep_going` asked to stop before the end.
    pub completed: bool,
}

/// Measures the accuracy of `attacker` on `items` for every (ε, method) pair.
///
/// `on_point` is called as each point is done; `keep_going(done, total)` after every batch
/// (units are batches over all pairs) and a false answer ends the computation early.
#[allow(clippy::too_many_arguments)]
pub fn curve(
    attacker: &Attacker,
    items: &[LabeledImage],
    methods: &[AttackMethod],
    epsilons: &[f32],
    steps: usize,
    step_size: Option<f32>,
    batch_size: usize,
    mut on_point: impl FnMut(RobustnessPoint),
    mut keep_going: impl FnMut(usize, usize) -> bool,
) -> anyhow::Result<Curve> {
    let batch_size = batch_size.max(1);
    let batches = items.len().div_ceil(batch_size);
    let total = batches * methods.len() * epsilons.len();
    let mut done = 0;
    let mut points = Vec::new();
    for &eps in epsilons {
        for &method in methods {
            let settings = AttackSettings {
                method,
                eps,
                steps,
                step_size,
                target: None,
            };
            let mut correct = 0;
            for chunk in items.chunks(batch_size) {
                let pixels = Pixels::from_images(chunk.iter().map(|i| &i.image), attacker.input());
                let labels: Vec<usize> = chunk.iter().map(|i| i.label).collect();
                let adversarial = attacker.attack(&pixels, &labels, &settings)?;
                correct += attacker
                    .predict(&adversarial)?
                    .iter()
                    .zip(&labels)
                    .filter(|(p, t)| p == t)
                    .count();
                done += 1;
                if !keep_going(done, total) {
                    return Ok(Curve {
                        points,
                        completed: false,
                    });
                }
            }
            let point = RobustnessPoint {
                method,
                eps,
                accuracy: if items.is_empty() {
                    0.0
                } else {
                    correct as f32 / items.len() as f32
                },
                images: items.len(),
            };
            on_point(point);
            points.push(point);
        }
    }
    Ok(Curve {
        points,
        completed: true,
    })
}

/// Up to `max` items spread evenly over `items` (all of them when `max` is `None`).
pub fn subset(items: Vec<LabeledImage>, max: Option<usize>) -> Vec<LabeledImage> {
    match max {
        Some(k) if k < items.len() => {
            let n = items.len();
            (0..k).map(|i| items[i * n / k].clone()).collect()
        }
        _ => items,
    }
}

/// Parses a comma-separated list of ε values ("0,0.01,0.05") on the 0..1 scale; values
/// written as `N/255` are divided.
pub fn parse_epsilons(text: &str) -> anyhow::Result<Vec<f32>> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let value = match part.split_once('/') {
            Some((a, b)) => {
                let (a, b): (f32, f32) = (a.trim().parse()?, b.trim().parse()?);
                a / b
            }
            None => part
                .parse::<f32>()
                .map_err(|e| anyhow::anyhow!("{part:?} is not a number: {e}"))?,
        };
        if !(0.0..=1.0).contains(&value) {
            bail!("ε {part} is outside 0..1 (pixels are on the 0..1 scale)");
        }
        out.push(value);
    }
    if out.is_empty() {
        bail!("no ε given");
    }
    Ok(out)
}

/// Computes a robustness curve on its own thread: [`LabEvent::Robustness`] per point,
/// [`LabEvent::Progress`] per batch; pause, resume and stop apply between batches.
pub fn spawn(config: RobustnessConfig, wake: Waker) -> JobHandle {
    job::spawn_job("robustness", wake, move |inbox, out| {
        let selected = device::select(config.device)?;
        out.send(Event::Device(selected.description.clone()));
        let trained = Trained::load(&config.model, &selected)?;
        let meta = &trained.checkpoint.meta;
        out.send(Event::Log(format!("Reading {}…", config.data.describe())));
        let set = classify::load_split_for(meta, &config.data, out)?;
        let items = if set.val.is_empty() {
            out.send(Event::Log(
                "the data has no validation split: attacking all images".into(),
            ));
            set.train
        } else {
            set.val
        };
        let items = subset(items, config.max_images);
        if items.is_empty() {
            bail!("{}: no images to attack", config.data.describe());
        }
        let attacker = Attacker::for_trained(&trained);
        let curve = curve(
            &attacker,
            &items,
            &config.methods,
            &config.epsilons,
            config.steps,
            config.step_size,
            config.batch_size,
            |point| out.send(Event::Lab(LabEvent::Robustness(point))),
            |done, total| {
                out.send(Event::Lab(LabEvent::Progress { done, total }));
                control::keep_going(inbox, out, done as u64)
            },
        )?;
        out.send(Event::Finished(if curve.completed {
            FinishReason::Completed
        } else {
            FinishReason::Stopped
        }));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epsilons_parse() {
        assert_eq!(parse_epsilons("0, 0.1,4/255").unwrap()[..2], [0.0, 0.1]);
        assert!((parse_epsilons("8/255").unwrap()[0] - 8.0 / 255.0).abs() < 1e-7);
        assert!(parse_epsilons("2").is_err());
        assert!(parse_epsilons("a").is_err());
        assert!(parse_epsilons("").is_err());
    }
}
