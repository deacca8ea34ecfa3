//! Checks that a model schema uses only what the generators and validators
//! support, so that a bad schema fails with a file, a pointer and a reason
//! instead of a panic or silently dropped constraint.
//!
//! Two profiles: a curated schema (the seed's) keeps the strict rules; an
//! imported one (from the provider's catalog) may give a required field a
//! default, as the catalog does, and may carry `validations` rules this
//! build does not know, which are reported, kept in the schema and left out
//! only of the compile check.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::CodegenError;

/// The keyword marking an input whose shape is not public: any value is
/// accepted and passed through, and the tools warn that it went unchecked.
pub const UNVALIDATED: &str = "x-runcomfy-unvalidated";

/// Which rules a schema is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Written by hand from the seeds: no default on a required field, every
    /// `validations` rule known.
    Curated,
    /// Written by `cargo xtask catalog import` from the provider's catalog.
    Imported,
}

/// A `validations` rule this build does not know, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRule {
    /// JSON pointer of the `validations` entry (`/properties/image/validations/1`).
    pub pointer: String,
    /// The rule as written (`width/height>`).
    pub rule: String,
}

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
    "anyOf",
    UNVALIDATED,
];

const TYPES: &[&str] = &["object", "string", "integer", "number", "boolean", "array"];

/// Lints one curated model schema (input or output).
pub fn model_schema(file: &Path, schema: &Value) -> Result<(), CodegenError> {
    model_schema_as(file, schema, Profile::Curated).map(|_| ())
}

/// Lints one model schema under a profile; returns the unknown `validations`
/// rules an imported schema carries (a curated one carrying any fails).
pub fn model_schema_as(
    file: &Path,
    schema: &Value,
    profile: Profile,
) -> Result<Vec<UnknownRule>, CodegenError> {
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
    walk(file, schema, "", profile)?;
    let meta = jsonschema::draft7::meta::validator();
    if let Some(error) = meta.iter_errors(schema).next() {
        return Err(CodegenError::at(
            file,
            error.instance_path().as_str(),
            format!("not a valid draft-07 schema: {error}"),
        ));
    }
    let mut known = schema.clone();
    let unknown = take_unknown_rules(&mut known, "");
    if let (Profile::Curated, Some(first)) = (profile, unknown.first()) {
        // The validator would keep it as a warning; a curated schema is ours
        // and may use only the rules this build applies.
        return Err(CodegenError::at(
            file,
            format!("{}/validation_rule", first.pointer),
            format!(
                "unknown validation_rule `{}` (known: {})",
                first.rule,
                runcomfy_validate::MediaRule::NAMES.join(", ")
            ),
        ));
    }
    runcomfy_validate::Validator::new(&known)
        .map_err(|e| CodegenError::at(file, e.pointer, e.reason))?;
    Ok(unknown)
}

/// Removes the `validations` entries whose rule this build does not know,
/// from `schema` and the schemas under its `properties` and `items`, and
/// says where each was.
fn take_unknown_rules(schema: &mut Value, pointer: &str) -> Vec<UnknownRule> {
    let mut found = Vec::new();
    let Some(object) = schema.as_object_mut() else {
        return found;
    };
    if let Some(Value::Array(rules)) = object.get_mut("validations") {
        let mut index = 0;
        rules.retain(|rule| {
            let name = rule.get("validation_rule").and_then(Value::as_str);
            let unknown = name.filter(|n| !runcomfy_validate::MediaRule::NAMES.contains(n));
            if let Some(rule) = unknown {
                found.push(UnknownRule {
                    pointer: format!("{pointer}/validations/{index}"),
                    rule: rule.to_owned(),
                });
            }
            index += 1;
            unknown.is_none()
        });
    }
    if let Some(items) = object.get_mut("items") {
        found.extend(take_unknown_rules(items, &format!("{pointer}/items")));
    }
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            found.extend(take_unknown_rules(
                property,
                &format!("{pointer}/properties/{name}"),
            ));
        }
    }
    found
}

fn walk(file: &Path, schema: &Value, pointer: &str, profile: Profile) -> Result<(), CodegenError> {
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
            "properties" => walk_properties(file, value, &here, profile)?,
            "items" => walk(file, value, &here, profile)?,
            "additionalProperties" if value.is_object() => walk(file, value, &here, profile)?,
            "anyOf" => {
                for (index, choice) in value.as_array().into_iter().flatten().enumerate() {
                    walk(file, choice, &format!("{here}/{index}"), profile)?;
                }
            }
            _ => {}
        }
    }
    match profile {
        Profile::Curated => required_without_default(file, object, pointer),
        // The catalog gives required fields defaults (the value its own
        // clients prefill); refusing them would make those models unusable.
        Profile::Imported => Ok(()),
    }
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
        "validations"
            if !matches!(
                object.get("type").and_then(Value::as_str),
                Some("string" | "array")
            ) =>
        {
            Some("`validations` applies to URL fields and arrays of URLs only".into())
        }
        "anyOf" if value.as_array().is_none_or(|choices| choices.is_empty()) => {
            Some("`anyOf` must be a non-empty list of schemas".into())
        }
        UNVALIDATED if value != &Value::Bool(true) => {
            Some(format!("`{UNVALIDATED}` is `true` or absent"))
        }
        _ => None,
    }
}

