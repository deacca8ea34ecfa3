//! A 1 GiB output downloaded to disk by the client, side by side with curl
//! on the same loopback file in the same run: throughput, and the client's
//! peak RSS during the download (the process's high-water mark is reset
//! first through /proc/self/clear_refs).
//!
//! `cargo bench -p runcomfy --bench download [MIB]`. Targets: peak RSS under
//! 40 MB, throughput within 20% of curl.

#![allow(missing_docs, clippy::print_stdout, clippy::unwrap_used)]

use std::time::Instant;

use runcomfy::models::kling::kling_1_6::pro::image_to_video::Input;
use runcomfy_testkit::bench::{Measured, argument, report_rows};

mod common;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn main() {
    let mib: u64 = argument(0, 1024);
    let emulator = common::emulator(|config| config.output_padding = mib * 1024 * 1024);
    let base = emulator.base_url().to_owned();
    let dir = tempfile::tempdir_in(std::env::current_dir().unwrap()).unwrap();
    common::runtime().block_on(async {
        let client = common::client(&base);
        let image = runcomfy_emulator::fixtures::png_data_uri(1280, 720);
        let input: Input = Input::builder().image_url(image).try_into().unwrap();
        let job = client.submit(&input).await.unwrap();
        let output = job.wait().await.unwrap();
        let url = output.file_urls().remove(0);

        let curl = |target: std::path::PathBuf| {
            let started = Instant::now();
            let status = std::process::Command::new("curl")
                .args(["-sS", "--noproxy", "*", "-o"])
                .arg(&target)
                .arg(&url)
                .status()
                .unwrap();
            assert!(status.success(), "curl failed");
            let seconds = started.elapsed().as_secs_f64();
            let bytes = std::fs::metadata(&target).unwrap().len();
            std::fs::remove_file(&target).unwrap();
            (bytes, seconds)
        };
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        let mut peak = 0.0f64;
        for round in 0..2 {
            theirs.push(curl(dir.path().join(format!("curl-{round}.mp4"))));
            let _ = std::fs::write("/proc/self/clear_refs", "5");
            let started = Instant::now();
            let files = job.download(&output, dir.path()).await.unwrap();
            let seconds = started.elapsed().as_secs_f64();
            peak = peak.max(peak_rss_mib());
            ours.push((files[0].bytes, seconds));
            std::fs::remove_file(&files[0].path).unwrap();
        }
        let best = |runs: &[(u64, f64)]| {
            runs.iter()
                .map(|(b, s)| *b as f64 / s / 1048576.0)
                .fold(0.0, f64::max)
        };
        report(best(&ours), best(&theirs), peak, ours[0].0 / 1048576);
    });
}

/// Prints the table and writes the rows for `cargo xtask bench`.
fn report(ours_mibs: f64, curl_mibs: f64, peak: f64, mib: u64) {
    println!("\ndownload of a {mib} MiB output on loopback to disk, best of 2 each\n");
    println!("| downloader | MiB/s | peak RSS |");
    println!("| --- | ---: | ---: |");
    println!("| curl (baseline) | {curl_mibs:.0} | (own process) |");
    println!("| runcomfy `download` | {ours_mibs:.0} | {peak:.1} MiB |");
    let ratio = ours_mibs / curl_mibs;
    println!(
        "\nthroughput {:.0}% of curl ({}: within 20%); peak RSS {peak:.1} MiB ({}: under 40 MB)",
        ratio * 100.0,
        if ratio >= 0.8 { "meets" } else { "MISSES" },
        if peak < 40.0 * 1e6 / 1048576.0 {
            "meets"
        } else {
            "MISSES"
        }
    );
    let size = format!("{mib} MiB");
    let rows = [
        Measured::new(format!("download {size}: throughput"), "MiB/s", ours_mibs)
            .against("curl, same file", curl_mibs)
            .judged(">= 0.8× curl", ratio >= 0.8),
        Measured::new(format!("download {size}: peak RSS"), "MiB", peak)
            .judged("< 40 MB", peak < 40.0 * 1e6 / 1048576.0),
    ];
    report_rows(&rows).unwrap();
}
