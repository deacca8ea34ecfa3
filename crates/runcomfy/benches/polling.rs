//! Poll policies in virtual time: status requests per job against detection
//! lag, over the same 200 jobs.
//!
//! The jobs have the emulator's run times (5 s videos: log-normal, median
//! 240 s, sigma 0.3, from `runcomfy_emulator::sample_run_times`) and go
//! through a queue as the emulator runs one: first come, first served, on
//! 4 workers (its default). Three scenarios:
//!
//! * **no queue**: every job starts at its submit (as if workers were
//!   unlimited), so only the run time is uncertain;
//! * **queue, 80% load**: jobs arrive at random (a Poisson process) at 80%
//!   of the 4 workers' capacity, so some wait;
//! * **batch of 200**: all 200 are submitted at once (what `runcomfy batch`
//!   does), so most wait long.
//!
//! The batch is the measure the 2× target is set on (the same 200 jobs given to the emulator,
//! with its default 4 workers) and the only scenario judged against the 2×
//! target. The other two are reported as context: without a queue no
//! schedule reaches 2× for this run-time spread (the benchmark derives the
//! best possible ratio, 1.96×, and prints how close the default comes), and
//! steady arrivals at 80% load sit between the two.
//!
//! Each wait polls from its submit: the first status request right away, each
//! later one after the policy's delay. A poll sees `in_queue` with the
//! position the emulator would give (1 = next), `in_progress`, or
//! `completed`; the first poll at or after the job's end detects it. Each
//! wait feeds its answers to a [`PollTracker`], the same code the client's
//! waits use, with one `ModelStats` per replay shared by all 200 waits: the
//! adaptive policy learns run times and queue speed as a real process would,
//! only from what its polls saw. Events run in time order; no sleeping, no
//! network.
//!
//! A reference row starts with the statistics already holding 256 run times
//! from the true distribution (nothing left to learn); it is not part of the
//! verdicts.
//!
//! Run with `cargo bench -p runcomfy --bench polling`. With
//! `RUNCOMFY_BENCH_JSON=path` the rows and verdicts are also written there
//! as JSON (for `cargo xtask bench`); with `RUNCOMFY_BENCH_QUICK=1` fewer
//! replays run.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use runcomfy::poll::{AdaptivePolicy, FixedInterval, ModelStats, PollPolicy, PollTracker};
use runcomfy_types::QueueStatus;
use serde_json::{Value, json};

const JOBS: usize = 200;
const SEED: u64 = 42;
const VIDEO_SECS: u32 = 5;
/// The emulator's default number of workers.
const WORKERS: usize = 4;
/// Offered load of the Poisson scenario.
const LOAD: f64 = 0.8;
#[path = "polling/theory.rs"]
mod theory;

const MODEL: &str = "kling/kling-1-6/pro/image-to-video";
/// The aggressiveness values that trace the adaptive policy's curve.
const CURVE: [f64; 7] = [4.0, 6.0, 8.0, 14.0, 20.0, 30.0, 50.0];
/// The scenario judged against the 2× target; the others are context.
const MEASURE: &str = "batch_200";
/// The lag ratio the measure must reach at fixed 2 s's request count.
const TARGET_RATIO: f64 = 2.0;

/// The same jobs in one queue discipline: when each arrives, starts, ends.
struct Scenario {
    key: &'static str,
    title: String,
    arrivals: Vec<f64>,
    starts: Vec<f64>,
    ends: Vec<f64>,
}

impl Scenario {
    /// First come, first served on `workers` workers (`None`: unlimited).
    fn new(
        key: &'static str,
        title: String,
        arrivals: Vec<f64>,
        runs: &[f64],
        workers: Option<usize>,
    ) -> Self {
        let mut free: BinaryHeap<Reverse<u64>> =
            (0..workers.unwrap_or(0)).map(|_| Reverse(0)).collect();
        let (mut starts, mut ends) = (Vec::new(), Vec::new());
        for (arrival, run) in arrivals.iter().zip(runs) {
            let start = match workers {
                None => *arrival,
                Some(_) => {
                    let Reverse(earliest) = free.pop().unwrap();
                    arrival.max(secs(earliest))
                }
            };
            if workers.is_some() {
                free.push(Reverse(nanos(start + run)));
            }
            starts.push(start);
            ends.push(start + run);
        }
        Self {
            key,
            title,
            arrivals,
            starts,
            ends,
        }
    }

