//! Checks that a model schema uses only what the generators and validators
//! support, so that a bad schema fails with a file, a pointer and a reason
//! instead of a panic or silently dropped constraint.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::CodegenError;

/// Keywords a model schema may use. typify drops some of them (bounds,
/// formats, `validations`); the validator enforces them all.
const KEYWORDS: &[&str] = &[
    "$schema",
    "title",
    "description",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "default",
    "examples",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "validations",
];

const TYPES: &[&str] = &["object", "string", "integer", "number", "boolean", "array"];

/// Lints one model schema (input or output).
pub fn model_schema(file: &Path, schema: &Value) -> Result<(), CodegenError> {
    match schema.get("$schema").and_then(Value::as_str) {
        Some("http://json-schema.org/draft-07/schema#") => {}
        _ => {
            return Err(CodegenError::at(
                file,
                "/$schema",
                "must be \"http://json-schema.org/draft-07/schema#\" (the draft typify and the validator agree on)",
            ));
        }
    }
    if schema.get("type").and_then(Value::as_str) != Some("object")
        || !schema.get("properties").is_some_and(Value::is_object)
    {
        return Err(CodegenError::at(
            file,
            "",
            "a model schema must be an object schema with `properties`",
        ));
    }
    walk(file, schema, "")?;
    let meta = jsonschema::draft7::meta::validator();
    if let Some(error) = meta.iter_errors(schema).next() {
        return Err(CodegenError::at(
            file,
            error.instance_path().as_str(),
            format!("not a valid draft-07 schema: {error}"),
        ));
    }
    runcomfy_validate::Validator::new(schema)
        .map_err(|e| CodegenError::at(file, e.pointer, e.reason))?;
    Ok(())
}

fn walk(file: &Path, schema: &Value, pointer: &str) -> Result<(), CodegenError> {
    let Some(object) = schema.as_object() else {
        return Err(CodegenError::at(
            file,
            pointer,
            "a schema must be an object",
        ));
    };
    for (key, value) in object {
        let here = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
        if let Some(reason) = keyword_problem(object, key, value) {
            return Err(CodegenError::at(file, here, reason));
        }
        match key.as_str() {
            "properties" => walk_properties(file, value, &here)?,
            "items" => walk(file, value, &here)?,
            "additionalProperties" if value.is_object() => walk(file, value, &here)?,
            _ => {}
        }
    }
    required_without_default(file, object, pointer)
}

/// What is wrong with one keyword of a schema object, if anything.
fn keyword_problem(object: &Map<String, Value>, key: &str, value: &Value) -> Option<String> {
    if key == "$ref" {
        return Some("`$ref` is not supported in model schemas: write the schema inline".into());
    }
    if !KEYWORDS.contains(&key) {
        return Some(format!(
            "unsupported keyword `{key}`; supported: {}",
            KEYWORDS.join(", ")
        ));
    }
    match key {
        "type" if !value.as_str().is_some_and(|t| TYPES.contains(&t)) => Some(format!(
            "`type` must be one of {} (one type, not a list)",
            TYPES.join(", ")
        )),
        "properties" if !value.is_object() => Some("`properties` must be an object".into()),
        "validations" if object.get("type").and_then(Value::as_str) != Some("string") => {
            Some("`validations` applies to string (URL) fields only".into())
        }
        _ => None,
    }
}

/// Each property's name, then its schema.
fn walk_properties(file: &Path, properties: &Value, here: &str) -> Result<(), CodegenError> {
    for (name, property) in properties.as_object().into_iter().flatten() {
        let at = format!("{here}/{name}");
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(CodegenError::at(
                file,
                at,
                "property names are made of ASCII letters, digits and `_`",
            ));
        }
        walk(file, property, &at)?;
    }
    Ok(())
}

/// A sample value is an example; a default on a required field would be
/// sent by builders as if the user had chosen it.
fn required_without_default(
    file: &Path,
    object: &Map<String, Value>,
    pointer: &str,
) -> Result<(), CodegenError> {
    let required = object
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for name in required.filter_map(Value::as_str) {
        if object
            .get("properties")
            .and_then(|p| p.get(name))
            .is_some_and(|p| p.get("default").is_some())
        {
            return Err(CodegenError::at(
                file,
                format!("{pointer}/properties/{name}/default"),
                format!(
                    "required field `{name}` cannot have a default; put sample values in `examples`"
                ),
            ));
        }
    }
    Ok(())
}
