//! A second `runcomfy batch` on a journal in use stops before it sends anything.
//!
//! It exits 75, and the journal is free once the first run is gone.

use std::process::Stdio;
use std::time::Duration;

use runcomfy_emulator::{Fault, Target};
use serde_json::Value;

use crate::common::batch::start;
use crate::common::events::{only_intent_of_1, wait_for_events};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_a_journal_in_use_stops_before_sending_anything() {
    let (emulator, batch) = start(2).await;
    // The first run's first submit hangs for a minute, line 2 still to do.
    let hang = Fault::Slow(Duration::from_secs(60));
    emulator.faults().push(Target::Submit, hang);
    let mut first = batch.spawn(&["--concurrency", "1"], Stdio::null(), Stdio::null());
    wait_for_events(&batch, "the first run did not start", only_intent_of_1).await;

    // Without the lock this run would submit line 2, and so would the first.
    let second = batch.run(&["--json"]).await;
    assert_eq!(second.code, 75, "{}", second.explain());
    let busy = "another `runcomfy batch` is using the journal";
    assert!(second.stderr.contains(busy), "{}", second.explain());
    let error: Value = serde_json::from_str(second.stdout.trim()).expect("JSON error");
    assert_eq!(error["error"]["kind"], "journal_busy");
    assert_eq!(error["error"]["exit_code"], 75);
    assert_eq!(emulator.stats().submits(), 0, "the second run sent nothing");
    let lines: Vec<u64> = batch.events().keys().copied().collect();
    assert_eq!(lines, [1], "and wrote nothing");

    first.kill().await.expect("kill");
    let _ = first.wait().await;
    // Once the first run is gone, the journal is free.
    let third = batch.run(&["--json"]).await;
    let explained = third.explain();
    assert_eq!(third.code, 75, "line 1's outcome is unknown: {explained}");
    assert_eq!(third.status_of(1), "unknown");
    assert_eq!(third.status_of(2), "succeeded");
}
