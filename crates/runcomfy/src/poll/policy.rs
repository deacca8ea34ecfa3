//! What a poll policy is: the [`Observation`] it is given and the
//! [`PollPolicy`] trait it implements.

use std::sync::Arc;
use std::time::Duration;

use runcomfy_types::QueueStatus;

use crate::poll::learned::RunTimes;

/// What a poll policy knows when it picks the next delay: what this wait
/// has seen ([`PollTracker`](crate::poll::PollTracker) makes it) and what
/// was learned of the model.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Observation {
    /// The model the request runs on.
    pub model_id: String,
    /// Status requests made so far in this wait (1 after the first answer).
    pub polls: u32,
    /// Time since the wait started.
    pub waited: Duration,
    /// The last status seen.
    pub status: QueueStatus,
    /// The queue position while [`QueueStatus::InQueue`]; 1 means next.
    pub queue_position: Option<u64>,
    /// How long the request has been [`QueueStatus::InProgress`], counted
    /// from its estimated start: halfway between the last poll that saw it
    /// queued and the first that saw it in progress (from that first poll
    /// when it was never seen queued). When it is `None` while in progress,
    /// [`AdaptivePolicy`](crate::poll::AdaptivePolicy) uses `waited`.
    pub in_progress_for: Option<Duration>,
    /// How long the request has certainly been in progress: since the first
    /// poll that saw it so. A job that ends before the next poll ran at
    /// least this long, which bounds how long a policy may leave it alone.
    pub running_at_least: Option<Duration>,
    /// The model's run times learned from earlier jobs (see
    /// [`ModelStats::run_times`](crate::poll::ModelStats::run_times)).
    pub learned: Option<Arc<RunTimes>>,
    /// How long one queue position of this model takes to clear, learned
    /// from earlier waits of this process (see [`ModelStats::queue_step`](crate::poll::ModelStats::queue_step)).
    pub queue_step: Option<Duration>,
}

/// Picks how long to wait before the next poll (the first: after the submit).
///
/// The caller waits `max(next_delay, Retry-After)` when the service sent a
/// `Retry-After` header. Object-safe: callers may supply their own.
pub trait PollPolicy: Send + Sync + std::fmt::Debug {
    /// The delay before the next poll, given what was seen so far
    /// (`polls == 0`: the delay after the submit).
    fn next_delay(&self, observation: &Observation) -> Duration;
}

#[cfg(test)]
impl Observation {
    /// An observation of a job of model `m` with nothing learned.
    pub(crate) fn sample(status: QueueStatus, polls: u32, secs: f64) -> Self {
        Self {
            model_id: "m".to_owned(),
            polls,
            waited: Duration::from_secs_f64(secs),
            status,
            queue_position: None,
            in_progress_for: None,
            running_at_least: None,
            learned: None,
            queue_step: None,
        }
    }
}
