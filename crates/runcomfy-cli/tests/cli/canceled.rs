//! `canceled` with one l, as the service is known to spell it on the
//! status, result and cancel answers: `cancel`, `status`, `result` and
//! `wait` read it as cancelled and say it in the CLI's one spelling.

use runcomfy_emulator::CancelSpelling;
use serde_json::json;

use crate::common::command::{one_slow_worker, runcomfy, start_image, submit_no_wait};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_canceled_with_one_l_is_cancelled_to_every_command() {
    let emulator =
        one_slow_worker(|config| config.dialect.cancel_spelling = CancelSpelling::Canceled).await;
    let base = emulator.base_url();
    let image = format!("image_url=@{}", start_image());
    // The first job takes the only worker; the second waits in the queue.
    let _running = submit_no_wait(&base, &image).await;
    let queued = submit_no_wait(&base, &image).await;

    let cancel = runcomfy(Some(&base), &["--json", "cancel", &queued]).await;
    assert_eq!(cancel.code, 0, "{}", cancel.explain());
    assert_eq!(
        cancel.json(),
        json!({"request_id": queued, "outcome": "cancelled"})
    );

    let status = runcomfy(Some(&base), &["status", &queued]).await;
    assert_eq!(status.code, 0, "{}", status.explain());
    assert_eq!(status.stdout, format!("{queued}: cancelled\n"));
    let status = runcomfy(Some(&base), &["--json", "status", &queued]).await;
    assert_eq!(status.json()["status"], "cancelled");

    for command in ["result", "wait"] {
        let outcome = runcomfy(Some(&base), &["--json", command, &queued]).await;
        outcome.assert_says(1, &format!("job {queued} was cancelled"));
        let error = outcome.error_document();
        assert_eq!(
            (&error["kind"], &error["request_id"]),
            (&json!("cancelled"), &json!(queued)),
            "{command}"
        );
    }
    assert_eq!(emulator.stats().submits(), 2);
}
