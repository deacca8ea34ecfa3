//! [`RequestHandle`]: one submitted request, and the calls about it (status,
//! result, cancel, download). Waiting is the [`Wait`](crate::Wait) module's
//! (`handle.wait()`), progress streams the
//! [`StatusUpdates`](crate::StatusUpdates) module's (`handle.updates()`).

use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use runcomfy_api::ResponseValue;
use runcomfy_api::types::{ResultResponse, SubmitResponse};
use runcomfy_types::CancelOutcome;
use serde::de::DeserializeOwned;

use crate::answers::{JobOutput, JobResult, JobStatus, result_of, status_of};
use crate::download::DownloadedFile;
use crate::error::Result;
use crate::session::Session;
use crate::transport::Attempt;

/// A submitted request. `O` is the model's output type (`serde_json::Value`
/// when the model is not known at compile time). Cheap to clone.
pub struct RequestHandle<O> {
    session: Arc<Session>,
    model_id: Option<String>,
    request_id: String,
    urls: Option<SubmitResponse>,
    /// When this process submitted it (None for a resumed handle).
    submitted_at: Option<Instant>,
    output: PhantomData<fn() -> O>,
}

impl<O> Clone for RequestHandle<O> {
    fn clone(&self) -> Self {
        self.retyped()
    }
}

impl<O> std::fmt::Debug for RequestHandle<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestHandle")
            .field("model_id", &self.model_id)
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

impl<O> RequestHandle<O> {
    pub(crate) fn from_submit(
        session: Arc<Session>,
        model_id: &str,
        submitted: SubmitResponse,
    ) -> Self {
        Self {
            session,
            model_id: Some(model_id.to_owned()),
            request_id: submitted.request_id.clone(),
            urls: Some(submitted),
            submitted_at: Some(Instant::now()),
            output: PhantomData,
        }
    }

    pub(crate) fn resume(
        session: Arc<Session>,
        model_id: Option<&str>,
        request_id: String,
    ) -> Self {
        Self {
            session,
            model_id: model_id.map(str::to_owned),
            request_id,
            urls: None,
            submitted_at: None,
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
        self.urls.as_ref().map(|urls| urls.status_url.as_str())
    }

    /// The result URL the submit answered with (None for a resumed handle).
    pub fn result_url(&self) -> Option<&str> {
        self.urls.as_ref().map(|urls| urls.result_url.as_str())
    }

    /// The cancel URL the submit answered with (None for a resumed handle).
    pub fn cancel_url(&self) -> Option<&str> {
        self.urls.as_ref().map(|urls| urls.cancel_url.as_str())
    }

    /// When this process submitted the request (None for a resumed handle).
    pub(crate) fn submitted_at(&self) -> Option<Instant> {
        self.submitted_at
    }

    pub(crate) fn session(&self) -> &Arc<Session> {
        &self.session
    }

    /// The same request, read with another output type.
    pub(crate) fn retyped<P>(&self) -> RequestHandle<P> {
        RequestHandle {
            session: self.session.clone(),
            model_id: self.model_id.clone(),
            request_id: self.request_id.clone(),
            urls: self.urls.clone(),
            submitted_at: self.submitted_at,
            output: PhantomData,
        }
    }

    /// The model id, or `""` for a handle resumed without one.
    pub(crate) fn model(&self) -> &str {
        self.model_id.as_deref().unwrap_or("")
    }

    /// One queue call about this request (`endpoint` of the generated
    /// client, given the request id), idempotent: retried and budgeted by the
    /// session, within `deadline`, inside `span`.
    async fn call_queue<'a, T, Fut>(
        &'a self,
        deadline: Option<Instant>,
        span: tracing::Span,
        endpoint: impl Fn(&'a runcomfy_api::Client, &'a str) -> Fut,
    ) -> Result<T>
    where
        Fut: Future<Output = Result<ResponseValue<T>, runcomfy_api::Error<()>>>,
    {
        let (api, id) = (&self.session.api, self.request_id.as_str());
        self.session
            .call_idempotent(self.model(), Some(id), deadline, span, || async {
                Attempt::from_generated(endpoint(api, id).await).await
            })
            .await
    }

    /// The current status.
    pub async fn status(&self) -> Result<JobStatus> {
        self.status_until(None).await
    }

    pub(crate) async fn status_until(&self, deadline: Option<Instant>) -> Result<JobStatus> {
        let id = self.request_id.as_str();
        let span = tracing::debug_span!("runcomfy.status", request_id = id);
        let answer = self
            .call_queue(deadline, span, |api, id| api.get_status(id))
            .await?;
        tracing::debug!(request_id = id, status = %answer.status, position = answer.queue_position, "status");
        Ok(status_of(answer))
    }

    /// Cancels the request: `Cancelled` when it was queued (it will never
    /// run), `NotCancellable` when it is running or finished (it runs to
    /// completion and is billed).
    pub async fn cancel(&self) -> Result<CancelOutcome> {
        let id = self.request_id.as_str();
        let span = tracing::info_span!("runcomfy.cancel", request_id = id);
        let answer = self
            .call_queue(None, span, |api, id| api.cancel_request(id))
            .await?;
        tracing::info!(request_id = id, outcome = %answer.outcome, "cancel");
        Ok(answer.outcome)
    }

    /// Downloads every output file of a finished job into `dir`, streamed to
    /// disk, never with credentials.
    pub async fn download(
        &self,
        output: &JobOutput<O>,
        dir: impl AsRef<Path>,
    ) -> Result<Vec<DownloadedFile>> {
        self.session
            .downloader
            .download_all(&output.file_urls(), dir.as_ref(), Some(&self.request_id))
            .await
    }
}

impl<O: DeserializeOwned> RequestHandle<O> {
    /// The result: the typed output when succeeded, the current state before.
    /// A failed job is [`Error::JobFailed`](crate::Error::JobFailed) with the
    /// service's error as given; a cancelled one is
    /// [`Error::Cancelled`](crate::Error::Cancelled).
    pub async fn result(&self) -> Result<JobResult<O>> {
        self.result_until(None).await
    }

    pub(crate) async fn result_until(&self, deadline: Option<Instant>) -> Result<JobResult<O>> {
        let id = self.request_id.as_str();
        let span = tracing::debug_span!("runcomfy.result", request_id = id);
        let answer: ResultResponse = self
            .call_queue(deadline, span, |api, id| api.get_result(id, Some(true)))
            .await?;
        result_of(id, answer)
    }
}
