//! The shape of each distribution on many seeded draws: its bounds, its
//! median or mean, and the heaviness of its tail.

use std::time::Duration;

use crate::durations::distribution::Durations;
use crate::durations::draw::{RunTimes, Workload, run_times, sample_run_times};
use crate::kind::OutputKind;

const DRAWS: usize = 20_000;

/// `DRAWS` run times in seconds of 5 s videos, in submit order.
fn draws(durations: &str, seed: u64) -> Vec<f64> {
    let durations: Durations = durations.parse().expect("a distribution");
    run_times(
        &durations,
        seed,
        std::iter::repeat_n(Workload::video(5), DRAWS),
    )
    .iter()
    .map(Duration::as_secs_f64)
    .collect()
}

fn sorted(mut secs: Vec<f64>) -> Vec<f64> {
    secs.sort_by(f64::total_cmp);
    secs
}

fn median(secs: &[f64]) -> f64 {
    sorted(secs.to_vec())[secs.len() / 2]
}

fn mean(secs: &[f64]) -> f64 {
    secs.iter().sum::<f64>() / secs.len() as f64
}

/// The share of draws longer than `secs`.
fn beyond(draws: &[f64], secs: f64) -> f64 {
    draws.iter().filter(|d| **d > secs).count() as f64 / draws.len() as f64
}

fn near(value: f64, want: f64, tolerance: f64) -> bool {
    (value - want).abs() <= want.abs() * tolerance
}

#[test]
fn durations_are_seeded_and_minutes_long() {
    let draw = |seed| {
        let mut rng = RunTimes::new(Durations::ByKind, seed);
        (0..500)
            .map(|_| rng.next_for(Workload::video(5)))
            .collect::<Vec<_>>()
    };
    assert_eq!(draw(3), draw(3));
    let mut times = draw(3);
    times.sort();
    let median = times[250].as_secs_f64();
    assert!((200.0..290.0).contains(&median), "median {median}");
    assert!(times[0].as_secs_f64() > 60.0 && times[499].as_secs_f64() < 900.0);
    let mut rng = RunTimes::new(Durations::ByKind, 3);
    let ten: f64 = (0..200)
        .map(|_| rng.next_for(Workload::video(10)).as_secs_f64())
        .sum::<f64>()
        / 200.0;
    assert!(ten > 350.0, "10 s videos take longer: {ten}");
}

#[test]
fn the_default_depends_on_the_kind_and_the_requested_length() {
    let by = |kind, requested_secs| {
        let workload = Workload {
            kind,
            requested_secs,
        };
        let secs: Vec<f64> = run_times(&Durations::ByKind, 7, std::iter::repeat_n(workload, DRAWS))
            .iter()
            .map(Duration::as_secs_f64)
            .collect();
        median(&secs)
    };
    assert!(near(by(OutputKind::Video, Some(5.0)), 240.0, 0.03));
    assert!(near(by(OutputKind::Video, Some(10.0)), 420.0, 0.03));
    assert!(near(by(OutputKind::Image, None), 30.0, 0.03));
    assert!(near(by(OutputKind::Audio, Some(60.0)), 60.0, 0.03));
    assert!(near(by(OutputKind::Audio, Some(300.0)), 180.0, 0.03));
    assert_eq!(
        sample_run_times(9, 50, 5),
        run_times(
            &Durations::ByKind,
            9,
            std::iter::repeat_n(Workload::video(5), 50)
        ),
        "the benchmarks' function is the default distribution"
    );
}

#[test]
fn a_lognormal_has_its_median_and_spread() {
    let secs = draws("lognormal:median=100s,sigma=0.5", 1);
    assert!(near(median(&secs), 100.0, 0.03), "{}", median(&secs));
    let logs: Vec<f64> = secs.iter().map(|s| s.ln()).collect();
    let log_mean = mean(&logs);
    let spread =
        (logs.iter().map(|l| (l - log_mean).powi(2)).sum::<f64>() / logs.len() as f64).sqrt();
    assert!(near(spread, 0.5, 0.03), "sigma {spread}");
    assert_eq!(secs, draws("lognormal:median=100s,sigma=0.5", 1), "seeded");
    assert_ne!(secs, draws("lognormal:median=100s,sigma=0.5", 2));
}

#[test]
fn a_uniform_stays_within_its_bounds_and_fills_them_evenly() {
    let secs = sorted(draws("uniform:4s..12s", 1));
    assert!(secs[0] >= 4.0 && secs[DRAWS - 1] <= 12.0);
    assert!(
        secs[0] < 4.01 && secs[DRAWS - 1] > 11.99,
        "reaches both ends"
    );
    assert!(near(mean(&secs), 8.0, 0.01));
    let quartile = secs[DRAWS / 4];
    assert!(near(quartile, 6.0, 0.02), "a quarter below 6 s: {quartile}");
}

#[test]
fn a_bimodal_has_two_modes_in_the_given_shares() {
    let secs = draws("bimodal:short=20s,long=120s,share=0.2", 1);
    // The geometric middle of the modes parts them (each spreads ±10%).
    let long: Vec<f64> = secs.iter().copied().filter(|s| *s > 49.0).collect();
    let short: Vec<f64> = secs.iter().copied().filter(|s| *s <= 49.0).collect();
    assert!(near(long.len() as f64 / DRAWS as f64, 0.2, 0.05));
    assert!(near(median(&long), 120.0, 0.02) && near(median(&short), 20.0, 0.02));
    assert!(
        beyond(&secs, 30.0) - beyond(&secs, 80.0) < 0.001,
        "almost nothing between the modes"
    );
}

#[test]
fn a_pareto_has_a_floor_a_cap_and_a_heavy_tail() {
    let secs = sorted(draws("pareto:scale=10s,shape=1.5,max=600s", 1));
    assert!(secs[0] >= 10.0 && secs[DRAWS - 1] <= 600.0);
    // P(X > x) = (scale / x)^shape: 10^-1.5 beyond ten times the scale.
    let tail = beyond(&secs, 100.0);
    assert!(near(tail, 10f64.powf(-1.5), 0.1), "tail {tail}");
    assert!(near(median(&secs), 10.0 * 2f64.powf(1.0 / 1.5), 0.03));
    let light = draws(
        &format!("lognormal:median={}ms", (median(&secs) * 1000.0) as u64),
        1,
    );
    assert!(
        tail > 100.0 * beyond(&light, 100.0),
        "far heavier than a log-normal of the same median"
    );
    assert!(
        beyond(&secs, 599.0) > 0.0,
        "the cap is reached, not just approached"
    );
}

#[test]
fn a_drift_moves_the_mean_over_the_jobs_in_submit_order() {
    let over = 5_000;
    let secs = draws(&format!("drift:from=10s,to=40s,over={over}"), 1);
    let window = |start: usize| mean(&secs[start..start + 500]);
    assert!(near(window(0), 10.0 + 30.0 * 0.05, 0.04), "{}", window(0));
    assert!(near(window(2_250), 25.0, 0.04), "{}", window(2_250));
    assert!(near(window(over), 40.0, 0.04), "{}", window(over));
    assert!(
        near(mean(&secs[over..]), 40.0, 0.02),
        "the mean stays at `to` after `over` jobs"
    );
}
