//! A submitted request: its status, result, cancel, progress and wait.

use std::marker::PhantomData;
use std::path::Path;
use std::time::{Duration, Instant};

use futures::Stream;
use runcomfy_api::types::{ResultResponse, StatusResponse, SubmitResponse};
use runcomfy_types::{CancelOutcome, QueueStatus, ResultStatus};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::Instrument as _;

use crate::client::Client;
use crate::download::DownloadedFile;
use crate::error::{Error, Result};
use crate::poll::PollTracker;
use crate::transport::{self, Attempt, Call, RetryPolicy};

/// A request's state on the status endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The request.
    pub request_id: String,
    /// `in_queue`, `in_progress`, `completed`, `cancelled`, or a value this
    /// build does not know (kept, never an error).
    pub status: QueueStatus,
    /// While queued: 1 means next.
    pub queue_position: Option<u64>,
    /// While running, the worker (undocumented; read by the provider's CLI).
    pub instance_id: Option<String>,
}

impl Status {
    /// Whether the request will not change any more.
    pub fn is_terminal(&self) -> bool {
        self.status.is_terminal()
    }
}

/// The outputs of a succeeded job.
#[derive(Debug, Clone)]
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
}

impl<O> JobOutput<O> {
    /// Every output file URL (`image`, `video`, `images`, `videos`), in that order.
    pub fn file_urls(&self) -> Vec<String> {
        let mut urls = Vec::new();
        for key in ["image", "video", "images", "videos"] {
            match self.raw_output.get(key) {
                Some(Value::String(url)) => urls.push(url.clone()),
                Some(Value::Array(items)) => {
                    urls.extend(items.iter().filter_map(Value::as_str).map(str::to_owned))
                }
                _ => {}
            }
        }
        urls
    }
}

/// The result endpoint's answer.
#[derive(Debug, Clone)]
pub enum ResultState<O> {
    /// Not finished: the current state (`in_queue`, `in_progress`, or unknown).
    Pending(ResultStatus),
    /// Finished with outputs.
    Succeeded(JobOutput<O>),
}

/// A submitted request. `O` is the model's output type (`serde_json::Value`
/// when the model is not known at compile time).
#[derive(Debug, Clone)]
pub struct RequestHandle<O> {
    client: Client,
    model_id: Option<String>,
    request_id: String,
    status_url: Option<String>,
    result_url: Option<String>,
    cancel_url: Option<String>,
    output: PhantomData<fn() -> O>,
}

impl<O: DeserializeOwned> RequestHandle<O> {
    /// Status requests in a row that may fail (each after its own retries)
    /// before [`Self::wait`] gives up.
    pub const WAIT_FAILURES: u32 = 5;

    pub(crate) fn from_submit(client: Client, model_id: &str, submitted: SubmitResponse) -> Self {
        Self {
            client,
            model_id: Some(model_id.to_owned()),
            request_id: submitted.request_id,
            status_url: Some(submitted.status_url),
            result_url: Some(submitted.result_url),
            cancel_url: Some(submitted.cancel_url),
            output: PhantomData,
        }
    }

    pub(crate) fn resume(client: Client, model_id: Option<&str>, request_id: String) -> Self {
        Self {
            client,
            model_id: model_id.map(str::to_owned),
            request_id,
            status_url: None,
            result_url: None,
            cancel_url: None,
            output: PhantomData,
        }
    }

    /// The request id: keep it to resume after a restart.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The model, when known.
    pub fn model_id(&self) -> Option<&str> {
        self.model_id.as_deref()
    }

    /// The status URL the submit answered with (None for a resumed handle).
    pub fn status_url(&self) -> Option<&str> {
        self.status_url.as_deref()
    }

    /// The result URL the submit answered with (None for a resumed handle).
    pub fn result_url(&self) -> Option<&str> {
        self.result_url.as_deref()
    }

    /// The cancel URL the submit answered with (None for a resumed handle).
    pub fn cancel_url(&self) -> Option<&str> {
        self.cancel_url.as_deref()
    }

    fn model(&self) -> &str {
        self.model_id.as_deref().unwrap_or("")
    }

    /// One call about this request, safe to repeat: the client's retries
    /// and budget, within `deadline`, in `span`.
    async fn call<T, F, Fut>(
        &self,
        deadline: Option<Instant>,
        span: tracing::Span,
        attempt: F,
    ) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Attempt<T>>,
    {
        self.client.require_token()?;
        let inner = &self.client.inner;
        transport::call(
            Call::Idempotent,
            &inner.retry,
            &inner.budget,
            self.model(),
            Some(&self.request_id),
            deadline,
            attempt,
        )
        .instrument(span)
        .await
    }

