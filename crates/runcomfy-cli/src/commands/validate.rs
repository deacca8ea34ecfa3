//! `runcomfy validate`: the local checks (schema and media rules) of one input.
//!
//! Nothing is submitted. A model this build knows needs no service (its schema
//! is built in, its validator compiled for it alone); a model it does not
//! know is checked with the schema of the service's catalog (or its cached
//! copy), and when neither can be had the command fails.

use runcomfy_validate::{MediaProbe, Validator};
use serde_json::{Value, json};

use crate::catalog::remote_schema::{self, Lookup};
use crate::context::{Context, Service};
use crate::exit::CliError;
use crate::input::{self, InputArgs};
use crate::output::Output;

/// Checks the input; every error is listed in the failure.
pub(crate) async fn validate(
    service: &Service<'_>,
    output: &Output,
    model_id: &str,
    input: &InputArgs,
) -> Result<(), CliError> {
    let (value, schema, origin) = match runcomfy_types::model(model_id) {
        Some(spec) => {
            let value = input::assemble(model_id, input).await?;
            (value, spec.input_schema.to_owned(), "built-in schema")
        }
        None => {
            let context = Context::new(service, *output).await?;
            match remote_schema::input_schema(&context.client, output, model_id).await? {
                Lookup::Found(schema) => {
                    let value = input::assemble_with(model_id, Some(&schema), input).await?;
                    (value, schema.to_string(), "the catalog's schema")
                }
                Lookup::Unavailable(reason) => {
                    return Err(CliError::NoSchema(format!(
                        "cannot validate the input of `{model_id}`: this build does not know the model, \
                     and its schema is neither in the service's catalog ({reason}) nor cached"
                    )));
                }
            }
        }
    };
    let validator = Validator::from_json(&schema)
        .map_err(|e| CliError::Output(format!("{origin}: {} at `{}`", e.reason, e.pointer)))?;
    check(model_id, &validator, &value).await?;
    if output.json {
        println!("{}", json!({"model_id": model_id, "valid": true}));
    } else {
        output.say(format!("valid input for {model_id}"));
    }
    Ok(())
}

/// The schema's and the media rules' checks of `value`; every error listed.
pub(crate) async fn check(
    model_id: &str,
    validator: &Validator,
    value: &Value,
) -> Result<(), CliError> {
    validator
        .validate_all(value, &MediaProbe::new())
        .await
        .map_err(|invalid| CliError::Invalid {
            model_id: model_id.to_owned(),
            errors: invalid.errors,
        })
}
