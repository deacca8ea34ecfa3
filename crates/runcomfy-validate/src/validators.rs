//! [`Validators`]: the validator of each schema a program carries, compiled
//! on first use and kept, so that a program that knows many models compiles
//! only those it is asked about.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::field::SchemaError;
use crate::validator::Validator;

/// Validators by name (a model id), compiled when first asked for from the
/// schema text `schemas` gives for that name.
pub struct Validators {
    schemas: fn(&str) -> Option<&'static str>,
    compiled: Mutex<HashMap<String, Arc<Validator>>>,
}

impl std::fmt::Debug for Validators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let compiled = self.compiled.lock().map_or(0, |compiled| compiled.len());
        f.debug_struct("Validators")
            .field("compiled", &compiled)
            .finish_non_exhaustive()
    }
}

impl Validators {
    /// A cache over `schemas`: the schema text of a name, `None` for a name
    /// it does not know.
    pub fn new(schemas: fn(&str) -> Option<&'static str>) -> Self {
        Self {
            schemas,
            compiled: Mutex::new(HashMap::new()),
        }
    }

    /// The validator of `name`, compiled on first use: `Ok(None)` for a name
    /// the schemas do not know, an error when its schema does not compile
    /// (never a check silently skipped).
    pub fn get(&self, name: &str) -> Result<Option<Arc<Validator>>, SchemaError> {
        let Some(schema) = (self.schemas)(name) else {
            return Ok(None);
        };
        // A panic while the map was held cannot leave it inconsistent (one
        // insert of a finished validator), so a poisoned lock is still read.
        let mut compiled = self.compiled.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(validator) = compiled.get(name) {
            return Ok(Some(validator.clone()));
        }
        let validator = Arc::new(Validator::from_json(schema)?);
        compiled.insert(name.to_owned(), validator.clone());
        Ok(Some(validator))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemas(name: &str) -> Option<&'static str> {
        match name {
            "good" => Some(r#"{"type": "object", "required": ["a"]}"#),
            "broken" => Some(r#"{"type": "object", "#),
            "bad rule" => Some(r#"{"type": "object", "properties": {"a": {"type": "bogus"}}}"#),
            _ => None,
        }
    }

    #[test]
    fn a_validator_is_compiled_once_and_an_unknown_name_is_none() {
        let validators = Validators::new(schemas);
        let first = validators.get("good").expect("compiles").expect("known");
        let again = validators.get("good").expect("compiles").expect("known");
        assert!(Arc::ptr_eq(&first, &again), "compiled once");
        assert!(first.validate(&serde_json::json!({})).is_err());
        assert!(validators.get("unknown").expect("no error").is_none());
    }

    #[test]
    fn a_schema_that_does_not_compile_is_an_error_not_a_skipped_check() {
        let validators = Validators::new(schemas);
        let broken = validators.get("broken").expect_err("not JSON");
        assert!(broken.reason.contains("not JSON"), "{broken:?}");
        assert!(validators.get("bad rule").is_err());
    }
}
