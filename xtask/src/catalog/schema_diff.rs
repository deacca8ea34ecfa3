//! What changed between two versions of a model's files, in words: each
//! property added, removed, or changed in its type, default, enum, bounds,
//! format, validations, items or required-ness (old value, then new), and
//! each fact that differs.

use serde_json::{Map, Value};

/// The longest value quoted in a change; longer ones are cut with `…`.
const QUOTED: usize = 60;

/// The changes from one input schema to another, one line each.
pub fn input_changes(old: &Value, new: &Value) -> Vec<String> {
    let empty = Map::new();
    let (old, new) = (
        old.as_object().unwrap_or(&empty),
        new.as_object().unwrap_or(&empty),
    );
    let mut lines: Vec<String> = keyword_changes(old, new, &["properties", "required"])
        .into_iter()
        .map(|change| format!("schema: {change}"))
        .collect();
    let (old_props, new_props) = (properties(old), properties(new));
    let (old_required, new_required) = (required(old), required(new));
    for (name, property) in &new_props {
        let is_required = new_required.contains(&name.as_str());
        let Some(before) = old_props.get(name) else {
            let required = if is_required { " (required)" } else { "" };
            lines.push(format!("{name}: added{required}"));
            continue;
        };
        let mut changes = match (before.as_object(), property.as_object()) {
            (Some(before), Some(after)) => keyword_changes(before, after, &[]),
            _ => vec![format!(
                "schema {} -> {}",
                quoted(Some(before)),
                quoted(Some(property))
            )],
        };
        match (old_required.contains(&name.as_str()), is_required) {
            (false, true) => changes.push("now required".into()),
            (true, false) => changes.push("no longer required".into()),
            _ => {}
        }
        if !changes.is_empty() {
            lines.push(format!("{name}: {}", changes.join("; ")));
        }
    }
    for name in old_props
        .keys()
        .filter(|name| !new_props.contains_key(*name))
    {
        lines.push(format!("{name}: removed"));
    }
    lines
}

/// The facts that differ, one line each (`display_name "A" -> "B"`).
pub fn facts_changes(old: &Value, new: &Value) -> Vec<String> {
    let empty = Map::new();
    let (old, new) = (
        old.as_object().unwrap_or(&empty),
        new.as_object().unwrap_or(&empty),
    );
    let mut lines = Vec::new();
    for key in union(old, new) {
        match (old.get(key), new.get(key)) {
            (a, b) if a == b => {}
            (Some(Value::Object(a)), Some(Value::Object(b))) => {
                let inner = facts_changes(&Value::Object(a.clone()), &Value::Object(b.clone()));
                lines.extend(inner.into_iter().map(|line| format!("{key}.{line}")));
            }
            (a, b) => lines.push(format!("{key} {} -> {}", quoted(a), quoted(b))),
        }
    }
    lines
}

/// Each keyword of a schema that changed, except those `skipped`.
fn keyword_changes(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    skipped: &[&str],
) -> Vec<String> {
    let mut changes = Vec::new();
    for key in union(old, new).filter(|key| !skipped.contains(key)) {
        let (before, after) = (old.get(key), new.get(key));
        if before == after {
            continue;
        }
        match (key, before, after) {
            ("items", Some(Value::Object(a)), Some(Value::Object(b))) => changes.extend(
                keyword_changes(a, b, &[])
                    .into_iter()
                    .map(|change| format!("items {change}")),
            ),
            ("title" | "description", _, _) => changes.push(format!("{key} changed")),
            ("validations", _, _) => {
                changes.push(format!("validations {} -> {}", rules(before), rules(after)))
            }
            _ => changes.push(format!("{key} {} -> {}", quoted(before), quoted(after))),
        }
    }
    changes
}

/// The keys of `new`, then those only `old` has.
fn union<'m>(
    old: &'m Map<String, Value>,
    new: &'m Map<String, Value>,
) -> impl Iterator<Item = &'m str> {
    new.keys()
        .chain(old.keys().filter(|key| !new.contains_key(*key)))
        .map(String::as_str)
}

fn properties(schema: &Map<String, Value>) -> Map<String, Value> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn required(schema: &Map<String, Value>) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// A value in one line, `none` when absent.
fn quoted(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "none".into();
    };
    let text = value.to_string();
    if text.chars().count() <= QUOTED {
        return text;
    }
    let cut: String = text.chars().take(QUOTED).collect();
    format!("{cut}…")
}

/// A `validations` list as its rules and values: `[file_size_mb< 30]`.
fn rules(value: Option<&Value>) -> String {
    let Some(rules) = value.and_then(Value::as_array) else {
        return quoted(value);
    };
    let rules: Vec<String> = rules
        .iter()
        .map(|rule| {
            let name = rule
                .get("validation_rule")
                .and_then(Value::as_str)
                .unwrap_or("?");
            format!("{name} {}", quoted(rule.get("validation_value")))
        })
        .collect();
    format!("[{}]", rules.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_changed_property_says_what_changed() {
        let old = json!({"type": "object", "required": ["image"], "properties": {
            "prompt": {"type": "string", "maxLength": 2500, "description": "What."},
            "duration": {"type": "integer", "enum": [5, 10], "default": 5},
            "image": {"type": "string", "format": "image_uri",
                      "validations": [{"validation_rule": "file_size_mb<", "validation_value": 10}]},
            "images": {"type": "array", "items": {"type": "string"}},
            "gone": {"type": "boolean"}
        }});
        let new = json!({"type": "object", "required": ["image", "prompt"], "properties": {
            "prompt": {"type": "string", "maxLength": 2000, "description": "What, again."},
            "duration": {"type": "string", "enum": ["5", "10"], "default": "5"},
            "image": {"type": "string", "format": "image_uris",
                      "validations": [{"validation_rule": "file_size_mb<", "validation_value": 30}]},
            "images": {"type": "array", "items": {"type": "string", "format": "image_uri"}},
            "seed": {"type": "integer", "minimum": -1}
        }, "additionalProperties": false});
        assert_eq!(
            input_changes(&old, &new),
            [
                "schema: additionalProperties none -> false",
                "prompt: maxLength 2500 -> 2000; description changed; now required",
                "duration: type \"integer\" -> \"string\"; enum [5,10] -> [\"5\",\"10\"]; default 5 -> \"5\"",
                "image: format \"image_uri\" -> \"image_uris\"; validations [file_size_mb< 10] -> [file_size_mb< 30]",
                "images: items format none -> \"image_uri\"",
                "seed: added",
                "gone: removed",
            ]
        );
        assert_eq!(input_changes(&new, &new), Vec::<String>::new());
    }

    #[test]
    fn facts_changes_name_the_fact_and_both_values() {
        let old = json!({"display_name": "A", "source": {"record": "/3"}, "kind": "model"});
        let new = json!({"display_name": "B", "source": {"record": "/4"}, "base_price_usd": 0.5});
        assert_eq!(
            facts_changes(&old, &new),
            [
                "display_name \"A\" -> \"B\"",
                "source.record \"/3\" -> \"/4\"",
                "base_price_usd none -> 0.5",
                "kind \"model\" -> none",
            ]
        );
    }
}
