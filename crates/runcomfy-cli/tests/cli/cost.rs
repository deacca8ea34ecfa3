//! What a job cost: `run` and `wait` say it (`cost $0.49`) and put it in
//! `--json`; a cost the service did not give is unknown, never free.
//!
//! Against the scripted service: the emulator gives no cost yet.

use crate::common::command::{KLING, output_dir, runcomfy, start_image};
use crate::common::schema::check_schema;
use crate::common::service::{Script, Service};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_and_wait_say_what_the_job_cost() {
    let service = Service::start(Script::default()).await;
    let base = service.base_url();
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
        human.stdout.trim().ends_with("job-1.mp4"),
        "{}",
        human.explain()
    );
    assert!(
        service
            .requests()
            .contains(&"GET /v1/requests/job-1/result?include_cost=true".to_owned()),
        "the cost was asked for: {:?}",
        service.requests()
    );

    let json = runcomfy(Some(&base), &[&["--json"][..], &run].concat()).await;
    assert_eq!(json.code, 0, "{}", json.explain());
    let document = json.json();
    check_schema("run-output.json", &document);
    assert_eq!(document["cost"], 0.49);

    let waited = runcomfy(Some(&base), &["--json", "wait", "job-1", "--no-download"]).await;
    assert_eq!(waited.code, 0, "{}", waited.explain());
    check_schema("run-output.json", &waited.json());
    assert_eq!(waited.json()["cost"], 0.49);
    assert_eq!(service.submits(), 2, "wait submits nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cost_the_service_did_not_give_is_unknown_not_free() {
    let service = Service::start(Script::default()).await;
    let image = format!("image_url=@{}", start_image());
    let run = [
        "--json",
        "run",
        KLING,
        "--set",
        &image,
        "--set",
        "prompt=no-cost",
        "--no-download",
    ];
    let outcome = runcomfy(Some(&service.base_url()), &run).await;
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
