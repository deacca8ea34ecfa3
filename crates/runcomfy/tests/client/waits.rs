//! The one way to wait: progress as a stream or a callback, timeouts of any
//! size, and the failed polls a wait tolerates.

use std::sync::Arc;
use std::time::Duration;

use runcomfy::models::kling::kling_1_6::pro::image_to_video::Output;
use runcomfy::poll::{FixedInterval, RequestBudget};
use runcomfy::{Client, Error, QueueStatus, RequestHandle, RetryPolicy};
use runcomfy_emulator::{Emulator, Fault, Target};

use crate::common::{TOKEN, client, emulator, emulator_with, input};

/// The second of two jobs on an emulator with one worker (so that it is
/// seen queued, then running, then completed), with the emulator that runs it.
async fn a_second_job_on_one_worker() -> (Emulator, Client, RequestHandle<Output>) {
    let emulator = emulator_with(|config| config.workers = 1).await;
    let client = client(&emulator);
    let _first = client.submit(&input()).await.expect("first");
    let job = client.submit(&input()).await.expect("second");
    (emulator, client, job)
}

/// The states a progress report saw: it ends finished (`completed` on the
/// status endpoint, `succeeded` on the result endpoint a wait asks while the
/// job runs), reports changes only, and saw the job before it finished.
fn assert_changes_until_completed(states: &[(QueueStatus, Option<u64>)]) {
    assert!(
        states.last().is_some_and(|s| s.0.is_finished()),
        "{states:?}"
    );
    assert!(
        states.windows(2).all(|w| w[0] != w[1]),
        "only changes are reported: {states:?}"
    );
    assert!(
        states.len() >= 2,
        "the second job is seen queued or running before it completes: {states:?}"
    );
}

#[tokio::test]
async fn progress_updates_report_each_change_and_end_when_done() {
    use futures::StreamExt as _;
    let (_emulator, _client, job) = a_second_job_on_one_worker().await;
    let updates: Vec<_> = job.updates().collect().await;
    let states: Vec<(QueueStatus, Option<u64>)> = updates
        .iter()
        .map(|u| {
            u.as_ref()
                .map(|s| (s.state.clone(), s.queue_position))
                .expect("status")
        })
        .collect();
    assert_changes_until_completed(&states);
}

#[tokio::test]
async fn a_wait_reports_each_status_change_to_its_callback_and_ends_with_the_output() {
    let (_emulator, _client, job) = a_second_job_on_one_worker().await;
    let mut seen: Vec<(QueueStatus, Option<u64>)> = Vec::new();
    let output = job
        .wait()
        .on_status(|status| seen.push((status.state.clone(), status.queue_position)))
        .await
        .expect("finished");
    assert_eq!(output.request_id, job.request_id());
    assert_changes_until_completed(&seen);
}

#[tokio::test]
async fn a_timeout_too_large_for_an_instant_means_no_limit() {
    let emulator = emulator().await;
    let output = client(&emulator)
        .run(&input())
        .timeout(Duration::MAX)
        .await
        .expect("no panic, no limit");
    assert!(output.file_urls()[0].ends_with(".mp4"));
}

#[tokio::test]
async fn a_wait_that_tolerates_no_failed_poll_ends_at_the_first() {
    let emulator = emulator().await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(emulator.base_url())
        .retry_policy(RetryPolicy::none())
        .poll_policy(FixedInterval(Duration::from_millis(10)))
        .request_budget(Arc::new(RequestBudget::unlimited()))
        .build()
        .expect("client");
    let job = client.submit(&input()).await.expect("submitted");
    // The wait's first question is the result endpoint's (see `poll::Ask`).
    emulator.faults().push(Target::Result, Fault::Status(503));
    match job.wait().tolerate_failed_polls(0).await {
        Err(Error::ServiceUnavailable { status: 503, .. }) => {}
        other => panic!("{other:?}"),
    }
    emulator.faults().push(Target::Result, Fault::Status(503));
    job.wait()
        .tolerate_failed_polls(1)
        .await
        .expect("one failure waited out");
}

#[tokio::test]
async fn a_progress_stream_and_a_wait_can_move_to_another_task() {
    fn owned_stream<S: futures::Stream + Send + Unpin + 'static>(stream: S) -> S {
        stream
    }
    let emulator = emulator().await;
    let job = client(&emulator).submit(&input()).await.expect("submitted");
    // No pinning, no borrow of the handle: the stream goes where it is needed.
    let updates = owned_stream(job.updates());
    let watcher = tokio::spawn(async move {
        use futures::StreamExt as _;
        updates
            .filter_map(|u| async move { u.ok() })
            .collect::<Vec<_>>()
            .await
    });
    let waiter = {
        let job = job.clone();
        tokio::spawn(async move { job.wait().await.map(|output| output.request_id) })
    };
    assert_eq!(
        waiter.await.expect("joined").expect("done"),
        job.request_id()
    );
    let seen = watcher.await.expect("joined");
    assert_eq!(seen.last().map(|s| &s.state), Some(&QueueStatus::Completed));
}
