//! What every call of a client and of its handles shares: the base URL, the
//! HTTP clients, the credentials, the retry rules, the poll policy, the
//! request budget, the learned run times and the downloader.
//!
//! A leaf of the crate: the client and the handles both hold an
//! `Arc<Session>`, so neither needs the other's insides.

use std::sync::Arc;
use std::time::Instant;

use runcomfy_api::Credentials;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::download::Downloader;
use crate::error::{Error, Result};
use crate::poll::{ModelStats, PollPolicy, RequestBudget};
use crate::transport::{self, Attempt, Call, RetryPolicy};

/// The shared state of one configured client.
pub(crate) struct Session {
    /// The API base, including `/v1`, without a trailing slash.
    pub(crate) base: url::Url,
    /// The provider's serverless API base (the account's balance).
    pub(crate) serverless_base: url::Url,
    /// The API's HTTP client (credentials are added per request).
    pub(crate) http: reqwest::Client,
    /// The generated queue client, on the same HTTP client.
    pub(crate) api: runcomfy_api::Client,
    pub(crate) credentials: Credentials,
    pub(crate) retry: RetryPolicy,
    pub(crate) poll: Arc<dyn PollPolicy>,
    pub(crate) budget: Arc<RequestBudget>,
    pub(crate) stats: &'static ModelStats,
    /// Downloads, on an HTTP client that never carries credentials.
    pub(crate) downloader: Downloader,
}

impl Session {
    /// The API base, including `/v1`.
    pub(crate) fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// The serverless API base, without a trailing slash.
    pub(crate) fn serverless_base_url(&self) -> &str {
        self.serverless_base.as_str().trim_end_matches('/')
    }

    /// Sends `request` with this session's credentials: one attempt.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Attempt<T> {
        match request.build() {
            Ok(mut request) => {
                runcomfy_api::authorize(&self.credentials, &mut request);
                Attempt::from_raw(self.http.execute(request).await).await
            }
            Err(e) => Attempt::NoAnswer(e),
        }
    }

    /// A JSON document from `url` (a catalog record, the balance): a call
    /// safe to repeat, with this session's retries and budget.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        url: &str,
        model_id: &str,
        span: tracing::Span,
    ) -> Result<T> {
        let attempt = || self.execute(self.http.get(url));
        self.call_idempotent(model_id, None, None, span, attempt)
            .await
    }

    /// `Err(MissingToken)` unless a token is configured.
    pub(crate) fn require_token(&self) -> Result<()> {
        if self.credentials.is_set() {
            Ok(())
        } else {
            Err(Error::MissingToken)
        }
    }

    /// One call (about request `request_id`, when it is about one) that is
    /// safe to repeat: the retries and budget of this session, within
    /// `deadline`, in `span`.
    pub(crate) async fn call_idempotent<T, F, Fut>(
        &self,
        model_id: &str,
        request_id: Option<&str>,
        deadline: Option<Instant>,
        span: tracing::Span,
        attempt: F,
    ) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Attempt<T>>,
    {
        self.require_token()?;
        transport::call(
            Call::Idempotent,
            &self.retry,
            &self.budget,
            model_id,
            request_id,
            deadline,
            attempt,
        )
        .instrument(span)
        .await
    }
}
