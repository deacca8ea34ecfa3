//! The parameters of a route: its path parameters ([`PathParam`]: a model
//! id, a request id, or a request id and a file name) and its query
//! ([`QueryParams`]), each rejected with the documented error body when it
//! cannot be read.

use std::fmt::Display;

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use hyper::StatusCode;
use serde::de::DeserializeOwned;

use crate::api::reply::Reply;

/// The route's path parameters: one `String` unless told otherwise.
pub(crate) struct PathParam<T = String>(pub(crate) T);

/// The route's query, read into `T`.
pub(crate) struct QueryParams<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParam<T> {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Reply> {
        let read = Path::<T>::from_request_parts(parts, state).await;
        read.map(|Path(value)| Self(value))
            .map_err(|e| bad("path", e))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Reply> {
        let read = Query::<T>::from_request_parts(parts, state).await;
        read.map(|Query(value)| Self(value))
            .map_err(|e| bad("query", e))
    }
}

/// The documented 400 of a part of the request that cannot be read.
fn bad(part: &str, rejection: impl Display) -> Reply {
    Reply::error_message(StatusCode::BAD_REQUEST, format!("bad {part}: {rejection}"))
}
