//! The account's balance, as the provider's serverless API gives it
//! (`GET {serverless base}/balance`, the call the provider's CLI makes).

use serde::Deserialize;

use crate::client::Client;
use crate::error::Result;

/// The provider's serverless API base, as its CLI takes it.
pub const DEFAULT_SERVERLESS_BASE_URL: &str = "https://api.runcomfy.net/prod/v2";

/// What the account can still pay for.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Balance {
    /// The balance, in `currency`.
    pub balance_usd: f64,
    /// The currency (`USD`).
    #[serde(default = "usd")]
    pub currency: String,
}

fn usd() -> String {
    "USD".to_owned()
}

impl Client {
    /// The account's balance: nothing is submitted.
    pub async fn balance(&self) -> Result<Balance> {
        let session = self.session();
        let url = format!("{}/balance", session.serverless_base_url());
        let span = tracing::debug_span!("runcomfy.balance");
        session.get_json::<Balance>(&url, "", span).await
    }
}
