//! `status`, `result`, `cancel` and `wait` on a job submitted with `--no-wait`.

use runcomfy_emulator::{EmulatorConfig, Fault, Target};

mod common;
use common::command::{emulator, output_dir, runcomfy, start_image, submit_no_wait};
use common::schema::check_schema;

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
