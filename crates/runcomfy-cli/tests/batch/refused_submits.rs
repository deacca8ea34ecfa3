//! Submits refused for now (429, 503) are retried by `runcomfy batch`, as
//! long as `Retry-After` asks (seconds or an HTTP date); one refused as
//! invalid (400, 422) is not.
//!
//! Each attempt has an intent of its own, and a run killed while it waits
//! to retry leaves the line to submit, not unknown.

use std::time::Instant;

use runcomfy_emulator::{Detail, Emulator, Fault, Target};
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_refused_until_an_http_date_waits_until_then() {
    // Three seconds ahead: a date counts whole seconds, so more than two of
    // them are left when it is written, less the time the answer takes.
    let retry_after_secs = 3;
    let waited = |refusal| async move {
        let (emulator, batch) = refused(&[refusal]).await;
        let started = Instant::now();
        let run = batch.run(&["--json"]).await;
        assert_eq!(run.code, 0, "{}", run.explain());
        assert_submits(&emulator, 1, "accepted once the date had come");
        let rejected = first_rejected(&batch);
        let waits = rejected["retry_in_ms"].as_u64().unwrap_or(0);
        let distance = 1_500..=3_000;
        assert!(distance.contains(&waits), "the date's distance: {rejected}");
        let took = started.elapsed().as_millis();
        assert!(took >= u128::from(waits), "waited {took} ms of {waits}");
    };
    tokio::join!(
        waited(Fault::RateLimitedUntil { retry_after_secs }),
        waited(Fault::UnavailableUntil { retry_after_secs })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_the_service_refuses_as_invalid_is_not_retried_and_a_rerun_submits_it() {
    let detail = Detail::Fields;
    let (emulator, batch) = refused(&[Fault::InvalidInput {
        status: 422,
        detail,
    }])
    .await;
    let run = batch.run(&["--json"]).await;
    run.assert_says(65, "the service refused it, no job was created");
    assert_eq!(run.status_of(1), "invalid");
    let error = crate::common::batch::results(&run.lines())[&1]["error"].clone();
    let said = error.as_str().unwrap_or_default();
    assert!(said.contains("duration: must be one of 5, 10"), "{error}");
    assert_eq!(batch.events()[&1], ["intent", "rejected"], "not retried");
    assert_submits(&emulator, 0, "no job was created");

    let rerun = batch.run(&["--json"]).await;
    assert_eq!(rerun.code, 0, "{}", rerun.explain());
    assert_submits(&emulator, 1, "a refusal is submitted again by a re-run");
}
