//! What a batch's jobs cost: every result line carries its cost, the
//! summary totals them and counts the jobs of unknown cost, and a line
//! finished by an earlier run keeps the cost its `done` record journaled
//! (a journal without costs still replays).
//!
//! Against the scripted service: the emulator gives no cost yet.

use runcomfy_emulator::fixtures::png_data_uri;
use serde_json::{Value, json};

use crate::common::batch::{Batch, inputs, results, summary};
use crate::common::service::{Script, Service};

/// Three inputs, the second one's job without a cost.
fn three_lines() -> Vec<String> {
    let mut lines = inputs(3);
    lines[1] = json!({"image_url": png_data_uri(1280, 720), "prompt": "no-cost"}).to_string();
    lines
}

fn costs(lines: &[Value]) -> Vec<Value> {
    results(lines).values().map(|r| r["cost"].clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn result_lines_carry_their_cost_and_the_summary_totals_it() {
    let service = Service::start(Script::default()).await;
    let batch = Batch::at(service.base_url(), &three_lines());
    let before = unix_now();

    let run = batch.run(&["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    let lines = run.lines();
    assert_eq!(costs(&lines), [json!(0.49), Value::Null, json!(0.49)]);
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
    assert_eq!(done_costs.len(), 3);
    assert_eq!(done_costs.iter().filter(|c| **c == json!(0.49)).count(), 2);
    for submitted in records.iter().filter(|r| r["event"] == "submitted") {
        let at = submitted["at"].as_u64().expect("the time it was written");
        assert!((before..=before + 600).contains(&at), "{submitted}");
    }

    // A re-run sends nothing and reports the journaled costs.
    let again = batch.run(&[]).await;
    assert_eq!(again.code, 0, "{}", again.explain());
    assert!(
        again
            .stderr
            .contains("cost $0.98 and 1 job of unknown cost"),
        "{}",
        again.explain()
    );
    let again = batch.run(&["--json"]).await;
    assert_eq!(costs(&again.lines()), costs(&lines));
    assert_eq!(summary(&again.lines())["cost_usd"], 0.98);
    assert_eq!(service.submits(), 3, "nothing submitted again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_written_before_costs_were_journaled_still_replays() {
    let service = Service::start(Script::default()).await;
    let batch = Batch::at(service.base_url(), &three_lines());
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
    assert_eq!(service.submits(), 3);
}

/// Unix seconds now, as the CLI journals them.
fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}
