//! Exit codes (sysexits-style, as the provider's CLI), and the CLI's error.

use std::path::PathBuf;
use std::process::ExitCode;

use runcomfy::{Error, FieldError};

use crate::credentials::token_file::TokenFileError;

/// Exit codes, documented in `--help` and the README.
pub(crate) const EXIT_CODES: &str = "Exit codes:
  0   success (with --estimate: the estimate was printed, whatever it says)
  1   the job failed or was cancelled, the request does not exist (unknown, deleted,
      or expired: requests and their outputs expire), or the balance cannot pay for
      the job (never retried)
  64  usage error (including a request id that cannot be one, given or in a batch's journal)
  65  invalid input (every error is listed; nothing was sent, or the service refused it
      and no job was created)
  66  an input file is missing or unreadable
  69  service unavailable after retries (also: a model this build does not know cannot
      be validated, its catalog unreachable and no schema cached)
  74  an output could not be written
  75  temporary: deadline exceeded, still rate limited, a submit's outcome is unknown,
      another batch run holds the journal, or the catalog changed while it was read
  77  missing, expired or rejected token, or permission denied; also a token file of
      the provider's CLI that is expired, malformed or unreadable (log in again)
  130 interrupted (Ctrl-C)";

/// Why a command failed.
#[derive(Debug)]
pub(crate) enum CliError {
    /// The command line is wrong.
    Usage(String),
    /// An input file cannot be read.
    InputFile { path: PathBuf, reason: String },
    /// The input is invalid (local checks).
    Invalid {
        model_id: String,
        errors: Vec<FieldError>,
    },
    /// The service refused an input the local checks passed (400 or 422):
    /// it was sent, and no job was created.
    Refused {
        model_id: String,
        errors: Vec<FieldError>,
    },
    /// The client failed.
    Client(Error),
    /// The provider CLI's token file cannot give a token: expired,
    /// malformed or unreadable. Exit 77 for all three, as for a missing or
    /// rejected token: the file stands for a login, and logging in again
    /// (which rewrites it) is the fix of each, so a script that answers 77
    /// by logging in does the right thing; 64 would blame this command's
    /// arguments, which are not wrong.
    Token(TokenFileError),
    /// Something could not be written.
    Output(String),
    /// Ctrl-C.
    Interrupted,
    /// Another run holds the batch's journal, or wrote to it while this one
    /// started: nothing was sent, running again later is safe.
    JournalBusy(String),
    /// The service's catalog list did not add up while it was read page by
    /// page (a model added or removed meanwhile): nothing was written,
    /// reading it again later is safe.
    Catalog(String),
    /// The input of a model this build does not know cannot be checked:
    /// the service's catalog cannot be reached and no copy is cached.
    NoSchema(String),
    /// A batch that did not fully succeed: the results and summary were
    /// written already; `code` is the worst outcome's exit code.
    Batch { code: u8, message: String },
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        match error {
            Error::InvalidInput { model_id, errors } => Self::Invalid { model_id, errors },
            other => Self::Client(other),
        }
    }
}

impl CliError {
    /// The error of a submit of an input the local checks passed: an
    /// invalid input is the service's refusal, not a local finding.
    pub(crate) fn of_checked_submit(error: Error) -> Self {
        match error {
            Error::InvalidInput { model_id, errors } => Self::Refused { model_id, errors },
            other => Self::from(other),
        }
    }

