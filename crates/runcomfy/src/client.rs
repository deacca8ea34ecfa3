//! [`Client`]: validate and submit inputs, resume requests, run a job from
//! submit to result. Configuration is [`ClientBuilder`](crate::ClientBuilder)'s.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use runcomfy_api::types::SubmitResponse;
use runcomfy_types::ModelInput;
use runcomfy_validate::Validator;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::checks::{CheckedInput, Checks};
use crate::error::{Error, Result};
use crate::handle::RequestHandle;
use crate::request_id;
use crate::session::Session;
use crate::transport::{self, Call, RetryPolicy};
use crate::wait::Wait;

/// A RunComfy Model API client. Cheap to clone; clones share connections,
/// the request budget and the learned job durations.
#[derive(Clone)]
pub struct Client {
    session: Arc<Session>,
    checks: Arc<Checks>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let session = &self.session;
        f.debug_struct("Client")
            .field("base_url", &session.base_url())
            .field(
                "token",
                &session.credentials.is_set().then_some("[redacted]"),
            )
            .field("retry", &session.retry)
            .field("poll", &session.poll)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn new(session: Arc<Session>, checks: Checks) -> Self {
        Self {
            session,
            checks: Arc::new(checks),
        }
    }

    /// The API base, including `/v1`.
    pub fn base_url(&self) -> &str {
        self.session.base_url()
    }

    pub(crate) fn session(&self) -> &Arc<Session> {
        &self.session
    }

    pub(crate) fn require_token(&self) -> Result<()> {
        self.session.require_token()
    }

    /// The validator of a model this build knows (compiled once per client):
    /// `Ok(None)` for a model this build does not know, an error when the
    /// model's built-in schema cannot be compiled.
    pub fn validator(&self, model_id: &str) -> Result<Option<Arc<Validator>>> {
        self.checks.validator(model_id)
    }

    /// Every check of an input that this build can make: the schema, then the
    /// media rules (unless switched off). Nothing is sent.
    pub async fn validate(&self, model_id: &str, input: &Value) -> Result<()> {
        self.checks.validate(model_id, input).await
    }

    /// Validates and submits a typed input; the handle's results are typed.
    pub async fn submit<I: ModelInput>(&self, input: &I) -> Result<RequestHandle<I::Output>> {
        let value = serde_json::to_value(input).map_err(|e| Error::InvalidInput {
            model_id: I::SPEC.id.to_owned(),
            errors: vec![runcomfy_validate::FieldError {
                pointer: String::new(),
                keyword: "type".into(),
                message: format!("cannot be represented as JSON: {e}"),
            }],
        })?;
        self.submit_value(I::SPEC.id, &value).await
    }

    /// Validates (when this build knows the model) and submits a JSON input
    /// to any model id.
    pub async fn submit_json(&self, model_id: &str, input: &Value) -> Result<RequestHandle<Value>> {
        self.submit_value(model_id, input).await
    }

    async fn submit_value<O: DeserializeOwned>(
        &self,
        model_id: &str,
        input: &Value,
    ) -> Result<RequestHandle<O>> {
        self.require_token()?;
        self.validate(model_id, input).await?;
        self.send(model_id, input, &self.session.retry).await
    }

    /// Checks an input (schema and media rules) once; the result can be
    /// submitted later with [`Client::submit_checked`] without checking it
    /// again (a batch checks every line before it submits any).
    pub async fn check(&self, model_id: &str, input: Value) -> Result<CheckedInput> {
        self.checks.check(model_id, input).await
    }

    /// Submits an input that [`Client::check`] passed.
    pub async fn submit_checked(&self, input: &CheckedInput) -> Result<RequestHandle<Value>> {
        self.require_token()?;
        self.send(input.model_id(), input.value(), &self.session.retry)
            .await
    }

    /// One attempt to submit an input that [`Client::check`] passed, never
    /// retried: for callers that record each attempt before it is sent (a
    /// crash-safe batch). When the service certainly refused it and it may
    /// be tried again, [`Client::submit_retry_delay`] says how long to wait.
    pub async fn submit_checked_once(&self, input: &CheckedInput) -> Result<RequestHandle<Value>> {
        self.require_token()?;
        self.send(input.model_id(), input.value(), &RetryPolicy::none())
            .await
    }

