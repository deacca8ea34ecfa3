//! The queue and its jobs: jobs wait `in_queue` for one of the workers,
//! run for a seeded duration (scaled), then succeed or fail; finished jobs
//! expire. What a job was charged is given back to the account when it
//! fails or is cancelled while queued.
//!
//! Imports go one way: `queue` reads `job`; `job` imports nothing here.

mod job;
mod queue;
#[cfg(test)]
mod queue_tests;

pub(crate) use job::{InputTag, Job, JobState, Submission};
pub(crate) use queue::{Cancelled, Full, Queue};
