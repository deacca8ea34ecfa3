//! Poll policies in virtual time: requests per job against detection lag.
//!
//! 200 jobs with the emulator's run-time distribution (5 s videos, median
//! about 240 s, log-normal sigma 0.3) run one after another. Each job is in
//! progress from t = 0; the first poll at t = 0 sees it so, each later poll
//! comes after the policy's delay, and the first poll at or after the run time
//! sees it completed (the detection). After each detection the job's observed
//! run time (the detection time, all a real client can know) is recorded into
//! a fresh `ModelStats` used by the following jobs, so the adaptive policy
//! learns as a real process would. No sleeping, no network.
//!
//! A reference row gives the adaptive policy the true distribution from the
//! start (no learning); it is not part of the verdicts.
//!
//! Run with `cargo bench -p runcomfy --bench polling`.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::time::Duration;

use runcomfy::poll::{
    AdaptivePolicy, FixedInterval, ModelStats, Observation, PollPolicy, RunEstimate,
};
use runcomfy_types::QueueStatus;

const JOBS: usize = 200;
const SEED: u64 = 42;
const VIDEO_SECS: u32 = 5;
/// Replays of the 200 jobs per policy, to average out the policies' jitter
/// (fixed intervals have none and give the same numbers every replay).
const REPLAYS: usize = 20;
const MODEL: &str = "kling/kling-1-6/pro/image-to-video";

/// One policy's numbers, per job over all replays.
struct Row {
    name: String,
    adaptive: bool,
    fixed_secs: Option<f64>,
    requests: f64,
    mean_lag: f64,
    p95_lag: f64,
}

/// The emulator's distribution for 5 s videos.
const TRUE_DISTRIBUTION: RunEstimate = RunEstimate {
    median: Duration::from_secs(240),
    sigma: 0.3,
    samples: 1_000_000,
};

/// Runs every job once with `policy`; returns `(requests, lag)` per job.
/// `known` replaces the learned estimate (the reference row).
fn simulate(
    policy: &dyn PollPolicy,
    run_times: &[Duration],
    known: Option<RunEstimate>,
) -> Vec<(u32, f64)> {
    let stats = ModelStats::default();
    let mut out = Vec::with_capacity(run_times.len());
    for run in run_times {
        let run = run.as_secs_f64();
        // The estimate changes only when a job finishes; jobs run one at a time.
        let estimate = known.or_else(|| stats.estimate(MODEL));
        let mut observation = Observation {
            model_id: MODEL.to_owned(),
            polls: 0,
            waited: Duration::ZERO,
            status: QueueStatus::InProgress,
            queue_position: None,
            in_progress_for: Some(Duration::ZERO),
            estimate,
        };
        let mut t = 0.0_f64;
        loop {
            observation.polls += 1;
            if t >= run {
                break;
            }
            observation.waited = Duration::from_secs_f64(t);
            observation.in_progress_for = Some(observation.waited);
            t += policy.next_delay(&observation).as_secs_f64();
        }
        stats.record(MODEL, Duration::from_secs_f64(t));
        out.push((observation.polls, t - run));
    }
    out
}

