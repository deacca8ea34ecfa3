//! `runcomfy balance` end to end against the scripted service (the emulator
//! gives no balance yet): `GET {serverless base}/balance`, the base from
//! `--serverless-base-url` or `RUNCOMFY_SERVERLESS_API_BASE`; and a run the
//! balance cannot pay for.

use crate::common::command::{KLING, TOKEN, command, finish, runcomfy, start_image};
use crate::common::schema::check_schema;
use crate::common::service::{Script, Service};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn balance_prints_the_accounts_balance_from_the_serverless_api() {
    let service = Service::scripted(|script| script.balance = Some(12.5)).await;
    let base = service.serverless_base_url();
    let human = runcomfy(None, &["--serverless-base-url", &base, "balance"]).await;
    assert_eq!(human.code, 0, "{}", human.explain());
    assert_eq!(human.stdout, "balance: $12.50 USD\n");

    let mut from_env = command(None, &["--json", "balance"]);
    from_env.env("RUNCOMFY_SERVERLESS_API_BASE", &base);
    let json = finish(from_env).await;
    assert_eq!(json.code, 0, "{}", json.explain());
    let document = json.json();
    check_schema("balance-output.json", &document);
    assert_eq!(
        document,
        serde_json::json!({"balance_usd": 12.5, "currency": "USD"})
    );
    assert_eq!(
        service.requests(),
        ["GET /prod/v2/balance", "GET /prod/v2/balance"]
    );
    assert_eq!(service.tokens(), [TOKEN], "the token was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_balance_without_a_token_exits_77_before_any_request() {
    let service = Service::start(Script::default()).await;
    let base = service.serverless_base_url();
    let mut anonymous = command(None, &["--serverless-base-url", &base, "balance"]);
    anonymous.env_remove("RUNCOMFY_API_TOKEN");
    let outcome = finish(anonymous).await;
    assert_eq!(outcome.code, 77, "{}", outcome.explain());
    assert!(service.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_the_balance_cannot_pay_for_exits_1_and_is_never_retried() {
    let broke = Service::scripted(|script| script.accepted_submits = Some(0)).await;
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
    assert_eq!(broke.submits(), 1, "never retried");
}