    /// What a status request for job `job` at time `t` answers.
    fn status(&self, job: usize, t: f64) -> (QueueStatus, Option<u64>) {
        if t >= self.ends[job] {
            (QueueStatus::Completed, None)
        } else if t >= self.starts[job] {
            (QueueStatus::InProgress, None)
        } else {
            // Start times rise with the job number (first come, first served):
            // the position counts this job and those before it not started yet.
            let started = self.starts[..=job].partition_point(|start| *start <= t);
            (QueueStatus::InQueue, Some((job + 1 - started) as u64))
        }
    }

    /// The mean time from submit to `times` (starts or ends).
    fn mean_since_submit(&self, times: &[f64]) -> f64 {
        let total: f64 = times.iter().zip(&self.arrivals).map(|(t, a)| t - a).sum();
        total / times.len() as f64
    }

    fn mean_wait(&self) -> f64 {
        self.mean_since_submit(&self.starts)
    }

    fn mean_total(&self) -> f64 {
        self.mean_since_submit(&self.ends)
    }
}

fn nanos(secs: f64) -> u64 {
    (secs * 1e9).round() as u64
}

fn secs(nanos: u64) -> f64 {
    nanos as f64 / 1e9
}

/// Runs every job's wait with `policy`; returns `(requests, lag)` per job.
fn simulate(policy: &dyn PollPolicy, scenario: &Scenario, preseed: &[Duration]) -> Vec<(u32, f64)> {
    let stats = ModelStats::default();
    for run in preseed {
        stats.record(MODEL, *run);
    }
    let jobs = scenario.arrivals.len();
    let mut trackers: Vec<PollTracker> =
        (0..jobs).map(|_| PollTracker::new(MODEL, &stats)).collect();
    let mut out = vec![(0, 0.0); jobs];
    let mut events: BinaryHeap<Reverse<(u64, usize)>> = scenario
        .arrivals
        .iter()
        .enumerate()
        .map(|(job, arrival)| Reverse((nanos(*arrival), job)))
        .collect();
    while let Some(Reverse((at, job))) = events.pop() {
        let t = secs(at);
        let (status, position) = scenario.status(job, t);
        let tracker = &mut trackers[job];
        let elapsed = Duration::from_secs_f64((t - scenario.arrivals[job]).max(0.0));
        tracker.observe(&status, position, elapsed, &stats);
        if status == QueueStatus::Completed {
            tracker.finished(&stats);
            out[job] = (tracker.observation().polls, t - scenario.ends[job]);
            continue;
        }
        let delay = policy.next_delay(tracker.observation());
        events.push(Reverse((at + delay.as_nanos() as u64, job)));
    }
    out
}

/// One policy's numbers, per job over all replays.
struct Row {
    name: String,
    kind: &'static str,
    parameter: f64,
    requests: f64,
    mean_lag: f64,
    p95_lag: f64,
}

impl Row {
    fn json(&self) -> Value {
        json!({
            "policy": self.name,
            "kind": self.kind,
            "parameter": self.parameter,
            "requests_per_job": self.requests,
            "mean_lag_secs": self.mean_lag,
            "p95_lag_secs": self.p95_lag,
        })
    }
}

fn measure(
    name: String,
    kind: &'static str,
    parameter: f64,
    policy: &dyn PollPolicy,
    scenario: &Scenario,
    preseed: &[Duration],
    replays: usize,
) -> Row {
    let mut requests = 0u64;
    let mut lags = Vec::new();
    for _ in 0..replays {
        for (polls, lag) in simulate(policy, scenario, preseed) {
            requests += u64::from(polls);
            lags.push(lag);
        }
    }
    let n = lags.len() as f64;
    let mean_lag = lags.iter().sum::<f64>() / n;
    lags.sort_by(f64::total_cmp);
    let p95_lag = lags[((n * 0.95).ceil() as usize).saturating_sub(1)];
    Row {
        name,
        kind,
        parameter,
        requests: requests as f64 / n,
        mean_lag,
        p95_lag,
    }
}

