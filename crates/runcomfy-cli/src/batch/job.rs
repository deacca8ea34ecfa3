//! One line of a batch seen through: submit attempts, the wait, the download.
//!
//! Each attempt is journaled before it is sent and its answer right after;
//! the wait is within `--timeout`; the download goes into `DIR/<line>/`.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use runcomfy::{CheckedInput, Error, JobOutput, RequestHandle};
use serde_json::Value;
use tokio::sync::watch;

use crate::batch::args::BatchArgs;
use crate::batch::inputs::Input;
use crate::batch::journal::{Journal, sync_dir};
use crate::batch::outcome::{Kind, Outcome, Shortfall};
use crate::batch::record::{Event, Record, failure_text};
use crate::clock;
use crate::context::Context;
use crate::exit::CliError;
use crate::timeout::Timeout;

/// What every job shares.
pub(crate) struct Job<'a> {
    pub(crate) context: &'a Context,
    pub(crate) args: &'a BatchArgs,
    pub(crate) journal: &'a Journal,
    /// The inputs this run may submit, each checked once.
    pub(crate) checked: &'a BTreeMap<usize, CheckedInput>,
    /// True once Ctrl-C asks the batch to stop.
    pub(crate) stopped: watch::Receiver<bool>,
    /// True once a submit was refused for an insufficient balance: the
    /// service would refuse every other submit too, so none is sent (a
    /// batch of 500 lines does not send 499 submits bound to be refused).
    pub(crate) balance_ran_out: AtomicBool,
}

/// A line's job, submitted by this run or an earlier one.
pub(crate) struct Submitted {
    pub(crate) handle: RequestHandle<Value>,
    /// Since when the journal knows its request id (unix seconds), when it says.
    pub(crate) since: Option<u64>,
}

/// How a line's submit ended.
enum Submit {
    /// The service took it: a job exists.
    Accepted(Submitted),
    /// No job (refused, invalid, stopped) or none known (unknown outcome).
    Ended(Outcome),
}

