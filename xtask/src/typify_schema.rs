//! The copy of a model schema that typify is given: the full schema
//! without what Rust types cannot carry. The validator compiles the full
//! schema (`INPUT_SCHEMA`), so nothing dropped here goes unchecked.
//!
//! Dropped at every depth: `format` (typify refuses a format on an array,
//! such as `audio_uris`, and would turn `date-time` or `uuid` into types of
//! crates this one does not depend on; every format is a string the
//! validator checks), `validations` (media rules, facts of the referenced
//! file) and every `x-` keyword. An input marked `x-runcomfy-unvalidated`
//! has no other constraint, so it becomes a schema without a type, which
//! typify types as `serde_json::Value`: any value passes through.
//!
//! Descriptions become doc comments, so their brackets are escaped: the
//! provider's `[Verse]` is text, not a link rustdoc would look for.

use serde_json::{Map, Value};

/// Keywords whose value is a schema.
const SCHEMA_KEYWORDS: [&str; 2] = ["items", "additionalProperties"];

/// The schema typify is given for `schema`.
pub fn reduced(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in object {
        if key == "format" || key == "validations" || key.starts_with("x-") {
            continue;
        }
        let value = match key.as_str() {
            "description" => value
                .as_str()
                .map_or(value.clone(), |text| doc_text(text).into()),
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, property)| (name.clone(), reduced(property)))
                    .collect(),
            ),
            "anyOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(reduced)
                    .collect(),
            ),
            key if SCHEMA_KEYWORDS.contains(&key) => reduced(value),
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    Value::Object(out)
}

/// Text for a doc comment: brackets escaped, one line.
pub fn doc_text(text: &str) -> String {
    text.replace('[', "\\[")
        .replace(']', "\\]")
        .replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn what_types_cannot_carry_is_dropped_at_every_depth_and_the_rest_kept() {
        let schema = json!({
            "title": "Input",
            "type": "object",
            "properties": {
                "audio_urls": {
                    "type": "array", "format": "audio_uris", "maxItems": 3,
                    "items": {"type": "string", "format": "audio_uri"},
                    "validations": [{"validation_rule": "file_size_mb<"}]
                },
                "elements": {"description": "not public", "x-runcomfy-unvalidated": true},
                "mode": {"anyOf": [{"type": "string", "format": "uri"}, {"type": "integer"}]},
                "steps": {"type": "string", "enum": ["auto", "6"], "default": "auto"},
                "lyrics": {"type": "string", "description": "[Verse] then\n[Chorus]"}
            }
        });
        assert_eq!(
            reduced(&schema),
            json!({
                "title": "Input",
                "type": "object",
                "properties": {
                    "audio_urls": {"type": "array", "maxItems": 3, "items": {"type": "string"}},
                    "elements": {"description": "not public"},
                    "mode": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    "steps": {"type": "string", "enum": ["auto", "6"], "default": "auto"},
                    "lyrics": {"type": "string", "description": "\\[Verse\\] then \\[Chorus\\]"}
                }
            })
        );
    }
}
