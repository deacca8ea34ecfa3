//! When to ask again: poll policies, per-model run-time statistics and a
//! process-wide request budget.
//!
//! A wait on a request alternates polls and sleeps: it sleeps the policy's
//! first delay after the submit, then asks the endpoint [`PollTracker`]
//! picks ([`Ask`]: the status while the job is queued, the result while it
//! may run, whose answer at the end carries the outputs). After each answer
//! the waiting code builds an [`Observation`] and asks its [`PollPolicy`]
//! for the next delay. If the service sent `Retry-After`, the caller waits
//! `max(policy delay, Retry-After)`; policies never see that header. Before
//! each request the caller takes a token from a
//! [`RequestBudget`] (by default [`RequestBudget::global`]) so that many
//! concurrent waits cannot flood the service.
//!
//! The default policy, [`AdaptivePolicy`], makes no more requests than the
//! provider CLI's fixed 2 s, learns how long a model runs from the jobs that
//! finished ([`ModelStats`]; across processes with a [`RunTimeStore`]), and
//! never leaves a job alone longer than [`AdaptivePolicy::longest_gap`].
//!
//! ```
//! use std::time::Duration;
//! use runcomfy::poll::{AdaptivePolicy, ModelStats, PollPolicy, PollTracker};
//! use runcomfy_types::QueueStatus;
//!
//! let stats = ModelStats::default();
//! for secs in [230, 240, 250, 260] {
//!     stats.record("kling", Duration::from_secs(secs));
//! }
//! let policy = AdaptivePolicy::default();
//! // A job seen running from its first poll, `secs` ago.
//! let at = |secs: u64| {
//!     let mut tracker = PollTracker::new("kling", &stats);
//!     tracker.observe(&QueueStatus::InProgress, None, Duration::ZERO, &stats);
//!     tracker.observe(&QueueStatus::InProgress, None, Duration::from_secs(secs), &stats);
//!     tracker
//! };
//! // Sparse long before the expected end, dense around it, and never a gap
//! // longer than 3 s or 15% of the time the job has run.
//! let (early, near) = (at(30), at(240));
//! let delay = |tracker: &PollTracker| policy.next_delay(tracker.observation());
//! assert!(delay(&early) > delay(&near) * 2);
//! assert!(delay(&early) <= policy.longest_gap(early.observation()));
//! ```

mod adaptive;
mod budget;
mod fixed;
mod learned;
mod normal;
mod policy;
mod stats;
mod store;
mod tracker;

pub use adaptive::AdaptivePolicy;
pub use budget::RequestBudget;
pub use fixed::FixedInterval;
pub use learned::RunTimes;
pub use policy::{Observation, PollPolicy};
pub use stats::ModelStats;
pub use store::RunTimeStore;
pub use tracker::{Ask, PollTracker};
