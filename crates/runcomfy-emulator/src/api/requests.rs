//! One request of the caller's: `GET …/status`, `GET …/result` and
//! `POST …/cancel`, each answered for the caller who submitted it only.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use hyper::StatusCode;
use serde_json::json;

use crate::api::auth::Owner;
use crate::api::path_param::PathParam;
use crate::api::reply::Reply;
use crate::api::state::Api;
use crate::api::states::{queue_status, result_status, timestamp};
use crate::jobs::{Cancelled, Job, JobState};

/// A request the caller owns, looked up: the caller is checked first
/// (401), then the id (404 when unknown or expired, 403 when another
/// caller's).
pub(crate) struct OwnRequest {
    api: Arc<Api>,
    id: String,
    job: Job,
    /// While queued: 1 means next.
    position: Option<usize>,
}

impl FromRequestParts<Arc<Api>> for OwnRequest {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, api: &Arc<Api>) -> Result<Self, Reply> {
        let Owner(owner) = Owner::from_request_parts(parts, api).await?;
        let PathParam(id) = PathParam::from_request_parts(parts, api).await?;
        match api.queue.get(&id) {
            None => Err(no_such_request(&id)),
            Some((job, _)) if job.owner != owner => Err(Reply::coded_error(
                StatusCode::FORBIDDEN,
                403001,
                format!("request {id} belongs to another user"),
            )),
            Some((job, position)) => Ok(Self {
                api: api.clone(),
                id,
                job,
                position,
            }),
        }
    }
}

fn no_such_request(id: &str) -> Reply {
    Reply::coded_error(
        StatusCode::NOT_FOUND,
        404001,
        format!("request {id} does not exist, was deleted or expired"),
    )
}

/// `GET /v1/requests/{id}/status`.
pub(crate) async fn status(own: OwnRequest) -> Reply {
    let OwnRequest {
        api,
        id,
        job,
        position,
    } = own;
    let base = api.request_url(&id);
    let mut body = json!({
        "request_id": id,
        "status": queue_status(&job.state),
        "status_url": format!("{base}/status"),
        "result_url": format!("{base}/result"),
    });
    if let Some(position) = position {
        body["queue_position"] = json!(position);
    }
    if let JobState::Running { worker, .. } = job.state {
        body["instance_id"] = json!(format!("emulator-worker-{worker}"));
    }
    Reply::json(StatusCode::OK, body)
}

/// `GET /v1/requests/{id}/result`: the state until the end, then the
/// video or the error.
pub(crate) async fn result(own: OwnRequest) -> Reply {
    let OwnRequest { api, id, job, .. } = own;
    let mut body = json!({
        "request_id": id,
        "status": result_status(&job.state),
        "model_id": job.model_id,
        "created_at": timestamp(job.created_at),
    });
    match job.state {
        JobState::Succeeded { finished_at } => {
            body["output"] = json!({"video": api.video_url(&id)});
            body["finished_at"] = json!(timestamp(finished_at));
        }
        JobState::Failed { finished_at } => {
            body["error"] = json!({"error_code": 500001, "error_message": "video generation failed (emulated failure)"});
            body["finished_at"] = json!(timestamp(finished_at));
        }
        JobState::Cancelled { at } => body["finished_at"] = json!(timestamp(at)),
        JobState::Queued | JobState::Running { .. } => {}
    }
    Reply::json(StatusCode::OK, body)
}

/// `POST /v1/requests/{id}/cancel`: only a queued job is cancelled.
pub(crate) async fn cancel(own: OwnRequest) -> Reply {
    let OwnRequest { api, id, .. } = own;
    match api.queue.cancel(&id) {
        Some((outcome, state)) => Reply::json(
            StatusCode::ACCEPTED,
            json!({
                "request_id": id,
                "status": queue_status(&state),
                "outcome": match outcome { Cancelled::Cancelled => "cancelled", Cancelled::NotCancellable => "not_cancellable" },
            }),
        ),
        None => no_such_request(&id),
    }
}
