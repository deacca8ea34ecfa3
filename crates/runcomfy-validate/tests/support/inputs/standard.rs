//! The schema as Python's `jsonschema` is given it: the standard keywords
//! only, the provider's `validations` and every `x-` keyword stripped.

use serde_json::Value;

/// The schema without the provider's `validations` keyword and `x-`
/// keywords, anywhere: the standard keywords only. (A property that happens
/// to be named `validations` is kept.)
pub(crate) fn standard_keywords_only(schema: &Value) -> Value {
    strip(schema, false)
}

fn is_provider_keyword(key: &str) -> bool {
    key == "validations" || key.starts_with("x-")
}

fn strip(value: &Value, in_properties: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| in_properties || !is_provider_keyword(key))
                .map(|(key, value)| {
                    let properties = !in_properties
                        && matches!(
                            key.as_str(),
                            "properties" | "patternProperties" | "definitions"
                        );
                    (key.clone(), strip(value, properties))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| strip(v, false)).collect()),
        other => other.clone(),
    }
}
