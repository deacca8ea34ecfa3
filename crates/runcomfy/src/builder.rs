//! [`ClientBuilder`]: a client's configuration, from code or from the
//! environment (`RUNCOMFY_API_TOKEN`, `RUNCOMFY_TOKEN`,
//! `RUNCOMFY_MODEL_API_BASE`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use runcomfy_api::Credentials;
use secrecy::{ExposeSecret, SecretString};

use crate::balance::DEFAULT_SERVERLESS_BASE_URL;
use crate::checks::Checks;
use crate::client::Client;
use crate::download::{DownloadOptions, Downloader};
use crate::error::{Error, Result};
use crate::poll::{AdaptivePolicy, ModelStats, PollPolicy, RequestBudget};
use crate::session::Session;
use crate::transport::RetryPolicy;

/// The production API base, as the provider's CLI takes it (with `/v1`).
pub const DEFAULT_BASE_URL: &str = "https://model-api.runcomfy.net/v1";

/// Builds a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    token: Option<SecretString>,
    base_url: Option<String>,
    serverless_base_url: Option<String>,
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

    /// The provider's serverless API base, where the account's balance is
    /// read (default [`DEFAULT_SERVERLESS_BASE_URL`](crate::DEFAULT_SERVERLESS_BASE_URL)).
    pub fn serverless_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.serverless_base_url = Some(base_url.into());
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
        let base = parse_base(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let serverless_base = parse_base(
            self.serverless_base_url
                .as_deref()
                .unwrap_or(DEFAULT_SERVERLESS_BASE_URL),
        )?;
        // reqwest is built without a default TLS provider: install ring once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| concat!("runcomfy-rs/", env!("CARGO_PKG_VERSION")).to_owned());
        let connect_timeout = self.connect_timeout.unwrap_or(Duration::from_secs(10));
        let http = match self.http {
            Some(http) => http,
            None => http_client(
                &user_agent,
                Some(self.timeout.unwrap_or(Duration::from_secs(30))),
                connect_timeout,
            )?,
        };
        // Downloads go to other hosts: a separate client that never carries
        // credentials, and no overall timeout (a large file takes long).
        let download_http = http_client(&user_agent, None, connect_timeout)?;
        let credentials = match &self.token {
            Some(token) => Credentials::bearer(token.expose_secret()).ok_or_else(|| {
                Error::Configuration("the token contains characters a header cannot carry".into())
            })?,
            None => Credentials::none(),
        };
        let api = runcomfy_api::Client::new_with_client(
            base.as_str().trim_end_matches('/'),
            http.clone(),
            credentials.clone(),
        );
        let session = Session {
            base,
            serverless_base,
            http,
            api,
            credentials,
            retry: self.retry.unwrap_or_default(),
            poll: self
                .poll
                .unwrap_or_else(|| Arc::new(AdaptivePolicy::default())),
            budget: self
                .budget
                .unwrap_or_else(|| RequestBudget::global().clone()),
            stats: ModelStats::global(),
            downloader: Downloader::new(download_http, self.download.unwrap_or_default()),
        };
        Ok(Client::new(
            Arc::new(session),
            Checks::new(self.validate_media.unwrap_or(true)),
        ))
    }
}

/// The API base, checked: a URL, https (or http to loopback), no credentials.
fn parse_base(text: &str) -> Result<url::Url> {
    let base = url::Url::parse(text.trim_end_matches('/'))
        .map_err(|e| Error::Configuration(format!("base URL `{text}` is not a URL: {e}")))?;
    check_scheme(&base)?;
    if !base.username().is_empty() || base.password().is_some() {
        return Err(Error::Configuration(
            "the base URL must not carry credentials; use the token".into(),
        ));
    }
    Ok(base)
}

/// An HTTP client with this user agent and these timeouts.
fn http_client(
    user_agent: &str,
    timeout: Option<Duration>,
    connect_timeout: Duration,
) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .user_agent(user_agent)
        .connect_timeout(connect_timeout);
    if let Some(timeout) = timeout {
        builder = builder.timeout(timeout);
    }
    builder
        .build()
        .map_err(|e| Error::Configuration(format!("cannot build the HTTP client: {e}")))
}

fn check_scheme(url: &url::Url) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if runcomfy_validate::http::is_loopback_host(url) => Ok(()),
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
    /// `RUNCOMFY_MODEL_API_BASE` (including `/v1`), else [`DEFAULT_BASE_URL`];
    /// the serverless base (the balance) from `RUNCOMFY_SERVERLESS_API_BASE`,
    /// else [`DEFAULT_SERVERLESS_BASE_URL`].
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
        if let Some(base) = lookup("RUNCOMFY_SERVERLESS_API_BASE").filter(|b| !b.trim().is_empty())
        {
            builder = builder.serverless_base_url(base.trim());
        }
        builder
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
