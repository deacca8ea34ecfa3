//! `runcomfy run --estimate`: the input assembled and checked as for a run,
//! then what the catalog's price says the job will cost and whether the
//! balance pays for it; nothing is submitted.
//!
//! Against the emulator: its catalog gives the price it was told (per
//! output or per second) and its serverless API the balance.

use runcomfy_emulator::{Emulator, EmulatorConfig, PriceUnit};
use serde_json::json;

use crate::common::command::{KLING, Outcome, emulator, runcomfy, start_image};
use crate::common::pricing::{priced, unreadable_balance};

/// `runcomfy FLAGS run KLING --set image_url=@start.png EXTRA --estimate`
/// against `emulator`, its serverless API at `serverless`.
async fn estimate(
    emulator: &Emulator,
    serverless: &str,
    flags: &[&str],
    extra: &[&str],
) -> Outcome {
    let image = format!("image_url=@{}", start_image());
    let mut args = flags.to_vec();
    args.extend([
        "--serverless-base-url",
        serverless,
        "run",
        KLING,
        "--set",
        &image,
    ]);
    args.extend(extra);
    args.push("--estimate");
    runcomfy(Some(&emulator.base_url()), &args).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_estimate_says_the_price_of_the_requested_seconds_and_sends_nothing() {
    let emulator = priced(0.07, PriceUnit::Second, Some(12.0)).await;
    let serverless = emulator.serverless_base_url();
    let ten_seconds = ["--set", "duration=10"];
    let human = estimate(&emulator, &serverless, &[], &ten_seconds).await;
    assert_eq!(human.code, 0, "{}", human.explain());
    assert_eq!(
        human.stdout,
        format!(
            "estimate for 1 job of {KLING}: $0.70 ($0.07 per second of requested duration)\npricing: USD 0.07 per second, as this emulator was told\nbalance: $12.00 USD: enough for it\n"
        )
    );
    assert!(
        human.stderr.contains("nothing was submitted (--estimate)"),
        "{}",
        human.explain()
    );

    let json = estimate(&emulator, &serverless, &["--json"], &ten_seconds).await;
    assert_eq!(json.code, 0, "{}", json.explain());
    assert_eq!(
        json.estimate(),
        json!({"model_id": KLING, "price": {"usd": 0.07, "unit": "second"}, "pricing_note": "USD 0.07 per second, as this emulator was told", "price_unknown": null, "jobs": 1, "priced_jobs": 1, "total_usd": 0.7, "not_submitted_again": 0, "balance": {"balance_usd": 12.0, "currency": "USD"}, "balance_error": null, "covers": 1})
    );
    assert_eq!(
        emulator.stats().requests(),
        4,
        "the catalog and the balance only, twice"
    );
    assert_eq!(emulator.stats().submits(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_per_output_and_a_balance_too_small_for_it() {
    let emulator = priced(0.49, PriceUnit::Output, Some(0.3)).await;
    let human = estimate(&emulator, &emulator.serverless_base_url(), &[], &[]).await;
    assert_eq!(human.code, 0, "{}", human.explain());
    let lines: Vec<&str> = human.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!("estimate for 1 job of {KLING}: $0.49 ($0.49 per output)")
    );
    assert!(
        lines[2].starts_with("balance: $0.30 USD: ") && lines[2].contains("short by $0.19"),
        "{}",
        human.explain()
    );
    let estimate = estimate(&emulator, &emulator.serverless_base_url(), &["--json"], &[])
        .await
        .estimate();
    assert_eq!(
        (&estimate["total_usd"], &estimate["covers"]),
        (&json!(0.49), &json!(0))
    );
    assert_eq!(emulator.stats().submits(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_price_and_an_unreadable_balance_are_said_plainly() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let human = estimate(&emulator, &unreadable_balance(&emulator), &[], &[]).await;
    assert_eq!(human.code, 0, "{}", human.explain());
    let lines: Vec<&str> = human.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "estimate for 1 job of {KLING}: unknown: the catalog gives no price for this model"
        )
    );
    assert_eq!(lines[1], "pricing: no price is known to this emulator");
    assert!(
        lines[2].starts_with("balance: could not be read (not found")
            && lines[2].ends_with("); the estimate stands"),
        "{}",
        human.explain()
    );
    let json = estimate(&emulator, &unreadable_balance(&emulator), &["--json"], &[]).await;
    let estimate = json.estimate();
    assert_eq!(
        estimate["price_unknown"],
        "the catalog gives no price for this model"
    );
    assert!(estimate["total_usd"].is_null() && estimate["covers"].is_null());
    assert!(estimate["balance"].is_null() && estimate["balance_error"].is_string());
    assert_eq!(emulator.stats().submits(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_estimate_of_an_invalid_input_exits_65_before_any_request() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let serverless = emulator.serverless_base_url();
    let invalid = estimate(
        &emulator,
        &serverless,
        &["--json"],
        &["--set", "duration=7"],
    )
    .await;
    assert_eq!(invalid.code, 65, "{}", invalid.explain());
    assert_eq!(invalid.error_document()["kind"], "invalid_input");
    assert_eq!(emulator.stats().requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_estimate_of_an_unpriced_model_with_a_balance_submits_nothing() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let serverless = emulator.serverless_base_url();
    let outcome = estimate(&emulator, &serverless, &["--json"], &[]).await;
    assert_eq!(outcome.code, 0, "{}", outcome.explain());
    let document = outcome.estimate();
    assert_eq!(document["jobs"], 1);
    assert!(document["balance"].is_object() && document["covers"].is_null());
    assert_eq!(emulator.stats().submits(), 0, "nothing was submitted");
    let human = estimate(&emulator, &serverless, &[], &[]).await;
    assert!(
        human.stdout.ends_with(
            "balance: $1000000.00 USD (how far it goes is unknown without an estimate)\n"
        ),
        "{}",
        human.explain()
    );
}
