//! How the workspace's benchmarks read their arguments and report their rows
//! to `cargo xtask bench`.
//!
//! A row is built in two steps, so none leaves without its target:
//! [`Measured::new`] (what, in which unit, our figure), optionally
//! [`Measured::against`] a baseline of the same run, then
//! [`Measured::judged`] against the target.

use std::str::FromStr;

use serde::Serialize;

/// The argument at `position` among those that are not flags (cargo passes
/// `--bench`), or `default` when there is none or it does not parse.
pub fn argument<T: FromStr>(position: usize, default: T) -> T {
    std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .nth(position)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

/// What a benchmark measured, not yet judged against its target.
#[derive(Debug, Clone)]
pub struct Measured {
    scenario: String,
    unit: String,
    ours: f64,
    baseline: Option<(String, f64)>,
}

impl Measured {
    /// Our figure for `scenario`, in `unit`.
    pub fn new(scenario: impl Into<String>, unit: &str, ours: f64) -> Self {
        Self {
            scenario: scenario.into(),
            unit: unit.to_owned(),
            ours,
            baseline: None,
        }
    }

    /// Side by side with the baseline `name`'s figure in the same run; the
    /// row's ratio is ours over it.
    pub fn against(self, name: impl Into<String>, baseline: f64) -> Self {
        Self {
            baseline: Some((name.into(), baseline)),
            ..self
        }
    }

    /// The row, with its `target` (as text) and whether it is met.
    pub fn judged(self, target: &str, pass: bool) -> Row {
        let (baseline_name, baseline) = self.baseline.unzip();
        Row {
            ratio: baseline.map(|baseline| self.ours / baseline),
            scenario: self.scenario,
            unit: self.unit,
            ours: self.ours,
            baseline,
            baseline_name,
            target: target.to_owned(),
            pass,
        }
    }
}

/// One row of the `cargo xtask bench` table, in the JSON its `bench/row.rs`
/// reads: these keys, in this order, a missing baseline as `null`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    scenario: String,
    unit: String,
    ours: f64,
    baseline: Option<f64>,
    baseline_name: Option<String>,
    ratio: Option<f64>,
    target: String,
    pass: bool,
}

/// Writes a benchmark's rows for `cargo xtask bench` (`{"rows": rows}`) to
/// the file named by `RUNCOMFY_BENCH_JSON`, when it is set.
pub fn report_rows(rows: &[Row]) -> std::io::Result<()> {
    match std::env::var_os("RUNCOMFY_BENCH_JSON") {
        Some(path) => std::fs::write(
            path,
            serde_json::to_vec_pretty(&serde_json::json!({ "rows": rows }))?,
        ),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_has_the_keys_of_the_bench_table_with_nulls_without_a_baseline() {
        let rows = [
            Measured::new("start-up", "ms", 3.0)
                .against("/bin/true", 1.5)
                .judged("< 20 ms", true),
            Measured::new("peak RSS", "MiB", 12.5).judged("< 40 MB", false),
        ];
        assert_eq!(
            serde_json::to_string(&rows).ok(),
            Some(
                concat!(
                    r#"[{"scenario":"start-up","unit":"ms","ours":3.0,"baseline":1.5,"#,
                    r#""baseline_name":"/bin/true","ratio":2.0,"target":"< 20 ms","pass":true},"#,
                    r#"{"scenario":"peak RSS","unit":"MiB","ours":12.5,"baseline":null,"#,
                    r#""baseline_name":null,"ratio":null,"target":"< 40 MB","pass":false}]"#,
                )
                .to_owned()
            )
        );
    }
}
