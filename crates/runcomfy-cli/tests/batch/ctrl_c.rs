//! Ctrl-C during `runcomfy batch`: once it stops, twice it exits at once.
//!
//! After one, a re-run resumes; after two, the submit under way is left on
//! record.

use std::process::Stdio;
use std::time::Duration;

use runcomfy_emulator::{Fault, Target};

use crate::common::batch::{Batch, assert_submits, inputs, results, start, summary};
use crate::common::child::{Stderr, second_sigint, send_sigint};
use crate::common::command::{Outcome, emulator_with};
use crate::common::events::{count, only_intent_of_1, wait_for_events};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_the_batch_and_a_rerun_waits_for_its_jobs_without_submitting_again() {
    // Jobs of a few seconds (the emulator's minutes × 0.01).
    let emulator = emulator_with(|config| config.time_scale = 0.01).await;
    let batch = Batch::new(&emulator, &inputs(3));
    let child = batch.spawn(&["--json"], Stdio::piped(), Stdio::piped());
    wait_for_events(&batch, "the batch did not submit", |events| {
        count(events, "submitted") >= 3
    })
    .await;
    send_sigint(&child);
    let output = tokio::time::timeout(Duration::from_secs(10), child.wait_with_output())
        .await
        .expect("a batch with nothing under way stops at once")
        .expect("exits");
    let stopped = Outcome::of(&output);
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
    let why = "the re-run waited for the jobs, it did not submit them again";
    assert_submits(&emulator, 3, why);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_ctrl_c_exits_at_once_and_leaves_the_submit_under_way_unknown() {
    let (emulator, batch) = start(1).await;
    // The submit hangs for a minute: the first Ctrl-C waits for it.
    let hang = Fault::Slow(Duration::from_secs(60));
    emulator.faults().push(Target::Submit, hang);
    let mut child = batch.spawn(&[], Stdio::null(), Stdio::piped());
    let what = "the batch did not start its submit";
    wait_for_events(&batch, what, only_intent_of_1).await;
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
    let why = "the second Ctrl-C exits at once, not after the submit";
    let code = second_sigint(&mut child, why).await;
    assert_eq!(code, Some(130), "{}", stderr.seen);
    let why = "the submit under way stays on record";
    assert_eq!(batch.events()[&1], ["intent"], "{why}");

    // The submit may still reach the service: the re-run does not guess.
    let rerun = batch.run(&["--json"]).await;
    assert_eq!(rerun.code, 75, "{}", rerun.explain());
    assert_eq!(rerun.status_of(1), "unknown");
    assert_eq!(emulator.stats().submits(), 0, "not submitted again");
}
