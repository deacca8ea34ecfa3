//! The routes: which handler answers which method and path, the answers to
//! any other path or method, and which faults a request is exposed to.
//! Besides the Model API under `/v1`: the output files, the balance (the
//! provider's serverless API's path) and the admin listing.

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use hyper::{Method, StatusCode};

use crate::api::admin::{ADMIN_JOBS, admin_jobs};
use crate::api::balance::{BALANCE, balance};
use crate::api::catalog::{get_model, list_categories, list_models};
use crate::api::files::file;
use crate::api::reply::Reply;
use crate::api::requests::{cancel, result, status};
use crate::api::state::Api;
use crate::api::submit::submit;
use crate::faults::Target;

/// The routes of the Model API, the output files, the balance and the listing.
pub(crate) fn router(api: Arc<Api>) -> Router {
    Router::new()
        .route("/v1/models", get(list_models))
        .route("/v1/models/categories", get(list_categories))
        .route("/v1/models/{*model}", get(get_model).post(submit))
        .route("/v1/requests/{id}/status", get(status))
        .route("/v1/requests/{id}/result", get(result))
        .route("/v1/requests/{id}/cancel", post(cancel))
        .route("/files/{id}/{name}", get(file))
        .route(BALANCE, get(balance))
        .route(ADMIN_JOBS, get(admin_jobs))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .with_state(api)
}

/// Which faults a request is exposed to, decided before routing (a reset
/// must happen before any handler runs).
pub(crate) fn fault_target(method: &Method, path: &str) -> Option<Target> {
    if path.starts_with("/files/") {
        return Some(Target::Media);
    }
    if path == "/v1/models" || (path.starts_with("/v1/models/") && method == Method::GET) {
        return Some(Target::Any);
    }
    if path.starts_with("/v1/models/") && method == Method::POST {
        return Some(Target::Submit);
    }
    match path.strip_prefix("/v1/requests/")?.rsplit('/').next()? {
        "status" => Some(Target::Status),
        "result" => Some(Target::Result),
        "cancel" => Some(Target::Cancel),
        _ => None,
    }
}

async fn not_found() -> Reply {
    Reply::error_message(StatusCode::NOT_FOUND, "no such endpoint")
}

async fn wrong_method(method: Method) -> Reply {
    Reply::error_message(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method {method} is not allowed here (see the Allow header)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_targets_follow_the_routes() {
        let model = "/v1/models/kling/kling-1-6/pro/image-to-video";
        for (method, path, target) in [
            (Method::POST, model, Some(Target::Submit)),
            (Method::GET, model, Some(Target::Any)),
            (Method::GET, "/v1/requests/abc/status", Some(Target::Status)),
            (Method::GET, "/v1/requests/abc/result", Some(Target::Result)),
            (
                Method::POST,
                "/v1/requests/abc/cancel",
                Some(Target::Cancel),
            ),
            (Method::GET, "/files/abc/output.mp4", Some(Target::Media)),
            (Method::GET, "/elsewhere", None),
        ] {
            assert_eq!(fault_target(&method, path), target, "{method} {path}");
        }
        assert_eq!(
            fault_target(&Method::GET, ADMIN_JOBS),
            None,
            "the admin listing gets no faults"
        );
    }
}
