//! What the client costs over bare HTTP: `Client::run` (validate, submit,
//! poll, result, with retries, budget and typed parsing) against the emulator
//! with zero job time, side by side with the same HTTP calls made with bare
//! reqwest (submit, status until completed, result), in one run.
//!
//! `cargo bench -p runcomfy --bench overhead [RUNS]`. Target: under 1.1×.

#![allow(missing_docs, clippy::print_stdout, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use runcomfy::Client;
use runcomfy::models::kling_1_6_pro_image_to_video::Input;
use runcomfy::poll::{FixedInterval, RequestBudget};
use runcomfy_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;

fn image() -> String {
    runcomfy_emulator::fixtures::png_data_uri(1280, 720)
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
    loop {
        let status: Value = http
            .get(format!("{base}/requests/{id}/status"))
            .bearer_auth("t")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if status["status"] == "completed" {
            break;
        }
    }
    let result: Value = http
        .get(format!("{base}/requests/{id}/result"))
        .bearer_auth("t")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(result["status"], "succeeded");
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    // The emulator on its own runtime and thread.
    let emulator = Emulator::start_in_background(EmulatorConfig {
        time_scale: 0.0,
        workers: 64,
        ..EmulatorConfig::default()
    })
    .unwrap();
    let (base, stats) = (emulator.base_url().to_owned(), emulator.stats().clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = Client::builder()
            .base_url(&base)
            .token("t")
            .poll_policy(FixedInterval(Duration::ZERO))
            .request_budget(Arc::new(RequestBudget::unlimited()))
            .build()
            .unwrap();
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
        runcomfy_testkit::bench::report_rows(serde_json::json!([{
            "scenario": "lifecycle overhead (run, zero job time)",
            "unit": "µs/job",
            "ours": ours_us,
            "baseline": bare_us,
            "baseline_name": "bare reqwest, same calls",
            "ratio": ratio,
            "target": "< 1.1×",
            "pass": ratio < 1.1,
        }])).unwrap();
    });
}
