//! The one error type of the client. Every variant that comes from a request
//! carries the request id when one exists; none ever carries the token.

use std::path::PathBuf;
use std::time::Duration;

use runcomfy_validate::FieldError;

/// Everything that can go wrong, in the caller's terms.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input breaks the model's schema or media rules; nothing was sent
    /// (or the service said so with a 422).
    #[error("invalid input for {model_id}: {}", list(errors))]
    InvalidInput {
        /// The model.
        model_id: String,
        /// Every failing check.
        errors: Vec<FieldError>,
    },

    /// No token was configured and the call needs one.
    #[error(
        "no API token: set RUNCOMFY_API_TOKEN (or RUNCOMFY_TOKEN), or give one to the client builder"
    )]
    MissingToken,

    /// The token is missing, expired or revoked (401, error_code 400004).
    #[error("authentication failed{}: {message}", id_suffix(request_id))]
    Authentication {
        /// The request, if the call was about one.
        request_id: Option<String>,
        /// The service's message.
        message: String,
    },

    /// The request belongs to another user (403, error_code 403001).
    #[error("permission denied{}: {message}", id_suffix(request_id))]
    Permission {
        /// The request, if the call was about one.
        request_id: Option<String>,
        /// The service's message.
        message: String,
    },

    /// The request id or model does not exist, or expired (404001, 400001).
    #[error(
        "not found{}: {message}{}",
        id_suffix(request_id),
        expiry_hint(request_id)
    )]
    NotFound {
        /// The request, if the call was about one.
        request_id: Option<String>,
        /// The service's message.
        message: String,
    },

    /// The account cannot pay for the job (402, error_code 400002). Never
    /// retried.
    #[error(
        "insufficient balance{}: {message}; the account cannot pay for this job: add funds, then submit again (a balance error is never retried)",
        id_suffix(request_id)
    )]
    InsufficientBalance {
        /// The request, if the call was about one.
        request_id: Option<String>,
        /// The service's message.
        message: String,
    },

    /// Still rate limited after the retries (429).
    #[error("rate limited{}{}", id_suffix(request_id), retry_suffix(retry_after))]
    RateLimited {
        /// The request, if the call was about one.
        request_id: Option<String>,
        /// How long the service asked to wait (`Retry-After`).
        retry_after: Option<Duration>,
    },

    /// The service kept failing (408, 5xx, or `error_code` 500001) after the retries.
    #[error(
        "service unavailable{} (HTTP {status}): {message}",
        id_suffix(request_id)
    )]
    ServiceUnavailable {
        /// The request, if the call was about one.
        request_id: Option<String>,
        /// The last HTTP status.
        status: u16,
        /// The service's message.
        message: String,
        /// How long the service asked to wait (`Retry-After`), if it said.
        retry_after: Option<Duration>,
    },

    /// The job finished without output; `error` is the service's error as given.
    #[error("job {request_id} failed: {}", crate::words::service_message(error))]
    JobFailed {
        /// The request.
        request_id: String,
        /// The service's error value (a string, an object or a list).
        error: serde_json::Value,
    },

    /// The job was cancelled.
    #[error("job {request_id} was cancelled")]
    Cancelled {
        /// The request.
        request_id: String,
    },

    /// The wait ended before the job did; the job goes on and can be resumed.
    #[error(
        "deadline exceeded after {waited:?} waiting for job {request_id} (last status: {last_status}); resume with its request id"
    )]
    DeadlineExceeded {
        /// The request.
        request_id: String,
        /// How long the wait lasted.
        waited: Duration,
        /// The last status seen.
        last_status: String,
    },

    /// A submit was sent and no answer came: a billed job may exist. The
    /// client never resubmits on its own.
    #[error(
        "submit to {model_id} was sent but its answer was lost ({reason}): a billed job may exist; check before resubmitting"
    )]
    OutcomeUnknown {
        /// The model.
        model_id: String,
        /// What happened.
        reason: String,
    },

    /// The connection failed (after retries where they are safe).
    #[error("transport error{}: {source}", id_suffix(request_id))]
    Transport {
        /// The request, if the call was about one.
        request_id: Option<String>,
        /// The underlying error (its URL never carries the token).
        #[source]
        source: reqwest::Error,
    },

    /// An answer that is not what the contract says.
    #[error(
        "unexpected response{} (HTTP {status}): {excerpt}",
        id_suffix(request_id)
    )]
    UnexpectedResponse {
        /// The request, if the call was about one.
        request_id: Option<String>,
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },

    /// An output could not be downloaded or written.
    #[error("download of {url}{} failed: {reason}", id_suffix(request_id))]
    Download {
        /// The request whose output it is, if known.
        request_id: Option<String>,
        /// The file's URL.
        url: String,
        /// What went wrong.
        reason: String,
    },

    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },

    /// A request id that cannot be one (it must be 1 to 128 letters, digits,
    /// `_` or `-`); nothing was sent.
    #[error(
        "invalid request id {shown}: {reason}; a request id is 1 to 128 letters, digits, `_` or `-`"
    )]
    InvalidRequestId {
        /// The id as given, escaped and cut short.
        shown: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The client is configured in a way that cannot work (a bad base URL,
    /// plain http to a host other than loopback).
    #[error("configuration: {0}")]
    Configuration(String),
}

impl Error {
    /// The request this error is about, when there is one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Authentication { request_id, .. }
            | Self::Permission { request_id, .. }
            | Self::NotFound { request_id, .. }
            | Self::InsufficientBalance { request_id, .. }
            | Self::RateLimited { request_id, .. }
            | Self::ServiceUnavailable { request_id, .. }
            | Self::Transport { request_id, .. }
            | Self::UnexpectedResponse { request_id, .. }
            | Self::Download { request_id, .. } => request_id.as_deref(),
            Self::JobFailed { request_id, .. }
            | Self::Cancelled { request_id }
            | Self::DeadlineExceeded { request_id, .. } => Some(request_id),
            Self::InvalidInput { .. }
            | Self::MissingToken
            | Self::OutcomeUnknown { .. }
            | Self::InvalidRequestId { .. }
            | Self::Io { .. }
            | Self::Configuration(_) => None,
        }
    }
}

fn id_suffix(request_id: &Option<String>) -> String {
    request_id
        .as_deref()
        .map(|id| format!(" (request {id})"))
        .unwrap_or_default()
}

/// What a missing request may mean.
fn expiry_hint(request_id: &Option<String>) -> &'static str {
    if request_id.is_some() {
        "; a request id is not found when it is mistyped, was deleted, or has expired (the service keeps requests and their outputs for a limited time)"
    } else {
        ""
    }
}

fn retry_suffix(retry_after: &Option<Duration>) -> String {
    retry_after
        .map(|d| format!("; the service asks to wait {d:?}"))
        .unwrap_or_default()
}

fn list(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
