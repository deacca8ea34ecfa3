//! Command-line flags of the emulator, shared by `runcomfy-emulator` and
//! `runcomfy emulator`.

use std::time::Duration;

use crate::config::EmulatorConfig;
use crate::faults::FaultRates;

/// Flags that configure an emulator.
#[derive(Debug, Clone, clap::Args)]
pub struct EmulatorArgs {
    /// Port on 127.0.0.1 (0: an ephemeral port, printed on start).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Factor on realistic job durations (minutes for a 5 s video); 0.01 runs a job in seconds.
    #[arg(long, default_value_t = 1.0)]
    pub time_scale: f64,
    /// Jobs that run at once; the others wait in the queue.
    #[arg(long, default_value_t = 4)]
    pub workers: usize,
    /// Seed of durations, failures and faults (request ids stay unguessable).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Seconds a finished job stays answerable.
    #[arg(long, default_value_t = 3600)]
    pub job_ttl: u64,
    /// Most jobs held at once; submits beyond it get a 503.
    #[arg(long, default_value_t = 10_000)]
    pub max_jobs: usize,
    /// Accept only this token (repeatable); by default any non-empty token.
    #[arg(long = "token", value_name = "TOKEN")]
    pub tokens: Vec<String>,
    /// MiB appended to every output video (an MP4 `free` box streamed as
    /// zeros), to test large downloads; at most 4095.
    #[arg(long, default_value_t = 0, value_name = "MIB")]
    pub output_padding_mb: u64,
    /// Probability of a 429 with Retry-After on an API call.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub fault_rate_limit: f64,
    /// Seconds in the Retry-After of injected 429s.
    #[arg(long, default_value_t = 1)]
    pub retry_after: u64,
    /// Probability of a 500/502/503/504 on an API call.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub fault_server_error: f64,
    /// Probability that a connection is closed before an answer.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub fault_reset: f64,
    /// Probability that a request is carried out and then its connection is
    /// closed without an answer (a submit's job exists; the client cannot know).
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub fault_reset_after: f64,
    /// Probability of a slow answer.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub fault_slow: f64,
    /// Milliseconds a slow answer waits.
    #[arg(long, default_value_t = 2000)]
    pub slow_ms: u64,
    /// Probability of malformed JSON on a status or result call.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub fault_malformed_json: f64,
    /// Probability of an HTTP 200 carrying error_code.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub fault_error_in_200: f64,
    /// Probability that a media download stops halfway.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub fault_truncate_media: f64,
    /// Probability that a job fails.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub fail_rate: f64,
}

impl EmulatorArgs {
    /// The configuration these flags describe; a rate outside 0..=1 is an error naming the flag.
    pub fn config(&self) -> Result<EmulatorConfig, String> {
        let rates = [
            ("--fault-rate-limit", self.fault_rate_limit),
            ("--fault-server-error", self.fault_server_error),
            ("--fault-reset", self.fault_reset),
            ("--fault-reset-after", self.fault_reset_after),
            ("--fault-slow", self.fault_slow),
            ("--fault-malformed-json", self.fault_malformed_json),
            ("--fault-error-in-200", self.fault_error_in_200),
            ("--fault-truncate-media", self.fault_truncate_media),
            ("--fail-rate", self.fail_rate),
        ];
        if let Some((flag, rate)) = rates.iter().find(|(_, rate)| !(0.0..=1.0).contains(rate)) {
            return Err(format!("{flag} is a probability from 0 to 1, not {rate}"));
        }
        if !(self.time_scale > 0.0 && self.time_scale.is_finite()) {
            return Err(format!(
                "--time-scale must be a positive number, not {}",
                self.time_scale
            ));
        }
        if self.output_padding_mb > 4095 {
            return Err(format!(
                "--output-padding-mb is at most 4095, not {}",
                self.output_padding_mb
            ));
        }
        if self.workers == 0 {
            return Err("--workers must be at least 1".into());
        }
        Ok(EmulatorConfig {
            port: self.port,
            workers: self.workers,
            time_scale: self.time_scale,
            seed: self.seed,
            job_ttl: Duration::from_secs(self.job_ttl),
            max_jobs: self.max_jobs,
            tokens: (!self.tokens.is_empty()).then(|| self.tokens.clone()),
            faults: FaultRates {
                rate_limited: self.fault_rate_limit,
                retry_after_secs: self.retry_after,
                server_error: self.fault_server_error,
                reset: self.fault_reset,
                reset_after_processing: self.fault_reset_after,
                slow: self.fault_slow,
                slow_delay: Duration::from_millis(self.slow_ms),
                malformed_json: self.fault_malformed_json,
                error_in_200: self.fault_error_in_200,
                truncated_media: self.fault_truncate_media,
                job_failure: self.fail_rate,
            },
            output_padding: self.output_padding_mb * 1024 * 1024,
            ..EmulatorConfig::default()
        })
    }
}
