//! `runcomfy batch`: one job per line of a JSONL file, at most N in flight,
//! crash-safe with an append-only journal.
//!
//! The journal (default `FILE.jsonl.journal`) holds one JSON record per line,
//! each written and fsync'd before the step it guards goes on:
//!
//! - `{"line": n, "hash": "…", "model_id": "…", "event": "intent"}` before a submit;
//! - `{"line": n, "event": "submitted", "request_id": "…"}` once the submit answered;
//! - `{"line": n, "event": "unknown", "reason": "…"}` when a submit's outcome is
//!   unknown (its answer was lost, or a run died between intent and submitted);
//! - `{"line": n, "event": "rejected", "error": "…"}` when the service certainly
//!   did not take the submit (nothing exists; a re-run submits again), also
//!   before each wait to retry a refused submit (429, 503; with
//!   `retry_in_ms`), each retry with an intent of its own, so that a run
//!   killed while waiting leaves nothing unknown;
//! - `{"line": n, "event": "done", "status": "succeeded"|"failed"|"cancelled",
//!   "request_id": "…", "output": {…}, "files": […], "error": null|"…"}` when
//!   finished (after the download).
//!
//! A re-run reads it first: `done` lines are skipped (their result is printed
//! again), `submitted` ones are waited for and downloaded (never submitted
//! again), an `intent` without `submitted` is an unknown outcome (a billed job
//! may exist: not submitted again unless `--resubmit-unknown`), and the rest
//! are submitted. A torn last record (a kill during a write) is dropped.
//!
//! A run holds an advisory lock on the journal from before its first submit
//! to its end; a second run on the same journal, or one that finds the
//! journal grown since it read it, stops with exit code 75 before sending
//! anything.

use std::collections::BTreeMap;
use std::fs::{OpenOptions, TryLockError};
use std::io::{ErrorKind, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use runcomfy::{CheckedInput, Error, FieldError, JobOutput, RequestHandle};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::context::Context;
use crate::exit::CliError;

/// Options of `runcomfy batch`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct BatchArgs {
    /// The model id.
    pub(crate) model_id: String,
    /// One JSON input object per line; the line number is the input's identity.
    #[arg(long, value_name = "FILE.jsonl")]
    pub(crate) inputs: PathBuf,
    /// Jobs in flight at once.
    #[arg(long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub(crate) concurrency: u32,
    /// The journal that makes a re-run resume instead of resubmitting (default: FILE.jsonl.journal).
    #[arg(long, value_name = "FILE")]
    pub(crate) journal: Option<PathBuf>,
    /// Where outputs are downloaded, each input's into DIR/<line number>/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub(crate) output_dir: PathBuf,
    /// Submit again the inputs whose earlier submit has an unknown outcome
    /// (a billed job may exist for them).
    #[arg(long)]
    pub(crate) resubmit_unknown: bool,
    /// Stop waiting for a job after this many seconds (it goes on; a re-run resumes it).
    #[arg(long, value_name = "SECS")]
    pub(crate) timeout: Option<u64>,
    /// Write the result lines to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub(crate) results: Option<PathBuf>,
}

/// Why a re-run found an `intent` without `submitted`.
const DIED_AFTER_INTENT: &str = "an earlier run stopped after deciding to submit and before recording the answer: the submit may have been sent";

