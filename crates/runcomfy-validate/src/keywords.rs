//! The keywords this crate adds to jsonschema: the provider's `validations`
//! (its synchronous side: a reference the service can fetch) and `format`
//! (the media formats judged here, every other format left to jsonschema's
//! own check), and how a jsonschema error is said without echoing a long
//! value.

use jsonschema::{Keyword, ValidationError, paths::Location};
use serde_json::{Map, Value, json};

use crate::media::MediaKind;
use crate::reference::{reference_problem, unfetchable_reason};
use crate::rules::MediaRules;

/// jsonschema's message, without echoing long or structured values (a
/// 1,392-character prompt or a 6 MiB data: URI) back at the user.
pub(crate) fn describe(error: &jsonschema::ValidationError<'_>) -> String {
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

/// The kind a schema's media `format` names, if it names one.
pub(crate) fn media_format(schema: &Map<String, Value>) -> Option<(MediaKind, bool)> {
    schema
        .get("format")
        .and_then(Value::as_str)
        .and_then(MediaKind::of_format)
}

/// A string must be a reference the service can fetch.
struct FetchableReference;

impl<'i> Keyword<'i> for FetchableReference {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        match instance.as_str().and_then(unfetchable_reason) {
            Some(reason) => Err(ValidationError::custom(reason)),
            None => Ok(()),
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        instance.as_str().and_then(unfetchable_reason).is_none()
    }
}

/// Checks nothing: where a media `format` already judges the reference.
struct Judged;

impl<'i> Keyword<'i> for Judged {
    fn validate(&self, _: &'i Value) -> Result<(), ValidationError<'i>> {
        Ok(())
    }

    fn is_valid(&self, _: &'i Value) -> bool {
        true
    }
}

/// The factory jsonschema calls for each `validations` keyword: a schema with
/// malformed rules fails to compile, naming where; rules this build does not
/// know are kept (the media step warns of them).
pub(crate) fn validations<'a>(
    parent: &'a Map<String, Value>,
    value: &'a Value,
    location: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    match MediaRules::read(value) {
        Ok(_) if media_format(parent).is_some() => Ok(Box::new(Judged)),
        Ok(_) => Ok(Box::new(FetchableReference)),
        Err(error) => Err(ValidationError::custom(format!(
            "{}{}: {}",
            location.as_str(),
            error.pointer,
            error.reason
        ))),
    }
}

/// A string must be a reference to a file of this kind.
struct MediaReference(MediaKind);

impl<'i> Keyword<'i> for MediaReference {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        match instance.as_str().and_then(|r| reference_problem(r, self.0)) {
            Some(reason) => Err(ValidationError::custom(reason)),
            None => Ok(()),
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        instance
            .as_str()
            .and_then(|r| reference_problem(r, self.0))
            .is_none()
    }
}

/// Any other format, checked by jsonschema itself (draft-07, asserted), its
/// message said as [`describe`] says it.
struct StandardFormat(jsonschema::Validator);

impl<'i> Keyword<'i> for StandardFormat {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        match self.0.validate(instance) {
            Ok(()) => Ok(()),
            Err(error) => Err(ValidationError::custom(describe(&error))),
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        self.0.is_valid(instance)
    }
}

/// The factory jsonschema calls for each `format` keyword: a media format is
/// judged by [`reference_problem`], any other by jsonschema.
pub(crate) fn format<'a>(
    parent: &'a Map<String, Value>,
    value: &'a Value,
    _location: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    if let Some((kind, _)) = media_format(parent) {
        return Ok(Box::new(MediaReference(kind)));
    }
    let standard = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&json!({ "format": value }))
        .map_err(|error| ValidationError::custom(format!("`format`: {error}")))?;
    Ok(Box::new(StandardFormat(standard)))
}
