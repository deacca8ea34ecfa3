//! `runcomfy balance` end to end against the emulator: `GET {serverless
//! base}/balance`, the base from `--serverless-base-url` or
//! `RUNCOMFY_SERVERLESS_API_BASE`, or the built-in emulator's with
//! `--emulator`; an unlimited account as the emulator says it; and a run
//! the balance cannot pay for.

use runcomfy_emulator::{Emulator, EmulatorConfig, PriceUnit};
use serde_json::json;

use crate::common::command::{KLING, Outcome, TOKEN, command, emulator, finish, runcomfy};
use crate::common::command::{emulator_with, start_image};
use crate::common::pricing::priced;
use crate::common::schema::check_schema;

/// `runcomfy balance` (human) and `runcomfy --json balance` (the base from
/// the environment) against `emulator`'s serverless API; the JSON document,
/// checked against its schema.
async fn both_ways(emulator: &Emulator) -> (Outcome, serde_json::Value) {
    let base = emulator.serverless_base_url();
    let human = runcomfy(None, &["--serverless-base-url", &base, "balance"]).await;
    assert_eq!(human.code, 0, "{}", human.explain());
    let mut from_env = command(None, &["--json", "balance"]);
    from_env.env("RUNCOMFY_SERVERLESS_API_BASE", &base);
    let json = finish(from_env).await;
    assert_eq!(json.code, 0, "{}", json.explain());
    let document = json.json();
    check_schema("balance-output.json", &document);
    (human, document)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn balance_prints_the_accounts_balance_from_the_serverless_api() {
    // Only the test's token is accepted: an answer shows it was sent.
    let emulator = emulator_with(|config| {
        config.balance_usd = Some(12.5);
        config.tokens = Some(vec![TOKEN.to_owned()]);
    })
    .await;
    let (human, document) = both_ways(&emulator).await;
    assert_eq!(human.stdout, "balance: $12.50 USD\n");
    assert_eq!(document, json!({"balance_usd": 12.5, "currency": "USD"}));
    assert_eq!(emulator.stats().requests(), 2, "the balance, twice");
    assert_eq!(emulator.stats().submits(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlimited_balance_is_the_large_number_the_service_gives() {
    let unlimited = emulator(EmulatorConfig::for_tests()).await;
    let (human, document) = both_ways(&unlimited).await;
    assert_eq!(human.stdout, "balance: $1000000.00 USD\n");
    let usd = runcomfy_emulator::UNLIMITED_BALANCE_USD;
    assert_eq!(document, json!({"balance_usd": usd, "currency": "USD"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_built_in_emulator_has_a_balance_too() {
    let mut built_in = command(None, &["--emulator", "balance"]);
    built_in.env_remove("RUNCOMFY_API_TOKEN");
    let outcome = finish(built_in).await;
    assert_eq!(outcome.code, 0, "{}", outcome.explain());
    assert_eq!(outcome.stdout, "balance: $1000000.00 USD\n");
    let json = runcomfy(None, &["--emulator", "--json", "balance"]).await;
    assert_eq!(json.code, 0, "{}", json.explain());
    check_schema("balance-output.json", &json.json());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_balance_without_a_token_exits_77_before_any_request() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let base = emulator.serverless_base_url();
    let mut anonymous = command(None, &["--serverless-base-url", &base, "balance"]);
    anonymous.env_remove("RUNCOMFY_API_TOKEN");
    let outcome = finish(anonymous).await;
    assert_eq!(outcome.code, 77, "{}", outcome.explain());
    assert_eq!(emulator.stats().requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_the_balance_cannot_pay_for_exits_1_and_is_never_retried() {
    let broke = priced(0.49, PriceUnit::Output, Some(0.2)).await;
    let image = format!("image_url=@{}", start_image());
    let run = ["--json", "run", KLING, "--set", &image];
    let outcome = runcomfy(Some(&broke.base_url()), &run).await;
    assert_eq!(outcome.code, 1, "{}", outcome.explain());
    assert_eq!(outcome.error_document()["kind"], "insufficient_balance");
    assert!(
        outcome.stderr.contains("the account cannot pay for this job: add funds, then submit again (a balance error is never retried)"),
        "{}",
        outcome.explain()
    );
    assert_eq!(broke.stats().requests(), 1, "one submit, never retried");
    assert_eq!(broke.stats().submits(), 0);
}