    /// After `error` ended the attempt number `retry` (0 for the first) of
    /// [`Client::submit_checked_once`]: how long to wait before the next,
    /// by the same rule and retry policy as [`Client::submit_checked`]
    /// (`None`: it must not or need not be tried again). Only a refusal for
    /// now ([`SubmitOutcome::RefusedForNow`](crate::SubmitOutcome::RefusedForNow):
    /// a 429, a 503, a connection refused) is retried; the wait honours the
    /// service's `Retry-After` up to the cap.
    pub fn submit_retry_delay(&self, error: &Error, retry: u32) -> Option<Duration> {
        transport::submit_retry_delay(&self.session.retry, error, retry)
    }

    /// The submit itself, retried by `retry` only when the service certainly
    /// did not accept it. Callers have validated the input.
    async fn send<O>(
        &self,
        model_id: &str,
        input: &Value,
        retry: &RetryPolicy,
    ) -> Result<RequestHandle<O>> {
        let session = &self.session;
        let url = format!(
            "{}/models/{}",
            session.base_url(),
            model_id.trim_matches('/')
        );
        let body = serde_json::to_vec(input)
            .map_err(|e| Error::Configuration(format!("input is not JSON: {e}")))?;
        let submitted: SubmitResponse = transport::call(
            Call::Submit,
            retry,
            &session.budget,
            model_id,
            None,
            None,
            || {
                session.execute(
                    session
                        .http
                        .post(&url)
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(body.clone()),
                )
            },
        )
        .await?;
        // The job exists, but its id cannot go into a URL: it cannot be
        // followed, and must not be submitted again.
        if let Err(invalid) = request_id::check(&submitted.request_id) {
            return Err(Error::OutcomeUnknown {
                model_id: model_id.to_owned(),
                reason: format!(
                    "the service accepted the submit but answered with an unusable request id: {invalid}"
                ),
            });
        }
        tracing::info!(request_id = %submitted.request_id, model_id, "submitted");
        Ok(RequestHandle::from_submit(
            session.clone(),
            model_id,
            submitted,
        ))
    }

    /// A handle to a request submitted earlier (by this process or another),
    /// from its id alone: resume waiting after a restart. An id that cannot
    /// be one ([`Error::InvalidRequestId`]) is refused before any request.
    pub fn resume(&self, request_id: impl Into<String>) -> Result<RequestHandle<Value>> {
        let request_id = request_id.into();
        request_id::check(&request_id)?;
        Ok(RequestHandle::resume(
            self.session.clone(),
            None,
            request_id,
        ))
    }

    /// A typed handle to a request of model `I` submitted earlier (the id
    /// checked as by [`Client::resume`]).
    pub fn resume_typed<I: ModelInput>(
        &self,
        request_id: impl Into<String>,
    ) -> Result<RequestHandle<I::Output>> {
        let request_id = request_id.into();
        request_id::check(&request_id)?;
        Ok(RequestHandle::resume(
            self.session.clone(),
            Some(I::SPEC.id),
            request_id,
        ))
    }

    /// Submits (validated first), waits and returns the result: a [`Wait`]
    /// to give a timeout (counted from the submit), a deadline, the failed
    /// polls to tolerate or a progress callback, then `.await`.
    ///
    /// ```no_run
    /// # async fn example(client: runcomfy::Client, input: runcomfy::models::kling::kling_1_6::pro::image_to_video::Input) -> runcomfy::Result<()> {
    /// let output = client
    ///     .run(&input)
    ///     .timeout(std::time::Duration::from_secs(1800))
    ///     .await?;
    /// # let _ = output;
    /// # Ok(())
    /// # }
    /// ```
    pub fn run<'a, I: ModelInput>(&'a self, input: &'a I) -> Wait<'a, I::Output> {
        Wait::after_submit(Box::pin(self.submit(input)))
    }
}
