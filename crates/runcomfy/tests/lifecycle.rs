//! The client against the emulator: the whole lifecycle, every fault the
//! emulator can inject with its outcome, cancel, resume, deadlines, and the
//! token never showing anywhere.

use std::sync::Arc;
use std::time::{Duration, Instant};

use runcomfy::models::kling_1_6_pro_image_to_video::{Input, Output};
use runcomfy::poll::{FixedInterval, RequestBudget};
use runcomfy::{CancelOutcome, Client, Error, JobResult, QueueStatus, RetryPolicy, SubmitOutcome};
use runcomfy_emulator::{Emulator, EmulatorConfig, Fault, Target};
use serde_json::json;

const TOKEN: &str = "tok-SECRET-4f2a9c";

use runcomfy_emulator::fixtures::png_data_uri as png;

fn input() -> Input {
    Input::builder()
        .image_url(png(1280, 720))
        .prompt(Some("a slow dolly shot".try_into().expect("prompt")))
        .try_into()
        .expect("input")
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(emulator.base_url())
        .retry_policy(fast_retries())
        .poll_policy(FixedInterval(Duration::from_millis(10)))
        .request_budget(Arc::new(RequestBudget::unlimited()))
        .build()
        .expect("client")
}

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::for_tests())
        .await
        .expect("emulator")
}

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
async fn invalid_input_is_refused_before_anything_is_sent() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let too_small: Input = Input::builder()
        .image_url(png(250, 250))
        .cfg_scale(3.0)
        .try_into()
        .expect("types allow it");
    match client.submit(&too_small).await {
        Err(Error::InvalidInput { model_id, errors }) => {
            assert_eq!(model_id, "kling/kling-1-6/pro/image-to-video");
            let fields: Vec<String> = errors.iter().map(|e| e.field()).collect();
            assert_eq!(
                fields,
                ["cfg_scale", "image_url"],
                "schema and media errors, all at once"
            );
        }
        other => panic!("expected invalid input, got {other:?}"),
    }
    let small: Input = Input::builder()
        .image_url(png(250, 250))
        .try_into()
        .expect("input");
    match client.submit(&small).await {
        Err(Error::InvalidInput { errors, .. }) => {
            assert_eq!(
                errors[0].message,
                "The uploaded image width and height must both exceed 300 pixels."
            );
        }
        other => panic!("expected invalid media, got {other:?}"),
    }
    assert_eq!(emulator.stats().requests(), 0, "nothing was sent");
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
async fn a_wait_outlasts_status_requests_that_fail_after_their_retries() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let job = client.submit(&input()).await.expect("submitted");
    // Four status requests in a row fail, each after all its attempts, with
    // every transient kind of fault; the wait goes on and succeeds.
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
            emulator.faults().push(Target::Status, fault);
        }
    }
    let output = job.wait().await.expect("the wait outlasted the faults");
    assert!(output.output.video.is_some());
    assert_eq!(emulator.faults().pending(), 0);

    // One failed request more than a wait outlasts ends it, with the error.
    let job = client.submit(&input()).await.expect("submitted");
    let calls = runcomfy::Wait::<Output>::DEFAULT_TOLERATED_FAILURES + 1;
    for _ in 0..attempts * calls {
        emulator.faults().push(Target::Status, Fault::Status(500));
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
        Target::Status,
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

#[tokio::test]
async fn a_submit_is_retried_only_when_it_certainly_was_not_accepted() {
    let emulator = emulator().await;
    let client = client(&emulator);
    emulator.faults().push(
        Target::Submit,
        Fault::RateLimited {
            retry_after_secs: 0,
        },
    );
    emulator.faults().push(Target::Submit, Fault::Status(503));
    client
        .submit(&input())
        .await
        .expect("429 and 503 are refusals: retried");
    assert_eq!(emulator.stats().submits(), 1);

    emulator.faults().push(Target::Submit, Fault::Status(500));
    assert!(
        matches!(
            client.submit(&input()).await,
            Err(Error::OutcomeUnknown { .. })
        ),
        "a 500 may hide an accepted job"
    );
    emulator.faults().push(Target::Submit, Fault::Status(502));
    assert!(
        matches!(
            client.submit(&input()).await,
            Err(Error::OutcomeUnknown { .. })
        ),
        "a gateway may hide a job"
    );
    assert_eq!(emulator.stats().submits(), 1, "never resubmitted");

    emulator
        .faults()
        .push(Target::Submit, Fault::ResetAfterProcessing);
    match client.submit(&input()).await {
        Err(error @ Error::OutcomeUnknown { .. }) => {
            assert!(
                error.to_string().contains("a billed job may exist"),
                "{error}"
            );
        }
        other => panic!("expected an unknown outcome, got {other:?}"),
    }
    assert_eq!(
        emulator.stats().submits(),
        2,
        "the job exists on the service and was not submitted again"
    );

    emulator.faults().push(Target::Submit, Fault::ErrorIn200);
    assert!(
        matches!(
            client.submit(&input()).await,
            Err(Error::OutcomeUnknown { .. })
        ),
        "an HTTP 200 with an internal error_code is an error that may hide a job"
    );
    assert_eq!(emulator.stats().submits(), 2);

    emulator
        .faults()
        .push(Target::Submit, Fault::StatusAfterProcessing(500));
    match client.submit(&input()).await {
        Err(error @ Error::OutcomeUnknown { .. }) => {
            assert_eq!(error.submit_outcome(), SubmitOutcome::Unknown);
            assert!(error.to_string().contains("HTTP 500"), "{error}");
        }
        other => panic!("expected an unknown outcome, got {other:?}"),
    }
    assert_eq!(
        emulator.stats().submits(),
        3,
        "the job the 500 hid exists, and was not submitted again"
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_a_submit_and_then_reported() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}/v1"))
        .retry_policy(fast_retries())
        .request_budget(Arc::new(RequestBudget::unlimited()))
        .build()
        .expect("client");
    match client.submit(&input()).await {
        Err(Error::Transport { request_id, source }) => {
            assert_eq!(request_id, None);
            assert!(source.is_connect());
        }
        other => panic!("{other:?}"),
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
    let emulator = Emulator::start(EmulatorConfig {
        workers: 1,
        time_scale: 1.0,
        ..EmulatorConfig::for_tests()
    })
    .await
    .expect("emulator");
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
    let resumed = client(&emulator).resume_typed::<Input>(id.clone());
    let output = resumed.wait().await.expect("finished");
    assert_eq!(output.request_id, id);
    assert!(output.output.video.is_some());
    let untyped = client(&emulator).resume(id);
    assert!(matches!(
        untyped.result().await.expect("result"),
        JobResult::Succeeded(_)
    ));
}

#[tokio::test]
async fn a_deadline_ends_the_wait_but_not_the_job() {
    let emulator = Emulator::start(EmulatorConfig {
        time_scale: 1.0,
        ..EmulatorConfig::for_tests()
    })
    .await
    .expect("emulator");
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

#[tokio::test]
async fn progress_updates_report_each_change_and_end_when_done() {
    use futures::StreamExt as _;
    let emulator = Emulator::start(EmulatorConfig {
        workers: 1,
        ..EmulatorConfig::for_tests()
    })
    .await
    .expect("emulator");
    let client = client(&emulator);
    let _first = client.submit(&input()).await.expect("first");
    let job = client.submit(&input()).await.expect("second");
    let updates: Vec<_> = job.updates().collect().await;
    let states: Vec<(QueueStatus, Option<u64>)> = updates
        .iter()
        .map(|u| {
            u.as_ref()
                .map(|s| (s.state.clone(), s.queue_position))
                .expect("status")
        })
        .collect();
    assert_eq!(
        states.last().map(|s| &s.0),
        Some(&QueueStatus::Completed),
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
async fn a_wait_reports_each_status_change_to_its_callback_and_ends_with_the_output() {
    let emulator = Emulator::start(EmulatorConfig {
        workers: 1,
        ..EmulatorConfig::for_tests()
    })
    .await
    .expect("emulator");
    let client = client(&emulator);
    let _first = client.submit(&input()).await.expect("first");
    let job = client.submit(&input()).await.expect("second");
    let mut seen: Vec<(QueueStatus, Option<u64>)> = Vec::new();
    let output = job
        .wait()
        .on_status(|status| seen.push((status.state.clone(), status.queue_position)))
        .await
        .expect("finished");
    assert_eq!(output.request_id, job.request_id());
    assert_eq!(seen.last().map(|s| &s.0), Some(&QueueStatus::Completed));
    assert!(
        seen.windows(2).all(|w| w[0] != w[1]),
        "changes only: {seen:?}"
    );
    assert!(seen.len() >= 2, "seen queued or running first: {seen:?}");
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
    emulator.faults().push(Target::Status, Fault::Status(503));
    match job.wait().tolerate_failed_polls(0).await {
        Err(Error::ServiceUnavailable { status: 503, .. }) => {}
        other => panic!("{other:?}"),
    }
    emulator.faults().push(Target::Status, Fault::Status(503));
    job.wait()
        .tolerate_failed_polls(1)
        .await
        .expect("one failure waited out");
}

#[tokio::test]
async fn auth_errors_are_typed_and_a_missing_token_is_caught_before_sending() {
    let emulator = Emulator::start(EmulatorConfig {
        tokens: Some(vec![TOKEN.into()]),
        ..EmulatorConfig::for_tests()
    })
    .await
    .expect("emulator");
    let anonymous = Client::builder()
        .base_url(emulator.base_url())
        .build()
        .expect("client");
    assert!(matches!(
        anonymous.submit(&input()).await,
        Err(Error::MissingToken)
    ));
    assert_eq!(emulator.stats().requests(), 0);
    let wrong = Client::builder()
        .base_url(emulator.base_url())
        .token("not-the-token")
        .retry_policy(fast_retries())
        .build()
        .expect("client");
    assert!(matches!(
        wrong.submit(&input()).await,
        Err(Error::Authentication { .. })
    ));
    let job = client(&emulator).submit(&input()).await.expect("submitted");
    let other = Client::builder()
        .base_url(emulator.base_url())
        .token("not-the-token")
        .build()
        .expect("client");
    let error = other
        .resume(job.request_id())
        .status()
        .await
        .expect_err("401");
    assert_eq!(error.request_id(), Some(job.request_id()));
    let error = client(&emulator)
        .resume("0123456789abcdef")
        .status()
        .await
        .expect_err("unknown");
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
}

#[test]
fn plain_http_is_refused_except_for_loopback() {
    let error = Client::builder()
        .base_url("http://model-api.example.com/v1")
        .build()
        .expect_err("refused");
    assert!(
        error.to_string().contains("plain http is refused"),
        "{error}"
    );
    assert!(
        Client::builder()
            .base_url("http://127.0.0.1:8080/v1")
            .build()
            .is_ok()
    );
    assert!(
        Client::builder()
            .base_url("http://localhost:8080/v1")
            .build()
            .is_ok()
    );
    assert!(
        Client::builder()
            .base_url("https://model-api.runcomfy.net/v1")
            .build()
            .is_ok()
    );
    assert!(
        Client::builder()
            .base_url("https://user:pw@model-api.runcomfy.net/v1")
            .build()
            .is_err()
    );
}

#[tokio::test]
async fn a_redirect_to_another_host_does_not_carry_the_token() {
    use axum::routing::get;
    use std::sync::Mutex;
    let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let target = {
        let seen = seen.clone();
        let app = axum::Router::new().route(
            "/v1/requests/{id}/status",
            get(move |headers: axum::http::HeaderMap| async move {
                seen.lock().expect("lock").push(
                    headers
                        .get("authorization")
                        .map(|v| v.to_str().unwrap_or("").to_owned()),
                );
                axum::Json(json!({"request_id": "r1", "status": "in_queue", "queue_position": 3}))
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    };
    let redirector = {
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri| async move {
            axum::response::Redirect::temporary(&format!("http://{target}{uri}"))
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    };
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://{redirector}/v1"))
        .build()
        .expect("client");
    let status = client
        .resume("r1")
        .status()
        .await
        .expect("followed the redirect");
    assert_eq!(status.queue_position, Some(3));
    assert_eq!(
        *seen.lock().expect("lock"),
        vec![None],
        "the other host got no Authorization header"
    );
}

#[tokio::test]
async fn a_checked_input_is_submitted_without_checking_its_media_again() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let fetches = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let counter = fetches.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut request = [0u8; 2048];
                let _ = socket.read(&mut request).await;
                let image = runcomfy_emulator::fixtures::png_header(800, 600);
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    image.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&image).await;
            });
        }
    });
    let emulator = emulator().await;
    let client = client(&emulator);
    let input = json!({"image_url": format!("http://{address}/start.png")});
    let model = "kling/kling-1-6/pro/image-to-video";
    let checked = client.check(model, input.clone()).await.expect("valid");
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "the check reads the image once"
    );
    // The service (emulator) reads it too, for its own rules and to render
    // the video; only the difference between the two submits is the client's.
    client.submit_checked(&checked).await.expect("submitted");
    let by_service = fetches.load(Ordering::SeqCst) - 1;
    assert!(by_service >= 1, "the service reads the image");
    client.submit_json(model, &input).await.expect("submitted");
    assert_eq!(
        fetches.load(Ordering::SeqCst) - 1 - by_service,
        by_service + 1,
        "submit_json checks once more; submit_checked did not"
    );
}
