//! A job through the client against the emulator: submitted typed or as
//! JSON, run, failed, cancelled, resumed from its id, past its deadline.

use std::time::{Duration, Instant};

use runcomfy::models::kling::kling_1_6::pro::image_to_video::{Input, Output};
use runcomfy::{CancelOutcome, Error, JobResult, QueueStatus};
use runcomfy_emulator::{Fault, Target};
use serde_json::json;

use crate::common::{client, emulator, emulator_with, input, png};

#[tokio::test]
async fn a_typed_job_runs_from_submit_to_downloaded_video() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let job = client.submit(&input()).await.expect("submitted");
    assert_eq!(job.request_id().len(), 32);
    assert!(job.status_url().is_some_and(|u| u.ends_with("/status")));
    let output = job.wait().await.expect("finished");
    let typed: &Output = &output.output;
    let video = typed.video.as_deref().expect("video url");
    assert_eq!(output.file_urls(), vec![video.to_owned()]);
    assert!(output.finished_at.is_some());
    let dir = tempfile::tempdir().expect("dir");
    let files = job.download(&output, dir.path()).await.expect("downloaded");
    assert_eq!(files.len(), 1);
    let bytes = std::fs::read(&files[0].path).expect("file");
    assert_eq!(&bytes[4..8], b"ftyp", "an MP4");
    assert_eq!(files[0].bytes, bytes.len() as u64);
}

#[tokio::test]
async fn run_submits_waits_and_returns_the_typed_output() {
    let emulator = emulator().await;
    let output = client(&emulator)
        .run(&input())
        .timeout(Duration::from_secs(20))
        .await
        .expect("ran");
    assert!(output.output.video.is_some());
    assert_eq!(emulator.stats().submits(), 1);
}

#[tokio::test]
async fn json_inputs_to_known_and_unknown_models() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let bad = client
        .submit_json(
            "kling/kling-1-6/pro/image-to-video",
            &json!({"duration": 7}),
        )
        .await;
    assert!(
        matches!(bad, Err(Error::InvalidInput { ref errors, .. }) if errors.len() == 2),
        "{bad:?}"
    );
    let job = client
        .submit_json(
            "kling/kling-1-6/pro/image-to-video",
            &json!({"image_url": png(640, 480)}),
        )
        .await
        .expect("ok");
    assert!(
        job.wait()
            .await
            .expect("done")
            .raw_output
            .contains_key("video")
    );
    match client
        .submit_json("acme/unknown-model", &json!({"x": 1}))
        .await
    {
        Err(Error::NotFound { message, .. }) => assert!(message.contains("unknown model")),
        other => panic!("the service decides for models this build does not know: {other:?}"),
    }
}

#[tokio::test]
async fn a_job_that_fails_is_a_typed_failure_with_the_services_error() {
    let emulator = emulator().await;
    emulator.faults().push(Target::Submit, Fault::JobFails);
    let job = client(&emulator).submit(&input()).await.expect("submitted");
    match job.wait().await {
        Err(Error::JobFailed { request_id, error }) => {
            assert_eq!(request_id, job.request_id());
            assert_eq!(error["error_code"], 500001);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn cancel_answers_cancelled_for_queued_and_not_cancellable_for_running_jobs() {
    let emulator = emulator_with(|config| {
        config.workers = 1;
        config.time_scale = 1.0;
    })
    .await;
    let client = client(&emulator);
    let running = client.submit(&input()).await.expect("first");
    let queued = client.submit(&input()).await.expect("second");
    let deadline = Instant::now() + Duration::from_secs(5);
    while running.status().await.expect("status").state != QueueStatus::InProgress
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let position = queued.status().await.expect("status");
    assert_eq!(
        (position.state, position.queue_position),
        (QueueStatus::InQueue, Some(1))
    );
    assert_eq!(
        queued.cancel().await.expect("cancel"),
        CancelOutcome::Cancelled
    );
    assert!(matches!(queued.wait().await, Err(Error::Cancelled { .. })));
    assert_eq!(
        running.cancel().await.expect("cancel"),
        CancelOutcome::NotCancellable
    );
}

#[tokio::test]
async fn a_handle_rebuilt_from_the_request_id_resumes_the_wait() {
    let emulator = emulator().await;
    let id = client(&emulator)
        .submit(&input())
        .await
        .expect("submitted")
        .request_id()
        .to_owned();
    // A new client, as after a restart.
    let resumed = client(&emulator)
        .resume_typed::<Input>(id.clone())
        .expect("a valid id");
    let output = resumed.wait().await.expect("finished");
    assert_eq!(output.request_id, id);
    assert!(output.output.video.is_some());
    let untyped = client(&emulator).resume(id).expect("a valid id");
    assert!(matches!(
        untyped.result().await.expect("result"),
        JobResult::Succeeded(_)
    ));
}

#[tokio::test]
async fn a_deadline_ends_the_wait_but_not_the_job() {
    let emulator = emulator_with(|config| config.time_scale = 1.0).await;
    let job = client(&emulator).submit(&input()).await.expect("submitted");
    let started = Instant::now();
    match job
        .wait()
        .deadline(Instant::now() + Duration::from_millis(150))
        .await
    {
        Err(Error::DeadlineExceeded {
            request_id,
            last_status,
            ..
        }) => {
            assert_eq!(request_id, job.request_id());
            assert!(
                ["in_queue", "in_progress"].contains(&last_status.as_str()),
                "{last_status}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        job.cancel().await.expect("still there"),
        CancelOutcome::NotCancellable
    );
}
