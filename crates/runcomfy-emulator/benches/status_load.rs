//! Status polls per second against the emulator, driven from a second
//! process on loopback with 1,000 jobs in flight; the emulator's own HTTP
//! floor (an unknown path answered with the error body, no auth, no lookup)
//! is measured side by side in the same run.
//!
//! `cargo bench -p runcomfy-emulator --bench status_load` (optional
//! arguments: seconds per scenario, connections). Target: at least 20,000
//! status answers per second with p99 under 5 ms on 2 cores.

#![allow(
    missing_docs,
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used
)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use runcomfy_testkit::bench::{Measured, argument, report_rows};

const JOBS: usize = 1000;
const TOKEN: &str = "bench-token";

fn input() -> String {
    // A 1280×720 PNG header: the emulator checks media from headers only.
    let image = runcomfy_emulator::fixtures::png_data_uri(1280, 720);
    format!(r#"{{"image_url": "{image}", "prompt": "bench"}}"#)
}

struct Scenario {
    name: &'static str,
    answers: usize,
    seconds: f64,
    latencies_us: Vec<u32>,
}

impl Scenario {
    fn percentile(&self, p: f64) -> f64 {
        let index = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        f64::from(self.latencies_us.get(index).copied().unwrap_or(0)) / 1000.0
    }
}

async fn connect(address: &str) -> hyper::client::conn::http1::SendRequest<Full<Bytes>> {
    let stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    sender
}

async fn drive(
    name: &'static str,
    address: &str,
    paths: Arc<Vec<String>>,
    expected: u16,
    connections: usize,
    seconds: f64,
) -> Scenario {
    let end = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for c in 0..connections {
        let paths = paths.clone();
        let address = address.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut sender = connect(&address).await;
            let mut latencies = Vec::new();
            let mut n = c;
            while Instant::now() < end {
                let path = &paths[n % paths.len()];
                n += connections;
                let request = Request::get(path.as_str())
                    .header("host", address.as_str())
                    .header("authorization", format!("Bearer {TOKEN}"))
                    .body(Full::new(Bytes::new()))
                    .unwrap();
                let started = Instant::now();
                let response = sender.send_request(request).await.unwrap();
                assert_eq!(response.status(), expected, "{path}");
                let _ = response.into_body().collect().await.unwrap();
                latencies.push(started.elapsed().as_micros() as u32);
            }
            latencies
        }));
    }
    let started = Instant::now();
    let mut latencies_us = Vec::new();
    for task in tasks {
        latencies_us.extend(task.await.unwrap());
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies_us.sort_unstable();
    Scenario {
        name,
        answers: latencies_us.len(),
        seconds,
        latencies_us,
    }
}

fn main() {
    let seconds: f64 = argument(0, 5.0);
    let connections: usize = argument(1, 32);

    let (mut child, address) = spawn_emulator();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let status_paths = Arc::new(submit_jobs(&address).await);
        let floor_paths = Arc::new(vec!["/v1/nothing".to_owned()]);
        // Warm up both paths, then measure each.
        drive(
            "warm-up",
            &address,
            status_paths.clone(),
            200,
            connections,
            1.0,
        )
        .await;
        let floor = drive(
            "baseline: HTTP floor (404 error body)",
            &address,
            floor_paths,
            404,
            connections,
            seconds,
        )
        .await;
        let status = drive(
            "status polls, 1,000 jobs in flight",
            &address,
            status_paths,
            200,
            connections,
            seconds,
        )
        .await;
        print_table(connections, seconds, &floor, &status);
        report(&floor, &status);
    });
    let _ = child.kill();
    let _ = child.wait();
}

/// The emulator, in its own process; realistic durations keep every job in
/// flight. Returns the child and the address it printed.
fn spawn_emulator() -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_runcomfy-emulator"))
        .args([
            "--port",
            "0",
            "--time-scale",
            "1",
            "--workers",
            "4",
            "--max-jobs",
            "2000",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("emulator binary");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.trim().rsplit(' ').next().unwrap().to_owned();
    let address = base
        .trim_start_matches("http://")
        .trim_end_matches("/v1")
        .to_owned();
    (child, address)
}

/// Submits [`JOBS`] jobs; returns the status path of each.
async fn submit_jobs(address: &str) -> Vec<String> {
    let body = Bytes::from(input());
    let mut sender = connect(address).await;
    let mut status_paths = Vec::with_capacity(JOBS);
    for _ in 0..JOBS {
        let request = Request::post("/v1/models/kling/kling-1-6/pro/image-to-video")
            .header("host", address)
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("content-type", "application/json")
            .body(Full::new(body.clone()))
            .unwrap();
        let response = sender.send_request(request).await.unwrap();
        assert_eq!(response.status(), 200);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let answer: serde_json::Value = serde_json::from_slice(&body).unwrap();
        status_paths.push(format!(
            "/v1/requests/{}/status",
            answer["request_id"].as_str().unwrap()
        ));
    }
    status_paths
}

fn print_table(connections: usize, seconds: f64, floor: &Scenario, status: &Scenario) {
    println!(
        "\nemulator load, {connections} connections, {seconds} s per scenario, 2 processes on loopback\n"
    );
    println!("| scenario | answers/s | p50 ms | p99 ms | p99.9 ms |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for s in [floor, status] {
        println!(
            "| {} | {:.0} | {:.2} | {:.2} | {:.2} |",
            s.name,
            s.answers as f64 / s.seconds,
            s.percentile(0.5),
            s.percentile(0.99),
            s.percentile(0.999)
        );
    }
}

/// The verdict on stdout and the rows for `cargo xtask bench`.
fn report(floor: &Scenario, status: &Scenario) {
    let rps = status.answers as f64 / status.seconds;
    let p99 = status.percentile(0.99);
    let verdict = if rps >= 20_000.0 && p99 < 5.0 {
        "meets"
    } else {
        "MISSES"
    };
    println!(
        "\nstatus polls: {rps:.0}/s, p99 {p99:.2} ms: {verdict} the target (>= 20,000/s, p99 < 5 ms)"
    );
    let floor_rps = floor.answers as f64 / floor.seconds;
    let floor_p99 = floor.percentile(0.99);
    let floor_name = "same server, 404 error body";
    let rows = [
        Measured::new(
            "emulator: status answers/s, 1,000 jobs in flight",
            "answers/s",
            rps,
        )
        .against(floor_name, floor_rps)
        .judged(">= 20,000/s", rps >= 20_000.0),
        Measured::new("emulator: status p99 latency", "ms", p99)
            .against(floor_name, floor_p99)
            .judged("< 5 ms", p99 < 5.0),
    ];
    report_rows(&rows).unwrap();
}
