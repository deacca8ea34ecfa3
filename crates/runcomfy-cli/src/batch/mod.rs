//! `runcomfy batch`: one job per line of a JSONL file, crash-safe with a journal.
//!
//! At most N jobs are in flight. A run reads the inputs (`inputs`) and the
//! journal (`journal`, records in `record`), replays what the journal says
//! of each line (`replay`), decides what this run does with it (`plan`),
//! checks every input it may submit (`check`), then sees each line through
//! (`job`) while it prints results, counts and the summary (`report`,
//! `progress`); `run` holds it together.
//!
//! A re-run never submits a line twice that has a request id, finishes what
//! was in flight, and reports a submit whose outcome is unknown instead of
//! sending it again (unless `--resubmit-unknown`).

mod args;
mod check;
pub(crate) mod inputs;
mod job;
pub(crate) mod journal;
mod outcome;
mod plan;
mod progress;
pub(crate) mod record;
pub(crate) mod replay;
mod report;
mod run;

pub(crate) use args::BatchArgs;
pub(crate) use run::run;
