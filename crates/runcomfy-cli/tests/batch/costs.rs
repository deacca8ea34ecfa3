//! What a batch's jobs cost: every result line carries its cost, the
//! summary totals them and counts the jobs of unknown cost, and a line
//! finished by an earlier run keeps the cost its `done` record journaled
//! (a journal without costs still replays).
//!
//! Against the emulator: a priced model's jobs cost their price, an
//! unpriced one's cost is not given, and a submit whose answer was lost
//! has a job of unknown cost.

use runcomfy_emulator::{Fault, Target};
use serde_json::{Value, json};

use crate::common::batch::{Batch, assert_submits, inputs, results, summary};
use crate::common::command::finishing_at_submit;
use crate::common::pricing::at_49_cents;

fn costs(lines: &[Value]) -> Vec<Value> {
    results(lines).values().map(|r| r["cost"].clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn result_lines_carry_their_cost_and_the_summary_totals_it() {
    let emulator = at_49_cents().await;
    // Line 1's submit is carried out, but its answer is lost.
    emulator
        .faults()
        .push(Target::Submit, Fault::ResetAfterProcessing);
    let batch = Batch::new(&emulator, &inputs(3));
    let before = unix_now();

    let run = batch.run(&["--json", "--concurrency", "1"]).await;
    assert_eq!(run.code, 75, "the unknown outcome: {}", run.explain());
    let lines = run.lines();
    assert_eq!(costs(&lines), [Value::Null, json!(0.49), json!(0.49)]);
    let totals = summary(&lines);
    assert_eq!(
        (&totals["cost_usd"], &totals["cost_unknown"]),
        (&json!(0.98), &json!(1))
    );

    let records = batch.records();
    let done_costs: Vec<Value> = records
        .iter()
        .filter(|r| r["event"] == "done")
        .map(|r| r["cost"].clone())
        .collect();
    assert_eq!(done_costs, [json!(0.49), json!(0.49)]);
    for submitted in records.iter().filter(|r| r["event"] == "submitted") {
        let at = submitted["at"].as_u64().expect("the time it was written");
        assert!((before..=before + 600).contains(&at), "{submitted}");
    }

    // A re-run sends nothing and reports the journaled costs.
    let again = batch.run(&[]).await;
    again.assert_says(75, "cost $0.98 and 1 job of unknown cost");
    let again = batch.run(&["--json"]).await;
    assert_eq!(costs(&again.lines()), costs(&lines));
    assert_eq!(summary(&again.lines())["cost_usd"], 0.98);
    let why = "nothing submitted again (the lost answer's job exists)";
    assert_submits(&emulator, 3, why);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_jobs_of_a_model_without_a_price_are_of_unknown_cost() {
    let unpriced = finishing_at_submit(|_| {}).await;
    let batch = Batch::new(&unpriced, &inputs(2));
    let human = batch.run(&[]).await;
    human.assert_says(0, "cost unknown (2 jobs: the service did not say)");
    let json = batch.run(&["--json"]).await;
    let lines = json.lines();
    assert_eq!(costs(&lines), [Value::Null, Value::Null]);
    let totals = summary(&lines);
    assert_eq!(
        (&totals["cost_usd"], &totals["cost_unknown"]),
        (&json!(0.0), &json!(2))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_written_before_costs_were_journaled_still_replays() {
    let emulator = at_49_cents().await;
    let batch = Batch::new(&emulator, &inputs(3));
    let first = batch.run(&[]).await;
    assert_eq!(first.code, 0, "{}", first.explain());
    // As an earlier build wrote it: no `at`, no `cost`.
    batch.rewrite_journal(|mut record| {
        let fields = record.as_object_mut().expect("an object");
        fields.remove("at");
        fields.remove("cost");
        Some(record)
    });

    let again = batch.run(&["--json"]).await;
    assert_eq!(again.code, 0, "{}", again.explain());
    let lines = again.lines();
    assert_eq!(summary(&lines)["skipped_done"], 3);
    assert_eq!(costs(&lines), [Value::Null, Value::Null, Value::Null]);
    assert_eq!(summary(&lines)["cost_unknown"], 3);
    assert_eq!(emulator.stats().submits(), 3);
}

/// Unix seconds now, as the CLI journals them.
fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}
