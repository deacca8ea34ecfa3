//! The checks an input goes through before any submit: the model's schema
//! (validators compiled once per client, for the models this build knows)
//! and its media rules; and [`CheckedInput`], the proof that they passed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use runcomfy_validate::{MediaProbe, Validator};
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
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

impl Checks {
    pub(crate) fn new(validate_media: bool) -> Self {
        Self {
            validate_media,
            probe: MediaProbe::new(),
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// The validator of a model this build knows, compiled on first use.
    /// `Ok(None)` for a model this build does not know; an error when its
    /// built-in schema does not compile (never a silently skipped check).
    pub(crate) fn validator(&self, model_id: &str) -> Result<Option<Arc<Validator>>> {
        let Some(spec) = runcomfy_types::model(model_id) else {
            return Ok(None);
        };
        // A panic while the map was held cannot leave it inconsistent (one
        // insert of a finished validator), so a poisoned lock is still read.
        let mut cache = self
            .validators
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(validator) = cache.get(model_id) {
            return Ok(Some(validator.clone()));
        }
        let broken = |reason: String| {
            Error::Configuration(format!(
                "the built-in schema of {model_id} cannot be used, so its inputs cannot be checked: {reason}"
            ))
        };
        let schema: Value =
            serde_json::from_str(spec.input_schema).map_err(|e| broken(e.to_string()))?;
        let validator = Arc::new(Validator::new(&schema).map_err(|e| broken(e.to_string()))?);
        cache.insert(model_id.to_owned(), validator.clone());
        Ok(Some(validator))
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