/// Runs the batch; the error decides the exit code (see `verdict`).
pub(crate) async fn run(context: &Context, args: &BatchArgs) -> Result<(), CliError> {
    let journal_path = args.journal.clone().unwrap_or_else(|| {
        let mut path = args.inputs.clone().into_os_string();
        path.push(".journal");
        PathBuf::from(path)
    });
    let inputs = read_inputs(&args.inputs).await?;
    let loaded = read_journal(&journal_path)?;
    let past = replay(&loaded.records, &inputs, args, &journal_path)?;
    let plans = plan(&inputs, past, args.resubmit_unknown);

    // Every input that may be submitted is checked before anything is sent.
    let (checked, invalid) = validate(context, args, &inputs, &plans).await?;
    let mut sink = Sink::open(args.results.as_deref())?;
    if !invalid.is_empty() {
        let mut errors = Vec::new();
        for (line, line_errors) in &invalid {
            let text = line_errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            sink.emit(&result_line(
                *line,
                None,
                "invalid",
                &Value::Null,
                &[],
                Some(&text),
            ))?;
            errors.extend(line_errors.iter().map(|e| FieldError {
                message: format!("{} (line {line})", e.message),
                ..e.clone()
            }));
        }
        return Err(CliError::Invalid {
            model_id: args.model_id.clone(),
            errors,
        });
    }

    let journal = Journal::open(&journal_path, &loaded)?;
    if loaded.torn {
        context.output.say(format!(
            "{}: ignored a torn last record (from a run killed while writing it)",
            journal_path.display()
        ));
    }
    let started = Instant::now();
    let mut progress = Progress::new(context, inputs.len());
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut work = Vec::new();
    for (line, plan) in plans {
        let input = &inputs[&line];
        match plan {
            Plan::Done(done) => {
                let outcome = Outcome::from_done(line, done);
                sink.emit(&outcome.to_json())?;
                progress.record(&outcome);
                outcomes.push(outcome);
            }
            Plan::Unknown { reason, stale } => {
                if stale {
                    journal
                        .append(json!({"line": line, "event": "unknown", "reason": reason}))
                        .await?;
                }
                progress.note(format!("line {line}: the outcome of its submit is unknown ({reason}); not submitted again (use --resubmit-unknown)"));
                let outcome = Outcome::unknown(line, &args.model_id, &reason);
                sink.emit(&outcome.to_json())?;
                progress.record(&outcome);
                outcomes.push(outcome);
            }
            Plan::Resume(request_id) => work.push((input, Some(request_id))),
            Plan::Submit { stale } => {
                if stale {
                    journal
                        .append(
                            json!({"line": line, "event": "unknown", "reason": DIED_AFTER_INTENT}),
                        )
                        .await?;
                    progress.note(format!("line {line}: submitting again although an earlier submit may exist (--resubmit-unknown)"));
                }
                work.push((input, None));
            }
        }
    }
    // Jobs already billed first.
    work.sort_by_key(|(input, resume)| (resume.is_none(), input.number));

    let (stop, stopped) = watch::channel(false);
    let job = Job {
        context,
        args,
        journal: &journal,
        checked: &checked,
        stopped,
    };
    let concurrency = usize::try_from(args.concurrency).unwrap_or(1).max(1);
    let mut jobs = futures::stream::iter(work)
        .map(|(input, resume)| job.run(input, resume))
        .buffer_unordered(concurrency);
    let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
    let mut interrupted = false;
    loop {
        tokio::select! {
            next = jobs.next() => match next {
                Some(outcome) => {
                    let outcome = outcome?;
                    if outcome.status != Kind::Interrupted {
                        sink.emit(&outcome.to_json())?;
                    }
                    if let (Kind::Failed | Kind::Cancelled | Kind::Unknown | Kind::Invalid | Kind::Error, Some(error)) = (outcome.status, &outcome.error) {
                        progress.note(format!("line {}: {}: {error}", outcome.line, outcome.status.as_str()));
                    }
                    progress.record(&outcome);
                    outcomes.push(outcome);
                }
                None => break,
            },
            _ = &mut ctrl_c, if !interrupted => {
                interrupted = true;
                let _ = stop.send(true);
                progress.note("interrupted: finishing the submits under way, then stopping (Ctrl-C again to exit at once); re-run the same command to resume");
                tokio::spawn(async {
                    let _ = tokio::signal::ctrl_c().await;
                    std::process::exit(130);
                });
            }
        }
    }
    drop(jobs);
    progress.finish();

    let summary = Summary::of(&outcomes, inputs.len());
    if context.output.json {
        sink.emit(&summary.to_json())?;
    } else {
        context.output.say(summary.human(started.elapsed()));
    }
    if interrupted {
        return Err(CliError::Interrupted);
    }
    verdict(outcomes, &args.model_id)
}

// ---------------------------------------------------------------------------
// Inputs

/// One non-empty line of the inputs file.
struct Input {
    number: usize,
    /// The JSON object, or why the line is not one.
    value: Result<Value, String>,
    /// A fingerprint of the line's JSON (compact, key order as written).
    hash: String,
}

