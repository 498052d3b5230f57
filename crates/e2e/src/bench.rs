//! The one bench table: each bench (`crates/e2e/benches/*`, and the core's
//! native ones through them) records its rows as a part under
//! `target/bench/parts/`, and `cargo bench -p iotda-kit-e2e --bench report`
//! joins the parts into `target/bench/bench.json` and `bench.md` and prints
//! the table. A row is a ratio against a peer wherever there is one: on a
//! shared machine the ratio of two figures taken in the same run is what
//! holds, not either figure.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::{Deserialize, Serialize};

use crate::workspace_root;

/// The sections of the table, in its order.
pub const SECTIONS: [&str; 5] = [
    "Page weight and start",
    "MQTT codec",
    "Certificates",
    "End to end",
    "Platform",
];

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// One of [`SECTIONS`].
    pub section: String,
    /// What was measured, and how (`P-256 chain, median of 20`).
    pub what: String,
    /// Our figure, with its unit (`13.8 ms`, `394,925 B`).
    pub ours: String,
    /// The peer's figure, with the peer named (`node-forge RSA-2048:
    /// 1,230 ms`); empty when nothing compares.
    pub peer: String,
    /// Ours against the peer, in words that say which way is better
    /// (`89x faster`, `0.31x the size`); empty without a peer.
    pub ratio: String,
    /// The budget and whether it holds (`< 400 KB: met`); empty when the
    /// issue sets none.
    pub budget: String,
}

impl Row {
    /// A row of `section` without a peer or budget.
    pub fn new(section: &str, what: impl Into<String>, ours: impl Into<String>) -> Self {
        Self {
            section: section.to_owned(),
            what: what.into(),
            ours: ours.into(),
            peer: String::new(),
            ratio: String::new(),
            budget: String::new(),
        }
    }

    /// With a peer's figure and the ratio.
    pub fn peer(mut self, peer: impl Into<String>, ratio: impl Into<String>) -> Self {
        self.peer = peer.into();
        self.ratio = ratio.into();
        self
    }

    /// A timed row: our time against the named peer's, in milliseconds,
    /// with the ratio in words (`openssl: 78.8 ms`, `15.0x faster`).
    pub fn timed(
        section: &str,
        what: impl Into<String>,
        ours: f64,
        peer_name: &str,
        peer: f64,
    ) -> Self {
        Self::new(section, what, millis(ours))
            .peer(format!("{peer_name}: {}", millis(peer)), faster(ours, peer))
    }

    /// With a budget and whether it holds.
    pub fn budget(mut self, budget: impl Into<String>) -> Self {
        self.budget = budget.into();
        self
    }
}

/// `target/bench`.
pub fn bench_dir() -> PathBuf {
    workspace_root().join("target/bench")
}

/// Records `rows` as the part `name` (replacing an earlier run's).
pub fn record(name: &str, rows: &[Row]) -> std::io::Result<()> {
    let dir = bench_dir().join("parts");
    std::fs::create_dir_all(&dir)?;
    let json = serde_json::to_string_pretty(rows).map_err(std::io::Error::other)?;
    std::fs::write(dir.join(format!("{name}.json")), json)
}

/// Prints `rows` as a table (what, ours, peer, ratio, budget) and, when
/// `keep`, records them as the part `name`: a bench's last step, failing
/// (said on stderr) if they could not be recorded.
pub fn print_and_record(name: &str, rows: &[Row], keep: bool) -> ExitCode {
    println!("| what | ours | peer | ratio | budget |");
    println!("| --- | ---: | ---: | ---: | --- |");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} |",
            r.what, r.ours, r.peer, r.ratio, r.budget
        );
    }
    if keep {
        if let Err(e) = record(name, rows) {
            eprintln!("could not record the rows: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Every recorded part's rows, in section order (then part name, then the
/// part's own order).
pub fn recorded() -> std::io::Result<Vec<Row>> {
    let dir = bench_dir().join("parts");
    let mut parts: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    parts.sort();
    let mut rows = Vec::new();
    for part in parts {
        let text = std::fs::read(&part)?;
        let mut found: Vec<Row> = serde_json::from_slice(&text)
            .map_err(|e| std::io::Error::other(format!("{}: {e}", part.display())))?;
        rows.append(&mut found);
    }
    rows.sort_by_key(|r| SECTIONS.iter().position(|s| *s == r.section));
    Ok(rows)
}

/// A thousands separator for whole numbers (`394925` as `394,925`).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Ours against a peer as a time ratio, in words that say which way is
/// better: `12.3x faster`, or `1.4x slower` when the peer took less time.
pub fn faster(ours: f64, peer: f64) -> String {
    if peer >= ours {
        format!("{:.1}x faster", peer / ours)
    } else {
        format!("{:.1}x slower", ours / peer)
    }
}

/// A time in milliseconds for the table: `1,234 ms`, `56.7 ms`, `0.89 ms`.
pub fn millis(ms: f64) -> String {
    if ms >= 1000.0 {
        // Whole milliseconds; a time is never negative.
        format!("{} ms", thousands(ms.round() as u64))
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// The median of `samples` (the upper one of an even count); NaN if empty.
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The largest of `samples`; NaN if empty.
pub fn worst(samples: &[f64]) -> f64 {
    samples.iter().copied().fold(f64::NAN, f64::max)
}

/// The table as Markdown, under a line that says where it was measured.
pub fn markdown(rows: &[Row], machine: &str) -> String {
    let mut out = format!("{machine}\n\n| section | what | ours | peer | ratio | budget |\n| --- | --- | ---: | ---: | ---: | --- |\n");
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            r.section, r.what, r.ours, r.peer, r.ratio, r.budget
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(394_925), "394,925");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn ratios_say_which_way() {
        assert_eq!(faster(10.0, 25.0), "2.5x faster");
        assert_eq!(faster(30.0, 10.0), "3.0x slower");
        assert_eq!(millis(1234.4), "1,234 ms");
        assert_eq!(millis(56.74), "56.7 ms");
        assert_eq!(millis(0.891), "0.89 ms");
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(worst(&[3.0, 1.0, 2.0]), 3.0);
    }

    #[test]
    fn the_table_has_a_line_per_row() {
        let rows = [
            Row::new("Certificates", "P-256 chain", "13.8 ms")
                .peer("node-forge RSA-2048: 1,230 ms", "89x faster"),
            Row::new("Page weight and start", "first load", "394,925 B").budget("< 400 KB: met"),
        ];
        let md = markdown(&rows, "machine");
        assert!(md.starts_with("machine\n\n| section |"));
        assert!(md.contains("| Certificates | P-256 chain | 13.8 ms | node-forge RSA-2048: 1,230 ms | 89x faster |  |"));
        assert!(md.contains("| 394,925 B |  |  | < 400 KB: met |"));
        assert_eq!(md.lines().count(), 6);
    }
}
