//! A submit is retried only when the service certainly did not take it;
//! any other failure is an unknown outcome, never sent again.

use std::sync::Arc;

use runcomfy::poll::RequestBudget;
use runcomfy::{Client, Error, SubmitOutcome};
use runcomfy_emulator::{Fault, Target};

use crate::common::{TOKEN, client, emulator, fast_retries, input};

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

    let hiding = [
        (500, "a 500 may hide an accepted job"),
        (502, "a gateway may hide a job"),
    ];
    for (status, why) in hiding {
        emulator
            .faults()
            .push(Target::Submit, Fault::Status(status));
        assert!(
            matches!(
                client.submit(&input()).await,
                Err(Error::OutcomeUnknown { .. })
            ),
            "{why}"
        );
    }
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
