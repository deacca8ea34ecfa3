//! `runcomfy batch` end to end: the built binary against an emulator in this
//! process. Every input submitted exactly once (counted by the emulator)
//! across `kill -9` and re-runs, invalid lines refused before anything is
//! sent, unknown submit outcomes never resubmitted unless asked, Ctrl-C (once:
//! stop and resume by re-running; twice: exit at once), exit codes, and the
//! token never in any output or in the journal.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use runcomfy_emulator::fixtures::png_data_uri;
use runcomfy_emulator::{Emulator, EmulatorConfig, Fault, Target};
use serde_json::{Value, json};

mod common;
use common::{Stderr, check_schema, send_sigint};

const KLING: &str = "kling/kling-1-6/pro/image-to-video";
const TOKEN: &str = "test-token";

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Outcome {
    /// The JSON lines of stdout.
    fn lines(&self) -> Vec<Value> {
        json_lines(&self.stdout)
    }

    fn explain(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// The JSON documents of an output: one per result line, the summary, and
/// with `--json` after a failure, the (pretty) error document; each checked
/// against its schema in `schemas/cli/`.
fn json_lines(text: &str) -> Vec<Value> {
    let documents: Vec<Value> = serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .map(|v| v.unwrap_or_else(|e| panic!("not JSON ({e}): {text}")))
        .collect();
    for document in &documents {
        let is_error = document.get("line").is_none() && document.get("summary").is_none();
        check_schema(
            if is_error {
                "error-output.json"
            } else {
                "batch-output.json"
            },
            document,
        );
    }
    documents
}

/// A batch in a temporary directory.
struct Batch {
    dir: tempfile::TempDir,
    base: String,
}

impl Batch {
    fn new(emulator: &Emulator, lines: &[String]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("inputs.jsonl"), lines.join("\n") + "\n")
            .expect("write inputs");
        Self {
            dir,
            base: emulator.base_url(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn journal(&self) -> PathBuf {
        self.path("inputs.jsonl.journal")
    }

    fn command(&self, extra: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_runcomfy"));
        command
            .current_dir(self.dir.path())
            .env_remove("RUNCOMFY_TOKEN")
            .env_remove("RUNCOMFY_MODEL_API_BASE")
            .env("RUNCOMFY_API_TOKEN", TOKEN)
            .env("NO_COLOR", "1")
            .args([
                "--base-url",
                &self.base,
                "batch",
                KLING,
                "--inputs",
                "inputs.jsonl",
                "--output-dir",
                "out",
            ])
            .args(extra)
            .stdin(Stdio::null())
            .kill_on_drop(true);
        command
    }

    async fn run(&self, extra: &[&str]) -> Outcome {
        let output = self.command(extra).output().await.expect("runs");
        let outcome = Outcome {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            !outcome.stdout.contains(TOKEN) && !outcome.stderr.contains(TOKEN),
            "the token leaked:\n{}",
            outcome.explain()
        );
        outcome
    }

    /// The journal's records (a torn last one left out).
    fn records(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.journal()).unwrap_or_default();
        assert!(!text.contains(TOKEN), "the token is in the journal");
        text.lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Each line's events, in order.
    fn events(&self) -> BTreeMap<u64, Vec<String>> {
        let mut events: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        for record in self.records() {
            let line = record["line"].as_u64().expect("line");
            events
                .entry(line)
                .or_default()
                .push(record["event"].as_str().expect("event").to_owned());
        }
        events
    }
}

fn input(n: usize) -> String {
    json!({"image_url": png_data_uri(1280, 720), "prompt": format!("batch input {n}"), "duration": 5}).to_string()
}

fn inputs(count: usize) -> Vec<String> {
    (1..=count).map(input).collect()
}

fn assert_mp4(dir: &Path, path: &str) {
    let bytes = std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(
        bytes.len() > 8 && &bytes[4..8] == b"ftyp",
        "{path} is not an MP4"
    );
}

/// Result lines by input line (the summary line left out).
fn results(lines: &[Value]) -> BTreeMap<u64, Value> {
    lines
        .iter()
        .filter(|l| l.get("line").is_some())
        .map(|l| (l["line"].as_u64().expect("line"), l.clone()))
        .collect()
}

fn summary(lines: &[Value]) -> Value {
    lines
        .iter()
        .find_map(|l| l.get("summary").cloned())
        .expect("a summary line")
}

async fn emulator(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("emulator")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_input_runs_once_and_a_rerun_only_reprints() {
    let emulator = emulator(EmulatorConfig {
        time_scale: 0.0002,
        check_contract: true,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let batch = Batch::new(&emulator, &inputs(12));

    let run = batch.run(&["--concurrency", "4", "--json"]).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    let lines = run.lines();
    let results = results(&lines);
    assert_eq!(
        results.keys().copied().collect::<Vec<_>>(),
        (1..=12).collect::<Vec<_>>(),
        "{}",
        run.explain()
    );
    for (line, result) in &results {
        assert_eq!(result["status"], "succeeded", "{result}");
        assert!(
            result["request_id"].is_string()
                && result["error"].is_null()
                && result["output"]["video"].is_string(),
            "{result}"
        );
        let files = result["files"].as_array().expect("files");
        assert!(!files.is_empty(), "{result}");
        for file in files {
            let file = file.as_str().expect("path");
            assert!(
                Path::new(file).starts_with(Path::new("out").join(line.to_string())),
                "{file} is under out/{line}/"
            );
            assert_mp4(batch.dir.path(), file);
        }
    }
    assert_eq!(
        summary(&lines),
        json!({"total": 12, "succeeded": 12, "failed": 0, "cancelled": 0, "unknown": 0, "invalid": 0, "errors": 0, "interrupted": 0, "skipped_done": 0})
    );
    assert_eq!(emulator.stats().submits(), 12);
    for (line, events) in batch.events() {
        assert_eq!(events, ["intent", "submitted", "done"], "line {line}");
    }
    assert!(
        !batch.path("out/1/.partial").exists(),
        "no staging directory is left"
    );

    // A re-run submits nothing and prints the same results.
    let again = batch.run(&["--json"]).await;
    assert_eq!(again.code, 0, "{}", again.explain());
    let again_lines = again.lines();
    assert_eq!(summary(&again_lines)["skipped_done"], 12);
    assert_eq!(crate::results(&again_lines), results);
    assert_eq!(emulator.stats().submits(), 12);

    // An edited input file is refused, naming the line.
    let mut edited = inputs(12);
    edited[6] =
        json!({"image_url": png_data_uri(1280, 720), "prompt": "something else"}).to_string();
    std::fs::write(batch.path("inputs.jsonl"), edited.join("\n")).expect("write");
    let refused = batch.run(&[]).await;
    assert_eq!(refused.code, 64, "{}", refused.explain());
    assert!(refused.stderr.contains("line 7 "), "{}", refused.explain());
    assert_eq!(emulator.stats().submits(), 12);
    assert!(
        emulator.contract_violations().is_empty(),
        "{:?}",
        emulator.contract_violations()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_invalid_line_stops_the_batch_before_any_submit() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let mut lines = inputs(5);
    lines[2] = json!({"image_url": png_data_uri(1280, 720), "duration": 7}).to_string();
    lines[4] = "{not json".to_owned();
    lines.insert(1, String::new()); // blank lines are skipped but counted: the invalid ones are lines 4 and 6
    let batch = Batch::new(&emulator, &lines);

    let run = batch.run(&[]).await;
    assert_eq!(run.code, 65, "{}", run.explain());
    assert_eq!(emulator.stats().submits(), 0);
    assert!(
        run.stderr.contains("duration")
            && run.stderr.contains("(line 4)")
            && run.stderr.contains("line 6 is not JSON"),
        "{}",
        run.explain()
    );
    let results = results(&run.lines());
    assert_eq!(
        results.keys().copied().collect::<Vec<_>>(),
        [4, 6],
        "{}",
        run.explain()
    );
    assert!(
        results.values().all(|r| r["status"] == "invalid"
            && r["error"].is_string()
            && r["request_id"].is_null()),
        "{results:?}"
    );
    assert!(!batch.journal().exists(), "nothing was journaled");
}

/// Whether every line that has an intent also has its answer: killing now
/// cannot land between a submit and its record.
fn settled(events: &BTreeMap<u64, Vec<String>>) -> bool {
    events
        .values()
        .all(|e| e.last().is_some_and(|last| last != "intent"))
}

fn count(events: &BTreeMap<u64, Vec<String>>, event: &str) -> usize {
    events
        .values()
        .filter(|e| e.iter().any(|x| x == event))
        .count()
}

/// Waits (up to 20 s, else fails with `what`) until the journal's events
/// satisfy `ready`.
async fn wait_for_events(
    batch: &Batch,
    what: &str,
    ready: impl Fn(&BTreeMap<u64, Vec<String>>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready(&batch.events()) {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Line 1 has its intent journaled and nothing after it: its submit is under way.
fn only_intent_of_1(events: &BTreeMap<u64, Vec<String>>) -> bool {
    events.get(&1).is_some_and(|e| e == &["intent"])
}

/// Starts the batch and kills it (SIGKILL) once `ready` holds at a settled
/// moment; returns whether it was killed (false: it finished first).
async fn kill_when(
    batch: &Batch,
    extra: &[&str],
    ready: impl Fn(&BTreeMap<u64, Vec<String>>) -> bool,
) -> bool {
    let out = std::fs::File::create(batch.path("killed.out")).expect("out");
    let err = std::fs::File::create(batch.path("killed.err")).expect("err");
    let mut child = batch
        .command(extra)
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("spawns");
    let deadline = Instant::now() + Duration::from_secs(20);
    let killed = loop {
        if child.try_wait().expect("try_wait").is_some() {
            break false;
        }
        let events = batch.events();
        if ready(&events) && settled(&events) {
            child.kill().await.expect("kill -9");
            break true;
        }
        assert!(
            Instant::now() < deadline,
            "the batch neither finished nor got ready"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let _ = child.wait().await;
    for name in ["killed.out", "killed.err"] {
        assert!(
            !std::fs::read_to_string(batch.path(name))
                .unwrap_or_default()
                .contains(TOKEN),
            "the token leaked"
        );
    }
    killed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_at_any_point_then_rerun_submits_each_input_exactly_once() {
    // Jobs of about 0.5 to 1 s, two at a time.
    let emulator = emulator(EmulatorConfig {
        time_scale: 0.003,
        workers: 2,
        check_contract: true,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let total = 10;
    let batch = Batch::new(&emulator, &inputs(total));
    let args = ["--concurrency", "3", "--json"];

    // (a) Soon after the start: some submitted, none done.
    let killed_early = kill_when(&batch, &args, |events| count(events, "submitted") >= 1).await;
    assert!(
        killed_early,
        "the first run finished before it could be killed"
    );
    let after_a = batch.events();
    assert_eq!(count(&after_a, "done"), 0, "{after_a:?}");
    // A kill during a write leaves a torn last record: it must be tolerated.
    let mut journal = std::fs::read(batch.journal()).expect("journal");
    journal.extend_from_slice(br#"{"line": 9, "event": "inte"#);
    std::fs::write(batch.journal(), journal).expect("tear");

    // (b) Later: some done, some not.
    let done_before = count(&after_a, "done");
    let killed_late = kill_when(&batch, &args, |events| {
        count(events, "done") >= done_before + 3
    })
    .await;
    assert!(
        killed_late,
        "the second run finished before it could be killed"
    );
    let after_b = batch.events();
    assert!((3..total).contains(&count(&after_b, "done")), "{after_b:?}");

    // Then to completion.
    let last = batch.run(&args).await;
    assert_eq!(last.code, 0, "{}", last.explain());
    let lines = last.lines();
    let results = results(&lines);
    assert_eq!(results.len(), total, "{}", last.explain());
    assert!(
        results.values().all(|r| r["status"] == "succeeded"),
        "{}",
        last.explain()
    );
    assert_eq!(
        summary(&lines)["skipped_done"].as_u64(),
        Some(count(&after_b, "done") as u64),
        "{}",
        last.explain()
    );

    assert_eq!(
        emulator.stats().submits(),
        total as u64,
        "each input submitted exactly once across the runs; journal after (b): {after_b:?}"
    );
    let events = batch.events();
    assert_eq!(
        events.keys().copied().collect::<BTreeSet<_>>(),
        (1..=total as u64).collect::<BTreeSet<_>>()
    );
    for (line, events) in &events {
        assert_eq!(
            events.iter().filter(|e| *e == "intent").count(),
            1,
            "line {line}: {events:?}"
        );
        assert_eq!(
            events.iter().filter(|e| *e == "submitted").count(),
            1,
            "line {line}: {events:?}"
        );
        assert!(
            !events.iter().any(|e| e == "unknown"),
            "line {line}: {events:?}"
        );
        assert_eq!(
            events.last().map(String::as_str),
            Some("done"),
            "line {line}: {events:?}"
        );
    }
    for record in batch.records().iter().filter(|r| r["event"] == "done") {
        assert_eq!(record["status"], "succeeded", "{record}");
        let files = record["files"].as_array().expect("files");
        assert_eq!(files.len(), 1, "{record}");
        assert_mp4(batch.dir.path(), files[0].as_str().expect("path"));
    }
    // A resumed download replaces what a killed one left: one file per line.
    for line in 1..=total {
        let names = std::fs::read_dir(batch.path(&format!("out/{line}")))
            .expect("dir")
            .count();
        assert_eq!(names, 1, "out/{line} holds exactly its output");
    }
    assert!(
        emulator.contract_violations().is_empty(),
        "{:?}",
        emulator.contract_violations()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_submit_outcome_is_never_resubmitted_unless_asked() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&emulator, &inputs(3));
    // The first submit is carried out, but its answer never arrives.
    emulator
        .faults()
        .push(Target::Submit, Fault::ResetAfterProcessing);

    let first = batch.run(&["--concurrency", "1"]).await;
    assert_eq!(first.code, 75, "{}", first.explain());
    let results = results(&first.lines());
    assert_eq!(results[&1]["status"], "unknown", "{}", first.explain());
    assert!(
        results[&1]["request_id"].is_null() && results[&1]["error"].is_string(),
        "{}",
        first.explain()
    );
    assert_eq!(results[&2]["status"], "succeeded");
    assert_eq!(results[&3]["status"], "succeeded");
    assert!(
        first.stderr.contains("billed job may exist"),
        "{}",
        first.explain()
    );
    assert_eq!(
        emulator.stats().submits(),
        3,
        "the lost submit created a job"
    );
    assert_eq!(batch.events()[&1], ["intent", "unknown"]);

    let second = batch.run(&["--json"]).await;
    assert_eq!(second.code, 75, "{}", second.explain());
    let lines = second.lines();
    assert_eq!(crate::results(&lines)[&1]["status"], "unknown");
    assert_eq!(summary(&lines)["unknown"], 1);
    assert_eq!(summary(&lines)["skipped_done"], 2);
    assert_eq!(
        emulator.stats().submits(),
        3,
        "not submitted again without --resubmit-unknown"
    );

    let third = batch.run(&["--resubmit-unknown", "--json"]).await;
    assert_eq!(third.code, 0, "{}", third.explain());
    let lines = third.lines();
    assert_eq!(crate::results(&lines)[&1]["status"], "succeeded");
    assert_eq!(summary(&lines)["succeeded"], 3);
    assert_eq!(
        emulator.stats().submits(),
        4,
        "submitted once more, on request"
    );
    assert_eq!(
        batch.events()[&1],
        ["intent", "unknown", "intent", "submitted", "done"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_answered_500_is_an_unknown_outcome_and_a_rerun_does_not_send_it_again() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&emulator, &inputs(2));
    // The service created the job, then failed its answer: the 500 does not
    // prove a refusal, so the line must not be sent again.
    emulator
        .faults()
        .push(Target::Submit, Fault::StatusAfterProcessing(500));

    let first = batch.run(&["--concurrency", "1", "--json"]).await;
    assert_eq!(first.code, 75, "{}", first.explain());
    let lines = first.lines();
    assert_eq!(
        results(&lines)[&1]["status"],
        "unknown",
        "{}",
        first.explain()
    );
    assert_eq!(results(&lines)[&2]["status"], "succeeded");
    assert_eq!(emulator.stats().submits(), 2, "the 500 hid an accepted job");
    assert_eq!(batch.events()[&1], ["intent", "unknown"]);

    let second = batch.run(&["--json"]).await;
    assert_eq!(second.code, 75, "{}", second.explain());
    assert_eq!(results(&second.lines())[&1]["status"], "unknown");
    assert_eq!(
        emulator.stats().submits(),
        2,
        "a re-run never pays twice for a job the service accepted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_job_exits_1_and_results_go_to_a_file_without_the_token() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let mut lines = inputs(4);
    lines[1] =
        json!({"image_url": png_data_uri(1280, 720), "prompt": "emulator:fail please"}).to_string();
    let batch = Batch::new(&emulator, &lines);

    let run = batch
        .run(&[
            "-q",
            "--json",
            "--results",
            "results.jsonl",
            "--journal",
            "batch.journal",
        ])
        .await;
    assert_eq!(run.code, 1, "{}", run.explain());
    assert!(
        run.stdout.trim().is_empty(),
        "results and summary went to the file, no second document on stdout: {}",
        run.explain()
    );
    assert!(
        run.stderr.contains("batch incomplete") && run.stderr.contains("failed"),
        "the reason, on stderr even with -q: {}",
        run.explain()
    );
    assert!(
        !run.stderr.contains("succeeded"),
        "-q: no summary on stderr: {}",
        run.explain()
    );
    let text = std::fs::read_to_string(batch.path("results.jsonl")).expect("results");
    assert!(!text.contains(TOKEN));
    let lines = json_lines(&text);
    let results = results(&lines);
    assert_eq!(results[&2]["status"], "failed");
    assert!(
        results[&2]["error"]
            .as_str()
            .is_some_and(|e| e.contains("failed"))
            && results[&2]["request_id"].is_string(),
        "{:?}",
        results[&2]
    );
    assert!(
        [1, 3, 4]
            .iter()
            .all(|n| results[n]["status"] == "succeeded")
    );
    assert_eq!(summary(&lines)["failed"], 1);
    let journal = std::fs::read_to_string(batch.path("batch.journal")).unwrap_or_default();
    assert!(
        journal.contains("\"failed\"") && !journal.contains(TOKEN),
        "{journal}"
    );
    assert_eq!(emulator.stats().submits(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_between_intent_and_answer_leaves_an_unknown_outcome() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&emulator, &inputs(2));
    let first = batch.run(&[]).await;
    assert_eq!(first.code, 0, "{}", first.explain());
    // As if the run had died right after line 1's intent: keep only that of line 1.
    let kept: Vec<String> = batch
        .records()
        .into_iter()
        .filter(|r| r["line"] == 2 || r["event"] == "intent")
        .map(|r| r.to_string())
        .collect();
    std::fs::write(batch.journal(), kept.join("\n") + "\n").expect("journal");

    let second = batch.run(&["--json"]).await;
    assert_eq!(second.code, 75, "{}", second.explain());
    let lines = second.lines();
    assert_eq!(
        results(&lines)[&1]["status"],
        "unknown",
        "{}",
        second.explain()
    );
    assert_eq!(results(&lines)[&2]["status"], "succeeded");
    assert_eq!(emulator.stats().submits(), 2, "not submitted again");
    assert_eq!(
        batch.events()[&1],
        ["intent", "unknown"],
        "the unknown outcome is recorded"
    );

    // A job whose wait times out stays submitted: status error, exit 75, no done.
    let third = batch
        .run(&["--resubmit-unknown", "--json", "--timeout", "0"])
        .await;
    assert_eq!(third.code, 75, "{}", third.explain());
    let lines = third.lines();
    assert_eq!(
        results(&lines)[&1]["status"],
        "error",
        "{}",
        third.explain()
    );
    assert!(
        results(&lines)[&1]["request_id"].is_string(),
        "{}",
        third.explain()
    );
    assert_eq!(
        batch.events()[&1],
        ["intent", "unknown", "intent", "submitted"]
    );

    let fourth = batch.run(&["--json"]).await;
    assert_eq!(fourth.code, 0, "{}", fourth.explain());
    assert_eq!(results(&fourth.lines())[&1]["status"], "succeeded");
    assert_eq!(
        emulator.stats().submits(),
        3,
        "resumed, not submitted again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_while_a_refused_submit_waits_to_retry_leaves_it_to_submit_not_unknown() {
    // Found by `cargo xtask chaos`: a run killed while a submit waited out a
    // 429's Retry-After left only the intent in the journal, so the re-run
    // reported an unknown outcome although nothing had been accepted.
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&emulator, &inputs(1));
    emulator.faults().push(
        Target::Submit,
        Fault::RateLimited {
            retry_after_secs: 30,
        },
    );
    let killed = kill_when(&batch, &["--json"], |events| {
        events
            .get(&1)
            .is_some_and(|e| e.last().is_some_and(|last| last == "rejected"))
    })
    .await;
    assert!(killed, "the batch was waiting to retry, not finished");
    assert_eq!(emulator.stats().submits(), 0, "nothing was accepted");
    let rejected = batch
        .records()
        .into_iter()
        .find(|r| r["event"] == "rejected")
        .expect("a rejected record");
    assert!(
        rejected["retry_in_ms"]
            .as_u64()
            .is_some_and(|ms| ms >= 30_000),
        "{rejected}"
    );

    let run = batch.run(&["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    assert_eq!(results(&run.lines())[&1]["status"], "succeeded");
    assert_eq!(
        emulator.stats().submits(),
        1,
        "submitted once, by the re-run"
    );
    assert_eq!(
        batch.events()[&1],
        ["intent", "rejected", "intent", "submitted", "done"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_refused_with_503_and_retry_after_waits_as_asked() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&emulator, &inputs(1));
    emulator.faults().push(
        Target::Submit,
        Fault::Unavailable {
            retry_after_secs: 1,
        },
    );
    let run = batch.run(&["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    assert_eq!(emulator.stats().submits(), 1);
    let rejected = batch
        .records()
        .into_iter()
        .find(|r| r["event"] == "rejected")
        .expect("a rejected record");
    assert!(
        rejected["retry_in_ms"]
            .as_u64()
            .is_some_and(|ms| ms >= 1_000),
        "the 503's Retry-After is the wait: {rejected}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_submit_is_retried_in_the_same_run_with_an_intent_per_attempt() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&emulator, &inputs(1));
    emulator.faults().push(Target::Submit, Fault::Status(503));
    emulator.faults().push(
        Target::Submit,
        Fault::RateLimited {
            retry_after_secs: 1,
        },
    );
    let run = batch.run(&["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    assert_eq!(emulator.stats().submits(), 1);
    assert_eq!(
        batch.events()[&1],
        [
            "intent",
            "rejected",
            "intent",
            "rejected",
            "intent",
            "submitted",
            "done"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_the_batch_and_a_rerun_waits_for_its_jobs_without_submitting_again() {
    // Jobs of a few seconds (the emulator's minutes × 0.01).
    let emulator = emulator(EmulatorConfig {
        time_scale: 0.01,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let batch = Batch::new(&emulator, &inputs(3));
    let child = batch
        .command(&["--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    wait_for_events(&batch, "the batch did not submit", |events| {
        count(events, "submitted") >= 3
    })
    .await;
    send_sigint(&child);
    let output = tokio::time::timeout(Duration::from_secs(10), child.wait_with_output())
        .await
        .expect("a batch with nothing under way stops at once")
        .expect("exits");
    let stopped = Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_eq!(stopped.code, 130, "{}", stopped.explain());
    assert!(
        stopped.stderr.contains("re-run the same command to resume"),
        "{}",
        stopped.explain()
    );
    let counts = summary(&stopped.lines());
    assert_eq!(
        counts["interrupted"].as_u64().unwrap_or(0) + counts["succeeded"].as_u64().unwrap_or(0),
        3,
        "each job either finished or was left to the re-run: {}",
        stopped.explain()
    );
    assert_eq!(emulator.stats().submits(), 3);

    let rerun = batch.run(&["--json"]).await;
    assert_eq!(rerun.code, 0, "{}", rerun.explain());
    let results = results(&rerun.lines());
    assert!(
        (1..=3).all(|line| results[&line]["status"] == "succeeded"),
        "{}",
        rerun.explain()
    );
    assert_eq!(
        emulator.stats().submits(),
        3,
        "the re-run waited for the jobs, it did not submit them again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_ctrl_c_exits_at_once_and_leaves_the_submit_under_way_unknown() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&emulator, &inputs(1));
    // The submit hangs for a minute: the first Ctrl-C waits for it.
    emulator
        .faults()
        .push(Target::Submit, Fault::Slow(Duration::from_secs(60)));
    let mut child = batch
        .command(&[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    wait_for_events(
        &batch,
        "the batch did not start its submit",
        only_intent_of_1,
    )
    .await;
    send_sigint(&child);
    let mut stderr = Stderr::of(&mut child);
    let first = tokio::time::timeout(Duration::from_secs(10), stderr.until("interrupted")).await;
    assert!(
        matches!(first, Ok(true)),
        "the first Ctrl-C is acknowledged:\n{}",
        stderr.seen
    );
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "the first Ctrl-C waits for the submit under way"
    );
    // Let the handler of the second Ctrl-C start listening.
    tokio::time::sleep(Duration::from_millis(300)).await;
    send_sigint(&child);
    let status = tokio::time::timeout(Duration::from_secs(5), child.wait())
        .await
        .expect("the second Ctrl-C exits at once, not after the submit")
        .expect("exits");
    assert_eq!(status.code(), Some(130), "{}", stderr.seen);
    assert_eq!(
        batch.events()[&1],
        ["intent"],
        "the submit under way stays on record"
    );

    // The submit may still reach the service: the re-run does not guess.
    let rerun = batch.run(&["--json"]).await;
    assert_eq!(rerun.code, 75, "{}", rerun.explain());
    assert_eq!(results(&rerun.lines())[&1]["status"], "unknown");
    assert_eq!(emulator.stats().submits(), 0, "not submitted again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_a_journal_in_use_stops_before_sending_anything() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&emulator, &inputs(2));
    // The first run's first submit hangs for a minute, line 2 still to do.
    emulator
        .faults()
        .push(Target::Submit, Fault::Slow(Duration::from_secs(60)));
    let mut first = batch
        .command(&["--concurrency", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns");
    wait_for_events(&batch, "the first run did not start", only_intent_of_1).await;

    // Without the lock this run would submit line 2, and so would the first.
    let second = batch.run(&["--json"]).await;
    assert_eq!(second.code, 75, "{}", second.explain());
    assert!(
        second
            .stderr
            .contains("another `runcomfy batch` is using the journal"),
        "{}",
        second.explain()
    );
    let error: Value = serde_json::from_str(second.stdout.trim()).expect("JSON error");
    assert_eq!(error["error"]["kind"], "journal_busy");
    assert_eq!(error["error"]["exit_code"], 75);
    assert_eq!(emulator.stats().submits(), 0, "the second run sent nothing");
    assert_eq!(
        batch.events().keys().copied().collect::<Vec<_>>(),
        [1],
        "and wrote nothing"
    );

    first.kill().await.expect("kill");
    let _ = first.wait().await;
    // Once the first run is gone, the journal is free.
    let third = batch.run(&["--json"]).await;
    assert_eq!(
        third.code,
        75,
        "line 1's outcome is unknown: {}",
        third.explain()
    );
    let lines = third.lines();
    assert_eq!(results(&lines)[&1]["status"], "unknown");
    assert_eq!(results(&lines)[&2]["status"], "succeeded");
}
