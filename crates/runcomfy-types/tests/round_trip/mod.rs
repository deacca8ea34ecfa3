//! The round trip of one model's typed `Input` (`every_model.rs` runs it
//! for each): an input built from the schema, valid by the schema, reads
//! into `Input` and writes back the same JSON; an input of the required
//! fields only writes back what the schema accepts (the defaults filled in).

use runcomfy_types::ModelInput;
use serde_json::{Map, Value, json};

/// What a media or URL field is given: the types do not read it.
const REFERENCE: &str = "https://example.com/input.png";

/// Checks the round trips of `I`, panicking with the model id and both
/// values when one fails.
pub fn check<I: ModelInput>() {
    let id = I::SPEC.id;
    let schema: Value = serde_json::from_str(I::SPEC.input_schema).expect("the schema is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("the schema compiles");
    let valid = |value: &Value, what: &str| {
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|error| format!("{}: {error}", error.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{id}: {what} is invalid: {errors:?}\n{value:#}"
        );
    };
    for required_only in [false, true] {
        let input = object_for(&schema, required_only);
        valid(&input, "the built input");
        let typed: I = serde_json::from_value(input.clone())
            .unwrap_or_else(|e| panic!("{id}: Input refuses a valid input: {e}\n{input:#}"));
        let back = serde_json::to_value(&typed).expect("an Input serializes");
        valid(&back, "the Input written back");
        if !required_only {
            assert!(
                same(&back, &input),
                "{id}: {input:#}\nwas written back as\n{back:#}"
            );
        }
    }
}

/// An object with every property (or only the required ones) given a valid
/// value.
fn object_for(schema: &Value, required_only: bool) -> Value {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut object = Map::new();
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !required_only || required.contains(&name.as_str()) {
            object.insert(name.clone(), value_for(property));
        }
    }
    Value::Object(object)
}

/// A valid value of a property: its default, else its first choice, else
/// one made from its type and bounds.
fn value_for(schema: &Value) -> Value {
    if let Some(default) = schema.get("default") {
        return default.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    let number = |keyword: &str| schema.get(keyword).and_then(Value::as_f64);
    match schema.get("type").and_then(Value::as_str) {
        Some("string") if schema.get("format").is_some() => json!(REFERENCE),
        Some("string") => {
            let length = number("minLength").unwrap_or(1.0).max(1.0) as usize;
            json!("x".repeat(length))
        }
        Some("integer") => json!(number("minimum").unwrap_or(0.0) as i64),
        Some("number") => match (number("minimum"), number("maximum")) {
            (Some(min), Some(max)) => json!((min + max) / 2.0),
            (Some(min), None) => json!(min + 0.5),
            (None, Some(max)) => json!(max - 0.5),
            (None, None) => json!(0.5),
        },
        Some("boolean") => json!(true),
        Some("array") => {
            let count = number("minItems").unwrap_or(1.0).max(1.0) as usize;
            let item = schema.get("items").map_or(json!(REFERENCE), value_for);
            Value::Array(vec![item; count])
        }
        Some("object") => object_for(schema, false),
        // An input whose shape is not public takes any value.
        _ => json!({"shape": ["not", "public"]}),
    }
}

/// Equal JSON, numbers compared by value (`1` and `1.0` alike).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, a)| b.get(key).is_some_and(|b| same(a, b)))
        }
        (a, b) => a == b,
    }
}