    /// The current status.
    pub async fn status(&self) -> Result<Status> {
        self.status_until(None).await
    }

    async fn status_until(&self, deadline: Option<Instant>) -> Result<Status> {
        let (api, id) = (&self.client.inner.api, self.request_id.as_str());
        let span = tracing::debug_span!("runcomfy.status", request_id = id);
        let answer = self
            .call(deadline, span, || async {
                Attempt::from_generated(api.get_status(id).await).await
            })
            .await?;
        tracing::debug!(request_id = id, status = %answer.status, position = answer.queue_position, "status");
        Ok(status_of(answer))
    }

    /// The result: the typed output when succeeded, the current state before.
    /// A failed job is [`Error::JobFailed`] with the service's error as given;
    /// a cancelled one is [`Error::Cancelled`].
    pub async fn result(&self) -> Result<ResultState<O>> {
        self.result_until(None).await
    }

    async fn result_until(&self, deadline: Option<Instant>) -> Result<ResultState<O>> {
        let (api, id) = (&self.client.inner.api, self.request_id.as_str());
        let span = tracing::debug_span!("runcomfy.result", request_id = id);
        let answer: ResultResponse = self
            .call(deadline, span, || async {
                Attempt::from_generated(api.get_result(id).await).await
            })
            .await?;
        result_state(id, answer)
    }

    /// Cancels the request: `Cancelled` when it was queued (it will never
    /// run), `NotCancellable` when it is running or finished (it runs to
    /// completion and is billed).
    pub async fn cancel(&self) -> Result<CancelOutcome> {
        let (api, id) = (&self.client.inner.api, self.request_id.as_str());
        let span = tracing::info_span!("runcomfy.cancel", request_id = id);
        let answer = self
            .call(None, span, || async {
                Attempt::from_generated(api.cancel_request(id).await).await
            })
            .await?;
        tracing::info!(request_id = id, outcome = %answer.outcome, "cancel");
        Ok(answer.outcome)
    }

    /// Status changes, polled with the client's policy and budget: one item
    /// whenever the state or the queue position changes; the stream ends
    /// after a final state (or the first error).
    pub fn updates(&self) -> impl Stream<Item = Result<Status>> + '_ {
        let started = Instant::now();
        let state = (
            None::<Status>,
            PollTracker::new(self.model(), self.client.inner.stats),
            false,
        );
        futures::stream::unfold(state, move |(last, mut tracker, done)| async move {
            if done {
                return None;
            }
            loop {
                if tracker.observation().polls > 0 {
                    let delay = self.client.inner.poll.next_delay(tracker.observation());
                    tokio::time::sleep(delay).await;
                }
                let status = match self.status().await {
                    Ok(status) => status,
                    Err(error) => return Some((Err(error), (last, tracker, true))),
                };
                tracker.observe(
                    &status.status,
                    status.queue_position,
                    started.elapsed(),
                    self.client.inner.stats,
                );
                let changed = last.as_ref().is_none_or(|l| {
                    l.status != status.status || l.queue_position != status.queue_position
                });
                if changed {
                    let done = status.is_terminal();
                    return Some((Ok(status.clone()), (Some(status), tracker, done)));
                }
            }
        })
    }

    /// Waits until the job is done, then returns its result. A failed job is
    /// [`Error::JobFailed`], a cancelled one [`Error::Cancelled`]. With a
    /// deadline, [`Error::DeadlineExceeded`] ends the wait (the job goes on;
    /// resume it with its request id).
    ///
    /// A status request that still fails after its own retries with a
    /// transient error (no connection, a 5xx, a 429 within the `Retry-After`
    /// cap, a malformed answer) does not end the wait: up to
    /// [`Self::WAIT_FAILURES`] such failures in a row are logged and waited
    /// out, so that an outage of a minute does not lose a wait of many.
    pub async fn wait(&self, deadline: Option<Instant>) -> Result<JobOutput<O>> {
        let started = Instant::now();
        let stats = self.client.inner.stats;
        let mut tracker = PollTracker::new(self.model(), stats);
        let mut last = String::from("not polled yet");
        let mut failures = 0u32;
        loop {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(self.deadline_exceeded(started, last));
            }
            let status = match self.status_until(deadline).await {
                Ok(status) => status,
                Err(error)
                    if deadline.is_some_and(|d| Instant::now() >= d) && error.is_transient() =>
                {
                    return Err(self.deadline_exceeded(started, last));
                }
                Err(error) if failures < Self::WAIT_FAILURES => {
                    let Some(asked) = outlasting_wait(&error, &self.client.inner.retry) else {
                        return Err(error);
                    };
                    failures += 1;
                    tracing::warn!(request_id = %self.request_id, failures, error = %error, "status failed after its retries; the wait goes on");
                    let delay = self
                        .client
                        .inner
                        .poll
                        .next_delay(tracker.observation())
                        .max(asked);
                    tokio::time::sleep(until(deadline, delay)).await;
                    continue;
                }
                Err(error) => return Err(error),
            };
            failures = 0;
            last = status.status.to_string();
            tracker.observe(
                &status.status,
                status.queue_position,
                started.elapsed(),
                stats,
            );
            match status.status {
                QueueStatus::Completed => {
                    return self.finished(&tracker, deadline, started).await;
                }
                QueueStatus::Cancelled => {
                    return Err(Error::Cancelled {
                        request_id: self.request_id.clone(),
                    });
                }
                _ => {}
            }
            let delay = self.client.inner.poll.next_delay(tracker.observation());
            tokio::time::sleep(until(deadline, delay)).await;
        }
    }

    /// The status said `completed`: the result says how.
    async fn finished(
        &self,
        tracker: &PollTracker,
        deadline: Option<Instant>,
        started: Instant,
    ) -> Result<JobOutput<O>> {
        tracker.finished(self.client.inner.stats);
        // The two endpoints may disagree for a moment; give the result a few tries.
        for attempt in 0..5u32 {
            match self.result_until(deadline).await? {
                ResultState::Succeeded(output) => return Ok(output),
                ResultState::Pending(status) => {
                    tracing::debug!(request_id = %self.request_id, %status, "completed but the result is not ready");
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        return Err(self.deadline_exceeded(started, status.to_string()));
                    }
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt + 1))).await;
                }
            }
        }
        Err(Error::UnexpectedResponse {
            request_id: Some(self.request_id.clone()),
            status: 200,
            excerpt: "the status is `completed` but the result stayed pending".into(),
        })
    }

    fn deadline_exceeded(&self, started: Instant, last_status: String) -> Error {
        Error::DeadlineExceeded {
            request_id: self.request_id.clone(),
            waited: started.elapsed(),
            last_status,
        }
    }

    /// Downloads every output file of a finished job into `dir`, streamed to
    /// disk, never with credentials.
    pub async fn download(&self, output: &JobOutput<O>, dir: &Path) -> Result<Vec<DownloadedFile>> {
        self.client
            .inner
            .downloader
            .download_all(&output.file_urls(), dir, Some(&self.request_id))
            .await
    }
}

