//! One API call, with the retry rules: idempotent calls (status, result,
//! cancel) retry on connection errors, timeouts, 408, 429 and 5xx with
//! exponential backoff and full jitter, honouring `Retry-After` up to a cap;
//! a submit is retried only when the service certainly did not accept it.

use std::time::{Duration, Instant};

use bytes::Bytes;
use rand::Rng as _;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use runcomfy_api::types::ErrorBody;
use runcomfy_validate::FieldError;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;
use crate::outcome::SubmitOutcome;
use crate::poll::RequestBudget;

/// How failed calls are retried.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The first backoff; it doubles on each retry.
    pub initial_backoff: Duration,
    /// The largest backoff.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    fn backoff(&self, retry: u32) -> Duration {
        let exponential = self.initial_backoff.saturating_mul(1u32 << retry.min(16));
        full_jitter(exponential.min(self.max_backoff))
    }
}

/// Which call this is, for the retry rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    /// Safe to repeat.
    Idempotent,
    /// A submit: repeating it may bill twice.
    Submit,
}

/// What one attempt produced, before classification.
#[derive(Debug)]
pub(crate) enum Attempt<T> {
    /// The expected answer.
    Ok(T),
    /// An answer that is not the expected one: any non-2xx, or a 2xx whose
    /// body is not the expected shape.
    Answer {
        status: StatusCode,
        retry_after: Option<Duration>,
        body: Bytes,
    },
    /// No answer.
    NoAnswer(reqwest::Error),
}

impl<T> Attempt<T> {
    /// From a generated client method.
    pub(crate) async fn from_generated(
        result: Result<runcomfy_api::ResponseValue<T>, runcomfy_api::Error<()>>,
    ) -> Self {
        use runcomfy_api::Error as E;
        match result {
            Ok(value) => Self::Ok(value.into_inner()),
            Err(E::UnexpectedResponse(response)) => Self::from_response(response).await,
            Err(E::InvalidResponsePayload(body, _)) => Self::Answer {
                status: StatusCode::OK,
                retry_after: None,
                body,
            },
            Err(E::CommunicationError(e) | E::ResponseBodyError(e) | E::InvalidUpgrade(e)) => {
                Self::NoAnswer(e)
            }
            Err(E::ErrorResponse(value)) => Self::Answer {
                status: value.status(),
                retry_after: retry_after(value.headers()),
                body: Bytes::new(),
            },
            Err(E::InvalidRequest(reason) | E::Custom(reason)) => Self::Answer {
                status: StatusCode::BAD_REQUEST,
                retry_after: None,
                body: Bytes::from(reason),
            },
        }
    }

    /// From a raw answer that is not the expected one.
    pub(crate) async fn from_response(response: reqwest::Response) -> Self {
        let status = response.status();
        let retry_after = retry_after(response.headers());
        match response.bytes().await {
            Ok(body) => Self::Answer {
                status,
                retry_after,
                body,
            },
            Err(e) => Self::NoAnswer(e),
        }
    }
}

impl<T: DeserializeOwned> Attempt<T> {
    /// From a raw answer that may be the expected one.
    pub(crate) async fn from_raw(response: Result<reqwest::Response, reqwest::Error>) -> Self {
        let response = match response {
            Ok(response) => response,
            Err(e) => return Self::NoAnswer(e),
        };
        let status = response.status();
        if !status.is_success() {
            return Self::from_response(response).await;
        }
        match response.bytes().await {
            // Some provider APIs answer HTTP 200 with an error body.
            Ok(body) if carries_error_code(&body) => Self::Answer {
                status,
                retry_after: None,
                body,
            },
            Ok(body) => match serde_json::from_slice::<T>(&body) {
                Ok(value) => Self::Ok(value),
                Err(_) => Self::Answer {
                    status,
                    retry_after: None,
                    body,
                },
            },
            Err(e) => Self::NoAnswer(e),
        }
    }
}

