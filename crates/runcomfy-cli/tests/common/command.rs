//! One `runcomfy` command against an emulator, and what it printed.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use runcomfy_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;

use crate::common::schema::check_schema;

pub(crate) const KLING: &str = "kling/kling-1-6/pro/image-to-video";
/// The token of single commands; no output may contain its `SECRET`.
pub(crate) const TOKEN: &str = "tok-SECRET-cli-77";

/// How a command ended and what it printed.
pub(crate) struct Outcome {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Outcome {
    pub(crate) fn of(output: &std::process::Output) -> Self {
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Stdout as one JSON document.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }

    /// The JSON lines of stdout.
    pub(crate) fn lines(&self) -> Vec<Value> {
        json_lines(&self.stdout)
    }

    pub(crate) fn explain(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
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

pub(crate) async fn emulator(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("emulator")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn start_image() -> String {
    root().join("examples/start.png").display().to_string()
}

/// `runcomfy ARGS` (with `--base-url BASE`), the token set, output piped.
pub(crate) fn command(base: Option<&str>, args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_runcomfy"));
    command
        .args(args)
        .env_remove("RUNCOMFY_TOKEN")
        .env_remove("RUNCOMFY_MODEL_API_BASE")
        .env("RUNCOMFY_API_TOKEN", TOKEN)
        .env("NO_COLOR", "1");
    if let Some(base) = base {
        command.arg("--base-url").arg(base);
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Runs `command` to its end; fails when the token is in its output.
pub(crate) async fn finish(mut command: tokio::process::Command) -> Outcome {
    let outcome = Outcome::of(&command.output().await.expect("runs"));
    assert!(
        !outcome.stdout.contains("SECRET") && !outcome.stderr.contains("SECRET"),
        "the token leaked:\n{}\n{}",
        outcome.stdout,
        outcome.stderr
    );
    outcome
}

pub(crate) async fn runcomfy(base: Option<&str>, args: &[&str]) -> Outcome {
    finish(command(base, args)).await
}

pub(crate) fn assert_mp4(path: &str) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(&bytes[4..8], b"ftyp", "{path} is an MP4");
}
