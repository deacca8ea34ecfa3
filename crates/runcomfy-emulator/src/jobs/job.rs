//! One job as the queue holds it ([`Job`]): what was submitted
//! ([`Submission`]), where it is in its life ([`JobState`]), and its end.

use std::time::{Duration, Instant, SystemTime};

use crate::account::Account;
use crate::durations::Workload;
use crate::outputs::Render;
use crate::pricing::Cost;

/// Where a job is in its life.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JobState {
    /// Waiting for a worker.
    Queued,
    /// Running on a worker since `started`, until `ends`.
    Running {
        /// The worker it runs on (1-based).
        worker: usize,
        /// When it ends.
        ends: Instant,
    },
    /// Finished with a video.
    Succeeded {
        /// When it finished.
        finished_at: SystemTime,
    },
    /// Finished without a video.
    Failed {
        /// When it finished.
        finished_at: SystemTime,
    },
    /// Cancelled while queued.
    Cancelled {
        /// When it was cancelled.
        at: SystemTime,
    },
}

impl JobState {
    /// Whether the job will not change any more.
    #[cfg(test)]
    pub(crate) fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Succeeded { .. } | Self::Failed { .. } | Self::Cancelled { .. }
        )
    }
}

/// One submitted job.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    /// What was submitted.
    pub(crate) submission: Submission,
    /// When it was submitted.
    pub(crate) created_at: SystemTime,
    /// How long it runs once a worker takes it.
    pub(crate) run_for: Duration,
    /// Where it is.
    pub(crate) state: JobState,
    /// When it became final (for expiry).
    pub(crate) finalized: Option<Instant>,
}

impl Job {
    /// Ends the job at `at` (`finished_at` on the wall clock) as it was
    /// decided at submit: failed (its cost given back) or succeeded.
    pub(crate) fn finish(&mut self, finished_at: SystemTime, at: Instant, account: &Account) {
        self.state = if self.submission.fails {
            account.refund(self.submission.cost.unwrap_or_default());
            JobState::Failed { finished_at }
        } else {
            JobState::Succeeded { finished_at }
        };
        self.finalized = Some(at);
    }
}

/// A job as submitted: whose, what for, and what was decided of it.
#[derive(Debug, Clone)]
pub(crate) struct Submission {
    /// A fingerprint of the token that submitted it (never the token).
    pub(crate) owner: u64,
    /// The model it was submitted to.
    pub(crate) model_id: String,
    /// Its output files, as decided at submit.
    pub(crate) render: Render,
    /// What its run time is drawn for.
    pub(crate) workload: Workload,
    /// Whether it fails instead of succeeding.
    pub(crate) fails: bool,
    /// What it was asked to do, for the admin listing.
    pub(crate) input: InputTag,
    /// What it was charged at submit (`None`: its model has no price).
    pub(crate) cost: Option<Cost>,
}

/// What the admin listing (`GET /_emulator/jobs`) shows of a job's input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct InputTag {
    /// SHA-256 (hex) of the input JSON, compact, keys in the order received.
    pub(crate) sha256: String,
    /// The prompt, when there is one.
    pub(crate) prompt: Option<String>,
}
