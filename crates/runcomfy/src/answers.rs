//! The service's answers about a request, in the caller's terms: its
//! [`JobStatus`], its [`JobResult`] and a succeeded job's [`JobOutput`].

use runcomfy_api::types::{ResultResponse, StatusResponse};
use runcomfy_types::{QueueStatus, ResultStatus};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Result};

/// A request's state on the status endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JobStatus {
    /// The request.
    pub request_id: String,
    /// `in_queue`, `in_progress`, `completed`, `cancelled`, or a value this
    /// build does not know (kept, never an error).
    pub state: QueueStatus,
    /// While queued: 1 means next.
    pub queue_position: Option<u64>,
    /// While running, the worker (undocumented; read by the provider's CLI).
    pub instance_id: Option<String>,
}

impl JobStatus {
    /// Whether the request will not change any more.
    pub fn is_terminal(&self) -> bool {
        self.state.is_terminal()
    }
}

/// The outputs of a succeeded job.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JobOutput<O> {
    /// The request.
    pub request_id: String,
    /// The model's typed output.
    pub output: O,
    /// The output as sent (unknown fields included).
    pub raw_output: serde_json::Map<String, Value>,
    /// When the job was created, as the service wrote it.
    pub created_at: Option<String>,
    /// When it finished.
    pub finished_at: Option<String>,
    /// What the job cost, in USD, when the service said (`None` when it did
    /// not: never taken as free).
    pub cost: Option<f64>,
}

impl<O> JobOutput<O> {
    /// Every output file URL, once each: those under the keys the provider
    /// documents first (`image`, `video`, `audio`, `images`, `videos`,
    /// `audios`, in that order), then every other `http(s)` string found
    /// anywhere in the output, in the order the service wrote them (as the
    /// provider's own CLI downloads them).
    pub fn file_urls(&self) -> Vec<String> {
        const KNOWN: [&str; 6] = ["image", "video", "audio", "images", "videos", "audios"];
        let mut urls = Vec::new();
        for key in KNOWN {
            if let Some(value) = self.raw_output.get(key) {
                collect_urls(value, &mut urls);
            }
        }
        for (key, value) in &self.raw_output {
            if !KNOWN.contains(&key.as_str()) {
                collect_urls(value, &mut urls);
            }
        }
        urls
    }
}

/// Appends every `http(s)` URL in `value` (strings, arrays and objects at
/// any depth) that `urls` does not hold yet.
fn collect_urls(value: &Value, urls: &mut Vec<String>) {
    match value {
        Value::String(text) => {
            let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
            if (lower.starts_with("https://") || lower.starts_with("http://"))
                && !urls.contains(text)
            {
                urls.push(text.clone());
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_urls(item, urls)),
        Value::Object(fields) => fields.values().for_each(|field| collect_urls(field, urls)),
        _ => {}
    }
}

/// The result endpoint's answer.
#[derive(Debug, Clone)]
pub enum JobResult<O> {
    /// Not finished: the current state (`in_queue`, `in_progress`, or unknown).
    Pending(ResultStatus),
    /// Finished with outputs.
    Succeeded(JobOutput<O>),
}

/// The status endpoint's answer, in the caller's terms.
pub(crate) fn status_of(answer: StatusResponse) -> JobStatus {
    JobStatus {
        request_id: answer.request_id,
        state: answer.status,
        queue_position: answer.queue_position.and_then(|p| u64::try_from(p).ok()),
        instance_id: answer.instance_id,
    }
}

/// The result endpoint's answer about request `id`, in the caller's terms:
/// the typed output, the pending state, or the job's failure.
pub(crate) fn result_of<O: DeserializeOwned>(
    id: &str,
    answer: ResultResponse,
) -> Result<JobResult<O>> {
    match answer.status {
        status if status.is_success() => {
            let output =
                serde_json::from_value(Value::Object(answer.output.clone())).map_err(|e| {
                    Error::UnexpectedResponse {
                        request_id: Some(id.to_owned()),
                        status: 200,
                        excerpt: format!(
                            "the output does not match the model's output schema: {e}"
                        ),
                    }
                })?;
            Ok(JobResult::Succeeded(JobOutput {
                request_id: answer.request_id,
                output,
                raw_output: answer.output,
                created_at: answer.created_at,
                finished_at: answer.finished_at,
                cost: answer.cost,
            }))
        }
        ResultStatus::Failed => Err(Error::JobFailed {
            request_id: id.to_owned(),
            error: answer.error.unwrap_or(Value::Null),
        }),
        ResultStatus::Cancelled => Err(Error::Cancelled {
            request_id: id.to_owned(),
        }),
        other => Ok(JobResult::Pending(other)),
    }
}
