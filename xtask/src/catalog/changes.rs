//! What an import changes, model by model: a folder added, an imported
//! folder removed, or a folder changed, with the properties, output schema
//! and facts that differ; a folder whose three files stay byte for byte the
//! same is unchanged.

use std::collections::BTreeMap;

use serde_json::Value;

use super::facts;
use super::folders::{Folder, INPUT, OUTPUT};
use super::plan::Plan;
use super::schema_diff::{facts_changes, input_changes};

/// One model's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A folder the import creates.
    Added,
    /// An imported folder the answer no longer lists.
    Removed,
    /// A folder rewritten, with what changed, one line each.
    Changed(Vec<String>),
}

/// A model and its change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelChange {
    /// The model id.
    pub id: String,
    /// What happens to its folder.
    pub change: Change,
}

/// The changes the plan makes to the `existing` folders, by model id, and
/// the number of planned folders that stay as they are.
pub fn compare(plan: &Plan, existing: &BTreeMap<String, Folder>) -> (Vec<ModelChange>, usize) {
    let mut changes = Vec::new();
    let mut unchanged = 0;
    for model in &plan.models {
        let change = match existing.get(&model.id) {
            None => Some(Change::Added),
            Some(folder) => changed(folder, &model.files).map(Change::Changed),
        };
        match change {
            Some(change) => changes.push(ModelChange {
                id: model.id.clone(),
                change,
            }),
            None => unchanged += 1,
        }
    }
    changes.extend(plan.removed.iter().map(|id| ModelChange {
        id: id.clone(),
        change: Change::Removed,
    }));
    changes.sort_by(|a, b| a.id.cmp(&b.id));
    (changes, unchanged)
}

/// What differs between a folder and the files planned for it; `None` when
/// every file stays the same.
fn changed(folder: &Folder, planned: &[(&'static str, String)]) -> Option<Vec<String>> {
    let mut lines = Vec::new();
    let mut rewritten = Vec::new();
    for (name, text) in planned {
        let current = folder.files.get(name);
        if current == Some(text) {
            continue;
        }
        let before = current.map_or(Value::Null, |text| parsed(text));
        let after = parsed(text);
        let found = match *name {
            INPUT => input_changes(&before, &after),
            OUTPUT => input_changes(&before, &after)
                .into_iter()
                .map(|line| format!("output {line}"))
                .collect(),
            facts::FILE => facts_changes(&before, &after)
                .into_iter()
                .map(|line| format!("facts: {line}"))
                .collect(),
            _ => Vec::new(),
        };
        if found.is_empty() {
            rewritten.push(*name);
        }
        lines.extend(found);
    }
    if lines.is_empty() && rewritten.is_empty() {
        return None;
    }
    lines.extend(
        rewritten
            .into_iter()
            .map(|name| format!("{name}: same content, written in the import's layout")),
    );
    Some(lines)
}

fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}
