//! Faults injected one at a time from a test's plan: 429 and 5xx answers,
//! resets before and after the work, slow answers, bodies that are not JSON
//! or carry an error in a 200, downloads cut short, and jobs that fail.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use runcomfy_emulator::{EmulatorConfig, Fault, Target};
use serde_json::json;

use crate::common::{
    KLING, TOKEN, call, get, get_bytes, http, input, result_of, start, submitted_id, wait_for,
};

#[tokio::test]
async fn each_fault_can_be_injected() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    let id = submitted_id(&emulator, &input()).await;
    let status_url = format!("{base}/requests/{id}/status");
    let faults = emulator.faults();

    faults.push(
        Target::Status,
        Fault::RateLimited {
            retry_after_secs: 7,
        },
    );
    let (status, headers, body) = call("GET", &status_url, Some(TOKEN), None).await;
    assert_eq!(
        (status, headers["retry-after"].to_str().ok()),
        (StatusCode::TOO_MANY_REQUESTS, Some("7"))
    );
    assert!(body["error_message"].is_string());

    for code in [500u16, 502, 503, 504] {
        faults.push(Target::Status, Fault::Status(code));
        assert_eq!(
            call("GET", &status_url, Some(TOKEN), None).await.0.as_u16(),
            code
        );
    }

    faults.push(Target::Status, Fault::ResetBeforeAnswer);
    assert!(
        http()
            .get(&status_url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .is_err(),
        "no answer"
    );

    faults.push(Target::Status, Fault::Slow(Duration::from_millis(300)));
    let started = Instant::now();
    assert_eq!(
        call("GET", &status_url, Some(TOKEN), None).await.0,
        StatusCode::OK
    );
    assert!(started.elapsed() >= Duration::from_millis(300));

    faults.push(Target::Result, Fault::MalformedJson);
    let (status, _, body) = get(&emulator, &format!("/requests/{id}/result")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_string(), "not JSON: {body}");

    faults.push(Target::Status, Fault::ErrorIn200);
    let (status, _, body) = call("GET", &status_url, Some(TOKEN), None).await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (StatusCode::OK, json!(500001))
    );

    faults.push(Target::Submit, Fault::ResetAfterProcessing);
    let lost = http()
        .post(format!("{base}/models/{KLING}"))
        .bearer_auth(TOKEN)
        .json(&input())
        .send()
        .await;
    assert!(lost.is_err(), "the answer is lost");
    assert_eq!(emulator.stats().submits(), 2, "but the job exists");
    assert_eq!(faults.pending(), 0);
}

#[tokio::test]
async fn a_truncated_download_stops_short_and_a_planned_job_failure_fails() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    emulator.faults().push(Target::Submit, Fault::JobFails);
    let failing = submitted_id(&emulator, &input()).await;
    let id = submitted_id(&emulator, &input()).await;
    wait_for(&emulator, &failing, "completed").await;
    wait_for(&emulator, &id, "completed").await;
    assert_eq!(result_of(&emulator, &failing).await["status"], "failed");
    let video = result_of(&emulator, &id).await["output"]["video"]
        .as_str()
        .expect("url")
        .to_owned();
    emulator.faults().push(Target::Media, Fault::TruncatedMedia);
    let response = http().get(&video).send().await.expect("headers arrive");
    let announced: usize = response.headers()["content-length"]
        .to_str()
        .expect("len")
        .parse()
        .expect("number");
    assert!(response.bytes().await.is_err(), "the body ends early");
    let whole = get_bytes(&video).await;
    assert_eq!(whole.len(), announced);
}
