//! Assembles `schemas/openapi.json` from the queue parts and the model folders.
//!
//! Model ids contain slashes and generated clients percent-encode path
//! parameters, so every model gets its own fixed submit path
//! (`/models/<model id>`) with its input as a typed request body.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::error::CodegenError;
use crate::models::{Model, read_json};

/// The queue parts, relative to the repository root.
pub const BASE: &str = "schemas/queue/openapi.json";
/// The per-model path item template (submit, catalog entry).
pub const MODEL_TEMPLATE: &str = "schemas/queue/model.json";
/// The assembled document.
pub const OUTPUT: &str = "schemas/openapi.json";

/// The assembled OpenAPI 3.0 document.
pub fn assemble(root: &Path, models: &[Model]) -> Result<Value, CodegenError> {
    let base = read_json(root, Path::new(BASE))?;
    let template = read_json(root, Path::new(MODEL_TEMPLATE))?;
    let Value::Object(base) = base else {
        return Err(CodegenError::at(BASE, "", "must be an object"));
    };
    let mut document = Map::new();
    document.insert(
        "x-generated-by".into(),
        json!("cargo xtask codegen, from schemas/queue/ and schemas/models/; do not edit"),
    );
    document.extend(base);

    for model in models {
        let input_type = format!("{}Input", model.type_prefix());
        let output_type = format!("{}Output", model.type_prefix());
        let schemas = document
            .get_mut("components")
            .and_then(|c| c.get_mut("schemas"))
            .and_then(Value::as_object_mut)
            .ok_or_else(|| CodegenError::at(BASE, "/components/schemas", "must be an object"))?;
        for (name, schema) in [(&input_type, &model.input), (&output_type, &model.output)] {
            if schemas.contains_key(name) {
                return Err(CodegenError::at(
                    BASE,
                    format!("/components/schemas/{name}"),
                    "clashes with a model's type",
                ));
            }
            let mut converted = to_openapi_schema(schema);
            if let Some(object) = converted.as_object_mut() {
                object.insert("x-model-id".into(), json!(model.id));
            }
            schemas.insert(name.clone(), converted);
        }
        let submit = substitute(
            &template,
            &[
                ("{{model_id}}", &model.id),
                ("{{model_ident}}", &model.module()),
                ("{{input_type}}", &input_type),
            ],
        );
        let paths = document
            .get_mut("paths")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| CodegenError::at(BASE, "/paths", "must be an object"))?;
        let path = format!("/models/{}", model.id);
        if paths.insert(path.clone(), submit).is_some() {
            return Err(CodegenError::at(
                BASE,
                format!("/paths/{}", path.replace('/', "~1")),
                "clashes with a model's submit path",
            ));
        }
    }
    let document = Value::Object(document);
    // Fail here, naming the file, rather than inside progenitor.
    serde_json::from_value::<openapiv3::OpenAPI>(document.clone()).map_err(|e| {
        CodegenError::file(
            BASE,
            format!("the assembled document is not OpenAPI 3.0: {e}"),
        )
    })?;
    Ok(document)
}

/// Rewrites a draft-07 model schema into OpenAPI 3.0's schema dialect:
/// no `$schema`, one `example` instead of `examples`, and the provider's
/// `validations` kept as the extension `x-validations`.
pub fn to_openapi_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(object) => {
            let mut out = Map::new();
            for (key, value) in object {
                match key.as_str() {
                    "$schema" => {}
                    "examples" => {
                        if let Some(first) = value.as_array().and_then(|v| v.first()) {
                            out.insert("example".into(), first.clone());
                        }
                    }
                    "validations" => {
                        out.insert("x-validations".into(), value.clone());
                    }
                    "properties" => {
                        let properties = value
                            .as_object()
                            .map(|p| {
                                p.iter()
                                    .map(|(k, v)| (k.clone(), to_openapi_schema(v)))
                                    .collect()
                            })
                            .unwrap_or_default();
                        out.insert(key.clone(), Value::Object(properties));
                    }
                    "items" | "additionalProperties" => {
                        out.insert(key.clone(), to_openapi_schema(value));
                    }
                    _ => {
                        out.insert(key.clone(), value.clone());
                    }
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// Replaces placeholders in every string of a JSON template.
fn substitute(template: &Value, vars: &[(&str, &str)]) -> Value {
    match template {
        Value::String(s) => Value::String(
            vars.iter()
                .fold(s.clone(), |s, (from, to)| s.replace(from, to)),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, vars)).collect()),
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(k, v)| (k.clone(), substitute(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft07_keywords_become_openapi_dialect() {
        let schema = json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {"u": {"type": "string", "examples": ["a", "b"], "validations": []}}
        });
        let converted = to_openapi_schema(&schema);
        assert_eq!(
            converted,
            json!({
                "type": "object",
                "properties": {"u": {"type": "string", "example": "a", "x-validations": []}}
            })
        );
    }
}
