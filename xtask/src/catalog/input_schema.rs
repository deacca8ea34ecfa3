//! A catalog record's input schema as `input.json` holds it: draft-07,
//! `"type": "float"` (the live catalog's word) read as `number`, every
//! keyword in one fixed order so that a re-import writes the same bytes,
//! closed (`additionalProperties: false`, so a typo is caught), and each
//! input the snapshot omitted carried as a property that accepts any value,
//! marked `x-runcomfy-unvalidated`. What the provider wrote is kept:
//! titles, descriptions, its media `format` values, `validations`, and the
//! prompts' `"default": ""`.

use serde_json::{Map, Value, json};

use crate::lint::UNVALIDATED;

/// The draft every model schema says it is.
const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";

/// The order keywords are written in; others follow, sorted by name.
const ORDER: &[&str] = &[
    "$schema",
    "title",
    "description",
    "type",
    "format",
    "enum",
    "default",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "items",
    "required",
    "additionalProperties",
    "properties",
    "validations",
    "examples",
    UNVALIDATED,
];

/// The order of a `validations` rule's fields, as the seed writes them.
const RULE_ORDER: &[&str] = &["validation_rule", "validation_value", "validation_error"];

/// What the written schema says of an input it cannot check.
const UNVALIDATED_DESCRIPTION: &str =
    "Accepted and passed through unvalidated: the catalog does not publish this input's shape.";

/// The schema `input.json` holds for a record's `schema`.
pub fn normalise(
    model_id: &str,
    display_name: &str,
    schema: &Map<String, Value>,
    omitted_inputs: &[String],
) -> Value {
    let mut top = schema.clone();
    top.insert("$schema".into(), json!(DRAFT_07));
    top.entry("title").or_insert_with(|| json!("Input"));
    top.entry("description")
        .or_insert_with(|| json!(format!("Input of {model_id} ({display_name}).")));
    top.entry("additionalProperties").or_insert(json!(false));
    let properties = top.entry("properties").or_insert_with(|| json!({}));
    if let Some(properties) = properties.as_object_mut() {
        for name in omitted_inputs {
            properties.entry(name.as_str()).or_insert_with(
                || json!({"description": UNVALIDATED_DESCRIPTION, UNVALIDATED: true}),
            );
        }
    }
    ordered(&top)
}

/// A schema with `float` read as `number` and its keywords in [`ORDER`],
/// the same for every schema under it. Property names keep the catalog's
/// order: it is the order the provider shows inputs in.
fn ordered(schema: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for key in keys_in(schema, ORDER) {
        let value = &schema[key.as_str()];
        let value = match (key.as_str(), value) {
            ("type", Value::String(t)) if t == "float" => json!("number"),
            ("properties", Value::Object(properties)) => Value::Object(
                properties
                    .iter()
                    .map(|(name, property)| (name.clone(), subschema(property)))
                    .collect(),
            ),
            ("items" | "additionalProperties", Value::Object(_)) => subschema(value),
            ("anyOf" | "oneOf" | "allOf", Value::Array(choices)) => {
                Value::Array(choices.iter().map(subschema).collect())
            }
            ("validations", Value::Array(rules)) => Value::Array(rules.iter().map(rule).collect()),
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    Value::Object(out)
}

fn subschema(value: &Value) -> Value {
    value.as_object().map_or_else(|| value.clone(), ordered)
}

/// A `validations` rule with its fields in [`RULE_ORDER`].
fn rule(value: &Value) -> Value {
    let Some(fields) = value.as_object() else {
        return value.clone();
    };
    let keys = keys_in(fields, RULE_ORDER);
    Value::Object(
        keys.into_iter()
            .map(|k| (k.clone(), fields[k.as_str()].clone()))
            .collect(),
    )
}

/// The map's keys, those in `order` first in that order, then the others by name.
fn keys_in<'m>(map: &'m Map<String, Value>, order: &[&str]) -> Vec<&'m String> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_by_key(|key| {
        let rank = order.iter().position(|k| k == key).unwrap_or(order.len());
        (rank, key.as_str())
    });
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("an object")
    }

    #[test]
    fn the_schema_is_draft_07_closed_and_in_one_key_order() {
        let schema = object(json!({
            "type": "object",
            "required": ["prompt"],
            "properties": {
                "seed": {"type": "integer", "minimum": -1, "default": -1},
                "prompt": {"type": "string", "default": ""},
                "guidance": {"maximum": 10, "type": "float", "minimum": 0},
                "images": {"type": "array", "maxItems": 16, "format": "image_uris",
                           "items": {"type": "string", "format": "image_uri"}}
            }
        }));
        let written = normalise("a/b", "A B", &schema, &[]);
        assert_eq!(
            serde_json::to_string(&written).expect("json"),
            concat!(
                r#"{"$schema":"http://json-schema.org/draft-07/schema#","title":"Input","#,
                r#""description":"Input of a/b (A B).","type":"object","required":["prompt"],"#,
                r#""additionalProperties":false,"properties":{"#,
                r#""seed":{"type":"integer","default":-1,"minimum":-1},"#,
                r#""prompt":{"type":"string","default":""},"#,
                r#""guidance":{"type":"number","minimum":0,"maximum":10},"#,
                r#""images":{"type":"array","format":"image_uris","maxItems":16,"#,
                r#""items":{"type":"string","format":"image_uri"}}}}"#
            )
        );
        assert_eq!(
            normalise("a/b", "A B", &object(written.clone()), &[]),
            written
        );
    }

    #[test]
    fn the_providers_title_and_openness_are_kept() {
        let schema = object(json!({
            "title": "Seedance", "description": "Its own words.",
            "additionalProperties": true, "type": "object", "properties": {}
        }));
        let written = normalise("a/b", "A", &schema, &[]);
        assert_eq!(written["title"], "Seedance");
        assert_eq!(written["description"], "Its own words.");
        assert_eq!(written["additionalProperties"], true);
    }

    #[test]
    fn omitted_inputs_accept_anything_and_are_marked() {
        let schema =
            object(json!({"type": "object", "properties": {"prompt": {"type": "string"}}}));
        let written = normalise("a/b", "A", &schema, &["elements".into(), "prompt".into()]);
        assert_eq!(
            written["properties"]["elements"],
            json!({"description": UNVALIDATED_DESCRIPTION, UNVALIDATED: true})
        );
        assert_eq!(
            written["properties"]["prompt"],
            json!({"type": "string"}),
            "an input the schema has keeps its schema"
        );
    }
}
