//! Poll policies in virtual time, on every workload the issue names: the
//! default policy's requests a job and detection lag beside fixed intervals
//! through the same jobs (same run times, same queue), and the five
//! conditions judged.
//!
//! Each workload (see `polling/workloads.rs`) draws its jobs' run times as
//! the emulator's `--durations` does (`runcomfy_emulator::run_times`, the same draws), then replays them, with no sleeping
//! and no network (`polling/sim.rs`), two ways:
//!
//! * **batch**: `runcomfy batch`, 16 waits at a time, the next input
//!   submitted when a wait ends, one process learning from its own jobs;
//! * **series of runs**: each job a `runcomfy run` of its own, alone on the
//!   service (behind a backlog in the queue workload), first knowing nothing
//!   (each run a new process), then learning across runs through a
//!   `RunTimeStore` as the CLI does.
//!
//! Fixed intervals poll as the provider's CLI does: a status request every
//! interval from the submit, then the result. Our waits are the client's:
//! the first poll after the policy's first delay, the endpoint
//! `PollTracker::next_ask` picks, the policy's delays, learning into
//! `ModelStats`. The conditions, per workload:
//!
//! 1. requests a job (batch) at most fixed 2 s's;
//! 2. mean lag (batch) at most 0.8× the fixed-interval curve's at the same
//!    requests;
//! 3. no job noticed later than max(3 s, 15% of its run time) after it
//!    ended, in every replay, also after misleading knowledge (run times
//!    learned 10× shorter or longer than the workload's);
//! 4. a first run, knowing nothing: lag at most 1.0× the curve's (of single
//!    runs) at the same requests, requests at most fixed 2 s's;
//! 5. learning never worse than knowing nothing: in the batch (against the
//!    policy learning nothing) and across runs (against each run knowing
//!    nothing), as lag over the curve's at the same requests.
//!
//! A last check runs one workload through real HTTP on the emulator, in
//! wall time, and compares it with its virtual replay.
//!
//! Run with `cargo bench -p runcomfy --bench polling`. With
//! `RUNCOMFY_BENCH_JSON=path` the rows and verdicts are also written there
//! as JSON (for `cargo xtask bench`); with `RUNCOMFY_BENCH_QUICK=1` fewer
//! replays run.

#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::expect_used)]

use std::time::Duration;

use runcomfy::poll::{AdaptivePolicy, ModelStats, RunTimeStore};
use serde_json::{Value, json};

#[path = "polling/judge.rs"]
mod judge;
#[path = "polling/sim.rs"]
mod sim;
#[path = "polling/wall.rs"]
mod wall;
#[path = "polling/workloads.rs"]
mod workloads;

use judge::{Curve, Measured, Point, Verdict};
use sim::{MODEL, Outcome, Poller, Service};
use workloads::Workload;

const SEED: u64 = 42;
/// The fixed intervals the curve goes through, in seconds.
const INTERVALS: [f64; 9] = [0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 40.0];

/// How often each of our replays runs, with other jitter.
struct Replays(u64);

