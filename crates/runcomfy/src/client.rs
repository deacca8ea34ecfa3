//! The client: configuration, submit and resume.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use runcomfy_api::Credentials;
use runcomfy_api::types::SubmitResponse;
use runcomfy_types::ModelInput;
use runcomfy_validate::{MediaProbe, Validator};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::download::{DownloadOptions, Downloader};
use crate::error::{Error, Result};
use crate::handle::{JobOutput, RequestHandle};
use crate::poll::{AdaptivePolicy, ModelStats, PollPolicy, RequestBudget};
use crate::transport::{self, Attempt, Call, RetryPolicy};

/// The production API base, as the provider's CLI takes it (with `/v1`).
pub const DEFAULT_BASE_URL: &str = "https://model-api.runcomfy.net/v1";

/// A RunComfy Model API client. Cheap to clone; clones share connections,
/// the request budget and the learned job durations.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) base: url::Url,
    pub(crate) http: reqwest::Client,
    pub(crate) api: runcomfy_api::Client,
    pub(crate) credentials: Credentials,
    token: Option<SecretString>,
    pub(crate) retry: RetryPolicy,
    pub(crate) poll: Arc<dyn PollPolicy>,
    pub(crate) budget: Arc<RequestBudget>,
    pub(crate) stats: &'static ModelStats,
    validate_media: bool,
    probe: MediaProbe,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
    pub(crate) downloader: Downloader,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base.as_str())
            .field("token", &self.inner.token.as_ref().map(|_| "[redacted]"))
            .field("retry", &self.inner.retry)
            .field("poll", &self.inner.poll)
            .finish_non_exhaustive()
    }
}

/// An input that passed every check of a [`Client`] (schema and media
/// rules). Only [`Client::check`] makes one, so no path to a submit skips
/// validation.
#[derive(Debug, Clone)]
pub struct CheckedInput {
    model_id: String,
    value: Value,
}

impl CheckedInput {
    /// The model it was checked for.
    pub fn model_id(&self) -> &str {
        &self.model_id
    }

    /// The input.
    pub fn value(&self) -> &Value {
        &self.value
    }
}

/// Builds a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    token: Option<SecretString>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    poll: Option<Arc<dyn PollPolicy>>,
    budget: Option<Arc<RequestBudget>>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    validate_media: Option<bool>,
    download: Option<DownloadOptions>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The API token (sent as `Authorization: Bearer`, never logged).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(SecretString::from(token.into()));
        self
    }

    /// The API base including `/v1` (default [`DEFAULT_BASE_URL`]).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The timeout of one HTTP request (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The timeout of connecting (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How failed calls are retried.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// How waits poll (default [`AdaptivePolicy`]).
    pub fn poll_policy(mut self, policy: impl PollPolicy + 'static) -> Self {
        self.poll = Some(Arc::new(policy));
        self
    }

    /// The request budget (default: the process-wide [`RequestBudget::global`]).
    pub fn request_budget(mut self, budget: Arc<RequestBudget>) -> Self {
        self.budget = Some(budget);
        self
    }

    /// The `User-Agent` (default `runcomfy-rs/<version>`); ignored with [`Self::http_client`].
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// An existing `reqwest::Client` for API calls (its proxies, TLS roots,
    /// timeouts). Credentials are added to each request, never to the client.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Whether submits check the media rules (image size, dimensions) by
    /// reading image headers first (default true).
    pub fn validate_media(mut self, validate: bool) -> Self {
        self.validate_media = Some(validate);
        self
    }

    /// Download limits.
    pub fn download_options(mut self, options: DownloadOptions) -> Self {
        self.download = Some(options);
        self
    }

    /// Builds the client. Plain `http` is refused except for loopback hosts.
    pub fn build(self) -> Result<Client> {
        let base_text = self.base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let base = url::Url::parse(base_text.trim_end_matches('/')).map_err(|e| {
            Error::Configuration(format!("base URL `{base_text}` is not a URL: {e}"))
        })?;
        check_scheme(&base)?;
        if !base.username().is_empty() || base.password().is_some() {
            return Err(Error::Configuration(
                "the base URL must not carry credentials; use the token".into(),
            ));
        }
        // reqwest is built without a default TLS provider: install ring once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| concat!("runcomfy-rs/", env!("CARGO_PKG_VERSION")).to_owned());
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .user_agent(&user_agent)
                .timeout(self.timeout.unwrap_or(Duration::from_secs(30)))
                .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                .build()
                .map_err(|e| Error::Configuration(format!("cannot build the HTTP client: {e}")))?,
        };
        // Downloads go to other hosts: a separate client that never carries credentials.
        let download_http = reqwest::Client::builder()
            .user_agent(&user_agent)
            .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
            .build()
            .map_err(|e| Error::Configuration(format!("cannot build the HTTP client: {e}")))?;
        let credentials = match &self.token {
            Some(token) => Credentials::bearer(token.expose_secret()).ok_or_else(|| {
                Error::Configuration("the token contains characters a header cannot carry".into())
            })?,
            None => Credentials::none(),
        };
        let base_str = base.as_str().trim_end_matches('/').to_owned();
        let api =
            runcomfy_api::Client::new_with_client(&base_str, http.clone(), credentials.clone());
        Ok(Client {
            inner: Arc::new(Inner {
                base,
                http,
                api,
                credentials,
                token: self.token,
                retry: self.retry.unwrap_or_default(),
                poll: self
                    .poll
                    .unwrap_or_else(|| Arc::new(AdaptivePolicy::default())),
                budget: self
                    .budget
                    .unwrap_or_else(|| RequestBudget::global().clone()),
                stats: ModelStats::global(),
                validate_media: self.validate_media.unwrap_or(true),
                probe: MediaProbe::new(),
                validators: Mutex::new(HashMap::new()),
                downloader: Downloader::new(download_http, self.download.unwrap_or_default()),
            }),
        })
    }
}

