//! What became of one line in a batch run, and what follows from it.
//!
//! Its result line, the `done` record of a finished job, and the error its
//! exit code comes from.

use runcomfy::Error;
use serde_json::{Value, json};

use crate::batch::record::{DoneStatus, Event, Finished, Record};
use crate::exit::CliError;

/// A line's result status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Succeeded,
    Failed,
    Cancelled,
    Unknown,
    Invalid,
    /// Not finished in this run for a reason a re-run may not have
    /// (a timeout, the network, a download); nothing is lost.
    Error,
    /// Stopped by Ctrl-C; no result line.
    Interrupted,
}

impl Kind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Unknown => "unknown",
            Self::Invalid => "invalid",
            Self::Error => "error",
            Self::Interrupted => "interrupted",
        }
    }
}

/// What the batch says once, when the first line is refused for an
/// insufficient balance.
pub(crate) const BALANCE_RAN_OUT: &str = "the balance ran out: no further line is submitted in this run (the jobs under way go on); add funds, then re-run the same command to submit the rest";

/// How a line met an insufficient balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shortfall {
    /// The service refused its submit for it (402, `error_code` 400002).
    Refused,
    /// It was not submitted, because another line's submit was refused so:
    /// the service would refuse it too.
    NotSubmitted,
}

/// What became of one line.
pub(crate) struct Outcome {
    pub(crate) line: usize,
    pub(crate) request_id: Option<String>,
    pub(crate) status: Kind,
    pub(crate) output: Value,
    pub(crate) files: Vec<String>,
    pub(crate) error: Option<String>,
    /// What the job cost in USD, when the service said.
    pub(crate) cost: Option<f64>,
    /// Finished by an earlier run.
    pub(crate) from_journal: bool,
    /// The error its exit code comes from.
    pub(crate) cause: Option<CliError>,
    /// Whether the balance could not pay for it.
    pub(crate) shortfall: Option<Shortfall>,
}

impl Outcome {
    pub(crate) fn new(line: usize, status: Kind) -> Self {
        Self {
            line,
            request_id: None,
            status,
            output: Value::Null,
            files: Vec::new(),
            error: None,
            cost: None,
            from_journal: false,
            cause: None,
            shortfall: None,
        }
    }

    /// A line not submitted because the balance ran out: nothing was sent
    /// or journaled, so a re-run submits it.
    pub(crate) fn not_submitted_for_balance(line: usize) -> Self {
        Self {
            error: Some("not submitted: the balance ran out (a submit of this batch was refused for an insufficient balance); add funds, then re-run the same command to submit it".to_owned()),
            shortfall: Some(Shortfall::NotSubmitted),
            ..Self::new(line, Kind::Error)
        }
    }

    /// A submit whose outcome is unknown, and why.
    pub(crate) fn unknown(line: usize, model_id: &str, reason: &str) -> Self {
        Self {
            error: Some(format!(
                "the submit's outcome is unknown ({reason}): a billed job may exist; not submitted again without --resubmit-unknown"
            )),
            cause: Some(CliError::Client(Error::OutcomeUnknown {
                model_id: model_id.to_owned(),
                reason: format!("line {line}: {reason}"),
            })),
            ..Self::new(line, Kind::Unknown)
        }
    }

    /// A line finished by an earlier run, as its `done` record says.
    pub(crate) fn from_done(line: usize, done: Finished) -> Self {
        let request_id = done.request_id.clone().unwrap_or_default();
        let (status, cause) = match done.status {
            DoneStatus::Succeeded => (Kind::Succeeded, None),
            DoneStatus::Cancelled => (
                Kind::Cancelled,
                Some(CliError::Client(Error::Cancelled { request_id })),
            ),
            DoneStatus::Failed => (
                Kind::Failed,
                Some(CliError::Client(Error::JobFailed {
                    request_id,
                    error: done.error.clone().map_or(Value::Null, Value::String),
                })),
            ),
        };
        Self {
            request_id: done.request_id,
            output: done.output,
            files: done.files,
            error: done.error,
            cost: done.cost,
            from_journal: true,
            cause,
            ..Self::new(line, status)
        }
    }

    /// The `done` record of a job that finished in this run; none for a
    /// line that did not finish.
    pub(crate) fn done_record(&self) -> Option<Record> {
        let status = match self.status {
            Kind::Succeeded => DoneStatus::Succeeded,
            Kind::Failed => DoneStatus::Failed,
            Kind::Cancelled => DoneStatus::Cancelled,
            Kind::Unknown | Kind::Invalid | Kind::Error | Kind::Interrupted => return None,
        };
        Some(Record {
            line: self.line,
            event: Event::Done(Finished {
                status,
                request_id: self.request_id.clone(),
                output: self.output.clone(),
                files: self.files.clone(),
                error: self.error.clone(),
                cost: self.cost,
                at: Some(crate::clock::now()),
            }),
        })
    }

    /// Its result line.
    pub(crate) fn to_json(&self) -> Value {
        json!({"line": self.line, "request_id": self.request_id, "status": self.status.as_str(), "output": self.output, "files": self.files, "error": self.error, "cost": self.cost})
    }
}