/// The status endpoint's answer, in the caller's terms.
pub(crate) fn status_of(answer: StatusResponse) -> Status {
    Status {
        request_id: answer.request_id,
        status: answer.status,
        queue_position: answer.queue_position.and_then(|p| u64::try_from(p).ok()),
        instance_id: answer.instance_id,
    }
}

/// The result endpoint's answer about request `id`, in the caller's terms:
/// the typed output, the pending state, or the job's failure.
pub(crate) fn result_state<O: DeserializeOwned>(
    id: &str,
    answer: ResultResponse,
) -> Result<ResultState<O>> {
    match answer.status {
        ResultStatus::Succeeded => {
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
            Ok(ResultState::Succeeded(JobOutput {
                request_id: answer.request_id,
                output,
                raw_output: answer.output,
                created_at: answer.created_at,
                finished_at: answer.finished_at,
            }))
        }
        ResultStatus::Failed => Err(Error::JobFailed {
            request_id: id.to_owned(),
            error: answer.error.unwrap_or(Value::Null),
        }),
        ResultStatus::Cancelled => Err(Error::Cancelled {
            request_id: id.to_owned(),
        }),
        other => Ok(ResultState::Pending(other)),
    }
}

/// `delay`, cut short to end at `deadline` if there is one.
fn until(deadline: Option<Instant>, delay: Duration) -> Duration {
    deadline.map_or(delay, |d| {
        delay.min(d.saturating_duration_since(Instant::now()))
    })
}

/// Whether a wait outlasts `error` from a status request (already retried
/// by the transport), and the least time to wait before asking again: any
/// transient error, except a 429 asking for a wait beyond the cap; a 503's
/// `Retry-After` is honoured up to the cap.
fn outlasting_wait(error: &Error, retry: &RetryPolicy) -> Option<Duration> {
    match (error, error.retry_after()) {
        (_, _) if !error.is_transient() => None,
        (Error::RateLimited { .. }, Some(asked)) if asked > retry.max_retry_after => None,
        (_, asked) => Some(asked.unwrap_or_default().min(retry.max_retry_after)),
    }
}
