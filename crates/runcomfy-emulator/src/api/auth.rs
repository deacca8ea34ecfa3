//! Who is calling ([`Owner`]): a bearer token, checked against the accepted
//! ones and kept only as a keyed fingerprint, never as the token itself.

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use hyper::StatusCode;
use hyper::header::{self, HeaderMap};

use crate::api::reply::Reply;
use crate::api::state::Api;

/// The caller, identified by a fingerprint of its bearer token.
pub(crate) struct Owner(pub(crate) u64);

impl FromRequestParts<Arc<Api>> for Owner {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, api: &Arc<Api>) -> Result<Self, Reply> {
        authenticate(api, &parts.headers).map(Owner)
    }
}

/// The fingerprint of an accepted bearer token, or the documented 401.
fn authenticate(api: &Api, headers: &HeaderMap) -> Result<u64, Reply> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return Err(unauthorized(
            "missing bearer token: send `Authorization: Bearer <token>`",
        ));
    };
    if api
        .tokens
        .as_ref()
        .is_some_and(|tokens| !tokens.iter().any(|t| t == token))
    {
        return Err(unauthorized("invalid, expired or revoked token"));
    }
    let mut hasher = api.fingerprint_key.build_hasher();
    hasher.write(token.as_bytes());
    Ok(hasher.finish())
}

/// The documented answer to a missing or unknown token.
fn unauthorized(message: &str) -> Reply {
    Reply::coded_error(StatusCode::UNAUTHORIZED, 400004, message)
}
