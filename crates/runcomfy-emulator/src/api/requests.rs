//! One request of the caller's: `GET …/status`, `GET …/result` (with its
//! cost on request) and `POST …/cancel`, each answered for the caller who
//! submitted it only.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use hyper::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::auth::Owner;
use crate::api::outcome::{failure, output};
use crate::api::params::{PathParam, QueryParams};
use crate::api::reply::Reply;
use crate::api::state::Api;
use crate::api::states::{cancelled, queue_status, result_status, timestamp};
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
        let PathParam::<String>(id) = PathParam::from_request_parts(parts, api).await?;
        match api.queue.get(&id) {
            None => Err(no_such_request(&id)),
            Some((job, _)) if job.submission.owner != owner => Err(Reply::coded_error(
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
        "status": queue_status(&job.state, &api.dialect),
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

/// Query of `GET …/result`.
#[derive(Debug, Deserialize)]
pub(crate) struct ResultQuery {
    include_cost: Option<bool>,
}

/// `GET /v1/requests/{id}/result`: the state until the end, then the
/// video or the error; with `include_cost=true`, a finished job's `cost`.
pub(crate) async fn result(own: OwnRequest, QueryParams(query): QueryParams<ResultQuery>) -> Reply {
    let OwnRequest { api, id, job, .. } = own;
    let mut body = json!({
        "request_id": id,
        "status": result_status(&job.state, &api.dialect),
        "model_id": job.submission.model_id,
        "created_at": timestamp(job.created_at),
    });
    match job.state {
        JobState::Succeeded { finished_at } => {
            body["output"] = output(&api, &id, &job.submission.render);
            body["finished_at"] = json!(timestamp(finished_at));
        }
        JobState::Failed { finished_at } => {
            body["error"] = failure(api.dialect.failure_error);
            body["finished_at"] = json!(timestamp(finished_at));
        }
        JobState::Cancelled { at } => body["finished_at"] = json!(timestamp(at)),
        JobState::Queued | JobState::Running { .. } => {}
    }
    if query.include_cost == Some(true)
        && let Some(cost) = cost_of(&job)
    {
        body["cost"] = json!(cost);
    }
    Reply::json(StatusCode::OK, body)
}

/// What a finished job of a priced model cost, in USD: its charge when it
/// succeeded, nothing when it failed or was cancelled (given back).
fn cost_of(job: &Job) -> Option<f64> {
    let charge = job.submission.cost?;
    match job.state {
        JobState::Succeeded { .. } => Some(charge.usd()),
        JobState::Failed { .. } | JobState::Cancelled { .. } => Some(0.0),
        JobState::Queued | JobState::Running { .. } => None,
    }
}

/// `POST /v1/requests/{id}/cancel`: only a queued job is cancelled.
pub(crate) async fn cancel(own: OwnRequest) -> Reply {
    let OwnRequest { api, id, .. } = own;
    match api.queue.cancel(&id) {
        Some((outcome, state)) => {
            let outcome = match outcome {
                Cancelled::Cancelled => cancelled(&api.dialect),
                Cancelled::NotCancellable => "not_cancellable",
            };
            let body: Value = json!({
                "request_id": id,
                "status": queue_status(&state, &api.dialect),
                "outcome": outcome,
            });
            Reply::json(StatusCode::ACCEPTED, body)
        }
        None => no_such_request(&id),
    }
}