    /// The field errors of an invalid input, found here or by the service.
    pub(crate) fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Invalid { errors, .. } | Self::Refused { errors, .. } => errors,
            _ => &[],
        }
    }

    pub(crate) fn code(&self) -> u8 {
        match self {
            Self::Usage(_) => 64,
            Self::InputFile { .. } => 66,
            Self::Invalid { .. } | Self::Refused { .. } => 65,
            Self::Output(_) => 74,
            Self::Interrupted => 130,
            Self::JournalBusy(_) | Self::Catalog(_) => 75,
            Self::NoSchema(_) => 69,
            Self::Batch { code, .. } => *code,
            Self::Token(_) => 77,
            Self::Client(error) => match error {
                Error::JobFailed { .. }
                | Error::Cancelled { .. }
                | Error::NotFound { .. }
                | Error::InsufficientBalance { .. } => 1,
                Error::MissingToken | Error::Authentication { .. } | Error::Permission { .. } => 77,
                Error::ServiceUnavailable { .. }
                | Error::Transport { .. }
                | Error::UnexpectedResponse { .. } => 69,
                Error::DeadlineExceeded { .. }
                | Error::RateLimited { .. }
                | Error::OutcomeUnknown { .. } => 75,
                Error::Download { .. } | Error::Io { .. } => 74,
                Error::Configuration(_) | Error::InvalidRequestId { .. } => 64,
                Error::InvalidInput { .. } => 65,
                _ => 1,
            },
        }
    }

    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }

    /// A short machine-readable kind, for `--json`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Usage(_) => "usage",
            Self::InputFile { .. } => "input_file",
            Self::Invalid { .. } | Self::Refused { .. } => "invalid_input",
            Self::Output(_) => "output",
            Self::Interrupted => "interrupted",
            Self::JournalBusy(_) => "journal_busy",
            Self::Catalog(_) => "catalog_changed",
            Self::NoSchema(_) => "no_schema",
            Self::Batch { .. } => "batch",
            Self::Token(error) => error.kind(),
            Self::Client(error) => match error {
                Error::JobFailed { .. } => "job_failed",
                Error::Cancelled { .. } => "cancelled",
                Error::NotFound { .. } => "not_found",
                Error::MissingToken => "missing_token",
                Error::Authentication { .. } => "authentication",
                Error::Permission { .. } => "permission",
                Error::InsufficientBalance { .. } => "insufficient_balance",
                Error::ServiceUnavailable { .. } => "service_unavailable",
                Error::Transport { .. } => "transport",
                Error::UnexpectedResponse { .. } => "unexpected_response",
                Error::DeadlineExceeded { .. } => "deadline_exceeded",
                Error::RateLimited { .. } => "rate_limited",
                Error::OutcomeUnknown { .. } => "outcome_unknown",
                Error::InvalidRequestId { .. } => "invalid_request_id",
                Error::Download { .. } | Error::Io { .. } => "download",
                _ => "error",
            },
        }
    }

    pub(crate) fn request_id(&self) -> Option<&str> {
        match self {
            Self::Client(error) => error.request_id(),
            _ => None,
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Usage(message)
            | Self::Output(message)
            | Self::JournalBusy(message)
            | Self::Catalog(message)
            | Self::NoSchema(message)
            | Self::Batch { message, .. } => f.write_str(message),
            Self::InputFile { path, reason } => write!(f, "{}: {reason}", path.display()),
            Self::Invalid { model_id, errors } => {
                write!(f, "invalid input for {model_id} ({})", count(errors))?;
                f.write_str("; nothing was sent")?;
                list(f, errors)
            }
            Self::Refused { model_id, errors } => {
                write!(f, "invalid input for {model_id} ({})", count(errors))?;
                f.write_str(": the service refused it, no job was created")?;
                list(f, errors)
            }
            // The library's words name its builder; a person at a shell has
            // the provider CLI's login besides the variables.
            Self::Client(Error::MissingToken) => f.write_str(
                "no API token: set RUNCOMFY_API_TOKEN (or RUNCOMFY_TOKEN), or log in with the provider's CLI (`runcomfy login`), whose token file this command reads",
            ),
            Self::Client(error) => write!(f, "{error}"),
            Self::Token(error) => write!(f, "{error}"),
            Self::Interrupted => f.write_str("interrupted"),
        }
    }
}

/// `1 error`, `2 errors`.
fn count(errors: &[FieldError]) -> String {
    let n = errors.len();
    format!("{n} error{}", if n == 1 { "" } else { "s" })
}

/// Each error on a line of its own, indented.
fn list(f: &mut std::fmt::Formatter<'_>, errors: &[FieldError]) -> std::fmt::Result {
    for error in errors {
        write!(f, "\n  {error}")?;
    }
    Ok(())
}
