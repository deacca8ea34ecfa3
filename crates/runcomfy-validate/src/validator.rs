//! The compiled validator of one model input schema: every error without
//! I/O, the media rules with it, and the warnings of what goes unchecked.

use jsonschema::error::ValidationErrorKind;
use serde::Serialize;
use serde_json::Value;

use crate::field::{FieldError, FieldWarning, InvalidInput, SchemaError, child_pointer};
use crate::keywords::{self, describe};
use crate::media::MediaKind;
use crate::media_fields::{MediaSite, SchemaMap, UNVALIDATED, item_level, resolve};
use crate::reference::{reference_problem, unfetchable_reason};
use crate::rules::{self, MediaRules};

/// A compiled input schema: JSON Schema rules plus the provider's media
/// formats and media rules.
///
/// [`Validator::validate`] does no I/O and reports every error at once;
/// [`Validator::validate_media`] fetches only what the media rules need;
/// [`Validator::warnings`] says what an input reaches that goes unchecked.
///
/// A field of a media `format` (`image_uri`, `video_uris`, …) must hold an
/// `https`/`http` URL or a `data:` URI (on an array, each item must): a
/// `data:` URI's kind is its media type's (`image/*`, `video/*`,
/// `audio/*`), a URL's is its path's extension when it has one this crate
/// knows (`.png`, `.mp4`, `.wav`, …); a URL without one is not judged by
/// kind until a media rule reads its bytes, which then decide.
#[derive(Debug)]
pub struct Validator {
    schema: Value,
    compiled: jsonschema::Validator,
    map: SchemaMap,
}

impl Validator {
    /// Compiles a draft-07 schema, with the provider's `validations` keyword,
    /// the media formats and `format` assertions (`uri`) switched on. A
    /// `validations` rule this build does not know compiles: it is kept,
    /// and reported by [`warnings`](Self::warnings) when an input reaches
    /// it and by [`schema_warnings`](Self::schema_warnings).
    pub fn new(schema: &Value) -> Result<Self, SchemaError> {
        // First, for errors that point at the exact rule.
        let map = SchemaMap::of(schema)?;
        let compiled = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .with_keyword(rules::KEYWORD, keywords::validations)
            .with_keyword("format", keywords::format)
            .build(&item_level(schema))
            .map_err(|error| SchemaError {
                pointer: error.instance_path().as_str().to_owned(),
                reason: error.to_string(),
            })?;
        Ok(Self {
            schema: schema.clone(),
            compiled,
            map,
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

    /// What `input` reaches that this build accepts without checking, each
    /// naming its field: an input whose shape is not public
    /// (`x-runcomfy-unvalidated`, passed through as given), and a
    /// `validations` rule this build does not know or cannot apply (the
    /// field's other rules still run). Never a reason to refuse the input.
    pub fn warnings(&self, input: &Value) -> Vec<FieldWarning> {
        let unvalidated = self.map.unvalidated.iter().flat_map(|path| {
            resolve(input, path)
                .into_iter()
                .map(|(pointer, _)| FieldWarning {
                    pointer,
                    keyword: UNVALIDATED.to_owned(),
                    message: "was passed through unvalidated: its shape is not public, so this build cannot check it".to_owned(),
                })
        });
        let skipped = self.map.sites.iter().flat_map(|site| {
            reached_fields(site, input)
                .into_iter()
                .flat_map(move |pointer| skipped_rule_warnings(site, &pointer))
        });
        unvalidated.chain(skipped).collect()
    }

    /// The rules of the schema this build does not apply, each at its place
    /// in the schema (`/properties/image/validations/1`): what an import
    /// reports, before any input reaches them.
    pub fn schema_warnings(&self) -> Vec<FieldWarning> {
        let sites = self.map.sites.iter();
        sites
            .flat_map(|site| skipped_rule_warnings(site, &site.schema_pointer))
            .collect()
    }

    /// The fields that carry media rules, as (JSON pointer, rules). A field
    /// whose value is an array (`/images`) has rules for each of its items.
    pub fn media_rules(&self) -> impl Iterator<Item = (&str, &MediaRules)> {
        self.map
            .sites
            .iter()
            .map(|site| (site.field.as_str(), &site.rules))
    }

    /// The media rules of one field (`/image_url`, `/images`), if it has any.
    pub fn media_rules_of(&self, pointer: &str) -> Option<&MediaRules> {
        self.media_rules()
            .find(|(field, _)| *field == pointer)
            .map(|(_, rules)| rules)
    }

    /// Every reference in `input` that the media step would read, with its
    /// pointer (an array's items one by one, `/images/2`) and the kind its
    /// field asks for (`None` for a plain `uri` field): what a caller that
    /// may fetch only some references looks at first.
    pub fn media_references<'v>(
        &self,
        input: &'v Value,
    ) -> Vec<(String, &'v str, Option<MediaKind>)> {
        self.readable_references(input)
            .into_iter()
            .map(|(site, pointer, reference)| (pointer, reference, site.kind))
            .collect()
    }

    /// The references the media step reads, each with its site and pointer.
    pub(crate) fn readable_references<'s, 'v>(
        &'s self,
        input: &'v Value,
    ) -> Vec<(&'s MediaSite, String, &'v str)> {
        let sites = self.map.sites.iter().filter(|site| !site.rules.is_empty());
        sites
            .flat_map(|site| {
                resolve(input, &site.path)
                    .into_iter()
                    .filter_map(move |(pointer, value)| {
                        let reference = value.as_str()?;
                        let unusable = match site.kind {
                            Some(kind) => reference_problem(reference, kind),
                            None => unfetchable_reason(reference),
                        };
                        // Unusable values are reported by `validate`.
                        unusable.is_none().then_some((site, pointer, reference))
                    })
            })
            .collect()
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

/// The pointers of the fields of `site` that `input` has and that reach its
/// rules (an array field, when it has an item).
fn reached_fields(site: &MediaSite, input: &Value) -> Vec<String> {
    let each_item = site.path.len() > site.field_path.len();
    resolve(input, &site.field_path)
        .into_iter()
        .filter(|(_, value)| !each_item || value.as_array().is_some_and(|items| !items.is_empty()))
        .map(|(pointer, _)| pointer)
        .collect()
}

/// A warning at `pointer` for each rule of `site` that is not applied.
fn skipped_rule_warnings(site: &MediaSite, pointer: &str) -> Vec<FieldWarning> {
    let at_schema = pointer == site.schema_pointer;
    let warning = |skipped: &crate::rules::SkippedRule| FieldWarning {
        pointer: if at_schema {
            format!("{pointer}/{}", skipped.index)
        } else {
            pointer.to_owned()
        },
        keyword: rules::KEYWORD.to_owned(),
        message: format!(
            "validations rule `{}` was not checked: {}",
            skipped.rule, skipped.reason
        ),
    };
    site.rules.skipped().iter().map(warning).collect()
}
