//! The request ids a batch's journal holds: one that cannot be a request id
//! stops the batch before anything is sent, and a resumed line whose job
//! the service no longer knows says that outputs expire and since when the
//! journal knew the id.

use crate::common::batch::{Batch, results, start};
use crate::common::command::emulator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journaled_id_that_cannot_be_one_stops_the_batch_before_any_request() {
    let (emulator, batch) = start(2).await;
    let first = batch.run(&[]).await;
    assert_eq!(first.code, 0, "{}", first.explain());
    // As if edited by hand: both lines submitted, line 2 as `../etc`, none done.
    let journal = batch.rewrite_journal(|mut r| {
        if r["line"] == 2 && r["event"] == "submitted" {
            r["request_id"] = "../etc".into();
        }
        (r["event"] != "done").then_some(r)
    });
    let requests = emulator.stats().requests();

    let run = batch.run(&["--json"]).await;
    assert_eq!(run.code, 64, "{}", run.explain());
    let said = "the journal inputs.jsonl.journal says line 2 was submitted as a request id that cannot be one: invalid request id \"../etc\"";
    assert!(run.stderr.contains(said), "{}", run.explain());
    assert_eq!(emulator.stats().requests(), requests, "nothing was sent");
    let unchanged = std::fs::read_to_string(batch.journal()).expect("journal");
    assert_eq!(unchanged, journal, "nothing was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_line_the_service_does_not_know_says_since_when_the_journal_knew_it() {
    // Line 1 is submitted, its wait given up at once: no `done`.
    let (_first_service, batch) = start(1).await;
    let first = batch.run(&["--timeout", "0"]).await;
    assert_eq!(first.code, 75, "{}", first.explain());
    // The same batch against a service that never saw the job (as one whose
    // outputs expired).
    let other = emulator(runcomfy_emulator::EmulatorConfig::for_tests()).await;
    let moved = Batch::new(&other, &crate::common::batch::inputs(1));
    std::fs::copy(batch.journal(), moved.journal()).expect("copy the journal");

    let run = moved.run(&["--json"]).await;
    assert_eq!(run.code, 1, "{}", run.explain());
    let result = &results(&run.lines())[&1];
    assert_eq!(result["status"], "error", "{result}");
    let error = result["error"].as_str().expect("error");
    for said in [
        "not found (request ",
        "has expired (the service keeps requests and their outputs for a limited time)",
        "; the journal has known this request id since 20",
        " UTC (",
        "); the line is not submitted again (its job may have run and been billed)",
    ] {
        assert!(error.contains(said), "{said:?} in {error}");
    }
    assert_eq!(other.stats().submits(), 0, "not submitted again");
}
