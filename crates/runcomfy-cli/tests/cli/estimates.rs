//! `runcomfy run --estimate`: the input assembled and checked as for a run,
//! then what the catalog's price says the job will cost and whether the
//! balance pays for it; nothing is submitted.
//!
//! Prices and the balance against the scripted service (the emulator's
//! catalog gives no price and it has no balance yet); that nothing is sent,
//! against the emulator too.

use runcomfy_emulator::EmulatorConfig;
use serde_json::json;

use crate::common::command::{KLING, Outcome, emulator, runcomfy, start_image};
use crate::common::service::{Script, Service};

/// `runcomfy FLAGS run KLING --set image_url=@start.png EXTRA --estimate`
/// against the Model API at `base` and its serverless API at `serverless`.
async fn estimate(base: &str, serverless: &str, flags: &[&str], extra: &[&str]) -> Outcome {
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
    runcomfy(Some(base), &args).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_estimate_says_the_price_of_the_requested_seconds_and_sends_nothing() {
    let service = Service::scripted(|script| {
        script.price = Some((0.07, "second"));
        script.balance = Some(12.0);
    })
    .await;
    let (base, serverless) = (service.base_url(), service.serverless_base_url());
    let ten_seconds = ["--set", "duration=10"];
    let human = estimate(&base, &serverless, &[], &ten_seconds).await;
    assert_eq!(human.code, 0, "{}", human.explain());
    assert_eq!(
        human.stdout,
        format!(
            "estimate for 1 job of {KLING}: $0.70 ($0.07 per second of requested duration)\npricing: as scripted\nbalance: $12.00 USD: enough for it\n"
        )
    );
    assert!(
        human.stderr.contains("nothing was submitted (--estimate)"),
        "{}",
        human.explain()
    );

    let json = estimate(&base, &serverless, &["--json"], &ten_seconds).await;
    assert_eq!(json.code, 0, "{}", json.explain());
    assert_eq!(
        json.estimate(),
        json!({"model_id": KLING, "price": {"usd": 0.07, "unit": "second"}, "pricing_note": "as scripted", "price_unknown": null, "jobs": 1, "priced_jobs": 1, "total_usd": 0.7, "not_submitted_again": 0, "balance": {"balance_usd": 12.0, "currency": "USD"}, "balance_error": null, "covers": 1})
    );
    let catalog = format!("GET /v1/models/{KLING}?include_schema=true");
    assert_eq!(
        service.requests(),
        [catalog.as_str(), "GET /prod/v2/balance"].repeat(2),
        "the catalog and the balance only"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_price_and_an_unreadable_balance_are_said_plainly() {
    let service = Service::start(Script::default()).await;
    let (base, serverless) = (service.base_url(), service.serverless_base_url());
    let human = estimate(&base, &serverless, &[], &[]).await;
    assert_eq!(human.code, 0, "{}", human.explain());
    let lines: Vec<&str> = human.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "estimate for 1 job of {KLING}: unknown: the catalog gives no price for this model"
        )
    );
    assert!(
        lines[2].starts_with("balance: could not be read (not found")
            && lines[2].ends_with("); the estimate stands"),
        "{}",
        human.explain()
    );
    let json = estimate(&base, &serverless, &["--json"], &[]).await;
    let estimate = json.estimate();
    assert_eq!(
        estimate["price_unknown"],
        "the catalog gives no price for this model"
    );
    assert!(estimate["total_usd"].is_null() && estimate["covers"].is_null());
    assert!(estimate["balance"].is_null() && estimate["balance_error"].is_string());
    assert_eq!(service.submits(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_estimate_of_an_invalid_input_exits_65_before_any_request() {
    let service = Service::start(Script::default()).await;
    let (base, serverless) = (service.base_url(), service.serverless_base_url());
    let invalid = estimate(&base, &serverless, &["--json"], &["--set", "duration=7"]).await;
    assert_eq!(invalid.code, 65, "{}", invalid.explain());
    assert_eq!(invalid.error_document()["kind"], "invalid_input");
    assert!(service.requests().is_empty(), "{:?}", service.requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_estimate_against_the_emulator_submits_nothing() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    let serverless = base.replace("/v1", "/prod/v2");
    let outcome = estimate(&base, &serverless, &["--json"], &[]).await;
    assert_eq!(outcome.code, 0, "{}", outcome.explain());
    assert_eq!(outcome.estimate()["jobs"], 1);
    assert_eq!(emulator.stats().submits(), 0, "nothing was submitted");
}
