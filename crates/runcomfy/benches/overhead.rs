//! What the client costs over bare HTTP: `Client::run` (validate, submit,
//! poll, result, with retries, budget and typed parsing) against the emulator
//! with zero job time, side by side with the same HTTP calls made with bare
//! reqwest (submit, status until completed, result), in one run.
//!
//! `cargo bench -p runcomfy --bench overhead [RUNS]`. Target: under 1.1×.

#![allow(missing_docs, clippy::print_stdout, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use runcomfy::models::kling::kling_1_6::pro::image_to_video::Input;
use runcomfy_testkit::bench::{Measured, argument, report_rows};
use serde_json::Value;

mod common;

fn image() -> String {
    runcomfy_emulator::fixtures::png_data_uri(1280, 720)
}

/// `GET url` with the token, its body as JSON.
async fn get_json(http: &reqwest::Client, url: &str) -> Value {
    let answer = http.get(url).bearer_auth("t").send().await.unwrap();
    answer.json().await.unwrap()
}

async fn bare(http: &reqwest::Client, base: &str, body: &Value) {
    let submitted: Value = http
        .post(format!("{base}/models/kling/kling-1-6/pro/image-to-video"))
        .bearer_auth("t")
        .json(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = submitted["request_id"].as_str().unwrap();
    let status = format!("{base}/requests/{id}/status");
    // Polls without pause, as the client under test does.
    while get_json(http, &status).await["status"] != "completed" {}
    let result = get_json(http, &format!("{base}/requests/{id}/result")).await;
    assert_eq!(result["status"], "succeeded");
}

fn main() {
    let runs: usize = argument(0, 300);
    // The emulator on its own runtime and thread.
    let emulator = common::emulator(|config| config.workers = 64);
    let (base, stats) = (emulator.base_url().to_owned(), emulator.stats().clone());
    common::runtime().block_on(async {
        let client = common::client(&base);
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let input: Input = Input::builder().image_url(image()).try_into().unwrap();
        let body = serde_json::to_value(&input).unwrap();
        // Warm up connections and caches.
        for _ in 0..20 {
            client.run(&input).await.unwrap();
            bare(&http, &base, &body).await;
        }
        let (mut ours, mut theirs, mut our_calls, mut bare_calls) = (Duration::ZERO, Duration::ZERO, 0, 0);
        // Interleaved blocks, so drift hits both sides alike; calls are
        // counted on the emulator's side.
        for _ in 0..runs / 10 {
            let before = stats.requests();
            let started = Instant::now();
            for _ in 0..10 {
                client.run(&input).await.unwrap();
            }
            ours += started.elapsed();
            our_calls += stats.requests() - before;
            let before = stats.requests();
            let started = Instant::now();
            for _ in 0..10 {
                bare(&http, &base, &body).await;
            }
            theirs += started.elapsed();
            bare_calls += stats.requests() - before;
        }
        let n = (runs / 10 * 10) as f64;
        let ours_us = ours.as_secs_f64() * 1e6 / n;
        let bare_us = theirs.as_secs_f64() * 1e6 / n;
        println!("\nclient overhead, {} runs each, emulator with zero job time, loopback\n", n as usize);
        println!("| path | µs per job (submit → done → result) | HTTP calls per job |");
        println!("| --- | ---: | ---: |");
        println!("| bare reqwest (baseline) | {bare_us:.0} | {:.1} |", bare_calls as f64 / n);
        println!("| runcomfy `Client::run` (validation incl. media, retries, budget, typed) | {ours_us:.0} | {:.1} |", our_calls as f64 / n);
        let ratio = ours_us / bare_us;
        println!("\nratio {ratio:.3}×: {} the target (< 1.1×)", if ratio < 1.1 { "meets" } else { "MISSES" });
        let row = Measured::new("lifecycle overhead (run, zero job time)", "µs/job", ours_us)
            .against("bare reqwest, same calls", bare_us)
            .judged("< 1.1×", ratio < 1.1);
        report_rows(&[row]).unwrap();
    });
}
