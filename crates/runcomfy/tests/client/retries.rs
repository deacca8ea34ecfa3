//! Status and result calls under the emulator's faults: retried until they
//! succeed, outlasted by a wait, or ended in the right typed error.

use std::time::{Duration, Instant};

use runcomfy::models::kling::kling_1_6::pro::image_to_video::Output;
use runcomfy::{Error, RetryPolicy};
use runcomfy_emulator::{Fault, Target};

use crate::common::{client, emulator, input};

#[tokio::test]
async fn status_and_result_faults_are_retried_until_they_succeed() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let job = client.submit(&input()).await.expect("submitted");
    let faults = emulator.faults();
    faults.push(
        Target::Status,
        Fault::RateLimited {
            retry_after_secs: 0,
        },
    );
    for code in [500, 502, 503, 504] {
        faults.push(Target::Status, Fault::Status(code));
    }
    let status = job.status().await.expect("retried through five faults");
    assert_eq!(status.request_id, job.request_id());
    assert_eq!(faults.pending(), 0);
    faults.push(Target::Status, Fault::ResetBeforeAnswer);
    faults.push(Target::Status, Fault::ErrorIn200);
    faults.push(Target::Status, Fault::Slow(Duration::from_millis(50)));
    let started = Instant::now();
    job.status()
        .await
        .expect("a reset, an error in a 200, then a slow answer");
    assert!(started.elapsed() >= Duration::from_millis(50));
    assert_eq!(faults.pending(), 0);
    faults.push(Target::Result, Fault::MalformedJson);
    faults.push(Target::Result, Fault::Status(503));
    let output = job.wait().await.expect("done despite faults");
    assert!(output.output.video.is_some());
    assert_eq!(faults.pending(), 0);
}

#[tokio::test]
async fn a_wait_outlasts_polls_that_fail_after_their_retries() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let job = client.submit(&input()).await.expect("submitted");
    // Four polls in a row (the wait asks the result endpoint, see
    // `poll::Ask`) fail, each after all its attempts, with every transient
    // kind of fault; the wait goes on and succeeds.
    let attempts = RetryPolicy::default().max_attempts;
    let kinds = [
        Fault::Status(503),
        Fault::ResetBeforeAnswer,
        Fault::MalformedJson,
        Fault::RateLimited {
            retry_after_secs: 0,
        },
    ];
    for fault in kinds {
        for _ in 0..attempts {
            emulator.faults().push(Target::Result, fault);
        }
    }
    let output = job.wait().await.expect("the wait outlasted the faults");
    assert!(output.output.video.is_some());
    assert_eq!(emulator.faults().pending(), 0);

    // One failed request more than a wait outlasts ends it, with the error.
    let job = client.submit(&input()).await.expect("submitted");
    let calls = runcomfy::Wait::<Output>::DEFAULT_TOLERATED_FAILURES + 1;
    for _ in 0..attempts * calls {
        emulator.faults().push(Target::Result, Fault::Status(500));
    }
    let error = job.wait().await.expect_err("too many failures");
    assert!(
        matches!(error, Error::ServiceUnavailable { .. }),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some(job.request_id()));
    assert_eq!(emulator.faults().pending(), 0);

    // A failure that is not transient ends the wait at once.
    let job = client.submit(&input()).await.expect("submitted");
    emulator.faults().push(
        Target::Result,
        Fault::RateLimited {
            retry_after_secs: 3600,
        },
    );
    let error = job.wait().await.expect_err("Retry-After beyond the cap");
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
}

#[tokio::test]
async fn persistent_faults_end_in_the_right_typed_error_with_the_request_id() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let job = client.submit(&input()).await.expect("submitted");
    for _ in 0..6 {
        emulator.faults().push(
            Target::Status,
            Fault::RateLimited {
                retry_after_secs: 0,
            },
        );
    }
    match job.status().await {
        Err(Error::RateLimited {
            request_id,
            retry_after,
        }) => {
            assert_eq!(request_id.as_deref(), Some(job.request_id()));
            assert_eq!(retry_after, Some(Duration::ZERO));
        }
        other => panic!("{other:?}"),
    }
    for _ in 0..6 {
        emulator.faults().push(Target::Status, Fault::Status(503));
    }
    let error = job.status().await.expect_err("still unavailable");
    assert!(
        matches!(error, Error::ServiceUnavailable { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some(job.request_id()));
    emulator.faults().push(
        Target::Status,
        Fault::RateLimited {
            retry_after_secs: 3600,
        },
    );
    let error = job
        .status()
        .await
        .expect_err("a wait longer than the cap is not honoured");
    assert!(
        matches!(error, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3600))
    );
    // A 503 that says when to come back is treated as a 429 that does.
    emulator.faults().push(
        Target::Status,
        Fault::Unavailable {
            retry_after_secs: 3600,
        },
    );
    let error = job
        .status()
        .await
        .expect_err("a 503's wait longer than the cap is not honoured");
    assert!(
        matches!(
            error,
            Error::ServiceUnavailable { status: 503, retry_after: Some(d), .. }
                if d == Duration::from_secs(3600)
        ),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some(job.request_id()));
}