/// Each property's name, then its schema.
fn walk_properties(
    file: &Path,
    properties: &Value,
    here: &str,
    profile: Profile,
) -> Result<(), CodegenError> {
    for (name, property) in properties.as_object().into_iter().flatten() {
        let at = format!("{here}/{name}");
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(CodegenError::at(
                file,
                at,
                "property names are made of ASCII letters, digits and `_`",
            ));
        }
        walk(file, property, &at, profile)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(properties: Value, required: &[&str]) -> Value {
        json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "Input",
            "type": "object",
            "required": required,
            "additionalProperties": false,
            "properties": properties
        })
    }

    fn lint(schema: &Value, profile: Profile) -> Result<Vec<UnknownRule>, CodegenError> {
        model_schema_as(Path::new("input.json"), schema, profile)
    }

    #[test]
    fn what_the_catalog_uses_passes_both_profiles() {
        let schema = input(
            json!({
                "duration": {"type": "integer", "enum": [5, 10]},
                "steps": {"type": "string", "enum": ["auto", "6", "8"]},
                "prompt": {"type": "string", "maxLength": 2500, "default": ""},
                "images": {
                    "type": "array", "format": "image_uris", "minItems": 1, "maxItems": 16,
                    "items": {"type": "string", "format": "image_uri"},
                    "validations": [{"validation_rule": "file_size_mb<", "validation_value": 30,
                                     "validation_error": "File size must be less than 30 MB."}]
                },
                "clip": {"type": "string", "format": "video_uri"},
                "elements": {"description": "any", UNVALIDATED: true}
            }),
            &[],
        );
        assert_eq!(lint(&schema, Profile::Curated), Ok(vec![]));
        assert_eq!(lint(&schema, Profile::Imported), Ok(vec![]));
    }

    #[test]
    fn a_required_default_passes_only_an_imported_schema() {
        let schema = input(
            json!({"prompt": {"type": "string", "default": ""}}),
            &["prompt"],
        );
        assert_eq!(lint(&schema, Profile::Imported), Ok(vec![]));
        let error = lint(&schema, Profile::Curated).expect_err("curated");
        assert_eq!(error.pointer.as_deref(), Some("/properties/prompt/default"));
    }

    #[test]
    fn an_unknown_rule_is_reported_for_an_imported_schema_and_fails_a_curated_one() {
        let rules = json!([
            {"validation_rule": "file_size_mb<", "validation_value": 30, "validation_error": "size"},
            {"validation_rule": "duration_seconds<", "validation_value": 10, "validation_error": "length"}
        ]);
        let schema = input(
            json!({"image": {"type": "array", "format": "image_uris", "validations": rules}}),
            &[],
        );
        assert_eq!(
            lint(&schema, Profile::Imported),
            Ok(vec![UnknownRule {
                pointer: "/properties/image/validations/1".into(),
                rule: "duration_seconds<".into(),
            }])
        );
        let error = lint(&schema, Profile::Curated).expect_err("curated");
        assert!(
            error
                .reason
                .contains("unknown validation_rule `duration_seconds<`"),
            "{error}"
        );
        let mut bad_known = schema.clone();
        bad_known["properties"]["image"]["validations"][0]["validation_value"] = json!(-1);
        let error = lint(&bad_known, Profile::Imported).expect_err("a known rule stays strict");
        assert!(error.reason.contains("positive number"), "{error}");
    }

    #[test]
    fn the_marker_and_any_of_are_checked() {
        let marked = input(json!({"elements": {UNVALIDATED: "yes"}}), &[]);
        let error = lint(&marked, Profile::Imported).expect_err("marker");
        assert_eq!(
            error.pointer.as_deref(),
            Some("/properties/elements/x-runcomfy-unvalidated")
        );
        let empty = input(json!({"audio": {"anyOf": []}}), &[]);
        assert!(lint(&empty, Profile::Imported).is_err());
        let choice = input(json!({"audio": {"anyOf": [{"type": "strng"}]}}), &[]);
        let error = lint(&choice, Profile::Imported).expect_err("choice");
        assert_eq!(
            error.pointer.as_deref(),
            Some("/properties/audio/anyOf/0/type")
        );
    }
}
