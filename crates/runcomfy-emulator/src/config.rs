//! How an emulator behaves: its queue, its limits and its faults.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::dialect::Dialect;
use crate::durations::Durations;
use crate::faults::FaultRates;
use crate::pricing::Price;

/// Everything an [`Emulator`](crate::Emulator) can be told at start.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Port on 127.0.0.1; 0 asks for an ephemeral port.
    pub port: u16,
    /// Jobs run at once; the rest wait `in_queue`.
    pub workers: usize,
    /// Factor on the realistic durations (minutes for a 5 s Kling video);
    /// 0.001 makes a job take a fraction of a second; 0 finishes it at submit.
    pub time_scale: f64,
    /// Seed of everything random but request ids: durations, failures, faults.
    pub seed: u64,
    /// The distribution job run times are drawn from (before `time_scale`);
    /// by default log-normal by output kind and requested length.
    pub durations: Durations,
    /// How long a finished job stays answerable before it expires.
    pub job_ttl: Duration,
    /// Most jobs held at once (queued, running or finished and not expired);
    /// a submit beyond it gets a 503 with `Retry-After`.
    pub max_jobs: usize,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Accepted bearer tokens; `None` accepts any non-empty token.
    pub tokens: Option<Vec<String>>,
    /// How long the emulator waits for a media URL it must check.
    pub media_timeout: Duration,
    /// Injected faults, by rate.
    pub faults: FaultRates,
    /// Bytes appended to every output video (a trailing MP4 `free` box,
    /// streamed as zeros), for tests and benchmarks of large downloads.
    pub output_padding: u64,
    /// Validate every response against the OpenAPI document and record the
    /// ones that do not match ([`Emulator::contract_violations`](crate::Emulator::contract_violations)).
    pub check_contract: bool,
    /// The words and shapes of answers where the service varies (the
    /// default: the seeds').
    pub dialect: Dialect,
    /// Each model's price, by model id; a model without one has no known
    /// price, no `cost` and is never charged.
    pub prices: BTreeMap<String, Price>,
    /// The account's balance in USD, which submits of priced models are
    /// charged to; `None` is unlimited.
    pub balance_usd: Option<f64>,
    /// Fetch media from any http(s) URL, not only from loopback URLs and
    /// `data:` URIs (off: no test reaches another host by default).
    pub fetch_remote: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            port: 0,
            workers: 4,
            time_scale: 1.0,
            seed: 0,
            durations: Durations::default(),
            job_ttl: Duration::from_secs(3600),
            max_jobs: 10_000,
            body_limit: 64 * 1024 * 1024,
            tokens: None,
            media_timeout: Duration::from_secs(10),
            faults: FaultRates::default(),
            output_padding: 0,
            check_contract: false,
            dialect: Dialect::default(),
            prices: BTreeMap::new(),
            balance_usd: None,
            fetch_remote: false,
        }
    }
}

impl EmulatorConfig {
    /// A configuration for tests: ephemeral port, jobs that take tens of
    /// milliseconds, contract checking on.
    pub fn for_tests() -> Self {
        Self {
            time_scale: 0.0002,
            check_contract: true,
            ..Self::default()
        }
    }
}
