//! `runcomfy balance`: the account's balance, as the provider's serverless
//! API gives it (`GET {serverless base}/balance`). Nothing is submitted.

use serde_json::json;

use crate::context::Context;
use crate::exit::CliError;
use crate::money;

/// Prints the balance: `balance: $12.50 USD`, or its JSON document.
pub(crate) async fn balance(context: &Context) -> Result<(), CliError> {
    let balance = context.client.balance().await?;
    let document = json!({"balance_usd": balance.balance_usd, "currency": balance.currency});
    context.output.print(&document, || {
        format!("balance: {}", money::balance(&balance))
    });
    Ok(())
}
