//! Whether a built input passes the validator every path to a submit goes
//! through: its schema and its media rules (the `data:` URIs read for
//! their headers, nothing fetched).

use runcomfy_validate::{MediaProbe, Validator};
use serde_json::Value;

/// `Ok` when `input` passes every check of `schema` (the model's input
/// schema as JSON text); else every error, one `pointer: message` a line.
pub async fn check_input(schema: &str, input: &Value) -> Result<(), String> {
    let validator =
        Validator::from_json(schema).map_err(|e| format!("the schema does not compile: {e}"))?;
    validator
        .validate_all(input, &MediaProbe::new())
        .await
        .map_err(|invalid| {
            let errors: Vec<String> = invalid.errors.iter().map(ToString::to_string).collect();
            format!("the built input is invalid: {}", errors.join("; "))
        })
}