/// One workload measured.
struct Report {
    rows: Vec<(String, &'static str, f64, Point)>,
    verdicts: Vec<Verdict>,
}

fn service_for_single(workload: &Workload, index: usize) -> Service {
    let mut service = Service::new(workload.workers);
    if workload.backlog > 0 {
        let ahead = workload.runs(SEED + 1000 + index as u64);
        for run in ahead.iter().take(workload.backlog) {
            service.submit(0.0, *run);
        }
    }
    service
}

fn batch_with(workload: &Workload, runs: &[f64], poller: Poller<'_>) -> Vec<Outcome> {
    sim::batch(
        poller,
        runs,
        workload.concurrency,
        &mut Service::new(workload.workers),
    )
}

/// The fixed intervals through the workload's jobs: the table's rows, and
/// the points of the batch and the single runs, by interval.
struct Fixed {
    rows: Vec<(String, &'static str, f64, Point)>,
    batch: Vec<(f64, Point)>,
    single: Vec<(f64, Point)>,
}

fn fixed(workload: &Workload, runs: &[f64]) -> Fixed {
    let mut fixed = Fixed {
        rows: Vec::new(),
        batch: Vec::new(),
        single: Vec::new(),
    };
    for interval in INTERVALS {
        let batch = Point::of(&batch_with(workload, runs, Poller::Provider(interval)));
        let single: Vec<Outcome> = runs
            .iter()
            .enumerate()
            .map(|(i, run)| {
                sim::single(
                    Poller::Provider(interval),
                    *run,
                    &mut service_for_single(workload, i),
                )
            })
            .collect();
        let single = Point::of(&single);
        fixed
            .rows
            .push((format!("fixed {interval} s"), "fixed", interval, batch));
        fixed.rows.push((
            format!("fixed {interval} s, single runs"),
            "fixed_single",
            interval,
            single,
        ));
        fixed.batch.push((interval, batch));
        fixed.single.push((interval, single));
    }
    fixed
}

/// Our policy's waits on the workload, every way.
struct Ours {
    default: Vec<Outcome>,
    unlearned: Vec<Outcome>,
    misled: Vec<Outcome>,
    first: Vec<Outcome>,
    persisted: Vec<Outcome>,
}

fn ours(workload: &Workload, runs: &[f64], replays: &Replays) -> Ours {
    let batch = |seed: u64, model: &str, stats: &ModelStats| {
        let policy = AdaptivePolicy::default().with_jitter_seed(seed);
        batch_with(
            workload,
            runs,
            Poller::Ours {
                policy: &policy,
                stats,
                model,
            },
        )
    };
    let mut ours = Ours {
        default: Vec::new(),
        unlearned: Vec::new(),
        misled: Vec::new(),
        first: Vec::new(),
        persisted: Vec::new(),
    };
    for replay in 0..replays.0 {
        ours.default
            .extend(batch(replay, MODEL, &ModelStats::default()));
        ours.unlearned
            .extend(batch(replay, "", &ModelStats::default()));
        for factor in [0.1, 10.0] {
            let stats = ModelStats::default();
            for run in runs {
                stats.record(MODEL, Duration::from_secs_f64(run * factor));
            }
            ours.misled.extend(batch(replay, MODEL, &stats));
        }
        let policy = AdaptivePolicy::default().with_jitter_seed(replay);
        let store_dir = tempfile::tempdir().unwrap();
        for (i, run) in runs.iter().enumerate() {
            // Each run a new process: nothing learned, or what the store kept.
            let single = |stats: &ModelStats| {
                sim::single(
                    Poller::Ours {
                        policy: &policy,
                        stats,
                        model: MODEL,
                    },
                    *run,
                    &mut service_for_single(workload, i),
                )
            };
            ours.first.push(single(&ModelStats::default()));
            let learning = ModelStats::default();
            learning.keep_in(RunTimeStore::new(store_dir.path()));
            ours.persisted.push(single(&learning));
        }
    }
    ours
}

fn measure(workload: &Workload, replays: &Replays) -> Report {
    let runs = workload.runs(SEED);
    let Fixed {
        mut rows,
        batch: batch_fixed,
        single: single_fixed,
    } = fixed(workload, &runs);
    let fixed2 = |points: &[(f64, Point)]| points.iter().find(|(i, _)| *i == 2.0).unwrap().1;
    let batch_curve = Curve::new(batch_fixed.iter().map(|(_, p)| *p));
    let single_curve = Curve::new(single_fixed.iter().map(|(_, p)| *p));
    let ours = ours(workload, &runs, replays);
    let [default, unlearned, misled, first, persisted] = [
        &ours.default,
        &ours.unlearned,
        &ours.misled,
        &ours.first,
        &ours.persisted,
    ]
    .map(|outcomes| Point::of(outcomes));
    for (name, kind, point) in [
        ("adaptive (default)", "default", default),
        ("adaptive, learning nothing", "unlearned", unlearned),
        ("adaptive, misled (learned 10× off)", "misled", misled),
        ("adaptive, single runs knowing nothing", "first", first),
        (
            "adaptive, single runs learning across runs",
            "persisted",
            persisted,
        ),
    ] {
        rows.push((name.into(), kind, 0.0, point));
    }
    let verdicts = judge::verdicts(&Measured {
        batch_curve: &batch_curve,
        fixed2_batch: fixed2(&batch_fixed),
        default_batch: default,
        unlearned_batch: unlearned,
        single_curve: &single_curve,
        fixed2_single: fixed2(&single_fixed),
        first,
        persisted,
        all_ours: vec![default, unlearned, misled, first, persisted],
    });
    Report { rows, verdicts }
}

fn print(workload: &Workload, report: &Report) {
    println!(
        "\n## {} (`--durations {}`)\n\n{} jobs; batch {} at a time{}\n",
        workload.title,
        workload.durations,
        workload.jobs,
        workload.concurrency,
        workload
            .workers
            .map(|w| format!(
                " on {w} workers; single runs behind {} jobs",
                workload.backlog
            ))
            .unwrap_or_default()
    );
    println!("| policy | requests/job | mean lag s | worst lag s | worst lag / bound |");
    println!("|---|---:|---:|---:|---:|");
    for (name, _, _, point) in &report.rows {
        println!(
            "| {name} | {:.2} | {:.3} | {:.2} | {:.2} |",
            point.requests, point.mean_lag, point.worst_lag, point.worst_bound
        );
    }
    println!();
    for verdict in &report.verdicts {
        println!(
            "- {}: {:.3} {} against {} {:.3}: target {} **{}**",
            verdict.condition,
            verdict.ours,
            verdict.unit,
            verdict.baseline_name,
            verdict.baseline,
            verdict.target,
            if verdict.pass { "PASS" } else { "FAIL" }
        );
    }
}

fn scenario_json(workload: &Workload, report: &Report) -> Value {
    json!({
        "key": workload.key,
        "title": workload.title,
        "durations": workload.durations,
        "rows": report.rows.iter().map(|(name, kind, parameter, p)| json!({
            "policy": name,
            "kind": kind,
            "parameter": parameter,
            "requests_per_job": p.requests,
            "mean_lag_secs": p.mean_lag,
            "worst_lag_secs": p.worst_lag,
            "worst_lag_over_bound": p.worst_bound,
        })).collect::<Vec<_>>(),
        "verdicts": report.verdicts.iter().map(|v| json!({
            "condition": v.condition, "pass": v.pass, "ours": v.ours, "baseline": v.baseline,
        })).collect::<Vec<_>>(),
    })
}

fn bench_rows(workload: &Workload, report: &Report) -> Vec<Value> {
    report
        .verdicts
        .iter()
        .map(|v| {
            json!({
                "scenario": format!("polling, {}: {}", workload.key, v.condition),
                "unit": v.unit,
                "ours": v.ours,
                "baseline": v.baseline,
                "baseline_name": v.baseline_name,
                "ratio": if v.baseline > 0.0 { Some(v.ours / v.baseline) } else { None },
                "target": v.target,
                "pass": v.pass,
            })
        })
        .collect()
}

/// Virtual and real agree when the real point is within this share of the
/// replay's, requests and mean lag alike.
const AGREEMENT: f64 = 0.2;

/// The wall-time run through HTTP beside its replay: printed, as rows, and
/// how many of them disagree.
fn wall_check() -> (Vec<Value>, usize) {
    let agreement = wall::check();
    let (real, replay) = (agreement.real, agreement.replay);
    println!(
        "\n## Wall time through HTTP: `--durations {}` at time scale {}, every job at once\n",
        wall::DURATIONS,
        wall::SCALE
    );
    println!("| run | requests/job | mean lag s | worst lag s |");
    println!("|---|---:|---:|---:|");
    for (name, point) in [("real (emulator, HTTP)", real), ("virtual replay", replay)] {
        println!(
            "| {name} | {:.2} | {:.3} | {:.2} |",
            point.requests, point.mean_lag, point.worst_lag
        );
    }
    let mut failed = 0;
    let rows = [
        ("requests/job", "requests", real.requests, replay.requests),
        ("mean lag", "s", real.mean_lag, replay.mean_lag),
    ]
    .map(|(what, unit, ours, baseline)| {
        // Lags under a tenth of a second agree whatever their ratio.
        let pass = (ours - baseline).abs() <= AGREEMENT * baseline.max(0.1 / AGREEMENT);
        failed += usize::from(!pass);
        println!(
            "- wall time agrees with virtual time, {what}: {ours:.3} against {baseline:.3} **{}**",
            if pass { "PASS" } else { "FAIL" }
        );
        json!({
            "scenario": format!("polling, wall time through HTTP: {what} against the virtual replay"),
            "unit": unit,
            "ours": ours,
            "baseline": baseline,
            "baseline_name": "virtual replay of the same run times",
            "ratio": if baseline > 0.0 { Some(ours / baseline) } else { None },
            "target": "within ±20%",
            "pass": pass,
        })
    });
    (rows.into_iter().collect(), failed)
}

fn main() {
    let started = std::time::Instant::now();
    let quick = std::env::var_os("RUNCOMFY_BENCH_QUICK").is_some();
    let replays = Replays(if quick { 2 } else { 6 });
    let workloads = workloads::all(quick);
    println!(
        "# Polling: {} workloads, virtual time, {} replays of our policy each",
        workloads.len(),
        replays.0
    );
    let (mut scenarios, mut rows, mut failed) = (Vec::new(), Vec::new(), 0);
    for workload in &workloads {
        let report = measure(workload, &replays);
        print(workload, &report);
        failed += report.verdicts.iter().filter(|v| !v.pass).count();
        scenarios.push(scenario_json(workload, &report));
        rows.extend(bench_rows(workload, &report));
    }
    let (wall_rows, wall_failed) = wall_check();
    rows.extend(wall_rows);
    failed += wall_failed;
    println!("\n{failed} condition(s) failed");
    if let Some(path) = std::env::var_os("RUNCOMFY_BENCH_JSON") {
        let body = json!({ "scenarios": scenarios, "rows": rows });
        std::fs::write(&path, serde_json::to_vec_pretty(&body).unwrap()).unwrap();
    }
    println!("\n(finished in {:.1} s)", started.elapsed().as_secs_f64());
}
