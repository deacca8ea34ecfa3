//! [`StatusUpdates`]: a request's status changes as an owned stream, for
//! progress displays (`handle.updates()`).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use futures::Stream;
use futures::stream::BoxStream;

use crate::answers::JobStatus;
use crate::error::Result;
use crate::handle::RequestHandle;
use crate::poll::PollTracker;

/// Status changes of one request, polled with the client's policy and
/// budget: one item whenever the state or the queue position changes; the
/// stream ends after a final state (or the first error). It owns what it
/// needs, so it is `Send + Unpin + 'static` and needs no pinning.
pub struct StatusUpdates {
    inner: BoxStream<'static, Result<JobStatus>>,
}

impl std::fmt::Debug for StatusUpdates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusUpdates").finish_non_exhaustive()
    }
}

impl Stream for StatusUpdates {
    type Item = Result<JobStatus>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// What the stream carries from one item to the next.
struct Polling {
    handle: RequestHandle<()>,
    tracker: PollTracker,
    started: Instant,
    last: Option<JobStatus>,
    done: bool,
}

impl Polling {
    /// Polls until the state or queue position changes.
    async fn next_change(mut self) -> Option<(Result<JobStatus>, Self)> {
        if self.done {
            return None;
        }
        let session = self.handle.session().clone();
        loop {
            if self.tracker.observation().polls > 0 {
                tokio::time::sleep(session.poll.next_delay(self.tracker.observation())).await;
            }
            let status = match self.handle.status().await {
                Ok(status) => status,
                Err(error) => {
                    self.done = true;
                    return Some((Err(error), self));
                }
            };
            self.tracker.observe(
                &status.state,
                status.queue_position,
                self.started.elapsed(),
                session.stats,
            );
            let changed = self.last.as_ref().is_none_or(|last| {
                last.state != status.state || last.queue_position != status.queue_position
            });
            if changed {
                self.done = status.is_terminal();
                self.last = Some(status.clone());
                return Some((Ok(status), self));
            }
        }
    }
}

impl<O> RequestHandle<O> {
    /// Status changes, polled with the client's policy and budget: one item
    /// whenever the state or the queue position changes; the stream ends
    /// after a final state (or the first error). The stream owns what it
    /// needs: `Send`, `Unpin` and `'static`.
    pub fn updates(&self) -> StatusUpdates {
        let handle = self.retyped::<()>();
        let tracker = PollTracker::new(handle.model(), handle.session().stats);
        let polling = Polling {
            handle,
            tracker,
            started: Instant::now(),
            last: None,
            done: false,
        };
        StatusUpdates {
            inner: Box::pin(futures::stream::unfold(polling, Polling::next_change)),
        }
    }
}
