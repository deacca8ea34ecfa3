//! Checks that a model schema uses only what the generators and validators
//! support, so that a bad schema fails with a file, a pointer and a reason
//! instead of a panic or silently dropped constraint.

use std::path::Path;

use serde_json::Value;

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
        if key == "$ref" {
            return Err(CodegenError::at(
                file,
                here,
                "`$ref` is not supported in model schemas: write the schema inline",
            ));
        }
        if !KEYWORDS.contains(&key.as_str()) {
            return Err(CodegenError::at(
                file,
                here,
                format!(
                    "unsupported keyword `{key}`; supported: {}",
                    KEYWORDS.join(", ")
                ),
            ));
        }
        match key.as_str() {
            "type" => match value.as_str() {
                Some(t) if TYPES.contains(&t) => {}
                _ => {
                    return Err(CodegenError::at(
                        file,
                        here,
                        format!(
                            "`type` must be one of {} (one type, not a list)",
                            TYPES.join(", ")
                        ),
                    ));
                }
            },
            "properties" => {
                let Some(properties) = value.as_object() else {
                    return Err(CodegenError::at(
                        file,
                        here,
                        "`properties` must be an object",
                    ));
                };
                for (name, property) in properties {
                    if name.is_empty()
                        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        return Err(CodegenError::at(
                            file,
                            format!("{here}/{name}"),
                            "property names are made of ASCII letters, digits and `_`",
                        ));
                    }
                    walk(file, property, &format!("{here}/{name}"))?;
                }
            }
            "items" => walk(file, value, &here)?,
            "additionalProperties" if value.is_object() => walk(file, value, &here)?,
            "validations" if object.get("type").and_then(Value::as_str) != Some("string") => {
                return Err(CodegenError::at(
                    file,
                    here,
                    "`validations` applies to string (URL) fields only",
                ));
            }
            _ => {}
        }
    }
    // A sample value is an example; a default on a required field would be
    // sent by builders as if the user had chosen it.
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
