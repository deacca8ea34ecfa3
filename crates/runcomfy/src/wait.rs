//! [`Wait`]: the one way to wait for a job (`handle.wait()`, `client.run()`):
//! a timeout or deadline, the failed polls to tolerate, a progress callback,
//! then `.await` for the result.

use std::future::IntoFuture;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use runcomfy_types::QueueStatus;
use serde::de::DeserializeOwned;

use crate::answers::{JobOutput, JobResult, JobStatus};
use crate::error::{Error, Result};
use crate::handle::RequestHandle;
use crate::poll::Ask;
use crate::transport::RetryPolicy;
use crate::watch::Watch;

/// A progress callback: called with each status answer whose state or queue
/// position differs from the one before.
type OnStatus<'a> = Box<dyn FnMut(&JobStatus) + Send + 'a>;

/// A wait for one job, built by [`RequestHandle::wait`] or
/// [`Client::run`](crate::Client::run), ended by `.await`:
///
/// ```no_run
/// # async fn example(job: runcomfy::RequestHandle<serde_json::Value>) -> runcomfy::Result<()> {
/// use std::time::Duration;
///
/// let output = job
///     .wait()
///     .timeout(Duration::from_secs(30 * 60))
///     .on_status(|status| eprintln!("{}: {}", status.request_id, status.state))
///     .await?;
/// # let _ = output;
/// # Ok(())
/// # }
/// ```
///
/// A failed job is [`Error::JobFailed`], a cancelled one [`Error::Cancelled`].
/// Past the deadline, [`Error::DeadlineExceeded`] (with the time actually
/// waited and the last status seen) ends the wait; the job goes on and can
/// be resumed with its request id.
///
/// The wait asks the status endpoint while the job is queued and the result
/// endpoint while it may run (see [`Ask`](crate::poll::Ask)), when the
/// client's [`PollPolicy`](crate::poll::PollPolicy) says; a job this process
/// submitted is first asked about after the policy's first delay, a resumed
/// one at once.
///
/// A poll that still fails after its own retries with a transient
/// error (no connection, a 5xx, a 429 within the `Retry-After` cap, a
/// malformed answer) does not end the wait: up to
/// [`Wait::DEFAULT_TOLERATED_FAILURES`] such failures in a row (see
/// [`Wait::tolerate_failed_polls`]) are logged and waited out, so that an
/// outage of a minute does not lose a wait of many.
#[must_use = "a wait does nothing until it is awaited"]
pub struct Wait<'a, O> {
    job: Job<'a, O>,
    limit: Option<Limit>,
    tolerated_failures: u32,
    on_status: Option<OnStatus<'a>>,
}

/// What is waited for.
enum Job<'a, O> {
    /// A submitted request.
    Handle(&'a RequestHandle<O>),
    /// A submit still to make ([`Client::run`](crate::Client::run)).
    Submit(BoxFuture<'a, Result<RequestHandle<O>>>),
}

/// When the wait gives up.
#[derive(Debug, Clone, Copy)]
enum Limit {
    /// This long after the wait starts (when it is first awaited).
    Timeout(Duration),
    /// At this instant.
    Deadline(Instant),
}

impl<O> std::fmt::Debug for Wait<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wait")
            .field("limit", &self.limit)
            .field("tolerated_failures", &self.tolerated_failures)
            .field("on_status", &self.on_status.is_some())
            .finish_non_exhaustive()
    }
}

impl<'a, O> Wait<'a, O> {
    /// Polls in a row that may fail (each after its own retries)
    /// before a wait gives up, unless set with [`Wait::tolerate_failed_polls`].
    pub const DEFAULT_TOLERATED_FAILURES: u32 = 5;

    fn new(job: Job<'a, O>) -> Self {
        Self {
            job,
            limit: None,
            tolerated_failures: Self::DEFAULT_TOLERATED_FAILURES,
            on_status: None,
        }
    }

    pub(crate) fn after_submit(submit: BoxFuture<'a, Result<RequestHandle<O>>>) -> Self {
        Self::new(Job::Submit(submit))
    }

