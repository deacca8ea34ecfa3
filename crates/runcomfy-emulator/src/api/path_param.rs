//! The one path parameter of a route (a model id or a request id), rejected
//! with the documented error body when it cannot be read.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use hyper::StatusCode;

use crate::api::reply::Reply;

/// The route's one path parameter.
pub(crate) struct PathParam(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Reply> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(Reply::error_message(
                StatusCode::BAD_REQUEST,
                format!("bad path: {rejection}"),
            )),
        }
    }
}
