//! `kill -9` at any point of `runcomfy batch`, then re-runs: each input sent once.
//!
//! A torn last record is tolerated.

use std::collections::BTreeSet;

use runcomfy_emulator::Emulator;

use crate::common::batch::{Batch, assert_mp4, inputs, results, summary};
use crate::common::command::emulator_with;
use crate::common::events::{Events, count, kill_when};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_at_any_point_then_rerun_submits_each_input_exactly_once() {
    // Jobs of about 0.5 to 1 s, two at a time.
    let emulator = emulator_with(|config| (config.time_scale, config.workers) = (0.003, 2)).await;
    let total = 10;
    let batch = Batch::new(&emulator, &inputs(total));
    let args = ["--concurrency", "3", "--json"];

    // (a) Soon after the start: some submitted, none done.
    let killed_early = kill_when(&batch, &args, |events| count(events, "submitted") >= 1).await;
    assert!(
        killed_early,
        "the first run finished before it could be killed"
    );
    let after_a = batch.events();
    assert_eq!(count(&after_a, "done"), 0, "{after_a:?}");
    // A kill during a write leaves a torn last record: it must be tolerated.
    let mut journal = std::fs::read(batch.journal()).expect("journal");
    journal.extend_from_slice(br#"{"line": 9, "event": "inte"#);
    std::fs::write(batch.journal(), journal).expect("tear");

    // (b) Later: some done, some not.
    let done_before = count(&after_a, "done");
    let killed_late = kill_when(&batch, &args, |events| {
        count(events, "done") >= done_before + 3
    })
    .await;
    assert!(
        killed_late,
        "the second run finished before it could be killed"
    );
    let after_b = batch.events();
    assert!((3..total).contains(&count(&after_b, "done")), "{after_b:?}");

    // Then to completion.
    let last = batch.run(&args).await;
    assert_eq!(last.code, 0, "{}", last.explain());
    let lines = last.lines();
    let results = results(&lines);
    assert_eq!(results.len(), total, "{}", last.explain());
    assert!(
        results.values().all(|r| r["status"] == "succeeded"),
        "{}",
        last.explain()
    );
    assert_eq!(
        summary(&lines)["skipped_done"].as_u64(),
        Some(count(&after_b, "done") as u64),
        "{}",
        last.explain()
    );
    assert_each_line_ran_once(&emulator, &batch, total, &after_b);
}

/// Every line was submitted once and finished once, and its one output is
/// in its directory.
fn assert_each_line_ran_once(emulator: &Emulator, batch: &Batch, total: usize, after_b: &Events) {
    assert_eq!(
        emulator.stats().submits(),
        total as u64,
        "each input submitted exactly once across the runs; journal after (b): {after_b:?}"
    );
    let events = batch.events();
    assert_eq!(
        events.keys().copied().collect::<BTreeSet<_>>(),
        (1..=total as u64).collect::<BTreeSet<_>>()
    );
    for (line, events) in &events {
        let times = |event: &str| events.iter().filter(|e| *e == event).count();
        assert_eq!(times("intent"), 1, "line {line}: {events:?}");
        assert_eq!(times("submitted"), 1, "line {line}: {events:?}");
        assert!(
            !events.iter().any(|e| e == "unknown"),
            "line {line}: {events:?}"
        );
        let last = events.last().map(String::as_str);
        assert_eq!(last, Some("done"), "line {line}: {events:?}");
    }
    for record in batch.records().iter().filter(|r| r["event"] == "done") {
        assert_eq!(record["status"], "succeeded", "{record}");
        let files = record["files"].as_array().expect("files");
        assert_eq!(files.len(), 1, "{record}");
        assert_mp4(batch.dir.path(), files[0].as_str().expect("path"));
    }
    // A resumed download replaces what a killed one left: one file per line.
    for line in 1..=total {
        let names = std::fs::read_dir(batch.path(&format!("out/{line}")))
            .expect("dir")
            .count();
        assert_eq!(names, 1, "out/{line} holds exactly its output");
    }
    assert!(
        emulator.contract_violations().is_empty(),
        "{:?}",
        emulator.contract_violations()
    );
}
