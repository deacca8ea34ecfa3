//! [`AdaptivePolicy`], the default: sparse while queued or early in a run,
//! dense where a job of this model usually finishes.

use std::time::Duration;

use rand::Rng;
use runcomfy_types::QueueStatus;

use crate::poll::estimate::{RunEstimate, hazard, z_score};
use crate::poll::policy::{Observation, PollPolicy};

/// * **In progress, run time known** (an [`Observation::estimate`]): the
///   delay is `1 / (c * sqrt(h(t)))`, where `h` is the hazard of the
///   log-normal run-time distribution at the time `t` the job has been in
///   progress and `c` is the aggressiveness. Polling at a rate proportional
///   to `sqrt(h)` minimises the expected detection lag for a given expected
///   number of requests. Two hedges keep the model honest:
///   - the estimate's sigma is widened for the uncertainty of a small sample
///     (shrunk toward a prior of 0.5 and scaled to the predictive spread), so
///     a policy that has seen few jobs polls more widely around the median;
///   - `h` includes a small constant hazard, as if 1% of jobs ended at an
///     unpredictable time (a failure, an input far from the usual): early
///     in a run the delay is then about `sqrt(median / 0.01) / c` (15 s for a
///     4-minute model at the default `c`) rather than the cap, which costs
///     about 2.5% more requests for a log-normal model.
///
///   Once a job runs far longer than the estimate allows (beyond 3.5
///   sigma), the estimate evidently does not fit this job and the delay
///   backs off with the overdue time.
/// * **In queue with a position**: half the expected wait, `position *
///   step / 2`, where `step` is how long one position takes to clear for
///   this model, learned from earlier waits ([`Observation::queue_step`]);
///   before anything is learned, `position * queue_step` (default 2 s per
///   position). A queued job cannot finish, so polls there only track the
///   queue: about one per halving of the wait, and the start of the run is
///   known to within half a delay.
/// * **Anything else** (no estimate, unknown status): back off from `min` by
///   ×1.5 per request toward 2 s, or 1/50 of the time waited once that is
///   longer (so 30 s only after 25 minutes). Only the first jobs of a model
///   in a process wait without an estimate: they are polled about as the
///   provider's own CLI polls every job (every 2 s), so a job is never
///   detected later than with it.
///
/// Every delay gets ±10% jitter (±20% while backing off) so that many waits
/// spread their load, and is clamped to `[min, max]` (defaults 250 ms and
/// 30 s).
#[derive(Debug, Clone)]
pub struct AdaptivePolicy {
    min: Duration,
    max: Duration,
    aggressiveness: f64,
    queue_step: Duration,
}

impl AdaptivePolicy {
    /// The default shortest delay.
    pub const DEFAULT_MIN: Duration = Duration::from_millis(250);
    /// The default longest delay.
    pub const DEFAULT_MAX: Duration = Duration::from_secs(30);
    /// The default aggressiveness: with the emulator's run times (log-normal,
    /// median 4 minutes, sigma 0.3) about as many requests per job as a fixed
    /// 2 s interval, at well under its detection lag (see the `polling`
    /// benchmark).
    pub const DEFAULT_AGGRESSIVENESS: f64 = 10.0;
    /// The default queue delay per position ahead.
    pub const DEFAULT_QUEUE_STEP: Duration = Duration::from_secs(2);

    /// Growth of the delay per request while backing off.
    const BACKOFF: f64 = 1.5;
    /// With nothing known, the back-off stops at this delay…
    const UNKNOWN_STEP: Duration = Duration::from_secs(2);
    /// … or at this fraction of the time waited, whichever is longer.
    const UNKNOWN_FRACTION: f64 = 50.0;
    /// The share of the expected queue wait slept before asking again.
    const QUEUE_FRACTION: f64 = 0.5;
    /// Jitter around hazard-based and queue delays (±10%).
    const JITTER: f64 = 0.1;
    /// Jitter around back-off delays (±20%).
    const BACKOFF_JITTER: f64 = 0.2;
    /// Beyond this many (widened) sigmas past the median, the estimate is
    /// taken not to fit the job.
    const OVERDUE_Z: f64 = 3.5;
    /// While overdue, the delay is at least this fraction of the overdue time.
    const OVERDUE_FRACTION: f64 = 0.25;
    /// Sigma assumed for an estimate from fewer than two samples, and the
    /// prior the sample sigma is shrunk toward.
    const PRIOR_SIGMA: f64 = 0.5;
    /// Weight of [`Self::PRIOR_SIGMA`], in samples.
    const PRIOR_WEIGHT: f64 = 1.0;
    /// The share of jobs assumed to end at an unpredictable time: a constant
    /// hazard of `EARLY_FINISH / median` added to the log-normal one.
    const EARLY_FINISH: f64 = 0.01;

