//! `cargo xtask chaos`: a batch against the emulator with every fault kind
//! injected, the CLI killed with SIGKILL at random moments and restarted on
//! the same journal, then every input's fate checked on the emulator's side.
//!
//! The emulator and the CLI run as separate processes (built by
//! `cargo build`), so this crate still depends on `runcomfy-validate` only.
//! The emulator outlives the CLI's kills and is asked at the end, through its
//! read-only `GET /_emulator/jobs`, which jobs exist, for which input (by
//! prompt), in which state, and the size and SHA-256 of each video it serves.
//!
//! This module holds the parts that decide (options, the kill plan, the
//! classification and the report); `driver` runs the processes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use serde_json::{Value, json};

mod driver;

pub use driver::run;

/// The model every chaos input goes to.
pub const MODEL_ID: &str = "kling/kling-1-6/pro/image-to-video";

/// Options of `cargo xtask chaos`.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Inputs in the batch.
    pub jobs: usize,
    /// Seed of the kill plan and of the emulator (durations, faults).
    pub seed: u64,
    /// SIGKILLs before the batch is let finish.
    pub kills: usize,
    /// `runcomfy batch --concurrency`.
    pub concurrency: usize,
    /// The emulator's `--time-scale` (0.004: a 5 s video takes about 1 s).
    pub time_scale: f64,
    /// The rate of every fault kind.
    pub fault_rate: f64,
    /// Milliseconds of a slow answer (well below the client's 30 s timeout).
    pub slow_ms: u64,
    /// MiB of padding on every output video (the emulator's
    /// `--output-padding-mb`), so that kills land mid-download.
    pub padding_mb: u64,
    /// Use the `dev` profile's binaries instead of `release`.
    pub debug: bool,
}

impl Options {
    /// The defaults, with this seed.
    pub fn with_seed(seed: u64) -> Self {
        Self {
            jobs: 500,
            seed,
            kills: 3,
            concurrency: 32,
            time_scale: 0.004,
            fault_rate: 0.1,
            slow_ms: 200,
            padding_mb: 0,
            debug: false,
        }
    }

    /// Parses the flags after `chaos`; `default_seed` when `--seed` is absent.
    pub fn parse(args: &[&str], default_seed: u64) -> Result<Self, String> {
        let mut options = Self::with_seed(default_seed);
        let mut args = args.iter();
        while let Some(&flag) = args.next() {
            if flag == "--debug" {
                options.debug = true;
                continue;
            }
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let number = |what: &str| -> Result<u64, String> {
                value
                    .parse::<u64>()
                    .map_err(|_| format!("{flag} takes {what}, not `{value}`"))
            };
            match flag {
                "--jobs" => options.jobs = number("a count of inputs")? as usize,
                "--seed" => options.seed = number("an unsigned integer")?,
                "--kills" => options.kills = number("a count")? as usize,
                "--concurrency" => options.concurrency = number("a count")? as usize,
                "--slow-ms" => options.slow_ms = number("milliseconds")?,
                "--padding-mb" => options.padding_mb = number("MiB")?.min(4095),
                "--time-scale" | "--fault-rate" => {
                    let x: f64 = value
                        .parse()
                        .map_err(|_| format!("{flag} takes a number, not `{value}`"))?;
                    if flag == "--time-scale" {
                        options.time_scale = x;
                    } else {
                        options.fault_rate = x;
                    }
                }
                other => return Err(format!("unknown flag {other}")),
            }
        }
        if options.jobs == 0 {
            return Err("--jobs must be at least 1".into());
        }
        if !(1..=256).contains(&options.concurrency) {
            return Err("--concurrency is from 1 to 256".into());
        }
        if !(options.time_scale > 0.0 && options.time_scale.is_finite()) {
            return Err("--time-scale must be a positive number".into());
        }
        if !(0.0..=1.0).contains(&options.fault_rate) {
            return Err("--fault-rate is a probability from 0 to 1".into());
        }
        Ok(options)
    }

