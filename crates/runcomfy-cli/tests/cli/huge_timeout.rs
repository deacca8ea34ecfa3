//! `--timeout 18446744073709551615` on `run`, `wait` and `batch` works.
//!
//! A deadline beyond a century is no deadline, so the command waits as
//! without one and succeeds; it panicked adding the seconds to the clock
//! before.

use runcomfy_emulator::EmulatorConfig;

use crate::common::batch::start;
use crate::common::command::{
    emulator, output_dir, run_args, runcomfy, start_image, submit_no_wait,
};

const LARGEST: &str = "18446744073709551615";

/// `runcomfy ARGS --timeout LARGEST` exits 0 with the downloaded video.
async fn downloads_with_the_largest_timeout(base: &str, args: &[&str]) {
    let args = [args, &["--timeout", LARGEST]].concat();
    let outcome = runcomfy(Some(base), &args).await;
    assert_eq!(outcome.code, 0, "{}", outcome.explain());
    let video = outcome.stdout.trim().ends_with("output.mp4");
    assert!(video, "{}", outcome.explain());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_with_the_largest_timeout_waits_as_without_one() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let image = format!("image_url=@{}", start_image());
    let (_dir, out) = output_dir();
    downloads_with_the_largest_timeout(&emulator.base_url(), &run_args(&image, &out)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_with_the_largest_timeout_waits_as_without_one() {
    let emulator = emulator(EmulatorConfig::for_tests()).await;
    let base = emulator.base_url();
    let id = submit_no_wait(&base, &format!("image_url=@{}", start_image())).await;
    let (_dir, out) = output_dir();
    downloads_with_the_largest_timeout(&base, &["wait", &id, "--output-dir", &out]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_with_the_largest_timeout_waits_as_without_one() {
    let (emulator, batch) = start(2).await;
    let run = batch.run(&["--json", "--timeout", LARGEST]).await;
    assert_eq!(run.code, 0, "{}", run.explain());
    assert_eq!(run.status_of(1), "succeeded");
    assert_eq!(run.status_of(2), "succeeded");
    assert_eq!(emulator.stats().submits(), 2);
}
