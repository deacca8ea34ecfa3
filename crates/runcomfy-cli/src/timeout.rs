//! `--timeout SECS`: how long a wait may last, and the one place it becomes a deadline.
//!
//! Used by `run`, `wait` and `batch`. Every number of seconds is accepted.
//! A deadline later than a century from now is no deadline: no process
//! waits that long, so the wait is the same, and the sum never comes near
//! the end of what the clock (or the runtime's timer, which adds to a
//! deadline again) can hold.

use std::time::{Duration, Instant};

use clap::builder::TypedValueParser;

/// A wait's limit, as `--timeout` gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timeout(Duration);

impl Timeout {
    /// Beyond this no wait ends: a century.
    const UNREACHABLE: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

    /// Reads `--timeout`: whole seconds, as any `u64` is read.
    pub(crate) fn parser() -> impl TypedValueParser<Value = Self> {
        clap::value_parser!(u64).map(|secs| Self(Duration::from_secs(secs)))
    }

    /// When the wait gives up, counted from now; none when that is beyond
    /// any wait.
    pub(crate) fn deadline(self) -> Option<Instant> {
        if self.0 > Self::UNREACHABLE {
            return None;
        }
        Instant::now().checked_add(self.0)
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    #[derive(Debug, clap::Parser)]
    struct Command {
        #[arg(long, value_parser = Timeout::parser())]
        timeout: Timeout,
    }

    fn timeout(secs: &str) -> Timeout {
        Command::try_parse_from(["runcomfy", "--timeout", secs])
            .expect("any u64 is a timeout")
            .timeout
    }

    #[test]
    fn a_timeout_within_a_century_is_a_deadline_that_far_away() {
        for secs in [0, 1, 3_600, Timeout::UNREACHABLE.as_secs()] {
            let before = Instant::now();
            let deadline = timeout(&secs.to_string()).deadline().expect("a deadline");
            let wait = deadline.duration_since(before);
            let slack = Duration::from_secs(1);
            assert!(
                wait >= Duration::from_secs(secs) && wait <= Duration::from_secs(secs) + slack,
                "{secs}"
            );
        }
    }

    #[test]
    fn a_timeout_beyond_a_century_is_no_deadline() {
        let beyond = Timeout::UNREACHABLE.as_secs() + 1;
        for secs in [beyond.to_string(), u64::MAX.to_string()] {
            assert_eq!(timeout(&secs).deadline(), None, "{secs}");
        }
    }

    #[test]
    fn what_is_not_a_number_of_seconds_is_refused_as_before() {
        for wrong in ["-1", "1.5", "soon", "18446744073709551616"] {
            assert!(
                Command::try_parse_from(["runcomfy", "--timeout", wrong]).is_err(),
                "{wrong}"
            );
        }
    }
}
