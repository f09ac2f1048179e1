//! The busy-machine rule: a ratio to a peer is only worth reporting from a quiet machine
//! whose figures repeat.
//!
//! - The 1-minute load average is read at the start (`/proc/loadavg`; elsewhere it is
//!   "unknown" and the bench goes on). Above [`MAX_LOAD_PER_CORE`] per core the bench still
//!   measures, once, but every ratio is refused ("busy: load 1.80 on 2 cores").
//! - Otherwise each row with a peer measures ours and the peer, and again, up to
//!   [`MAX_RUNS`] times, until two consecutive figures of ours agree within [`AGREEMENT`];
//!   the row reports the last pair, and says so when they never agreed.
//!
//! The decisions are pure functions ([`parse_loadavg`], [`refusal`], [`agree`],
//! [`repeat_until_agree`]); only [`Load::read`] looks at the machine.

/// Most 1-minute load average per core at the start for ratios to be reported.
pub const MAX_LOAD_PER_CORE: f64 = 0.5;

/// Two consecutive figures agree when they differ by at most this fraction of the larger.
pub const AGREEMENT: f64 = 0.10;

/// Most measurements of a row with a peer (ours and the peer each time).
pub const MAX_RUNS: usize = 3;

/// The 1-minute load average: the first field of `/proc/loadavg`
/// (`"1.62 1.48 1.51 3/412 12345"` → 1.62).
pub fn parse_loadavg(text: &str) -> Option<f64> {
    let load = text.split_whitespace().next()?.parse::<f64>().ok()?;
    (load.is_finite() && load >= 0.0).then_some(load)
}

/// Why ratios are refused: `Some("busy: load 1.80 on 2 cores")` when the load at the
/// start is above [`MAX_LOAD_PER_CORE`] per core; `None` when the machine is quiet enough
/// or the load is unknown.
pub fn refusal(load: Option<f64>, cores: usize) -> Option<String> {
    let load = load?;
    let cores = cores.max(1);
    (load > MAX_LOAD_PER_CORE * cores as f64).then(|| {
        let plural = if cores == 1 { "" } else { "s" };
        format!("busy: load {load:.2} on {cores} core{plural}")
    })
}

/// The machine at the start of the bench.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Load {
    /// The 1-minute load average; `None` where it cannot be read (no `/proc/loadavg`).
    pub one_minute: Option<f64>,
    /// Cores this process may use.
    pub cores: usize,
}

impl Load {
    /// Reads the load average and the core count.
    pub fn read() -> Self {
        Load {
            one_minute: std::fs::read_to_string("/proc/loadavg")
                .ok()
                .as_deref()
                .and_then(parse_loadavg),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }

    /// Why ratios are refused ([`refusal`]).
    pub fn refusal(&self) -> Option<String> {
        refusal(self.one_minute, self.cores)
    }

    /// `"load average at start: 1.62 on 2 cores"`, or `"… unknown …"`.
    pub fn describe(&self) -> String {
        let load = self
            .one_minute
            .map_or_else(|| "unknown".to_string(), |l| format!("{l:.2}"));
        format!("load average at start: {load} on {} cores", self.cores)
    }
}

/// Whether two measurements agree within [`AGREEMENT`]: each pair of figures (a row may
/// have several, e.g. the two style timings) differs by at most 10 % of the larger.
pub fn agree(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(&x, &y)| {
            x.is_finite() && y.is_finite() && (x - y).abs() <= AGREEMENT * x.abs().max(y.abs())
        })
}

/// The outcome of [`repeat_until_agree`].
#[derive(Clone, Debug, PartialEq)]
pub struct Repeated<T> {
    /// The last measurement (ours and the peer's).
    pub last: T,
    /// Our figures of each run, in order.
    pub ours: Vec<Vec<f64>>,
    /// Whether the last two runs agreed.
    pub agreed: bool,
}

