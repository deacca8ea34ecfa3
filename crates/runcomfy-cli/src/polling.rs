//! How the CLI polls: `--poll-interval` (the interval while nothing is known
//! of a model, 2 s as the provider's CLI), and where what was learned of a
//! model's run times is kept between runs (the user's cache directory).
//!
//! Learned run times are kept per service origin, so that an emulator's
//! seconds never stand for the service's minutes: the files are in
//! `$RUNCOMFY_CACHE_DIR/run-times/<origin>/`, else under
//! `$XDG_CACHE_HOME/runcomfy/`, else `~/.cache/runcomfy/`. A run with an
//! in-process emulator (`--emulator`) keeps nothing.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::builder::TypedValueParser;
use runcomfy::poll::{AdaptivePolicy, ModelStats, RunTimeStore};

use crate::cache;

/// `--poll-interval SECS`: a positive number of seconds, at most an hour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PollInterval(Duration);

impl PollInterval {
    const LONGEST: f64 = 3600.0;

    pub(crate) fn parser() -> impl TypedValueParser<Value = Self> {
        clap::builder::StringValueParser::new().try_map(|text| {
            let secs: f64 = text
                .trim()
                .parse()
                .map_err(|_| format!("`{text}` is not a number of seconds (e.g. 2 or 0.5)"))?;
            if !(secs.is_finite() && secs > 0.0 && secs <= Self::LONGEST) {
                return Err(format!(
                    "{text} s is not allowed: more than 0 and at most {} s",
                    Self::LONGEST
                ));
            }
            Ok(Self(Duration::from_secs_f64(secs)))
        })
    }

    /// The default policy with this interval while nothing is known.
    pub(crate) fn policy(self) -> AdaptivePolicy {
        AdaptivePolicy::default().with_interval(self.0)
    }
}

/// The folder of run times learned from the service at `base_url`: one per
/// origin (scheme, host and port).
pub(crate) fn run_times_dir(cache: &Path, base_url: &str) -> PathBuf {
    cache.join("run-times").join(cache::origin_folder(base_url))
}

/// Keeps what this process learns of run times of the service at
/// `base_url` in the cache directory, and learns from what earlier runs
/// kept there.
pub(crate) fn learn_across_runs(base_url: &str) {
    if let Some(cache) = cache::user_cache_dir() {
        ModelStats::global().keep_in(RunTimeStore::new(run_times_dir(&cache, base_url)));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn each_service_origin_learns_apart() {
        let cache = Path::new("/c");
        assert_eq!(
            run_times_dir(cache, "https://model-api.runcomfy.net/v1"),
            PathBuf::from("/c/run-times/model-api.runcomfy.net")
        );
        assert_eq!(
            run_times_dir(cache, "http://127.0.0.1:4010/v1/"),
            PathBuf::from("/c/run-times/127.0.0.1_4010")
        );
        assert_eq!(
            run_times_dir(cache, "http://../../etc/v1"),
            PathBuf::from("/c/run-times/_.."),
            "never a way out of the cache"
        );
    }

    #[test]
    fn an_interval_is_a_positive_number_of_seconds_up_to_an_hour() {
        #[derive(Debug, clap::Parser)]
        struct Command {
            #[arg(long, value_parser = PollInterval::parser())]
            poll_interval: PollInterval,
        }
        let parse = |text: &str| {
            <Command as clap::Parser>::try_parse_from(["runcomfy", "--poll-interval", text])
                .map(|c| c.poll_interval)
        };
        assert_eq!(
            parse("0.5").unwrap(),
            PollInterval(Duration::from_millis(500))
        );
        for bad in ["0", "-1", "nan", "inf", "3601", "soon"] {
            let error = parse(bad).unwrap_err().to_string();
            assert!(error.contains("--poll-interval"), "{bad}: {error}");
        }
    }
}
