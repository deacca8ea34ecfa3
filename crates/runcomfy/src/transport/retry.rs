//! How failed calls are retried: [`RetryPolicy`], its backoff with full
//! jitter, and the wait before a caller's own submit retry.

use std::time::{Duration, SystemTime};

use rand::Rng as _;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::error::Error;
use crate::outcome::SubmitOutcome;

/// How failed calls are retried.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The first backoff; it doubles on each retry.
    pub initial_backoff: Duration,
    /// The largest backoff.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponential = self.initial_backoff.saturating_mul(1u32 << retry.min(16));
        full_jitter(exponential.min(self.max_backoff))
    }
}

/// The wait before retrying a submit that `error` ended after attempt
/// `retry` (0-based) when the submit is retried attempt by attempt by its
/// caller: the rule of the transport's submit calls (a 429, a 503, or a
/// connection refused before anything was sent, which is the only transport
/// error a submit returns; `Retry-After` honoured up to the cap, at most
/// `max_attempts`).
pub(crate) fn submit_retry_delay(
    policy: &RetryPolicy,
    error: &Error,
    retry: u32,
) -> Option<Duration> {
    let SubmitOutcome::RefusedForNow { retry_after } = error.submit_outcome() else {
        return None;
    };
    if retry.saturating_add(1) >= policy.max_attempts {
        return None;
    }
    match retry_after {
        Some(asked) if asked > policy.max_retry_after => None,
        Some(asked) => Some(asked.max(policy.backoff(retry))),
        None => Some(policy.backoff(retry)),
    }
}

/// A uniformly random duration in `[0, d]` ("full jitter").
fn full_jitter(d: Duration) -> Duration {
    let fraction: f64 = rand::rng().random_range(0.0..=1.0);
    Duration::try_from_secs_f64(d.as_secs_f64() * fraction)
        .unwrap_or(d)
        .min(d)
}

pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // An HTTP date: the wait is until then (none if it has passed).
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_submit_retried_by_its_caller_follows_the_submit_rule() {
        let policy = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        let limited = |secs| Error::RateLimited {
            request_id: None,
            retry_after: Some(Duration::from_secs(secs)),
        };
        let unavailable = |status, secs: Option<u64>| Error::ServiceUnavailable {
            request_id: None,
            status,
            message: String::new(),
            retry_after: secs.map(Duration::from_secs),
        };
        assert_eq!(
            submit_retry_delay(&policy, &limited(7), 0),
            Some(Duration::from_secs(7))
        );
        assert!(
            submit_retry_delay(&policy, &unavailable(503, None), 1)
                .is_some_and(|d| d <= policy.initial_backoff * 2)
        );
        assert_eq!(
            submit_retry_delay(&policy, &unavailable(503, Some(9)), 0),
            Some(Duration::from_secs(9)),
            "a 503's Retry-After is honoured as a 429's"
        );
        assert_eq!(
            submit_retry_delay(&policy, &unavailable(503, Some(61)), 0),
            None,
            "a 503's Retry-After beyond the cap ends the retries"
        );
        assert_eq!(
            submit_retry_delay(&policy, &limited(1), 2),
            None,
            "3 attempts in all"
        );
        assert_eq!(
            submit_retry_delay(&policy, &limited(61), 0),
            None,
            "beyond the cap"
        );
        assert_eq!(
            submit_retry_delay(&policy, &unavailable(500, Some(1)), 0),
            None,
            "a 500 may hide an accepted job"
        );
        let unknown = Error::OutcomeUnknown {
            model_id: "m".into(),
            reason: "reset".into(),
        };
        assert_eq!(submit_retry_delay(&policy, &unknown, 0), None);
    }

    #[test]
    fn full_jitter_stays_in_range() {
        let d = Duration::from_secs(3);
        for _ in 0..1000 {
            assert!(full_jitter(d) <= d);
        }
        assert_eq!(full_jitter(Duration::ZERO), Duration::ZERO);
        assert!(full_jitter(Duration::MAX) <= Duration::MAX);
    }

    #[test]
    fn retry_after_is_read_as_an_http_date_too() {
        let mut headers = HeaderMap::new();
        let in_a_minute = SystemTime::now() + Duration::from_secs(60);
        let date = httpdate::fmt_http_date(in_a_minute);
        headers.insert(RETRY_AFTER, date.parse().expect("value"));
        let wait = retry_after(&headers).expect("a date is read");
        assert!(
            (Duration::from_secs(58)..=Duration::from_secs(60)).contains(&wait),
            "{wait:?}"
        );
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().expect("value"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO), "a past date");
        headers.insert(RETRY_AFTER, "soon".parse().expect("value"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().expect("value"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
    }
}
