//! `GET /_emulator/jobs`: the emulator's own read-only listing of every job
//! it holds, for chaos tests that count on the service's side. Not part of
//! the Model API: it is outside `/v1` (so the contract check and the faults
//! leave it alone) and needs no token. Its words are always the default
//! dialect's, whatever the Model API answers say, so that tools counting
//! on it read one vocabulary.

use std::sync::Arc;

use axum::extract::State;
use hyper::StatusCode;
use serde_json::{Value, json};

use crate::api::outcome::file_names;
use crate::api::reply::Reply;
use crate::api::state::Api;
use crate::api::states::{result_status, timestamp};
use crate::dialect::Dialect;
use crate::jobs::{Job, JobState};

/// Where the listing is served.
pub(crate) const ADMIN_JOBS: &str = "/_emulator/jobs";

/// `GET /_emulator/jobs`.
pub(crate) async fn admin_jobs(State(api): State<Arc<Api>>) -> Reply {
    // Digests render every succeeded job's video: off the async workers.
    match tokio::task::spawn_blocking(move || jobs_report(&api)).await {
        Ok(reply) => reply,
        Err(error) => Reply::error_message(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the job listing failed: {error}"),
        ),
    }
}

/// Every job held, oldest first, with its input's fingerprint, its state
/// (and its position while queued: one moment's picture of the queue)
/// and, once succeeded, the size and SHA-256 of the video it serves; and
/// the count of accepted submits.
fn jobs_report(api: &Api) -> Reply {
    let jobs: Vec<Value> = api
        .queue
        .list()
        .into_iter()
        .map(|(id, job, position)| job_entry(api, &id, &job, position))
        .collect();
    Reply::json(
        StatusCode::OK,
        json!({"submits": api.stats.submits(), "jobs": jobs}),
    )
}

fn job_entry(api: &Api, id: &str, job: &Job, position: Option<usize>) -> Value {
    let mut entry = json!({
        "request_id": id,
        "model_id": job.submission.model_id,
        "state": result_status(&job.state, &Dialect::default()),
        "prompt": job.submission.input.prompt,
        "input_sha256": job.submission.input.sha256,
        "created_at": timestamp(job.created_at),
    });
    if let Some(position) = position {
        entry["queue_position"] = json!(position);
    }
    if matches!(job.state, JobState::Succeeded { .. }) {
        let render = &job.submission.render;
        let url = api.file_url(id, &file_names(api.dialect.output_shape, render)[0]);
        entry["output"] = match api.files.get(id, 0, render) {
            Ok(file) => {
                let (size, sha256) = file.digest();
                json!({"url": url, "size": size, "sha256": sha256})
            }
            Err(error) => json!({"url": url, "error": error.to_string()}),
        };
    }
    entry
}
