//! `GET`/`HEAD /files/{id}/{name}`: a succeeded job's video under each
//! name its `output` gives it (`output.mp4`, and the others of the
//! dialect's output shape), whole or a byte range of it. Fetched without a
//! token, as output URLs are.

use std::sync::Arc;

use axum::extract::State;
use hyper::header::{self, HeaderMap};
use hyper::{Method, StatusCode};

use crate::api::outcome::file_names;
use crate::api::params::PathParam;
use crate::api::reply::Reply;
use crate::api::state::Api;
use crate::jobs::JobState;
use crate::media::FileReply;

/// `GET` or `HEAD /files/{id}/{name}`.
pub(crate) async fn file(
    State(api): State<Arc<Api>>,
    method: Method,
    headers: HeaderMap,
    PathParam((id, name)): PathParam<(String, String)>,
) -> Reply {
    let job = match api.queue.get(&id) {
        Some((job, _))
            if matches!(job.state, JobState::Succeeded { .. })
                && file_names(api.dialect.output_shape).contains(&name.as_str()) =>
        {
            job
        }
        _ => return Reply::error_message(StatusCode::NOT_FOUND, "no such file"),
    };
    match api.files.get(
        &id,
        job.submission.video_secs,
        job.submission.input.start.as_deref(),
    ) {
        Ok(bytes) => {
            api.stats.downloaded();
            Reply::File(FileReply::new(
                bytes,
                headers.get(header::RANGE),
                method == Method::HEAD,
            ))
        }
        Err(error) => Reply::coded_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            500001,
            format!("could not render the video: {error}"),
        ),
    }
}
