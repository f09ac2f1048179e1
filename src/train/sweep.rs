//! Sweeps: one or two settings of a training run, each given a list or a range of values,
//! and the runs they make (every combination, the first setting's values outermost).
//!
//! A setting is named by its short key ([`keys`]: `lr`, `batch`, `epochs`, `seed`, `model`,
//! …, or the config field's own name) and given values as `KEY=VALUES`, where `VALUES` is
//! a comma-separated list of values and ranges:
//! - a value: `lr=1e-3,3e-3,1e-2`, `batch=32,64`, `model=convnet,resnet`, `flip=on,off`;
//! - a range `FROM..TOxN`: `N` values from `FROM` to `TO`, log-spaced (geometric) when both
//!   ends are above zero, evenly spaced otherwise; whole-number settings round them and
//!   drop repeats (`lr=1e-4..1e-2x3` is `1e-4,1e-3,1e-2`; `batch=16..128x4` is
//!   `16,32,64,128`).
//!
//! A value is put into the [`TrainConfig`] through its JSON form (the field set, the config
//! read back), then the whole config is checked as a run would check it
//! ([`limits::check_train_config`]): a value the field cannot hold or out of range is an
//! error naming the key and the value.

use std::time::SystemTime;

use clap::ValueEnum;
use serde_json::Value;

use crate::core::limits::{self, OutOfRange};
use crate::core::protocol::{ModelKind, OptimizerKind, SweepSetting, SweepTag, TrainConfig};
use crate::train::run_folder::utc_stamp;

/// The most settings one sweep varies.
pub const MAX_SETTINGS: usize = 2;

/// The most runs one sweep makes.
pub const MAX_RUNS: usize = 100;

/// The most values one range gives.
const MAX_RANGE_VALUES: usize = 100;

/// What values a setting takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A number (ranges log-spaced).
    Float,
    /// A whole number (ranges rounded).
    Int,
    /// On or off.
    Bool,
    /// A network, as `--model` names it.
    Model,
    /// An optimizer, as `--optimizer` names it.
    Optimizer,
}

impl Kind {
    /// What a value of this kind looks like, for errors.
    fn expected(self) -> &'static str {
        match self {
            Kind::Float => "a number",
            Kind::Int => "a whole number",
            Kind::Bool => "on or off",
            Kind::Model => "a model (convnet, resnet, mobilenet_v2)",
            Kind::Optimizer => "an optimizer (sgd, adam)",
        }
    }
}

/// A setting a sweep can vary: its names (the short one first) and where it is in the
/// config's JSON form.
#[derive(Debug, PartialEq, Eq)]
struct Key {
    names: &'static [&'static str],
    path: &'static [&'static str],
    kind: Kind,
}

const KEYS: &[Key] = &[
    Key {
        names: &["lr", "learning_rate"],
        path: &["learning_rate"],
        kind: Kind::Float,
    },
    Key {
        names: &["batch", "batch_size"],
        path: &["batch_size"],
        kind: Kind::Int,
    },
    Key {
        names: &["epochs"],
        path: &["epochs"],
        kind: Kind::Int,
    },
    Key {
        names: &["seed"],
        path: &["seed"],
        kind: Kind::Int,
    },
    Key {
        names: &["model"],
        path: &["model"],
        kind: Kind::Model,
    },
    Key {
        names: &["optimizer"],
        path: &["optimizer"],
        kind: Kind::Optimizer,
    },
    Key {
        names: &["image_size"],
        path: &["image_size"],
        kind: Kind::Int,
    },
    Key {
        names: &["val_fraction"],
        path: &["val_fraction"],
        kind: Kind::Float,
    },
    Key {
        names: &["count"],
        path: &["data", "Shapes", "count"],
        kind: Kind::Int,
    },
    Key {
        names: &["augment"],
        path: &["augment"],
        kind: Kind::Bool,
    },
    Key {
        names: &["flip"],
        path: &["flip"],
        kind: Kind::Bool,
    },
    Key {
        names: &["unet_width"],
        path: &["unet_width"],
        kind: Kind::Int,
    },
    Key {
        names: &["freeze_backbone"],
        path: &["transfer", "freeze_backbone"],
        kind: Kind::Bool,
    },
    Key {
        names: &["unfreeze_last"],
        path: &["transfer", "unfreeze_last"],
        kind: Kind::Int,
    },
    Key {
        names: &["unfreeze_after"],
        path: &["transfer", "unfreeze_after"],
        kind: Kind::Int,
    },
    Key {
        names: &["unfreeze_lr_factor"],
        path: &["transfer", "unfreeze_lr_factor"],
        kind: Kind::Float,
    },
];

