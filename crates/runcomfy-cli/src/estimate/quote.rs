//! What the service says before anything is paid: a model's price from its
//! catalog record (`GET /v1/models/{model_id}`) and the account's balance.
//! Nothing is submitted.

use runcomfy::{Client, Error, ModelRecord};
use serde_json::Value;

use crate::context::Context;
use crate::estimate::report::{Estimate, Pricing};
use crate::exit::CliError;

/// Prints the estimate of one job a input of `inputs` (checked already),
/// `not_submitted_again` the lines of a batch left out; nothing is sent but
/// the catalog's and the balance's requests. A catalog without the model is
/// an unknown price; any other failure of the catalog ends the command (a
/// token it refuses would refuse the jobs too). A balance that cannot be
/// read is said, and the estimate stands.
pub(crate) async fn estimate(
    context: &Context,
    model_id: &str,
    inputs: &[&Value],
    not_submitted_again: usize,
) -> Result<(), CliError> {
    let (pricing, schema) = pricing(&context.client, model_id).await?;
    let per_job = inputs
        .iter()
        .map(|input| pricing.price?.estimate(input, schema.as_ref()))
        .collect();
    let balance = context.client.balance().await.map_err(|e| e.to_string());
    let estimate = Estimate {
        model_id,
        pricing,
        per_job,
        not_submitted_again,
        balance,
    };
    context
        .output
        .print(&estimate.to_json(), || estimate.human());
    context.output.say("nothing was submitted (--estimate)");
    Ok(())
}

/// The catalog's pricing of `model_id`, and the input schema that says a
/// duration's default (the catalog's, else the one built in).
async fn pricing(client: &Client, model_id: &str) -> Result<(Pricing, Option<Value>), CliError> {
    let built_in = runcomfy_types::model(model_id)
        .and_then(|spec| serde_json::from_str::<Value>(spec.input_schema).ok());
    let record = match client.model(model_id).await {
        Ok(record) => record,
        Err(Error::NotFound { message, .. }) => {
            let pricing = Pricing {
                price: None,
                note: None,
                unknown: Some(message),
            };
            return Ok((pricing, built_in));
        }
        Err(other) => return Err(other.into()),
    };
    let pricing = Pricing {
        price: record.price(),
        unknown: record.price().is_none().then(|| why_no_price(&record)),
        note: record.pricing_note.clone(),
    };
    Ok((pricing, record.input_schema.or(built_in)))
}

/// Why a catalog record gives no price this build can use.
fn why_no_price(record: &ModelRecord) -> String {
    match (record.base_price_usd, record.price_unit.as_deref()) {
        (None, _) => "the catalog gives no price for this model".to_owned(),
        (Some(_), None) => "the catalog gives no price unit for this model".to_owned(),
        (Some(_), Some(unit)) if !matches!(unit, "output" | "second") => format!(
            "the catalog's price unit `{unit}` is not one this build knows (output or second)"
        ),
        (Some(_), Some(_)) => "the catalog's price is not an amount of USD".to_owned(),
    }
}
