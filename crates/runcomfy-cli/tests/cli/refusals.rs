//! The service's refusals, planned on the emulator, end to end with their
//! exit codes: a rejected token (401) and another user's request (403) exit
//! 77; an insufficient balance (402) exits 1 and is never retried; an
//! unknown or expired request (404, 404001) exits 1 saying that outputs
//! expire; an invalid input (400 or 422) exits 65 listing each field's
//! words, whatever the shape of `detail`.

use runcomfy_emulator::{Detail, Emulator, EmulatorConfig, Fault, Target};
use serde_json::{Value, json};

use crate::common::command::{KLING, Outcome, emulator, runcomfy, start_image, submit_no_wait};

/// `runcomfy --json run` of the start image against `emulator`, whose next
/// submit gets `refusal`.
async fn submit_refused(emulator: &Emulator, refusal: Fault) -> Outcome {
    emulator.faults().push(Target::Submit, refusal);
    let image = format!("image_url=@{}", start_image());
    let run = ["--json", "run", KLING, "--set", &image];
    runcomfy(Some(&emulator.base_url()), &run).await
}

/// `runcomfy --json COMMAND ID` against `emulator`, whose next call gets
/// `refusal`.
async fn refused_about(emulator: &Emulator, command: &str, id: &str, refusal: Fault) -> Outcome {
    emulator.faults().push(Target::Any, refusal);
    runcomfy(Some(&emulator.base_url()), &["--json", command, id]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_and_another_users_request_exit_77() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let rejected = submit_refused(&emulator, Fault::Unauthorized).await;
    rejected.assert_says(
        77,
        "authentication failed: invalid, expired or revoked token (injected fault)",
    );
    assert_eq!(rejected.error_document()["kind"], "authentication");
    assert_eq!(emulator.stats().submits(), 0);

    let image = format!("image_url=@{}", start_image());
    let id = submit_no_wait(&emulator.base_url(), &image).await;
    let theirs = refused_about(&emulator, "status", &id, Fault::Forbidden).await;
    theirs.assert_says(
        77,
        &format!(
            "permission denied (request {id}): the request belongs to another user (injected fault)"
        ),
    );
    let error = theirs.error_document();
    assert_eq!(
        (&error["kind"], &error["request_id"]),
        (&json!("permission"), &json!(id))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_insufficient_balance_exits_1_and_is_never_retried() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let broke = submit_refused(&emulator, Fault::InsufficientBalance).await;
    broke.assert_says(1, "insufficient balance: insufficient balance (injected fault); the account cannot pay for this job: add funds, then submit again (a balance error is never retried)");
    assert_eq!(broke.error_document()["kind"], "insufficient_balance");
    // Only the next submit is refused: a retry would have been accepted.
    assert_eq!(emulator.stats().submits(), 0, "never retried");
    assert_eq!(emulator.stats().requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_the_service_no_longer_knows_exits_1_saying_that_outputs_expire() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let image = format!("image_url=@{}", start_image());
    let id = submit_no_wait(&emulator.base_url(), &image).await;
    for command in ["status", "result", "wait"] {
        let gone = refused_about(&emulator, command, &id, Fault::NotFound).await;
        gone.assert_says(
            1,
            "has expired (the service keeps requests and their outputs for a limited time)",
        );
        let error = gone.error_document();
        assert_eq!(
            (&error["kind"], &error["request_id"]),
            (&json!("not_found"), &json!(id)),
            "{command}"
        );
    }
}

/// The `errors` of the CLI's document for each shape of the emulator's
/// `detail`: each field's words.
fn listed(detail: Detail) -> Value {
    let duration =
        json!({"field": "duration", "pointer": "/duration", "message": "must be one of 5, 10"});
    let text = |message: &str| json!({"field": "input", "pointer": "", "message": message});
    match detail {
        Detail::Text => json!([text("duration must be one of 5, 10")]),
        Detail::Texts => json!([
            text("duration must be one of 5, 10"),
            text("cfg_scale must be at most 1")
        ]),
        Detail::Fields | Detail::FastApi => json!([duration]),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_input_the_service_refuses_exits_65_listing_each_fields_words() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    for status in [400, 422] {
        for detail in [Detail::Text, Detail::Texts, Detail::Fields, Detail::FastApi] {
            let refused = submit_refused(&emulator, Fault::InvalidInput { status, detail }).await;
            let errors = listed(detail);
            // It was sent: the words do not say that nothing was.
            refused.assert_says(65, ": the service refused it, no job was created\n");
            for error in errors.as_array().expect("a list") {
                let words = format!(
                    "\n  {}: {}",
                    error["field"].as_str().expect("field"),
                    error["message"].as_str().expect("message")
                );
                refused.assert_says(65, &words);
            }
            let document = refused.error_document();
            assert_eq!(document["kind"], "invalid_input", "{status} {detail:?}");
            assert_eq!(document["errors"], errors, "{status} {detail:?}");
        }
    }
    assert_eq!(emulator.stats().submits(), 0);
}