    /// The emulator's flags: every fault kind at `fault_rate`.
    pub fn emulator_args(&self) -> Vec<String> {
        let rate = self.fault_rate.to_string();
        let mut args: Vec<String> = [
            "--port",
            "0",
            "--workers",
            &self.concurrency.max(4).to_string(),
            "--seed",
            &self.seed.to_string(),
            "--time-scale",
            &self.time_scale.to_string(),
            "--slow-ms",
            &self.slow_ms.to_string(),
            "--retry-after",
            "1",
            "--output-padding-mb",
            &self.padding_mb.to_string(),
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        for flag in FAULT_FLAGS {
            args.push((*flag).to_owned());
            args.push(rate.clone());
        }
        args
    }
}

/// The emulator's fault flags: every kind it can inject by rate.
pub const FAULT_FLAGS: &[&str] = &[
    "--fault-rate-limit",
    "--fault-server-error",
    "--fault-reset",
    "--fault-reset-after",
    "--fault-slow",
    "--fault-malformed-json",
    "--fault-error-in-200",
    "--fault-truncate-media",
    "--fail-rate",
];

/// When one SIGKILL lands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kill {
    /// Once this many inputs have a final journal record (`done` or
    /// `unknown`), counted over every run so far...
    pub after_final: usize,
    /// ...this many milliseconds later.
    pub jitter_ms: u64,
}

/// The kills of a run of `jobs` inputs: at random points between the start
/// and 85% of the inputs finished, in order, each with up to 400 ms of
/// jitter so that a kill can land anywhere (validating, between an intent
/// and its answer, mid-download, mid-write).
pub fn kill_plan(seed: u64, jobs: usize, kills: usize) -> Vec<Kill> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6b69_6c6c);
    let mut points: Vec<usize> = (0..kills)
        .map(|_| (rng.random::<f64>() * 0.85 * jobs as f64) as usize)
        .collect();
    points.sort_unstable();
    points
        .into_iter()
        .map(|after_final| Kill {
            after_final,
            jitter_ms: (rng.random::<f64>() * 400.0) as u64,
        })
        .collect()
}

/// The prompt of input `line` (1-based): the emulator lists jobs by it.
pub fn prompt(line: usize) -> String {
    format!("chaos input {line}")
}

/// Input `line` as a JSONL line: the start image as a `data:` URI of a PNG
/// header saying 1280×720 (all the media rules read).
pub fn input_line(line: usize) -> String {
    json!({"image_url": png_data_uri(1280, 720), "prompt": prompt(line), "duration": 5}).to_string()
}

fn png_data_uri(width: u32, height: u32) -> String {
    use base64::Engine as _;
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend(width.to_be_bytes());
    bytes.extend(height.to_be_bytes());
    bytes.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    bytes.extend([0u8; 64]);
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// How `runcomfy batch` journals an unknown outcome left by a run that died
/// between an intent and its answer (the start of its reason).
pub const KILLED_REASON: &str = "an earlier run stopped after deciding to submit";

/// What the batch journal says so far: each line's last event, and the lines
/// marked unknown because a run died between the intent and the answer.
/// Fed record by record (complete lines only), so a watcher reads each byte
/// once.
#[derive(Debug, Clone, Default)]
pub struct JournalFacts {
    last: BTreeMap<u64, String>,
    /// Lines journaled `unknown` with [`KILLED_REASON`].
    pub unknown_after_kill: BTreeSet<usize>,
}

impl JournalFacts {
    /// Takes one record (a torn or foreign line is ignored).
    pub fn record(&mut self, text: &str) {
        let Ok(record) = serde_json::from_str::<Value>(text) else {
            return;
        };
        let (Some(line), Some(event)) = (record["line"].as_u64(), record["event"].as_str()) else {
            return;
        };
        if event == "unknown"
            && record["reason"]
                .as_str()
                .is_some_and(|r| r.starts_with(KILLED_REASON))
        {
            self.unknown_after_kill.insert(line as usize);
        }
        self.last.insert(line, event.to_owned());
    }

    /// Inputs whose last record is final (`done` or `unknown`).
    pub fn finals(&self) -> usize {
        self.last
            .values()
            .filter(|event| matches!(event.as_str(), "done" | "unknown"))
            .count()
    }
}

/// A file's size and SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// Bytes.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

impl Digest {
    /// The digest of these bytes.
    pub fn of(bytes: &[u8]) -> Self {
        Self {
            size: bytes.len() as u64,
            sha256: hex::encode(ring::digest::digest(&ring::digest::SHA256, bytes)),
        }
    }
}

/// One job as the emulator lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmulatorJob {
    /// Its request id.
    pub request_id: String,
    /// The prompt it was submitted with.
    pub prompt: Option<String>,
    /// `in_queue`, `in_progress`, `succeeded`, `failed` or `cancelled`.
    pub state: String,
    /// What it serves, once succeeded.
    pub served: Option<Digest>,
}