fn check_scheme(url: &url::Url) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if runcomfy_validate::media::is_loopback_host(url) => Ok(()),
        "http" => Err(Error::Configuration(format!(
            "plain http is refused for {url}: use https (http is allowed for loopback hosts only)"
        ))),
        other => Err(Error::Configuration(format!(
            "unsupported URL scheme `{other}` in {url}"
        ))),
    }
}

impl Client {
    /// A builder with nothing set.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: the token from `RUNCOMFY_API_TOKEN`,
    /// else `RUNCOMFY_TOKEN` (the provider CLI's name); the base from
    /// `RUNCOMFY_MODEL_API_BASE` (including `/v1`), else [`DEFAULT_BASE_URL`].
    /// A missing token is an error only when a call needs it.
    pub fn from_env() -> Result<Self> {
        Self::builder_from_env().build()
    }

    /// [`Client::from_env`]'s settings, as a builder to adjust.
    pub fn builder_from_env() -> ClientBuilder {
        Self::builder_from_lookup(|name| std::env::var(name).ok())
    }

    fn builder_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> ClientBuilder {
        let mut builder = Self::builder();
        let token = ["RUNCOMFY_API_TOKEN", "RUNCOMFY_TOKEN"]
            .iter()
            .find_map(|name| lookup(name).filter(|t| !t.trim().is_empty()));
        if let Some(token) = token {
            builder = builder.token(token.trim());
        }
        if let Some(base) = lookup("RUNCOMFY_MODEL_API_BASE").filter(|b| !b.trim().is_empty()) {
            builder = builder.base_url(base.trim());
        }
        builder
    }