/// Linear interpolation in log-log space through `points` (sorted by x),
/// extrapolating with the nearest segment.
fn loglog(points: &[(f64, f64)], x: f64) -> f64 {
    let i = points
        .windows(2)
        .position(|w| x <= w[1].0)
        .unwrap_or(points.len() - 2);
    let ((x0, y0), (x1, y1)) = (points[i], points[i + 1]);
    let slope = (y1.ln() - y0.ln()) / (x1.ln() - x0.ln());
    (y0.ln() + slope * (x.ln() - x0.ln())).exp()
}

/// The fixed intervals' lag as a function of requests per job.
struct FixedCurve {
    /// `(requests, mean lag)`, by requests.
    points: Vec<(f64, f64)>,
    mean_total: f64,
}

impl FixedCurve {
    fn new(rows: &[Row], scenario: &Scenario) -> Self {
        let mut points: Vec<(f64, f64)> = rows
            .iter()
            .filter(|r| r.kind == "fixed")
            .map(|r| (r.requests, r.mean_lag))
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        Self {
            points,
            mean_total: scenario.mean_total(),
        }
    }

    /// Interpolated between the measured intervals; outside them, a fixed
    /// interval T makes about `mean_total / T` requests for a lag of `T / 2`.
    fn lag_at(&self, requests: f64) -> f64 {
        let (lo, hi) = (self.points[0].0, self.points[self.points.len() - 1].0);
        if (lo..=hi).contains(&requests) {
            loglog(&self.points, requests)
        } else {
            self.mean_total / (2.0 * requests)
        }
    }
}

/// The verdicts of one scenario.
struct Verdicts {
    /// Adaptive rows below the fixed curve, of how many.
    below: (usize, usize),
    fixed2_requests: f64,
    fixed2_lag: f64,
    adaptive_lag_at_fixed2: f64,
    ratio: f64,
}

impl Verdicts {
    /// Every adaptive row below the fixed curve.
    fn all_below(&self) -> bool {
        self.below.0 == self.below.1
    }
}

fn run_scenario(scenario: &Scenario, replays: usize, preseed: &[Duration]) -> (Vec<Row>, Verdicts) {
    let rows = measure_rows(scenario, replays, preseed);
    let verdicts = judge(&rows, scenario);
    (rows, verdicts)
}

/// The default, the fixed intervals, the adaptive curve and the reference,
/// each replayed through `scenario`.
fn measure_rows(scenario: &Scenario, replays: usize, preseed: &[Duration]) -> Vec<Row> {
    let default = AdaptivePolicy::default();
    let mut rows = vec![measure(
        format!("adaptive (default, c = {})", default.aggressiveness()),
        "default",
        default.aggressiveness(),
        &default,
        scenario,
        &[],
        replays,
    )];
    for secs in [0.5, 1.0, 2.0, 5.0] {
        // Fixed intervals have no jitter and learn nothing: one replay says all.
        rows.push(measure(
            format!("fixed {secs} s"),
            "fixed",
            secs,
            &FixedInterval(Duration::from_secs_f64(secs)),
            scenario,
            &[],
            1,
        ));
    }
    for c in CURVE {
        let policy = AdaptivePolicy::default().with_aggressiveness(c);
        rows.push(measure(
            format!("adaptive c = {c}"),
            "adaptive",
            c,
            &policy,
            scenario,
            &[],
            replays,
        ));
    }
    rows.push(measure(
        format!(
            "(reference) adaptive c = {}, {} true run times known at the start",
            default.aggressiveness(),
            preseed.len()
        ),
        "reference",
        default.aggressiveness(),
        &default,
        scenario,
        preseed,
        replays,
    ));
    rows
}