/// Runs `attempt` until it succeeds, fails for good, or runs out of retries
/// or time. `deadline` bounds the whole call, retries included.
pub(crate) async fn call<T, F, Fut>(
    call: Call,
    policy: &RetryPolicy,
    budget: &RequestBudget,
    model_id: &str,
    request_id: Option<&str>,
    deadline: Option<Instant>,
    mut attempt: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Attempt<T>>,
{
    let mut retry = 0u32;
    loop {
        budget.acquire().await;
        let (error, retry_after) = match attempt().await {
            Attempt::Ok(value) => return Ok(value),
            Attempt::Answer {
                status,
                retry_after,
                body,
            } => (
                classify(status, &body, retry_after, model_id, request_id),
                retry_after,
            ),
            Attempt::NoAnswer(source) => (
                Error::Transport {
                    request_id: request_id.map(str::to_owned),
                    source,
                },
                None,
            ),
        };
        let retryable = match call {
            Call::Idempotent => error.is_transient(),
            Call::Submit => match error.submit_outcome() {
                SubmitOutcome::RefusedForNow { .. } => true,
                SubmitOutcome::Refused => false,
                SubmitOutcome::Unknown => return Err(outcome_unknown(error, model_id)),
            },
        };
        retry += 1;
        if !retryable || retry >= policy.max_attempts {
            return Err(error);
        }
        let delay = match retry_after {
            Some(asked) if asked > policy.max_retry_after => return Err(error),
            Some(asked) => asked.max(policy.backoff(retry - 1)),
            None => policy.backoff(retry - 1),
        };
        if deadline.is_some_and(|deadline| {
            Instant::now()
                .checked_add(delay)
                .is_none_or(|at| at >= deadline)
        }) {
            return Err(error);
        }
        tracing::debug!(retry, delay_ms = delay.as_millis() as u64, request_id, error = %error, "retrying");
        tokio::time::sleep(delay).await;
    }
}

/// The wait before retrying a submit that `error` ended after attempt
/// `retry` (0-based) when the submit is retried attempt by attempt by its
/// caller: the rule of [`call`] for [`Call::Submit`] (a 429, a 503, or a
/// connection refused before anything was sent, which is the only transport
/// error a submit returns; `Retry-After` honoured up to the cap, at most
/// `max_attempts`).
pub(crate) fn submit_retry_delay(
    policy: &RetryPolicy,
    error: &Error,
    retry: u32,
) -> Option<Duration> {
    let SubmitOutcome::RefusedForNow { retry_after } = error.submit_outcome() else {
        return None;
    };
    if retry.saturating_add(1) >= policy.max_attempts {
        return None;
    }
    match retry_after {
        Some(asked) if asked > policy.max_retry_after => None,
        Some(asked) => Some(asked.max(policy.backoff(retry))),
        None => Some(policy.backoff(retry)),
    }
}

/// A uniformly random duration in `[0, d]` ("full jitter").
fn full_jitter(d: Duration) -> Duration {
    let fraction: f64 = rand::rng().random_range(0.0..=1.0);
    Duration::try_from_secs_f64(d.as_secs_f64() * fraction)
        .unwrap_or(d)
        .min(d)
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

fn short_reason(error: &reqwest::Error) -> String {
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        reason = format!("{reason}: {inner}");
        source = inner.source();
    }
    // The URL in a reqwest error carries no token (credentials are headers).
    reason
}

/// A submit error whose outcome is unknown, said as such: the job may exist.
fn outcome_unknown(error: Error, model_id: &str) -> Error {
    let reason = match error {
        Error::OutcomeUnknown { .. } => return error,
        Error::Transport { source, .. } => short_reason(&source),
        Error::ServiceUnavailable {
            status: status @ (502 | 504),
            ..
        } => format!("the gateway answered HTTP {}", status_text(status)),
        Error::ServiceUnavailable {
            status, message, ..
        } => format!(
            "the service answered HTTP {}: {message}",
            status_text(status)
        ),
        Error::UnexpectedResponse {
            status, excerpt, ..
        } => format!(
            "the service answered HTTP {} with a body that is not a submit answer: {excerpt}",
            status_text(status)
        ),
        other => other.to_string(),
    };
    Error::OutcomeUnknown {
        model_id: model_id.to_owned(),
        reason,
    }
}

/// `502 Bad Gateway`, or the bare number for a status without a name.
fn status_text(status: u16) -> String {
    StatusCode::from_u16(status).map_or_else(|_| status.to_string(), |s| s.to_string())
}

/// Turns an answer that is not the expected one into an error, by HTTP
/// status and `error_code` together (the pairing is not documented).
pub(crate) fn classify(
    status: StatusCode,
    body: &[u8],
    retry_after: Option<Duration>,
    model_id: &str,
    request_id: Option<&str>,
) -> Error {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let code = parsed.as_ref().and_then(|b| b.error_code);
    let message = parsed
        .as_ref()
        .and_then(|b| b.error_message.clone().or_else(|| b.message.clone()))
        .unwrap_or_else(|| excerpt(body));
    let request_id = request_id.map(str::to_owned);
    match (status.as_u16(), code) {
        (_, Some(400004 | 401001)) | (401, _) => Error::Authentication {
            request_id,
            message,
        },
        (_, Some(403001)) | (403, _) => Error::Permission {
            request_id,
            message,
        },
        (_, Some(404001 | 400001)) | (404, _) => Error::NotFound {
            request_id,
            message,
        },
        (_, Some(400002)) | (402, _) => Error::InsufficientBalance {
            request_id,
            message,
        },
        (_, Some(422001)) | (422, _) => Error::InvalidInput {
            model_id: model_id.to_owned(),
            errors: detail_errors(parsed.as_ref(), &message),
        },
        (429, _) => Error::RateLimited {
            request_id,
            retry_after,
        },
        (_, Some(500001)) | (408 | 500 | 502 | 503 | 504, _) => Error::ServiceUnavailable {
            request_id,
            status: status.as_u16(),
            message,
            retry_after,
        },
        _ => Error::UnexpectedResponse {
            request_id,
            status: status.as_u16(),
            excerpt: excerpt(body),
        },
    }
}

/// The service's `detail` list of a 422, as field errors.
fn detail_errors(body: Option<&ErrorBody>, message: &str) -> Vec<FieldError> {
    let entries = body
        .and_then(|b| b.detail.as_ref())
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let errors: Vec<FieldError> = entries
        .iter()
        .map(|entry| FieldError {
            pointer: entry
                .get("pointer")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    entry
                        .get("field")
                        .and_then(Value::as_str)
                        .map(|f| format!("/{f}"))
                        .unwrap_or_default()
                }),
            keyword: entry
                .get("keyword")
                .and_then(Value::as_str)
                .unwrap_or("server")
                .to_owned(),
            message: entry
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| entry.to_string()),
        })
        .collect();
    if errors.is_empty() {
        vec![FieldError {
            pointer: String::new(),
            keyword: "server".into(),
            message: message.to_owned(),
        }]
    } else {
        errors
    }
}

