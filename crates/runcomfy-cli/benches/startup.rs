//! Benchmark of start-up: whole-process time of `--version`, `models` and
//! `validate`.
//!
//! `runcomfy models` lists every model this build knows; `runcomfy
//! validate` of one input (schema and media rules on a local image); each
//! side by side with `/bin/true` (the cost of starting any process)
//! in the same run.
//!
//! `cargo bench -p runcomfy-cli --bench startup [RUNS]`. Target: under 20 ms each.

#![allow(missing_docs, clippy::print_stdout, clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use runcomfy_testkit::bench::{Measured, argument, report_rows};

fn time(program: &str, args: &[&str], runs: usize) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let status = Command::new(program)
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap();
            assert!(status.success(), "{program} {args:?} failed");
            started.elapsed()
        })
        .collect();
    times.sort();
    let mean = times.iter().sum::<Duration>() / runs as u32;
    (mean, times[(runs * 95 / 100).min(runs - 1)])
}

fn main() {
    let runs = argument(0, 50);
    let binary = env!("CARGO_BIN_EXE_runcomfy");
    let image = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/start.png");
    let image = format!("image_url=@{}", image.display());
    let validate = [
        "validate",
        "kling/kling-1-6/pro/image-to-video",
        "--set",
        image.as_str(),
        "--set",
        "duration=10",
    ];
    let rows = [
        ("baseline: /bin/true", time("true", &[], runs)),
        ("runcomfy --version", time(binary, &["--version"], runs)),
        (
            "runcomfy models (every model this build knows)",
            time(binary, &["models"], runs),
        ),
        (
            "runcomfy validate (schema + media on a local PNG)",
            time(binary, &validate, runs),
        ),
    ];
    println!("\nwhole-process time, {runs} runs each\n");
    println!("| command | mean ms | p95 ms |");
    println!("| --- | ---: | ---: |");
    for (name, (mean, p95)) in &rows {
        println!(
            "| {name} | {:.2} | {:.2} |",
            mean.as_secs_f64() * 1e3,
            p95.as_secs_f64() * 1e3
        );
    }
    let worst = rows[1..]
        .iter()
        .map(|(_, (mean, _))| *mean)
        .max()
        .unwrap_or_default();
    println!(
        "\nslowest mean {:.2} ms: {} the target (< 20 ms)",
        worst.as_secs_f64() * 1e3,
        if worst < Duration::from_millis(20) {
            "meets"
        } else {
            "MISSES"
        }
    );
    let baseline = rows[0].1.0.as_secs_f64() * 1e3;
    let rows: Vec<_> = rows[1..]
        .iter()
        .map(|(name, (mean, _))| {
            let ms = mean.as_secs_f64() * 1e3;
            Measured::new(format!("start-up: {name}"), "ms", ms)
                .against("/bin/true", baseline)
                .judged("< 20 ms", ms < 20.0)
        })
        .collect();
    report_rows(&rows).unwrap();
}