/// Example values for the setting named `key` (a hint for its values field): a list, and a
/// range where the setting has one.
pub fn example_values(key: &str) -> &'static str {
    let kind = KEYS
        .iter()
        .find(|k| k.names.contains(&key))
        .map(|k| (k.kind, k.names[0]));
    match kind {
        Some((_, "lr")) => "1e-3,3e-3 or 1e-4..1e-2x3",
        Some((_, "batch")) => "16,32,64 or 16..128x4",
        Some((_, "seed")) => "1,2,3",
        Some((_, "val_fraction")) => "0.1,0.2",
        Some((_, "unfreeze_lr_factor")) => "0.1,0.3,1",
        Some((Kind::Int, _)) => "2,4,8 or 2..32x5",
        Some((Kind::Float, _)) => "0.1,0.5 or 0.01..1x3",
        Some((Kind::Bool, _)) => "on,off",
        Some((Kind::Model, _)) => "convnet,resnet",
        Some((Kind::Optimizer, _)) => "sgd,adam",
        None => "a,b,c",
    }
}

/// The short names of the settings a sweep can vary, in the order they are offered.
pub fn keys() -> Vec<&'static str> {
    KEYS.iter().map(|key| key.names[0]).collect()
}

fn known_keys() -> String {
    keys().join(", ")
}

/// Why a sweep cannot be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SweepError {
    /// Not `KEY=VALUES`.
    #[error("`{0}` is not KEY=VALUES (for example lr=1e-3,3e-3 or lr=1e-4..1e-2x3)")]
    Syntax(String),
    /// A key that names no setting.
    #[error("unknown setting `{key}`: a sweep can vary {known}")]
    UnknownKey {
        /// The key as given.
        key: String,
        /// The keys a sweep knows.
        known: String,
    },
    /// A value the setting cannot take.
    #[error("{key}: `{value}` is not {expected}")]
    BadValue {
        /// The setting's short name.
        key: String,
        /// The value as given.
        value: String,
        /// What a value looks like.
        expected: &'static str,
    },
    /// A range that cannot be read.
    #[error(
        "{key}: `{range}` is not a range FROM..TOxN with N from 2 to {MAX_RANGE_VALUES} \
         (for example 1e-4..1e-2x3){why}"
    )]
    BadRange {
        /// The setting's short name.
        key: String,
        /// The range as given.
        range: String,
        /// More on what is wrong ("" when nothing).
        why: String,
    },
    /// A setting given no values.
    #[error("{0}: no values (give a list like 1,2 or a range like 1..8x4)")]
    NoValues(String),
    /// A setting the run's config does not have.
    #[error("{key} cannot be varied here: {why}")]
    NotApplicable {
        /// The setting's short name.
        key: String,
        /// Why.
        why: String,
    },
    /// The same setting twice.
    #[error("{0} is given twice: a sweep varies two different settings")]
    Twice(String),
    /// No settings, or more than [`MAX_SETTINGS`].
    #[error("a sweep varies one or two settings, not {0}")]
    Settings(usize),
    /// More than [`MAX_RUNS`] runs.
    #[error("{0} runs are too many for one sweep (at most {MAX_RUNS})")]
    TooMany(usize),
    /// A run whose config is out of range.
    #[error("{label}: {source}")]
    OutOfRange {
        /// The run's settings (`lr=3e-3 batch=32`).
        label: String,
        /// What is out of range.
        source: OutOfRange,
    },
}

