//! [`AdaptivePolicy`], the default: never more requests than the provider
//! CLI's fixed 2 s, dense only where this model's jobs end, and never
//! leaving a job alone longer than a bound that depends only on what the job
//! itself has shown.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use runcomfy_types::QueueStatus;

use crate::poll::learned::{Cell, OVERDUE, RunTimes};
use crate::poll::policy::{Observation, PollPolicy};

/// The default policy, in three sentences: knowing nothing of a model, it
/// polls every 2 s as the provider's own CLI does (every 3 s while the job
/// waits in the queue, where it cannot end). Once jobs of the model have
/// finished (in this process, or in earlier ones through a
/// [`RunTimeStore`](crate::poll::RunTimeStore)), it spends about as many
/// polls on a job as the provider's CLI would, but places them where the
/// learned run times say jobs end (at a rate proportional to the square root
/// of their hazard), and goes back to every 2 s for a job running past them.
/// By any time, a wait has made at most two polls more than polling every
/// interval would have. Whatever was learned, the gap between two polls never exceeds
/// [`AdaptivePolicy::longest_gap`]: 3 s, or 15% of how long the job has
/// certainly been running, so no job is noticed later than max(3 s, 15% of
/// its own run time) after it ended.
///
/// The structural bound holds for the delay the policy returns; a caller's
/// `Retry-After` or request budget may wait longer.
#[derive(Debug, Clone)]
pub struct AdaptivePolicy {
    share: f64,
    interval: Duration,
    shortest: Duration,
    /// The jitter's source when seeded (else the thread's).
    seeded: Option<Arc<Mutex<StdRng>>>,
}

impl AdaptivePolicy {
    /// The interval of the provider's own CLI, kept while nothing is known.
    pub const PROVIDER_INTERVAL: Duration = Duration::from_secs(2);
    /// While a job is queued (it cannot end there), the interval times this.
    pub const QUEUED_FACTOR: f64 = 1.5;
    /// The longest gap is at least the interval times this (3 s by default).
    pub const LONGEST_GAP_FACTOR: f64 = 1.5;
    /// Beyond the interval times [`Self::LONGEST_GAP_FACTOR`], the gap is at
    /// most this share of how long the job has certainly been running.
    pub const LONGEST_GAP_SHARE: f64 = 0.15;
    /// The polls spent on a running job of a model whose run times are
    /// learned, as a share of what polling every interval would spend.
    pub const DEFAULT_SHARE: f64 = 0.8;
    /// The default shortest delay.
    pub const DEFAULT_SHORTEST: Duration = Duration::from_millis(20);

    /// As if this share of jobs ended at a time nothing predicts: a small
    /// constant hazard under the learned one, so that no stretch of a run
    /// is polled as if it could not end there.
    const UNPREDICTED: f64 = 0.01;
    /// How many polls a wait may be ahead of polling every interval since
    /// it started: learned run times move polls, they never add any.
    pub const ALLOWANCE: f64 = 2.0;
    /// Jitter of learned delays (±10%), so that many waits spread out.
    const JITTER: f64 = 0.1;

    /// Spends `share` (0 to 1) of the polls that polling every interval
    /// would make on a running job of a model whose run times are learned
    /// (default 0.8): more means a shorter lag for more requests. Values
    /// outside `(0, 1]` mean the default.
    pub fn with_share(mut self, share: f64) -> Self {
        self.share = share;
        self
    }

