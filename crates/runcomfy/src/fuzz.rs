//! Entry points for the fuzz targets in `fuzz/` (not a stable API).
//!
//! Each function feeds one answer (HTTP status, `Retry-After`, body) to the
//! same code the client runs for that endpoint: the generated client's
//! decoding (`ResponseValue::from_response`, for status, result and cancel)
//! or the raw submit decoding, then `Attempt` and one pass of
//! `transport::call` (retries off), which classifies every answer that is
//! not the expected one, then the handle's conversion into the caller's
//! terms. Nothing is sent anywhere: the answer is built in memory.

use bytes::Bytes;
use reqwest::StatusCode;
use runcomfy_api::types::{CancelResponse, ResultResponse, StatusResponse, SubmitResponse};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::answers::{JobResult, JobStatus, result_of, status_of};
use crate::error::{Error, Result};
use crate::poll::RequestBudget;
use crate::transport::{self, Attempt, Call, RetryPolicy};

/// The model id and request id the answers are about.
const MODEL_ID: &str = "kling/kling-1-6/pro/image-to-video";
const REQUEST_ID: &str = "fuzz-request";

/// One answer of the service, as it arrives.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status (any value; an invalid one is read as 500).
    pub status: u16,
    /// The `Retry-After` header, if any (dropped if it cannot be a header value).
    pub retry_after: Option<String>,
    /// The body.
    pub body: Bytes,
}

impl Answer {
    fn response(&self) -> reqwest::Response {
        let mut builder = http::Response::builder()
            .status(StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
        if let Some(value) = self
            .retry_after
            .as_deref()
            .and_then(|v| http::HeaderValue::from_str(v).ok())
        {
            builder = builder.header(reqwest::header::RETRY_AFTER, value);
        }
        let response = builder
            .body(self.body.clone())
            .unwrap_or_else(|_| http::Response::new(self.body.clone()));
        reqwest::Response::from(response)
    }

    /// What a generated client method does with the answer: the expected
    /// status is decoded with progenitor's `ResponseValue::from_response`,
    /// any other comes back whole (as in `runcomfy_api`'s generated code).
    async fn generated<T: DeserializeOwned>(
        &self,
        expected: u16,
    ) -> std::result::Result<runcomfy_api::ResponseValue<T>, runcomfy_api::Error<()>> {
        let response = self.response();
        if response.status().as_u16() == expected {
            runcomfy_api::ResponseValue::from_response(response).await
        } else {
            Err(runcomfy_api::Error::UnexpectedResponse(response))
        }
    }
}

/// One pass of the retry loop (retries off, no budget): the answer's
/// classification exactly as the client does it.
async fn once<T, F, Fut>(call: Call, attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Attempt<T>>,
{
    transport::call(
        call,
        &RetryPolicy::none(),
        &RequestBudget::unlimited(),
        MODEL_ID,
        Some(REQUEST_ID),
        None,
        attempt,
    )
    .await
}

/// The status endpoint (`200` expected), as `RequestHandle::status` sees it.
pub async fn status(answer: &Answer) -> Result<JobStatus> {
    let decoded: StatusResponse = once(Call::Idempotent, || async {
        Attempt::from_generated(answer.generated(200).await).await
    })
    .await?;
    Ok(status_of(decoded))
}

/// The result endpoint (`200` expected), as `RequestHandle::result` sees it,
/// with the output typed as `O` (a model's `Output`, or `Value`).
pub async fn result<O: DeserializeOwned>(answer: &Answer) -> Result<JobResult<O>> {
    let decoded: ResultResponse = once(Call::Idempotent, || async {
        Attempt::from_generated(answer.generated(200).await).await
    })
    .await?;
    result_of(REQUEST_ID, decoded)
}

/// The cancel endpoint (`202` expected), as `RequestHandle::cancel` sees it.
pub async fn cancel(answer: &Answer) -> Result<crate::CancelOutcome> {
    let decoded: CancelResponse = once(Call::Idempotent, || async {
        Attempt::from_generated(answer.generated(202).await).await
    })
    .await?;
    Ok(decoded.outcome)
}

/// The submit answer (any 2xx expected, a 2xx with `error_code` is an
/// error), as `Client::submit` sees it.
pub async fn submit(answer: &Answer) -> Result<SubmitResponse> {
    once(Call::Submit, || async {
        Attempt::from_raw(Ok(answer.response())).await
    })
    .await
}

/// An error answer's classification alone (by status and `error_code`).
pub fn classify(answer: &Answer) -> Error {
    transport::classify::classify(
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        &answer.body,
        None,
        MODEL_ID,
        Some(REQUEST_ID),
    )
}

/// Every output file URL of a succeeded result (`JobOutput::file_urls`).
pub fn file_urls(state: &JobResult<Value>) -> Vec<String> {
    match state {
        JobResult::Succeeded(output) => output.file_urls(),
        JobResult::Pending(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CancelOutcome, QueueStatus, ResultStatus};

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            retry_after: Some("7".into()),
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn each_endpoint_decodes_its_answer_and_classifies_the_rest() {
        let ok = status(&answer(
            200,
            r#"{"request_id":"r","status":"paused","x":1}"#,
        ))
        .await
        .expect("an unknown status is kept");
        assert_eq!(ok.state, QueueStatus::Other("paused".into()));
        assert!(matches!(
            status(&answer(401, r#"{"error_code":401001}"#)).await,
            Err(Error::Authentication { .. })
        ));
        assert!(matches!(
            status(&answer(200, "not json")).await,
            Err(Error::UnexpectedResponse { status: 200, .. })
        ));

        let body =
            r#"{"request_id":"r","status":"succeeded","output":{"video":"https://x/v.mp4"}}"#;
        match result::<Value>(&answer(200, body)).await {
            Ok(state) => assert_eq!(file_urls(&state), ["https://x/v.mp4"]),
            Err(error) => panic!("{error}"),
        }
        assert!(matches!(
            result::<Value>(&answer(200, r#"{"request_id":"r","status":"in_queue"}"#)).await,
            Ok(JobResult::Pending(ResultStatus::InQueue))
        ));
        assert!(matches!(
            result::<Value>(&answer(
                200,
                r#"{"request_id":"r","status":"failed","error":1}"#
            ))
            .await,
            Err(Error::JobFailed { .. })
        ));

        let outcome = cancel(&answer(202, r#"{"request_id":"r","outcome":"cancelled"}"#)).await;
        assert_eq!(outcome.ok(), Some(CancelOutcome::Cancelled));
        assert!(
            matches!(
                cancel(&answer(200, r#"{"request_id":"r","outcome":"cancelled"}"#)).await,
                Err(Error::UnexpectedResponse { status: 200, .. })
            ),
            "cancel answers 202"
        );

        assert!(matches!(
            submit(&answer(
                200,
                r#"{"error_code":400002,"error_message":"no money"}"#
            ))
            .await,
            Err(Error::InsufficientBalance { .. })
        ));
        assert!(matches!(
            submit(&answer(429, "")).await,
            Err(Error::RateLimited { retry_after: Some(d), .. }) if d.as_secs() == 7
        ));
        assert!(matches!(
            classify(&answer(9999, "")),
            Error::ServiceUnavailable { status: 500, .. }
        ));
    }
}
