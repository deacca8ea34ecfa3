//! One `runcomfy batch` run, from reading its inputs to its verdict.
//!
//! Read, replay and plan, check, settle what earlier runs finished, run the
//! rest at most N at once until done or Ctrl-C, summarize.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use futures::StreamExt as _;
use runcomfy::CheckedInput;
use serde_json::Value;
use tokio::sync::watch;

use crate::batch::args::BatchArgs;
use crate::batch::check::check;
use crate::batch::inputs::{Input, read_inputs};
use crate::batch::job::{Job, Submitted};
use crate::batch::journal::{Journal, read_journal};
use crate::batch::outcome::{BALANCE_RAN_OUT, Kind, Outcome, Shortfall};
use crate::batch::plan::{Plan, plan};
use crate::batch::progress::Progress;
use crate::batch::record::{DIED_AFTER_INTENT, Event, Record};
use crate::batch::replay::replay;
use crate::batch::report::{Sink, Summary, Tally, verdict};
use crate::context::Context;
use crate::estimate::estimate;
use crate::exit::CliError;
use crate::gallery::LivePage;

/// A line to send to a job: its input, and its job when it was submitted
/// earlier.
type Work<'a> = (&'a Input, Option<Submitted>);

/// Runs the batch; the error decides the exit code (see `verdict`).
pub(crate) async fn run(context: &Context, args: &BatchArgs) -> Result<(), CliError> {
    let journal_path = args.journal_path();
    let inputs = read_inputs(&args.inputs).await?;
    let loaded = read_journal(&journal_path)?;
    let past = replay(&loaded.records, &inputs, &args.model_id)
        .map_err(|mismatch| mismatch.into_error(args, &journal_path))?;
    let plans = plan(inputs.keys().copied(), past, args.resubmit_unknown);
    let resumed = resumed(context, &plans, &journal_path)?;

    // Every input that may be submitted is checked before anything is sent.
    let (checked, invalid) = check(context, &args.model_id, &inputs, &plans).await?;
    if !invalid.is_empty() {
        let mut sink = Sink::open(args.results.as_deref())?;
        return Err(sink.refuse(&invalid, &args.model_id)?);
    }
    if args.estimate {
        let to_submit: Vec<&Value> = checked.values().map(CheckedInput::value).collect();
        let not_submitted_again = plans.len() - to_submit.len();
        return estimate(context, &args.model_id, &to_submit, not_submitted_again).await;
    }
    let sink = Sink::open(args.results.as_deref())?;

    let journal = Journal::open(&journal_path, &loaded)?;
    if loaded.torn {
        context.output.say(format!(
            "{}: ignored a torn last record (from a run killed while writing it)",
            journal_path.display()
        ));
    }
    let started = Instant::now();
    let mut tally = Tally {
        sink,
        progress: Progress::new(&context.output, inputs.len()),
        outcomes: Vec::new(),
        gallery: args
            .gallery
            .then(|| LivePage::new(&journal_path, &args.inputs, &args.output_dir)),
    };
    if let Some(gallery) = &tally.gallery {
        context
            .output
            .say(format!("gallery: {}", gallery.path().display()));
        tally.refresh_gallery();
    }
    let work = settle(
        &mut tally,
        plans,
        resumed,
        &inputs,
        &journal,
        &args.model_id,
    )
    .await?;
    let (stop, stopped) = watch::channel(false);
    let job = Job {
        context,
        args,
        journal: &journal,
        checked: &checked,
        stopped,
        balance_ran_out: AtomicBool::new(false),
    };
    let interrupted = drive(&mut tally, &job, work, &stop, args.jobs_at_once()).await?;
    tally.progress.finish();

    let summary = Summary::of(&tally.outcomes, inputs.len());
    if context.output.json {
        tally.sink.emit(&summary.to_json())?;
    } else {
        context.output.say(summary.human(started.elapsed()));
    }
    if interrupted {
        return Err(CliError::Interrupted);
    }
    verdict(tally.outcomes, &args.model_id)
}

