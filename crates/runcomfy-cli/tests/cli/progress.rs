//! The progress of `runcomfy run`: plain lines on a pipe, live on a terminal.
//!
//! Snapshots of both.

use std::process::Stdio;

use crate::common::command::{
    KLING, TOKEN, emulator_with, finish, output_dir, run_args, runcomfy, start_image,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_on_a_pipe_is_plain_lines() {
    let emulator = emulator_with(|config| config.workers = 1).await;
    let image = format!("image_url=@{}", start_image());
    let (_dir, out) = output_dir();
    let outcome = runcomfy(Some(&emulator.base_url()), &run_args(&image, &out)).await;
    assert_eq!(outcome.code, 0);
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"[0-9a-f]{32}", "[request-id]");
    settings.add_filter(r"\[\s*[0-9.]+s\]", "[time]");
    settings.add_filter(r"/tmp/\S+", "[dir]");
    // Whether the job is seen queued or running before it ends depends on
    // timing: those lines are left out.
    settings.add_filter(
        r"\[time\] \[request-id\]: in (queue, position \d+|progress)\n",
        "",
    );
    settings.bind(|| {
        insta::assert_snapshot!(
            "run_on_a_pipe",
            format!("stderr:\n{}stdout:\n{}", outcome.stderr, outcome.stdout)
        )
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_on_a_terminal_is_a_live_display() {
    let emulator = emulator_with(|config| config.workers = 1).await;
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
