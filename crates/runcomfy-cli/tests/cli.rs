//! The `runcomfy` binary end to end against an emulator: every input style,
//! every exit code, `--json` output against its schema, progress on a pipe,
//! Ctrl-C in both cancel outcomes (and a second Ctrl-C exiting at once), and
//! the token never in any output.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use runcomfy_emulator::{Emulator, EmulatorConfig, Fault, FaultRates, Target};
use serde_json::Value;
use tokio::io::AsyncWriteExt as _;

mod common;
use common::{Stderr, check_schema, send_sigint};

const KLING: &str = "kling/kling-1-6/pro/image-to-video";
const TOKEN: &str = "tok-SECRET-cli-77";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn start_image() -> String {
    root().join("examples/start.png").display().to_string()
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

fn command(base: Option<&str>, args: &[&str]) -> tokio::process::Command {
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

async fn finish(mut command: tokio::process::Command) -> Outcome {
    let output = command.output().await.expect("runs");
    let outcome = Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !outcome.stdout.contains("SECRET") && !outcome.stderr.contains("SECRET"),
        "the token leaked:\n{}\n{}",
        outcome.stdout,
        outcome.stderr
    );
    outcome
}

async fn runcomfy(base: Option<&str>, args: &[&str]) -> Outcome {
    finish(command(base, args)).await
}

fn assert_mp4(path: &str) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(&bytes[4..8], b"ftyp", "{path} is an MP4");
}