async fn read_inputs(path: &Path) -> Result<BTreeMap<usize, Input>, CliError> {
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|e| CliError::InputFile {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
    let text = String::from_utf8(bytes).map_err(|e| CliError::InputFile {
        path: path.to_owned(),
        reason: format!("not UTF-8 text: {e}"),
    })?;
    let mut inputs = BTreeMap::new();
    for (index, raw) in text.split('\n').enumerate() {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let number = index + 1;
        let (value, hash) = match serde_json::from_str::<Value>(raw) {
            Ok(value @ Value::Object(_)) => {
                let hash = fingerprint(&value.to_string());
                (Ok(value), hash)
            }
            Ok(other) => (
                Err(format!(
                    "line {number} is JSON but not an object (one JSON object per line), it starts with {}",
                    excerpt(&other.to_string())
                )),
                fingerprint(raw),
            ),
            Err(e) => (
                Err(format!("line {number} is not JSON: {e}")),
                fingerprint(raw),
            ),
        };
        inputs.insert(
            number,
            Input {
                number,
                value,
                hash,
            },
        );
    }
    if inputs.is_empty() {
        return Err(CliError::InputFile {
            path: path.to_owned(),
            reason: "holds no inputs (one JSON object per line)".into(),
        });
    }
    Ok(inputs)
}

fn excerpt(text: &str) -> String {
    let mut cut: String = text.chars().take(40).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

/// 128-bit FNV-1a: stable across builds and platforms, enough to notice an
/// edited line (not a defence against someone forging one).
fn fingerprint(text: &str) -> String {
    let mut hash: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for byte in text.bytes() {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    format!("fnv1a128:{hash:032x}")
}

// ---------------------------------------------------------------------------
// The journal

/// One journal record, as read back.
#[derive(Debug, Deserialize)]
struct Record {
    line: usize,
    event: String,
    #[serde(default)]
    hash: Option<String>,
    #[serde(default)]
    model_id: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    output: Option<Value>,
    #[serde(default)]
    files: Vec<String>,
    #[serde(default)]
    error: Option<Value>,
    #[serde(default)]
    reason: Option<String>,
}

/// The journal as found on disk.
#[derive(Default)]
struct Loaded {
    records: Vec<Record>,
    /// Its length as read.
    length: u64,
    /// The length to keep (a torn last record cut off).
    keep: u64,
    /// Whether a torn last record was found.
    torn: bool,
    /// Whether the last kept record lacks its newline.
    unterminated: bool,
}

fn read_journal(path: &Path) -> Result<Loaded, CliError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Loaded::default()),
        Err(e) => {
            return Err(CliError::InputFile {
                path: path.to_owned(),
                reason: format!("cannot read the journal: {e}"),
            });
        }
    };
    let mut loaded = Loaded {
        length: bytes.len() as u64,
        ..Loaded::default()
    };
    // An unparsable record is fatal unless nothing but blank lines follows it.
    let mut bad: Option<(usize, String)> = None;
    let (mut start, mut number) = (0usize, 0usize);
    while start < bytes.len() {
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |at| start + at);
        let text = &bytes[start..end];
        number += 1;
        if !text.trim_ascii().is_empty() {
            if let Some((at, reason)) = bad.take() {
                return Err(CliError::InputFile {
                    path: path.to_owned(),
                    reason: format!(
                        "the journal is damaged: record {at} is not a journal record ({reason}); it was not written by an interrupted run, so it is not ignored"
                    ),
                });
            }
            match serde_json::from_slice::<Record>(text) {
                Ok(record) => {
                    loaded.records.push(record);
                    // Keep it with its newline; one cut off by a kill gets one on open.
                    loaded.unterminated = end == bytes.len();
                    loaded.keep = (if loaded.unterminated { end } else { end + 1 }) as u64;
                }
                Err(e) => bad = Some((number, e.to_string())),
            }
        }
        start = end + 1;
    }
    loaded.torn = bad.is_some();
    Ok(loaded)
}

/// The journal, open for appending.
struct Journal {
    path: PathBuf,
    file: Arc<Mutex<std::fs::File>>,
}

impl Journal {
    fn open(path: &Path, loaded: &Loaded) -> Result<Self, CliError> {
        let fail = |e: std::io::Error| {
            CliError::Output(format!("cannot write the journal {}: {e}", path.display()))
        };
        let existed = path.exists();
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(fail)?;
        // Two runs on one journal would submit the same inputs twice: the
        // lock (advisory, held until this run ends) keeps a second one out
        // before it sends anything.
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(CliError::JournalBusy(format!(
                    "another `runcomfy batch` is using the journal {}: nothing was sent; run again once it has finished",
                    path.display()
                )));
            }
            Err(TryLockError::Error(e)) => return Err(fail(e)),
        }
        // Journals only grow (or lose a torn tail, under this lock): a
        // different length means another run wrote after this one read it.
        let length = file.metadata().map_err(fail)?.len();
        if length != loaded.length {
            return Err(CliError::JournalBusy(format!(
                "the journal {} changed while this run started (another run wrote to it): nothing was sent; run again",
                path.display()
            )));
        }
        if loaded.keep < loaded.length {
            file.set_len(loaded.keep).map_err(fail)?;
        }
        if loaded.unterminated {
            file.write_all(b"\n").map_err(fail)?;
        }
        file.sync_all().map_err(fail)?;
        if !existed {
            sync_dir(
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new(".")),
            );
        }
        Ok(Self {
            path: path.to_owned(),
            file: Arc::new(Mutex::new(file)),
        })
    }

    /// Appends one record and fsyncs it before returning.
    async fn append(&self, record: Value) -> Result<(), CliError> {
        let mut bytes = record.to_string().into_bytes();
        bytes.push(b'\n');
        let file = self.file.clone();
        let written = tokio::task::spawn_blocking(move || {
            let mut file = file
                .lock()
                .map_err(|_| std::io::Error::other("the journal lock is poisoned"))?;
            file.write_all(&bytes)?;
            file.flush()?;
            file.sync_all()
        })
        .await
        .map_err(std::io::Error::other)
        .and_then(|written| written);
        written.map_err(|e| {
            CliError::Output(format!(
                "cannot write the journal {}: {e}",
                self.path.display()
            ))
        })
    }
}

