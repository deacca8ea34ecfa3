//! Assembles `schemas/openapi.json` from the queue parts and the model folders.
//!
//! Model ids contain slashes and generated clients percent-encode path
//! parameters, so every model gets its own fixed submit path
//! (`/models/<model id>`) with its input as a typed request body.
//!
//! The document's examples are sent as they are by contract testers, to the
//! emulator among others, which fetches only loopback URLs and `data:` URIs:
//! so an http(s) example of a media field becomes a `data:` URI of a PNG
//! header that says 1280×720 (what the media rules read). The model schemas
//! in `schemas/models/` keep the provider's own examples.

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
            loopback_safe_examples(&mut converted);
            if let Some(object) = converted.as_object_mut() {
                object.insert("x-model-id".into(), json!(model.id));
            }
            schemas.insert(name.clone(), converted);
        }
        let submit = substitute(
            &template,
            &[
                ("{{model_id}}", &model.id),
                ("{{model_ident}}", &model.flat_name()),
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

/// What a media field's http(s) example becomes: a PNG header of 1280×720,
/// which passes the media rules of every image field and is read offline.
fn offline_image() -> Value {
    json!(runcomfy_validate::fixtures::png_data_uri(1280, 720))
}

/// Replaces the http(s) examples of media fields (a field with media rules,
/// or a `*_uri`/`*_uris` format) by [`offline_image`], at any depth of
/// `properties` and `items`; and gives an array of format `<kind>_uris`
/// without `items` the items `{"type": "string", "format": "<kind>_uri"}`,
/// which the validator checks of each of them, so that the document says
/// what the service accepts (a tester would otherwise send `[null]`).
fn loopback_safe_examples(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let item_format = object
        .get("format")
        .and_then(Value::as_str)
        .and_then(|format| format.strip_suffix('s'))
        .filter(|format| format.ends_with("_uri"))
        .map(str::to_owned);
    if let Some(format) = item_format
        && !object.contains_key("items")
    {
        object.insert("items".into(), json!({"type": "string", "format": format}));
    }
    let media = object.contains_key("x-validations")
        || object
            .get("format")
            .and_then(Value::as_str)
            .is_some_and(|format| format.ends_with("_uri") || format.ends_with("_uris"));
    if media && let Some(example) = object.get_mut("example") {
        let remote = |value: &Value| {
            value
                .as_str()
                .is_some_and(|text| text.starts_with("http://") || text.starts_with("https://"))
        };
        match example {
            Value::Array(items) => items
                .iter_mut()
                .filter(|item| remote(item))
                .for_each(|item| *item = offline_image()),
            single if remote(single) => *single = offline_image(),
            _ => {}
        }
    }
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.values_mut().for_each(loopback_safe_examples);
    }
    if let Some(items) = object.get_mut("items") {
        loopback_safe_examples(items);
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

    #[test]
    fn media_examples_become_offline_images_and_others_stay() {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "image_url": {"type": "string", "x-validations": [], "example": "https://cdn.example/a.jpeg"},
                "frames": {"type": "array", "format": "image_uris", "example": ["http://cdn.example/b.png", "data:image/png;base64,AA"]},
                "nested": {"type": "array", "items": {"type": "object", "properties": {
                    "clip": {"type": "string", "format": "video_uri", "example": "https://cdn.example/c.mp4"}
                }}},
                "homepage": {"type": "string", "format": "uri", "example": "https://example.com"},
                "prompt": {"type": "string", "example": "https://not-a-media-field"}
            }
        });
        loopback_safe_examples(&mut schema);
        let image = offline_image();
        let properties = &schema["properties"];
        assert_eq!(properties["image_url"]["example"], image);
        assert_eq!(
            properties["frames"]["example"],
            json!([image, "data:image/png;base64,AA"])
        );
        assert_eq!(
            properties["nested"]["items"]["properties"]["clip"]["example"],
            image
        );
        assert_eq!(properties["homepage"]["example"], "https://example.com");
        assert_eq!(properties["prompt"]["example"], "https://not-a-media-field");
        assert_eq!(
            properties["frames"]["items"],
            json!({"type": "string", "format": "image_uri"}),
            "an array of references says what each item is"
        );
        assert!(properties["nested"]["items"].get("format").is_none());
        let decoded = runcomfy_validate::media::DataUri::parse(image.as_str().unwrap_or(""));
        assert!(decoded.is_ok(), "a data: URI the validator reads");
    }
}
