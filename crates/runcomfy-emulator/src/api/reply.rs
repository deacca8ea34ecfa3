//! What a handler answers ([`Reply`]) before it becomes HTTP: a JSON body
//! (the documented error body among them) or an output file.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use hyper::StatusCode;
use hyper::header::{self, HeaderValue};
use serde_json::{Value, json};

use crate::media::FileReply;

/// An answer, before it becomes HTTP.
#[derive(Debug)]
pub(crate) enum Reply {
    /// A JSON body.
    Json {
        /// The status.
        status: StatusCode,
        /// Extra headers (`Retry-After`, `Allow`).
        headers: Vec<(header::HeaderName, HeaderValue)>,
        /// The body.
        body: Value,
    },
    /// An output file (or part of it).
    File(FileReply),
}

impl Reply {
    /// A JSON body with no extra headers.
    pub(crate) fn json(status: StatusCode, body: Value) -> Self {
        Self::Json {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// The documented error body: an `error_code` (the status's own when
    /// none is given), a message and an optional `detail`.
    pub(crate) fn error(
        status: StatusCode,
        code: Option<u64>,
        message: impl Into<String>,
        detail: Option<Value>,
    ) -> Self {
        let mut body = serde_json::Map::new();
        let code = code.unwrap_or_else(|| default_code(status));
        body.insert("error_code".into(), json!(code));
        body.insert("error_message".into(), json!(message.into()));
        if let Some(detail) = detail {
            body.insert("detail".into(), detail);
        }
        Self::json(status, Value::Object(body))
    }

    /// The error body with a message only.
    pub(crate) fn error_message(status: StatusCode, message: impl Into<String>) -> Self {
        Self::error(status, None, message, None)
    }

    /// The error body with a documented `error_code` and a message.
    pub(crate) fn coded_error(status: StatusCode, code: u64, message: impl Into<String>) -> Self {
        Self::error(status, Some(code), message, None)
    }

    /// The same answer with one more header (JSON answers only).
    pub(crate) fn with_header(mut self, name: header::HeaderName, value: &str) -> Self {
        if let (Self::Json { headers, .. }, Ok(value)) = (&mut self, HeaderValue::from_str(value)) {
            headers.push((name, value));
        }
        self
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Self::Json {
                status,
                headers,
                body,
            } => {
                let mut response = (
                    status,
                    [(header::CONTENT_TYPE, "application/json")],
                    body.to_string(),
                )
                    .into_response();
                response.headers_mut().extend(headers);
                response
            }
            Self::File(file) => file_response(file),
        }
    }
}

/// An output file's answer: `video/mp4`, byte ranges accepted, streamed.
fn file_response(file: FileReply) -> Response {
    let body = match file.body {
        Some((output, start, end)) => Body::from_stream(output.stream(start, end)),
        None => Body::empty(),
    };
    let mut response = (file.status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("video/mp4"));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(file.length));
    if let Some(range) = file
        .content_range
        .and_then(|r| HeaderValue::from_str(&r).ok())
    {
        headers.insert(header::CONTENT_RANGE, range);
    }
    response
}

/// The documented `error_code` that goes with an error status when no more
/// specific one applies: every error body carries one, as the document says.
fn default_code(status: StatusCode) -> u64 {
    match status.as_u16() {
        401 => 400004,
        402 => 400002,
        403 => 403001,
        // A path, method or file that names nothing: an invalid identifier.
        404 | 405 => 400001,
        // A body that cannot be an input (not JSON, too large, wrong type).
        400..=499 if status != StatusCode::TOO_MANY_REQUESTS => 422001,
        _ => 500001,
    }
}
