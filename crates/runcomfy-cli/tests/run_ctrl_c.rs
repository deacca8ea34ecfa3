//! Ctrl-C during `runcomfy run`: a queued job is cancelled, a running one
//! explained, and a second Ctrl-C exits at once.

use std::time::Duration;

use runcomfy_emulator::{EmulatorConfig, Fault, Target};

mod common;
use common::child::{Stderr, send_sigint};
use common::command::{KLING, Outcome, command, emulator, start_image};

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
