//! The workloads: run-time distributions, as the emulator's `--durations`
//! draws them, and the queue they go through.

use std::time::Duration;

/// One workload: the jobs, how many at a time, and the service's workers.
pub(crate) struct Workload {
    pub(crate) key: &'static str,
    pub(crate) title: &'static str,
    /// The emulator's `--durations` for these jobs.
    pub(crate) durations: &'static str,
    /// Jobs in the batch, and single runs in the series.
    pub(crate) jobs: usize,
    /// Waits at a time in the batch (`runcomfy batch --concurrency`).
    pub(crate) concurrency: usize,
    /// The service's workers (`None`: as many as there are jobs).
    pub(crate) workers: Option<usize>,
    /// Jobs the service already holds when a single run is submitted.
    pub(crate) backlog: usize,
}

/// Every workload the issue names.
pub(crate) fn all(quick: bool) -> Vec<Workload> {
    let jobs = if quick { 50 } else { 80 };
    let workload = |key, title, durations| Workload {
        key,
        title,
        durations,
        jobs,
        concurrency: 16,
        workers: None,
        backlog: 0,
    };
    vec![
        workload(
            "lognormal",
            "Log-normal (the emulator's spread, median 4.8 s)",
            "lognormal:median=4.8s,sigma=0.3",
        ),
        workload("uniform", "Uniform, 4 to 12 s", "uniform:4s..12s"),
        workload(
            "bimodal",
            "Bimodal: 80% about 5 s, 20% about 30 s",
            "bimodal:short=5s,long=30s,share=0.2",
        ),
        workload(
            "pareto",
            "Heavy tail: Pareto from 4 s, shape 1.3",
            "pareto:scale=4s,shape=1.3,max=400s",
        ),
        workload(
            "drift",
            "Drifting: the mean grows from 5 s to 30 s",
            "drift:from=5s,to=30s,over=60",
        ),
        Workload {
            workers: Some(4),
            backlog: 8,
            ..workload(
                "queue",
                "A queue: 16 at a time on 4 workers, log-normal 8 s",
                "lognormal:median=8s,sigma=0.3",
            )
        },
        Workload {
            jobs: 50,
            ..workload(
                "minutes",
                "Minutes: the emulator at time scale 1 (median 240 s)",
                "lognormal:median=240s,sigma=0.3",
            )
        },
    ]
}

impl Workload {
    /// The run times, in seconds, of the workload's jobs (seeded).
    pub(crate) fn runs(&self, seed: u64) -> Vec<f64> {
        draw(self.durations, seed, self.jobs)
    }
}

/// The run times, in seconds, the emulator draws for `jobs` five-second
/// videos under `--durations durations` with `seed`.
pub(crate) fn draw(durations: &str, seed: u64, jobs: usize) -> Vec<f64> {
    let durations: runcomfy_emulator::Durations = durations.parse().expect("a --durations value");
    let videos = (0..jobs).map(|_| runcomfy_emulator::Workload::video(5));
    runcomfy_emulator::run_times(&durations, seed, videos)
        .iter()
        .map(Duration::as_secs_f64)
        .collect()
}
