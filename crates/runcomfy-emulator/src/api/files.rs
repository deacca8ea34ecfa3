//! `GET`/`HEAD /files/{id}/{name}`: a succeeded job's files under the
//! names its `output` gives them (a video's `output.mp4` and the others of
//! the dialect's output shape, `output.png` or `output-N.jpg` images,
//! `output.wav`), whole or a byte range. Fetched without a token, as
//! output URLs are.

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
    let found = api.queue.get(&id).and_then(|(job, _)| {
        let succeeded = matches!(job.state, JobState::Succeeded { .. });
        let index = file_names(api.dialect.output_shape, &job.submission.render)
            .iter()
            .position(|file| *file == name)?;
        succeeded.then_some((job, index))
    });
    let Some((job, index)) = found else {
        return Reply::error_message(StatusCode::NOT_FOUND, "no such file");
    };
    match api.files.get(&id, index as u32, &job.submission.render) {
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
            format!(
                "could not render the {}: {error}",
                job.submission.render.workload().kind.as_str()
            ),
        ),
    }
}
