//! The one wall-time check: a workload through real HTTP on the emulator
//! (the client's own waits, the emulator's own queue and draws, time scaled
//! down), beside its virtual replay on the same run times.

use std::sync::Arc;
use std::time::Instant;

use runcomfy::Client;
use runcomfy::models::kling::kling_1_6::pro::image_to_video::Input;
use runcomfy::poll::{AdaptivePolicy, ModelStats, RequestBudget};
use runcomfy_emulator::{Emulator, EmulatorConfig, fixtures::png_data_uri};

use crate::judge::Point;
use crate::sim::{self, MODEL, Outcome, Poller, Service};
use crate::workloads;

/// The workload: spread evenly over 4 to 12 s, as the issue measured.
pub(crate) const DURATIONS: &str = "uniform:4s..12s";
/// Real seconds a virtual second: jobs of 1 to 3 s (a millisecond of
/// HTTP is 4 ms of virtual time).
pub(crate) const SCALE: f64 = 0.25;
const JOBS: usize = 48;
const SEED: u64 = 11;

/// What the real run and its replay measured, in virtual seconds.
pub(crate) struct Agreement {
    pub(crate) real: Point,
    pub(crate) replay: Point,
}

/// Runs the workload through HTTP, then replays it.
pub(crate) fn check() -> Agreement {
    let runs = workloads::draw(DURATIONS, SEED, JOBS);
    let durations: runcomfy_emulator::Durations = DURATIONS.parse().expect("durations");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let (real, requests) = runtime.block_on(through_http(durations, &runs));
    let policy = AdaptivePolicy::default().with_jitter_seed(SEED);
    let stats = ModelStats::default();
    let replay = sim::batch(
        Poller::Ours {
            policy: &policy,
            stats: &stats,
            model: MODEL,
        },
        &runs,
        JOBS,
        &mut Service::new(None),
    );
    Agreement {
        real: Point {
            requests,
            ..Point::of(&real)
        },
        replay: Point::of(&replay),
    }
}

/// Every job submitted at once and waited for with the default policy at
/// the scaled interval: each job's lag in virtual seconds, and the status
/// and result requests a job the emulator counted.
async fn through_http(
    durations: runcomfy_emulator::Durations,
    runs: &[f64],
) -> (Vec<Outcome>, f64) {
    let emulator = Emulator::start(EmulatorConfig {
        time_scale: SCALE,
        workers: JOBS,
        seed: SEED,
        durations,
        ..EmulatorConfig::default()
    })
    .await
    .expect("an emulator");
    let client = client(&emulator);
    let input: Input = Input::builder()
        .image_url(png_data_uri(1280, 720))
        .try_into()
        .expect("an input");
    let mut handles = Vec::new();
    for _ in 0..JOBS {
        // The job starts while its submit is answered: halfway, within a
        // millisecond or two.
        let before = Instant::now();
        let handle = client.submit(&input).await.expect("a submit");
        let submitted = before + before.elapsed() / 2;
        handles.push((submitted, handle));
    }
    let waits = handles.into_iter().map(|(submitted, handle)| async move {
        handle.wait().await.expect("a wait");
        (submitted, Instant::now())
    });
    let ended = futures::future::join_all(waits).await;
    let polls = emulator.stats().requests() - emulator.stats().submits();
    let outcomes = ended
        .iter()
        .zip(runs)
        .map(|((submitted, seen), run)| Outcome {
            run: *run,
            // Counted for all jobs together (see the second value).
            requests: 0,
            lag: (seen.duration_since(*submitted).as_secs_f64() / SCALE - run).max(0.0),
        })
        .collect();
    (outcomes, polls as f64 / JOBS as f64)
}

fn client(emulator: &Emulator) -> Client {
    let interval = AdaptivePolicy::PROVIDER_INTERVAL.mul_f64(SCALE);
    Client::builder()
        .token("emulator")
        .base_url(emulator.base_url())
        .poll_policy(
            AdaptivePolicy::default()
                .with_interval(interval)
                .with_shortest(AdaptivePolicy::DEFAULT_SHORTEST.mul_f64(SCALE)),
        )
        .request_budget(Arc::new(RequestBudget::unlimited()))
        .build()
        .expect("a client")
}
