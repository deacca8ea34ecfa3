//! `runcomfy validate`: the local checks (schema and media rules) of one input.
//!
//! No service client is built, nothing is sent.

use serde_json::json;

use crate::commands::models;
use crate::exit::CliError;
use crate::input::{self, InputArgs};
use crate::output::Output;

/// Checks the input; every error is listed in the failure.
pub(crate) async fn validate(
    output: &Output,
    model_id: &str,
    input: &InputArgs,
) -> Result<(), CliError> {
    let value = input::assemble(model_id, input).await?;
    let spec = runcomfy_types::model(model_id).ok_or_else(|| {
        CliError::Usage(format!(
            "unknown model `{model_id}`: only models this build knows can be validated ({})",
            models::known()
        ))
    })?;
    let validator = runcomfy_validate::Validator::from_json(spec.input_schema).map_err(|e| {
        CliError::Output(format!("built-in schema: {} at `{}`", e.reason, e.pointer))
    })?;
    if let Err(invalid) = validator
        .validate_all(&value, &runcomfy_validate::MediaProbe::new())
        .await
    {
        return Err(CliError::Invalid {
            model_id: model_id.to_owned(),
            errors: invalid.errors,
        });
    }
    if output.json {
        println!("{}", json!({"model_id": model_id, "valid": true}));
    } else {
        output.say(format!("valid input for {model_id}"));
    }
    Ok(())
}
