//! `runcomfy models` and `runcomfy schema`: what this build knows.
//!
//! No service is asked.

use serde_json::json;

use crate::exit::CliError;
use crate::output::Output;

/// `runcomfy models`: one id a line, or `{"models": [...]}`.
pub(crate) fn models(output: &Output) -> Result<(), CliError> {
    let ids: Vec<&str> = runcomfy_types::models()
        .iter()
        .map(|spec| spec.id)
        .collect();
    output.print(&json!({"models": ids}), || ids.join("\n"));
    Ok(())
}

/// `runcomfy schema`: a model's input schema (or output schema) as built in.
pub(crate) fn schema(model_id: &str, output: bool) -> Result<(), CliError> {
    let spec = runcomfy_types::model(model_id).ok_or_else(|| {
        CliError::Usage(format!(
            "unknown model `{model_id}`; this build knows: {}",
            known()
        ))
    })?;
    print!(
        "{}",
        if output {
            spec.output_schema
        } else {
            spec.input_schema
        }
    );
    Ok(())
}

/// The ids of the models this build knows, for an error naming them.
pub(crate) fn known() -> String {
    let known: Vec<&str> = runcomfy_types::models().iter().map(|s| s.id).collect();
    known.join(", ")
}
