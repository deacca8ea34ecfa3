//! Submits the service refused for now (429, 503) are retried by `runcomfy
//! batch`, each attempt with an intent of its own, and a run killed while
//! it waits to retry leaves the line to submit, not unknown.

use runcomfy_emulator::{EmulatorConfig, Fault, Target};

mod common;
use common::batch::{Batch, inputs, results};
use common::command::emulator;
use common::events::kill_when;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_while_a_refused_submit_waits_to_retry_leaves_it_to_submit_not_unknown() {
    // Found by `cargo xtask chaos`: a run killed while a submit waited out a
    // 429's Retry-After left only the intent in the journal, so the re-run
    // reported an unknown outcome although nothing had been accepted.
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&emulator, &inputs(1));
    emulator.faults().push(
        Target::Submit,
        Fault::RateLimited {
            retry_after_secs: 30,
        },
    );
    let killed = kill_when(&batch, &["--json"], |events| {
        events
            .get(&1)
            .is_some_and(|e| e.last().is_some_and(|last| last == "rejected"))
    })
    .await;
    assert!(killed, "the batch was waiting to retry, not finished");
    assert_eq!(emulator.stats().submits(), 0, "nothing was accepted");
    let rejected = batch
        .records()
        .into_iter()
        .find(|r| r["event"] == "rejected")
        .expect("a rejected record");
    assert!(
        rejected["retry_in_ms"]
            .as_u64()
            .is_some_and(|ms| ms >= 30_000),
        "{rejected}"
    );

    let run = batch.run(&["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    assert_eq!(results(&run.lines())[&1]["status"], "succeeded");
    assert_eq!(
        emulator.stats().submits(),
        1,
        "submitted once, by the re-run"
    );
    assert_eq!(
        batch.events()[&1],
        ["intent", "rejected", "intent", "submitted", "done"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_refused_with_503_and_retry_after_waits_as_asked() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&emulator, &inputs(1));
    emulator.faults().push(
        Target::Submit,
        Fault::Unavailable {
            retry_after_secs: 1,
        },
    );
    let run = batch.run(&["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    assert_eq!(emulator.stats().submits(), 1);
    let rejected = batch
        .records()
        .into_iter()
        .find(|r| r["event"] == "rejected")
        .expect("a rejected record");
    assert!(
        rejected["retry_in_ms"]
            .as_u64()
            .is_some_and(|ms| ms >= 1_000),
        "the 503's Retry-After is the wait: {rejected}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_submit_is_retried_in_the_same_run_with_an_intent_per_attempt() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&emulator, &inputs(1));
    emulator.faults().push(Target::Submit, Fault::Status(503));
    emulator.faults().push(
        Target::Submit,
        Fault::RateLimited {
            retry_after_secs: 1,
        },
    );
    let run = batch.run(&["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    assert_eq!(emulator.stats().submits(), 1);
    assert_eq!(
        batch.events()[&1],
        [
            "intent",
            "rejected",
            "intent",
            "rejected",
            "intent",
            "submitted",
            "done"
        ]
    );
}
