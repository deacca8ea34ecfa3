//! Submits refused for now (429, 503) are retried by `runcomfy batch`.
//!
//! Each attempt has an intent of its own, and a run killed while it waits
//! to retry leaves the line to submit, not unknown.

use runcomfy_emulator::{Emulator, Fault, Target};
use serde_json::Value;

use crate::common::batch::{Batch, assert_submits, start};
use crate::common::events::kill_when;

/// A batch of one input whose first submits the emulator refuses so.
async fn refused(refusals: &[Fault]) -> (Emulator, Batch) {
    let (emulator, batch) = start(1).await;
    for refusal in refusals {
        emulator.faults().push(Target::Submit, *refusal);
    }
    (emulator, batch)
}

/// The first `rejected` record of the journal.
fn first_rejected(batch: &Batch) -> Value {
    batch
        .records()
        .into_iter()
        .find(|r| r["event"] == "rejected")
        .expect("a rejected record")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_while_a_refused_submit_waits_to_retry_leaves_it_to_submit_not_unknown() {
    // Found by `cargo xtask chaos`: a run killed while a submit waited out a
    // 429's Retry-After left only the intent in the journal, so the re-run
    // reported an unknown outcome although nothing had been accepted.
    let retry_after_secs = 30;
    let (emulator, batch) = refused(&[Fault::RateLimited { retry_after_secs }]).await;
    let killed = kill_when(&batch, &["--json"], |events| {
        events
            .get(&1)
            .is_some_and(|e| e.last().is_some_and(|last| last == "rejected"))
    })
    .await;
    assert!(killed, "the batch was waiting to retry, not finished");
    assert_eq!(emulator.stats().submits(), 0, "nothing was accepted");
    let rejected = first_rejected(&batch);
    let waits = rejected["retry_in_ms"].as_u64();
    assert!(waits.is_some_and(|ms| ms >= 30_000), "{rejected}");

    let run = batch.run(&["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    assert_eq!(run.status_of(1), "succeeded");
    assert_submits(&emulator, 1, "submitted once, by the re-run");
    assert_eq!(
        batch.events()[&1],
        ["intent", "rejected", "intent", "submitted", "done"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_refused_with_503_and_retry_after_waits_as_asked() {
    let retry_after_secs = 1;
    let (emulator, batch) = refused(&[Fault::Unavailable { retry_after_secs }]).await;
    let run = batch.run(&["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    assert_eq!(emulator.stats().submits(), 1);
    let rejected = first_rejected(&batch);
    let waits = rejected["retry_in_ms"].as_u64();
    assert!(
        waits.is_some_and(|ms| ms >= 1_000),
        "the 503's Retry-After is the wait: {rejected}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_submit_is_retried_in_the_same_run_with_an_intent_per_attempt() {
    let retry_after_secs = 1;
    let refusals = [Fault::Status(503), Fault::RateLimited { retry_after_secs }];
    let (emulator, batch) = refused(&refusals).await;
    let run = batch.run(&["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    assert_eq!(emulator.stats().submits(), 1);
    let events = [
        "intent",
        "rejected",
        "intent",
        "rejected",
        "intent",
        "submitted",
        "done",
    ];
    assert_eq!(batch.events()[&1], events);
}
