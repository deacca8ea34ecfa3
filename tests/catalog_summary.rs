//! One line a field of every model's input: what the catalog data says of
//! each model (id, output kind, display name, categories, price) and what
//! its input schema allows, a reviewable summary instead of one snapshot
//! a schema.

use runcomfy_types::ModelSpec;
use serde_json::{Map, Value};

/// Keywords written as `name value` in that order; the others have their
/// own words below.
const PLAIN: [&str; 10] = [
    "enum",
    "default",
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "exclusiveMinimum",
    "exclusiveMaximum",
];

/// The summary of these models, in their order.
pub fn catalog_summary(models: &[&ModelSpec]) -> String {
    let mut out = String::new();
    for spec in models {
        let input: Value = serde_json::from_str(spec.input_schema).unwrap_or(Value::Null);
        let output: Value = serde_json::from_str(spec.output_schema).unwrap_or(Value::Null);
        out.push_str(&format!(
            "{}: {}, {:?}\n",
            spec.id,
            spec.output_kind.as_str(),
            spec.display_name
        ));
        let price = spec.price.map_or("unknown".to_owned(), |price| {
            format!("{} USD per {:?}", price.usd(), price.unit)
        });
        out.push_str(&format!(
            "  categories: [{}]; price: {price}\n",
            spec.categories.join(", ")
        ));
        let closed = input.get("additionalProperties") == Some(&Value::Bool(false));
        out.push_str(&format!(
            "  input ({}):\n",
            if closed { "closed" } else { "open" }
        ));
        let required = names(input.get("required"));
        for (name, field) in properties(&input) {
            let required = required.contains(&name.as_str());
            out.push_str(&format!(
                "    {name}{}: {}\n",
                if required { "*" } else { "" },
                field_facts(field)
            ));
        }
        let outputs: Vec<&str> = properties(&output).map(|(name, _)| name.as_str()).collect();
        out.push_str(&format!("  output: {}\n", outputs.join(", ")));
    }
    out
}

fn properties(schema: &Value) -> impl Iterator<Item = (&String, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

fn names(list: Option<&Value>) -> Vec<&str> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// A field's type and constraints, comma-separated: `integer, enum [5,10],
/// default 5`.
fn field_facts(schema: &Value) -> String {
    let Some(object) = schema.as_object() else {
        return schema.to_string();
    };
    let mut facts = vec![match object.get("type").and_then(Value::as_str) {
        Some(kind) => kind.to_owned(),
        None if object.contains_key("anyOf") => "any of".to_owned(),
        None => "any value".to_owned(),
    }];
    if object.get("x-runcomfy-unvalidated") == Some(&Value::Bool(true)) {
        facts.push("unvalidated".into());
    }
    if let Some(range) = range(object) {
        facts.push(range);
    }
    for keyword in PLAIN {
        if let Some(value) = object.get(keyword) {
            facts.push(format!("{keyword} {value}"));
        }
    }
    if let Some(items) = object.get("items") {
        facts.push(format!("items ({})", field_facts(items)));
    }
    if let Some(choices) = object.get("anyOf").and_then(Value::as_array) {
        let choices: Vec<String> = choices.iter().map(field_facts).collect();
        facts.push(format!("[{}]", choices.join(" | ")));
    }
    if let Some(rules) = object.get("validations").and_then(Value::as_array) {
        let rules: Vec<String> = rules.iter().map(rule).collect();
        facts.push(format!("media [{}]", rules.join(", ")));
    }
    facts.join(", ")
}

/// `minimum..=maximum`, or the one bound there is.
fn range(object: &Map<String, Value>) -> Option<String> {
    match (object.get("minimum"), object.get("maximum")) {
        (Some(min), Some(max)) => Some(format!("{min}..={max}")),
        (Some(min), None) => Some(format!(">= {min}")),
        (None, Some(max)) => Some(format!("<= {max}")),
        (None, None) => None,
    }
}

/// A media rule as `width_pixels> 300`.
fn rule(rule: &Value) -> String {
    let name = rule
        .get("validation_rule")
        .and_then(Value::as_str)
        .unwrap_or("?");
    let value = rule.get("validation_value").unwrap_or(&Value::Null);
    format!("{name} {value}")
}