/// Makes a new entry of `dir` durable (best effort: not every platform can).
fn sync_dir(dir: &Path) {
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
}

/// A `done` record, read back.
struct Done {
    status: String,
    request_id: Option<String>,
    output: Value,
    files: Vec<String>,
    error: Option<String>,
}

/// Where a line stands after the journal's records.
enum Phase {
    New,
    Intent,
    Unknown(String),
    Submitted(String),
    Done(Done),
}

/// Replays the journal, refusing a journal of another model or of an input
/// file that changed since.
fn replay(
    records: &[Record],
    inputs: &BTreeMap<usize, Input>,
    args: &BatchArgs,
    journal: &Path,
) -> Result<BTreeMap<usize, Phase>, CliError> {
    let mut phases: BTreeMap<usize, Phase> = BTreeMap::new();
    let mut changed = Vec::new();
    for record in records {
        if let Some(model) = record.model_id.as_deref().filter(|m| *m != args.model_id) {
            return Err(CliError::Usage(format!(
                "the journal {} belongs to a batch of {model}, not {}; use another --journal to start a new batch",
                journal.display(),
                args.model_id
            )));
        }
        if let Some(hash) = &record.hash
            && inputs
                .get(&record.line)
                .is_none_or(|input| input.hash != *hash)
            && !changed.contains(&record.line)
        {
            changed.push(record.line);
        }
        let phase = phases.entry(record.line).or_insert(Phase::New);
        match record.event.as_str() {
            "intent" => *phase = Phase::Intent,
            "submitted" => {
                if let Some(id) = &record.request_id {
                    *phase = Phase::Submitted(id.clone());
                }
            }
            "unknown" if !matches!(phase, Phase::Submitted(_) | Phase::Done(_)) => {
                *phase = Phase::Unknown(
                    record
                        .reason
                        .clone()
                        .unwrap_or_else(|| DIED_AFTER_INTENT.to_owned()),
                );
            }
            "rejected" => *phase = Phase::New,
            "done" => {
                *phase = Phase::Done(Done {
                    status: record.status.clone().unwrap_or_else(|| "failed".to_owned()),
                    request_id: record.request_id.clone(),
                    output: record.output.clone().unwrap_or(Value::Null),
                    files: record.files.clone(),
                    error: record.error.as_ref().and_then(error_text),
                });
            }
            _ => {}
        }
    }
    if !changed.is_empty() {
        changed.sort_unstable();
        let lines = changed
            .iter()
            .take(10)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(CliError::Usage(format!(
            "{}: line{} {lines} differ{} from what the journal {} recorded: the input file changed since; restore it, or use another --journal to start a new batch",
            args.inputs.display(),
            if changed.len() == 1 { "" } else { "s" },
            if changed.len() == 1 { "s" } else { "" },
            journal.display()
        )));
    }
    Ok(phases)
}

/// What this run does with a line.
enum Plan {
    /// Finished earlier: print its result again.
    Done(Done),
    /// Submitted earlier: wait and download.
    Resume(String),
    /// An earlier submit's outcome is unknown: report it. `stale` when this
    /// run found it (an intent without an answer) and must record it.
    Unknown { reason: String, stale: bool },
    /// Submit (`stale`: over an unknown outcome found by this run).
    Submit { stale: bool },
}

fn plan(
    inputs: &BTreeMap<usize, Input>,
    mut past: BTreeMap<usize, Phase>,
    resubmit_unknown: bool,
) -> Vec<(usize, Plan)> {
    inputs
        .keys()
        .map(|&line| {
            let plan = match past.remove(&line) {
                None | Some(Phase::New) => Plan::Submit { stale: false },
                Some(Phase::Done(done)) => Plan::Done(done),
                Some(Phase::Submitted(id)) => Plan::Resume(id),
                Some(Phase::Intent) if resubmit_unknown => Plan::Submit { stale: true },
                Some(Phase::Intent) => Plan::Unknown {
                    reason: DIED_AFTER_INTENT.to_owned(),
                    stale: true,
                },
                Some(Phase::Unknown(_)) if resubmit_unknown => Plan::Submit { stale: false },
                Some(Phase::Unknown(reason)) => Plan::Unknown {
                    reason,
                    stale: false,
                },
            };
            (line, plan)
        })
        .collect()
}

