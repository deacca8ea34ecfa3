//! The balance: each submit of a priced model charged to it, a submit
//! beyond it refused with the documented 402 (400002), what a job cancelled
//! while queued or a failed job cost given back, and `GET /prod/v2/balance`
//! (a token required) reading it, or saying that it is unlimited.

use reqwest::StatusCode;
use runcomfy_emulator::{Emulator, EmulatorConfig, PriceUnit, UNLIMITED_BALANCE_USD};
use serde_json::{Value, json};

use crate::common::{
    TOKEN, assert_needs_a_token, call, get, input, start, start_accepting_only_the_test_token,
    submit, submitted_id, wait_for,
};
use crate::costs::priced;

/// An emulator whose Kling jobs cost USD 0.25 each, with a balance of USD 1.
fn with_one_dollar() -> EmulatorConfig {
    EmulatorConfig {
        balance_usd: Some(1.0),
        ..priced(0.25, PriceUnit::Output)
    }
}

/// `GET /prod/v2/balance` with `token`.
async fn balance_answer(emulator: &Emulator, token: Option<&str>) -> (StatusCode, Value) {
    let url = format!("{}/balance", emulator.serverless_base_url());
    let (status, _, body) = call("GET", &url, token, None).await;
    (status, body)
}

/// The balance in USD.
async fn balance_of(emulator: &Emulator) -> Value {
    balance_answer(emulator, Some(TOKEN)).await.1["balance_usd"].clone()
}

#[tokio::test]
async fn each_submit_is_charged_and_one_beyond_the_balance_is_refused() {
    let emulator = start(EmulatorConfig {
        balance_usd: Some(0.6),
        ..with_one_dollar()
    })
    .await;
    assert_eq!(
        balance_answer(&emulator, Some(TOKEN)).await,
        (
            StatusCode::OK,
            json!({"balance_usd": 0.6, "currency": "USD"})
        )
    );
    submitted_id(&emulator, &input()).await;
    submitted_id(&emulator, &input()).await;
    assert_eq!(balance_of(&emulator).await, 0.1);
    let (status, body) = submit(&emulator, &input()).await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (StatusCode::PAYMENT_REQUIRED, json!(400002))
    );
    assert_eq!(
        body["error_message"],
        "insufficient balance: this job costs USD 0.25 and the balance is USD 0.1"
    );
    assert_eq!(
        emulator.stats().submits(),
        2,
        "the refused submit queued nothing"
    );
    assert_eq!(balance_of(&emulator).await, 0.1);
}

#[tokio::test]
async fn a_job_cancelled_while_queued_is_given_back() {
    let emulator = start(EmulatorConfig {
        workers: 1,
        time_scale: 1.0,
        ..with_one_dollar()
    })
    .await;
    let running = submitted_id(&emulator, &input()).await;
    let queued = submitted_id(&emulator, &input()).await;
    wait_for(&emulator, &running, "in_progress").await;
    assert_eq!(balance_of(&emulator).await, 0.5);
    let cancel = |id: &str| format!("{}/requests/{id}/cancel", emulator.base_url());
    call("POST", &cancel(&queued), Some(TOKEN), None).await;
    assert_eq!(balance_of(&emulator).await, 0.75);
    let (_, _, body) = call("POST", &cancel(&running), Some(TOKEN), None).await;
    assert_eq!(body["outcome"], "not_cancellable");
    assert_eq!(balance_of(&emulator).await, 0.75, "a running job is billed");
    let cancelled = get(
        &emulator,
        &format!("/requests/{queued}/result?include_cost=true"),
    )
    .await;
    assert_eq!(cancelled.2["cost"], 0.0, "{}", cancelled.2);
}

#[tokio::test]
async fn a_failed_job_is_given_back() {
    let emulator = start(with_one_dollar()).await;
    let mut failing = input();
    failing["prompt"] = json!("emulator:fail");
    let id = submitted_id(&emulator, &failing).await;
    wait_for(&emulator, &id, "completed").await;
    assert_eq!(balance_of(&emulator).await, 1.0);
    let result = get(
        &emulator,
        &format!("/requests/{id}/result?include_cost=true"),
    )
    .await;
    assert_eq!(
        (result.2["status"].clone(), result.2["cost"].clone()),
        (json!("failed"), json!(0.0))
    );
}

#[tokio::test]
async fn the_balance_needs_a_token_and_says_when_it_is_unlimited() {
    let emulator = start_accepting_only_the_test_token().await;
    assert_needs_a_token(&format!("{}/balance", emulator.serverless_base_url())).await;
    assert_eq!(
        balance_answer(&emulator, Some(TOKEN)).await,
        (
            StatusCode::OK,
            json!({"balance_usd": UNLIMITED_BALANCE_USD, "currency": "USD", "unlimited": true})
        )
    );
}