async fn emulator(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("emulator")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_accepts_every_input_style_and_downloads_the_video() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    let dir = tempfile::tempdir().expect("dir");
    let out = |name: &str| dir.path().join(name).display().to_string();
    let image = runcomfy_emulator::fixtures::png_data_uri(1280, 720);
    let input = serde_json::json!({"image_url": image, "prompt": "a dolly shot"}).to_string();
    let input_file = dir.path().join("input.json");
    std::fs::write(&input_file, &input).expect("write");
    let image_arg = format!("image_url=@{}", start_image());

    let styles: Vec<(&str, Vec<String>, Option<String>)> = vec![
        ("input", vec!["--input".into(), input.clone()], None),
        (
            "file",
            vec!["--input-file".into(), input_file.display().to_string()],
            None,
        ),
        (
            "stdin",
            vec!["--input-file".into(), "-".into()],
            Some(input.clone()),
        ),
        (
            "set",
            vec![
                "--set".into(),
                image_arg,
                "--set".into(),
                "duration=10".into(),
                "--set".into(),
                "cfg_scale=0.7".into(),
            ],
            None,
        ),
    ];
    for (name, style, stdin) in styles {
        let output_dir = out(name);
        let mut args = vec!["--json", "run", KLING, "--output-dir", &output_dir];
        args.extend(style.iter().map(String::as_str));
        let mut command = command(Some(&base), &args);
        let outcome = if let Some(text) = stdin {
            command.stdin(Stdio::piped());
            let mut child = command.spawn().expect("spawn");
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(text.as_bytes())
                .await
                .expect("write");
            let output = child.wait_with_output().await.expect("runs");
            Outcome {
                code: output.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            }
        } else {
            finish(command).await
        };
        assert_eq!(outcome.code, 0, "{name}: {}", outcome.stderr);
        let document = outcome.json();
        check_schema("run-output.json", &document);
        let files = document["files"].as_array().expect("files");
        assert_eq!(files.len(), 1, "{name}");
        assert_mp4(files[0].as_str().expect("path"));
    }
    assert_eq!(emulator.stats().submits(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_exit_code_means_what_the_help_says() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    let image = format!("image_url=@{}", start_image());
    let dir = tempfile::tempdir().expect("dir");
    let output_dir = dir.path().display().to_string();

    let ok = runcomfy(
        Some(&base),
        &["run", KLING, "--set", &image, "--output-dir", &output_dir],
    )
    .await;
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_mp4(ok.stdout.trim());

    let failed = runcomfy(
        Some(&base),
        &[
            "--json",
            "run",
            KLING,
            "--set",
            &image,
            "--set",
            "prompt=please emulator:fail",
            "--output-dir",
            &output_dir,
        ],
    )
    .await;
    assert_eq!(failed.code, 1, "{}", failed.stderr);
    check_schema("error-output.json", &failed.json());
    assert_eq!(failed.json()["error"]["kind"], "job_failed");

    assert_eq!(
        runcomfy(Some(&base), &["run"]).await.code,
        64,
        "a missing argument is a usage error"
    );
    assert_eq!(
        runcomfy(Some(&base), &["run", KLING, "--input", "[1]"])
            .await
            .code,
        64
    );
    assert_eq!(runcomfy(None, &["--version"]).await.code, 0);

    let submits = emulator.stats().submits();
    let invalid = runcomfy(
        Some(&base),
        &[
            "--json",
            "run",
            KLING,
            "--set",
            &image,
            "--set",
            "duration=7",
            "--set",
            "cfg_scale=2",
        ],
    )
    .await;
    assert_eq!(invalid.code, 65);
    let errors = invalid.json()["error"]["errors"]
        .as_array()
        .expect("errors")
        .len();
    assert_eq!(errors, 2, "every error listed");
    assert_eq!(emulator.stats().submits(), submits, "nothing was sent");
    assert_eq!(
        runcomfy(
            None,
            &[
                "validate",
                KLING,
                "--set",
                "image_url=https://example.com/a.png",
                "--set",
                "duration=7"
            ]
        )
        .await
        .code,
        65
    );
    assert_eq!(
        runcomfy(None, &["validate", KLING, "--set", &image])
            .await
            .code,
        0
    );

    assert_eq!(
        runcomfy(
            Some(&base),
            &["run", KLING, "--input-file", "/no/such/input.json"]
        )
        .await
        .code,
        66
    );
    assert_eq!(
        runcomfy(
            Some(&base),
            &["run", KLING, "--set", "image_url=@/no/such/start.png"]
        )
        .await
        .code,
        66
    );

    let file_in_the_way = dir.path().join("not-a-dir");
    std::fs::write(&file_in_the_way, b"x").expect("write");
    let blocked = runcomfy(
        Some(&base),
        &[
            "run",
            KLING,
            "--set",
            &image,
            "--output-dir",
            &file_in_the_way.display().to_string(),
        ],
    )
    .await;
    assert_eq!(blocked.code, 74, "{}", blocked.stderr);

    let mut anonymous = command(Some(&base), &["run", KLING, "--set", &image]);
    anonymous.env_remove("RUNCOMFY_API_TOKEN");
    assert_eq!(finish(anonymous).await.code, 77);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_id_that_cannot_be_one_is_refused_before_any_request() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    for command in ["status", "result", "cancel", "wait"] {
        for id in ["../x", "a/b", "", &"x".repeat(129)] {
            let outcome = runcomfy(Some(&base), &["--json", command, id]).await;
            assert_eq!(outcome.code, 64, "{command} {id:?}: {}", outcome.stderr);
            let document = outcome.json();
            check_schema("error-output.json", &document);
            assert_eq!(document["error"]["kind"], "invalid_request_id");
            assert!(
                outcome.stderr.contains("a request id is 1 to 128 letters"),
                "{}",
                outcome.stderr
            );
        }
    }
    assert_eq!(
        emulator.stats().requests(),
        0,
        "nothing reached the service"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_says_how_long_it_waited_and_the_last_status_seen() {
    // Jobs take minutes: the two-second timeout ends the wait while it runs.
    let slow = emulator(EmulatorConfig {
        time_scale: 1.0,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let image = format!("image_url=@{}", start_image());
    let outcome = runcomfy(
        Some(&slow.base_url()),
        &["--json", "run", KLING, "--set", &image, "--timeout", "2"],
    )
    .await;
    assert_eq!(outcome.code, 75, "{}", outcome.stderr);
    let document = outcome.json();
    check_schema("error-output.json", &document);
    let message = document["error"]["message"].as_str().expect("message");
    assert_eq!(document["error"]["kind"], "deadline_exceeded", "{message}");
    let waited = message
        .split_once("after ")
        .and_then(|(_, rest)| rest.split_once("s waiting"))
        .and_then(|(secs, _)| secs.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no time waited in seconds: {message}"));
    assert!(
        (1.9..10.0).contains(&waited),
        "waited {waited} s: {message}"
    );
    assert!(
        message.contains("(last status: in_queue)")
            || message.contains("(last status: in_progress)"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unavailable_slow_and_rejected_services_map_to_69_75_and_77() {
    let broken = emulator(EmulatorConfig {
        faults: FaultRates {
            server_error: 1.0,
            ..FaultRates::default()
        },
        ..EmulatorConfig::for_tests()
    })
    .await;
    let outcome = runcomfy(Some(&broken.base_url()), &["status", "0123456789abcdef"]).await;
    assert_eq!(outcome.code, 69, "{}", outcome.stderr);

    let slow = emulator(EmulatorConfig {
        time_scale: 1.0,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let image = format!("image_url=@{}", start_image());
    let outcome = runcomfy(
        Some(&slow.base_url()),
        &["run", KLING, "--set", &image, "--timeout", "1"],
    )
    .await;
    assert_eq!(outcome.code, 75, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("deadline exceeded"),
        "{}",
        outcome.stderr
    );

    let guarded = emulator(EmulatorConfig {
        tokens: Some(vec!["the-only-token".into()]),
        ..EmulatorConfig::for_tests()
    })
    .await;
    let outcome = runcomfy(Some(&guarded.base_url()), &["run", KLING, "--set", &image]).await;
    assert_eq!(outcome.code, 77, "{}", outcome.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_wait_status_result_cancel_and_wait_resume_a_job() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    let image = format!("image_url=@{}", start_image());
    let submitted = runcomfy(
        Some(&base),
        &["--json", "run", KLING, "--set", &image, "--no-wait"],
    )
    .await;
    assert_eq!(submitted.code, 0, "{}", submitted.stderr);
    let id = submitted.json()["request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let dir = tempfile::tempdir().expect("dir");
    let waited = runcomfy(
        Some(&base),
        &[
            "--json",
            "wait",
            &id,
            "--output-dir",
            &dir.path().display().to_string(),
        ],
    )
    .await;
    assert_eq!(waited.code, 0, "{}", waited.stderr);
    check_schema("run-output.json", &waited.json());
    let status = runcomfy(Some(&base), &["--json", "status", &id]).await;
    assert_eq!(status.json()["status"], "completed");
    let result = runcomfy(Some(&base), &["result", &id]).await;
    assert!(
        result.stdout.trim().ends_with("/output.mp4"),
        "{}",
        result.stdout
    );
    let cancel = runcomfy(Some(&base), &["--json", "cancel", &id]).await;
    assert_eq!(cancel.json()["outcome"], "not_cancellable");
    emulator.faults().push(Target::Status, Fault::Status(503));
    assert_eq!(
        runcomfy(Some(&base), &["status", &id]).await.code,
        0,
        "retried"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_on_a_pipe_is_plain_lines() {
    let emulator = emulator(EmulatorConfig {
        workers: 1,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let image = format!("image_url=@{}", start_image());
    let dir = tempfile::tempdir().expect("dir");
    let outcome = runcomfy(
        Some(&emulator.base_url()),
        &[
            "run",
            KLING,
            "--set",
            &image,
            "--output-dir",
            &dir.path().display().to_string(),
        ],
    )
    .await;
    assert_eq!(outcome.code, 0);
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"[0-9a-f]{32}", "[request-id]");
    settings.add_filter(r"\[\s*[0-9.]+s\]", "[time]");
    settings.add_filter(r"/tmp/\S+", "[dir]");
    settings.add_filter(
        r"(\[time\] \[request-id\]: in (queue, position \d+|progress)\n)+",
        "[time] [request-id]: in queue or in progress\n",
    );
    settings.bind(|| {
        insta::assert_snapshot!(
            "run_on_a_pipe",
            format!("stderr:\n{}stdout:\n{}", outcome.stderr, outcome.stdout)
        )
    });
}

/// Starts `run`, waits until it has submitted, then sends SIGINT.
async fn interrupt(base: &str, image: &str) -> Outcome {
    let mut child = command(Some(base), &["run", KLING, "--set", image])
        .spawn()
        .expect("spawn");
    let mut stderr = Stderr::of(&mut child);
    stderr.until("submitted").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    send_sigint(&child);
    // Every line matches the empty prefix: read to the end.
    while stderr.until("").await {}
    let status = child.wait().await.expect("exits");
    Outcome {
        code: status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: stderr.seen,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_cancels_a_queued_job_and_explains_a_running_one() {
    let emulator = emulator(EmulatorConfig {
        workers: 1,
        time_scale: 1.0,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let base = emulator.base_url();
    let image = format!("image_url=@{}", start_image());
    // The first job takes the only worker for minutes; it is running.
    let running = interrupt(&base, &image).await;
    assert_eq!(running.code, 130, "{}", running.stderr);
    assert!(
        running
            .stderr
            .contains("will run to completion and be billed"),
        "{}",
        running.stderr
    );
    assert!(
        running.stderr.contains("resume with: runcomfy wait "),
        "{}",
        running.stderr
    );
    // The second one waits in the queue behind it: cancelled.
    let queued = interrupt(&base, &image).await;
    assert_eq!(queued.code, 130, "{}", queued.stderr);
    assert!(
        queued.stderr.contains("cancelled") && queued.stderr.contains("it will never run"),
        "{}",
        queued.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_schema_and_completions_need_no_service() {
    let models = runcomfy(None, &["models"]).await;
    assert_eq!(models.stdout.trim(), KLING);
    let schema = runcomfy(None, &["schema", KLING]).await;
    let schema: Value = serde_json::from_str(&schema.stdout).expect("json");
    assert_eq!(schema["properties"]["prompt"]["maxLength"], 1391);
    let output = runcomfy(None, &["schema", KLING, "--output"]).await;
    assert!(output.stdout.contains("\"video\""));
    assert_eq!(runcomfy(None, &["schema", "acme/none"]).await.code, 64);
    let bash = runcomfy(None, &["completions", "bash"]).await;
    assert!(bash.stdout.contains("runcomfy"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_logs_carry_request_ids_but_never_the_token() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let image = format!("image_url=@{}", start_image());
    let dir = tempfile::tempdir().expect("dir");
    let outcome = runcomfy(
        Some(&emulator.base_url()),
        &[
            "-vv",
            "run",
            KLING,
            "--set",
            &image,
            "--output-dir",
            &dir.path().display().to_string(),
        ],
    )
    .await;
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(outcome.stderr.contains("request_id"), "{}", outcome.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_on_a_terminal_is_a_live_display() {
    let emulator = emulator(EmulatorConfig {
        workers: 1,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let dir = tempfile::tempdir().expect("dir");
    let line = format!(
        "{} --base-url {} run {KLING} --set image_url=@{} --output-dir {}",
        env!("CARGO_BIN_EXE_runcomfy"),
        emulator.base_url(),
        start_image(),
        dir.path().display()
    );
    // `script` gives the command a pseudo-terminal, as a person's shell would.
    let mut command = tokio::process::Command::new("script");
    command
        .args(["-qec", &line, "/dev/null"])
        .env("RUNCOMFY_API_TOKEN", TOKEN)
        .env_remove("RUNCOMFY_TOKEN");
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let outcome = finish(command).await;
    assert_eq!(outcome.code, 0, "{}", outcome.stdout);
    let raw = outcome.stdout;
    assert!(
        raw.contains('\r') || raw.contains('\u{1b}'),
        "a live, redrawn display: {raw:?}"
    );
    let screen = final_screen(&raw);
    assert!(
        !screen.contains("s] "),
        "no plain progress lines on a terminal: {screen}"
    );
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"[0-9a-f]{32}", "[request-id]");
    settings.add_filter(r"/tmp/\S+", "[dir]");
    settings.bind(|| insta::assert_snapshot!("run_on_a_terminal", screen));
}

/// What a terminal shows at the end: `\r` returns to the line's start,
/// erase-line sequences clear it, other escape sequences draw nothing.
fn final_screen(raw: &str) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => lines.push(String::new()),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    lines.last_mut().map(String::clear);
                }
            }
            '\u{1b}' => {
                let mut sequence = String::new();
                for next in chars.by_ref() {
                    sequence.push(next);
                    if next.is_ascii_alphabetic() {
                        break;
                    }
                }
                if sequence.ends_with('K') || sequence.ends_with('J') {
                    lines.last_mut().map(String::clear);
                }
                // Cursor up: the line above is redrawn next.
                if sequence.ends_with('A') {
                    lines.pop();
                    lines.last_mut().map(String::clear);
                }
            }
            other => lines
                .last_mut()
                .into_iter()
                .for_each(|line| line.push(other)),
        }
    }
    lines
        .into_iter()
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_ctrl_c_exits_at_once_while_the_cancel_is_under_way() {
    let emulator = emulator(EmulatorConfig {
        workers: 1,
        time_scale: 1.0,
        ..EmulatorConfig::for_tests()
    })
    .await;
    // The cancel hangs for a minute: only a second Ctrl-C ends the wait for it.
    emulator
        .faults()
        .push(Target::Cancel, Fault::Slow(Duration::from_secs(60)));
    let image = format!("image_url=@{}", start_image());
    let mut child = command(Some(&emulator.base_url()), &["run", KLING, "--set", &image])
        .spawn()
        .expect("spawn");
    let mut stderr = Stderr::of(&mut child);
    assert!(stderr.until("submitted").await);
    tokio::time::sleep(Duration::from_millis(300)).await;
    send_sigint(&child);
    assert!(stderr.until("interrupted: cancelling").await);
    // Let the handler of the second Ctrl-C start listening.
    tokio::time::sleep(Duration::from_millis(300)).await;
    send_sigint(&child);
    let status = tokio::time::timeout(Duration::from_secs(5), child.wait())
        .await
        .expect("the second Ctrl-C exits at once, not after the cancel")
        .expect("exits");
    assert_eq!(status.code(), Some(130), "{}", stderr.seen);
    assert_eq!(emulator.stats().submits(), 1);
}
