//! What `runcomfy batch` reports of lines that do not succeed.
//!
//! Invalid lines are refused before anything is sent, a failed job exits
//! 1, and results in a file hold no token.

use runcomfy_emulator::EmulatorConfig;
use runcomfy_emulator::fixtures::png_data_uri;
use serde_json::json;

use crate::common::batch::{Batch, TOKEN, inputs, json_lines, results, summary};
use crate::common::command::emulator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_invalid_line_stops_the_batch_before_any_submit() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let mut lines = inputs(5);
    lines[2] = json!({"image_url": png_data_uri(1280, 720), "duration": 7}).to_string();
    lines[4] = "{not json".to_owned();
    lines.insert(1, String::new()); // blank lines are skipped but counted: the invalid ones are lines 4 and 6
    let batch = Batch::new(&emulator, &lines);

    let run = batch.run(&[]).await;
    assert_eq!(run.code, 65, "{}", run.explain());
    assert_eq!(emulator.stats().submits(), 0);
    assert!(
        run.stderr.contains("duration")
            && run.stderr.contains("(line 4)")
            && run.stderr.contains("line 6 is not JSON"),
        "{}",
        run.explain()
    );
    let results = results(&run.lines());
    assert_eq!(
        results.keys().copied().collect::<Vec<_>>(),
        [4, 6],
        "{}",
        run.explain()
    );
    assert!(
        results.values().all(|r| r["status"] == "invalid"
            && r["error"].is_string()
            && r["request_id"].is_null()),
        "{results:?}"
    );
    assert!(!batch.journal().exists(), "nothing was journaled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_job_exits_1_and_results_go_to_a_file_without_the_token() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let mut lines = inputs(4);
    lines[1] =
        json!({"image_url": png_data_uri(1280, 720), "prompt": "emulator:fail please"}).to_string();
    let batch = Batch::new(&emulator, &lines);

    let run = batch
        .run(&[
            "-q",
            "--json",
            "--results",
            "results.jsonl",
            "--journal",
            "batch.journal",
        ])
        .await;
    assert_eq!(run.code, 1, "{}", run.explain());
    assert!(
        run.stdout.trim().is_empty(),
        "results and summary went to the file, no second document on stdout: {}",
        run.explain()
    );
    assert!(
        run.stderr.contains("batch incomplete") && run.stderr.contains("failed"),
        "the reason, on stderr even with -q: {}",
        run.explain()
    );
    assert!(
        !run.stderr.contains("succeeded"),
        "-q: no summary on stderr: {}",
        run.explain()
    );
    let text = std::fs::read_to_string(batch.path("results.jsonl")).expect("results");
    assert!(!text.contains(TOKEN));
    let lines = json_lines(&text);
    let results = results(&lines);
    assert_eq!(results[&2]["status"], "failed");
    assert!(
        results[&2]["error"]
            .as_str()
            .is_some_and(|e| e.contains("failed"))
            && results[&2]["request_id"].is_string(),
        "{:?}",
        results[&2]
    );
    assert!(
        [1, 3, 4]
            .iter()
            .all(|n| results[n]["status"] == "succeeded")
    );
    assert_eq!(summary(&lines)["failed"], 1);
    let journal = std::fs::read_to_string(batch.path("batch.journal")).unwrap_or_default();
    assert!(
        journal.contains("\"failed\"") && !journal.contains(TOKEN),
        "{journal}"
    );
    assert_eq!(emulator.stats().submits(), 4);
}