/// How the adaptive rows stand against the fixed-interval curve.
fn judge(rows: &[Row], scenario: &Scenario) -> Verdicts {
    let fixed = FixedCurve::new(rows, scenario);
    let adaptive = || {
        rows.iter()
            .filter(|r| r.kind == "default" || r.kind == "adaptive")
    };
    let below = (
        adaptive()
            .filter(|r| r.mean_lag < fixed.lag_at(r.requests))
            .count(),
        adaptive().count(),
    );
    let fixed2 = rows
        .iter()
        .find(|r| r.kind == "fixed" && r.parameter == 2.0)
        .map(|r| (r.requests, r.mean_lag))
        .unwrap();
    let mut curve: Vec<(f64, f64)> = adaptive().map(|r| (r.requests, r.mean_lag)).collect();
    curve.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Interpolated where the curve brackets the count; beyond it, the best
    // measured row that makes no more requests (no extrapolation).
    let adaptive_lag = if curve[0].0 <= fixed2.0 && fixed2.0 <= curve[curve.len() - 1].0 {
        loglog(&curve, fixed2.0)
    } else {
        curve
            .iter()
            .filter(|(requests, _)| *requests <= fixed2.0)
            .map(|(_, lag)| *lag)
            .fold(f64::INFINITY, f64::min)
    };
    Verdicts {
        below,
        fixed2_requests: fixed2.0,
        fixed2_lag: fixed2.1,
        adaptive_lag_at_fixed2: adaptive_lag,
        ratio: fixed2.1 / adaptive_lag,
    }
}

fn print_scenario(scenario: &Scenario, rows: &[Row], verdicts: &Verdicts) {
    let fixed = FixedCurve::new(rows, scenario);
    println!(
        "\n## {}\n\nmean queue wait {:.1} s, mean submit-to-end {:.1} s\n",
        scenario.title,
        scenario.mean_wait(),
        scenario.mean_total()
    );
    println!(
        "| policy | requests/job | mean lag s | p95 lag s | fixed-curve lag at that count s |"
    );
    println!("|---|---:|---:|---:|---:|");
    for row in rows {
        println!(
            "| {} | {:.1} | {:.3} | {:.3} | {:.3} |",
            row.name,
            row.requests,
            row.mean_lag,
            row.p95_lag,
            fixed.lag_at(row.requests)
        );
    }
    println!(
        "\n- below the fixed-interval curve at every adaptive row: **{}**",
        if verdicts.all_below() { "PASS" } else { "FAIL" }
    );
    let verdict = if scenario.key != MEASURE {
        "context, not judged".to_owned()
    } else if verdicts.ratio >= TARGET_RATIO {
        format!("target >= {TARGET_RATIO}x: **PASS**")
    } else {
        format!("target >= {TARGET_RATIO}x: **FAIL**")
    };
    println!(
        "- at fixed 2 s's {:.1} requests/job (lag {:.3} s) the adaptive curve's lag is {:.3} s: \
         **{:.2}x** ({verdict})",
        verdicts.fixed2_requests,
        verdicts.fixed2_lag,
        verdicts.adaptive_lag_at_fixed2,
        verdicts.ratio,
    );
}

/// Poisson arrivals at `load` of `workers` workers' capacity.
fn poisson_arrivals(seed: u64, jobs: usize, mean_run: f64, workers: usize, load: f64) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let gap = mean_run / (workers as f64 * load);
    let mut t = 0.0;
    (0..jobs)
        .map(|_| {
            let arrival = t;
            t += -gap * rng.random_range(f64::EPSILON..1.0f64).ln();
            arrival
        })
        .collect()
}