/// One setting of a sweep and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    key: &'static Key,
    /// Each value as shown, and as put into the config's JSON.
    values: Vec<(String, Value)>,
}

impl Axis {
    /// Reads `KEY=VALUES` (see the module's documentation).
    ///
    /// # Errors
    /// A [`SweepError`] naming the key or value that cannot be read.
    pub fn parse(text: &str) -> Result<Self, SweepError> {
        let (key, values) = text
            .split_once('=')
            .ok_or_else(|| SweepError::Syntax(text.to_string()))?;
        Self::new(key, values)
    }

    /// The setting `key` with the values `values` (a list of values and ranges).
    ///
    /// # Errors
    /// A [`SweepError`] naming the key or value that cannot be read.
    pub fn new(key: &str, values: &str) -> Result<Self, SweepError> {
        let key = key.trim();
        let found = KEYS
            .iter()
            .find(|k| k.names.contains(&key))
            .ok_or_else(|| SweepError::UnknownKey {
                key: key.to_string(),
                known: known_keys(),
            })?;
        let mut parsed = Vec::new();
        for item in values.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            match item.split_once("..") {
                Some((from, rest)) => parsed.extend(range(found, item, from, rest)?),
                None => parsed.push(value(found, item)?),
            }
        }
        if parsed.is_empty() {
            return Err(SweepError::NoValues(found.names[0].to_string()));
        }
        Ok(Axis {
            key: found,
            values: parsed,
        })
    }

    /// The setting's short name (`lr`).
    pub fn key(&self) -> &'static str {
        self.key.names[0]
    }

    /// How many values it takes.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether it takes no values (never, once made).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Its values as shown.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(|(shown, _)| shown.as_str())
    }
}

/// One value of `key`, as shown and as JSON.
fn value(key: &Key, item: &str) -> Result<(String, Value), SweepError> {
    let bad = || SweepError::BadValue {
        key: key.names[0].to_string(),
        value: item.to_string(),
        expected: key.kind.expected(),
    };
    let json = match key.kind {
        Kind::Float => {
            let number: f64 = item.parse().map_err(|_| bad())?;
            serde_json::Number::from_f64(number)
                .map(Value::Number)
                .ok_or_else(bad)?
        }
        Kind::Int => Value::from(item.parse::<u64>().map_err(|_| bad())?),
        Kind::Bool => Value::Bool(match item.to_ascii_lowercase().as_str() {
            "on" | "true" | "yes" | "1" => true,
            "off" | "false" | "no" | "0" => false,
            _ => return Err(bad()),
        }),
        Kind::Model => {
            let model = ModelKind::from_str(item, true).map_err(|_| bad())?;
            serde_json::to_value(model).map_err(|_| bad())?
        }
        Kind::Optimizer => {
            let optimizer = OptimizerKind::from_str(item, true).map_err(|_| bad())?;
            serde_json::to_value(optimizer).map_err(|_| bad())?
        }
    };
    Ok((item.to_string(), json))
}

/// The values of the range `item` (`from..{rest}`, rest being `TOxN`).
fn range(
    key: &Key,
    item: &str,
    from: &str,
    rest: &str,
) -> Result<Vec<(String, Value)>, SweepError> {
    let bad = |why: &str| SweepError::BadRange {
        key: key.names[0].to_string(),
        range: item.to_string(),
        why: why.to_string(),
    };
    if !matches!(key.kind, Kind::Float | Kind::Int) {
        return Err(bad(&format!(
            "; {} takes a list, not a range",
            key.names[0]
        )));
    }
    let (to, n) = rest.rsplit_once(['x', 'X']).ok_or_else(|| bad(""))?;
    let n: usize = n.trim().parse().map_err(|_| bad(""))?;
    if !(2..=MAX_RANGE_VALUES).contains(&n) {
        return Err(bad(""));
    }
    let end = |text: &str| -> Result<f64, SweepError> {
        let number: f64 = text.trim().parse().map_err(|_| bad(""))?;
        if !number.is_finite() || (key.kind == Kind::Int && number < 0.0) {
            return Err(bad(""));
        }
        Ok(number)
    };
    let (from, to) = (end(from)?, end(to)?);
    let geometric = from > 0.0 && to > 0.0;
    let mut values: Vec<(String, Value)> = Vec::new();
    for i in 0..n {
        let t = i as f64 / (n - 1) as f64;
        let x = if geometric {
            from * (to / from).powf(t)
        } else {
            from + (to - from) * t
        };
        let shown = match key.kind {
            Kind::Int => format!("{}", x.round() as u64),
            _ => short(x),
        };
        if values.iter().all(|(s, _)| *s != shown) {
            values.push(value(key, &shown)?);
        }
    }
    Ok(values)
}

