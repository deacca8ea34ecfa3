//! The whole run: an emulator started in-process (the tests' time scale
//! and contract check: an answer off the OpenAPI document panics when the
//! emulator is dropped, as in a test), one client against it polling every
//! 20 ms, and every model of the catalog run a few at a time.

use std::time::{Duration, Instant};

use futures::StreamExt as _;
use runcomfy::Client;
use runcomfy::poll::FixedInterval;
use runcomfy_emulator::{Emulator, EmulatorConfig};

use super::job::run_model;
use super::report::{ModelOutcome, Report};

/// How many models run at once unless told otherwise.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Runs every model, `concurrency` at a time, telling `on_outcome` of
/// each as it ends; an error when the run itself could not be set up.
pub fn run(concurrency: usize, on_outcome: impl FnMut(&ModelOutcome)) -> Result<Report, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("no async runtime: {e}"))?;
    runtime.block_on(run_all(concurrency.max(1), on_outcome))
}

async fn run_all(
    concurrency: usize,
    mut on_outcome: impl FnMut(&ModelOutcome),
) -> Result<Report, String> {
    let started = Instant::now();
    let downloads = tempfile::tempdir().map_err(|e| format!("no download directory: {e}"))?;
    let emulator = Emulator::start(EmulatorConfig::for_tests())
        .await
        .map_err(|e| format!("the emulator did not start: {e}"))?;
    let client = Client::builder()
        .token("emulate-all")
        .base_url(emulator.base_url())
        .poll_policy(FixedInterval(Duration::from_millis(20)))
        .build()
        .map_err(|e| format!("no client: {e}"))?;
    let mut jobs = futures::stream::iter(runcomfy_types::models())
        .map(|spec| run_model(&client, spec, downloads.path()))
        .buffer_unordered(concurrency);
    let mut outcomes = Vec::new();
    while let Some(outcome) = jobs.next().await {
        on_outcome(&outcome);
        outcomes.push(outcome);
    }
    drop(jobs);
    outcomes.sort_by_key(|outcome| outcome.model);
    Ok(Report {
        outcomes,
        elapsed: started.elapsed(),
    })
}
