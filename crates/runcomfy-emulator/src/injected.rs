//! The answers of injected faults that the handlers cannot give: a dropped
//! connection, an error status or `Retry-After` in place of the answer, a
//! body that is not JSON or an error inside a 200, and a download cut
//! halfway.

use std::io;
use std::time::Duration;

use axum::body::Body;
use axum::response::IntoResponse as _;
use futures::StreamExt as _;
use hyper::header::{self, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::json;

use crate::api::Reply;

/// The error that makes hyper drop a connection without answering.
#[derive(Debug)]
pub(crate) struct Reset;

impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset (injected fault)")
    }
}

impl std::error::Error for Reset {}

/// The error answer of an injected status fault.
pub(crate) fn injected_status(code: u16) -> Response<Body> {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let code = (code == 500).then_some(500001);
    Reply::error(status, code, format!("{status} (injected fault)"), None).into_response()
}

/// An error answer that asks the client to come back after `retry_after_secs`.
pub(crate) fn retry_later(
    status: StatusCode,
    message: &str,
    retry_after_secs: u64,
) -> Response<Body> {
    let mut response = Reply::error_message(status, message).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
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
