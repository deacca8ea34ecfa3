//! A submit refused for an insufficient balance (402, `error_code` 400002)
//! is never retried; the line is refused, not unknown; the batch submits no
//! further line, and says plainly that the balance ran out; a re-run once
//! funds are added submits the lines left.
//!
//! Against the emulator, whose balance each accepted job of a priced model
//! is charged to: a submit beyond it is refused with 402 and 400002.

use runcomfy_emulator::PriceUnit;

use crate::common::batch::{Batch, inputs, results, summary};
use crate::common::pricing::{at_49_cents, priced};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_balance_refusal_stops_the_submits_and_a_rerun_submits_the_rest() {
    // Enough for two jobs at $0.49.
    let short = priced(0.49, PriceUnit::Output, Some(0.98)).await;
    let batch = Batch::new(&short, &inputs(5));
    let run = batch.run(&["--concurrency", "1", "--json"]).await;
    assert_eq!(run.code, 1, "{}", run.explain());
    let lines = run.lines();
    let results = results(&lines);
    assert_eq!(results[&1]["status"], "succeeded");
    assert_eq!(results[&2]["status"], "succeeded");
    let refused = &results[&3];
    assert_eq!(
        refused["status"], "error",
        "refused, not unknown: {refused}"
    );
    let error = refused["error"].as_str().expect("error");
    assert!(
        error.contains("insufficient balance")
            && error.contains("a balance error is never retried"),
        "{error}"
    );
    for line in [4, 5] {
        let error = results[&line]["error"].as_str().expect("error");
        assert!(
            error.starts_with("not submitted: the balance ran out"),
            "{error}"
        );
        assert!(results[&line]["request_id"].is_null());
    }
    assert_eq!(short.stats().submits(), 2, "two jobs were accepted");
    let totals = summary(&lines);
    assert_eq!(
        (&totals["insufficient_balance"], &totals["errors"]),
        (&3.into(), &3.into())
    );
    assert!(
        run.stderr.contains("line 3: error: insufficient balance")
            && run
                .stderr
                .contains("the balance ran out: no further line is submitted in this run"),
        "{}",
        run.explain()
    );
    assert!(
        run.stderr
            .contains("batch incomplete: insufficient balance"),
        "{}",
        run.explain()
    );
    // One intent an attempt: the refused submit was not retried, and 4 and
    // 5 were not sent.
    let events = batch.events();
    assert_eq!(events[&3], ["intent", "rejected"]);
    assert!(
        !events.contains_key(&4) && !events.contains_key(&5),
        "{events:?}"
    );

    // Once the account can pay, the same batch submits the three lines left.
    let funded = at_49_cents().await;
    let again = Batch::new(&funded, &inputs(5));
    std::fs::copy(batch.journal(), again.journal()).expect("copy the journal");
    let rerun = again.run(&["--json"]).await;
    assert_eq!(rerun.code, 0, "{}", rerun.explain());
    assert_eq!(summary(&rerun.lines())["skipped_done"], 2);
    assert_eq!(funded.stats().submits(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_human_summary_says_the_balance_ran_out() {
    let broke = priced(0.49, PriceUnit::Output, Some(0.0)).await;
    let batch = Batch::new(&broke, &inputs(3));
    let run = batch.run(&["--concurrency", "1"]).await;
    assert_eq!(run.code, 1, "{}", run.explain());
    assert!(
        run.stderr.contains("\n  the balance ran out: 3 lines refused or not submitted for an insufficient balance; add funds, then re-run the same command to submit them"),
        "{}",
        run.explain()
    );
    assert_eq!(broke.stats().submits(), 0);
    assert_eq!(batch.events()[&1], ["intent", "rejected"], "one attempt");
    assert_eq!(batch.events().len(), 1, "lines 2 and 3 were not sent");
}