    /// Gives up this long after the wait starts (when it is awaited; for
    /// [`Client::run`](crate::Client::run), the submit included). A timeout
    /// too large to be an instant means no limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.limit = Some(Limit::Timeout(timeout));
        self
    }

    /// Gives up at `deadline`.
    pub fn deadline(mut self, deadline: Instant) -> Self {
        self.limit = Some(Limit::Deadline(deadline));
        self
    }

    /// How many polls in a row may fail with a transient error
    /// (each after its own retries) before the wait gives up (default
    /// [`Wait::DEFAULT_TOLERATED_FAILURES`]; 0 ends it at the first).
    pub fn tolerate_failed_polls(mut self, failures: u32) -> Self {
        self.tolerated_failures = failures;
        self
    }

    /// Calls `on_status` with the first status answer and with each one
    /// whose state or queue position differs from the one before: for
    /// progress displays.
    pub fn on_status(mut self, on_status: impl FnMut(&JobStatus) + Send + 'a) -> Self {
        self.on_status = Some(Box::new(on_status));
        self
    }
}

impl<'a, O: DeserializeOwned + Send + 'a> IntoFuture for Wait<'a, O> {
    type Output = Result<JobOutput<O>>;
    type IntoFuture = BoxFuture<'a, Result<JobOutput<O>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let started = Instant::now();
            let deadline = match self.limit {
                Some(Limit::Timeout(timeout)) => started.checked_add(timeout),
                Some(Limit::Deadline(deadline)) => Some(deadline),
                None => None,
            };
            let submitted;
            let handle = match self.job {
                Job::Handle(handle) => handle,
                Job::Submit(submit) => {
                    submitted = submit.await?;
                    &submitted
                }
            };
            Waiting {
                handle,
                deadline,
                watch: Watch::since(
                    handle.model(),
                    handle.session().stats,
                    handle.submitted_at().unwrap_or(started),
                ),
                just_submitted: handle.submitted_at().is_some(),
                tolerated_failures: self.tolerated_failures,
                on_status: self.on_status.map(Mutex::new),
            }
            .until_done()
            .await
        })
    }
}

impl<O> RequestHandle<O> {
    /// Waits until the job is done, then returns its result: a builder
    /// ([`Wait`]) to give a timeout or deadline, the failed polls to tolerate
    /// and a progress callback, then `.await`.
    pub fn wait(&self) -> Wait<'_, O> {
        Wait::new(Job::Handle(self))
    }
}

/// An answer of one of the two endpoints a wait asks.
enum Answer<O> {
    Status(JobStatus),
    Result(JobResult<O>),
}

/// A wait under way.
struct Waiting<'a, O> {
    handle: &'a RequestHandle<O>,
    deadline: Option<Instant>,
    watch: Watch,
    /// Whether this process submitted the job (its first poll waits the
    /// policy's first delay; a resumed job is asked about at once).
    just_submitted: bool,
    tolerated_failures: u32,
    /// In a mutex so that the wait's future is `Send` for any `Send`
    /// callback (the future holds `&Waiting` across awaits).
    on_status: Option<Mutex<OnStatus<'a>>>,
}

