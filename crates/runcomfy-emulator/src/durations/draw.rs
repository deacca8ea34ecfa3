//! Seeded draws of run times ([`RunTimes`]): the queue draws one for each
//! job it admits, in submit order, and [`run_times`] draws the same ones
//! for a benchmark that must know them. Pure: the same distribution, seed
//! and workloads give the same durations, on any machine.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::durations::by_kind::median_secs;
use crate::durations::distribution::{DEFAULT_SIGMA, Durations};
use crate::kind::OutputKind;

/// What a job asks for, which the default distribution reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Workload {
    /// Its model's output kind.
    pub kind: OutputKind,
    /// The length of output it asks for, in seconds, when it asks.
    pub requested_secs: Option<f64>,
}

impl Workload {
    /// A video of `secs` seconds.
    pub fn video(secs: u32) -> Self {
        Self {
            kind: OutputKind::Video,
            requested_secs: Some(f64::from(secs)),
        }
    }
}

/// The run times of one emulator's jobs, drawn one a job in submit order.
#[derive(Debug, Clone)]
pub struct RunTimes {
    durations: Durations,
    rng: StdRng,
    drawn: u64,
}

impl RunTimes {
    /// Draws from `durations`, seeded with `seed` (the emulator's `--seed`).
    pub fn new(durations: Durations, seed: u64) -> Self {
        Self {
            durations,
            rng: StdRng::seed_from_u64(seed),
            drawn: 0,
        }
    }

    /// The run time of the next job, before the time scale.
    pub fn next_for(&mut self, workload: Workload) -> Duration {
        let rng = &mut self.rng;
        let secs = match self.durations {
            Durations::ByKind => log_normal(
                rng,
                median_secs(workload.kind, workload.requested_secs),
                DEFAULT_SIGMA,
            ),
            Durations::LogNormal { median, sigma } => log_normal(rng, median.as_secs_f64(), sigma),
            Durations::Uniform { min, max } => {
                let (min, max) = (min.as_secs_f64(), max.as_secs_f64());
                min + (max - min) * rng.random_range(0.0..=1.0)
            }
            Durations::Bimodal {
                short,
                long,
                share,
                sigma,
            } => {
                let mode = if rng.random_range(0.0..1.0) < share {
                    long
                } else {
                    short
                };
                log_normal(rng, mode.as_secs_f64(), sigma)
            }
            Durations::Pareto { scale, shape, max } => {
                let u: f64 = rng.random_range(f64::EPSILON..1.0);
                (scale.as_secs_f64() * u.powf(-1.0 / shape)).min(max.as_secs_f64())
            }
            Durations::Drift {
                from,
                to,
                over,
                sigma,
            } => {
                let progress = (self.drawn as f64 / f64::from(over.max(1))).min(1.0);
                let mean = from.as_secs_f64() + (to.as_secs_f64() - from.as_secs_f64()) * progress;
                // A log-normal's mean is its median times e^(sigma²/2).
                log_normal(rng, mean * (-sigma * sigma / 2.0).exp(), sigma)
            }
        };
        self.drawn += 1;
        Duration::from_secs_f64(secs.max(0.0))
    }
}

/// The run times, before the time scale, of jobs asking for `workloads` in
/// submit order, from an emulator started with `durations` and `seed`:
/// its n-th admitted job runs for the n-th, times `--time-scale`.
pub fn run_times(
    durations: &Durations,
    seed: u64,
    workloads: impl IntoIterator<Item = Workload>,
) -> Vec<Duration> {
    let mut draws = RunTimes::new(durations.clone(), seed);
    workloads
        .into_iter()
        .map(|workload| draws.next_for(workload))
        .collect()
}

/// `count` run times of `video_secs`-second videos from the default
/// distribution, for benchmarks that must match the emulator's spread.
pub fn sample_run_times(seed: u64, count: usize, video_secs: u32) -> Vec<Duration> {
    run_times(
        &Durations::ByKind,
        seed,
        std::iter::repeat_n(Workload::video(video_secs), count),
    )
}

/// A log-normal draw around `median` seconds.
fn log_normal(rng: &mut StdRng, median: f64, sigma: f64) -> f64 {
    // Box-Muller: a standard normal from two uniforms.
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random_range(0.0..1.0);
    let normal = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
    median * (sigma * normal).exp()
}
