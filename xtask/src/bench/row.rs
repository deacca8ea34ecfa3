//! One row of the bench table, as the benchmarks write it in JSON.

use serde_json::{Value, json};

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What was measured.
    pub scenario: String,
    /// The unit of `ours` and `baseline`.
    pub unit: String,
    /// Our figure.
    pub ours: f64,
    /// The baseline's figure in the same run, if the scenario has one.
    pub baseline: Option<f64>,
    /// What the baseline is.
    pub baseline_name: Option<String>,
    /// `ours / baseline` (or the scenario's own ratio).
    pub ratio: Option<f64>,
    /// The target, as text.
    pub target: String,
    /// Whether the target is met; `None` when it could not be judged.
    pub pass: Option<bool>,
}

impl Row {
    /// A row from a benchmark's JSON; `None` if a field is missing.
    pub fn from_json(value: &Value) -> Option<Self> {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(Self {
            scenario: text("scenario")?,
            unit: text("unit")?,
            ours: value.get("ours")?.as_f64()?,
            baseline: value.get("baseline").and_then(Value::as_f64),
            baseline_name: text("baseline_name"),
            ratio: value.get("ratio").and_then(Value::as_f64),
            target: text("target")?,
            pass: value.get("pass").and_then(Value::as_bool),
        })
    }

    /// The row as JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "scenario": self.scenario,
            "unit": self.unit,
            "ours": self.ours,
            "baseline": self.baseline,
            "baseline_name": self.baseline_name,
            "ratio": self.ratio,
            "target": self.target,
            "pass": self.pass,
        })
    }

    /// A row saying a scenario could not be measured.
    pub(super) fn missing(scenario: &str, why: String) -> Self {
        Self {
            scenario: scenario.to_owned(),
            unit: String::new(),
            ours: f64::NAN,
            baseline: None,
            baseline_name: Some(why),
            ratio: None,
            target: String::new(),
            pass: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_and_incomplete_rows_are_skipped() {
        let row = Row {
            scenario: "s".into(),
            unit: "ms".into(),
            ours: 1.5,
            baseline: Some(3.0),
            baseline_name: Some("b".into()),
            ratio: Some(0.5),
            target: "< 2×".into(),
            pass: Some(true),
        };
        assert_eq!(Row::from_json(&row.to_json()), Some(row));
        assert_eq!(
            Row::from_json(&json!({"scenario": "s", "unit": "ms"})),
            None
        );
    }
}