/// Checks every input this run may submit (schema and media rules); nothing
/// is sent. The checked inputs are submitted later without a second check.
async fn validate(
    context: &Context,
    args: &BatchArgs,
    inputs: &BTreeMap<usize, Input>,
    plans: &[(usize, Plan)],
) -> Result<(BTreeMap<usize, CheckedInput>, Vec<(usize, Vec<FieldError>)>), CliError> {
    let to_submit = plans
        .iter()
        .filter(|(_, plan)| matches!(plan, Plan::Submit { .. }))
        .map(|(line, _)| &inputs[line]);
    let checks = futures::stream::iter(to_submit)
        .map(|input| async move {
            let checked = match &input.value {
                Err(reason) => Err(vec![FieldError {
                    pointer: String::new(),
                    keyword: "json".into(),
                    message: reason.clone(),
                }]),
                Ok(value) => match context.client.check(&args.model_id, value.clone()).await {
                    Ok(checked) => Ok(checked),
                    Err(Error::InvalidInput { errors, .. }) => Err(errors),
                    Err(other) => return Err(CliError::from(other)),
                },
            };
            Ok((input.number, checked))
        })
        .buffered(8)
        .collect::<Vec<_>>()
        .await;
    let mut passed = BTreeMap::new();
    let mut invalid = Vec::new();
    for check in checks {
        match check? {
            (line, Ok(input)) => {
                passed.insert(line, input);
            }
            (line, Err(errors)) => invalid.push((line, errors)),
        }
    }
    Ok((passed, invalid))
}

// ---------------------------------------------------------------------------
// Jobs

/// A line's result status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
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
    fn as_str(self) -> &'static str {
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

/// What became of one line.
struct Outcome {
    line: usize,
    request_id: Option<String>,
    status: Kind,
    output: Value,
    files: Vec<String>,
    error: Option<String>,
    /// Finished by an earlier run.
    from_journal: bool,
    /// The error its exit code comes from.
    cause: Option<CliError>,
}

impl Outcome {
    fn new(line: usize, status: Kind) -> Self {
        Self {
            line,
            request_id: None,
            status,
            output: Value::Null,
            files: Vec::new(),
            error: None,
            from_journal: false,
            cause: None,
        }
    }

