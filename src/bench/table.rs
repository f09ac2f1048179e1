//! The benchmark's table: named measurements with our figure, the peer's, the ratio and
//! the target, printed as Markdown and written as JSON.

use serde::Serialize;

/// What a row's target is.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Goal {
    /// Ours ≥ the peer's (throughput): ratio ours/peer ≥ 1.
    AtLeastPeer,
    /// Ours ≤ the peer's (time): ratio ours/peer ≤ 1 (the style-transfer rows).
    AtMostPeer,
    /// Ours below this figure.
    Below(f64),
    /// No target: shown for information.
    Info,
}

/// One measurement.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// What was measured.
    pub name: String,
    /// Unit of both figures.
    pub unit: &'static str,
    /// Our figure.
    pub ours: f64,
    /// The peer's name and figure, when one ran.
    pub peer: Option<(String, f64)>,
    /// The target.
    pub goal: Goal,
}

impl Row {
    /// A row without a peer figure.
    pub fn new(name: impl Into<String>, unit: &'static str, ours: f64, goal: Goal) -> Self {
        Row {
            name: name.into(),
            unit,
            ours,
            peer: None,
            goal,
        }
    }

    /// The same row compared with `peer`'s figure (when it ran).
    pub fn against(mut self, peer: Option<(String, f64)>) -> Self {
        self.peer = peer;
        self
    }

    /// Ours / the peer's.
    pub fn ratio(&self) -> Option<f64> {
        self.peer
            .as_ref()
            .filter(|(_, p)| *p > 0.0)
            .map(|(_, p)| self.ours / p)
    }

    /// Whether the target is met; `None` when it cannot be told (no peer, no target).
    pub fn met(&self) -> Option<bool> {
        match self.goal {
            Goal::AtLeastPeer => self.ratio().map(|r| r >= 1.0),
            Goal::AtMostPeer => self.ratio().map(|r| r <= 1.0),
            Goal::Below(limit) => Some(self.ours < limit),
            Goal::Info => None,
        }
    }

    fn target_text(&self) -> String {
        match self.goal {
            Goal::AtLeastPeer => "≥ 1.0× peer".into(),
            Goal::AtMostPeer => "≤ 1.0× peer".into(),
            Goal::Below(limit) => format!("< {} {}", number(limit), self.unit),
            Goal::Info => String::new(),
        }
    }
}

/// Figures with a sensible number of digits.
fn number(value: f64) -> String {
    if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else if value.abs() >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// The results, in the order measured.
#[derive(Debug, Default, Serialize)]
pub struct Table {
    /// The rows.
    pub rows: Vec<Row>,
}

impl Table {
    /// Adds a row and prints it at once (a long run shows progress).
    pub fn push(&mut self, row: Row) {
        eprintln!("  measured {}: {} {}", row.name, number(row.ours), row.unit);
        self.rows.push(row);
    }

    /// The table as Markdown (also readable in a terminal).
    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "| measurement | visionlab | peer | peer figure | ratio | target | met |\n|---|---|---|---|---|---|---|\n",
        );
        for row in &self.rows {
            let (peer, peer_figure) = match &row.peer {
                Some((name, value)) => (name.clone(), format!("{} {}", number(*value), row.unit)),
                None => ("-".into(), "-".into()),
            };
            let ratio = row.ratio().map_or("-".into(), |r| format!("{r:.2}×"));
            let met = match row.met() {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "-",
            };
            out.push_str(&format!(
                "| {} | {} {} | {peer} | {peer_figure} | {ratio} | {} | {met} |\n",
                row.name,
                number(row.ours),
                row.unit,
                row.target_text()
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_and_targets() {
        let faster =
            Row::new("a", "img/s", 200.0, Goal::AtLeastPeer).against(Some(("p".into(), 100.0)));
        assert_eq!(faster.ratio(), Some(2.0));
        assert_eq!(faster.met(), Some(true));
        let slower = Row::new("b", "ms", 30.0, Goal::AtMostPeer).against(Some(("p".into(), 20.0)));
        assert_eq!(slower.met(), Some(false));
        assert_eq!(
            Row::new("c", "ms", 12.0, Goal::Below(16.0)).met(),
            Some(true)
        );
        assert_eq!(Row::new("d", "img/s", 1.0, Goal::AtLeastPeer).met(), None);
        let table = Table {
            rows: vec![faster, slower],
        };
        let text = table.markdown();
        assert!(text.contains("2.00×") && text.contains("NO"), "{text}");
    }
}
