//! How answers write a job: the words of its state (the status endpoint
//! and the result endpoint use different ones) and its RFC 3339 times.

use std::time::SystemTime;

use crate::jobs::JobState;

/// The `status` of `GET …/status` and of a cancel answer.
pub(crate) fn queue_status(state: &JobState) -> &'static str {
    match state {
        JobState::Queued => "in_queue",
        JobState::Running { .. } => "in_progress",
        JobState::Succeeded { .. } | JobState::Failed { .. } => "completed",
        JobState::Cancelled { .. } => "cancelled",
    }
}

/// The `status` of `GET …/result` (and the admin listing's `state`).
pub(crate) fn result_status(state: &JobState) -> &'static str {
    match state {
        JobState::Queued => "in_queue",
        JobState::Running { .. } => "in_progress",
        JobState::Succeeded { .. } => "succeeded",
        JobState::Failed { .. } => "failed",
        JobState::Cancelled { .. } => "cancelled",
    }
}

/// RFC 3339 in UTC, to the millisecond.
pub(crate) fn timestamp(at: SystemTime) -> String {
    humantime::format_rfc3339_millis(at).to_string()
}
