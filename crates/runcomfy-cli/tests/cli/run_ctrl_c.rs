//! Ctrl-C during `runcomfy run` cancels a queued job and explains a running one.
//!
//! A second Ctrl-C exits at once.

use std::time::Duration;

use runcomfy_emulator::{Fault, Target};

use crate::common::child::{Stderr, second_sigint, send_sigint};
use crate::common::command::{KLING, Outcome, command, one_slow_worker, start_image};

/// Starts `run` with the start image and its stderr read, once it has
/// submitted and had a moment to wait.
async fn submitted(base: &str, image: &str) -> (tokio::process::Child, Stderr, bool) {
    let mut child = command(Some(base), &["run", KLING, "--set", image])
        .spawn()
        .expect("spawn");
    let mut stderr = Stderr::of(&mut child);
    let submitted = stderr.until("submitted").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    (child, stderr, submitted)
}

/// Starts `run`, waits until it has submitted, then sends SIGINT.
async fn interrupt(base: &str, image: &str) -> Outcome {
    let (mut child, mut stderr, _) = submitted(base, image).await;
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
    let emulator = one_slow_worker(|_| {}).await;
    let base = emulator.base_url();
    let image = format!("image_url=@{}", start_image());
    // The first job takes the only worker for minutes; it is running.
    let running = interrupt(&base, &image).await;
    assert_eq!(running.code, 130, "{}", running.stderr);
    let billed = "will run to completion and be billed";
    assert!(running.stderr.contains(billed), "{}", running.stderr);
    let resume = "resume with: runcomfy wait ";
    assert!(running.stderr.contains(resume), "{}", running.stderr);
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
async fn a_second_ctrl_c_exits_at_once_while_the_cancel_is_under_way() {
    let emulator = one_slow_worker(|_| {}).await;
    // The cancel hangs for a minute: only a second Ctrl-C ends the wait for it.
    let hang = Fault::Slow(Duration::from_secs(60));
    emulator.faults().push(Target::Cancel, hang);
    let image = format!("image_url=@{}", start_image());
    let (mut child, mut stderr, submitted) = submitted(&emulator.base_url(), &image).await;
    assert!(submitted);
    send_sigint(&child);
    assert!(stderr.until("interrupted: cancelling").await);
    let why = "the second Ctrl-C exits at once, not after the cancel";
    let code = second_sigint(&mut child, why).await;
    assert_eq!(code, Some(130), "{}", stderr.seen);
    assert_eq!(emulator.stats().submits(), 1);
}