/// The start of a body, for messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut cut: String = text.chars().take(200).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    if cut.trim().is_empty() {
        "(empty body)".into()
    } else {
        cut
    }
}

/// Whether a 2xx body is really an error (`error_code` at the top level).
pub(crate) fn carries_error_code(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body).is_ok_and(|v| v.get("error_code").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(status: u16, body: &str) -> Error {
        classify(
            StatusCode::from_u16(status).expect("status"),
            body.as_bytes(),
            None,
            "m",
            Some("r1"),
        )
    }

    #[test]
    fn errors_are_classified_by_status_and_code_together() {
        assert!(matches!(error_of(401, "{}"), Error::Authentication { .. }));
        assert!(matches!(
            error_of(400, r#"{"error_code": 400004, "error_message": "expired"}"#),
            Error::Authentication { .. }
        ));
        assert!(matches!(
            error_of(403, r#"{"error_code": 403001}"#),
            Error::Permission { .. }
        ));
        assert!(matches!(
            error_of(404, r#"{"error_code": 404001}"#),
            Error::NotFound { .. }
        ));
        assert!(matches!(
            error_of(400, r#"{"error_code": 400001}"#),
            Error::NotFound { .. }
        ));
        assert!(matches!(
            error_of(402, "{}"),
            Error::InsufficientBalance { .. }
        ));
        assert!(matches!(
            error_of(400, r#"{"error_code": 400002}"#),
            Error::InsufficientBalance { .. }
        ));
        assert!(matches!(
            error_of(200, r#"{"error_code": 500001, "error_message": "x"}"#),
            Error::ServiceUnavailable { .. }
        ));
        assert!(matches!(
            error_of(502, "<html>bad gateway</html>"),
            Error::ServiceUnavailable { status: 502, .. }
        ));
        assert!(matches!(error_of(429, ""), Error::RateLimited { .. }));
        match error_of(418, "I'm a teapot") {
            Error::UnexpectedResponse {
                status,
                excerpt,
                request_id,
            } => {
                assert_eq!(
                    (status, excerpt.as_str(), request_id.as_deref()),
                    (418, "I'm a teapot", Some("r1"))
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_422_lists_the_services_field_errors() {
        let body = r#"{"error_code": 422001, "error_message": "2 errors", "detail": [
            {"field": "duration", "pointer": "/duration", "message": "7 is not one of 5 or 10"},
            {"field": "cfg_scale", "message": "too big"}]}"#;
        match error_of(422, body) {
            Error::InvalidInput { errors, .. } => {
                assert_eq!(errors.len(), 2);
                assert_eq!(errors[1].pointer, "/cfg_scale");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn excerpts_are_short() {
        assert_eq!(excerpt(&[b'x'; 500]).chars().count(), 201);
        assert_eq!(excerpt(b""), "(empty body)");
        assert!(carries_error_code(br#"{"error_code": 1}"#));
        assert!(!carries_error_code(br#"{"request_id": "a"}"#));
    }

    #[test]
    fn a_submit_retried_by_its_caller_follows_the_submit_rule() {
        let policy = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        let limited = |secs| Error::RateLimited {
            request_id: None,
            retry_after: Some(Duration::from_secs(secs)),
        };
        let unavailable = |status, secs: Option<u64>| Error::ServiceUnavailable {
            request_id: None,
            status,
            message: String::new(),
            retry_after: secs.map(Duration::from_secs),
        };
        assert_eq!(
            submit_retry_delay(&policy, &limited(7), 0),
            Some(Duration::from_secs(7))
        );
        assert!(
            submit_retry_delay(&policy, &unavailable(503, None), 1)
                .is_some_and(|d| d <= policy.initial_backoff * 2)
        );
        assert_eq!(
            submit_retry_delay(&policy, &unavailable(503, Some(9)), 0),
            Some(Duration::from_secs(9)),
            "a 503's Retry-After is honoured as a 429's"
        );
        assert_eq!(
            submit_retry_delay(&policy, &unavailable(503, Some(61)), 0),
            None,
            "a 503's Retry-After beyond the cap ends the retries"
        );
        assert_eq!(
            submit_retry_delay(&policy, &limited(1), 2),
            None,
            "3 attempts in all"
        );
        assert_eq!(
            submit_retry_delay(&policy, &limited(61), 0),
            None,
            "beyond the cap"
        );
        assert_eq!(
            submit_retry_delay(&policy, &unavailable(500, Some(1)), 0),
            None,
            "a 500 may hide an accepted job"
        );
        let unknown = Error::OutcomeUnknown {
            model_id: "m".into(),
            reason: "reset".into(),
        };
        assert_eq!(submit_retry_delay(&policy, &unknown, 0), None);
    }

    #[test]
    fn full_jitter_stays_in_range() {
        let d = Duration::from_secs(3);
        for _ in 0..1000 {
            assert!(full_jitter(d) <= d);
        }
        assert_eq!(full_jitter(Duration::ZERO), Duration::ZERO);
        assert!(full_jitter(Duration::MAX) <= Duration::MAX);
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().expect("value"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
    }
}