impl Job<'_> {
    /// Submits (or resumes) one line and sees it through. An error ends the
    /// whole batch (the journal could not be written).
    pub(crate) async fn run(
        &self,
        input: &Input,
        resume: Option<Submitted>,
    ) -> Result<Outcome, CliError> {
        let job = match resume {
            Some(job) => job,
            None => match self.submit(input).await? {
                Submit::Accepted(job) => job,
                Submit::Ended(outcome) => return Ok(outcome),
            },
        };
        self.see_through(input.number, &job).await
    }

    async fn append(&self, line: usize, event: Event) -> Result<(), CliError> {
        self.journal.append(&Record { line, event }).await
    }

    /// Submits attempt by attempt. One intent per attempt: a refusal that is
    /// retried (429, 503) is journaled `rejected` before the wait, so that a
    /// run killed while waiting leaves a line that a re-run submits, not an
    /// unknown outcome.
    async fn submit(&self, input: &Input) -> Result<Submit, CliError> {
        let line = input.number;
        if *self.stopped.borrow() {
            return Ok(Submit::Ended(Outcome::new(line, Kind::Interrupted)));
        }
        let Some(checked) = self.checked.get(&line) else {
            return Ok(Submit::Ended(Outcome::new(line, Kind::Invalid)));
        };
        let client = &self.context.client;
        let mut retry = 0u32;
        loop {
            if self.balance_ran_out.load(Ordering::SeqCst) {
                return Ok(Submit::Ended(Outcome::not_submitted_for_balance(line)));
            }
            let intent = Event::Intent {
                hash: input.hash.clone(),
                model_id: self.args.model_id.clone(),
            };
            self.append(line, intent).await?;
            // Not raced with Ctrl-C: the answer must reach the journal.
            let error = match client.submit_checked_once(checked).await {
                Ok(handle) => return self.accepted(line, handle).await,
                Err(error) => error,
            };
            let Some(delay) = client.submit_retry_delay(&error, retry) else {
                return self.not_accepted(line, error).await.map(Submit::Ended);
            };
            let rejected = Event::Rejected {
                error: error.to_string(),
                retry_in_ms: Some(delay.as_millis() as u64),
            };
            self.append(line, rejected).await?;
            retry += 1;
            let mut stopped = self.stopped.clone();
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                _ = stopped.wait_for(|stop| *stop) => {
                    return Ok(Submit::Ended(Outcome::new(line, Kind::Interrupted)));
                }
            }
        }
    }

    /// Journals the request id of an accepted submit.
    async fn accepted(
        &self,
        line: usize,
        handle: RequestHandle<Value>,
    ) -> Result<Submit, CliError> {
        let id = handle.request_id();
        let at = clock::now();
        let submitted = Event::Submitted {
            request_id: id.to_owned(),
            at: Some(at),
        };
        self.append(line, submitted).await.map_err(|e| {
            CliError::Output(format!("{e}; line {line} was submitted as {id}: resume it with `runcomfy wait {id}`, do not submit it again"))
        })?;
        let since = Some(at);
        Ok(Submit::Accepted(Submitted { handle, since }))
    }

    /// Journals a submit that ended without a job: refused for certain
    /// (`rejected`: a re-run submits again), or of unknown outcome.
    async fn not_accepted(&self, line: usize, error: Error) -> Result<Outcome, CliError> {
        if error.submit_outcome().is_refused() {
            let text = error.to_string();
            let rejected = Event::Rejected {
                error: text.clone(),
                retry_in_ms: None,
            };
            self.append(line, rejected).await?;
            let status = if matches!(error, Error::InvalidInput { .. }) {
                Kind::Invalid
            } else {
                Kind::Error
            };
            let shortfall = matches!(error, Error::InsufficientBalance { .. }).then(|| {
                self.balance_ran_out.store(true, Ordering::SeqCst);
                Shortfall::Refused
            });
            return Ok(Outcome {
                error: Some(text),
                cause: Some(CliError::of_checked_submit(error)),
                shortfall,
                ..Outcome::new(line, status)
            });
        }
        let reason = match &error {
            Error::OutcomeUnknown { reason, .. } => reason.clone(),
            other => other.to_string(),
        };
        let unknown = Event::Unknown {
            reason: reason.clone(),
        };
        self.append(line, unknown).await?;
        Ok(Outcome::unknown(line, &self.args.model_id, &reason))
    }

    /// Waits for the job and downloads its outputs, unless Ctrl-C stops the
    /// batch first; a finished job's `done` record is journaled.
    async fn see_through(&self, line: usize, job: &Submitted) -> Result<Outcome, CliError> {
        let handle = &job.handle;
        let request_id = handle.request_id().to_owned();
        let mut stopped = self.stopped.clone();
        let finished = tokio::select! {
            finished = self.finish(line, handle) => finished,
            _ = stopped.wait_for(|stop| *stop) => return Ok(Outcome { request_id: Some(request_id), ..Outcome::new(line, Kind::Interrupted) }),
        };
        let outcome = Outcome {
            request_id: Some(request_id),
            ..ended(line, job.since, finished)
        };
        if let Some(done) = outcome.done_record() {
            self.journal.append(&done).await?;
        }
        Ok(outcome)
    }

    /// Waits (within `--timeout`) and downloads into `DIR/<line>/`.
    async fn finish(
        &self,
        line: usize,
        handle: &RequestHandle<Value>,
    ) -> Result<(JobOutput<Value>, Vec<String>), Error> {
        let mut waiting = handle.wait();
        if let Some(deadline) = self.args.timeout.and_then(Timeout::deadline) {
            waiting = waiting.deadline(deadline);
        }
        let output = waiting.await?;
        let files = download(
            handle,
            &output,
            &self.args.output_dir.join(line.to_string()),
        )
        .await?;
        Ok((output, files))
    }
}