/// The job of every line an earlier run submitted. A journaled request id
/// that cannot be one (a journal edited by hand) stops the batch before
/// anything is sent or written.
fn resumed(
    context: &Context,
    plans: &[(usize, Plan)],
    journal: &Path,
) -> Result<BTreeMap<usize, Submitted>, CliError> {
    let mut jobs = BTreeMap::new();
    for (line, plan) in plans {
        let Plan::Resume(request_id, since) = plan else {
            continue;
        };
        let handle = context.client.resume(request_id.clone()).map_err(|error| {
            CliError::Usage(format!(
                "the journal {} says line {line} was submitted as a request id that cannot be one: {error}; nothing was sent (was the journal edited?)",
                journal.display()
            ))
        })?;
        let since = *since;
        jobs.insert(*line, Submitted { handle, since });
    }
    Ok(jobs)
}

/// Reports the lines this run sends no job for (finished earlier, or of
/// unknown outcome) and returns the others, those already billed first.
async fn settle<'a>(
    tally: &mut Tally,
    plans: Vec<(usize, Plan)>,
    mut resumed: BTreeMap<usize, Submitted>,
    inputs: &'a BTreeMap<usize, Input>,
    journal: &Journal,
    model_id: &str,
) -> Result<Vec<Work<'a>>, CliError> {
    let mut work = Vec::new();
    for (line, plan) in plans {
        let input = &inputs[&line];
        match plan {
            Plan::Done(done) => tally.add(Outcome::from_done(line, done), None)?,
            Plan::Unknown { reason, stale } => {
                if stale {
                    record_unknown(journal, line, &reason).await?;
                }
                tally.progress.note(format!("line {line}: the outcome of its submit is unknown ({reason}); not submitted again (use --resubmit-unknown)"));
                tally.add(Outcome::unknown(line, model_id, &reason), None)?;
            }
            Plan::Resume(..) => work.push((input, resumed.remove(&line))),
            Plan::Submit { stale } => {
                if stale {
                    record_unknown(journal, line, DIED_AFTER_INTENT).await?;
                    tally.progress.note(format!("line {line}: submitting again although an earlier submit may exist (--resubmit-unknown)"));
                }
                work.push((input, None));
            }
        }
    }
    work.sort_by_key(|(input, resume)| (resume.is_none(), input.number));
    Ok(work)
}

/// Records what this run found of a line: an earlier submit's outcome is
/// unknown, for `reason`.
async fn record_unknown(journal: &Journal, line: usize, reason: &str) -> Result<(), CliError> {
    let reason = reason.to_owned();
    let record = Record {
        line,
        event: Event::Unknown { reason },
    };
    journal.append(&record).await
}

/// Runs the jobs, `at_once` at a time, until every one ended; the first
/// Ctrl-C lets the submits under way finish and stops the rest, a second
/// exits at once. True when interrupted.
async fn drive(
    tally: &mut Tally,
    job: &Job<'_>,
    work: Vec<Work<'_>>,
    stop: &watch::Sender<bool>,
    at_once: usize,
) -> Result<bool, CliError> {
    let mut jobs = futures::stream::iter(work)
        .map(|(input, resume)| job.run(input, resume))
        .buffer_unordered(at_once);
    let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
    let mut interrupted = false;
    let mut balance_noted = false;
    loop {
        tokio::select! {
            next = jobs.next() => match next {
                Some(outcome) => {
                    let outcome = outcome?;
                    let mut remark = remark(&outcome);
                    if outcome.shortfall == Some(Shortfall::Refused) && !balance_noted {
                        balance_noted = true;
                        remark = Some(format!("{}\n{BALANCE_RAN_OUT}", remark.unwrap_or_default()));
                    }
                    tally.add(outcome, remark)?;
                }
                None => return Ok(interrupted),
            },
            _ = &mut ctrl_c, if !interrupted => {
                interrupted = true;
                let _ = stop.send(true);
                tally.progress.note("interrupted: finishing the submits under way, then stopping (Ctrl-C again to exit at once); re-run the same command to resume");
                tokio::spawn(async {
                    let _ = tokio::signal::ctrl_c().await;
                    std::process::exit(130);
                });
            }
        }
    }
}

/// What a line that did not succeed says on stderr as it ends; one not
/// submitted because the balance ran out says nothing (the summary counts
/// them).
fn remark(outcome: &Outcome) -> Option<String> {
    if outcome.shortfall == Some(Shortfall::NotSubmitted) {
        return None;
    }
    match (outcome.status, &outcome.error) {
        (
            Kind::Failed | Kind::Cancelled | Kind::Unknown | Kind::Invalid | Kind::Error,
            Some(error),
        ) => Some(format!(
            "line {}: {}: {error}",
            outcome.line,
            outcome.status.as_str()
        )),
        _ => None,
    }
}
