//! The words and shapes of answers where the service is known to vary
//! ([`Dialect`]): what the status endpoint says of a finished job, how
//! `cancelled` is spelled, what the result says of a success, the keys of a
//! success's `output` and the shape of a failure's `error`.
//!
//! Each default is what the seeds document; every other choice is one the
//! provider's own clients are written to accept, so tests can make the
//! emulator say it.

/// What the status endpoint says of a finished job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FinishedStatus {
    /// `completed`, for a success and a failure alike (the documented word).
    #[default]
    Completed,
    /// `succeeded` or `failed`, the result endpoint's words.
    Outcome,
}

/// How a cancelled job is spelled, on the status, result and cancel answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CancelSpelling {
    /// `cancelled` (the documented spelling).
    #[default]
    Cancelled,
    /// `canceled`, with one l.
    Canceled,
}

/// What the result endpoint says of a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SuccessWord {
    /// `succeeded` (the documented word).
    #[default]
    Succeeded,
    /// `completed`, the status endpoint's word.
    Completed,
}

/// Where a success's `output` puts its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputShape {
    /// `{"video": url}`, as Kling answers.
    #[default]
    Video,
    /// `{"videos": [url, url]}`: two videos in an array.
    Videos,
    /// `{"video": url, "preview": url}`: the video and a key the clients do
    /// not know holding another URL.
    VideoAndPreview,
}

/// The shape of a failed job's `error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailureError {
    /// A string of words.
    String,
    /// `{"error_code", "error_message"}`, the error body's fields.
    #[default]
    Object,
    /// `[{"errorCode", "error", "debugInfo"}]`, as some models report.
    List,
}

/// The words and shapes an emulator answers with; the default is the seeds'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dialect {
    /// What the status endpoint says of a finished job.
    pub finished_status: FinishedStatus,
    /// How a cancelled job is spelled.
    pub cancel_spelling: CancelSpelling,
    /// What the result endpoint says of a success.
    pub success_word: SuccessWord,
    /// Where a success's `output` puts its files.
    pub output_shape: OutputShape,
    /// The shape of a failed job's `error`.
    pub failure_error: FailureError,
}
