//! How answers write a job: the words of its state (the status endpoint
//! and the result endpoint use different ones, in the emulator's dialect)
//! and its RFC 3339 times.

use std::time::SystemTime;

use crate::dialect::{CancelSpelling, Dialect, FinishedStatus, SuccessWord};
use crate::jobs::JobState;

/// The `status` of `GET …/status` and of a cancel answer.
pub(crate) fn queue_status(state: &JobState, dialect: &Dialect) -> &'static str {
    match (state, dialect.finished_status) {
        (JobState::Queued, _) => "in_queue",
        (JobState::Running { .. }, _) => "in_progress",
        (JobState::Succeeded { .. } | JobState::Failed { .. }, FinishedStatus::Completed) => {
            "completed"
        }
        (JobState::Succeeded { .. }, FinishedStatus::Outcome) => "succeeded",
        (JobState::Failed { .. }, FinishedStatus::Outcome) => "failed",
        (JobState::Cancelled { .. }, _) => cancelled(dialect),
    }
}

/// The `status` of `GET …/result` (and, in the default dialect, the admin
/// listing's `state`).
pub(crate) fn result_status(state: &JobState, dialect: &Dialect) -> &'static str {
    match state {
        JobState::Queued => "in_queue",
        JobState::Running { .. } => "in_progress",
        JobState::Succeeded { .. } => match dialect.success_word {
            SuccessWord::Succeeded => "succeeded",
            SuccessWord::Completed => "completed",
        },
        JobState::Failed { .. } => "failed",
        JobState::Cancelled { .. } => cancelled(dialect),
    }
}

/// The word of a cancelled job, and of a cancel that took effect.
pub(crate) fn cancelled(dialect: &Dialect) -> &'static str {
    match dialect.cancel_spelling {
        CancelSpelling::Cancelled => "cancelled",
        CancelSpelling::Canceled => "canceled",
    }
}

/// RFC 3339 in UTC, to the millisecond.
pub(crate) fn timestamp(at: SystemTime) -> String {
    humantime::format_rfc3339_millis(at).to_string()
}