impl<O: DeserializeOwned> Waiting<'_, O> {
    async fn until_done(mut self) -> Result<JobOutput<O>> {
        let mut failures = 0u32;
        if self.just_submitted {
            // The submit said it is queued: the policy says when it is
            // first worth asking about.
            self.sleep_at_least(Duration::ZERO).await;
        }
        loop {
            if self.past_deadline() {
                return Err(self.deadline_exceeded(None));
            }
            let ask = self.watch.next_ask();
            let answer = match ask {
                Ask::Status => self
                    .handle
                    .status_until(self.deadline)
                    .await
                    .map(Answer::Status),
                Ask::Result => self
                    .handle
                    .result_until(self.deadline)
                    .await
                    .map(Answer::Result),
            };
            let answer = match answer {
                Ok(answer) => answer,
                Err(error) if self.past_deadline() && error.is_transient() => {
                    return Err(self.deadline_exceeded(None));
                }
                Err(error) if error.is_transient() && failures < self.tolerated_failures => {
                    let retry = &self.handle.session().retry;
                    let Some(asked) = outlasting_wait(&error, retry) else {
                        return Err(error);
                    };
                    failures += 1;
                    tracing::warn!(request_id = %self.handle.request_id(), failures, error = %error, "a poll failed after its retries; the wait goes on");
                    self.sleep_at_least(asked).await;
                    continue;
                }
                Err(error) => {
                    self.ended_in(&error);
                    return Err(error);
                }
            };
            failures = 0;
            match answer {
                Answer::Result(JobResult::Succeeded(output)) => {
                    self.seen(ask, &self.final_status(QueueStatus::Succeeded));
                    self.watch.finished(self.handle.session().stats);
                    return Ok(output);
                }
                Answer::Result(JobResult::Pending(state)) => {
                    let state = QueueStatus::from(state.as_str());
                    self.seen(ask, &self.final_status(state));
                }
                Answer::Status(status) => {
                    self.seen(ask, &status);
                    // Succeeded or failed: the result says how (a failure's
                    // error is there); cancelled (either spelling) needs no
                    // result.
                    if status.state.is_finished() {
                        return self.finished().await;
                    }
                    if status.state == QueueStatus::Cancelled {
                        return Err(Error::Cancelled {
                            request_id: self.handle.request_id().to_owned(),
                        });
                    }
                }
            }
            self.sleep_at_least(Duration::ZERO).await;
        }
    }

    /// A status of this request in `state`, as the result endpoint says it
    /// (no queue position).
    fn final_status(&self, state: QueueStatus) -> JobStatus {
        JobStatus {
            request_id: self.handle.request_id().to_owned(),
            state,
            queue_position: None,
            instance_id: None,
        }
    }

    /// The result endpoint ended the wait with `error`: the callback hears
    /// that the job failed or was cancelled.
    fn ended_in(&mut self, error: &Error) {
        let state = match error {
            Error::JobFailed { .. } => QueueStatus::Failed,
            Error::Cancelled { .. } => QueueStatus::Cancelled,
            _ => return,
        };
        self.seen(Ask::Result, &self.final_status(state));
    }

    /// Takes in an answer of endpoint `ask`: the tracker learns, the
    /// callback hears of a change.
    fn seen(&mut self, ask: Ask, status: &JobStatus) {
        let changed = self
            .watch
            .answered(ask, status, self.handle.session().stats);
        if changed && let Some(on_status) = &self.on_status {
            let mut on_status = on_status.lock().unwrap_or_else(PoisonError::into_inner);
            on_status(status);
        }
    }

    /// Sleeps the policy's delay (at least `least`), cut short at the deadline.
    async fn sleep_at_least(&self, least: Duration) {
        let delay = self
            .handle
            .session()
            .poll
            .next_delay(self.watch.observation())
            .max(least);
        let pause = until(self.deadline, delay);
        // A zero sleep is not free: tokio's timer fires on its next
        // millisecond tick, which cost every job of a policy that does not
        // pause about a millisecond.
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }

    /// The status said the job finished: the result says how.
    async fn finished(&self) -> Result<JobOutput<O>> {
        self.watch.finished(self.handle.session().stats);
        // The two endpoints may disagree for a moment; give the result a few tries.
        for attempt in 0..5u32 {
            match self.handle.result_until(self.deadline).await? {
                JobResult::Succeeded(output) => return Ok(output),
                JobResult::Pending(status) => {
                    tracing::debug!(request_id = %self.handle.request_id(), %status, "completed but the result is not ready");
                    if self.past_deadline() {
                        return Err(self.deadline_exceeded(Some(status.to_string())));
                    }
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt + 1))).await;
                }
            }
        }
        Err(Error::UnexpectedResponse {
            request_id: Some(self.handle.request_id().to_owned()),
            status: 200,
            excerpt: "the status is `completed` but the result stayed pending".into(),
        })
    }

    fn past_deadline(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// The deadline error: the time actually waited and the last status
    /// seen (`last_status` when the result said more).
    fn deadline_exceeded(&self, last_status: Option<String>) -> Error {
        let last_status = last_status
            .or_else(|| self.watch.last().map(|s| s.state.to_string()))
            .unwrap_or_else(|| "not polled yet".to_owned());
        Error::DeadlineExceeded {
            request_id: self.handle.request_id().to_owned(),
            waited: self.watch.elapsed(),
            last_status,
        }
    }
}

/// `delay`, cut short to end at `deadline` if there is one.
fn until(deadline: Option<Instant>, delay: Duration) -> Duration {
    deadline.map_or(delay, |d| {
        delay.min(d.saturating_duration_since(Instant::now()))
    })
}

/// Whether a wait outlasts `error` from a poll (already retried
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
