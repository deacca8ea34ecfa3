//! When to ask again: poll policies, per-model run-time statistics and a
//! process-wide request budget.
//!
//! A wait on a request alternates status requests and sleeps. After each
//! status answer the waiting code builds an [`Observation`] and asks its
//! [`PollPolicy`] for the next delay. If the service sent `Retry-After`, the
//! caller waits `max(policy delay, Retry-After)`; policies never see that
//! header. Before each status request the caller takes a token from a
//! [`RequestBudget`] (by default [`RequestBudget::global`]) so that many
//! concurrent waits cannot flood the service.
//!
//! The default policy, [`AdaptivePolicy`], learns how long a model runs from
//! the jobs this process has already finished ([`ModelStats`]) and polls
//! densely only where a job is likely to finish.
//!
//! ```
//! use std::time::Duration;
//! use runcomfy::poll::{AdaptivePolicy, ModelStats, Observation, PollPolicy};
//! use runcomfy_types::QueueStatus;
//!
//! let stats = ModelStats::default();
//! for secs in [230, 240, 250, 260] {
//!     stats.record("kling", Duration::from_secs(secs));
//! }
//! let policy = AdaptivePolicy::default();
//! let at = |secs: u64| Observation {
//!     model_id: "kling".to_owned(),
//!     polls: 3,
//!     waited: Duration::from_secs(secs),
//!     status: QueueStatus::InProgress,
//!     queue_position: None,
//!     in_progress_for: Some(Duration::from_secs(secs)),
//!     estimate: stats.estimate("kling"),
//!     queue_step: None,
//! };
//! // Sparse long before the expected end, dense around it.
//! assert!(policy.next_delay(&at(30)) > policy.next_delay(&at(240)) * 4);
//! ```

mod adaptive;
mod budget;
mod estimate;
mod fixed;
mod policy;
mod stats;
mod tracker;

pub use adaptive::AdaptivePolicy;
pub use budget::RequestBudget;
pub use estimate::RunEstimate;
pub use fixed::FixedInterval;
pub use policy::{Observation, PollPolicy};
pub use stats::ModelStats;
pub use tracker::PollTracker;
