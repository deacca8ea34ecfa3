//! Injected faults, for chaos tests of clients: by rate (seeded, so a run is
//! reproducible) or one at a time from a plan a test pushes to.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// One fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 429 with `Retry-After` (seconds).
    RateLimited {
        /// The `Retry-After` value.
        retry_after_secs: u64,
    },
    /// An error status (500, 502, 503 or 504) with the error body.
    Status(u16),
    /// 503 with `Retry-After` (seconds), as a service shedding load says
    /// when to come back.
    Unavailable {
        /// The `Retry-After` value.
        retry_after_secs: u64,
    },
    /// The connection is closed before any answer.
    ResetBeforeAnswer,
    /// The request is carried out, then the connection is closed without an
    /// answer: for a submit, the job exists but the client cannot know.
    ResetAfterProcessing,
    /// The request is carried out, then answered with this error status
    /// (500, 502, 503 or 504) and the error body: for a submit, the job
    /// exists although the answer says it failed.
    StatusAfterProcessing(u16),
    /// The answer comes after this delay.
    Slow(Duration),
    /// HTTP 200 with a body that is not JSON.
    MalformedJson,
    /// HTTP 200 whose body carries `error_code` (some provider APIs do this).
    ErrorIn200,
    /// A media download stops halfway (the `Content-Length` promises more).
    TruncatedMedia,
    /// The job fails instead of producing a video.
    JobFails,
    /// 429 with `Retry-After` as an HTTP date this many seconds from now.
    RateLimitedUntil {
        /// Seconds from now to the date.
        retry_after_secs: u64,
    },
    /// 503 with `Retry-After` as an HTTP date this many seconds from now.
    UnavailableUntil {
        /// Seconds from now to the date.
        retry_after_secs: u64,
    },
    /// 401 with `error_code` 400004: the token is missing, expired or revoked.
    Unauthorized,
    /// 402 with `error_code` 400002: the balance is insufficient.
    InsufficientBalance,
    /// 403 with `error_code` 403001: the request belongs to another user.
    Forbidden,
    /// 404 with `error_code` 404001: the request is unknown, deleted or expired.
    NotFound,
    /// `status` (400 or 422) with `error_code` 422001 and a `detail` of this
    /// shape: the input does not match the schema.
    InvalidInput {
        /// The HTTP status, 400 or 422.
        status: u16,
        /// The shape of `detail`.
        detail: Detail,
    },
}

/// The shape of the `detail` of an invalid input's error body, each one an
/// API of the provider's has been seen to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// One string.
    Text,
    /// A list of strings.
    Texts,
    /// A list of `{field, message}`.
    Fields,
    /// FastAPI's list of `{loc, msg, type}`.
    FastApi,
}

/// Which requests a planned fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `POST /v1/models/{model}`.
    Submit,
    /// `GET /v1/requests/{id}/status`.
    Status,
    /// `GET /v1/requests/{id}/result`.
    Result,
    /// `POST /v1/requests/{id}/cancel`.
    Cancel,
    /// `GET /files/…`.
    Media,
    /// Any request.
    Any,
}

/// Fault rates, each the probability (0 to 1) that a request gets it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultRates {
    /// 429 with `Retry-After`, on API calls.
    pub rate_limited: f64,
    /// Seconds in `Retry-After` of injected 429s.
    pub retry_after_secs: u64,
    /// 500, 502, 503 or 504 (evenly), on API calls.
    pub server_error: f64,
    /// Connection closed before an answer, on API calls.
    pub reset: f64,
    /// The request carried out, then the connection closed without an
    /// answer, on API calls (for a submit: the job exists, the client cannot
    /// know its id).
    pub reset_after_processing: f64,
    /// Answers delayed by `slow_delay`, on API calls.
    pub slow: f64,
    /// The delay of slow answers.
    pub slow_delay: Duration,
    /// HTTP 200 with malformed JSON, on status and result calls.
    pub malformed_json: f64,
    /// HTTP 200 carrying `error_code`, on API calls.
    pub error_in_200: f64,
    /// Media downloads cut halfway.
    pub truncated_media: f64,
    /// Jobs that fail.
    pub job_failure: f64,
}

/// Decides faults: planned ones first, then by rate.
#[derive(Debug)]
pub struct FaultInjector {
    rates: FaultRates,
    rng: Mutex<StdRng>,
    plan: Mutex<VecDeque<(Target, Fault)>>,
}

impl FaultInjector {
    /// An injector with these rates and this seed, and an empty plan.
    pub fn new(rates: FaultRates, seed: u64) -> Self {
        Self {
            rates,
            rng: Mutex::new(StdRng::seed_from_u64(seed ^ 0xfa17)),
            plan: Mutex::new(VecDeque::new()),
        }
    }

    /// Plans one fault for the next request that matches `target`; planned
    /// faults are used in the order they were pushed.
    pub fn push(&self, target: Target, fault: Fault) {
        if let Ok(mut plan) = self.plan.lock() {
            plan.push_back((target, fault));
        }
    }

    /// How many planned faults have not been used yet.
    pub fn pending(&self) -> usize {
        self.plan.lock().map(|plan| plan.len()).unwrap_or(0)
    }

