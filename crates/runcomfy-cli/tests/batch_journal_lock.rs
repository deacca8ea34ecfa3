//! A second `runcomfy batch` on a journal in use stops before it sends
//! anything (exit 75), and the journal is free once the first run is gone.

use std::process::Stdio;
use std::time::Duration;

use runcomfy_emulator::{EmulatorConfig, Fault, Target};
use serde_json::Value;

mod common;
use common::batch::{Batch, inputs, results};
use common::command::emulator;
use common::events::{only_intent_of_1, wait_for_events};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_a_journal_in_use_stops_before_sending_anything() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&emulator, &inputs(2));
    // The first run's first submit hangs for a minute, line 2 still to do.
    emulator
        .faults()
        .push(Target::Submit, Fault::Slow(Duration::from_secs(60)));
    let mut first = batch
        .command(&["--concurrency", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns");
    wait_for_events(&batch, "the first run did not start", only_intent_of_1).await;

    // Without the lock this run would submit line 2, and so would the first.
    let second = batch.run(&["--json"]).await;
    assert_eq!(second.code, 75, "{}", second.explain());
    assert!(
        second
            .stderr
            .contains("another `runcomfy batch` is using the journal"),
        "{}",
        second.explain()
    );
    let error: Value = serde_json::from_str(second.stdout.trim()).expect("JSON error");
    assert_eq!(error["error"]["kind"], "journal_busy");
    assert_eq!(error["error"]["exit_code"], 75);
    assert_eq!(emulator.stats().submits(), 0, "the second run sent nothing");
    assert_eq!(
        batch.events().keys().copied().collect::<Vec<_>>(),
        [1],
        "and wrote nothing"
    );

    first.kill().await.expect("kill");
    let _ = first.wait().await;
    // Once the first run is gone, the journal is free.
    let third = batch.run(&["--json"]).await;
    assert_eq!(
        third.code,
        75,
        "line 1's outcome is unknown: {}",
        third.explain()
    );
    let lines = third.lines();
    assert_eq!(results(&lines)[&1]["status"], "unknown");
    assert_eq!(results(&lines)[&2]["status"], "succeeded");
}