fn main() {
    let started = std::time::Instant::now();
    let quick = std::env::var_os("RUNCOMFY_BENCH_QUICK").is_some();
    let replays = if quick { 3 } else { 40 };
    let runs: Vec<f64> = runcomfy_emulator::sample_run_times(SEED, JOBS, VIDEO_SECS)
        .iter()
        .map(Duration::as_secs_f64)
        .collect();
    let mean_run = runs.iter().sum::<f64>() / JOBS as f64;
    let preseed = runcomfy_emulator::sample_run_times(SEED + 1, ModelStats::KEEP, VIDEO_SECS);
    let arrivals = poisson_arrivals(SEED, JOBS, mean_run, WORKERS, LOAD);

    let scenarios = [
        Scenario::new(
            "no_queue",
            "No queue: every job starts at its submit".into(),
            arrivals.clone(),
            &runs,
            None,
        ),
        Scenario::new(
            "queue_80",
            format!(
                "Queue at {:.0}% load: Poisson arrivals, {WORKERS} workers",
                LOAD * 100.0
            ),
            arrivals,
            &runs,
            Some(WORKERS),
        ),
        Scenario::new(
            "batch_200",
            format!("Batch: all {JOBS} submitted at once, {WORKERS} workers"),
            vec![0.0; JOBS],
            &runs,
            Some(WORKERS),
        ),
    ];

    println!(
        "# Polling: {JOBS} jobs, emulator run times (seed {SEED}, {VIDEO_SECS} s videos, mean \
         {mean_run:.1} s), {replays} replays of each adaptive policy"
    );
    let (mut report, mut rows_out) = (Vec::new(), Vec::new());
    let best_ratio = theory::best_ratio_without_queue();
    for scenario in &scenarios {
        let judged = scenario.key == MEASURE;
        let (rows, verdicts) = run_scenario(scenario, replays, &preseed);
        print_scenario(scenario, &rows, &verdicts);
        report.push(scenario_json(scenario, &rows, &verdicts, judged));
        rows_out.extend(bench_rows(scenario, &verdicts, judged, best_ratio));
    }
    theory::theory(mean_run, &report);

    if let Some(path) = std::env::var_os("RUNCOMFY_BENCH_JSON") {
        let body =
            json!({ "jobs": JOBS, "replays": replays, "scenarios": report, "rows": rows_out });
        std::fs::write(&path, serde_json::to_vec_pretty(&body).unwrap()).unwrap();
    }
    println!("\n(finished in {:.1} s)", started.elapsed().as_secs_f64());
}

/// One scenario's rows and verdicts, for the benchmark's JSON report.
fn scenario_json(scenario: &Scenario, rows: &[Row], verdicts: &Verdicts, judged: bool) -> Value {
    json!({
        "key": scenario.key,
        "title": scenario.title,
        "mean_wait_secs": scenario.mean_wait(),
        "mean_total_secs": scenario.mean_total(),
        "rows": rows.iter().map(Row::json).collect::<Vec<_>>(),
        "below_fixed_curve": verdicts.all_below(),
        "fixed2_requests_per_job": verdicts.fixed2_requests,
        "fixed2_mean_lag_secs": verdicts.fixed2_lag,
        "adaptive_lag_at_fixed2_secs": verdicts.adaptive_lag_at_fixed2,
        "lag_ratio_at_fixed2": verdicts.ratio,
        "judged": judged,
    })
}

/// One scenario's rows of the `cargo xtask bench` table.
fn bench_rows(
    scenario: &Scenario,
    verdicts: &Verdicts,
    judged: bool,
    best_ratio: f64,
) -> [Value; 2] {
    [
        json!({
            "scenario": format!("polling, {}: mean lag at fixed 2 s's requests/job", scenario.key),
            "unit": "s",
            "ours": verdicts.adaptive_lag_at_fixed2,
            "baseline": verdicts.fixed2_lag,
            "baseline_name": format!("fixed 2 s ({:.1} requests/job)", verdicts.fixed2_requests),
            "ratio": verdicts.adaptive_lag_at_fixed2 / verdicts.fixed2_lag,
            "target": if judged {
                format!("<= {}× ({TARGET_RATIO}× lower)", 1.0 / TARGET_RATIO)
            } else if scenario.key == "no_queue" {
                format!("context (best possible {:.3}×)", 1.0 / best_ratio)
            } else {
                "context".to_owned()
            },
            "pass": judged.then_some(verdicts.ratio >= TARGET_RATIO),
        }),
        json!({
            "scenario": format!("polling, {}: adaptive points below the fixed curve", scenario.key),
            "unit": "points",
            "ours": verdicts.below.0,
            "baseline": verdicts.below.1,
            "baseline_name": "adaptive points measured",
            "ratio": null,
            "target": "all",
            "pass": verdicts.all_below(),
        }),
    ]
}