/// The outcome of a wait and download of a job whose id the journal knows
/// `since` then.
fn ended(
    line: usize,
    since: Option<u64>,
    finished: Result<(JobOutput<Value>, Vec<String>), Error>,
) -> Outcome {
    match finished {
        Ok((output, files)) => Outcome {
            cost: output.cost,
            output: Value::Object(output.raw_output),
            files,
            ..Outcome::new(line, Kind::Succeeded)
        },
        Err(Error::JobFailed { request_id, error }) => Outcome {
            error: Some(failure_text(&error).unwrap_or_else(|| "the job failed".to_owned())),
            cause: Some(CliError::Client(Error::JobFailed { request_id, error })),
            ..Outcome::new(line, Kind::Failed)
        },
        Err(Error::Cancelled { request_id }) => Outcome {
            error: Some("the job was cancelled".to_owned()),
            cause: Some(CliError::Client(Error::Cancelled { request_id })),
            ..Outcome::new(line, Kind::Cancelled)
        },
        Err(error @ Error::NotFound { .. }) => Outcome {
            error: Some(format!("{error}; {}", gone(since))),
            cause: Some(CliError::from(error)),
            ..Outcome::new(line, Kind::Error)
        },
        // Anything else leaves the job submitted: a re-run resumes it.
        Err(error) => Outcome {
            error: Some(format!(
                "{error}; a re-run resumes this job (it is not submitted again)"
            )),
            cause: Some(match error {
                Error::Io { path, source } => {
                    CliError::Output(format!("cannot write {}: {source}", path.display()))
                }
                other => CliError::from(other),
            }),
            ..Outcome::new(line, Kind::Error)
        },
    }
}

/// What a line whose job the service no longer knows says: since when the
/// journal knew its id, and that it is not submitted again.
fn gone(since: Option<u64>) -> String {
    let known = match since {
        Some(at) => format!(
            "the journal has known this request id since {} ({})",
            clock::utc(at),
            clock::ago(at, clock::now())
        ),
        None => "the journal does not say since when it knew this request id (an earlier build wrote it)".to_owned(),
    };
    format!(
        "{known}; the line is not submitted again (its job may have run and been billed): to run it anew, start a new batch with another --journal"
    )
}

/// Downloads into `dir/.partial/`, then moves the files into `dir`, replacing
/// what a killed run may have left, so that a resumed line ends with the same
/// names.
async fn download(
    handle: &RequestHandle<Value>,
    output: &JobOutput<Value>,
    dir: &Path,
) -> Result<Vec<String>, Error> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    let staging = dir.join(".partial");
    match tokio::fs::remove_dir_all(&staging).await {
        Err(e) if e.kind() != ErrorKind::NotFound => return Err(io(&staging)(e)),
        _ => {}
    }
    let downloaded = handle.download(output, &staging).await?;
    let mut files = Vec::with_capacity(downloaded.len());
    for file in downloaded {
        let Some(name) = file.path.file_name() else {
            continue;
        };
        let target = dir.join(name);
        tokio::fs::rename(&file.path, &target)
            .await
            .map_err(io(&target))?;
        files.push(target.display().to_string());
    }
    let _ = tokio::fs::remove_dir(&staging).await;
    let dir = dir.to_owned();
    let _ = tokio::task::spawn_blocking(move || sync_dir(&dir)).await;
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_gone_from_the_service_says_since_when_the_journal_knew_it() {
        let known = gone(Some(0));
        assert!(
            known.starts_with(
                "the journal has known this request id since 1970-01-01 00:00:00 UTC ("
            ),
            "{known}"
        );
        let unknown = gone(None);
        assert!(
            unknown.starts_with("the journal does not say since when it knew this request id"),
            "{unknown}"
        );
        for text in [known, unknown] {
            assert!(
                text.ends_with("start a new batch with another --journal"),
                "{text}"
            );
        }
    }
}
