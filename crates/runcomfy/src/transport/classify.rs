//! Answers that are not the expected one, turned into [`Error`]s by HTTP
//! status and `error_code` together; a submit's unknown outcome said as such.

use std::time::Duration;

use reqwest::StatusCode;
use runcomfy_validate::FieldError;
use runcomfy_validate::text::{ellipsize, error_chain};
use serde_json::Value;

use crate::error::Error;
use crate::words::{self, service_message};

/// A submit error whose outcome is unknown, said as such: the job may exist.
pub(crate) fn outcome_unknown(error: Error, model_id: &str) -> Error {
    let reason = match error {
        Error::OutcomeUnknown { .. } => return error,
        // The URL in a reqwest error carries no token (credentials are headers).
        Error::Transport { source, .. } => error_chain(&source),
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

/// An error body as the service wrote it: its code (a number, or a number
/// written as a string), its words, its `detail`.
struct ErrorAnswer {
    code: Option<u64>,
    message: Option<String>,
    detail: Option<Value>,
}

impl ErrorAnswer {
    fn parse(body: &[u8]) -> Self {
        let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let code = value.get("error_code").and_then(|code| match code {
            Value::Number(n) => n.as_u64(),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        });
        Self {
            code,
            message: value.as_object().and_then(words::text_of),
            detail: value.get("detail").filter(|d| !d.is_null()).cloned(),
        }
    }
}

/// Turns an answer that is not the expected one into an error, by HTTP
/// status and `error_code` together (the pairing is not documented): the
/// first arm that matches either wins.
pub(crate) fn classify(
    status: StatusCode,
    body: &[u8],
    retry_after: Option<Duration>,
    model_id: &str,
    request_id: Option<&str>,
) -> Error {
    let answer = ErrorAnswer::parse(body);
    let message = answer.message.clone().unwrap_or_else(|| excerpt(body));
    let request_id = request_id.map(str::to_owned);
    let invalid = || Error::InvalidInput {
        model_id: model_id.to_owned(),
        errors: detail_errors(answer.detail.as_ref(), &message),
    };
    match (status.as_u16(), answer.code) {
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
        (_, Some(422001)) | (422, _) => invalid(),
        (429, _) => Error::RateLimited {
            request_id,
            retry_after,
        },
        (_, Some(500001)) | (408 | 500..=599, _) => Error::ServiceUnavailable {
            request_id,
            status: status.as_u16(),
            message,
            retry_after,
        },
        // A bad request whose code says nothing more: the input, as a 422.
        (400, _) => invalid(),
        _ => Error::UnexpectedResponse {
            request_id,
            status: status.as_u16(),
            excerpt: excerpt(body),
        },
    }
}

/// The service's `detail` of a 400 or 422, of any shape, as field errors: a
/// list (of entries or of texts), one entry, a map of field to words, or a
/// text; without one, the message.
fn detail_errors(detail: Option<&Value>, message: &str) -> Vec<FieldError> {
    let errors: Vec<FieldError> = match detail {
        Some(Value::Array(entries)) => entries.iter().map(detail_entry).collect(),
        Some(Value::Object(fields)) if !is_entry(fields) => fields
            .iter()
            .map(|(field, words)| FieldError {
                pointer: format!("/{field}"),
                keyword: "server".into(),
                message: service_message(words),
            })
            .collect(),
        Some(entry @ (Value::Object(_) | Value::String(_))) => vec![detail_entry(entry)],
        _ => Vec::new(),
    };
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

/// Whether an object is one error entry rather than a map of fields.
fn is_entry(fields: &serde_json::Map<String, Value>) -> bool {
    ["pointer", "field", "loc", "message", "msg", "keyword"]
        .iter()
        .any(|key| fields.contains_key(*key))
}

/// One entry of a `detail` list: `pointer`, `field` or FastAPI's `loc` for
/// the field; `message` or `msg` for the words; or a bare text.
fn detail_entry(entry: &Value) -> FieldError {
    let text = |key: &str| entry.get(key).and_then(Value::as_str);
    let pointer = text("pointer")
        .map(str::to_owned)
        .or_else(|| text("field").map(|field| format!("/{field}")))
        .or_else(|| {
            entry
                .get("loc")
                .and_then(Value::as_array)
                .map(|loc| loc_pointer(loc))
        })
        .unwrap_or_default();
    let message = text("message")
        .or_else(|| text("msg"))
        .map(str::to_owned)
        .unwrap_or_else(|| service_message(entry));
    FieldError {
        pointer,
        keyword: text("keyword").unwrap_or("server").to_owned(),
        message,
    }
}

/// FastAPI's `loc` (`["body", "duration"]`) as a JSON pointer (`/duration`).
fn loc_pointer(loc: &[Value]) -> String {
    loc.iter()
        .skip_while(|part| part.as_str() == Some("body"))
        .map(|part| match part {
            Value::String(text) => format!("/{text}"),
            other => format!("/{other}"),
        })
        .collect()
}

/// The start of a body, for messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let cut = ellipsize(&String::from_utf8_lossy(body), 200);
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
    fn a_detail_of_any_shape_is_the_services_words_per_field() {
        let fields = |status, body: &str| match error_of(status, body) {
            Error::InvalidInput { errors, .. } => errors
                .into_iter()
                .map(|e| (e.pointer, e.message))
                .collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let pair = |p: &str, m: &str| (p.to_owned(), m.to_owned());
        assert_eq!(
            fields(422, r#"{"detail": "prompt is too long"}"#),
            [pair("", "prompt is too long")]
        );
        assert_eq!(
            fields(400, r#"{"detail": ["bad duration", "bad ratio"]}"#),
            [pair("", "bad duration"), pair("", "bad ratio")]
        );
        assert_eq!(
            fields(
                422,
                r#"{"detail": [{"loc": ["body", "duration"], "msg": "must be 5 or 10", "type": "enum"}]}"#
            ),
            [pair("/duration", "must be 5 or 10")]
        );
        assert_eq!(
            fields(
                400,
                r#"{"detail": {"field": "seed", "message": "too big"}}"#
            ),
            [pair("/seed", "too big")]
        );
        assert_eq!(
            fields(
                422,
                r#"{"detail": {"cfg_scale": "at most 1", "fps": ["24 or 30"]}}"#
            ),
            [pair("/cfg_scale", "at most 1"), pair("/fps", "24 or 30")]
        );
        assert_eq!(
            fields(400, r#"{"error_message": "invalid input"}"#),
            [pair("", "invalid input")],
            "no detail: the message"
        );
    }

    #[test]
    fn codes_written_as_strings_and_words_in_any_field_are_read() {
        assert!(matches!(
            error_of(400, r#"{"error_code": "400002", "error": "no money left"}"#),
            Error::InsufficientBalance { message, .. } if message == "no money left"
        ));
        assert!(matches!(
            error_of(404, r#"{"error_code": 404001, "detail": "expired"}"#),
            Error::NotFound { message, .. } if message == "expired"
        ));
        assert!(matches!(
            error_of(520, "<html>origin error</html>"),
            Error::ServiceUnavailable { status: 520, .. }
        ));
    }

    #[test]
    fn excerpts_are_short() {
        assert_eq!(excerpt(&[b'x'; 500]).chars().count(), 201);
        assert_eq!(excerpt(b""), "(empty body)");
        assert!(carries_error_code(br#"{"error_code": 1}"#));
        assert!(!carries_error_code(br#"{"request_id": "a"}"#));
    }
}
