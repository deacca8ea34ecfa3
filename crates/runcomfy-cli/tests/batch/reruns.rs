//! `runcomfy batch` submits every input once, and a re-run only reprints.
//!
//! Submits are counted by the emulator; a re-run on an edited input file
//! is refused.

use std::path::Path;

use runcomfy_emulator::fixtures::png_data_uri;
use serde_json::json;

use crate::common::batch::{assert_mp4, inputs, results, start, summary};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_input_runs_once_and_a_rerun_only_reprints() {
    // Jobs of the emulator for tests, its answers checked against the contract.
    let (emulator, batch) = start(12).await;

    let run = batch.run(&["--concurrency", "4", "--json"]).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    let lines = run.lines();
    let results = results(&lines);
    assert_eq!(
        results.keys().copied().collect::<Vec<_>>(),
        (1..=12).collect::<Vec<_>>(),
        "{}",
        run.explain()
    );
    for (line, result) in &results {
        assert_eq!(result["status"], "succeeded", "{result}");
        assert!(
            result["request_id"].is_string()
                && result["error"].is_null()
                && result["output"]["video"].is_string(),
            "{result}"
        );
        let files = result["files"].as_array().expect("files");
        assert!(!files.is_empty(), "{result}");
        for file in files {
            let file = file.as_str().expect("path");
            assert!(
                Path::new(file).starts_with(Path::new("out").join(line.to_string())),
                "{file} is under out/{line}/"
            );
            assert_mp4(batch.dir.path(), file);
        }
    }
    assert_eq!(
        summary(&lines),
        json!({"total": 12, "succeeded": 12, "failed": 0, "cancelled": 0, "unknown": 0, "invalid": 0, "errors": 0, "interrupted": 0, "skipped_done": 0, "cost_usd": 0.0, "cost_unknown": 12, "insufficient_balance": 0})
    );
    assert_eq!(emulator.stats().submits(), 12);
    for (line, events) in batch.events() {
        assert_eq!(events, ["intent", "submitted", "done"], "line {line}");
    }
    assert!(
        !batch.path("out/1/.partial").exists(),
        "no staging directory is left"
    );

    // A re-run submits nothing and prints the same results.
    let again = batch.run(&["--json"]).await;
    assert_eq!(again.code, 0, "{}", again.explain());
    let again_lines = again.lines();
    assert_eq!(summary(&again_lines)["skipped_done"], 12);
    assert_eq!(crate::common::batch::results(&again_lines), results);
    assert_eq!(emulator.stats().submits(), 12);

    // An edited input file is refused, naming the line.
    let mut edited = inputs(12);
    edited[6] =
        json!({"image_url": png_data_uri(1280, 720), "prompt": "something else"}).to_string();
    std::fs::write(batch.path("inputs.jsonl"), edited.join("\n")).expect("write");
    let refused = batch.run(&[]).await;
    assert_eq!(refused.code, 64, "{}", refused.explain());
    assert!(refused.stderr.contains("line 7 "), "{}", refused.explain());
    assert_eq!(emulator.stats().submits(), 12);
    assert!(
        emulator.contract_violations().is_empty(),
        "{:?}",
        emulator.contract_violations()
    );
}