/// The emulator's `GET /_emulator/jobs`: its accepted submits and its jobs.
pub fn parse_listing(listing: &Value) -> Result<(u64, Vec<EmulatorJob>), String> {
    let submits = listing["submits"]
        .as_u64()
        .ok_or("the job listing has no `submits` count")?;
    let jobs = listing["jobs"]
        .as_array()
        .ok_or("the job listing has no `jobs` list")?
        .iter()
        .map(|job| {
            let served = match (
                job["output"]["size"].as_u64(),
                job["output"]["sha256"].as_str(),
            ) {
                (Some(size), Some(sha256)) => Some(Digest {
                    size,
                    sha256: sha256.to_owned(),
                }),
                _ => None,
            };
            Ok(EmulatorJob {
                request_id: job["request_id"]
                    .as_str()
                    .ok_or_else(|| format!("a listed job has no request id: {job}"))?
                    .to_owned(),
                prompt: job["prompt"].as_str().map(str::to_owned),
                state: job["state"].as_str().unwrap_or("").to_owned(),
                served,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok((submits, jobs))
}

/// One result line of `runcomfy batch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliRecord {
    /// `succeeded`, `failed`, `cancelled`, `unknown`, `invalid`, `error`.
    pub status: String,
    /// The request id, when it has one.
    pub request_id: Option<String>,
    /// Downloaded files, relative to the batch's directory.
    pub files: Vec<String>,
}

/// The result lines of a `--results` file, by input line (the summary and
/// anything unparsable left out; the last line for an input wins).
pub fn parse_results(text: &str) -> BTreeMap<usize, CliRecord> {
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|value| {
            let line = usize::try_from(value.get("line")?.as_u64()?).ok()?;
            Some((
                line,
                CliRecord {
                    status: value["status"].as_str().unwrap_or("").to_owned(),
                    request_id: value["request_id"].as_str().map(str::to_owned),
                    files: value["files"]
                        .as_array()
                        .map(|files| {
                            files
                                .iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default(),
                },
            ))
        })
        .collect()
}

/// Everything the classification reads.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Inputs in the batch (lines 1 to `inputs`).
    pub inputs: usize,
    /// The CLI's final result per line.
    pub records: BTreeMap<usize, CliRecord>,
    /// Submits the emulator accepted.
    pub submits: u64,
    /// The emulator's jobs.
    pub jobs: Vec<EmulatorJob>,
    /// Each file a record names: its digest, or `None` when it is missing.
    pub files: BTreeMap<String, Option<Digest>>,
    /// Files in the output directory that no record names (leftovers).
    pub stray_files: Vec<String>,
    /// Lines of CLI or emulator stderr that say "panicked".
    pub panics: Vec<String>,
    /// Lines the journal marks unknown because a run was killed between
    /// the intent and the submit's answer.
    pub unknown_after_kill: BTreeSet<usize>,
}

/// The figures of a chaos run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Inputs in the batch.
    pub inputs: usize,
    /// Submits the emulator accepted.
    pub submits: u64,
    /// Jobs the emulator holds.
    pub jobs: usize,
    /// Inputs with exactly one job on the emulator.
    pub submitted_once: usize,
    /// Inputs with no job on the emulator.
    pub never_submitted: usize,
    /// Inputs with more than one job on the emulator.
    pub duplicated: usize,
    /// Succeeded, downloaded, byte-identical to what the emulator serves.
    pub succeeded: usize,
    /// Reported failed, and the emulator failed the job.
    pub failed: usize,
    /// Reported unknown (not resubmitted); the job exists on the emulator.
    pub unknown_with_job: usize,
    /// Reported unknown (not resubmitted); no job exists (the fault came
    /// before the queue, which the client cannot know).
    pub unknown_without_job: usize,
    /// Of the unknown: left by a kill between an intent and its answer.
    pub unknown_after_kill: usize,
    /// Of those: the ones with a job on the emulator (the submit was
    /// carried out before the kill).
    pub unknown_after_kill_with_job: usize,
    /// Inputs with no final record, plus jobs nobody accounted for.
    pub lost: usize,
    /// Succeeded files missing or different from what the emulator serves.
    pub not_identical: usize,
    /// Records that contradict the emulator (a state or request id that
    /// does not match).
    pub inconsistent: usize,
    /// Files in the output directory that no record names.
    pub stray_files: usize,
    /// "panicked" in any stderr.
    pub panics: usize,
    /// What each problem is, naming the line or job.
    pub problems: Vec<String>,
}

/// Decides each input's fate from the CLI's records and the emulator's jobs.
pub fn classify(evidence: &Evidence) -> Report {
    let mut report = Report {
        inputs: evidence.inputs,
        submits: evidence.submits,
        jobs: evidence.jobs.len(),
        stray_files: evidence.stray_files.len(),
        panics: evidence.panics.len(),
        ..Report::default()
    };
    for file in &evidence.stray_files {
        report.problems.push(format!("stray file {file}"));
    }
    for panic in &evidence.panics {
        report.problems.push(format!("panic: {panic}"));
    }
    let line_of: BTreeMap<String, usize> = (1..=evidence.inputs).map(|n| (prompt(n), n)).collect();
    let mut jobs_of: BTreeMap<usize, Vec<&EmulatorJob>> = BTreeMap::new();
    for job in &evidence.jobs {
        match job.prompt.as_ref().and_then(|p| line_of.get(p)) {
            Some(&line) => jobs_of.entry(line).or_default().push(job),
            None => {
                report.lost += 1;
                report.problems.push(format!(
                    "job {} ({:?}) belongs to no input",
                    job.request_id, job.prompt
                ));
            }
        }
    }
    for line in 1..=evidence.inputs {
        let jobs = jobs_of.get(&line).map(Vec::as_slice).unwrap_or_default();
        match jobs.len() {
            0 => report.never_submitted += 1,
            1 => report.submitted_once += 1,
            n => {
                report.duplicated += 1;
                let ids: Vec<&str> = jobs.iter().map(|j| j.request_id.as_str()).collect();
                report.problems.push(format!(
                    "line {line}: submitted {n} times ({})",
                    ids.join(", ")
                ));
            }
        }
        let Some(record) = evidence.records.get(&line) else {
            report.lost += 1;
            report.problems.push(format!("line {line}: no result"));
            continue;
        };
        let job = record
            .request_id
            .as_ref()
            .and_then(|id| jobs.iter().find(|job| job.request_id == *id));
        // A job of this line that its record does not name: nobody accounts for it.
        if record.status != "unknown" {
            for other in jobs
                .iter()
                .filter(|j| Some(&j.request_id) != record.request_id.as_ref())
            {
                report.lost += 1;
                report.problems.push(format!(
                    "line {line}: job {} is not the one its {} record names",
                    other.request_id, record.status
                ));
            }
        }
        match (record.status.as_str(), job) {
            ("succeeded", Some(job)) if job.state == "succeeded" => {
                let identical = !record.files.is_empty()
                    && record.files.iter().all(|file| {
                        let found = evidence.files.get(file).cloned().flatten();
                        let same = found.is_some() && found == job.served;
                        if !same {
                            report.problems.push(format!(
                                "line {line}: {file} is {} but the emulator serves {}",
                                found.map_or("missing".to_owned(), |d| format!(
                                    "{} bytes, sha256 {}",
                                    d.size, d.sha256
                                )),
                                job.served
                                    .as_ref()
                                    .map_or("nothing".to_owned(), |d| format!(
                                        "{} bytes, sha256 {}",
                                        d.size, d.sha256
                                    )),
                            ));
                        }
                        same
                    });
                if identical {
                    report.succeeded += 1;
                } else {
                    report.not_identical += 1;
                }
            }
            ("failed", Some(job)) if job.state == "failed" => report.failed += 1,
            ("unknown", _) => {
                if jobs.is_empty() {
                    report.unknown_without_job += 1;
                } else {
                    report.unknown_with_job += 1;
                }
                if evidence.unknown_after_kill.contains(&line) {
                    report.unknown_after_kill += 1;
                    report.unknown_after_kill_with_job += usize::from(!jobs.is_empty());
                }
            }
            ("succeeded" | "failed", found) => {
                report.inconsistent += 1;
                report.problems.push(format!(
                    "line {line}: reported {} as {:?}, the emulator says {}",
                    record.status,
                    record.request_id,
                    found.map_or("no such job".to_owned(), |j| format!("`{}`", j.state))
                ));
            }
            (other, _) => {
                report.lost += 1;
                report.problems.push(format!(
                    "line {line}: no final result (last status `{other}`)"
                ));
            }
        }
    }
    report
}

impl Report {
    /// What falls short of the target; empty when the run passed.
    pub fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        let mut zero = |count: usize, what: &str| {
            if count > 0 {
                failures.push(format!("{what}: {count} (target 0)"));
            }
        };
        zero(self.lost, "lost");
        zero(self.duplicated, "duplicated");
        zero(self.panics, "panics");
        zero(self.not_identical, "files not byte-identical");
        zero(self.inconsistent, "records contradicting the emulator");
        zero(self.stray_files, "stray files");
        if self.submits != self.jobs as u64 {
            failures.push(format!(
                "the emulator accepted {} submits but lists {} jobs",
                self.submits, self.jobs
            ));
        }
        if self.succeeded == 0 {
            failures.push("nothing succeeded: the run proves nothing".into());
        }
        failures
    }

    /// The figures as a table.
    pub fn table(&self) -> String {
        let kill_note = format!(
            "killed between the intent and the answer; {} with a job",
            self.unknown_after_kill_with_job
        );
        let rows: [(&str, String, &str); 15] = [
            ("inputs", self.inputs.to_string(), ""),
            ("submits accepted (emulator)", self.submits.to_string(), ""),
            (
                "inputs submitted exactly once",
                self.submitted_once.to_string(),
                "",
            ),
            (
                "inputs never submitted",
                self.never_submitted.to_string(),
                "each reported `unknown`: a fault or a kill came before the queue",
            ),
            (
                "succeeded, downloaded, byte-identical",
                self.succeeded.to_string(),
                "",
            ),
            (
                "failed (the emulator failed the job)",
                self.failed.to_string(),
                "",
            ),
            (
                "unknown outcome, job exists",
                self.unknown_with_job.to_string(),
                "reported, not resubmitted",
            ),
            (
                "unknown outcome, no job",
                self.unknown_without_job.to_string(),
                "reported, not resubmitted",
            ),
            (
                "  of the unknown: left by a kill",
                self.unknown_after_kill.to_string(),
                &kill_note,
            ),
            ("lost", self.lost.to_string(), "target 0"),
            ("duplicated", self.duplicated.to_string(), "target 0"),
            (
                "files not byte-identical",
                self.not_identical.to_string(),
                "target 0",
            ),
            (
                "records contradicting the emulator",
                self.inconsistent.to_string(),
                "target 0",
            ),
            ("stray files", self.stray_files.to_string(), "target 0"),
            ("panics", self.panics.to_string(), "target 0"),
        ];
        let mut text = String::new();
        for (what, value, note) in rows {
            let _ = writeln!(text, "  {what:<40} {value:>6}  {note}");
        }
        text
    }
}

/// A minimal HTTP/1.1 answer: status and body (chunked bodies decoded).
pub fn parse_http(raw: &[u8]) -> Result<(u16, Vec<u8>), String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of headers in the answer")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let body = &raw[split + 4..];
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("no status in `{}`", head.lines().next().unwrap_or("")))?;
    let chunked = head.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("transfer-encoding:") && line.contains("chunked")
    });
    if !chunked {
        return Ok((status, body.to_vec()));
    }
    let (mut decoded, mut rest) = (Vec::new(), body);
    loop {
        let end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a chunk size line has no end")?;
        let size_text = String::from_utf8_lossy(&rest[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| format!("bad chunk size `{size_text}`"))?;
        rest = &rest[end + 2..];
        if size == 0 {
            return Ok((status, decoded));
        }
        let chunk = rest.get(..size).ok_or("a chunk is cut short")?;
        decoded.extend_from_slice(chunk);
        rest = rest.get(size + 2..).ok_or("a chunk has no end")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: &str, line: usize, state: &str, served: Option<&Digest>) -> EmulatorJob {
        EmulatorJob {
            request_id: id.into(),
            prompt: Some(prompt(line)),
            state: state.into(),
            served: served.cloned(),
        }
    }

    fn record(status: &str, id: Option<&str>, files: &[&str]) -> CliRecord {
        CliRecord {
            status: status.into(),
            request_id: id.map(str::to_owned),
            files: files.iter().map(|f| (*f).to_owned()).collect(),
        }
    }

    /// Four inputs: one of each honest outcome.
    fn honest() -> Evidence {
        let video = Digest::of(b"video of job a");
        Evidence {
            inputs: 4,
            records: BTreeMap::from([
                (1, record("succeeded", Some("a"), &["out/1/output.mp4"])),
                (2, record("failed", Some("b"), &[])),
                (3, record("unknown", None, &[])),
                (4, record("unknown", None, &[])),
            ]),
            submits: 3,
            jobs: vec![
                job("a", 1, "succeeded", Some(&video)),
                job("b", 2, "failed", None),
                job("c", 3, "succeeded", Some(&Digest::of(b"c"))),
            ],
            files: BTreeMap::from([("out/1/output.mp4".to_owned(), Some(video))]),
            ..Evidence::default()
        }
    }

    #[test]
    fn honest_outcomes_are_counted_and_pass() {
        let mut evidence = honest();
        evidence.unknown_after_kill.insert(4);
        let report = classify(&evidence);
        assert_eq!(
            (
                report.unknown_after_kill,
                report.unknown_after_kill_with_job
            ),
            (1, 0)
        );
        assert_eq!(
            (
                report.succeeded,
                report.failed,
                report.unknown_with_job,
                report.unknown_without_job
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(
            (
                report.submitted_once,
                report.never_submitted,
                report.duplicated
            ),
            (3, 1, 0)
        );
        assert_eq!(report.lost, 0);
        assert!(report.failures().is_empty(), "{:?}", report.failures());
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let table = report.table();
        assert!(table.contains("unknown outcome, no job"), "{table}");
    }

    #[test]
    fn a_second_job_for_an_input_is_a_duplicate_and_unaccounted() {
        let mut evidence = honest();
        evidence.jobs.push(job("a2", 1, "succeeded", None));
        evidence.submits += 1;
        let report = classify(&evidence);
        assert_eq!((report.duplicated, report.lost), (1, 1));
        let failures = report.failures();
        assert!(
            failures.iter().any(|f| f.starts_with("duplicated: 1")),
            "{failures:?}"
        );
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.contains("line 1: submitted 2 times"))
        );
    }

    #[test]
    fn a_missing_result_or_an_unowned_job_is_lost() {
        let mut evidence = honest();
        evidence.records.remove(&2);
        evidence.records.insert(4, record("error", None, &[]));
        evidence.jobs.push(EmulatorJob {
            prompt: Some("someone else's".into()),
            ..job("z", 9, "succeeded", None)
        });
        evidence.submits += 1;
        let report = classify(&evidence);
        assert_eq!(report.lost, 3, "{:?}", report.problems);
        assert!(report.failures().iter().any(|f| f.starts_with("lost: 3")));
    }

    #[test]
    fn a_file_that_differs_or_is_missing_is_not_identical() {
        let mut evidence = honest();
        evidence.files.insert(
            "out/1/output.mp4".into(),
            Some(Digest::of(b"video of job b")),
        );
        let report = classify(&evidence);
        assert_eq!((report.succeeded, report.not_identical), (0, 1));
        assert!(!report.failures().is_empty());
        evidence.files.insert("out/1/output.mp4".into(), None);
        assert_eq!(classify(&evidence).not_identical, 1);
        evidence
            .records
            .insert(1, record("succeeded", Some("a"), &[]));
        assert_eq!(classify(&evidence).not_identical, 1, "no file at all");
    }

    #[test]
    fn a_record_contradicting_the_emulator_is_inconsistent() {
        let mut evidence = honest();
        evidence
            .records
            .insert(2, record("succeeded", Some("b"), &[]));
        let report = classify(&evidence);
        assert_eq!(report.inconsistent, 1);
        evidence
            .records
            .insert(2, record("failed", Some("nope"), &[]));
        let report = classify(&evidence);
        assert_eq!(
            (report.inconsistent, report.lost),
            (1, 1),
            "{:?}",
            report.problems
        );
    }

    #[test]
    fn panics_strays_and_a_listing_mismatch_fail_the_run() {
        let mut evidence = honest();
        evidence
            .panics
            .push("run 2: thread 'main' panicked at x".into());
        evidence
            .stray_files
            .push("out/1/.partial/output.mp4".into());
        evidence.submits = 4;
        let failures = classify(&evidence).failures();
        for wanted in [
            "panics: 1",
            "stray files: 1",
            "accepted 4 submits but lists 3",
        ] {
            assert!(
                failures.iter().any(|f| f.contains(wanted)),
                "{wanted}: {failures:?}"
            );
        }
    }

    #[test]
    fn options_parse_and_the_plan_is_seeded() {
        let options = Options::parse(
            &[
                "--jobs",
                "60",
                "--seed",
                "7",
                "--debug",
                "--padding-mb",
                "2",
            ],
            1,
        )
        .expect("ok");
        assert_eq!(options.padding_mb, 2);
        assert_eq!(
            (options.jobs, options.seed, options.kills, options.debug),
            (60, 7, 3, true)
        );
        assert_eq!(Options::parse(&[], 9).expect("ok"), Options::with_seed(9));
        assert!(Options::parse(&["--jobs"], 1).is_err());
        assert!(Options::parse(&["--fault-rate", "2"], 1).is_err());
        assert!(Options::parse(&["--bogus", "1"], 1).is_err());
        let args = Options::with_seed(1).emulator_args();
        for flag in FAULT_FLAGS {
            let at = args.iter().position(|a| a == flag).expect(flag);
            assert_eq!(args[at + 1], "0.1", "{flag}");
        }

        let plan = kill_plan(7, 500, 3);
        assert_eq!(plan, kill_plan(7, 500, 3));
        assert_ne!(plan, kill_plan(8, 500, 3));
        assert_eq!(plan.len(), 3);
        assert!(
            plan.windows(2)
                .all(|w| w[0].after_final <= w[1].after_final)
        );
        assert!(
            plan.iter()
                .all(|k| k.after_final <= 425 && k.jitter_ms < 400)
        );
    }

    #[test]
    fn inputs_are_one_json_object_per_line_with_their_prompt() {
        let line: Value = serde_json::from_str(&input_line(12)).expect("json");
        assert_eq!(line["prompt"], "chaos input 12");
        assert!(
            line["image_url"]
                .as_str()
                .is_some_and(|u| u.starts_with("data:image/png;base64,"))
        );
        let results = parse_results(
            "{\"line\":3,\"request_id\":\"r\",\"status\":\"succeeded\",\"files\":[\"out/3/output.mp4\"]}\n{\"summary\":{}}\n",
        );
        assert_eq!(
            results[&3],
            record("succeeded", Some("r"), &["out/3/output.mp4"])
        );
        assert_eq!(results.len(), 1);
        let listing = json!({"submits": 1, "jobs": [{"request_id": "r", "prompt": "chaos input 3", "state": "succeeded", "output": {"size": 3, "sha256": "ab"}}]});
        let (submits, jobs) = parse_listing(&listing).expect("listing");
        assert_eq!(submits, 1);
        assert_eq!(
            jobs[0].served,
            Some(Digest {
                size: 3,
                sha256: "ab".into()
            })
        );
        assert_eq!(
            Digest::of(b"abc").sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_journal_says_what_is_final_and_what_a_kill_left_unknown() {
        let mut facts = JournalFacts::default();
        for record in [
            r#"{"line":1,"event":"intent"}"#,
            r#"{"line":1,"event":"submitted","request_id":"a"}"#,
            r#"{"line":2,"event":"intent"}"#,
            r#"{"line":3,"event":"intent"}"#,
            r#"{"line":3,"event":"unknown","reason":"the gateway answered HTTP 502"}"#,
            r#"{"line":1,"event":"done","status":"succeeded"}"#,
            r#"{"line":2,"event":"inte"#,
        ] {
            facts.record(record);
        }
        assert_eq!(facts.finals(), 2);
        assert!(facts.unknown_after_kill.is_empty());
        facts.record(&json!({"line": 2, "event": "unknown", "reason": format!("{KILLED_REASON} and before recording the answer")}).to_string());
        assert_eq!(facts.finals(), 3);
        assert_eq!(facts.unknown_after_kill, BTreeSet::from([2]));
    }

    #[test]
    fn http_answers_parse_plain_and_chunked() {
        assert_eq!(
            parse_http(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi").expect("plain"),
            (200, b"hi".to_vec())
        );
        assert_eq!(
            parse_http(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
                .expect("chunked"),
            (200, b"abcde".to_vec())
        );
        assert!(parse_http(b"garbage").is_err());
    }
}
