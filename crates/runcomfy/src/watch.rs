//! [`Watch`]: what a poller remembers between two status answers: the
//! tracker its poll policy learns from, when it started, and the last status
//! (to tell a change). The waits and the progress streams share it.

use std::time::{Duration, Instant};

use crate::answers::JobStatus;
use crate::poll::{Ask, ModelStats, Observation, PollTracker};

/// One poller's memory of a request.
pub(crate) struct Watch {
    tracker: PollTracker,
    started: Instant,
    last: Option<JobStatus>,
}

impl Watch {
    /// A watch of a job of `model_id` (empty: learn nothing), starting now.
    pub(crate) fn new(model_id: &str, stats: &ModelStats) -> Self {
        Self::since(model_id, stats, Instant::now())
    }

    /// A watch of a job of `model_id` submitted at `started`.
    pub(crate) fn since(model_id: &str, stats: &ModelStats, started: Instant) -> Self {
        Self {
            tracker: PollTracker::new(model_id, stats),
            started,
            last: None,
        }
    }

    /// The endpoint to ask next.
    pub(crate) fn next_ask(&self) -> Ask {
        self.tracker.next_ask()
    }

    /// What the poll policy should be told now.
    pub(crate) fn observation(&self) -> &Observation {
        self.tracker.observation()
    }

    /// Takes in a status answer (the tracker learns into `stats`); whether
    /// its state or queue position differs from the last one seen.
    pub(crate) fn seen(&mut self, status: &JobStatus, stats: &ModelStats) -> bool {
        self.answered(Ask::Status, status, stats)
    }

    /// Takes in an answer of endpoint `ask`, as [`Watch::seen`] does.
    pub(crate) fn answered(&mut self, ask: Ask, status: &JobStatus, stats: &ModelStats) -> bool {
        self.tracker.observe_answer(
            ask,
            &status.state,
            status.queue_position,
            self.started.elapsed(),
            stats,
        );
        let changed = self.last.as_ref().is_none_or(|last| {
            last.state != status.state || last.queue_position != status.queue_position
        });
        self.last = Some(status.clone());
        changed
    }

    /// The last status seen.
    pub(crate) fn last(&self) -> Option<&JobStatus> {
        self.last.as_ref()
    }

    /// Time since the watch started.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The job was seen completed: its run time goes into `stats`.
    pub(crate) fn finished(&self, stats: &ModelStats) {
        self.tracker.finished(stats);
    }
}
