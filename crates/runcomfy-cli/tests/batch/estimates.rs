//! `runcomfy batch --estimate`: every line checked as for a run, then what
//! the catalog's price says the lines this run would submit will cost, and
//! how many of them the balance covers; nothing is submitted and no journal
//! is written.
//!
//! Against the emulator: its catalog gives the price it was told and its
//! serverless API the balance, charged by the jobs it accepted.

use runcomfy_emulator::fixtures::png_data_uri;
use runcomfy_emulator::{Emulator, EmulatorConfig, PriceUnit};
use serde_json::json;

use crate::common::batch::{Batch, inputs, results, start};
use crate::common::command::{KLING, Outcome, emulator};
use crate::common::pricing::{priced, unreadable_balance};

/// 0.07 USD a second: each input of `inputs` (5 s) is estimated at $0.35.
async fn per_second(balance: Option<f64>) -> Emulator {
    priced(0.07, PriceUnit::Second, balance).await
}

/// `runcomfy batch --estimate EXTRA` of `batch`, its serverless API that of
/// `emulator`.
async fn estimate(batch: &Batch, emulator: &Emulator, extra: &[&str]) -> Outcome {
    let serverless = emulator.serverless_base_url();
    let mut args = vec!["--estimate", "--serverless-base-url", &serverless];
    args.extend(extra);
    batch.run(&args).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_estimate_totals_the_lines_and_says_how_far_the_balance_goes() {
    let emulator = per_second(Some(1.0)).await;
    let batch = Batch::new(&emulator, &inputs(4));
    let human = estimate(&batch, &emulator, &["--results", "results.jsonl"]).await;
    assert_eq!(human.code, 0, "{}", human.explain());
    let kling = "kling/kling-1-6/pro/image-to-video";
    assert_eq!(
        human.stdout,
        format!(
            "estimate for 4 jobs of {kling}: $1.40 ($0.07 per second of requested duration)\npricing: USD 0.07 per second, as this emulator was told\nbalance: $1.00 USD: enough for 2 of the 4 jobs (short by $0.40)\n"
        )
    );
    assert!(human.stderr.contains("nothing was submitted (--estimate)"));

    let json = estimate(&batch, &emulator, &["--json"]).await;
    assert_eq!(json.code, 0, "{}", json.explain());
    let estimate = json.estimate();
    assert_eq!(
        (
            &estimate["jobs"],
            &estimate["total_usd"],
            &estimate["covers"]
        ),
        (&json!(4), &json!(1.4), &json!(2))
    );
    assert_eq!(emulator.stats().submits(), 0, "nothing was submitted");
    assert!(!batch.journal().exists(), "no journal was written");
    assert!(
        !batch.path("results.jsonl").exists(),
        "no results were written"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_per_output_or_none_at_all_is_said_for_the_whole_batch() {
    let per_output = priced(0.49, PriceUnit::Output, Some(1.0)).await;
    let batch = Batch::new(&per_output, &inputs(3));
    let human = estimate(&batch, &per_output, &[]).await;
    assert_eq!(
        human.stdout,
        format!(
            "estimate for 3 jobs of {KLING}: $1.47 ($0.49 per output)\npricing: USD 0.49 per output, as this emulator was told\nbalance: $1.00 USD: enough for 2 of the 3 jobs (short by $0.47)\n"
        )
    );

    let unpriced = emulator(EmulatorConfig::for_tests()).await;
    let batch = Batch::new(&unpriced, &inputs(3));
    let human = estimate(&batch, &unpriced, &[]).await;
    assert_eq!(human.code, 0, "{}", human.explain());
    let first = human.stdout.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "estimate for 3 jobs of {KLING}: unknown: the catalog gives no price for this model"
        )
    );
    let json = estimate(&batch, &unpriced, &["--json"]).await;
    assert_eq!(json.code, 0, "{}", json.explain());
    let estimate = json.estimate();
    assert!(estimate["total_usd"].is_null() && estimate["covers"].is_null());
    for emulator in [&per_output, &unpriced] {
        assert_eq!(emulator.stats().submits(), 0, "nothing was submitted");
    }
    assert!(!batch.journal().exists(), "no journal was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lines_an_earlier_run_submitted_are_not_counted() {
    let emulator = per_second(Some(10.0)).await;
    let batch = Batch::new(&emulator, &inputs(2));
    let first = batch.run(&[]).await;
    assert_eq!(first.code, 0, "{}", first.explain());
    // Two more lines, the first two as they were.
    std::fs::write(batch.path("inputs.jsonl"), inputs(4).join("\n")).expect("inputs");

    let human = estimate(&batch, &emulator, &[]).await;
    assert_eq!(human.code, 0, "{}", human.explain());
    // The first run's two jobs were charged $0.35 each.
    assert!(
        human.stdout.contains("\n2 lines are not counted: an earlier run submitted them (or the outcome of their submit is unknown), and they are not submitted again\nbalance: $9.30 USD: enough for both jobs\n"),
        "{}",
        human.explain()
    );
    let estimate = estimate(&batch, &emulator, &["--json"]).await.estimate();
    assert_eq!(
        (&estimate["jobs"], &estimate["not_submitted_again"]),
        (&json!(2), &json!(2))
    );
    assert_eq!(estimate["total_usd"], 0.7);
    assert_eq!(emulator.stats().submits(), 2, "only the first run's");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_balance_that_cannot_be_read_is_said_and_the_estimate_stands() {
    let emulator = per_second(None).await;
    let batch = Batch::new(&emulator, &inputs(3));
    let human = batch
        .run(&[
            "--estimate",
            "--serverless-base-url",
            &unreadable_balance(&emulator),
        ])
        .await;
    assert_eq!(human.code, 0, "{}", human.explain());
    assert!(human.stdout.contains(": $1.05 ("), "{}", human.explain());
    assert!(
        human
            .stdout
            .contains("\nbalance: could not be read (not found"),
        "{}",
        human.explain()
    );
    let estimate = batch
        .run(&[
            "--estimate",
            "--json",
            "--serverless-base-url",
            &unreadable_balance(&emulator),
        ])
        .await
        .estimate();
    assert_eq!(estimate["total_usd"], 1.05);
    assert!(estimate["balance"].is_null() && estimate["covers"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_without_a_duration_is_estimated_at_the_schemas_default() {
    let emulator = per_second(Some(10.0)).await;
    let mut lines = inputs(2);
    // Kling's schema says 5 seconds when a duration is not given.
    lines[1] = json!({"image_url": png_data_uri(1280, 720), "prompt": "no duration"}).to_string();
    lines.push(json!({"image_url": png_data_uri(1280, 720), "duration": 10}).to_string());
    let batch = Batch::new(&emulator, &lines);
    let estimate = estimate(&batch, &emulator, &["--json"]).await.estimate();
    assert_eq!(
        (&estimate["jobs"], &estimate["priced_jobs"]),
        (&json!(3), &json!(3))
    );
    assert_eq!(estimate["total_usd"], 1.4, "5 s, 5 s by default, and 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_estimate_checks_every_line_first_and_sends_nothing_to_the_emulator() {
    let (emulator, batch) = start(2).await;
    let serverless = emulator.serverless_base_url();
    let run = batch
        .run(&["--json", "--estimate", "--serverless-base-url", &serverless])
        .await;
    assert_eq!(run.code, 0, "{}", run.explain());
    assert_eq!(run.estimate()["jobs"], 2);
    assert_eq!(emulator.stats().submits(), 0);
    assert!(!batch.journal().exists());

    let mut invalid = inputs(2);
    invalid[1] = json!({"image_url": png_data_uri(1280, 720), "duration": 7}).to_string();
    std::fs::write(batch.path("inputs.jsonl"), invalid.join("\n")).expect("inputs");
    let refused = batch.run(&["--json", "--estimate"]).await;
    assert_eq!(refused.code, 65, "{}", refused.explain());
    assert_eq!(results(&refused.lines())[&2]["status"], "invalid");
    assert_eq!(emulator.stats().submits(), 0);
}
