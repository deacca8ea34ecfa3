//! The bench table in Markdown: each row's figures, ratio and verdict, and
//! how many judged rows meet their target.

use std::fmt::Write as _;

use super::row::Row;

/// A number with as many decimals as its size deserves.
pub fn figure(value: f64) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{value:.0}");
    }
    let magnitude = value.abs();
    let decimals = if magnitude >= 100.0 {
        0
    } else if magnitude >= 10.0 {
        1
    } else if magnitude >= 1.0 {
        2
    } else {
        3
    };
    format!("{value:.decimals$}")
}

/// The table, in Markdown.
pub fn markdown(rows: &[Row], quick: bool) -> String {
    let mut table = String::from(
        "| scenario | ours | baseline (same run) | ratio | target | verdict |\n\
         | --- | ---: | --- | ---: | --- | --- |\n",
    );
    for row in rows {
        let ours = if row.ours.is_finite() {
            format!("{} {}", figure(row.ours), row.unit)
        } else {
            "–".into()
        };
        let baseline = match (row.baseline, &row.baseline_name) {
            (Some(value), Some(name)) => format!("{} {} ({name})", figure(value), row.unit),
            (Some(value), None) => format!("{} {}", figure(value), row.unit),
            (None, Some(name)) => name.clone(),
            (None, None) => "–".into(),
        };
        let ratio = row
            .ratio
            .map(|r| format!("{}×", figure(r)))
            .unwrap_or_else(|| "–".into());
        let verdict = match row.pass {
            Some(true) => "pass",
            Some(false) => "falls short",
            None => "not judged",
        };
        let _ = writeln!(
            table,
            "| {} | {ours} | {baseline} | {ratio} | {} | {verdict} |",
            row.scenario, row.target
        );
    }
    let judged = rows.iter().filter(|r| r.pass.is_some()).count();
    let passed = rows.iter().filter(|r| r.pass == Some(true)).count();
    let _ = write!(
        table,
        "\n{passed} of {judged} judged rows meet their target{}.\n",
        if quick { " (quick sizes)" } else { "" }
    );
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_shows_each_verdict_and_counts_them() {
        let row = |pass, baseline| Row {
            scenario: "x".into(),
            unit: "s".into(),
            ours: 1234.4,
            baseline,
            baseline_name: Some("fixed".into()),
            ratio: baseline.map(|b| 1234.4 / b),
            target: "t".into(),
            pass,
        };
        let rows = [
            row(Some(true), Some(2468.8)),
            row(Some(false), None),
            row(None, None),
        ];
        let table = markdown(&rows, true);
        assert!(
            table.contains("| x | 1234 s | 2469 s (fixed) | 0.500× | t | pass |"),
            "{table}"
        );
        assert!(table.contains("| x | 1234 s | fixed | – | t | falls short |"));
        assert!(table.contains("| not judged |"));
        assert!(table.contains("1 of 2 judged rows meet their target (quick sizes)."));
    }

    #[test]
    fn figures_keep_three_significant_digits_or_so() {
        assert_eq!(figure(73071.2), "73071");
        assert_eq!(figure(19.94), "19.9");
        assert_eq!(figure(1.081), "1.08");
        assert_eq!(figure(0.5172), "0.517");
        assert_eq!(figure(f64::NAN), "–");
        assert_eq!(figure(8.0), "8");
    }
}