    fn planned(&self, target: Target, allowed: impl Fn(&Fault) -> bool) -> Option<Fault> {
        let mut plan = self.plan.lock().ok()?;
        let index = plan
            .iter()
            .position(|(t, fault)| (*t == target || *t == Target::Any) && allowed(fault))?;
        plan.remove(index).map(|(_, fault)| fault)
    }

    fn roll(&self, rate: f64) -> bool {
        rate > 0.0
            && self
                .rng
                .lock()
                .map(|mut rng| rng.random_bool(rate.min(1.0)))
                .unwrap_or(false)
    }

    /// The fault for an API request, if any.
    pub fn for_api(&self, target: Target) -> Option<Fault> {
        let reads = matches!(target, Target::Status | Target::Result);
        if let Some(fault) = self.planned(target, |f| {
            !matches!(f, Fault::TruncatedMedia | Fault::JobFails)
        }) {
            return Some(fault);
        }
        let r = &self.rates;
        if self.roll(r.reset) {
            return Some(Fault::ResetBeforeAnswer);
        }
        if self.roll(r.reset_after_processing) {
            return Some(Fault::ResetAfterProcessing);
        }
        if self.roll(r.rate_limited) {
            return Some(Fault::RateLimited {
                retry_after_secs: r.retry_after_secs,
            });
        }
        if self.roll(r.server_error) {
            let code = self
                .rng
                .lock()
                .map(|mut rng| [500, 502, 503, 504][rng.random_range(0..4)])
                .unwrap_or(503);
            return Some(Fault::Status(code));
        }
        if reads && self.roll(r.malformed_json) {
            return Some(Fault::MalformedJson);
        }
        if self.roll(r.error_in_200) {
            return Some(Fault::ErrorIn200);
        }
        if self.roll(r.slow) {
            return Some(Fault::Slow(r.slow_delay));
        }
        None
    }

    /// Whether this media download is cut halfway.
    pub fn truncates_media(&self) -> bool {
        self.planned(Target::Media, |f| *f == Fault::TruncatedMedia)
            .is_some()
            || self.roll(self.rates.truncated_media)
    }

    /// Whether a new job fails.
    pub fn job_fails(&self) -> bool {
        self.planned(Target::Submit, |f| *f == Fault::JobFails)
            .is_some()
            || self.roll(self.rates.job_failure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_reproducible_with_a_seed() {
        let rates = FaultRates {
            server_error: 0.3,
            reset: 0.1,
            ..FaultRates::default()
        };
        let draw = |seed| {
            let injector = FaultInjector::new(rates.clone(), seed);
            (0..200)
                .map(|_| injector.for_api(Target::Status))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        let faults = draw(7);
        let errors = faults
            .iter()
            .filter(|f| matches!(f, Some(Fault::Status(_))))
            .count();
        assert!(
            (30..=90).contains(&errors),
            "about 30% of 90% of 200, got {errors}"
        );
    }

    #[test]
    fn every_kind_can_be_drawn_by_rate() {
        let rates = FaultRates {
            rate_limited: 0.1,
            server_error: 0.1,
            reset: 0.1,
            reset_after_processing: 0.1,
            slow: 0.1,
            malformed_json: 0.1,
            error_in_200: 0.1,
            ..FaultRates::default()
        };
        let injector = FaultInjector::new(rates, 3);
        let faults: Vec<Fault> = (0..2000)
            .filter_map(|_| injector.for_api(Target::Status))
            .collect();
        let count = |wanted: fn(&Fault) -> bool| faults.iter().filter(|f| wanted(f)).count();
        for (name, seen) in [
            ("reset", count(|f| *f == Fault::ResetBeforeAnswer)),
            ("reset after", count(|f| *f == Fault::ResetAfterProcessing)),
            ("429", count(|f| matches!(f, Fault::RateLimited { .. }))),
            ("5xx", count(|f| matches!(f, Fault::Status(_)))),
            ("malformed", count(|f| *f == Fault::MalformedJson)),
            ("error in 200", count(|f| *f == Fault::ErrorIn200)),
            ("slow", count(|f| matches!(f, Fault::Slow(_)))),
        ] {
            // Each is drawn after the ones before it missed: 10% of 2000
            // times 0.9^k, at least 0.9^6 ≈ 53% of 200.
            assert!((60..=260).contains(&seen), "{name}: {seen}");
        }
    }

    #[test]
    fn planned_faults_go_to_their_target_in_order() {
        let injector = FaultInjector::new(FaultRates::default(), 1);
        injector.push(Target::Status, Fault::Status(503));
        injector.push(
            Target::Status,
            Fault::RateLimited {
                retry_after_secs: 2,
            },
        );
        injector.push(Target::Submit, Fault::JobFails);
        assert_eq!(injector.for_api(Target::Result), None);
        assert_eq!(injector.for_api(Target::Status), Some(Fault::Status(503)));
        assert_eq!(
            injector.for_api(Target::Submit),
            None,
            "JobFails is not an answer fault"
        );
        assert!(injector.job_fails());
        assert_eq!(
            injector.for_api(Target::Status),
            Some(Fault::RateLimited {
                retry_after_secs: 2
            })
        );
        assert_eq!(injector.for_api(Target::Status), None);
        assert_eq!(injector.pending(), 0);
    }
}
