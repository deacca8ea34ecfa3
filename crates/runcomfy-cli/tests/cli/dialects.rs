//! `runcomfy run` against an emulator speaking each dialect the service is
//! known to answer in: `succeeded` or `failed` on the status, `completed`
//! on the result, outputs under `videos` or beside a `preview` key, and a
//! failure's `error` as a string, an object or a list.
//!
//! A success exits 0 with every file downloaded and `--json` keeping the
//! output as given; a failure exits 1 with the service's own words.

use futures::future::join_all;
use runcomfy_emulator::{Dialect, FinishedStatus};

use crate::common::command::{
    Outcome, assert_mp4, finishing_at_submit, output_dir, run_args, runcomfy, start_image,
};
use crate::common::dialects::{failures, served, successes};
use crate::common::schema::check_schema;

/// What `runcomfy --json run` did against an emulator of a dialect.
struct Ran {
    outcome: Outcome,
    /// The emulator's `host:port`.
    origin: String,
    /// Where it downloaded.
    _dir: tempfile::TempDir,
}

/// `runcomfy --json run` of the start image (with `extra`) against an
/// emulator speaking `dialect`, downloading into a directory of its own.
async fn run_in(dialect: Dialect, extra: &[&str]) -> Ran {
    let emulator = finishing_at_submit(|config| config.dialect = dialect).await;
    let image = format!("image_url=@{}", start_image());
    let (dir, out) = output_dir();
    let args = [&["--json"][..], &run_args(&image, &out), extra].concat();
    let outcome = runcomfy(Some(&emulator.base_url()), &args).await;
    let origin = emulator.address().to_string();
    Ran {
        outcome,
        origin,
        _dir: dir,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_final_word_and_output_shape_ends_in_every_file_downloaded() {
    let runs = successes()
        .map(|(dialect, files)| async move { (dialect, files, run_in(dialect, &[]).await) });
    for (dialect, files, ran) in join_all(runs).await {
        let Ran {
            outcome,
            origin,
            _dir,
        } = ran;
        assert_eq!(outcome.code, 0, "{dialect:?}: {}", outcome.explain());
        let document = outcome.json();
        check_schema("run-output.json", &document);
        let id = document["request_id"].as_str().expect("the request id");
        assert_eq!(
            document["output"],
            served(&origin, id, dialect.output_shape),
            "{dialect:?}: the output as given"
        );
        let downloaded = document["files"].as_array().expect("files");
        assert_eq!(downloaded.len(), files, "{dialect:?}: {document}");
        for file in downloaded {
            assert_mp4(file.as_str().expect("a path"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_job_exits_1_in_the_services_own_words_whatever_its_shape() {
    let dialects = failures().into_iter().flat_map(|(failure_error, said)| {
        [FinishedStatus::Completed, FinishedStatus::Outcome].map(|finished_status| {
            let dialect = Dialect {
                failure_error,
                finished_status,
                ..Dialect::default()
            };
            (dialect, said.clone())
        })
    });
    let failing = ["--set", "prompt=emulator:fail on purpose"];
    let runs = dialects.map(|(dialect, said)| async move {
        (dialect, said, run_in(dialect, &failing).await.outcome)
    });
    for (dialect, said, outcome) in join_all(runs).await {
        outcome.assert_says(1, &said);
        let error = outcome.error_document();
        assert_eq!(error["kind"], "job_failed", "{dialect:?}");
        let message = error["message"].as_str().expect("message");
        assert!(message.ends_with(&format!(" failed: {said}")), "{message}");
        assert!(error["request_id"].is_string(), "{error}");
    }
}