    /// The API base, including `/v1`.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str().trim_end_matches('/')
    }

    pub(crate) fn require_token(&self) -> Result<()> {
        if self.inner.credentials.is_set() {
            Ok(())
        } else {
            Err(Error::MissingToken)
        }
    }

    /// The validator of a model this build knows (compiled once per client).
    pub fn validator(&self, model_id: &str) -> Option<Arc<Validator>> {
        let spec = runcomfy_types::model(model_id)?;
        let mut cache = self.inner.validators.lock().ok()?;
        if let Some(validator) = cache.get(model_id) {
            return Some(validator.clone());
        }
        let schema: Value = serde_json::from_str(spec.input_schema).ok()?;
        let validator = Arc::new(Validator::new(&schema).ok()?);
        cache.insert(model_id.to_owned(), validator.clone());
        Some(validator)
    }

    /// Every check of an input that this build can make: the schema, then the
    /// media rules (unless switched off). Nothing is sent.
    pub async fn validate(&self, model_id: &str, input: &Value) -> Result<()> {
        let Some(validator) = self.validator(model_id) else {
            return Ok(());
        };
        let checked = if self.inner.validate_media {
            validator.validate_all(input, &self.inner.probe).await
        } else {
            validator.validate(input)
        };
        checked.map_err(|invalid| Error::InvalidInput {
            model_id: model_id.to_owned(),
            errors: invalid.errors,
        })
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
        self.send(model_id, input).await
    }

    /// Checks an input (schema and media rules) once; the result can be
    /// submitted later with [`Client::submit_checked`] without checking it
    /// again (a batch checks every line before it submits any).
    pub async fn check(&self, model_id: &str, input: Value) -> Result<CheckedInput> {
        self.validate(model_id, &input).await?;
        Ok(CheckedInput {
            model_id: model_id.to_owned(),
            value: input,
        })
    }

    /// Submits an input that [`Client::check`] passed.
    pub async fn submit_checked(&self, input: &CheckedInput) -> Result<RequestHandle<Value>> {
        self.require_token()?;
        self.send(&input.model_id, &input.value).await
    }

    /// One attempt to submit an input that [`Client::check`] passed, never
    /// retried: for callers that record each attempt before it is sent (a
    /// crash-safe batch). When the service certainly refused it and it may
    /// be tried again, [`Client::submit_retry_delay`] says how long to wait.
    pub async fn submit_checked_once(&self, input: &CheckedInput) -> Result<RequestHandle<Value>> {
        self.require_token()?;
        self.send_with(&input.model_id, &input.value, &RetryPolicy::none())
            .await
    }

    /// After `error` ended the attempt number `retry` (0 for the first) of
    /// [`Client::submit_checked_once`]: how long to wait before the next,
    /// by the same rule and retry policy as [`Client::submit_checked`]
    /// (`None`: it must not or need not be tried again). Only a 429, a 503
    /// or a connection refused is retried; the wait honours the
    /// `Retry-After` of a 429 or a 503 up to the cap.
    pub fn submit_retry_delay(&self, error: &Error, retry: u32) -> Option<Duration> {
        transport::submit_retry_delay(&self.inner.retry, error, retry)
    }

    /// The submit itself, retried only when the service certainly did not
    /// accept it. Callers have validated the input.
    async fn send<O: DeserializeOwned>(
        &self,
        model_id: &str,
        input: &Value,
    ) -> Result<RequestHandle<O>> {
        self.send_with(model_id, input, &self.inner.retry).await
    }

    async fn send_with<O: DeserializeOwned>(
        &self,
        model_id: &str,
        input: &Value,
        retry: &RetryPolicy,
    ) -> Result<RequestHandle<O>> {
        let url = format!("{}/models/{}", self.base_url(), model_id.trim_matches('/'));
        let body = serde_json::to_vec(input)
            .map_err(|e| Error::Configuration(format!("input is not JSON: {e}")))?;
        let inner = &self.inner;
        let submitted: SubmitResponse = transport::call(
            Call::Submit,
            retry,
            &inner.budget,
            model_id,
            None,
            None,
            || {
                let request = inner
                    .http
                    .post(&url)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone())
                    .build();
                async move {
                    match request {
                        Ok(mut request) => {
                            runcomfy_api::authorize(&inner.credentials, &mut request);
                            Attempt::from_raw(inner.http.execute(request).await).await
                        }
                        Err(e) => Attempt::NoAnswer(e),
                    }
                }
            },
        )
        .await?;
        tracing::info!(request_id = %submitted.request_id, model_id, "submitted");
        Ok(RequestHandle::from_submit(
            self.clone(),
            model_id,
            submitted,
        ))
    }

    /// A handle to a request submitted earlier (by this process or another),
    /// from its id alone: resume waiting after a restart.
    pub fn resume(&self, request_id: impl Into<String>) -> RequestHandle<Value> {
        RequestHandle::resume(self.clone(), None, request_id.into())
    }

    /// A typed handle to a request of model `I` submitted earlier.
    pub fn resume_typed<I: ModelInput>(
        &self,
        request_id: impl Into<String>,
    ) -> RequestHandle<I::Output> {
        RequestHandle::resume(self.clone(), Some(I::SPEC.id), request_id.into())
    }

    /// Submits, waits (up to `deadline`, if any) and returns the result.
    pub async fn run<I: ModelInput>(
        &self,
        input: &I,
        deadline: Option<Duration>,
    ) -> Result<JobOutput<I::Output>> {
        let handle = self.submit(input).await?;
        handle.wait(deadline.map(|d| Instant::now() + d)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Client {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Client::builder_from_lookup(|name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
        .build()
        .expect("client")
    }

    #[test]
    fn the_environment_names_the_token_and_the_base() {
        let client = from(&[]);
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
        assert!(matches!(client.require_token(), Err(Error::MissingToken)));

        let client = from(&[
            ("RUNCOMFY_TOKEN", "cli-token"),
            ("RUNCOMFY_MODEL_API_BASE", "http://127.0.0.1:9/v1/"),
        ]);
        assert!(
            client.require_token().is_ok(),
            "the provider CLI's variable works"
        );
        assert_eq!(client.base_url(), "http://127.0.0.1:9/v1");

        let client = from(&[("RUNCOMFY_API_TOKEN", "ours"), ("RUNCOMFY_TOKEN", "theirs")]);
        assert!(format!("{client:?}").contains("[redacted]"));
        assert!(!format!("{client:?}").contains("ours"));
        let client = from(&[("RUNCOMFY_API_TOKEN", "  "), ("RUNCOMFY_TOKEN", "theirs")]);
        assert!(
            client.require_token().is_ok(),
            "a blank variable falls through to the next"
        );
    }
}
