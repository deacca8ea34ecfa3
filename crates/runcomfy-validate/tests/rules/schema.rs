//! Schemas of one media field with given rules, and what the media step
//! says about an input of them.

use runcomfy_validate::{MediaProbe, Validator};
use serde_json::{Value, json};

/// One rule as the provider writes it; its error message is the rule's name.
pub(crate) fn rule(name: &str, value: Value) -> Value {
    json!({"validation_rule": name, "validation_value": value, "validation_error": format!("broke {name}")})
}

/// A schema whose one field `media` has the `format` and the rules given
/// (an array of references when the format ends in `_uris`).
pub(crate) fn validator(format: &str, rules: Vec<Value>) -> Validator {
    let field = match format.strip_suffix('s') {
        Some(item) if format.ends_with("_uris") => json!({
            "type": "array", "format": format, "minItems": 1, "maxItems": 4,
            "items": {"type": "string", "format": item}, "validations": rules
        }),
        _ => json!({"type": "string", "format": format, "validations": rules}),
    };
    let schema = json!({"type": "object", "properties": {"media": field}});
    Validator::new(&schema).expect("the schema compiles")
}

/// The media step's errors on `input`, as (pointer, message); empty when it
/// passes.
pub(crate) async fn media_errors(
    validator: &Validator,
    input: &Value,
    probe: &MediaProbe,
) -> Vec<(String, String)> {
    match validator.validate_media(input, probe).await {
        Ok(()) => Vec::new(),
        Err(invalid) => invalid
            .errors
            .into_iter()
            .map(|e| (e.pointer, e.message))
            .collect(),
    }
}

/// What the media step says about `reference` as the one field `media`.
pub(crate) async fn verdict(validator: &Validator, reference: &str) -> Vec<(String, String)> {
    let probe = crate::loopback::local_probe();
    media_errors(validator, &json!({"media": reference}), &probe).await
}

/// One error at `/media` saying `message`.
pub(crate) fn broke(message: &str) -> Vec<(String, String)> {
    vec![("/media".to_owned(), message.to_owned())]
}