    /// The interval while nothing is known (default 2 s, the provider CLI's);
    /// it also scales the queued interval and the longest gap. A shorter one
    /// makes more requests than the provider's CLI.
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The shortest delay (default 20 ms, for models whose jobs take well
    /// under a second, as on an emulator).
    pub fn with_shortest(mut self, shortest: Duration) -> Self {
        self.shortest = shortest;
        self
    }

    /// Draws the jitter from a generator seeded with `seed`, so that a
    /// simulation that replays the policy gives the same delays every run.
    pub fn with_jitter_seed(mut self, seed: u64) -> Self {
        self.seeded = Some(Arc::new(Mutex::new(StdRng::seed_from_u64(seed))));
        self
    }

    /// A jitter factor drawn from `range`.
    fn jitter(&self, range: std::ops::RangeInclusive<f64>) -> f64 {
        match &self.seeded {
            Some(rng) => rng
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .random_range(range),
            None => rand::rng().random_range(range),
        }
    }

    /// The share in effect.
    pub fn share(&self) -> f64 {
        if self.share.is_finite() && self.share > 0.0 && self.share <= 1.0 {
            self.share
        } else {
            Self::DEFAULT_SHARE
        }
    }

    /// The interval while nothing is known.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The longest gap this policy leaves after `observation`: the interval
    /// times 1.5 (3 s by default), or 15% of how long the job has certainly
    /// been running when that is longer. It depends only on what this job
    /// has shown and on elapsed time.
    pub fn longest_gap(&self, observation: &Observation) -> Duration {
        let running = observation.running_at_least.unwrap_or(Duration::ZERO);
        self.floor_gap()
            .max(running.mul_f64(Self::LONGEST_GAP_SHARE))
    }

    /// The longest gap at the start of a run.
    fn floor_gap(&self) -> Duration {
        self.interval.mul_f64(Self::LONGEST_GAP_FACTOR)
    }

    /// The longest gap, in seconds, at run time `secs` (for the budget).
    fn longest_gap_at(&self, secs: f64) -> f64 {
        self.floor_gap()
            .as_secs_f64()
            .max(secs * Self::LONGEST_GAP_SHARE)
    }

    /// The delay while nothing is known: the interval, exactly (a fixed
    /// interval is the best schedule for a job of unknown length; no jitter,
    /// which would only add to the lag for the same requests).
    fn unknown_secs(&self) -> f64 {
        self.interval.as_secs_f64()
    }

    /// Polls a second in `cell` of a run, with scale `scale`: `scale √h`
    /// (the hazard with a floor for the unpredicted), never fewer than the
    /// longest gap allows, and the interval's past what was learned.
    fn rate(&self, cell: &Cell, scale: f64, mean: f64) -> f64 {
        let floor = 1.0 / self.longest_gap_at(cell.start.max(0.5 * cell.end));
        if cell.survival < OVERDUE {
            return floor.max(1.0 / self.unknown_secs());
        }
        floor.max(scale * (cell.hazard + Self::UNPREDICTED / mean).sqrt())
    }

    /// The polls a job of these run times gets, on average, at `scale`.
    fn expected_polls(&self, learned: &RunTimes, scale: f64) -> f64 {
        let mean = learned.mean_secs().max(1e-3);
        let polls: f64 = learned
            .grid()
            .iter()
            .map(|cell| cell.survival * self.rate(cell, scale, mean) * (cell.end - cell.start))
            .sum();
        // The poll that sees the end comes, on average, half a poll later.
        polls + 0.5
    }

    /// The scale that spends the share of what polling every interval
    /// would spend on a run of the learned length (bisection; 0 when the
    /// longest gap alone spends more).
    fn scale(&self, learned: &RunTimes) -> f64 {
        let key = self.share().to_bits() ^ (self.interval.as_nanos() as u64).rotate_left(32);
        learned.memo(key, || self.compute_scale(learned))
    }

    /// [`Self::scale`], computed.
    fn compute_scale(&self, learned: &RunTimes) -> f64 {
        let mean = learned.mean_secs().max(1e-3);
        let budget = self.share() * (mean / self.unknown_secs() + 1.0);
        if self.expected_polls(learned, 0.0) >= budget {
            return 0.0;
        }
        let (mut low, mut high) = (-12.0f64, 12.0f64);
        for _ in 0..48 {
            let mid = 0.5 * (low + high);
            if self.expected_polls(learned, mid.exp()) < budget {
                low = mid;
            } else {
                high = mid;
            }
        }
        (0.5 * (low + high)).exp()
    }

    /// The delay, in seconds, of a job running `running` seconds whose model
    /// has `learned` run times: until the polls a second ([`Self::rate`])
    /// add up to one (a jittered one) from now.
    fn learned_secs(&self, learned: &RunTimes, running: f64) -> f64 {
        let mean = learned.mean_secs().max(1e-3);
        let scale = self.scale(learned);
        let mut need = self.jitter(1.0 - Self::JITTER..=1.0 + Self::JITTER);
        let mut at = running;
        for cell in learned.grid().iter().filter(|cell| cell.end > running) {
            let from = at.max(cell.start);
            let rate = self.rate(cell, scale, mean);
            let here = rate * (cell.end - from);
            if here >= need {
                return from + need / rate - running;
            }
            need -= here;
            at = cell.end;
        }
        // Past the grid, what was learned says nothing: the interval.
        at + need * self.unknown_secs() - running
    }
}

impl Default for AdaptivePolicy {
    fn default() -> Self {
        Self {
            share: Self::DEFAULT_SHARE,
            interval: Self::PROVIDER_INTERVAL,
            shortest: Self::DEFAULT_SHORTEST,
            seeded: None,
        }
    }
}

impl PollPolicy for AdaptivePolicy {
    fn next_delay(&self, observation: &Observation) -> Duration {
        let longest = self.longest_gap(observation);
        let learned = observation.learned.as_deref();
        let secs = match (&observation.status, learned) {
            // Nothing seen yet (the delay after the submit): as if running
            // from the submit.
            (_, Some(learned)) if observation.polls == 0 => {
                self.learned_secs(learned, observation.waited.as_secs_f64())
            }
            (_, None) if observation.polls == 0 => self.unknown_secs(),
            (QueueStatus::InProgress, Some(learned)) => {
                let running = observation
                    .in_progress_for
                    .unwrap_or(observation.waited)
                    .as_secs_f64();
                if learned.overdue(running) {
                    self.unknown_secs()
                } else {
                    self.learned_secs(learned, running)
                }
            }
            (QueueStatus::InQueue, _) => {
                self.unknown_secs() * Self::QUEUED_FACTOR * self.jitter(0.9..=1.0)
            }
            // Final: the caller stops; should it ask anyway, soon.
            (status, _) if status.is_terminal() => 0.0,
            _ => self.unknown_secs(),
        };
        // Never ahead of polling every interval by more than the allowance
        // (no later than one interval from now, within the longest gap).
        let paced = (f64::from(observation.polls) + 1.0 - Self::ALLOWANCE) * self.unknown_secs()
            - observation.waited.as_secs_f64();
        let secs = secs.max(paced.min(self.unknown_secs()));
        let shortest = self.shortest.min(longest);
        Duration::try_from_secs_f64(secs.max(0.0))
            .unwrap_or(longest)
            .clamp(shortest, longest)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Arc;

    use super::*;

    fn running(secs: f64, learned: Option<RunTimes>) -> Observation {
        Observation {
            in_progress_for: Some(Duration::from_secs_f64(secs)),
            running_at_least: Some(Duration::from_secs_f64(secs)),
            learned: learned.map(Arc::new),
            ..Observation::sample(QueueStatus::InProgress, 5, secs)
        }
    }

    fn lognormal_runs() -> RunTimes {
        RunTimes::new((0..80).map(|i| 240.0 * (0.3 * ((f64::from(i) - 40.0) / 20.0)).exp()))
            .unwrap()
    }

    /// The mean of many delays, to average the jitter out.
    fn mean_delay(policy: &AdaptivePolicy, observation: &Observation) -> f64 {
        let n = 400;
        (0..n)
            .map(|_| policy.next_delay(observation).as_secs_f64())
            .sum::<f64>()
            / f64::from(n)
    }

    #[test]
    fn knowing_nothing_it_polls_as_the_providers_cli_and_never_more_often() {
        let policy = AdaptivePolicy::default();
        for secs in [0.5, 5.0, 60.0, 600.0] {
            for _ in 0..100 {
                let delay = policy.next_delay(&running(secs, None)).as_secs_f64();
                assert_eq!(delay, 2.0, "{secs}");
            }
        }
        let submitted = Observation::sample(QueueStatus::InQueue, 0, 0.0);
        assert_eq!(
            policy.next_delay(&submitted),
            Duration::from_secs(2),
            "the first poll, 2 s after the submit"
        );
        let queued = Observation::sample(QueueStatus::InQueue, 1, 0.0);
        for _ in 0..100 {
            let delay = policy.next_delay(&queued).as_secs_f64();
            assert!((2.7..=3.0).contains(&delay), "{delay}");
        }
    }

    #[test]
    fn no_gap_exceeds_3_s_or_15_percent_of_the_running_time_whatever_was_learned() {
        let policy = AdaptivePolicy::default();
        // A model learned to take about a minute; jobs at every point of
        // their run, and far past what was learned.
        let learned = || Some(RunTimes::new([60.0, 62.0, 58.0, 61.0]).unwrap());
        for secs in [0.1, 1.0, 10.0, 30.0, 59.0, 120.0, 1000.0] {
            let observation = running(secs, learned());
            let longest = policy.longest_gap(&observation);
            assert!(longest >= Duration::from_secs(3));
            assert!(longest.as_secs_f64() <= (0.15 * secs).max(3.0) + 1e-9);
            for _ in 0..50 {
                assert!(policy.next_delay(&observation) <= longest, "{secs}");
            }
        }
    }

    #[test]
    fn whatever_was_learned_a_wait_is_never_more_than_two_polls_ahead_of_every_2_s() {
        let policy = AdaptivePolicy::default().with_jitter_seed(7);
        // Learned: about 5 s. Jobs that run 1 s, 5 s, 40 s and 300 s.
        let learned = Arc::new(RunTimes::new([4.5, 5.0, 5.5, 5.2, 4.8]).unwrap());
        for run in [1.0, 5.0, 40.0, 300.0] {
            let (mut at, mut polls) = (0.0f64, 0u32);
            loop {
                let observation = Observation {
                    in_progress_for: (polls > 0).then(|| Duration::from_secs_f64(at)),
                    running_at_least: (polls > 0).then(|| Duration::from_secs_f64(at)),
                    learned: Some(Arc::clone(&learned)),
                    ..Observation::sample(QueueStatus::InProgress, polls, at)
                };
                at += policy.next_delay(&observation).as_secs_f64();
                polls += 1;
                assert!(
                    f64::from(polls) <= at / 2.0 + AdaptivePolicy::ALLOWANCE + 1e-9,
                    "run {run}: poll {polls} at {at:.2} s"
                );
                if at >= run {
                    break;
                }
            }
        }
    }

    #[test]
    fn learned_run_times_make_polls_sparse_early_and_dense_near_the_end() {
        let policy = AdaptivePolicy::default();
        let early = mean_delay(&policy, &running(100.0, Some(lognormal_runs())));
        let near = mean_delay(&policy, &running(240.0, Some(lognormal_runs())));
        assert!(early > near * 1.5, "early {early}, near the median {near}");
    }

    #[test]
    fn a_job_past_what_was_learned_is_polled_as_if_nothing_were_known() {
        let policy = AdaptivePolicy::default();
        let overdue = mean_delay(&policy, &running(2000.0, Some(lognormal_runs())));
        assert!((overdue - 2.0).abs() < 1e-9, "{overdue}");
    }

    #[test]
    fn jobs_of_a_fraction_of_a_second_are_polled_finer() {
        let policy = AdaptivePolicy::default();
        let fast = RunTimes::new([0.2, 0.25, 0.22, 0.21]).unwrap();
        // Seen running at its first poll, 50 ms after the submit.
        let first = Observation {
            polls: 1,
            ..running(0.05, Some(fast))
        };
        let delay = mean_delay(&policy, &first);
        assert!((0.02..0.5).contains(&delay), "{delay}");
    }
}