    fn unknown(line: usize, model_id: &str, reason: &str) -> Self {
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

    fn from_done(line: usize, done: Done) -> Self {
        let request_id = done.request_id.clone().unwrap_or_default();
        let (status, cause) = match done.status.as_str() {
            "succeeded" => (Kind::Succeeded, None),
            "cancelled" => (
                Kind::Cancelled,
                Some(CliError::Client(Error::Cancelled { request_id })),
            ),
            _ => (
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
            from_journal: true,
            cause,
            ..Self::new(line, status)
        }
    }

    fn to_json(&self) -> Value {
        result_line(
            self.line,
            self.request_id.as_deref(),
            self.status.as_str(),
            &self.output,
            &self.files,
            self.error.as_deref(),
        )
    }
}

fn result_line(
    line: usize,
    request_id: Option<&str>,
    status: &str,
    output: &Value,
    files: &[String],
    error: Option<&str>,
) -> Value {
    json!({"line": line, "request_id": request_id, "status": status, "output": output, "files": files, "error": error})
}

/// A service error as one line of text: its message (and code) when it has
/// one, else the value as JSON.
fn error_text(error: &Value) -> Option<String> {
    match error {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Object(fields) => {
            let message = ["error_message", "message", "detail"]
                .iter()
                .find_map(|key| fields.get(*key).and_then(Value::as_str));
            Some(match (message, fields.get("error_code")) {
                (Some(message), Some(code)) => format!("{message} (error_code {code})"),
                (Some(message), None) => message.to_owned(),
                (None, _) => error.to_string(),
            })
        }
        other => Some(other.to_string()),
    }
}

/// What every job shares.
struct Job<'a> {
    context: &'a Context,
    args: &'a BatchArgs,
    journal: &'a Journal,
    /// The inputs this run may submit, each checked once.
    checked: &'a BTreeMap<usize, CheckedInput>,
    stopped: watch::Receiver<bool>,
}

impl Job<'_> {
    /// Submits (or resumes) one line and sees it through. An error ends the
    /// whole batch (the journal could not be written).
    async fn run(&self, input: &Input, resume: Option<String>) -> Result<Outcome, CliError> {
        let line = input.number;
        let client = &self.context.client;
        let handle = match resume {
            Some(request_id) => client.resume(request_id),
            None => {
                if *self.stopped.borrow() {
                    return Ok(Outcome::new(line, Kind::Interrupted));
                }
                let Some(checked) = self.checked.get(&line) else {
                    return Ok(Outcome::new(line, Kind::Invalid));
                };
                // One intent per attempt: a refusal that is retried (429,
                // 503) is journaled `rejected` before the wait, so that a
                // run killed while waiting leaves a line that a re-run
                // submits, not an unknown outcome.
                let mut retry = 0u32;
                let submitted = loop {
                    self.journal.append(json!({"line": line, "hash": input.hash, "model_id": self.args.model_id, "event": "intent"})).await?;
                    // Not raced with Ctrl-C: the answer must reach the journal.
                    let error = match client.submit_checked_once(checked).await {
                        Ok(handle) => break Ok(handle),
                        Err(error) => error,
                    };
                    let Some(delay) = client.submit_retry_delay(&error, retry) else {
                        break Err(error);
                    };
                    self.journal
                        .append(json!({"line": line, "event": "rejected", "error": error.to_string(), "retry_in_ms": delay.as_millis() as u64}))
                        .await?;
                    retry += 1;
                    let mut stopped = self.stopped.clone();
                    tokio::select! {
                        () = tokio::time::sleep(delay) => {}
                        _ = stopped.wait_for(|stop| *stop) => return Ok(Outcome::new(line, Kind::Interrupted)),
                    }
                };
                match submitted {
                    Ok(handle) => {
                        let id = handle.request_id();
                        self.journal.append(json!({"line": line, "event": "submitted", "request_id": id})).await.map_err(|e| {
                            CliError::Output(format!("{e}; line {line} was submitted as {id}: resume it with `runcomfy wait {id}`, do not submit it again"))
                        })?;
                        handle
                    }
                    Err(error) if error.submit_outcome().is_refused() => {
                        let text = error.to_string();
                        self.journal
                            .append(json!({"line": line, "event": "rejected", "error": text}))
                            .await?;
                        let status = if matches!(error, Error::InvalidInput { .. }) {
                            Kind::Invalid
                        } else {
                            Kind::Error
                        };
                        return Ok(Outcome {
                            error: Some(text),
                            cause: Some(CliError::from(error)),
                            ..Outcome::new(line, status)
                        });
                    }
                    Err(error) => {
                        let reason = match &error {
                            Error::OutcomeUnknown { reason, .. } => reason.clone(),
                            other => other.to_string(),
                        };
                        self.journal
                            .append(json!({"line": line, "event": "unknown", "reason": reason}))
                            .await?;
                        return Ok(Outcome::unknown(line, &self.args.model_id, &reason));
                    }
                }
            }
        };
        let request_id = handle.request_id().to_owned();
        let mut stopped = self.stopped.clone();
        let finished = tokio::select! {
            finished = self.finish(line, &handle) => finished,
            _ = stopped.wait_for(|stop| *stop) => return Ok(Outcome { request_id: Some(request_id), ..Outcome::new(line, Kind::Interrupted) }),
        };
        let outcome = match finished {
            Ok((output, files)) => {
                let output = Value::Object(output.raw_output);
                self.done(line, "succeeded", &request_id, &output, &files, None)
                    .await?;
                Outcome {
                    output,
                    files,
                    ..Outcome::new(line, Kind::Succeeded)
                }
            }
            Err(Error::JobFailed { request_id, error }) => {
                let text = error_text(&error).unwrap_or_else(|| "the job failed".to_owned());
                self.done(line, "failed", &request_id, &Value::Null, &[], Some(&text))
                    .await?;
                Outcome {
                    error: Some(text),
                    cause: Some(CliError::Client(Error::JobFailed { request_id, error })),
                    ..Outcome::new(line, Kind::Failed)
                }
            }
            Err(Error::Cancelled { request_id }) => {
                let text = "the job was cancelled".to_owned();
                self.done(
                    line,
                    "cancelled",
                    &request_id,
                    &Value::Null,
                    &[],
                    Some(&text),
                )
                .await?;
                Outcome {
                    error: Some(text),
                    cause: Some(CliError::Client(Error::Cancelled { request_id })),
                    ..Outcome::new(line, Kind::Cancelled)
                }
            }
            // Anything else leaves the job submitted: a re-run resumes it.
            Err(error) => {
                let text =
                    format!("{error}; a re-run resumes this job (it is not submitted again)");
                let cause = match error {
                    Error::Io { path, source } => {
                        CliError::Output(format!("cannot write {}: {source}", path.display()))
                    }
                    other => CliError::from(other),
                };
                Outcome {
                    error: Some(text),
                    cause: Some(cause),
                    ..Outcome::new(line, Kind::Error)
                }
            }
        };
        Ok(Outcome {
            request_id: Some(request_id),
            ..outcome
        })
    }

