//! The benchmark's table: named measurements with our figure, the peer's, the ratio and
//! the target, printed as Markdown and written as JSON. On a busy machine
//! ([`crate::bench::busy`]) every ratio is refused instead: the Markdown says why and the JSON
//! carries `"ratio": null, "refused": "busy …"`.

use serde::{Serialize, Serializer};

use crate::bench::busy::Load;

/// What a row's target is.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Goal {
    /// Ours ≥ the peer's (throughput): ratio ours/peer ≥ 1.
    AtLeastPeer,
    /// Ours ≤ the peer's (time): ratio ours/peer ≤ 1 (the style-transfer rows).
    AtMostPeer,
    /// Ours ≥ this fraction of the peer's (throughput): ratio ours/peer ≥ it.
    AtLeastOfPeer(f64),
    /// Ours below this figure.
    Below(f64),
    /// No target: shown for information.
    Info,
}

/// One measurement.
#[derive(Clone, Debug)]
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
    /// Why no ratio is reported although a peer ran ("busy: load 1.80 on 2 cores").
    pub refused: Option<String>,
    /// What else the row has to say (our runs never agreed).
    pub note: Option<String>,
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
            refused: None,
            note: None,
        }
    }

    /// The same row compared with `peer`'s figure (when it ran).
    pub fn against(mut self, peer: Option<(String, f64)>) -> Self {
        self.peer = peer;
        self
    }

    /// The same row with a note (`None`: none).
    pub fn noting(mut self, note: Option<String>) -> Self {
        self.note = note;
        self
    }

    /// Ours / the peer's; `None` without a peer or when refused.
    pub fn ratio(&self) -> Option<f64> {
        if self.refused.is_some() {
            return None;
        }
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
            Goal::AtLeastOfPeer(fraction) => self.ratio().map(|r| r >= fraction),
            Goal::Below(limit) => Some(self.ours < limit),
            Goal::Info => None,
        }
    }

    fn target_text(&self) -> String {
        match self.goal {
            Goal::AtLeastPeer => "≥ 1.0× peer".into(),
            Goal::AtMostPeer => "≤ 1.0× peer".into(),
            Goal::AtLeastOfPeer(fraction) => format!("≥ {fraction:.1}× peer"),
            Goal::Below(limit) => format!("< {} {}", number(limit), self.unit),
            Goal::Info => String::new(),
        }
    }
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// The row as JSON, with its ratio (`null` when refused) and whether it is met.
        #[derive(Serialize)]
        struct Json<'a> {
            name: &'a str,
            unit: &'a str,
            ours: f64,
            peer: &'a Option<(String, f64)>,
            ratio: Option<f64>,
            refused: &'a Option<String>,
            goal: Goal,
            met: Option<bool>,
            note: &'a Option<String>,
        }
        Json {
            name: &self.name,
            unit: self.unit,
            ours: self.ours,
            peer: &self.peer,
            ratio: self.ratio(),
            refused: &self.refused,
            goal: self.goal,
            met: self.met(),
            note: &self.note,
        }
        .serialize(serializer)
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
    /// The machine at the start, when it was read.
    pub load: Option<Load>,
    /// Why every ratio is refused (a busy machine), if it is.
    pub refused: Option<String>,
    /// The rows.
    pub rows: Vec<Row>,
}

impl Table {
    /// An empty table for a run that started on a machine with `load`: its ratios are
    /// refused when that machine was busy ([`Load::refusal`]).
    pub fn at_load(load: Load) -> Self {
        Table {
            refused: load.refusal(),
            load: Some(load),
            rows: Vec::new(),
        }
    }

    /// Whether rows with a peer repeat until ours agrees ([`crate::bench::busy`]): not when
    /// the ratios are refused anyway.
    pub fn repeats(&self) -> bool {
        self.refused.is_none()
    }

    /// Adds a row and prints it at once (a long run shows progress). A row with a peer has
    /// its ratio refused when the table's are.
    pub fn push(&mut self, mut row: Row) {
        if row.peer.is_some() && row.refused.is_none() {
            row.refused.clone_from(&self.refused);
        }
        eprintln!("  measured {}: {} {}", row.name, number(row.ours), row.unit);
        self.rows.push(row);
    }

    /// The table as Markdown (also readable in a terminal).
    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "| measurement | visionlab | peer | peer figure | ratio | target | met | note |\n|---|---|---|---|---|---|---|---|\n",
        );
        for row in &self.rows {
            let (peer, peer_figure) = match &row.peer {
                Some((name, value)) => (name.clone(), format!("{} {}", number(*value), row.unit)),
                None => ("-".into(), "-".into()),
            };
            let ratio = match (&row.refused, row.ratio()) {
                (Some(why), _) => format!("refused ({why})"),
                (None, Some(r)) => format!("{r:.2}×"),
                (None, None) => "-".into(),
            };
            let met = match row.met() {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "-",
            };
            out.push_str(&format!(
                "| {} | {} {} | {peer} | {peer_figure} | {ratio} | {} | {met} | {} |\n",
                row.name,
                number(row.ours),
                row.unit,
                row.target_text(),
                row.note.as_deref().unwrap_or("")
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
        let most = Row::new("e", "img/s", 85.0, Goal::AtLeastOfPeer(0.8))
            .against(Some(("p".into(), 100.0)));
        assert_eq!(most.met(), Some(true));
        assert_eq!(most.target_text(), "≥ 0.8× peer");
        let table = Table {
            rows: vec![faster, slower],
            ..Table::default()
        };
        let text = table.markdown();
        assert!(text.contains("2.00×") && text.contains("NO"), "{text}");
    }

    #[test]
    fn a_busy_machine_refuses_every_ratio() {
        let mut table = Table::at_load(Load {
            one_minute: Some(1.8),
            cores: 2,
        });
        assert!(!table.repeats());
        table.push(
            Row::new("a", "img/s", 200.0, Goal::AtLeastPeer).against(Some(("p".into(), 100.0))),
        );
        table.push(Row::new("b", "ms", 12.0, Goal::Below(16.0)));
        let a = &table.rows[0];
        assert_eq!(a.ratio(), None);
        assert_eq!(a.met(), None);
        assert_eq!(a.refused.as_deref(), Some("busy: load 1.80 on 2 cores"));
        // A row without a peer has no ratio to refuse; its own target still counts.
        assert_eq!(table.rows[1].refused, None);
        assert_eq!(table.rows[1].met(), Some(true));
        let text = table.markdown();
        assert!(
            text.contains("refused (busy: load 1.80 on 2 cores)") && !text.contains("2.00×"),
            "{text}"
        );
        let json = serde_json::to_value(&table).unwrap();
        assert_eq!(json["rows"][0]["ratio"], serde_json::Value::Null);
        assert_eq!(json["rows"][0]["refused"], "busy: load 1.80 on 2 cores");
        assert_eq!(json["refused"], "busy: load 1.80 on 2 cores");
        assert_eq!(json["load"]["cores"], 2);

        let quiet = Table::at_load(Load {
            one_minute: Some(0.3),
            cores: 2,
        });
        assert!(quiet.repeats());
        let mut quiet = quiet;
        quiet.push(
            Row::new("a", "img/s", 200.0, Goal::AtLeastPeer)
                .against(Some(("p".into(), 100.0)))
                .noting(Some("ours never agreed".into())),
        );
        let json = serde_json::to_value(&quiet).unwrap();
        assert_eq!(json["rows"][0]["ratio"], 2.0);
        assert_eq!(json["rows"][0]["refused"], serde_json::Value::Null);
        assert!(quiet.markdown().contains("| ours never agreed |"));
    }
}
