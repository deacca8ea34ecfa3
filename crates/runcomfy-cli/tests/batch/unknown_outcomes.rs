//! Submits of `runcomfy batch` whose outcome is unknown are not sent again.
//!
//! A lost answer, a 500, a run killed between intent and answer: none is
//! sent again unless `--resubmit-unknown`.

use runcomfy_emulator::{Fault, Target};

use crate::common::batch::{assert_submits, results, start, summary};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_submit_outcome_is_never_resubmitted_unless_asked() {
    let (emulator, batch) = start(3).await;
    // The first submit is carried out, but its answer never arrives.
    let lost = Fault::ResetAfterProcessing;
    emulator.faults().push(Target::Submit, lost);

    let first = batch.run(&["--concurrency", "1"]).await;
    assert_eq!(first.code, 75, "{}", first.explain());
    let results = results(&first.lines());
    assert_eq!(results[&1]["status"], "unknown", "{}", first.explain());
    assert!(
        results[&1]["request_id"].is_null() && results[&1]["error"].is_string(),
        "{}",
        first.explain()
    );
    assert_eq!(results[&2]["status"], "succeeded");
    assert_eq!(results[&3]["status"], "succeeded");
    let billed = "billed job may exist";
    assert!(first.stderr.contains(billed), "{}", first.explain());
    assert_submits(&emulator, 3, "the lost submit created a job");
    assert_eq!(batch.events()[&1], ["intent", "unknown"]);

    let second = batch.run(&["--json"]).await;
    assert_eq!(second.code, 75, "{}", second.explain());
    let lines = second.lines();
    assert_eq!(second.status_of(1), "unknown");
    assert_eq!(summary(&lines)["unknown"], 1);
    assert_eq!(summary(&lines)["skipped_done"], 2);
    let why = "not submitted again without --resubmit-unknown";
    assert_submits(&emulator, 3, why);

    let third = batch.run(&["--resubmit-unknown", "--json"]).await;
    assert_eq!(third.code, 0, "{}", third.explain());
    let lines = third.lines();
    assert_eq!(third.status_of(1), "succeeded");
    assert_eq!(summary(&lines)["succeeded"], 3);
    assert_submits(&emulator, 4, "submitted once more, on request");
    let events = ["intent", "unknown", "intent", "submitted", "done"];
    assert_eq!(batch.events()[&1], events);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_answered_500_is_an_unknown_outcome_and_a_rerun_does_not_send_it_again() {
    let (emulator, batch) = start(2).await;
    // The service created the job, then failed its answer: the 500 does not
    // prove a refusal, so the line must not be sent again.
    let hidden = Fault::StatusAfterProcessing(500);
    emulator.faults().push(Target::Submit, hidden);

    let first = batch.run(&["--concurrency", "1", "--json"]).await;
    assert_eq!(first.code, 75, "{}", first.explain());
    assert_eq!(first.status_of(1), "unknown", "{}", first.explain());
    assert_eq!(first.status_of(2), "succeeded");
    assert_eq!(emulator.stats().submits(), 2, "the 500 hid an accepted job");
    assert_eq!(batch.events()[&1], ["intent", "unknown"]);

    let second = batch.run(&["--json"]).await;
    assert_eq!(second.code, 75, "{}", second.explain());
    assert_eq!(second.status_of(1), "unknown");
    let why = "a re-run never pays twice for a job the service accepted";
    assert_submits(&emulator, 2, why);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_between_intent_and_answer_leaves_an_unknown_outcome() {
    let (emulator, batch) = start(2).await;
    let first = batch.run(&[]).await;
    assert_eq!(first.code, 0, "{}", first.explain());
    // As if the run had died right after line 1's intent: keep only that of line 1.
    batch.rewrite_journal(|r| (r["line"] == 2 || r["event"] == "intent").then_some(r));

    let second = batch.run(&["--json"]).await;
    assert_eq!(second.code, 75, "{}", second.explain());
    assert_eq!(second.status_of(1), "unknown", "{}", second.explain());
    assert_eq!(second.status_of(2), "succeeded");
    assert_eq!(emulator.stats().submits(), 2, "not submitted again");
    let why = "the unknown outcome is recorded";
    assert_eq!(batch.events()[&1], ["intent", "unknown"], "{why}");

    // A job whose wait times out stays submitted: status error, exit 75, no done.
    let third = batch
        .run(&["--resubmit-unknown", "--json", "--timeout", "0"])
        .await;
    assert_eq!(third.code, 75, "{}", third.explain());
    let lines = third.lines();
    assert_eq!(third.status_of(1), "error", "{}", third.explain());
    let request_id = &results(&lines)[&1]["request_id"];
    assert!(request_id.is_string(), "{}", third.explain());
    let events = ["intent", "unknown", "intent", "submitted"];
    assert_eq!(batch.events()[&1], events);

    let fourth = batch.run(&["--json"]).await;
    assert_eq!(fourth.code, 0, "{}", fourth.explain());
    assert_eq!(fourth.status_of(1), "succeeded");
    assert_submits(&emulator, 3, "resumed, not submitted again");
}
