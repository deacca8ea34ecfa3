//! The compiled validator of one model input schema.

use std::fmt;

use jsonschema::error::ValidationErrorKind;
use serde::Serialize;
use serde_json::Value;

use crate::media::{MediaProbe, MediaSource};
use crate::rules::{self, MediaRules};

/// One reason an input is invalid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// JSON pointer of the offending field in the input (`/image_url`); empty
    /// for the input as a whole.
    pub pointer: String,
    /// The schema keyword that failed (`maxLength`, `required`, `validations`, …).
    pub keyword: String,
    /// What is wrong, in words a user can act on (the provider's own
    /// `validation_error` text for media rules).
    pub message: String,
}

impl FieldError {
    /// The field's name as a user writes it: `image_url`, `a.b`, or `input`.
    pub fn field(&self) -> String {
        if self.pointer.is_empty() {
            "input".to_owned()
        } else {
            self.pointer
                .trim_start_matches('/')
                .split('/')
                .map(|token| token.replace("~1", "/").replace("~0", "~"))
                .collect::<Vec<_>>()
                .join(".")
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field(), self.message)
    }
}

/// An input that breaks its schema: every error, not just the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvalidInput {
    /// Every failing check, in schema order.
    pub errors: Vec<FieldError>,
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.errors.len();
        write!(
            f,
            "invalid input ({count} error{})",
            if count == 1 { "" } else { "s" }
        )?;
        for error in &self.errors {
            write!(f, "\n  {error}")?;
        }
        Ok(())
    }
}

/// A schema that cannot be compiled into a validator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {reason}")]
pub struct SchemaError {
    /// JSON pointer into the schema.
    pub pointer: String,
    /// What is wrong.
    pub reason: String,
}

/// A compiled input schema: JSON Schema rules plus the provider's media rules.
///
/// [`Validator::validate`] does no I/O and reports every error at once;
/// [`Validator::validate_media`] fetches only what the media rules need.
#[derive(Debug)]
pub struct Validator {
    schema: Value,
    compiled: jsonschema::Validator,
    media: Vec<(String, MediaRules)>,
}

impl Validator {
    /// Compiles a draft-07 schema, with the provider's `validations` keyword
    /// and `format` assertions (`uri`) switched on.
    pub fn new(schema: &Value) -> Result<Self, SchemaError> {
        // First, for errors that point at the exact rule.
        let mut media = Vec::new();
        collect_media_rules(schema, String::new(), &mut media)?;
        let compiled = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .with_keyword(rules::KEYWORD, rules::keyword_factory)
            .build(schema)
            .map_err(|error| SchemaError {
                pointer: error.instance_path().as_str().to_owned(),
                reason: error.to_string(),
            })?;
        Ok(Self {
            schema: schema.clone(),
            compiled,
            media,
        })
    }

    /// Compiles a schema written as JSON text (a model's `INPUT_SCHEMA`): the
    /// one way every crate turns a schema it carries into a validator.
    pub fn from_json(schema: &str) -> Result<Self, SchemaError> {
        let schema: Value = serde_json::from_str(schema).map_err(|e| SchemaError {
            pointer: String::new(),
            reason: format!("not JSON: {e}"),
        })?;
        Self::new(&schema)
    }

    /// The schema this validator was compiled from.
    pub fn schema(&self) -> &Value {
        &self.schema
    }

    /// Whether the input passes every check that needs no I/O.
    pub fn is_valid(&self, input: &Value) -> bool {
        self.compiled.is_valid(input)
    }

    /// Checks everything that needs no I/O; returns every error.
    pub fn validate(&self, input: &Value) -> Result<(), InvalidInput> {
        if self.compiled.is_valid(input) {
            return Ok(());
        }
        Err(InvalidInput {
            errors: self.errors(input),
        })
    }

    /// Serializes a typed value (such as a generated model input built with its
    /// builder) and checks it with the same rules as raw JSON; returns the JSON.
    pub fn validate_typed<T: Serialize>(&self, input: &T) -> Result<Value, InvalidInput> {
        let value = serde_json::to_value(input).map_err(|error| InvalidInput {
            errors: vec![FieldError {
                pointer: String::new(),
                keyword: "type".into(),
                message: format!("cannot be represented as JSON: {error}"),
            }],
        })?;
        self.validate(&value)?;
        Ok(value)
    }

