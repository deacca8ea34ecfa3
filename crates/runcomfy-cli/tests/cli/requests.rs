//! `status`, `result`, `cancel` and `wait` on a job submitted with `--no-wait`.

use runcomfy_emulator::{EmulatorConfig, Fault, Target};

use crate::common::command::{emulator, output_dir, runcomfy, start_image, submit_no_wait};
use crate::common::schema::check_schema;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_wait_status_result_cancel_and_wait_resume_a_job() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    let image = format!("image_url=@{}", start_image());
    let id = submit_no_wait(&base, &image).await;
    let (_dir, out) = output_dir();
    let waited = runcomfy(Some(&base), &["--json", "wait", &id, "--output-dir", &out]).await;
    assert_eq!(waited.code, 0, "{}", waited.stderr);
    check_schema("run-output.json", &waited.json());
    let status = runcomfy(Some(&base), &["--json", "status", &id]).await;
    assert_eq!(status.json()["status"], "completed");
    let result = runcomfy(Some(&base), &["result", &id]).await;
    assert!(
        result.stdout.trim().ends_with("/output.mp4"),
        "{}",
        result.stdout
    );
    let cancel = runcomfy(Some(&base), &["--json", "cancel", &id]).await;
    assert_eq!(cancel.json()["outcome"], "not_cancellable");
    emulator.faults().push(Target::Status, Fault::Status(503));
    assert_eq!(
        runcomfy(Some(&base), &["status", &id]).await.code,
        0,
        "retried"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_id_that_cannot_be_one_is_refused_before_any_request() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    for command in ["status", "result", "cancel", "wait"] {
        for id in ["../x", "a/b", "", &"x".repeat(129)] {
            let outcome = runcomfy(Some(&base), &["--json", command, id]).await;
            assert_eq!(outcome.code, 64, "{command} {id:?}: {}", outcome.stderr);
            let document = outcome.json();
            check_schema("error-output.json", &document);
            assert_eq!(document["error"]["kind"], "invalid_request_id");
            assert!(
                outcome.stderr.contains("a request id is 1 to 128 letters"),
                "{}",
                outcome.stderr
            );
        }
    }
    assert_eq!(
        emulator.stats().requests(),
        0,
        "nothing reached the service"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_request_id_says_that_requests_and_outputs_expire() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    for command in ["status", "result", "wait"] {
        let outcome = runcomfy(Some(&base), &["--json", command, "0123456789abcdef"]).await;
        assert_eq!(outcome.code, 1, "{command}: {}", outcome.explain());
        let error = outcome.error_document();
        assert_eq!(error["kind"], "not_found");
        assert_eq!(error["request_id"], "0123456789abcdef");
        assert!(
            outcome.stderr.contains(
                "has expired (the service keeps requests and their outputs for a limited time)"
            ),
            "{command}: {}",
            outcome.explain()
        );
    }
}