    /// Waits (within `--timeout`) and downloads into `DIR/<line>/`.
    async fn finish(
        &self,
        line: usize,
        handle: &RequestHandle<Value>,
    ) -> Result<(JobOutput<Value>, Vec<String>), Error> {
        let deadline = self
            .args
            .timeout
            .map(|secs| Instant::now() + Duration::from_secs(secs));
        let output = handle.wait(deadline).await?;
        let files = download(
            handle,
            &output,
            &self.args.output_dir.join(line.to_string()),
        )
        .await?;
        Ok((output, files))
    }

    async fn done(
        &self,
        line: usize,
        status: &str,
        request_id: &str,
        output: &Value,
        files: &[String],
        error: Option<&str>,
    ) -> Result<(), CliError> {
        self.journal
            .append(json!({"line": line, "event": "done", "status": status, "request_id": request_id, "output": output, "files": files, "error": error}))
            .await
    }
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

// ---------------------------------------------------------------------------
// Output

/// Where result lines go.
struct Sink {
    out: Box<dyn std::io::Write + Send>,
    name: String,
}

impl Sink {
    fn open(path: Option<&Path>) -> Result<Self, CliError> {
        match path {
            None => Ok(Self {
                out: Box::new(std::io::stdout()),
                name: "stdout".into(),
            }),
            Some(path) => {
                let file = std::fs::File::create(path).map_err(|e| {
                    CliError::Output(format!("cannot write {}: {e}", path.display()))
                })?;
                Ok(Self {
                    out: Box::new(file),
                    name: path.display().to_string(),
                })
            }
        }
    }

    fn emit(&mut self, value: &Value) -> Result<(), CliError> {
        let mut line = value.to_string();
        line.push('\n');
        self.out
            .write_all(line.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|e| CliError::Output(format!("cannot write results to {}: {e}", self.name)))
    }
}

/// Counts on stderr: a bar on a terminal, a line now and then otherwise,
/// nothing with `-q`.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    started: Instant,
    last_line: Option<Instant>,
    total: usize,
    finished: usize,
    succeeded: usize,
    failed: usize,
    unknown: usize,
    errors: usize,
}

impl Progress {
    const PLAIN_EVERY: Duration = Duration::from_secs(5);

