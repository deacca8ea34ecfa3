//! The one rule for what a failed call says: whether a submit was certainly
//! refused (nothing exists, sending it again is safe) or may have created a
//! billed job, and whether a call that is safe to repeat may succeed if asked
//! again.
//!
//! The API has no idempotency key, so the only safe reading of an answer that
//! does not prove a refusal is "a job may exist". The transport's submit
//! retries, [`Client::submit_retry_delay`](crate::Client::submit_retry_delay),
//! the waits and `runcomfy batch` all ask this module; none decides by itself.

use std::time::Duration;

use crate::error::Error;

/// What a failed submit says about the job it tried to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubmitOutcome {
    /// The service certainly created no job and may take the same submit
    /// later: a 429, a 503, a 408, or a connection refused before anything
    /// was sent. `retry_after` is how long the service asked to wait.
    RefusedForNow {
        /// The service's `Retry-After`, when it said.
        retry_after: Option<Duration>,
    },
    /// The service certainly created no job and would refuse the same
    /// submit again: invalid input, a token or permission error, an
    /// insufficient balance, an unknown model, any other 4xx answer, or a
    /// request that was never sent.
    Refused,
    /// The service may have created a (billed) job: the answer was lost, cut
    /// or malformed, or was a 5xx other than 503. Never sent again unless
    /// the user asks.
    Unknown,
}

impl SubmitOutcome {
    /// Whether the service certainly created no job.
    pub fn is_refused(self) -> bool {
        !matches!(self, Self::Unknown)
    }
}

impl Error {
    /// What this error, ending a submit, says about the job: the one rule
    /// every caller uses (see [`SubmitOutcome`]). An error that a submit
    /// cannot end (a failed job, a download) is [`SubmitOutcome::Unknown`],
    /// the reading that never bills twice.
    pub fn submit_outcome(&self) -> SubmitOutcome {
        match self {
            Self::InvalidInput { .. }
            | Self::MissingToken
            | Self::Authentication { .. }
            | Self::Permission { .. }
            | Self::NotFound { .. }
            | Self::InsufficientBalance { .. }
            | Self::InvalidRequestId { .. }
            | Self::Configuration(_) => SubmitOutcome::Refused,
            Self::RateLimited { retry_after, .. }
            | Self::ServiceUnavailable {
                status: 408 | 503,
                retry_after,
                ..
            } => SubmitOutcome::RefusedForNow {
                retry_after: *retry_after,
            },
            Self::UnexpectedResponse { status, .. } if (400..500).contains(status) => {
                SubmitOutcome::Refused
            }
            Self::Transport { source, .. } if source.is_connect() => {
                SubmitOutcome::RefusedForNow { retry_after: None }
            }
            _ => SubmitOutcome::Unknown,
        }
    }

