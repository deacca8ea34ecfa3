//! Command-line flags of the emulator, shared by `runcomfy-emulator` and
//! `runcomfy emulator`.

use std::time::Duration;

use crate::catalog::{catalog, catalog_model};
use crate::config::EmulatorConfig;
use crate::dialect::{
    CancelSpelling, Dialect, FailureError, FinishedStatus, OutputShape, SuccessWord,
};
use crate::durations::Durations;
use crate::faults::FaultRates;
use crate::pricing::Price;

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
    /// How long jobs run, before --time-scale: `by-kind` (log-normal by
    /// output kind and requested length), `lognormal:median=240s,sigma=0.3`,
    /// `uniform:4s..12s`, `bimodal:short=20s,long=120s,share=0.2`,
    /// `pareto:scale=10s,shape=1.5,max=600s` or
    /// `drift:from=10s,to=40s,over=50` (the mean grows over the jobs in
    /// submit order).
    #[arg(long, default_value = "by-kind", value_name = "DISTRIBUTION")]
    pub durations: Durations,
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
    /// What the status endpoint says of a finished job: `completed` (the
    /// documented word) or `outcome` (`succeeded` or `failed`).
    #[arg(long, value_enum, default_value_t, value_name = "WORD")]
    pub finished_status: FinishedStatus,
    /// How a cancelled job is spelled on the status, result and cancel answers.
    #[arg(long, value_enum, default_value_t, value_name = "SPELLING")]
    pub cancel_spelling: CancelSpelling,
    /// What the result endpoint says of a success.
    #[arg(long, value_enum, default_value_t, value_name = "WORD")]
    pub success_word: SuccessWord,
    /// Where a success's `output` puts its files: `video`, `videos` (two in
    /// an array) or `video-and-preview` (plus a `preview` URL).
    #[arg(long, value_enum, default_value_t, value_name = "SHAPE")]
    pub output_shape: OutputShape,
    /// The shape of a failed job's `error`: a string, an object or a list.
    #[arg(long, value_enum, default_value_t, value_name = "SHAPE")]
    pub failure_error: FailureError,
    /// A model's price (repeatable): `MODEL_ID=USD/output` or
    /// `MODEL_ID=USD/second`; by default no price is known.
    #[arg(long = "price", value_name = "MODEL_ID=USD/UNIT")]
    pub prices: Vec<String>,
    /// The account's balance in USD, charged for jobs of priced models
    /// (`GET /prod/v2/balance` reads it); unlimited by default.
    #[arg(long = "balance", value_name = "USD", allow_negative_numbers = true)]
    pub balance_usd: Option<f64>,
    /// Fetch media from any http(s) URL, not only loopback URLs and data: URIs.
    #[arg(long)]
    pub fetch_remote: bool,
}

impl EmulatorArgs {
    /// The configuration these flags describe; a rate outside 0..=1 is an error naming the flag.
    pub fn config(&self) -> Result<EmulatorConfig, String> {
        self.check_numbers()?;
        let prices = self
            .prices
            .iter()
            .map(|assignment| known_model_price(assignment))
            .collect::<Result<_, _>>()?;
        Ok(EmulatorConfig {
            port: self.port,
            workers: self.workers,
            time_scale: self.time_scale,
            seed: self.seed,
            durations: self.durations.clone(),
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
            dialect: Dialect {
                finished_status: self.finished_status,
                cancel_spelling: self.cancel_spelling,
                success_word: self.success_word,
                output_shape: self.output_shape,
                failure_error: self.failure_error,
            },
            prices,
            balance_usd: self.balance_usd,
            fetch_remote: self.fetch_remote,
            ..EmulatorConfig::default()
        })
    }

    /// Every number a flag holds within its range, or the error naming the flag.
    fn check_numbers(&self) -> Result<(), String> {
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
        if let Some(usd) = self.balance_usd
            && !(usd.is_finite() && usd >= 0.0)
        {
            return Err(format!(
                "--balance must be a number of USD from 0, not {usd}"
            ));
        }
        Ok(())
    }
}