    fn new(context: &Context, total: usize) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = (!context.output.quiet && terminal).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
            ) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        let progress = Self {
            bar,
            plain: !context.output.quiet && !terminal,
            started: Instant::now(),
            last_line: None,
            total,
            finished: 0,
            succeeded: 0,
            failed: 0,
            unknown: 0,
            errors: 0,
        };
        progress.show();
        progress
    }

    fn counts(&self) -> String {
        let mut text = format!(
            "{} succeeded · {} failed · {} unknown",
            self.succeeded, self.failed, self.unknown
        );
        if self.errors > 0 {
            text.push_str(&format!(" · {} errors", self.errors));
        }
        text
    }

    fn show(&self) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.finished as u64);
            bar.set_message(self.counts());
        }
    }

    fn record(&mut self, outcome: &Outcome) {
        match outcome.status {
            Kind::Succeeded => self.succeeded += 1,
            Kind::Failed | Kind::Cancelled => self.failed += 1,
            Kind::Unknown => self.unknown += 1,
            Kind::Invalid | Kind::Error => self.errors += 1,
            Kind::Interrupted => return,
        }
        self.finished += 1;
        self.show();
        if self.plain
            && (self.finished == self.total
                || self
                    .last_line
                    .is_none_or(|at| at.elapsed() >= Self::PLAIN_EVERY))
        {
            self.last_line = Some(Instant::now());
            eprintln!(
                "[{:>7.1}s] batch: {}/{} finished ({})",
                self.started.elapsed().as_secs_f64(),
                self.finished,
                self.total,
                self.counts()
            );
        }
    }

    /// A message that must not tear the bar.
    fn note(&self, text: impl AsRef<str>) {
        match &self.bar {
            Some(bar) => bar.println(text.as_ref()),
            None if self.plain => eprintln!("{}", text.as_ref()),
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The counts of a batch.
struct Summary {
    total: usize,
    by_kind: BTreeMap<&'static str, Vec<usize>>,
    skipped_done: usize,
}

impl Summary {
    fn of(outcomes: &[Outcome], total: usize) -> Self {
        let mut by_kind: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
        for outcome in outcomes {
            by_kind
                .entry(outcome.status.as_str())
                .or_default()
                .push(outcome.line);
        }
        for lines in by_kind.values_mut() {
            lines.sort_unstable();
        }
        Self {
            total,
            by_kind,
            skipped_done: outcomes.iter().filter(|o| o.from_journal).count(),
        }
    }

    fn count(&self, kind: Kind) -> usize {
        self.by_kind.get(kind.as_str()).map_or(0, Vec::len)
    }

    fn to_json(&self) -> Value {
        json!({"summary": {
            "total": self.total,
            "succeeded": self.count(Kind::Succeeded),
            "failed": self.count(Kind::Failed),
            "cancelled": self.count(Kind::Cancelled),
            "unknown": self.count(Kind::Unknown),
            "invalid": self.count(Kind::Invalid),
            "errors": self.count(Kind::Error),
            "interrupted": self.count(Kind::Interrupted),
            "skipped_done": self.skipped_done,
        }})
    }

    fn human(&self, elapsed: Duration) -> String {
        let mut parts = vec![format!("{} succeeded", self.count(Kind::Succeeded))];
        for kind in [
            Kind::Failed,
            Kind::Cancelled,
            Kind::Unknown,
            Kind::Invalid,
            Kind::Error,
            Kind::Interrupted,
        ] {
            if let Some(lines) = self.by_kind.get(kind.as_str()) {
                let mut shown = lines
                    .iter()
                    .take(10)
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                if lines.len() > 10 {
                    shown.push_str(", …");
                }
                parts.push(format!(
                    "{} {} (line{} {shown})",
                    lines.len(),
                    kind.as_str(),
                    if lines.len() == 1 { "" } else { "s" }
                ));
            }
        }
        let mut text = format!(
            "batch: {} input{} in {:.1}s: {}",
            self.total,
            if self.total == 1 { "" } else { "s" },
            elapsed.as_secs_f64(),
            parts.join(", ")
        );
        if self.skipped_done > 0 {
            text.push_str(&format!(
                "; {} finished in an earlier run",
                self.skipped_done
            ));
        }
        if self.count(Kind::Unknown) > 0 {
            text.push_str("\n  unknown: a billed job may exist for these lines; check before re-running with --resubmit-unknown");
        }
        text
    }
}

/// The exit: 0 when every input succeeded; 1 when any job failed or was
/// cancelled; else the first error's own code (a timeout or the network: a
/// re-run resumes); else 75 when any submit's outcome is unknown.
fn verdict(outcomes: Vec<Outcome>, model_id: &str) -> Result<(), CliError> {
    worst(outcomes, model_id).map_err(|cause| CliError::Batch {
        code: cause.code(),
        message: format!("batch incomplete: {cause}"),
    })
}

fn worst(mut outcomes: Vec<Outcome>, model_id: &str) -> Result<(), CliError> {
    outcomes.sort_by_key(|outcome| outcome.line);
    let unknown = outcomes
        .iter()
        .filter(|o| o.status == Kind::Unknown)
        .count();
    let mut first = |kinds: &[Kind]| {
        outcomes
            .iter_mut()
            .filter(|o| kinds.contains(&o.status))
            .find_map(|o| o.cause.take())
    };
    if let Some(cause) = first(&[Kind::Failed, Kind::Cancelled]) {
        return Err(cause);
    }
    if let Some(cause) = first(&[Kind::Error, Kind::Invalid]) {
        return Err(cause);
    }
    match first(&[Kind::Unknown]) {
        Some(CliError::Client(Error::OutcomeUnknown { reason, .. })) if unknown > 1 => {
            Err(CliError::Client(Error::OutcomeUnknown {
                model_id: model_id.to_owned(),
                reason: format!(
                    "{reason}; and {} more line{}",
                    unknown - 1,
                    if unknown == 2 { "" } else { "s" }
                ),
            }))
        }
        Some(cause) => Err(cause),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_that_grew_after_it_was_read_is_not_taken_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inputs.jsonl.journal");
        let record = "{\"line\":1,\"event\":\"intent\",\"hash\":\"h\",\"model_id\":\"m\"}\n";
        std::fs::write(&path, record).expect("write");
        let loaded = read_journal(&path).expect("reads");
        assert_eq!(loaded.length, record.len() as u64);
        // Another run appends between this run's read and its lock.
        std::fs::write(&path, format!("{record}{record}")).expect("append");
        match Journal::open(&path, &loaded) {
            Err(CliError::JournalBusy(message)) => {
                assert!(
                    message.contains("changed while this run started"),
                    "{message}"
                );
            }
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("a grown journal was taken over"),
        }
        // Read again, it is taken, and held: a second open is refused.
        let loaded = read_journal(&path).expect("reads");
        let held = Journal::open(&path, &loaded).expect("opens");
        match Journal::open(&path, &loaded) {
            Err(CliError::JournalBusy(message)) => {
                assert!(message.contains("another `runcomfy batch`"), "{message}");
            }
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("one journal opened twice"),
        }
        drop(held);
        assert!(Journal::open(&path, &loaded).is_ok(), "free again");
    }
}