/// `x` to three significant digits, short: `0.05`, `3.16e-3`, `1e-4`, `250`.
fn short(x: f64) -> String {
    let scientific = format!("{x:.2e}");
    let Ok(rounded) = scientific.parse::<f64>() else {
        return scientific;
    };
    if rounded == 0.0 || (1e-2..1e4).contains(&rounded.abs()) {
        return format!("{rounded}");
    }
    match scientific.split_once('e') {
        Some((mantissa, exponent)) => {
            let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
            format!("{mantissa}e{exponent}")
        }
        None => scientific,
    }
}

/// One run of a sweep: its config (tagged with the sweep) and its settings in a line.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRun {
    /// The run's config: the base with the sweep's values, and its [`SweepTag`].
    pub config: TrainConfig,
    /// Its settings: `lr=3e-3 batch=32`.
    pub label: String,
}

/// A new sweep's id: `sweep-YYYYMMDD-HHMMSS` (UTC) of `now`.
pub fn new_id(now: SystemTime) -> String {
    format!("sweep-{}", utc_stamp(now))
}

/// The number of runs `axes` make (their values multiplied), without checking them.
pub fn count(axes: &[Axis]) -> usize {
    axes.iter().map(Axis::len).product()
}

/// The runs of the sweep `id` over `axes` from `base`: every combination of the values,
/// the first setting's outermost, each config checked as a run checks it and tagged
/// ([`TrainConfig::sweep`]).
///
/// # Errors
/// A [`SweepError`]: no setting or more than two, one given twice, more than [`MAX_RUNS`]
/// runs, a value the config cannot take or one out of range.
pub fn plan(base: &TrainConfig, axes: &[Axis], id: &str) -> Result<Vec<SweepRun>, SweepError> {
    if axes.is_empty() || axes.len() > MAX_SETTINGS {
        return Err(SweepError::Settings(axes.len()));
    }
    if let [a, b] = axes
        && a.key == b.key
    {
        return Err(SweepError::Twice(a.key().to_string()));
    }
    let total = count(axes);
    if total > MAX_RUNS {
        return Err(SweepError::TooMany(total));
    }
    let mut combinations: Vec<Vec<(&Axis, usize)>> = vec![Vec::new()];
    for axis in axes {
        combinations = combinations
            .into_iter()
            .flat_map(|done| {
                (0..axis.len()).map(move |i| {
                    let mut more = done.clone();
                    more.push((axis, i));
                    more
                })
            })
            .collect();
    }
    let base_json = serde_json::to_value(base).map_err(|e| SweepError::NotApplicable {
        key: axes[0].key().to_string(),
        why: e.to_string(),
    })?;
    combinations
        .into_iter()
        .enumerate()
        .map(|(i, combination)| {
            let settings: Vec<SweepSetting> = combination
                .iter()
                .map(|(axis, v)| SweepSetting {
                    key: axis.key().to_string(),
                    value: axis.values[*v].0.clone(),
                })
                .collect();
            let tag = SweepTag {
                id: id.to_string(),
                index: i + 1,
                total,
                settings,
            };
            let label = tag.label();
            let mut json = base_json.clone();
            for (axis, v) in &combination {
                set(&mut json, axis, *v)?;
            }
            let mut config: TrainConfig =
                serde_json::from_value(json).map_err(|e| SweepError::NotApplicable {
                    key: label.clone(),
                    why: e.to_string(),
                })?;
            limits::check_train_config(&config).map_err(|source| SweepError::OutOfRange {
                label: label.clone(),
                source,
            })?;
            config.sweep = Some(tag);
            Ok(SweepRun { config, label })
        })
        .collect()
}

