//! An import's words: each added, removed or changed model with what
//! changed, the summary line, and the warnings counted by kind.

use std::collections::BTreeMap;

use super::changes::{Change, ModelChange};
use super::import::Outcome;
use super::warning::Warning;

/// One block a model: `added ID`, `removed ID`, or `changed ID` and its
/// changes indented below.
pub fn changes(changes: &[ModelChange]) -> String {
    let mut text = String::new();
    for ModelChange { id, change } in changes {
        match change {
            Change::Added => text.push_str(&format!("added {id}\n")),
            Change::Removed => text.push_str(&format!("removed {id}\n")),
            Change::Changed(lines) => {
                text.push_str(&format!("changed {id}\n"));
                for line in lines {
                    text.push_str(&format!("  {line}\n"));
                }
            }
        }
    }
    text
}

/// The counts: `catalog: 1 added, 0 removed, 2 changed, 117 unchanged, 1 curated kept`.
pub fn summary(outcome: &Outcome) -> String {
    let count =
        |wanted: fn(&Change) -> bool| outcome.changes.iter().filter(|c| wanted(&c.change)).count();
    format!(
        "catalog: {} added, {} removed, {} changed, {} unchanged, {} curated kept",
        count(|c| matches!(c, Change::Added)),
        count(|c| matches!(c, Change::Removed)),
        count(|c| matches!(c, Change::Changed(_))),
        outcome.unchanged,
        outcome.curated
    )
}

/// The warnings by kind: `3 warnings (2 unknown validations rule, 1 …)`;
/// empty when there are none.
pub fn warning_counts(warnings: &[Warning]) -> String {
    if warnings.is_empty() {
        return String::new();
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for warning in warnings {
        *kinds.entry(warning.kind()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds
        .iter()
        .map(|(kind, count)| format!("{count} {kind}"))
        .collect();
    format!("{} warnings ({})", warnings.len(), kinds.join(", "))
}