    /// Every error of the checks that need no I/O (empty when valid).
    pub fn errors(&self, input: &Value) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for error in self.compiled.iter_errors(input) {
            let pointer = error.instance_path().as_str().to_owned();
            let keyword = error.kind().keyword().to_owned();
            match error.kind() {
                ValidationErrorKind::Required { property } => {
                    let name = property
                        .as_str()
                        .map_or_else(|| property.to_string(), str::to_owned);
                    errors.push(FieldError {
                        pointer: child_pointer(&pointer, &name),
                        keyword,
                        message: "is required".into(),
                    });
                }
                ValidationErrorKind::AdditionalProperties { unexpected } => {
                    let allowed = self.allowed_properties(error.schema_path().as_str());
                    for name in unexpected {
                        errors.push(FieldError {
                            pointer: child_pointer(&pointer, name),
                            keyword: keyword.clone(),
                            message: format!("is not a known field; allowed: {allowed}"),
                        });
                    }
                }
                ValidationErrorKind::Custom { message, .. } => errors.push(FieldError {
                    pointer,
                    keyword,
                    message: message.clone(),
                }),
                _ => errors.push(FieldError {
                    message: describe(&error),
                    pointer,
                    keyword,
                }),
            }
        }
        // A media field with an unfetchable value already says what it must be.
        let media_errors: Vec<String> = errors
            .iter()
            .filter(|e| e.keyword == rules::KEYWORD)
            .map(|e| e.pointer.clone())
            .collect();
        errors.retain(|e| !(e.keyword == "format" && media_errors.contains(&e.pointer)));
        errors
    }

    /// The fields that carry media rules, as (JSON pointer, rules).
    pub fn media_rules(&self) -> impl Iterator<Item = (&str, &MediaRules)> {
        self.media
            .iter()
            .map(|(pointer, rules)| (pointer.as_str(), rules))
    }

    /// The media rules of one field (`/image_url`), if it has any.
    pub fn media_rules_of(&self, pointer: &str) -> Option<&MediaRules> {
        self.media
            .iter()
            .find(|(p, _)| p == pointer)
            .map(|(_, rules)| rules)
    }

    /// Checks the media rules of every media field present in the input,
    /// concurrently, reading only what each rule needs. A reference that
    /// cannot be read is an error on its field that says why.
    pub async fn validate_media(
        &self,
        input: &Value,
        probe: &MediaProbe,
    ) -> Result<(), InvalidInput> {
        let checks = self.media.iter().filter_map(|(pointer, rules)| {
            let reference = input.pointer(pointer)?.as_str()?;
            // Unfetchable values are reported by `validate`.
            if rules::unfetchable_reason(reference).is_some() {
                return None;
            }
            Some(check_media(pointer, rules, reference, probe))
        });
        let errors: Vec<FieldError> = futures::future::join_all(checks)
            .await
            .into_iter()
            .flatten()
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(InvalidInput { errors })
        }
    }

    /// [`validate`](Self::validate), then [`validate_media`](Self::validate_media)
    /// for the fields that passed: every error of both.
    pub async fn validate_all(
        &self,
        input: &Value,
        probe: &MediaProbe,
    ) -> Result<(), InvalidInput> {
        let mut errors = self.errors(input);
        if let Err(media) = self.validate_media(input, probe).await {
            let failed: Vec<String> = errors.iter().map(|e| e.pointer.clone()).collect();
            errors.extend(
                media
                    .errors
                    .into_iter()
                    .filter(|m| !failed.contains(&m.pointer)),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(InvalidInput { errors })
        }
    }

    fn allowed_properties(&self, schema_path: &str) -> String {
        let parent = schema_path
            .strip_suffix("/additionalProperties")
            .unwrap_or(schema_path);
        let names: Vec<&str> = self
            .schema
            .pointer(parent)
            .and_then(|schema| schema.get("properties"))
            .and_then(Value::as_object)
            .map(|properties| properties.keys().map(String::as_str).collect())
            .unwrap_or_default();
        names.join(", ")
    }
}

/// Checks one media reference against its rules.
pub(crate) async fn check_media(
    pointer: &str,
    rules: &MediaRules,
    reference: &str,
    probe: &MediaProbe,
) -> Option<FieldError> {
    let error = |message: String| FieldError {
        pointer: pointer.to_owned(),
        keyword: rules::KEYWORD.to_owned(),
        message,
    };
    let source = match MediaSource::parse(reference) {
        Ok(source) => source,
        Err(e) => return Some(error(e.to_string())),
    };
    match probe
        .probe(&source, rules.needs(), rules.size_limit())
        .await
    {
        Ok(facts) => {
            let broken = rules.violations(&facts);
            (!broken.is_empty()).then(|| error(broken.join(" ")))
        }
        Err(e) => Some(error(e.to_string())),
    }
}

fn child_pointer(parent: &str, name: &str) -> String {
    format!("{parent}/{}", name.replace('~', "~0").replace('/', "~1"))
}

/// jsonschema's message, without echoing long or structured values (a
/// 1,392-character prompt or a 6 MiB data: URI) back at the user.
fn describe(error: &jsonschema::ValidationError<'_>) -> String {
    match error.instance().as_ref() {
        Value::String(s) if s.chars().count() > 64 => error
            .masked_with(format!("a string of {} characters", s.chars().count()))
            .to_string(),
        Value::Array(items) => error
            .masked_with(format!("an array of {} items", items.len()))
            .to_string(),
        Value::Object(_) => error.masked_with("an object").to_string(),
        _ => error.to_string(),
    }
}

/// Finds `validations` keywords under `properties`, recursively, and parses
/// them; `instance` is the JSON pointer of the schema's instance.
fn collect_media_rules(
    schema: &Value,
    instance: String,
    out: &mut Vec<(String, MediaRules)>,
) -> Result<(), SchemaError> {
    if let Some(value) = schema.get(rules::KEYWORD) {
        let rules = MediaRules::parse(value).map_err(|e| SchemaError {
            pointer: format!(
                "{}/{}{}",
                schema_pointer_of(&instance),
                rules::KEYWORD,
                e.pointer
            ),
            reason: e.reason,
        })?;
        out.push((instance.clone(), rules));
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            collect_media_rules(property, child_pointer(&instance, name), out)?;
        }
    }
    Ok(())
}

/// The schema location of an instance pointer made only of property names.
fn schema_pointer_of(instance: &str) -> String {
    instance
        .split('/')
        .skip(1)
        .map(|token| format!("/properties/{token}"))
        .collect()
}
