//! Answers that are not the expected one, turned into [`Error`]s by HTTP
//! status and `error_code` together; a submit's unknown outcome said as such.

use std::time::Duration;

use reqwest::StatusCode;
use runcomfy_api::types::ErrorBody;
use runcomfy_validate::FieldError;
use serde_json::Value;

use crate::error::Error;

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
pub(crate) fn outcome_unknown(error: Error, model_id: &str) -> Error {
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
}
