//! Every exit code of `runcomfy` means what `--help` says: usage, invalid
//! input (also of `validate`), missing files, outputs that cannot be
//! written, a missing token, and services unavailable, slow or refusing.

use runcomfy_emulator::{EmulatorConfig, FaultRates};

mod common;
use common::command::{KLING, assert_mp4, command, emulator, finish, runcomfy, start_image};
use common::schema::check_schema;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_exit_code_means_what_the_help_says() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    let image = format!("image_url=@{}", start_image());
    let dir = tempfile::tempdir().expect("dir");
    let output_dir = dir.path().display().to_string();

    let ok = runcomfy(
        Some(&base),
        &["run", KLING, "--set", &image, "--output-dir", &output_dir],
    )
    .await;
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_mp4(ok.stdout.trim());

    let failed = runcomfy(
        Some(&base),
        &[
            "--json",
            "run",
            KLING,
            "--set",
            &image,
            "--set",
            "prompt=please emulator:fail",
            "--output-dir",
            &output_dir,
        ],
    )
    .await;
    assert_eq!(failed.code, 1, "{}", failed.stderr);
    check_schema("error-output.json", &failed.json());
    assert_eq!(failed.json()["error"]["kind"], "job_failed");

    assert_eq!(
        runcomfy(Some(&base), &["run"]).await.code,
        64,
        "a missing argument is a usage error"
    );
    assert_eq!(
        runcomfy(Some(&base), &["run", KLING, "--input", "[1]"])
            .await
            .code,
        64
    );
    assert_eq!(runcomfy(None, &["--version"]).await.code, 0);

    let submits = emulator.stats().submits();
    let invalid = runcomfy(
        Some(&base),
        &[
            "--json",
            "run",
            KLING,
            "--set",
            &image,
            "--set",
            "duration=7",
            "--set",
            "cfg_scale=2",
        ],
    )
    .await;
    assert_eq!(invalid.code, 65);
    let errors = invalid.json()["error"]["errors"]
        .as_array()
        .expect("errors")
        .len();
    assert_eq!(errors, 2, "every error listed");
    assert_eq!(emulator.stats().submits(), submits, "nothing was sent");
    assert_eq!(
        runcomfy(
            None,
            &[
                "validate",
                KLING,
                "--set",
                "image_url=https://example.com/a.png",
                "--set",
                "duration=7"
            ]
        )
        .await
        .code,
        65
    );
    assert_eq!(
        runcomfy(None, &["validate", KLING, "--set", &image])
            .await
            .code,
        0
    );

    assert_eq!(
        runcomfy(
            Some(&base),
            &["run", KLING, "--input-file", "/no/such/input.json"]
        )
        .await
        .code,
        66
    );
    assert_eq!(
        runcomfy(
            Some(&base),
            &["run", KLING, "--set", "image_url=@/no/such/start.png"]
        )
        .await
        .code,
        66
    );

    let file_in_the_way = dir.path().join("not-a-dir");
    std::fs::write(&file_in_the_way, b"x").expect("write");
    let blocked = runcomfy(
        Some(&base),
        &[
            "run",
            KLING,
            "--set",
            &image,
            "--output-dir",
            &file_in_the_way.display().to_string(),
        ],
    )
    .await;
    assert_eq!(blocked.code, 74, "{}", blocked.stderr);

    let mut anonymous = command(Some(&base), &["run", KLING, "--set", &image]);
    anonymous.env_remove("RUNCOMFY_API_TOKEN");
    assert_eq!(finish(anonymous).await.code, 77);
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

    let slow = emulator(EmulatorConfig {
        time_scale: 1.0,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let image = format!("image_url=@{}", start_image());
    let outcome = runcomfy(
        Some(&slow.base_url()),
        &["run", KLING, "--set", &image, "--timeout", "1"],
    )
    .await;
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
    let outcome = runcomfy(Some(&guarded.base_url()), &["run", KLING, "--set", &image]).await;
    assert_eq!(outcome.code, 77, "{}", outcome.stderr);
}