fn measure(
    name: String,
    policy: &dyn PollPolicy,
    run_times: &[Duration],
    known: Option<RunEstimate>,
) -> Row {
    let mut requests = 0u64;
    let mut lags = Vec::with_capacity(run_times.len() * REPLAYS);
    for _ in 0..REPLAYS {
        for (polls, lag) in simulate(policy, run_times, known) {
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
        adaptive: false,
        fixed_secs: None,
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

fn main() {
    let started = std::time::Instant::now();
    let run_times = runcomfy_emulator::sample_run_times(SEED, JOBS, VIDEO_SECS);
    let mean_run = run_times.iter().map(Duration::as_secs_f64).sum::<f64>() / JOBS as f64;

    let mut rows = Vec::new();
    let default = AdaptivePolicy::default();
    let mut row = measure(
        format!("adaptive (default, c = {})", default.aggressiveness()),
        &default,
        &run_times,
        None,
    );
    row.adaptive = true;
    rows.push(row);
    for secs in [0.5, 1.0, 2.0, 5.0] {
        let mut row = measure(
            format!("fixed {secs} s"),
            &FixedInterval(Duration::from_secs_f64(secs)),
            &run_times,
            None,
        );
        row.fixed_secs = Some(secs);
        rows.push(row);
    }
    for c in [4.0, 6.0, 8.0, 14.0, 20.0, 30.0] {
        let policy = AdaptivePolicy::default().with_aggressiveness(c);
        let mut row = measure(format!("adaptive c = {c}"), &policy, &run_times, None);
        row.adaptive = true;
        rows.push(row);
    }
    rows.push(measure(
        format!(
            "(reference) adaptive c = {}, true distribution known",
            default.aggressiveness()
        ),
        &default,
        &run_times,
        Some(TRUE_DISTRIBUTION),
    ));

    println!(
        "## Polling: {JOBS} jobs, emulator run times (seed {SEED}, {VIDEO_SECS} s videos, \
         mean {mean_run:.1} s), {REPLAYS} replays\n"
    );
    println!("| policy | mean requests/job | mean lag s | p95 lag s |");
    println!("|---|---:|---:|---:|");
    for row in &rows {
        println!(
            "| {} | {:.1} | {:.3} | {:.3} |",
            row.name, row.requests, row.mean_lag, row.p95_lag
        );
    }

    let mut fixed: Vec<(f64, f64)> = rows
        .iter()
        .filter(|r| r.fixed_secs.is_some())
        .map(|r| (r.requests, r.mean_lag))
        .collect();
    fixed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let fixed_lag_at = |requests: f64| {
        let (lo, hi) = (fixed[0].0, fixed[fixed.len() - 1].0);
        if (lo..=hi).contains(&requests) {
            loglog(&fixed, requests)
        } else {
            mean_run / (2.0 * requests)
        }
    };

    println!("\n### Verdict 1: adaptive below the fixed-interval curve\n");
    let mut all_below = true;
    for row in rows.iter().filter(|r| r.adaptive) {
        let fixed_lag = fixed_lag_at(row.requests);
        let below = row.mean_lag < fixed_lag;
        all_below &= below;
        println!(
            "- {}: {:.1} requests, lag {:.3} s vs fixed {:.3} s at the same count ({:.2}x): {}",
            row.name,
            row.requests,
            row.mean_lag,
            fixed_lag,
            fixed_lag / row.mean_lag,
            if below { "below" } else { "NOT below" }
        );
    }
    println!(
        "\n**{}**",
        if all_below {
            "PASS: every adaptive row is below the fixed curve"
        } else {
            "FAIL: some adaptive row is not below the fixed curve"
        }
    );

    println!("\n### Verdict 2: 2x at the fixed-2s request count\n");
    let fixed2 = rows
        .iter()
        .find(|r| r.fixed_secs == Some(2.0))
        .map(|r| (r.requests, r.mean_lag))
        .unwrap();
    let mut curve: Vec<(f64, f64)> = rows
        .iter()
        .filter(|r| r.adaptive)
        .map(|r| (r.requests, r.mean_lag))
        .collect();
    curve.sort_by(|a, b| a.0.total_cmp(&b.0));
    let adaptive_lag = loglog(&curve, fixed2.0);
    let ratio = fixed2.1 / adaptive_lag;
    println!(
        "- fixed 2 s: {:.1} requests/job, lag {:.3} s; adaptive curve at {:.1} requests: lag {:.3} s",
        fixed2.0, fixed2.1, fixed2.0, adaptive_lag
    );
    println!(
        "\n**{}: ratio {ratio:.2}x (target >= 2x{})**",
        if ratio >= 2.0 { "PASS" } else { "FAIL" },
        if ratio >= 2.0 {
            String::new()
        } else {
            format!(", short by {:.0}%", (2.0 / ratio - 1.0) * 100.0)
        }
    );

    where_the_lag_goes(&default, &run_times, mean_run);
    println!("\n(finished in {:.1} s)", started.elapsed().as_secs_f64());
}

/// Explains the gap to the theory with numbers from this run.
fn where_the_lag_goes(policy: &AdaptivePolicy, run_times: &[Duration], mean_run: f64) {
    println!("\n### Where the lag goes (default policy, mean over {REPLAYS} replays)\n");
    let mut per_job = vec![(0.0, 0.0); run_times.len()];
    for _ in 0..REPLAYS {
        for (job, (polls, lag)) in simulate(policy, run_times, None).into_iter().enumerate() {
            per_job[job].0 += f64::from(polls) / REPLAYS as f64;
            per_job[job].1 += lag / REPLAYS as f64;
        }
    }
    let jobs = run_times.len() as f64;
    let total: f64 = per_job.iter().map(|(_, lag)| lag).sum();
    println!(
        "- job 1 (no estimate yet, backs off toward the 30 s cap): run {:.0} s, lag {:.1} s \
         = {:.3} s of the {:.3} s mean",
        run_times[0].as_secs_f64(),
        per_job[0].1,
        per_job[0].1 / jobs,
        total / jobs
    );
    // Far shorter than the distribution makes likely: below median * e^(-2.5 sigma).
    let short = TRUE_DISTRIBUTION.median.as_secs_f64() * (-2.5 * TRUE_DISTRIBUTION.sigma).exp();
    let (mut short_lag, mut short_runs) = (0.0, Vec::new());
    for (job, run) in run_times.iter().enumerate().skip(1) {
        if run.as_secs_f64() < short {
            short_lag += per_job[job].1;
            short_runs.push(format!(
                "{:.0} s (lag {:.1} s)",
                run.as_secs_f64(),
                per_job[job].1
            ));
        }
    }
    let expected_short = jobs * (1.0 - TRUE_DISTRIBUTION.survival(Duration::from_secs_f64(short)));
    println!(
        "- {} jobs shorter than {short:.0} s (expected {:.1} of {jobs} for this distribution): {} = {:.3} s of the mean",
        short_runs.len(),
        expected_short,
        short_runs.join(", "),
        short_lag / jobs
    );
    let rest = (total - per_job[0].1 - short_lag) / (jobs - 1.0 - short_runs.len() as f64);
    println!("- every other job: mean lag {rest:.3} s");

    // The continuous-limit optimum for a perfectly known distribution: with a
    // poll rate of c * sqrt(h), requests ~ c * I and lag ~ I / (2c) with
    // I = integral of sqrt(h) * S; a fixed interval gets lag * requests = E[D] / 2,
    // so the best lag ratio at an equal request count is E[D] / I^2.
    let (mut integral, mut expected) = (0.0, 0.0);
    let step = 0.05;
    let mut t = step / 2.0;
    while t < 4000.0 {
        let at = Duration::from_secs_f64(t);
        let survival = TRUE_DISTRIBUTION.survival(at);
        integral += TRUE_DISTRIBUTION.hazard(at).sqrt() * survival * step;
        expected += survival * step;
        t += step;
    }
    println!(
        "- theory: for a perfectly known log-normal (median 240 s, sigma 0.3; E[D] = {expected:.1} s, \
         this sample's mean {mean_run:.1} s) the best lag ratio at an equal request count, in the \
         continuous limit, is E[D] / I^2 = {:.2}x (I = integral of sqrt(hazard) * survival = {integral:.2})",
        expected / (integral * integral)
    );
}