impl<T> Repeated<T> {
    /// A note for the row when the runs never agreed:
    /// `"ours never agreed within 10 % in 3 runs: 120, 95, 140"`.
    pub fn note(&self) -> Option<String> {
        if self.agreed || self.ours.len() < 2 {
            return None;
        }
        let figures: Vec<String> = self
            .ours
            .iter()
            .map(|run| {
                // One decimal at most: "95.3", "120".
                run.iter()
                    .map(|f| format!("{}", (f * 10.0).round() / 10.0))
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect();
        Some(format!(
            "ours never agreed within {:.0} % in {} runs: {}",
            AGREEMENT * 100.0,
            self.ours.len(),
            figures.join(", ")
        ))
    }
}

/// Measures (`measure` gives ours and the peer together) until two consecutive figures of
/// ours agree ([`agree`]), at most `max_runs` times; `once` measures a single time (a busy
/// machine, whose ratios are refused anyway, or a row whose peer did not run).
/// `ours` picks our figures out of a measurement.
pub fn repeat_until_agree<T, E>(
    max_runs: usize,
    mut measure: impl FnMut() -> Result<T, E>,
    ours: impl Fn(&T) -> Vec<f64>,
    once: impl Fn(&T) -> bool,
) -> Result<Repeated<T>, E> {
    let first = measure()?;
    let mut figures = vec![ours(&first)];
    let mut last = first;
    let mut agreed = false;
    while !once(&last) && figures.len() < max_runs.max(1) {
        let next = measure()?;
        let now = ours(&next);
        agreed = agree(&figures[figures.len() - 1], &now);
        figures.push(now);
        last = next;
        if agreed {
            break;
        }
    }
    Ok(Repeated {
        last,
        ours: figures,
        agreed,
    })
}

/// A row's figures: ours, the peer's (when it ran), and a note when our runs never agreed.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    /// Our figure of the last run.
    pub ours: f64,
    /// The peer's name and figure of the last run.
    pub peer: Option<(String, f64)>,
    /// [`Repeated::note`].
    pub note: Option<String>,
}

/// Measures ours, then the peer, as the rule says: once when `repeats` is false (a busy
/// machine) or the peer did not run, else until two consecutive figures of ours agree.
pub fn measure_with_peer(
    repeats: bool,
    mut ours: impl FnMut() -> anyhow::Result<f64>,
    mut peer: impl FnMut() -> Option<(String, f64)>,
) -> anyhow::Result<Measured> {
    let repeated = repeat_until_agree(
        MAX_RUNS,
        || -> anyhow::Result<(f64, Option<(String, f64)>)> { Ok((ours()?, peer())) },
        |(ours, _)| vec![*ours],
        |(_, peer)| !repeats || peer.is_none(),
    )?;
    let note = repeated.note();
    let (ours, peer) = repeated.last;
    Ok(Measured { ours, peer, note })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_one_minute_load() {
        assert_eq!(parse_loadavg("1.62 1.48 1.51 3/412 12345\n"), Some(1.62));
        assert_eq!(parse_loadavg("0.00 0.01 0.05 1/80 7"), Some(0.0));
        assert_eq!(parse_loadavg(""), None);
        assert_eq!(parse_loadavg("busy 1 2"), None);
        assert_eq!(parse_loadavg("-1 0 0"), None);
        assert_eq!(parse_loadavg("NaN 0 0"), None);
    }

    #[test]
    fn refuses_above_half_a_core() {
        assert_eq!(
            refusal(Some(1.8), 2).as_deref(),
            Some("busy: load 1.80 on 2 cores")
        );
        assert_eq!(
            refusal(Some(0.6), 1).as_deref(),
            Some("busy: load 0.60 on 1 core")
        );
        // At the limit (0.5 per core) and below: measured and reported.
        assert_eq!(refusal(Some(1.0), 2), None);
        assert_eq!(refusal(Some(0.2), 2), None);
        assert_eq!(refusal(Some(3.9), 8), None);
        // Unknown load: the bench goes on.
        assert_eq!(refusal(None, 2), None);
        // A core count of 0 counts as one.
        assert!(refusal(Some(0.6), 0).is_some());
        let load = Load {
            one_minute: None,
            cores: 4,
        };
        assert_eq!(load.describe(), "load average at start: unknown on 4 cores");
        assert_eq!(load.refusal(), None);
    }

    #[test]
    fn agreement_is_ten_percent_of_the_larger() {
        assert!(agree(&[100.0], &[100.0]));
        assert!(agree(&[100.0], &[90.0]));
        assert!(agree(&[90.0], &[100.0]));
        assert!(!agree(&[100.0], &[89.0]));
        assert!(agree(&[100.0, 20.0], &[95.0, 21.0]));
        assert!(!agree(&[100.0, 20.0], &[95.0, 30.0]));
        assert!(!agree(&[100.0], &[f64::NAN]));
        assert!(!agree(&[100.0], &[100.0, 1.0]));
    }

    /// Runs a canned sequence of (ours, peer) measurements.
    fn canned(figures: &[f64], once: bool) -> Repeated<(f64, f64)> {
        let mut next = figures.iter().copied();
        repeat_until_agree::<_, ()>(
            MAX_RUNS,
            || Ok((next.next().expect("no more canned figures"), 50.0)),
            |&(ours, _)| vec![ours],
            |_| once,
        )
        .unwrap()
    }

    #[test]
    fn repeats_until_two_consecutive_runs_agree() {
        // Two runs that agree: done after two, the last pair reported.
        let two = canned(&[100.0, 95.0, 1.0], false);
        assert_eq!(two.ours, vec![vec![100.0], vec![95.0]]);
        assert!(two.agreed);
        assert_eq!(two.last, (95.0, 50.0));
        assert_eq!(two.note(), None);
        // The second disagrees with the first, the third agrees with the second.
        let three = canned(&[60.0, 100.0, 105.0], false);
        assert_eq!(three.ours.len(), 3);
        assert!(three.agreed);
        assert_eq!(three.last.0, 105.0);
        // Never two in a row: stops at three and says so.
        let never = canned(&[60.0, 100.0, 130.0, 131.0], false);
        assert_eq!(never.ours.len(), MAX_RUNS);
        assert!(!never.agreed);
        assert_eq!(never.last.0, 130.0);
        let note = never.note().unwrap();
        assert!(
            note.contains("never agreed") && note.contains("in 3 runs: 60, 100, 130"),
            "{note}"
        );
        // Measured once (busy machine, or no peer): no repetition, no note.
        let once = canned(&[60.0], true);
        assert_eq!(once.ours, vec![vec![60.0]]);
        assert_eq!(once.note(), None);
    }

    #[test]
    fn a_failed_measurement_stops_the_repetition() {
        let mut calls = 0;
        let result = repeat_until_agree(
            MAX_RUNS,
            || {
                calls += 1;
                if calls == 2 { Err("failed") } else { Ok(1.0) }
            },
            |&x: &f64| vec![x],
            |_| false,
        );
        assert_eq!(result, Err("failed"));
    }
}
