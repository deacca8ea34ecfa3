//! What a job cost: `run` and `wait` say it (`cost $0.49`) and put it in
//! `--json`; a cost the service did not give is unknown, never free.
//!
//! Against the emulator: a priced model's finished job has a `cost` only
//! when the result is asked for with `include_cost=true`, so a cost shown
//! is one the CLI asked for.

use crate::common::command::{KLING, finishing_at_submit, output_dir, runcomfy, start_image};
use crate::common::pricing::at_49_cents;
use crate::common::schema::check_schema;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_and_wait_say_what_the_job_cost() {
    let emulator = at_49_cents().await;
    let base = emulator.base_url();
    let image = format!("image_url=@{}", start_image());
    let (_dir, out) = output_dir();
    let run = ["run", KLING, "--set", &image, "--output-dir", &out];
    let human = runcomfy(Some(&base), &run).await;
    assert_eq!(human.code, 0, "{}", human.explain());
    assert!(
        human.stderr.contains("\ncost $0.49\n"),
        "{}",
        human.explain()
    );
    assert!(
        human.stdout.trim().ends_with("output.mp4"),
        "{}",
        human.explain()
    );

    let json = runcomfy(Some(&base), &[&["--json"][..], &run].concat()).await;
    assert_eq!(json.code, 0, "{}", json.explain());
    let document = json.json();
    check_schema("run-output.json", &document);
    assert_eq!(document["cost"], 0.49);

    let id = document["request_id"].as_str().expect("the request id");
    let waited = runcomfy(Some(&base), &["--json", "wait", id, "--no-download"]).await;
    assert_eq!(waited.code, 0, "{}", waited.explain());
    check_schema("run-output.json", &waited.json());
    assert_eq!(waited.json()["cost"], 0.49);
    assert_eq!(emulator.stats().submits(), 2, "wait submits nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cost_the_service_did_not_give_is_unknown_not_free() {
    let unpriced = finishing_at_submit(|_| {}).await;
    let image = format!("image_url=@{}", start_image());
    let run = ["--json", "run", KLING, "--set", &image, "--no-download"];
    let outcome = runcomfy(Some(&unpriced.base_url()), &run).await;
    assert_eq!(outcome.code, 0, "{}", outcome.explain());
    let document = outcome.json();
    check_schema("run-output.json", &document);
    assert!(document["cost"].is_null(), "{document}");
    assert!(
        outcome
            .stderr
            .contains("cost unknown (the service did not say)"),
        "{}",
        outcome.explain()
    );
}