/// A `--price` value for a model this build knows (a typo would otherwise
/// leave the model unpriced without a word).
fn known_model_price(assignment: &str) -> Result<(String, Price), String> {
    let (model, price) = Price::parse_assignment(assignment)?;
    if catalog_model(&model).is_none() {
        let known: Vec<&str> = catalog().iter().map(|spec| spec.id.as_str()).collect();
        return Err(format!(
            "--price names `{model}`, which this emulator does not know; it knows: {}",
            known.join(", ")
        ));
    }
    Ok((model, price))
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory as _, Parser};

    use super::*;
    use crate::pricing::PriceUnit;

    /// A program whose flags are the emulator's.
    #[derive(Debug, Parser)]
    struct Flags {
        #[command(flatten)]
        emulator: EmulatorArgs,
    }

    fn config_of(args: &[&str]) -> Result<EmulatorConfig, String> {
        let flags = Flags::try_parse_from(std::iter::once("emulator").chain(args.iter().copied()))
            .map_err(|e| e.to_string())?;
        flags.emulator.config()
    }

    #[test]
    fn by_default_the_seeds_words_no_price_no_balance_and_loopback_only() {
        let config = config_of(&[]).expect("defaults");
        assert_eq!(config.dialect, Dialect::default());
        assert!(config.prices.is_empty());
        assert_eq!(config.balance_usd, None);
        assert!(!config.fetch_remote);
        assert_eq!(config.durations, Durations::ByKind);
    }

    #[test]
    fn durations_have_a_flag_whose_errors_name_it() {
        let config = config_of(&["--durations", "uniform:4s..12s"]).expect("a configuration");
        assert_eq!(
            config.durations,
            Durations::Uniform {
                min: Duration::from_secs(4),
                max: Duration::from_secs(12)
            }
        );
        let error = config_of(&["--durations", "gamma:k=2"]).expect_err("refused");
        assert!(
            error.contains("--durations") && error.contains("unknown distribution `gamma`"),
            "{error}"
        );
    }

    #[test]
    fn every_word_shape_price_and_balance_has_a_flag() {
        let kling = "kling/kling-1-6/pro/image-to-video";
        let config = config_of(&[
            "--finished-status",
            "outcome",
            "--cancel-spelling",
            "canceled",
            "--success-word",
            "completed",
            "--output-shape",
            "video-and-preview",
            "--failure-error",
            "list",
            "--price",
            &format!("{kling}=0.1/second"),
            "--balance",
            "5",
            "--fetch-remote",
        ])
        .expect("a configuration");
        assert_eq!(
            config.dialect,
            Dialect {
                finished_status: FinishedStatus::Outcome,
                cancel_spelling: CancelSpelling::Canceled,
                success_word: SuccessWord::Completed,
                output_shape: OutputShape::VideoAndPreview,
                failure_error: FailureError::List,
            }
        );
        assert_eq!(
            config.prices.get(kling),
            Some(&Price {
                usd: 0.1,
                unit: PriceUnit::Second
            })
        );
        assert_eq!(config.prices.len(), 1);
        assert_eq!(config.balance_usd, Some(5.0));
        assert!(config.fetch_remote);
        let videos = config_of(&["--output-shape", "videos", "--failure-error", "string"])
            .expect("a configuration");
        assert_eq!(videos.dialect.output_shape, OutputShape::Videos);
        assert_eq!(videos.dialect.failure_error, FailureError::String);
    }

    #[test]
    fn a_wrong_price_or_balance_is_an_error_naming_its_flag() {
        for (args, flag) in [
            (["--price", "kling=0.1/token"], "--price"),
            (["--price", "kling"], "--price"),
            (["--price", "acme/upscaler=0.02/output"], "--price"),
            (["--balance", "-1"], "--balance"),
            (["--balance", "NaN"], "--balance"),
        ] {
            let error = config_of(&args).expect_err("refused");
            assert!(error.contains(flag), "{args:?}: {error}");
        }
    }

    #[test]
    fn help_documents_every_new_flag() {
        let help = Flags::command().render_long_help().to_string();
        for flag in [
            "--finished-status",
            "--cancel-spelling",
            "--success-word",
            "--output-shape",
            "--failure-error",
            "--price <MODEL_ID=USD/UNIT>",
            "--balance <USD>",
            "--fetch-remote",
            "--durations <DISTRIBUTION>",
        ] {
            assert!(help.contains(flag), "{flag} in {help}");
        }
    }
}
