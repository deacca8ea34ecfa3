//! Benchmark of `runcomfy batch`: 1,000 inputs against the emulator's lower bound.
//!
//! Time-scaled, concurrency 100: wall time against the emulator's own lower
//! bound, the CLI's peak RSS and CPU time (GNU time on the child process).
//!
//! The lower bound is the makespan the emulator itself needs for the same
//! seeded run times: its workers take jobs in order (FIFO list scheduling),
//! as if all 1,000 were submitted at once. No client can finish sooner.
//!
//! `cargo bench -p runcomfy-cli --bench batch [INPUTS]`. Targets: within
//! 1.15× of the lower bound, peak RSS under 64 MB, CPU under 5 s.

#![allow(missing_docs, clippy::print_stdout, clippy::unwrap_used)]

use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use runcomfy_emulator::{Emulator, EmulatorConfig};
use runcomfy_testkit::bench::{Measured, argument, report_rows};

const WORKERS: usize = 100;
const TIME_SCALE: f64 = 0.005;
const SEED: u64 = 7;

/// What GNU time said of the batch.
struct Usage {
    wall: f64,
    rss_mib: f64,
    cpu: f64,
}

fn main() {
    let inputs = argument(0, 1000);
    let config = EmulatorConfig {
        workers: WORKERS,
        time_scale: TIME_SCALE,
        seed: SEED,
        max_jobs: inputs * 2,
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start_in_background(config).unwrap();
    let lower_bound = lower_bound(inputs);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("inputs.jsonl");
    write_inputs(&file, inputs);
    let usage = run_batch(emulator.base_url(), &file, &dir.path().join("out"), inputs);
    print_table(inputs, lower_bound, &usage);
    report(inputs, lower_bound, &usage);
}

/// The emulator's lower bound for these run times.
fn lower_bound(inputs: usize) -> f64 {
    let runs = runcomfy_emulator::sample_run_times(SEED, inputs, 5);
    let mut free = vec![Duration::ZERO; WORKERS];
    for run in &runs {
        let (index, start) = free
            .iter()
            .copied()
            .enumerate()
            .min_by_key(|(_, at)| *at)
            .unwrap();
        free[index] = start + run.mul_f64(TIME_SCALE);
    }
    free.into_iter().max().unwrap_or_default().as_secs_f64()
}

fn write_inputs(file: &Path, inputs: usize) {
    let mut lines = std::fs::File::create(file).unwrap();
    let image = runcomfy_emulator::fixtures::png_data_uri(1280, 720);
    for n in 0..inputs {
        writeln!(lines, r#"{{"image_url": "{image}", "prompt": "shot {n}"}}"#).unwrap();
    }
}

/// Runs the batch under GNU time; every input must succeed.
fn run_batch(base: &str, file: &Path, out: &Path, inputs: usize) -> Usage {
    let output = std::process::Command::new("/usr/bin/time")
        .args(["-f", "TIME %e %M %U %S", env!("CARGO_BIN_EXE_runcomfy")])
        .args([
            "--base-url",
            base,
            "--max-requests-per-second",
            "0",
            "-q",
            "batch",
            "kling/kling-1-6/pro/image-to-video",
        ])
        .arg("--inputs")
        .arg(file)
        .args(["--concurrency", "100", "--output-dir"])
        .arg(out)
        // The emulator runs TIME_SCALE of real time: the CLI polls at the
        // provider CLI's 2 s scaled alike, and learns into the bench's folder.
        .env("RUNCOMFY_POLL_INTERVAL", format!("{}", 2.0 * TIME_SCALE))
        .env("RUNCOMFY_CACHE_DIR", out.join("cache"))
        .env("RUNCOMFY_API_TOKEN", "bench")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "batch failed: {stderr}");
    let stats: Vec<f64> = stderr
        .lines()
        .find_map(|line| line.strip_prefix("TIME "))
        .unwrap()
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    let results = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.contains("\"succeeded\""))
        .count();
    assert_eq!(results, inputs, "every input succeeded");
    Usage {
        wall: stats[0],
        rss_mib: stats[1] / 1024.0,
        cpu: stats[2] + stats[3],
    }
}

fn print_table(inputs: usize, lower_bound: f64, usage: &Usage) {
    let Usage { wall, rss_mib, cpu } = *usage;
    println!(
        "\nbatch of {inputs} inputs, concurrency 100, emulator with {WORKERS} workers at time scale {TIME_SCALE}\n"
    );
    println!("| measure | value | target |");
    println!("| --- | ---: | --- |");
    println!("| emulator lower bound (FIFO makespan) | {lower_bound:.2} s | |");
    println!(
        "| `runcomfy batch` wall time | {wall:.2} s ({:.3}×) | within 1.15× |",
        wall / lower_bound
    );
    println!("| peak RSS | {rss_mib:.1} MiB | under 64 MB |");
    println!("| CPU time (user + system) | {cpu:.2} s | under 5 s |");
    let meets = wall / lower_bound <= 1.15 && rss_mib < 64.0 * 1e6 / 1048576.0 && cpu < 5.0;
    println!(
        "\n{} the targets",
        if meets { "meets" } else { "MISSES one of" }
    );
}

fn report(inputs: usize, lower_bound: f64, usage: &Usage) {
    let Usage { wall, rss_mib, cpu } = *usage;
    let scenario = format!("batch of {inputs}");
    let rows = [
        Measured::new(format!("{scenario}: wall time"), "s", wall)
            .against("emulator's lower bound (FIFO makespan)", lower_bound)
            .judged("<= 1.15×", wall / lower_bound <= 1.15),
        Measured::new(format!("{scenario}: CPU time"), "s", cpu).judged("< 5 s", cpu < 5.0),
        Measured::new(format!("{scenario}: peak RSS"), "MiB", rss_mib)
            .judged("< 64 MB", rss_mib < 64.0 * 1e6 / 1048576.0),
    ];
    report_rows(&rows).unwrap();
}
