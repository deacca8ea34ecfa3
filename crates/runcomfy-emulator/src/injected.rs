//! The answers of injected faults that the handlers cannot give: a dropped
//! connection, an error status or `Retry-After` (seconds or a date) in place
//! of the answer, the documented refusals (401, 402, 403, 404, an invalid
//! input's 400 or 422 with each shape of `detail`), a body that is not JSON
//! or an error inside a 200, and a download cut halfway.

use std::io;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::response::IntoResponse as _;
use futures::StreamExt as _;
use hyper::header::{self, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::{Value, json};

use crate::api::Reply;
use crate::faults::{Detail, Fault};

/// The error that makes hyper drop a connection without answering.
#[derive(Debug)]
pub(crate) struct Reset;

impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset (injected fault)")
    }
}

impl std::error::Error for Reset {}

/// The answer a fault gives in place of the routed one, for the faults
/// that answer without the request being carried out and stay on contract.
pub(crate) fn answer_instead(fault: Fault) -> Option<Response<Body>> {
    let in_a = |secs| SystemTime::now() + Duration::from_secs(secs);
    let (too_many, unavailable) = (
        StatusCode::TOO_MANY_REQUESTS,
        StatusCode::SERVICE_UNAVAILABLE,
    );
    Some(match fault {
        Fault::RateLimited { retry_after_secs } => {
            retry_later(too_many, RATE_LIMITED, &retry_after_secs.to_string())
        }
        Fault::Unavailable { retry_after_secs } => {
            retry_later(unavailable, UNAVAILABLE, &retry_after_secs.to_string())
        }
        Fault::RateLimitedUntil { retry_after_secs } => retry_later(
            too_many,
            RATE_LIMITED,
            &httpdate::fmt_http_date(in_a(retry_after_secs)),
        ),
        Fault::UnavailableUntil { retry_after_secs } => retry_later(
            unavailable,
            UNAVAILABLE,
            &httpdate::fmt_http_date(in_a(retry_after_secs)),
        ),
        Fault::Status(code) => injected_status(code),
        Fault::Unauthorized => refused(401, 400004, "invalid, expired or revoked token"),
        Fault::InsufficientBalance => refused(402, 400002, "insufficient balance"),
        Fault::Forbidden => refused(403, 403001, "the request belongs to another user"),
        Fault::NotFound => refused(
            404,
            404001,
            "the request does not exist, was deleted or expired",
        ),
        Fault::InvalidInput { status, detail } => invalid_input(status, detail),
        _ => return None,
    })
}

const RATE_LIMITED: &str = "rate limited (injected fault)";
const UNAVAILABLE: &str = "service unavailable (injected fault)";

/// The documented error body of a refusal, with its code.
fn refused(status: u16, code: u64, message: &str) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    Reply::coded_error(status, code, format!("{message} (injected fault)")).into_response()
}

/// An invalid input's 400 or 422, its `detail` in the shape asked for.
fn invalid_input(status: u16, detail: Detail) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    let (field, message) = ("duration", "must be one of 5, 10");
    let detail: Value = match detail {
        Detail::Text => json!(format!("{field} {message}")),
        Detail::Texts => json!([format!("{field} {message}"), "cfg_scale must be at most 1"]),
        Detail::Fields => json!([{"field": field, "message": message}]),
        Detail::FastApi => json!([{"loc": ["body", field], "msg": message, "type": "value_error"}]),
    };
    Reply::error(
        status,
        Some(422001),
        "input failed validation (injected fault)",
        Some(detail),
    )
    .into_response()
}

/// The error answer of an injected status fault.
pub(crate) fn injected_status(code: u16) -> Response<Body> {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let code = (code == 500).then_some(500001);
    Reply::error(status, code, format!("{status} (injected fault)"), None).into_response()
}

/// An error answer that asks the client to come back: `retry_after` is
/// seconds or an HTTP date.
fn retry_later(status: StatusCode, message: &str, retry_after: &str) -> Response<Body> {
    Reply::error_message(status, message)
        .with_header(header::RETRY_AFTER, retry_after)
        .into_response()
}

/// HTTP 200 with a body cut inside its first field: not JSON.
pub(crate) fn malformed_json() -> Response<Body> {
    json_text(r#"{"request_id": "#)
}

/// HTTP 200 whose body is the error body, as some provider APIs answer.
pub(crate) fn error_in_200() -> Response<Body> {
    let body = json!({"error_code": 500001, "error_message": "internal error (injected fault, answered with HTTP 200)"});
    json_text(&body.to_string())
}

/// Half the announced body, then an error: the connection closes short of
/// the `Content-Length`. Streams; never holds the body.
pub(crate) async fn truncated(response: Response<Body>) -> Response<Body> {
    let (parts, body) = response.into_parts();
    let announced: u64 = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let half = announced / 2;
    let chunks = body.into_data_stream();
    let cut = futures::stream::unfold(
        (chunks, 0u64, false),
        move |(mut chunks, sent, done)| async move {
            if done {
                return None;
            }
            if sent >= half {
                // Let what was sent go out before the connection drops.
                tokio::time::sleep(Duration::from_millis(50)).await;
                let error = io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "truncated (injected fault)",
                );
                return Some((Err(error), (chunks, sent, true)));
            }
            match chunks.next().await {
                Some(Ok(chunk)) => {
                    let keep = chunk.slice(..(chunk.len() as u64).min(half - sent) as usize);
                    let sent = sent + keep.len() as u64;
                    Some((Ok(keep), (chunks, sent, false)))
                }
                Some(Err(e)) => Some((Err(io::Error::other(e)), (chunks, sent, true))),
                None => None,
            }
        },
    );
    Response::from_parts(parts, Body::from_stream(cut))
}

fn json_text(body: &str) -> Response<Body> {
    let mut response = Response::new(Body::from(body.to_owned()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