/// Puts value `v` of `axis` into the config's JSON form.
fn set(json: &mut Value, axis: &Axis, v: usize) -> Result<(), SweepError> {
    let (shown, value) = &axis.values[v];
    let (last, parents) = axis
        .key
        .path
        .split_last()
        .expect("every key has a path (KEYS)");
    let mut at = json;
    for part in parents {
        at = at.get_mut(part).ok_or_else(|| SweepError::NotApplicable {
            key: axis.key().to_string(),
            why: match *part {
                "Shapes" => "the data is not the built-in shapes".into(),
                _ => format!("the config has no {part}"),
            },
        })?;
    }
    let Some(object) = at.as_object_mut() else {
        return Err(SweepError::NotApplicable {
            key: axis.key().to_string(),
            why: format!("{shown} has nowhere to go"),
        });
    };
    object.insert((*last).to_string(), value.clone());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::DataSpec;

    fn shown(axis: &Axis) -> Vec<&str> {
        axis.values().collect()
    }

    #[test]
    fn lists_and_ranges_read() {
        assert_eq!(
            shown(&Axis::parse("lr=1e-3, 3e-3,1e-2").unwrap()),
            ["1e-3", "3e-3", "1e-2"]
        );
        assert_eq!(
            shown(&Axis::parse("lr=1e-4..1e-2x3").unwrap()),
            ["1e-4", "1e-3", "0.01"]
        );
        assert_eq!(
            shown(&Axis::parse("learning_rate=1e-4..1e-3 x3").unwrap()),
            ["1e-4", "3.16e-4", "1e-3"]
        );
        assert_eq!(
            shown(&Axis::parse("batch=16..128x4").unwrap()),
            ["16", "32", "64", "128"]
        );
        assert_eq!(
            shown(&Axis::parse("seed=0..3x4").unwrap()),
            ["0", "1", "2", "3"]
        );
        assert_eq!(shown(&Axis::parse("epochs=1..2x5").unwrap()), ["1", "2"]);
        assert_eq!(
            shown(&Axis::parse("model=convnet,ResNet").unwrap()),
            ["convnet", "ResNet"]
        );
        let axis = Axis::parse("flip=on,off").unwrap();
        assert_eq!((axis.key(), axis.len()), ("flip", 2));
    }

    #[test]
    fn bad_keys_and_values_are_named() {
        let unknown = Axis::parse("momentum=0.9").unwrap_err();
        assert!(matches!(&unknown, SweepError::UnknownKey { key, .. } if key == "momentum"));
        let message = unknown.to_string();
        assert!(message.contains("lr, batch, epochs"), "{message}");
        assert_eq!(
            Axis::parse("batch=32,3.5").unwrap_err(),
            SweepError::BadValue {
                key: "batch".into(),
                value: "3.5".into(),
                expected: "a whole number"
            }
        );
        assert!(matches!(
            Axis::parse("model=vgg").unwrap_err(),
            SweepError::BadValue { key, value, .. } if key == "model" && value == "vgg"
        ));
        assert!(matches!(Axis::parse("lr"), Err(SweepError::Syntax(_))));
        assert!(matches!(
            Axis::parse("lr= , "),
            Err(SweepError::NoValues(_))
        ));
        for range in [
            "lr=1..2",
            "lr=1..2x1",
            "lr=1..x3",
            "flip=0..1x2",
            "lr=1..2x999",
        ] {
            assert!(
                matches!(Axis::parse(range), Err(SweepError::BadRange { .. })),
                "{range}"
            );
        }
    }

    #[test]
    fn every_settings_example_reads() {
        for key in keys() {
            for example in example_values(key).split(" or ") {
                assert!(
                    Axis::parse(&format!("{key}={example}")).is_ok(),
                    "{key}={example}"
                );
            }
        }
    }

    #[test]
    fn a_plan_is_every_combination_tagged() {
        let base = TrainConfig::default();
        let axes = [
            Axis::parse("lr=1e-3,3e-3").unwrap(),
            Axis::parse("batch=32,64").unwrap(),
        ];
        let runs = plan(&base, &axes, "sweep-1").unwrap();
        let labels: Vec<&str> = runs.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "lr=1e-3 batch=32",
                "lr=1e-3 batch=64",
                "lr=3e-3 batch=32",
                "lr=3e-3 batch=64"
            ]
        );
        let third = &runs[2].config;
        assert_eq!((third.learning_rate, third.batch_size), (3e-3, 32));
        assert_eq!(third.epochs, base.epochs);
        let tag = third.sweep.as_ref().unwrap();
        assert_eq!((tag.id.as_str(), tag.index, tag.total), ("sweep-1", 3, 4));
        assert_eq!(tag.settings[1].key, "batch");
        assert_eq!(tag.label(), "lr=3e-3 batch=32");
    }

    #[test]
    fn nested_and_enum_settings_reach_the_config() {
        let base = TrainConfig::default();
        let axes = [
            Axis::parse("model=resnet").unwrap(),
            Axis::parse("count=200").unwrap(),
        ];
        let run = &plan(&base, &axes, "s").unwrap()[0];
        assert_eq!(run.config.model, ModelKind::ResNet);
        assert!(matches!(
            run.config.data,
            DataSpec::Shapes { count: 200, .. }
        ));
        let axes = [Axis::parse("freeze_backbone=off").unwrap()];
        let run = &plan(&base, &axes, "s").unwrap()[0];
        assert!(!run.config.transfer.freeze_backbone);
        let axes = [Axis::parse("image_size=32").unwrap()];
        assert_eq!(
            plan(&base, &axes, "s").unwrap()[0].config.image_size,
            Some(32)
        );
    }

    #[test]
    fn bad_plans_are_refused() {
        let base = TrainConfig::default();
        let lr = || Axis::parse("lr=1e-3,1e-2").unwrap();
        assert_eq!(plan(&base, &[], "s"), Err(SweepError::Settings(0)));
        assert_eq!(
            plan(&base, &[lr(), lr(), lr()], "s"),
            Err(SweepError::Settings(3))
        );
        let alias = Axis::parse("learning_rate=1").unwrap();
        assert_eq!(
            plan(&base, &[lr(), alias], "s"),
            Err(SweepError::Twice("lr".into()))
        );
        let big = [
            Axis::parse("seed=0..19x20").unwrap(),
            Axis::parse("epochs=0..19x20").unwrap(),
        ];
        assert_eq!(plan(&base, &big, "s"), Err(SweepError::TooMany(400)));
        let out = plan(&base, &[Axis::parse("lr=1e-3,50").unwrap()], "s").unwrap_err();
        assert!(matches!(&out, SweepError::OutOfRange { label, .. } if label == "lr=50"));
        assert!(out.to_string().contains("--lr 50 "), "{out}");
        let folder = TrainConfig {
            data: DataSpec::Folder("/data".into()),
            ..base
        };
        let not_shapes = plan(&folder, &[Axis::parse("count=100").unwrap()], "s");
        assert!(matches!(not_shapes, Err(SweepError::NotApplicable { .. })));
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short(1e-4), "1e-4");
        assert_eq!(short(3.1622776e-4), "3.16e-4");
        assert_eq!(short(0.05), "0.05");
        assert_eq!(short(250.0), "250");
        assert_eq!(short(0.0), "0");
        assert_eq!(new_id(SystemTime::UNIX_EPOCH), "sweep-19700101-000000");
    }
}
