//! `GET /prod/v2/balance`: the account's balance, at the path of the
//! provider's serverless API (which the provider's CLI reads), so outside
//! `/v1`, the Model API document and its contract check; a bearer token is
//! required as on every call.
//!
//! An unlimited account answers [`UNLIMITED_BALANCE_USD`] with
//! `"unlimited": true`: clients read `balance_usd` as a number, and a
//! balance no job can exceed is what unlimited means to them.

use std::sync::Arc;

use axum::extract::State;
use hyper::StatusCode;
use serde_json::json;

use crate::api::auth::Owner;
use crate::api::reply::Reply;
use crate::api::state::Api;

/// Where the balance is served.
pub(crate) const BALANCE: &str = "/prod/v2/balance";

/// What an unlimited account says it holds, in USD.
pub const UNLIMITED_BALANCE_USD: f64 = 1_000_000.0;

/// `GET /prod/v2/balance`.
pub(crate) async fn balance(State(api): State<Arc<Api>>, _: Owner) -> Reply {
    let body = match api.account.balance() {
        Some(balance) => json!({"balance_usd": balance.usd(), "currency": "USD"}),
        None => json!({
            "balance_usd": UNLIMITED_BALANCE_USD,
            "currency": "USD",
            "unlimited": true,
        }),
    };
    Reply::json(StatusCode::OK, body)
}
