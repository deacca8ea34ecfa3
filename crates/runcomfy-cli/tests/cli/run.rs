//! `runcomfy run` end to end against an emulator.
//!
//! Every input style, the `--json` output against its schema, verbose logs,
//! and the token never in any output.

use std::process::Stdio;

use runcomfy_emulator::EmulatorConfig;
use tokio::io::AsyncWriteExt as _;

use crate::common::command::{
    KLING, Outcome, assert_mp4, command, emulator, finish, output_dir, run_args, runcomfy,
    start_image,
};
use crate::common::schema::check_schema;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_accepts_every_input_style_and_downloads_the_video() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    let dir = tempfile::tempdir().expect("dir");
    let out = |name: &str| dir.path().join(name).display().to_string();
    let image = runcomfy_emulator::fixtures::png_data_uri(1280, 720);
    let input = serde_json::json!({"image_url": image, "prompt": "a dolly shot"}).to_string();
    let input_file = dir.path().join("input.json");
    std::fs::write(&input_file, &input).expect("write");
    let image_arg = format!("image_url=@{}", start_image());

    let styles: Vec<(&str, Vec<String>, Option<String>)> = vec![
        ("input", vec!["--input".into(), input.clone()], None),
        (
            "file",
            vec!["--input-file".into(), input_file.display().to_string()],
            None,
        ),
        (
            "stdin",
            vec!["--input-file".into(), "-".into()],
            Some(input.clone()),
        ),
        (
            "set",
            vec![
                "--set".into(),
                image_arg,
                "--set".into(),
                "duration=10".into(),
                "--set".into(),
                "cfg_scale=0.7".into(),
            ],
            None,
        ),
    ];
    for (name, style, stdin) in styles {
        let output_dir = out(name);
        let mut args = vec!["--json", "run", KLING, "--output-dir", &output_dir];
        args.extend(style.iter().map(String::as_str));
        let mut command = command(Some(&base), &args);
        let outcome = if let Some(text) = stdin {
            command.stdin(Stdio::piped());
            let mut child = command.spawn().expect("spawn");
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(text.as_bytes())
                .await
                .expect("write");
            let output = child.wait_with_output().await.expect("runs");
            Outcome::of(&output)
        } else {
            finish(command).await
        };
        assert_eq!(outcome.code, 0, "{name}: {}", outcome.stderr);
        let document = outcome.json();
        check_schema("run-output.json", &document);
        let files = document["files"].as_array().expect("files");
        assert_eq!(files.len(), 1, "{name}");
        assert_mp4(files[0].as_str().expect("path"));
    }
    assert_eq!(emulator.stats().submits(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_logs_carry_request_ids_but_never_the_token() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let image = format!("image_url=@{}", start_image());
    let (_dir, out) = output_dir();
    let verbose = [&["-vv"][..], &run_args(&image, &out)].concat();
    let outcome = runcomfy(Some(&emulator.base_url()), &verbose).await;
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(outcome.stderr.contains("request_id"), "{}", outcome.stderr);
}