    /// The shortest delay (default 250 ms).
    pub fn with_min(mut self, min: Duration) -> Self {
        self.min = min;
        self
    }

    /// The longest delay (default 30 s).
    pub fn with_max(mut self, max: Duration) -> Self {
        self.max = max;
        self
    }

    /// The aggressiveness `c` of the hazard-based delay `1 / (c * sqrt(h))`:
    /// higher means more requests and a shorter lag. Requests per job grow
    /// about linearly with it, the lag falls about as `1 / c`. Values that
    /// are not finite and positive mean the default.
    pub fn with_aggressiveness(mut self, aggressiveness: f64) -> Self {
        self.aggressiveness = aggressiveness;
        self
    }

    /// The delay per queue position ahead while queued, before this
    /// process has learned how fast the model's queue moves (default 2 s).
    pub fn with_queue_step(mut self, step: Duration) -> Self {
        self.queue_step = step;
        self
    }

    /// The shortest delay.
    pub fn min(&self) -> Duration {
        self.min.min(self.max)
    }

    /// The longest delay.
    pub fn max(&self) -> Duration {
        self.max.max(self.min)
    }

    /// The aggressiveness in effect.
    pub fn aggressiveness(&self) -> f64 {
        if self.aggressiveness.is_finite() && self.aggressiveness > 0.0 {
            self.aggressiveness
        } else {
            Self::DEFAULT_AGGRESSIVENESS
        }
    }

    /// Back off ×1.5 per request from `min`, in seconds.
    fn backoff_secs(&self, polls: u32) -> f64 {
        let exponent = polls.saturating_sub(1).min(200);
        self.min().as_secs_f64() * Self::BACKOFF.powi(exponent as i32)
    }

    /// Sigma widened for a small sample: shrunk toward a prior and scaled to
    /// the predictive spread of one more run, `sqrt(1 + 1/n)`.
    fn effective_sigma(estimate: &RunEstimate) -> f64 {
        let n = estimate.samples as f64;
        if estimate.samples < 2 {
            return estimate.sigma.max(Self::PRIOR_SIGMA);
        }
        // The MLE sum of squares plus the prior's pseudo-samples, over the
        // degrees of freedom.
        let pooled = (n * estimate.sigma * estimate.sigma
            + Self::PRIOR_WEIGHT * Self::PRIOR_SIGMA * Self::PRIOR_SIGMA)
            / (n - 1.0 + Self::PRIOR_WEIGHT);
        (pooled * (1.0 + 1.0 / n)).sqrt()
    }

    /// The delay in seconds while in progress with an estimate.
    fn hazard_secs(&self, estimate: &RunEstimate, running: Duration) -> f64 {
        let sigma = Self::effective_sigma(estimate);
        let median = estimate.median.as_secs_f64();
        let floor = if median > 0.0 {
            Self::EARLY_FINISH / median
        } else {
            0.0
        };
        let h = hazard(estimate.median, sigma, running) + floor;
        let mut secs = if h > 0.0 {
            1.0 / (self.aggressiveness() * h.sqrt())
        } else {
            f64::INFINITY
        };
        if let Some(z) = z_score(estimate.median, sigma, running)
            && z > Self::OVERDUE_Z
        {
            let due = median * (Self::OVERDUE_Z * sigma).exp();
            let overdue = running.as_secs_f64() - due;
            secs = secs.max(overdue * Self::OVERDUE_FRACTION);
        }
        secs
    }

    /// `secs` with jitter `±spread`, clamped to `[min, max]`.
    fn finish(&self, secs: f64, spread: f64) -> Duration {
        let (min, max) = (self.min(), self.max());
        let jittered = secs * rand::rng().random_range(1.0 - spread..=1.0 + spread);
        if jittered.is_nan() {
            return max;
        }
        let clamped = jittered.clamp(min.as_secs_f64(), max.as_secs_f64());
        Duration::try_from_secs_f64(clamped)
            .unwrap_or(max)
            .clamp(min, max)
    }
}

impl Default for AdaptivePolicy {
    fn default() -> Self {
        Self {
            min: Self::DEFAULT_MIN,
            max: Self::DEFAULT_MAX,
            aggressiveness: Self::DEFAULT_AGGRESSIVENESS,
            queue_step: Self::DEFAULT_QUEUE_STEP,
        }
    }
}

impl AdaptivePolicy {
    /// The finest floor for short jobs, as a fraction of their median (1/50).
    const FLOOR_FRACTION: f64 = 50.0;
    /// Never poll finer than this.
    const FLOOR: Duration = Duration::from_millis(20);
}

