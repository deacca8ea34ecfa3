//! [`StatusUpdates`]: a request's status changes as an owned stream, for
//! progress displays (`handle.updates()`).

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use futures::stream::BoxStream;

use crate::answers::JobStatus;
use crate::error::Result;
use crate::handle::RequestHandle;
use crate::watch::Watch;

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
    watch: Watch,
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
            if self.watch.observation().polls > 0 {
                tokio::time::sleep(session.poll.next_delay(self.watch.observation())).await;
            }
            let status = match self.handle.status().await {
                Ok(status) => status,
                Err(error) => {
                    self.done = true;
                    return Some((Err(error), self));
                }
            };
            if self.watch.seen(&status, session.stats) {
                self.done = status.is_terminal();
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
        let watch = Watch::new(handle.model(), handle.session().stats);
        let polling = Polling {
            handle,
            watch,
            done: false,
        };
        StatusUpdates {
            inner: Box::pin(futures::stream::unfold(polling, Polling::next_change)),
        }
    }
}
