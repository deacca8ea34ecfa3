//! The queue as a client sees it: positions while waiting (exact while a
//! queue builds up and drains), one worker taking jobs in order, cancel of a queued job only, the cap on jobs held,
//! and the expiry of finished ones.

use std::time::Duration;

use reqwest::StatusCode;
use runcomfy_emulator::EmulatorConfig;
use serde_json::json;

use crate::common::{
    KLING, TOKEN, call, error_code, get, input, result_of, start, status_of, submit, submitted_id,
    wait_for,
};

/// One worker and realistic (minutes long) jobs: the first runs, the rest wait.
fn one_slow_worker() -> EmulatorConfig {
    EmulatorConfig {
        workers: 1,
        time_scale: 1.0,
        ..EmulatorConfig::for_tests()
    }
}

#[tokio::test]
async fn queued_jobs_report_their_position_and_one_worker_runs_them_in_order() {
    let emulator = start(one_slow_worker()).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(submitted_id(&emulator, &input()).await);
    }
    let first = wait_for(&emulator, &ids[0], "in_progress").await;
    assert_eq!(first["status"], "in_progress");
    assert!(first.get("queue_position").is_none());
    assert_eq!(first["instance_id"], "emulator-worker-1");
    assert_eq!(
        status_of(&emulator, &ids[1]).await["queue_position"],
        1,
        "1 means next"
    );
    assert_eq!(status_of(&emulator, &ids[2]).await["queue_position"], 2);
    let result = get(&emulator, &format!("/requests/{}/result", ids[2])).await;
    assert_eq!(
        (result.0, result.2["status"].clone()),
        (StatusCode::OK, json!("in_queue")),
        "result before the end is the state"
    );
}

#[tokio::test]
async fn cancel_stops_a_queued_job_but_not_a_running_or_finished_one() {
    let emulator = start(one_slow_worker()).await;
    let running = submitted_id(&emulator, &input()).await;
    let queued = submitted_id(&emulator, &input()).await;
    wait_for(&emulator, &running, "in_progress").await;
    let cancel = |id: String| {
        let url = format!("{}/requests/{id}/cancel", emulator.base_url());
        async move { call("POST", &url, Some(TOKEN), None).await }
    };
    let (status, _, body) = cancel(queued.clone()).await;
    assert_eq!(
        (status, body["outcome"].clone(), body["status"].clone()),
        (StatusCode::ACCEPTED, json!("cancelled"), json!("cancelled"))
    );
    assert_eq!(status_of(&emulator, &queued).await["status"], "cancelled");
    let result = result_of(&emulator, &queued).await;
    assert_eq!(result["status"], "cancelled");
    let (status, _, body) = cancel(running.clone()).await;
    assert_eq!(
        (status, body["outcome"].clone()),
        (StatusCode::ACCEPTED, json!("not_cancellable"))
    );
    assert_eq!(
        status_of(&emulator, &running).await["status"],
        "in_progress",
        "it runs to completion"
    );
}

#[tokio::test]
async fn the_job_cap_answers_503_and_finished_jobs_expire() {
    let emulator = start(EmulatorConfig {
        max_jobs: 1,
        job_ttl: Duration::from_millis(200),
        ..EmulatorConfig::for_tests()
    })
    .await;
    let id = submitted_id(&emulator, &input()).await;
    let full = call(
        "POST",
        &format!("{}/models/{KLING}", emulator.base_url()),
        Some(TOKEN),
        Some(&input()),
    )
    .await;
    assert_eq!(full.0, StatusCode::SERVICE_UNAVAILABLE);
    assert!(full.1.contains_key("retry-after"));
    wait_for(&emulator, &id, "completed").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        error_code(&get(&emulator, &format!("/requests/{id}/status")).await),
        (StatusCode::NOT_FOUND, json!(404001)),
        "expired"
    );
    assert_eq!(
        submit(&emulator, &input()).await.0,
        StatusCode::OK,
        "room again"
    );
}

#[tokio::test]
async fn positions_are_exact_while_a_queue_builds_up_and_drains() {
    // Two workers, 1.5 s a job, ten jobs as fast as they can be sent: the
    // queue builds up while jobs arrive and drains after (the eight submits
    // it takes to be six deep have 1.5 s, even on a loaded machine).
    let emulator = start(EmulatorConfig {
        workers: 2,
        time_scale: 1.0,
        durations: "uniform:1500ms..1500ms".parse().expect("durations"),
        ..EmulatorConfig::for_tests()
    })
    .await;
    let listing = format!("http://{}/_emulator/jobs", emulator.address());
    let mut ids = Vec::new();
    let mut deepest = 0;
    let mut seen: Vec<Vec<u64>> = vec![Vec::new(); 10];
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        assert!(std::time::Instant::now() < deadline, "the queue drains");
        if ids.len() < 10 {
            ids.push(submitted_id(&emulator, &input()).await);
        }
        let (_, _, picture) = call("GET", &listing, None, None).await;
        let jobs = picture["jobs"].as_array().expect("jobs").clone();
        let state_of = |state: &'static str| jobs.iter().filter(move |job| job["state"] == state);
        let queued: Vec<u64> = state_of("in_queue")
            .map(|job| job["queue_position"].as_u64().expect("a position"))
            .collect();
        // One moment's picture: positions 1..n in submit order, and a job
        // waits only while both workers are busy.
        assert_eq!(queued, (1..=queued.len() as u64).collect::<Vec<_>>());
        assert!(state_of("in_progress").count() == 2 || queued.is_empty());
        deepest = deepest.max(queued.len());
        for job in state_of("in_queue") {
            let n = ids.iter().position(|id| job["request_id"] == id.as_str());
            seen[n.expect("submitted")].push(job["queue_position"].as_u64().unwrap_or(0));
        }
        if ids.len() == 10 && state_of("succeeded").count() == 10 {
            break;
        }
    }
    assert!(deepest >= 6, "the queue built up: {deepest} deep at most");
    for positions in &seen {
        assert!(
            positions.windows(2).all(|pair| pair[1] <= pair[0]),
            "a position never grows: {positions:?}"
        );
    }
}
