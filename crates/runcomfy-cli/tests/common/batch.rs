//! A batch in a temporary directory, its runs, journal and printed results.
//!
//! Its inputs, its runs, its journal's records, and the result lines and
//! summary it printed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use runcomfy_emulator::fixtures::png_data_uri;
use runcomfy_emulator::{Emulator, EmulatorConfig};
use serde_json::{Value, json};

use crate::common::command::{KLING, Outcome, emulator, isolated};
use crate::common::schema::check_schema;

/// The token of batches; no output and no journal may contain it.
pub(crate) const TOKEN: &str = "test-token";

/// A batch in a temporary directory.
pub(crate) struct Batch {
    pub(crate) dir: tempfile::TempDir,
    base: String,
}

impl Batch {
    /// A batch of `lines` against `emulator`.
    pub(crate) fn new(emulator: &Emulator, lines: &[String]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("inputs.jsonl"), lines.join("\n") + "\n")
            .expect("write inputs");
        let base = emulator.base_url();
        Self { dir, base }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub(crate) fn journal(&self) -> PathBuf {
        self.path("inputs.jsonl.journal")
    }

    pub(crate) fn command(&self, extra: &[&str]) -> tokio::process::Command {
        let mut command = isolated(TOKEN);
        command
            .current_dir(self.dir.path())
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

    /// The batch started with its stdout and stderr sent to those given.
    pub(crate) fn spawn(
        &self,
        extra: &[&str],
        stdout: impl Into<Stdio>,
        stderr: impl Into<Stdio>,
    ) -> tokio::process::Child {
        self.command(extra)
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .expect("spawns")
    }

    pub(crate) async fn run(&self, extra: &[&str]) -> Outcome {
        let outcome = Outcome::of(&self.command(extra).output().await.expect("runs"));
        assert!(
            !outcome.stdout.contains(TOKEN) && !outcome.stderr.contains(TOKEN),
            "the token leaked:\n{}",
            outcome.explain()
        );
        outcome
    }

    /// The journal's records (a torn last one left out).
    pub(crate) fn records(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.journal()).unwrap_or_default();
        assert!(!text.contains(TOKEN), "the token is in the journal");
        text.lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Rewrites the journal as a kill or a hand would have left it: each
    /// record `edit`ed, or left out when it gives none; the journal's text.
    pub(crate) fn rewrite_journal(&self, edit: impl FnMut(Value) -> Option<Value>) -> String {
        let kept: Vec<String> = self
            .records()
            .into_iter()
            .filter_map(edit)
            .map(|record| record.to_string())
            .collect();
        let text = kept.join("\n") + "\n";
        std::fs::write(self.journal(), &text).expect("journal");
        text
    }

    /// Each line's events, in order.
    pub(crate) fn events(&self) -> BTreeMap<u64, Vec<String>> {
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

/// An emulator for tests and a batch of `count` inputs on it.
pub(crate) async fn start(count: usize) -> (Emulator, Batch) {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&emulator, &inputs(count));
    (emulator, batch)
}

/// Fails with `why` unless the emulator took `expected` submits in all.
#[track_caller]
pub(crate) fn assert_submits(emulator: &Emulator, expected: u64, why: &str) {
    assert_eq!(emulator.stats().submits(), expected, "{why}");
}

pub(crate) fn input(n: usize) -> String {
    json!({"image_url": png_data_uri(1280, 720), "prompt": format!("batch input {n}"), "duration": 5}).to_string()
}

pub(crate) fn inputs(count: usize) -> Vec<String> {
    (1..=count).map(input).collect()
}

pub(crate) fn assert_mp4(dir: &Path, path: &str) {
    let bytes = std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(
        bytes.len() > 8 && &bytes[4..8] == b"ftyp",
        "{path} is not an MP4"
    );
}

/// Result lines by input line (the summary line left out).
pub(crate) fn results(lines: &[Value]) -> BTreeMap<u64, Value> {
    lines
        .iter()
        .filter(|l| l.get("line").is_some())
        .map(|l| (l["line"].as_u64().expect("line"), l.clone()))
        .collect()
}

pub(crate) fn summary(lines: &[Value]) -> Value {
    lines
        .iter()
        .find_map(|l| l.get("summary").cloned())
        .expect("a summary line")
}

impl Outcome {
    /// The JSON lines of stdout.
    pub(crate) fn lines(&self) -> Vec<Value> {
        json_lines(&self.stdout)
    }

    /// The status of input line `line`'s result.
    pub(crate) fn status_of(&self, line: u64) -> Value {
        results(&self.lines())[&line]["status"].clone()
    }
}

/// The JSON documents of an output: one per result line, the summary, and
/// with `--json` after a failure, the (pretty) error document; each checked
/// against its schema in `schemas/cli/`.
pub(crate) fn json_lines(text: &str) -> Vec<Value> {
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
