//! Every exit code of `runcomfy` means what `--help` says.
//!
//! Usage, invalid input (also of `validate`), missing files, outputs that
//! cannot be written, a missing token, and services unavailable, slow or
//! refusing.

use std::path::Path;

use runcomfy_emulator::{Emulator, EmulatorConfig, FaultRates};

use crate::common::command::{
    KLING, Outcome, assert_mp4, command, emulator, emulator_with, exit_code, finish, run_args,
    runcomfy, start_image,
};
use crate::common::schema::check_schema;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_exit_code_means_what_the_help_says() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    let image = format!("image_url=@{}", start_image());
    let dir = tempfile::tempdir().expect("dir");

    a_job_that_succeeds_or_fails_exits_0_or_1(&base, &image, dir.path()).await;
    usage_errors_exit_64(&base).await;
    invalid_input_exits_65_and_nothing_is_sent(&emulator, &image).await;
    missing_input_files_exit_66(&base).await;
    an_output_that_cannot_be_written_exits_74(&base, &image, dir.path()).await;

    let mut anonymous = command(Some(&base), &["run", KLING, "--set", &image]);
    anonymous.env_remove("RUNCOMFY_API_TOKEN");
    assert_eq!(finish(anonymous).await.code, 77);
}

async fn a_job_that_succeeds_or_fails_exits_0_or_1(base: &str, image: &str, dir: &Path) {
    let output_dir = dir.display().to_string();
    let ok = runcomfy(Some(base), &run_args(image, &output_dir)).await;
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_mp4(ok.stdout.trim());

    let failing = ["--set", "prompt=please emulator:fail"];
    let failed = [&["--json"][..], &run_args(image, &output_dir), &failing].concat();
    let failed = runcomfy(Some(base), &failed).await;
    assert_eq!(failed.code, 1, "{}", failed.stderr);
    check_schema("error-output.json", &failed.json());
    assert_eq!(failed.json()["error"]["kind"], "job_failed");
}

async fn usage_errors_exit_64(base: &str) {
    assert_eq!(
        runcomfy(Some(base), &["run"]).await.code,
        64,
        "a missing argument is a usage error"
    );
    let not_an_object = ["run", KLING, "--input", "[1]"];
    assert_eq!(exit_code(Some(base), &not_an_object).await, 64);
    assert_eq!(runcomfy(None, &["--version"]).await.code, 0);
}

async fn invalid_input_exits_65_and_nothing_is_sent(emulator: &Emulator, image: &str) {
    let base = emulator.base_url();
    let submits = emulator.stats().submits();
    let wrong = ["--set", "duration=7", "--set", "cfg_scale=2"];
    let invalid = [&["--json", "run", KLING, "--set", image][..], &wrong].concat();
    let invalid = runcomfy(Some(&base), &invalid).await;
    assert_eq!(invalid.code, 65);
    let errors = invalid.json()["error"]["errors"]
        .as_array()
        .expect("errors")
        .len();
    assert_eq!(errors, 2, "every error listed");
    assert_eq!(emulator.stats().submits(), submits, "nothing was sent");
    let remote = "image_url=https://example.com/a.png";
    let invalid = ["validate", KLING, "--set", remote, "--set", "duration=7"];
    assert_eq!(exit_code(None, &invalid).await, 65);
    let valid = ["validate", KLING, "--set", image];
    assert_eq!(exit_code(None, &valid).await, 0);
}

async fn missing_input_files_exit_66(base: &str) {
    for missing in [
        ["run", KLING, "--input-file", "/no/such/input.json"],
        ["run", KLING, "--set", "image_url=@/no/such/start.png"],
    ] {
        assert_eq!(exit_code(Some(base), &missing).await, 66);
    }
}

async fn an_output_that_cannot_be_written_exits_74(base: &str, image: &str, dir: &Path) {
    let file_in_the_way = dir.join("not-a-dir");
    std::fs::write(&file_in_the_way, b"x").expect("write");
    let blocked = file_in_the_way.display().to_string();
    let blocked = runcomfy(Some(base), &run_args(image, &blocked)).await;
    assert_eq!(blocked.code, 74, "{}", blocked.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unavailable_slow_and_rejected_services_map_to_69_75_and_77() {
    let broken = emulator(EmulatorConfig {
        faults: FaultRates {
            server_error: 1.0,
            ..FaultRates::default()
        },
        ..EmulatorConfig::for_tests()
    })
    .await;
    let outcome = runcomfy(Some(&broken.base_url()), &["status", "0123456789abcdef"]).await;
    assert_eq!(outcome.code, 69, "{}", outcome.stderr);

    let outcome = run_on_slow_jobs(&[], "1").await;
    assert_eq!(outcome.code, 75, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("deadline exceeded"),
        "{}",
        outcome.stderr
    );

    let guarded = emulator(EmulatorConfig {
        tokens: Some(vec!["the-only-token".into()]),
        ..EmulatorConfig::for_tests()
    })
    .await;
    let image = format!("image_url=@{}", start_image());
    let outcome = runcomfy(Some(&guarded.base_url()), &["run", KLING, "--set", &image]).await;
    assert_eq!(outcome.code, 77, "{}", outcome.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_says_how_long_it_waited_and_the_last_status_seen() {
    let outcome = run_on_slow_jobs(&["--json"], "2").await;
    assert_eq!(outcome.code, 75, "{}", outcome.stderr);
    let document = outcome.json();
    check_schema("error-output.json", &document);
    let message = document["error"]["message"].as_str().expect("message");
    assert_eq!(document["error"]["kind"], "deadline_exceeded", "{message}");
    let waited = message
        .split_once("after ")
        .and_then(|(_, rest)| rest.split_once("s waiting"))
        .and_then(|(secs, _)| secs.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no time waited in seconds: {message}"));
    assert!(
        (1.9..10.0).contains(&waited),
        "waited {waited} s: {message}"
    );
    assert!(
        message.contains("(last status: in_queue)")
            || message.contains("(last status: in_progress)"),
        "{message}"
    );
}

/// `runcomfy FLAGS run KLING --set image_url=@start.png --timeout SECONDS`
/// against an emulator whose jobs take minutes (time scale 1), so the
/// timeout ends the wait while the job runs.
async fn run_on_slow_jobs(flags: &[&str], seconds: &str) -> Outcome {
    let slow = emulator_with(|config| config.time_scale = 1.0).await;
    let image = format!("image_url=@{}", start_image());
    let mut args = flags.to_vec();
    args.extend(["run", KLING, "--set", &image, "--timeout", seconds]);
    runcomfy(Some(&slow.base_url()), &args).await
}
