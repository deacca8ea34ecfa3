//! One `runcomfy` command against an emulator, and what it printed.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use runcomfy_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;

use crate::common::schema::check_schema;

pub(crate) const KLING: &str = "kling/kling-1-6/pro/image-to-video";
/// The token of single commands; no output may contain its `SECRET`.
pub(crate) const TOKEN: &str = "tok-SECRET-cli-77";
/// Where commands look for the provider CLI's token file unless a test
/// says otherwise: nowhere that exists, so that no test reads the token
/// of the machine's own login.
pub(crate) const NO_CONFIG_DIR: &str = "/nonexistent/runcomfy-cli-tests";
/// A cache directory that cannot be made, even by root: nothing learned of
/// run times is kept between the tests' runs.
pub(crate) const NO_CACHE_DIR: &str = "/dev/null/runcomfy-cli-tests";
/// The tests' poll interval: the emulator's jobs take well under a second.
pub(crate) const POLL_INTERVAL: &str = "0.05";

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

    /// Stdout as the error document of `--json`, checked against its
    /// schema: its `error` object.
    pub(crate) fn error_document(&self) -> Value {
        let document = self.json();
        check_schema("error-output.json", &document);
        document["error"].clone()
    }

    /// Stdout as the document of `--estimate`, checked against its schema:
    /// its `estimate` object.
    pub(crate) fn estimate(&self) -> Value {
        let document = self.json();
        check_schema("estimate-output.json", &document);
        document["estimate"].clone()
    }

    /// Fails unless the command exited with `code` and said `words` on
    /// stderr.
    #[track_caller]
    pub(crate) fn assert_says(&self, code: i32, words: &str) {
        assert_eq!(self.code, code, "{}", self.explain());
        assert!(self.stderr.contains(words), "{words:?}: {}", self.explain());
    }

    pub(crate) fn explain(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub(crate) async fn emulator(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("emulator")
}

/// An emulator for tests, its configuration `adjust`ed.
pub(crate) async fn emulator_with(adjust: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    let mut config = EmulatorConfig::for_tests();
    adjust(&mut config);
    emulator(config).await
}

/// An emulator for tests whose jobs finish at submit (time scale 0), its
/// configuration `adjust`ed: for tests of what is said of a finished job,
/// not of the wait for it (a client's first status sees the job finished).
pub(crate) async fn finishing_at_submit(adjust: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    emulator_with(|config| {
        config.time_scale = 0.0;
        adjust(config);
    })
    .await
}

/// An emulator whose one worker takes minutes for a job (time scale 1), its
/// configuration `adjust`ed: while the first job runs, the next ones wait in
/// the queue. No test waits for such a job to finish.
pub(crate) async fn one_slow_worker(adjust: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    emulator_with(|config| {
        (config.workers, config.time_scale) = (1, 1.0);
        adjust(config);
    })
    .await
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn start_image() -> String {
    root().join("examples/start.png").display().to_string()
}

/// The `runcomfy` binary with `token`, kept from the user's own setup: no
/// other token, service, config or cache of this machine, the tests' poll
/// interval, no colour.
pub(crate) fn isolated(token: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_runcomfy"));
    command
        .env_remove("RUNCOMFY_TOKEN")
        .env_remove("RUNCOMFY_MODEL_API_BASE")
        .env_remove("RUNCOMFY_SERVERLESS_API_BASE")
        .env("RUNCOMFY_CONFIG_DIR", NO_CONFIG_DIR)
        .env("RUNCOMFY_CACHE_DIR", NO_CACHE_DIR)
        .env("RUNCOMFY_POLL_INTERVAL", POLL_INTERVAL)
        .env("RUNCOMFY_API_TOKEN", token)
        .env("NO_COLOR", "1");
    command
}

/// `runcomfy ARGS` (with `--base-url BASE`), the token set, output piped.
pub(crate) fn command(base: Option<&str>, args: &[&str]) -> tokio::process::Command {
    let mut command = isolated(TOKEN);
    command.args(args);
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

/// A temporary directory for outputs, and its path as an argument.
pub(crate) fn output_dir() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().display().to_string();
    (dir, path)
}

/// Submits the start image with `--no-wait`; the request id.
pub(crate) async fn submit_no_wait(base: &str, image: &str) -> String {
    let no_wait = ["--json", "run", KLING, "--set", image, "--no-wait"];
    let submitted = runcomfy(Some(base), &no_wait).await;
    assert_eq!(submitted.code, 0, "{}", submitted.stderr);
    let document = submitted.json();
    document["request_id"].as_str().expect("id").to_owned()
}

/// The exit code of `runcomfy ARGS`.
pub(crate) async fn exit_code(base: Option<&str>, args: &[&str]) -> i32 {
    runcomfy(base, args).await.code
}

/// `run` of the model with the start image set by `image`
/// (`image_url=@PATH`), downloading into `output_dir`.
pub(crate) fn run_args<'a>(image: &'a str, output_dir: &'a str) -> [&'a str; 6] {
    ["run", KLING, "--set", image, "--output-dir", output_dir]
}

pub(crate) fn assert_mp4(path: &str) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(&bytes[4..8], b"ftyp", "{path} is an MP4");
}
