//! The checks an input goes through before any submit: the model's schema
//! (validators compiled once per client, for the models this build knows)
//! and its media rules; and [`CheckedInput`], the proof that they passed.

use std::sync::Arc;

use runcomfy_validate::{MediaProbe, Validator, Validators};
use serde_json::Value;

use crate::error::{Error, Result};

/// An input that passed every check of a [`Client`](crate::Client) (schema
/// and media rules). Only [`Client::check`](crate::Client::check) makes one,
/// so no path to a submit skips validation.
#[derive(Debug, Clone)]
pub struct CheckedInput {
    model_id: String,
    value: Value,
}

impl CheckedInput {
    /// The model it was checked for.
    pub fn model_id(&self) -> &str {
        &self.model_id
    }

    /// The input.
    pub fn value(&self) -> &Value {
        &self.value
    }
}

/// The validators of one client, and whether it checks media.
#[derive(Debug)]
pub(crate) struct Checks {
    validate_media: bool,
    probe: MediaProbe,
    validators: Validators,
}

impl Checks {
    pub(crate) fn new(validate_media: bool) -> Self {
        Self {
            validate_media,
            probe: MediaProbe::new(),
            validators: Validators::new(|id| {
                runcomfy_types::model(id).map(|spec| spec.input_schema)
            }),
        }
    }

    /// The validator of a model this build knows, compiled on first use.
    /// `Ok(None)` for a model this build does not know; an error when its
    /// built-in schema does not compile (never a silently skipped check).
    pub(crate) fn validator(&self, model_id: &str) -> Result<Option<Arc<Validator>>> {
        self.validators.get(model_id).map_err(|e| {
            Error::Configuration(format!(
                "the built-in schema of {model_id} cannot be used, so its inputs cannot be checked: {} at `{}`",
                e.reason, e.pointer
            ))
        })
    }

    /// Every check of an input that this build can make: the schema, then
    /// the media rules (unless switched off). Nothing is sent.
    pub(crate) async fn validate(&self, model_id: &str, input: &Value) -> Result<()> {
        let Some(validator) = self.validator(model_id)? else {
            return Ok(());
        };
        let checked = if self.validate_media {
            validator.validate_all(input, &self.probe).await
        } else {
            validator.validate(input)
        };
        checked.map_err(|invalid| Error::InvalidInput {
            model_id: model_id.to_owned(),
            errors: invalid.errors,
        })
    }

    /// Checks `input` once, for a submit later without a second check.
    pub(crate) async fn check(&self, model_id: &str, input: Value) -> Result<CheckedInput> {
        self.validate(model_id, &input).await?;
        Ok(CheckedInput {
            model_id: model_id.to_owned(),
            value: input,
        })
    }
}