impl PollPolicy for AdaptivePolicy {
    fn next_delay(&self, observation: &Observation) -> Duration {
        match (&observation.status, observation.estimate) {
            (QueueStatus::InProgress, Some(estimate)) => {
                let running = observation.in_progress_for.unwrap_or(observation.waited);
                let delay = self.finish(self.hazard_secs(&estimate, running), Self::JITTER);
                // A model whose jobs take seconds is polled finer than the
                // floor (never finer than 1/50 of its median, nor 20 ms);
                // minutes-long jobs are not affected.
                let floor = self
                    .min()
                    .min(estimate.median.div_f64(Self::FLOOR_FRACTION))
                    .max(Self::FLOOR);
                if delay <= self.min() {
                    let finer = self.hazard_secs(&estimate, running)
                        * rand::rng().random_range(1.0 - Self::JITTER..=1.0 + Self::JITTER);
                    Duration::try_from_secs_f64(finer.max(0.0))
                        .unwrap_or(delay)
                        .clamp(floor, self.min())
                } else {
                    delay
                }
            }
            (QueueStatus::InQueue, _) if observation.queue_position.is_some() => {
                let position = observation.queue_position.unwrap_or(1).max(1) as f64;
                let secs = match observation.queue_step {
                    Some(step) => step.as_secs_f64() * position * Self::QUEUE_FRACTION,
                    None => self.queue_step.as_secs_f64() * position,
                };
                self.finish(secs, Self::JITTER)
            }
            // Terminal: the caller stops; should it ask anyway, ask soon.
            (status, _) if status.is_terminal() => self.min(),
            _ => {
                // Knowing nothing, keep the lag a small share of the time
                // waited: at most 2 s, or 1/50 of the wait once that is longer.
                let cap = (observation.waited.as_secs_f64() / Self::UNKNOWN_FRACTION)
                    .max(Self::UNKNOWN_STEP.as_secs_f64());
                let secs = self.backoff_secs(observation.polls).min(cap);
                self.finish(secs, Self::BACKOFF_JITTER)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn observation(status: QueueStatus, polls: u32, secs: f64) -> Observation {
        Observation::sample(status, polls, secs)
    }

    fn running(secs: f64, estimate: RunEstimate) -> Observation {
        Observation {
            in_progress_for: Some(Duration::from_secs_f64(secs)),
            estimate: Some(estimate),
            ..observation(QueueStatus::InProgress, 10, secs)
        }
    }

    fn kling() -> RunEstimate {
        RunEstimate {
            median: Duration::from_secs(240),
            sigma: 0.3,
            samples: 100,
        }
    }

    /// The mean of many delays, to average the jitter out.
    fn mean_delay(policy: &dyn PollPolicy, observation: &Observation) -> f64 {
        let n = 400;
        (0..n)
            .map(|_| policy.next_delay(observation).as_secs_f64())
            .sum::<f64>()
            / f64::from(n)
    }

    #[test]
    fn adaptive_without_estimate_backs_off_to_the_cap() {
        let policy = AdaptivePolicy::default();
        let (min, max) = (policy.min(), policy.max());
        let first = policy.next_delay(&observation(QueueStatus::InProgress, 1, 0.0));
        assert!(first <= Duration::from_millis(300), "{first:?}");
        let mut previous = 0.0;
        for polls in 1..40 {
            let obs = observation(QueueStatus::InProgress, polls, 0.0);
            for _ in 0..50 {
                let delay = policy.next_delay(&obs);
                assert!(min <= delay && delay <= max, "{delay:?} at {polls}");
            }
            let mean = mean_delay(&policy, &obs);
            assert!(mean >= previous * 0.95, "{mean} after {previous}");
            previous = mean;
        }
        // Early in a wait the back-off stops at 2 s…
        assert!((previous - 2.0).abs() < 0.2, "{previous}");
        // … later at 1/50 of the time waited, and never beyond the cap.
        let late = |secs| mean_delay(&policy, &observation(QueueStatus::InProgress, 60, secs));
        assert!((late(600.0) - 12.0).abs() < 1.0, "{}", late(600.0));
        assert!(late(3600.0) > 0.9 * max.as_secs_f64(), "{}", late(3600.0));
        // Unknown statuses back off the same way.
        let other = observation(QueueStatus::Other("paused".into()), 30, 3600.0);
        assert!(policy.next_delay(&other) > Duration::from_secs(20));
        // Custom bounds hold, even when given the wrong way round.
        let tight = AdaptivePolicy::default()
            .with_min(Duration::from_secs(2))
            .with_max(Duration::from_secs(1));
        let delay = tight.next_delay(&observation(QueueStatus::InProgress, 30, 0.0));
        assert!(Duration::from_secs(1) <= delay && delay <= Duration::from_secs(2));
    }

    #[test]
    fn adaptive_polls_sparser_early_than_near_the_median() {
        let policy = AdaptivePolicy::default();
        let early = mean_delay(&policy, &running(60.0, kling()));
        let middle = mean_delay(&policy, &running(150.0, kling()));
        let near = mean_delay(&policy, &running(240.0, kling()));
        let late = mean_delay(&policy, &running(320.0, kling()));
        // About sqrt(240 s / 1%) / c early on: sparse, but not the cap.
        assert!((12.0..20.0).contains(&early), "{early}");
        assert!(early > middle && middle > near, "{early} {middle} {near}");
        assert!((0.5..1.5).contains(&near), "{near}");
        assert!(late < 1.5, "{late}");
        for secs in [0.0, 1.0, 60.0, 240.0, 1e4, 1e7] {
            let delay = policy.next_delay(&running(secs, kling()));
            assert!(policy.min() <= delay && delay <= policy.max(), "{delay:?}");
        }
        // Far beyond anything the estimate allows: back off again.
        let overdue = mean_delay(&policy, &running(3000.0, kling()));
        assert!(overdue > 25.0, "{overdue}");
        // Higher aggressiveness polls more densely.
        let eager = AdaptivePolicy::default()
            .with_aggressiveness(2.0 * AdaptivePolicy::DEFAULT_AGGRESSIVENESS);
        let eager_near = mean_delay(&eager, &running(240.0, kling()));
        assert!(
            (eager_near - near / 2.0).abs() < 0.1,
            "{eager_near} vs {near}"
        );
    }

    #[test]
    fn queue_position_makes_delays_longer() {
        let policy = AdaptivePolicy::default();
        let at = |position| Observation {
            queue_position: Some(position),
            ..observation(QueueStatus::InQueue, 3, 5.0)
        };
        let first = mean_delay(&policy, &at(1));
        let fifth = mean_delay(&policy, &at(5));
        let far = mean_delay(&policy, &at(1000));
        assert!(first < fifth && fifth < far, "{first} {fifth} {far}");
        assert!((fifth - 10.0).abs() < 0.5, "{fifth}");
        assert!(policy.next_delay(&at(1000)) <= policy.max());
    }

    #[test]
    fn a_learned_queue_step_sets_the_queue_delay_to_half_the_expected_wait() {
        let policy = AdaptivePolicy::default();
        let at = |position, step: Option<f64>| Observation {
            queue_position: Some(position),
            queue_step: step.map(Duration::from_secs_f64),
            ..observation(QueueStatus::InQueue, 3, 5.0)
        };
        // One position clears in 8 s: position 3 expects 24 s, asks after 12.
        let learned = mean_delay(&policy, &at(3, Some(8.0)));
        assert!((learned - 12.0).abs() < 0.6, "{learned}");
        // Without it, the configured 2 s per position.
        let unlearned = mean_delay(&policy, &at(3, None));
        assert!((unlearned - 6.0).abs() < 0.3, "{unlearned}");
        // Still capped.
        assert!(policy.next_delay(&at(50, Some(60.0))) <= policy.max());
    }

    #[test]
    fn short_jobs_are_polled_finer_than_the_floor_but_long_ones_are_not() {
        let policy = AdaptivePolicy::default();
        let observe = |median: Duration, running: Duration| Observation {
            model_id: "m".into(),
            polls: 10,
            waited: running,
            status: QueueStatus::InProgress,
            queue_position: None,
            in_progress_for: Some(running),
            estimate: Some(RunEstimate {
                median,
                sigma: 0.3,
                samples: 50,
            }),
            queue_step: None,
        };
        // Near the median of a 1.2 s job: finer than 250 ms, never under 20 ms.
        let short: Vec<Duration> = (0..50)
            .map(|_| {
                policy.next_delay(&observe(
                    Duration::from_millis(1200),
                    Duration::from_millis(1200),
                ))
            })
            .collect();
        assert!(
            short
                .iter()
                .all(|d| *d >= Duration::from_millis(20) && *d < policy.min()),
            "{short:?}"
        );
        // Near the median of a 4-minute job: the floor holds.
        let long: Vec<Duration> = (0..50)
            .map(|_| {
                policy.next_delay(&observe(Duration::from_secs(240), Duration::from_secs(240)))
            })
            .collect();
        assert!(long.iter().all(|d| *d >= policy.min()), "{long:?}");
    }
}