    /// Whether a call that is safe to repeat (status, result, cancel) may
    /// succeed if asked again: no answer, a 408, 429 or 5xx, or a 2xx whose
    /// body is not the contract's.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Transport { .. } | Self::ServiceUnavailable { .. } | Self::RateLimited { .. } => {
                true
            }
            Self::UnexpectedResponse { status, .. } => (200..300).contains(status),
            _ => false,
        }
    }

    /// How long the service asked to wait, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. }
            | Self::ServiceUnavailable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;

    use super::*;
    use crate::transport::classify::classify;

    /// Every error code of the contract, one unknown code, and none.
    const CODES: [Option<u64>; 10] = [
        None,
        Some(400001),
        Some(400002),
        Some(400004),
        Some(401001),
        Some(403001),
        Some(404001),
        Some(422001),
        Some(500001),
        Some(123456),
    ];

    /// What a submit answered `status` with `code` must mean, written from
    /// the contract rather than from the classification: the service's own
    /// refusal codes prove a refusal whatever the status; an internal error
    /// code proves nothing, unless the status itself says the request was
    /// not taken (408, 429, 503: refusals for now); without a code, any
    /// other 4xx is a refusal, and anything else may hide an accepted job.
    fn expected(status: u16, code: Option<u64>) -> SubmitOutcome {
        let refused_for_now = SubmitOutcome::RefusedForNow { retry_after: None };
        match (status, code) {
            (_, Some(400001 | 400002 | 400004 | 401001 | 403001 | 404001 | 422001)) => {
                SubmitOutcome::Refused
            }
            (401..=404 | 422, _) => SubmitOutcome::Refused,
            (408 | 429 | 503, _) => refused_for_now,
            (_, Some(500001)) => SubmitOutcome::Unknown,
            (400..=499, _) => SubmitOutcome::Refused,
            _ => SubmitOutcome::Unknown,
        }
    }

    #[test]
    fn every_status_and_error_code_has_one_submit_outcome() {
        let mut checked = 0;
        for status in 100..=599u16 {
            let Ok(http) = StatusCode::from_u16(status) else {
                continue;
            };
            for code in CODES {
                let body = match code {
                    Some(code) => format!(r#"{{"error_code": {code}, "error_message": "m"}}"#),
                    None => r#"{"error_message": "m"}"#.to_owned(),
                };
                let error = classify(http, body.as_bytes(), None, "m", None);
                assert_eq!(
                    error.submit_outcome(),
                    expected(status, code),
                    "HTTP {status} with error_code {code:?}: {error:?}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 500 * CODES.len());
    }

    #[test]
    fn a_refusal_for_now_carries_the_services_wait() {
        let wait = Some(Duration::from_secs(7));
        for status in [
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::SERVICE_UNAVAILABLE,
        ] {
            let error = classify(status, b"{}", wait, "m", None);
            assert_eq!(
                error.submit_outcome(),
                SubmitOutcome::RefusedForNow { retry_after: wait }
            );
            assert!(error.is_transient());
        }
    }

    /// A reqwest error of each kind a transport can end with, made against
    /// loopback listeners.
    async fn transport_error(kind: &str) -> Error {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let behaviour = kind.to_owned();
        if kind == "refused" {
            drop(listener);
        } else {
            tokio::spawn(async move {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                match behaviour.as_str() {
                    "cut" => {
                        let head = "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"req";
                        let _ = stream.write_all(head.as_bytes()).await;
                    }
                    "silent" => tokio::time::sleep(Duration::from_secs(5)).await,
                    _ => {}
                }
            });
        }
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(300))
            .build()
            .expect("client");
        let result = http
            .post(format!("http://{address}/v1/models/m"))
            .body("{}")
            .send()
            .await;
        let source = match result {
            Ok(response) => response.bytes().await.expect_err("the body is cut"),
            Err(error) => error,
        };
        Error::Transport {
            request_id: None,
            source,
        }
    }

    #[tokio::test]
    async fn only_a_refused_connection_proves_a_transport_failure_sent_nothing() {
        for (kind, outcome) in [
            (
                "refused",
                SubmitOutcome::RefusedForNow { retry_after: None },
            ),
            ("reset", SubmitOutcome::Unknown),
            ("cut", SubmitOutcome::Unknown),
            ("silent", SubmitOutcome::Unknown),
        ] {
            let error = transport_error(kind).await;
            assert_eq!(error.submit_outcome(), outcome, "{kind}: {error:?}");
            assert!(error.is_transient(), "{kind}");
        }
    }

    #[test]
    fn errors_a_submit_cannot_end_never_read_as_a_refusal() {
        let errors = [
            Error::OutcomeUnknown {
                model_id: "m".into(),
                reason: "r".into(),
            },
            Error::JobFailed {
                request_id: "r".into(),
                error: serde_json::Value::Null,
            },
            Error::Cancelled {
                request_id: "r".into(),
            },
            Error::Download {
                request_id: None,
                url: "u".into(),
                reason: "r".into(),
            },
        ];
        for error in errors {
            assert_eq!(error.submit_outcome(), SubmitOutcome::Unknown, "{error:?}");
        }
        assert_eq!(
            Error::MissingToken.submit_outcome(),
            SubmitOutcome::Refused,
            "nothing was sent"
        );
    }
}
