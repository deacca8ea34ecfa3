//! `runcomfy batch` against an emulator speaking each dialect the service
//! is known to answer in: each line's status, files and error words, and
//! the summary's counts, whatever the final words, the output's shape, the
//! shape of a failure's `error`, and `canceled` with one l.

use runcomfy_emulator::fixtures::png_data_uri;
use runcomfy_emulator::{CancelSpelling, Dialect, FinishedStatus};
use serde_json::{Value, json};

use crate::common::batch::{Batch, TOKEN, assert_mp4, inputs, results, summary};
use crate::common::command::{command, finish, finishing_at_submit, one_slow_worker};
use crate::common::command::{start_image, submit_no_wait};
use crate::common::dialects::{failures, served, successes};

/// An input whose job fails.
fn failing() -> String {
    json!({"image_url": png_data_uri(1280, 720), "prompt": "emulator:fail on purpose"}).to_string()
}

/// The summary's counts of succeeded, failed and cancelled lines.
fn counts(lines: &[Value]) -> [Value; 3] {
    let totals = summary(lines);
    ["succeeded", "failed", "cancelled"].map(|kind| totals[kind].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_final_word_and_output_shape_gives_each_line_its_files() {
    for (dialect, files) in successes() {
        let emulator = finishing_at_submit(|config| config.dialect = dialect).await;
        let mut lines = inputs(3);
        lines[1] = failing();
        let batch = Batch::new(&emulator, &lines);
        let run = batch.run(&["--json"]).await;
        assert_eq!(run.code, 1, "{dialect:?}: {}", run.explain());
        let printed = run.lines();
        let results = results(&printed);
        for line in [1, 3] {
            let result = &results[&line];
            assert_eq!(result["status"], "succeeded", "{dialect:?}: {result}");
            let id = result["request_id"].as_str().expect("the request id");
            let origin = emulator.address().to_string();
            assert_eq!(result["output"], served(&origin, id, dialect.output_shape));
            let downloaded = result["files"].as_array().expect("files");
            assert_eq!(downloaded.len(), files, "{dialect:?}: {result}");
            for file in downloaded {
                assert_mp4(batch.dir.path(), file.as_str().expect("a path"));
            }
        }
        assert_eq!(results[&2]["status"], "failed", "{dialect:?}");
        assert_eq!(counts(&printed), [json!(2), json!(1), json!(0)]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_lines_error_is_the_services_own_words_whatever_its_shape() {
    for (failure_error, said) in failures() {
        let dialect = Dialect {
            failure_error,
            finished_status: FinishedStatus::Outcome,
            ..Dialect::default()
        };
        let emulator = finishing_at_submit(|config| config.dialect = dialect).await;
        let batch = Batch::new(&emulator, &[failing()]);
        let run = batch.run(&["--json"]).await;
        run.assert_says(1, &format!("line 1: failed: {said}\n"));
        let printed = run.lines();
        let result = &results(&printed)[&1];
        assert_eq!(
            (&result["status"], &result["error"]),
            (&json!("failed"), &json!(said)),
            "{failure_error:?}"
        );
        let done = batch.records().into_iter().find(|r| r["event"] == "done");
        assert_eq!(done.expect("a done record")["error"], json!(said));
        assert_eq!(counts(&printed), [json!(0), json!(1), json!(0)]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_canceled_with_one_l_is_a_cancelled_line() {
    let emulator =
        one_slow_worker(|config| config.dialect.cancel_spelling = CancelSpelling::Canceled).await;
    // Another job takes the only worker: the line's waits in the queue, and
    // the first run gives up waiting for it at once.
    submit_no_wait(
        &emulator.base_url(),
        &format!("image_url=@{}", start_image()),
    )
    .await;
    let batch = Batch::new(&emulator, &inputs(1));
    let first = batch.run(&["--json", "--timeout", "0"]).await;
    assert_eq!(first.code, 75, "{}", first.explain());
    let queued = results(&first.lines())[&1]["request_id"].clone();
    let queued = queued.as_str().expect("the line's request id");
    // Cancelled elsewhere, with the batch's token: the job is its.
    let mut cancel = command(Some(&emulator.base_url()), &["cancel", queued]);
    cancel.env("RUNCOMFY_API_TOKEN", TOKEN);
    let cancel = finish(cancel).await;
    assert_eq!(cancel.code, 0, "{}", cancel.explain());

    let run = batch.run(&["--json"]).await;
    run.assert_says(1, "line 1: cancelled: the job was cancelled");
    let printed = run.lines();
    let result = &results(&printed)[&1];
    assert_eq!(
        (&result["status"], &result["request_id"]),
        (&json!("cancelled"), &json!(queued))
    );
    assert_eq!(counts(&printed), [json!(0), json!(0), json!(1)]);
    assert_eq!(batch.events()[&1], ["intent", "submitted", "done"]);
    assert_eq!(emulator.stats().submits(), 2, "nothing submitted again");
}
