//! When to ask again: poll policies, per-model run-time statistics and a
//! process-wide request budget.
//!
//! A wait on a request alternates status requests and sleeps. After each
//! status answer the waiting code builds an [`Observation`] and asks its
//! [`PollPolicy`] for the next delay. If the service sent `Retry-After`, the
//! caller waits `max(policy delay, Retry-After)`; policies never see that
//! header. Before each status request the caller takes a token from a
//! [`RequestBudget`] (by default [`RequestBudget::global`]) so that many
//! concurrent waits cannot flood the service.
//!
//! The default policy, [`AdaptivePolicy`], learns how long a model runs from
//! the jobs this process has already finished ([`ModelStats`]) and polls
//! densely only where a job is likely to finish.
//!
//! ```
//! use std::time::Duration;
//! use runcomfy::poll::{AdaptivePolicy, ModelStats, Observation, PollPolicy};
//! use runcomfy_types::QueueStatus;
//!
//! let stats = ModelStats::default();
//! for secs in [230, 240, 250, 260] {
//!     stats.record("kling", Duration::from_secs(secs));
//! }
//! let policy = AdaptivePolicy::default();
//! let at = |secs: u64| Observation {
//!     model_id: "kling".to_owned(),
//!     polls: 3,
//!     waited: Duration::from_secs(secs),
//!     status: QueueStatus::InProgress,
//!     queue_position: None,
//!     in_progress_for: Some(Duration::from_secs(secs)),
//!     estimate: stats.estimate("kling"),
//!     queue_step: None,
//! };
//! // Sparse long before the expected end, dense around it.
//! assert!(policy.next_delay(&at(30)) > policy.next_delay(&at(240)) * 4);
//! ```

use std::collections::{HashMap, VecDeque};
use std::f64::consts::{PI, SQRT_2};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use rand::Rng;
use runcomfy_types::QueueStatus;

/// What a poll policy knows when it picks the next delay.
#[derive(Debug, Clone)]
pub struct Observation {
    /// The model the request runs on.
    pub model_id: String,
    /// Status requests made so far in this wait (1 after the first answer).
    pub polls: u32,
    /// Time since the wait started.
    pub waited: Duration,
    /// The last status seen.
    pub status: QueueStatus,
    /// The queue position while [`QueueStatus::InQueue`]; 1 means next.
    pub queue_position: Option<u64>,
    /// How long the request has been [`QueueStatus::InProgress`], counted
    /// from its estimated start: halfway between the last poll that saw it
    /// queued and the first that saw it in progress (from that first poll
    /// when it was never seen queued). When it is `None` while in progress,
    /// [`AdaptivePolicy`] uses `waited`.
    pub in_progress_for: Option<Duration>,
    /// The model's run time learned from earlier jobs of this process
    /// (see [`ModelStats::estimate`]).
    pub estimate: Option<RunEstimate>,
    /// How long one queue position of this model takes to clear, learned
    /// from earlier waits of this process (see [`ModelStats::queue_step`]).
    pub queue_step: Option<Duration>,
}

/// Log-normal estimate of a model's run time (from in progress to done),
/// learned from finished jobs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunEstimate {
    /// The median run time, `exp(mean of ln(run time))`.
    pub median: Duration,
    /// The standard deviation of `ln(run time)`.
    pub sigma: f64,
    /// How many finished jobs the estimate comes from.
    pub samples: usize,
}

impl RunEstimate {
    /// The probability that a run lasts longer than `t`.
    pub fn survival(&self, t: Duration) -> f64 {
        let Some(z) = self.z_score(t, self.sigma) else {
            return 1.0;
        };
        0.5 * erfc(z / SQRT_2)
    }

    /// The hazard rate at `t`, per second: how likely a run still going at
    /// `t` is to finish in the next second.
    pub fn hazard(&self, t: Duration) -> f64 {
        hazard(self.median, self.sigma, t)
    }

    fn z_score(&self, t: Duration, sigma: f64) -> Option<f64> {
        z_score(self.median, sigma, t)
    }
}

/// `(ln t - ln median) / sigma`, or `None` when `t` or the median is zero or
/// sigma is unusable.
fn z_score(median: Duration, sigma: f64, t: Duration) -> Option<f64> {
    let (t, median) = (t.as_secs_f64(), median.as_secs_f64());
    (t > 0.0 && median > 0.0 && sigma > 0.0 && sigma.is_finite()).then(|| (t / median).ln() / sigma)
}

/// The log-normal hazard `pdf / survival` at `t`, per second; 0 at `t = 0`.
fn hazard(median: Duration, sigma: f64, t: Duration) -> f64 {
    match z_score(median, sigma, t) {
        Some(z) => normal_pdf_over_survival(z) / (sigma * t.as_secs_f64()),
        None => 0.0,
    }
}

/// `erfc(x) = tau * exp(-x^2 + p(tau))` with `tau = 1 / (1 + x / 2)`, for
/// `x >= 0`: returns `(tau, p(tau))`. Chebyshev fit (Numerical Recipes
/// `erfcc`), fractional error below 1.2e-7 everywhere, tails included.
fn erfc_parts(x: f64) -> (f64, f64) {
    let tau = 1.0 / (1.0 + 0.5 * x);
    let p = -1.265_512_23
        + tau
            * (1.000_023_68
                + tau
                    * (0.374_091_96
                        + tau
                            * (0.096_784_18
                                + tau
                                    * (-0.186_288_06
                                        + tau
                                            * (0.278_868_07
                                                + tau
                                                    * (-1.135_203_98
                                                        + tau
                                                            * (1.488_515_87
                                                                + tau
                                                                    * (-0.822_152_23
                                                                        + tau
                                                                            * 0.170_872_77))))))));
    (tau, p)
}

/// The complementary error function.
fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let (tau, p) = erfc_parts(x.abs());
    let upper = tau * (-x * x + p).exp();
    if x >= 0.0 { upper } else { 2.0 - upper }
}

/// `phi(z) / Q(z)` for the standard normal (the inverse Mills ratio),
/// computed without underflow far in the upper tail.
fn normal_pdf_over_survival(z: f64) -> f64 {
    let x = z / SQRT_2;
    if x >= 0.0 {
        // phi(z) = exp(-x^2) / sqrt(2 pi), Q(z) = tau * exp(-x^2 + p) / 2:
        // the exp(-x^2) cancels.
        let (tau, p) = erfc_parts(x);
        2.0 / ((2.0 * PI).sqrt() * tau * p.exp())
    } else {
        let pdf = (-0.5 * z * z).exp() / (2.0 * PI).sqrt();
        pdf / (1.0 - 0.5 * erfc(-x))
    }
}

/// Picks how long to wait before the next status request.
///
/// The caller waits `max(next_delay, Retry-After)` when the service sent a
/// `Retry-After` header. Object-safe: callers may supply their own.
pub trait PollPolicy: Send + Sync + std::fmt::Debug {
    /// The delay before the next status request, given what was seen so far.
    fn next_delay(&self, observation: &Observation) -> Duration;
}

/// A fixed interval between status requests (what most clients do).
#[derive(Debug, Clone, Copy)]
pub struct FixedInterval(pub Duration);

impl PollPolicy for FixedInterval {
    fn next_delay(&self, _observation: &Observation) -> Duration {
        self.0
    }
}

/// The default policy: quick at first while nothing is known, sparse while
/// queued or early in a run, dense around the time a job of this model
/// usually finishes.
///
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
            (QueueStatus::Completed | QueueStatus::Cancelled, _) => self.min(),
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

/// Run times of finished jobs and queue waits per model, shared by every
/// handle in the process. Thread-safe; keeps the last [`ModelStats::KEEP`]
/// of each per model.
#[derive(Debug, Default)]
pub struct ModelStats {
    /// `ln(seconds)` of recent run times, oldest first.
    runs: Mutex<HashMap<String, VecDeque<f64>>>,
    /// Recent queue waits: `(seconds, positions cleared)`, oldest first.
    queue_waits: Mutex<HashMap<String, VecDeque<(f64, u64)>>>,
}

impl ModelStats {
    /// How many run times are kept per model.
    pub const KEEP: usize = 256;
    /// Below this many run times the spread is not known: an estimate's
    /// sigma is then at least [`ModelStats::UNKNOWN_SPREAD_SIGMA`].
    pub const SPREAD_SAMPLES: usize = 3;
    /// The sigma assumed while the spread is not known (a run-time spread of
    /// about ×1.65 either way).
    pub const UNKNOWN_SPREAD_SIGMA: f64 = 0.5;
    /// The smallest sigma an estimate reports.
    pub const MIN_SIGMA: f64 = 0.05;

    /// The statistics of this process.
    pub fn global() -> &'static ModelStats {
        static GLOBAL: OnceLock<ModelStats> = OnceLock::new();
        GLOBAL.get_or_init(ModelStats::default)
    }

    /// Records the run time (in progress to done) of a finished job.
    pub fn record(&self, model_id: &str, run_time: Duration) {
        let secs = run_time.as_secs_f64().max(1e-3);
        keep_recent(&self.runs, model_id, secs.ln());
    }

    /// The maximum-likelihood log-normal fit of the model's recent run times:
    /// `median = exp(mean(ln t))`, `sigma = std(ln t)` (dividing by n, at
    /// least [`ModelStats::MIN_SIGMA`]). `None` until a run is recorded.
    ///
    /// With fewer than [`ModelStats::SPREAD_SAMPLES`] runs the median is
    /// already useful but the spread is not: sigma is then at least
    /// [`ModelStats::UNKNOWN_SPREAD_SIGMA`]. `samples` says how much to trust
    /// the estimate.
    pub fn estimate(&self, model_id: &str) -> Option<RunEstimate> {
        let runs = self.runs.lock().unwrap_or_else(PoisonError::into_inner);
        let logs = runs.get(model_id).filter(|logs| !logs.is_empty())?;
        let n = logs.len() as f64;
        let mean = logs.iter().sum::<f64>() / n;
        let variance = logs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        let mut sigma = variance.sqrt().max(Self::MIN_SIGMA);
        if logs.len() < Self::SPREAD_SAMPLES {
            sigma = sigma.max(Self::UNKNOWN_SPREAD_SIGMA);
        }
        Some(RunEstimate {
            median: Duration::try_from_secs_f64(mean.exp()).ok()?,
            sigma,
            samples: logs.len(),
        })
    }

    /// Records a queue wait: a job first seen at queue position `positions`
    /// (1 = next) started `waited` later.
    pub fn record_queue_wait(&self, model_id: &str, waited: Duration, positions: u64) {
        if positions > 0 {
            keep_recent(
                &self.queue_waits,
                model_id,
                (waited.as_secs_f64(), positions),
            );
        }
    }

    /// How long one queue position of the model takes to clear: the recent
    /// waits' total time over their total positions. `None` until a wait is
    /// recorded.
    pub fn queue_step(&self, model_id: &str) -> Option<Duration> {
        let waits = self
            .queue_waits
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let waits = waits.get(model_id).filter(|waits| !waits.is_empty())?;
        let (secs, positions) = waits.iter().fold((0.0, 0u64), |(s, p), (secs, positions)| {
            (s + secs, p.saturating_add(*positions))
        });
        Duration::try_from_secs_f64(secs / positions.max(1) as f64).ok()
    }
}

/// Appends `value` to the model's recent values, keeping the last
/// [`ModelStats::KEEP`].
fn keep_recent<T>(map: &Mutex<HashMap<String, VecDeque<T>>>, model_id: &str, value: T) {
    let mut map = map.lock().unwrap_or_else(PoisonError::into_inner);
    let model = match map.get_mut(model_id) {
        Some(model) => model,
        None => map.entry(model_id.to_owned()).or_default(),
    };
    if model.len() >= ModelStats::KEEP {
        model.pop_front();
    }
    model.push_back(value);
}

/// What one wait has seen, turned into the [`Observation`] its poll policy
/// gets; it also teaches [`ModelStats`] the job's queue wait and run time.
///
/// The client's own waits use it; so can a caller that polls by itself, or a
/// simulation that replays a policy (the `polling` benchmark does).
#[derive(Debug, Clone)]
pub struct PollTracker {
    observation: Observation,
    /// When and where the job was first seen queued.
    first_queued: Option<(Duration, u64)>,
    /// When it was last seen queued.
    last_queued: Option<Duration>,
    /// Its estimated start.
    in_progress_since: Option<Duration>,
}

impl PollTracker {
    /// A tracker for a wait on a job of `model_id` that has not been polled
    /// yet. With an empty model id (a job resumed without one) it learns
    /// nothing.
    pub fn new(model_id: &str, stats: &ModelStats) -> Self {
        Self {
            observation: Observation {
                model_id: model_id.to_owned(),
                polls: 0,
                waited: Duration::ZERO,
                status: QueueStatus::InQueue,
                queue_position: None,
                in_progress_for: None,
                estimate: stats.estimate(model_id),
                queue_step: stats.queue_step(model_id),
            },
            first_queued: None,
            last_queued: None,
            in_progress_since: None,
        }
    }

    /// What the policy should be told now.
    pub fn observation(&self) -> &Observation {
        &self.observation
    }

    /// Takes in a status answer received `elapsed` after the wait started.
    /// The first answer `in_progress` after a queued one records the queue
    /// wait into `stats`.
    pub fn observe(
        &mut self,
        status: &QueueStatus,
        queue_position: Option<u64>,
        elapsed: Duration,
        stats: &ModelStats,
    ) {
        let observation = &mut self.observation;
        observation.polls += 1;
        observation.waited = elapsed;
        observation.status = status.clone();
        observation.queue_position = queue_position;
        match status {
            QueueStatus::InQueue => {
                if self.first_queued.is_none()
                    && let Some(position) = queue_position
                {
                    self.first_queued = Some((elapsed, position));
                }
                self.last_queued = Some(elapsed);
            }
            QueueStatus::InProgress if self.in_progress_since.is_none() => {
                // It started after the last poll that saw it queued.
                let since = match self.last_queued {
                    Some(queued) => queued + elapsed.saturating_sub(queued) / 2,
                    None => elapsed,
                };
                self.in_progress_since = Some(since);
                if let Some((at, position)) = self.first_queued
                    && !observation.model_id.is_empty()
                {
                    stats.record_queue_wait(
                        &observation.model_id,
                        since.saturating_sub(at),
                        position,
                    );
                }
            }
            _ => {}
        }
        observation.in_progress_for = self
            .in_progress_since
            .map(|since| elapsed.saturating_sub(since));
        observation.estimate = stats.estimate(&observation.model_id);
        observation.queue_step = stats.queue_step(&observation.model_id);
    }

    /// The job was seen completed: records its run time into `stats` (when
    /// it was seen in progress).
    pub fn finished(&self, stats: &ModelStats) {
        if let Some(ran) = self.observation.in_progress_for
            && !self.observation.model_id.is_empty()
        {
            stats.record(&self.observation.model_id, ran);
        }
    }
}

/// A token bucket shared by every wait in the process, so that a thousand
/// waits cannot flood the service with status requests.
///
/// Waiters reserve tokens in the order they call [`RequestBudget::acquire`],
/// so under contention each gets its turn; no lock is held across an await.
#[derive(Debug)]
pub struct RequestBudget {
    bucket: Option<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    per_second: f64,
    burst: f64,
    state: Mutex<BucketState>,
}

#[derive(Debug)]
struct BucketState {
    /// Tokens available; negative when waiters have reserved future ones.
    tokens: f64,
    updated: tokio::time::Instant,
}

impl Bucket {
    /// Refills for the time passed since the last update.
    fn refill(&self, state: &mut BucketState) {
        let now = tokio::time::Instant::now();
        let elapsed = now.saturating_duration_since(state.updated).as_secs_f64();
        state.tokens = (state.tokens + elapsed * self.per_second).min(self.burst);
        state.updated = now;
    }

    /// Takes a token now or reserves the next free one: how long to wait.
    fn reserve(&self) -> Duration {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.refill(&mut state);
        state.tokens -= 1.0;
        if state.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::try_from_secs_f64(-state.tokens / self.per_second).unwrap_or(Duration::MAX)
        }
    }

    /// Gives back a reserved token that was not used.
    fn refund(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.refill(&mut state);
        state.tokens = (state.tokens + 1.0).min(self.burst);
    }
}

/// Refunds a reservation if the waiting future is dropped before its turn.
struct Reservation<'a> {
    bucket: &'a Bucket,
    armed: bool,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.bucket.refund();
        }
    }
}

impl RequestBudget {
    /// The default rate of [`RequestBudget::global`], per second.
    pub const DEFAULT_PER_SECOND: f64 = 20.0;
    /// The default burst of [`RequestBudget::global`].
    pub const DEFAULT_BURST: u32 = 40;

    /// A budget of `per_second` requests per second on average and up to
    /// `burst` at once (at least 1). A rate that is not finite and positive
    /// means no limit.
    pub fn new(per_second: f64, burst: u32) -> Self {
        if !(per_second.is_finite() && per_second > 0.0) {
            return Self::unlimited();
        }
        let burst = f64::from(burst.max(1));
        Self {
            bucket: Some(Bucket {
                per_second,
                burst,
                state: Mutex::new(BucketState {
                    tokens: burst,
                    updated: tokio::time::Instant::now(),
                }),
            }),
        }
    }

    /// A budget that never waits.
    pub fn unlimited() -> Self {
        Self { bucket: None }
    }

    /// The budget of this process: 20 requests per second, bursts of 40.
    pub fn global() -> &'static Arc<RequestBudget> {
        static GLOBAL: OnceLock<Arc<RequestBudget>> = OnceLock::new();
        GLOBAL.get_or_init(|| {
            Arc::new(RequestBudget::new(
                Self::DEFAULT_PER_SECOND,
                Self::DEFAULT_BURST,
            ))
        })
    }

    /// Whether this budget never waits.
    pub fn is_unlimited(&self) -> bool {
        self.bucket.is_none()
    }

    /// Waits until a token is free and takes it. Tokens go to waiters in
    /// the order they asked. Dropping the future before it completes gives
    /// the reserved token back.
    pub async fn acquire(&self) {
        let Some(bucket) = &self.bucket else {
            return;
        };
        let wait = bucket.reserve();
        if wait.is_zero() {
            return;
        }
        let mut reservation = Reservation {
            bucket,
            armed: true,
        };
        tokio::time::sleep(wait).await;
        reservation.armed = false;
    }
}

/// A uniformly random duration in `[0, d]` ("full jitter").
pub fn full_jitter(d: Duration) -> Duration {
    let fraction: f64 = rand::rng().random_range(0.0..=1.0);
    Duration::try_from_secs_f64(d.as_secs_f64() * fraction)
        .unwrap_or(d)
        .min(d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn observation(status: QueueStatus, polls: u32, secs: f64) -> Observation {
        Observation {
            model_id: "m".to_owned(),
            polls,
            waited: Duration::from_secs_f64(secs),
            status,
            queue_position: None,
            in_progress_for: None,
            estimate: None,
            queue_step: None,
        }
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
    fn fixed_interval_returns_its_value() {
        let policy = FixedInterval(Duration::from_millis(1500));
        for polls in [1, 5, 100] {
            let seen = policy.next_delay(&observation(QueueStatus::InProgress, polls, 3.0));
            assert_eq!(seen, Duration::from_millis(1500));
        }
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
    fn tracker_learns_queue_waits_and_run_times_from_what_it_sees() {
        let stats = ModelStats::default();
        let secs = Duration::from_secs;
        let mut tracker = PollTracker::new("m", &stats);
        assert_eq!(tracker.observation().polls, 0);
        // Queued at position 4, then 2, then running (it started between 30 and 40 s).
        tracker.observe(&QueueStatus::InQueue, Some(4), secs(0), &stats);
        tracker.observe(&QueueStatus::InQueue, Some(2), secs(30), &stats);
        assert_eq!(stats.queue_step("m"), None);
        assert_eq!(tracker.observation().in_progress_for, None);
        tracker.observe(&QueueStatus::InProgress, None, secs(40), &stats);
        // Estimated start 35 s: 4 positions in 35 s.
        assert_eq!(stats.queue_step("m"), Some(Duration::from_secs_f64(8.75)));
        assert_eq!(tracker.observation().queue_step, stats.queue_step("m"));
        assert_eq!(tracker.observation().in_progress_for, Some(secs(5)));
        tracker.observe(&QueueStatus::InProgress, None, secs(100), &stats);
        assert_eq!(tracker.observation().in_progress_for, Some(secs(65)));
        assert_eq!(tracker.observation().polls, 4);
        tracker.observe(&QueueStatus::Completed, None, secs(135), &stats);
        assert!(stats.estimate("m").is_none());
        tracker.finished(&stats);
        let estimate = stats.estimate("m").unwrap();
        assert_eq!((estimate.median, estimate.samples), (secs(100), 1));

        // A job seen running at its first poll: its run counts from that poll
        // and it teaches nothing about the queue.
        let mut running = PollTracker::new("m", &stats);
        assert_eq!(running.observation().estimate, Some(estimate));
        running.observe(&QueueStatus::InProgress, None, secs(3), &stats);
        running.observe(&QueueStatus::InProgress, None, secs(10), &stats);
        assert_eq!(running.observation().in_progress_for, Some(secs(7)));
        assert_eq!(stats.queue_step("m"), Some(Duration::from_secs_f64(8.75)));
    }

    #[test]
    fn queue_step_is_total_wait_over_total_positions() {
        let stats = ModelStats::default();
        assert_eq!(stats.queue_step("m"), None);
        stats.record_queue_wait("m", Duration::from_secs(10), 1);
        stats.record_queue_wait("m", Duration::from_secs(50), 4);
        stats.record_queue_wait("m", Duration::from_secs(99), 0);
        assert_eq!(stats.queue_step("m"), Some(Duration::from_secs(12)));
        assert_eq!(stats.queue_step("other"), None);
    }

    #[test]
    fn model_stats_estimate_matches_known_samples() {
        let stats = ModelStats::default();
        assert_eq!(stats.estimate("m"), None);
        stats.record("m", Duration::from_secs(100));
        let one = stats.estimate("m").unwrap();
        assert_eq!(one.samples, 1);
        assert!((one.median.as_secs_f64() - 100.0).abs() < 1e-6);
        assert_eq!(
            one.sigma,
            ModelStats::UNKNOWN_SPREAD_SIGMA,
            "spread unknown"
        );
        stats.record("m", Duration::from_secs(400));
        let two = stats.estimate("m").unwrap();
        assert!((two.median.as_secs_f64() - 200.0).abs() < 1e-6);
        // ln 4 / 2 = 0.69 is wider than the assumed spread.
        assert!((two.sigma - 4f64.ln() / 2.0).abs() < 1e-9, "{}", two.sigma);
        stats.record("m", Duration::from_secs(200));
        // ln: 100, 200, 400 -> mean ln 200, std ln 2 * sqrt(2/3).
        let estimate = stats.estimate("m").unwrap();
        assert_eq!(estimate.samples, 3);
        assert!((estimate.median.as_secs_f64() - 200.0).abs() < 1e-6);
        let sigma = 2f64.ln() * (2.0f64 / 3.0).sqrt();
        assert!((estimate.sigma - sigma).abs() < 1e-9, "{}", estimate.sigma);
        assert_eq!(stats.estimate("other"), None);
        // Identical samples: sigma is floored.
        for _ in 0..5 {
            stats.record("same", Duration::from_secs(60));
        }
        let same = stats.estimate("same").unwrap();
        assert_eq!(same.sigma, ModelStats::MIN_SIGMA);
        // Only the last 256 are kept.
        for _ in 0..ModelStats::KEEP {
            stats.record("m", Duration::from_secs(50));
        }
        let recent = stats.estimate("m").unwrap();
        assert_eq!(recent.samples, ModelStats::KEEP);
        assert!((recent.median.as_secs_f64() - 50.0).abs() < 1e-6);
        assert!(std::ptr::eq(ModelStats::global(), ModelStats::global()));
    }

    #[test]
    fn log_normal_helpers() {
        let estimate = kling();
        assert!((estimate.survival(Duration::from_secs(240)) - 0.5).abs() < 1e-6);
        // One sigma above the median: Q(1) = 0.158655.
        let one_up = Duration::from_secs_f64(240.0 * 0.3f64.exp());
        assert!((estimate.survival(one_up) - 0.158_655).abs() < 1e-5);
        assert_eq!(estimate.survival(Duration::ZERO), 1.0);
        // Hazard at the median: pdf / 0.5 = 2 * phi(0) / (sigma * t).
        let expected = 2.0 * 0.398_942_28 / (0.3 * 240.0);
        let at_median = estimate.hazard(Duration::from_secs(240));
        assert!((at_median - expected).abs() < 1e-6, "{at_median}");
        // Far in the tail the hazard stays finite (no 0 / 0).
        let far = estimate.hazard(Duration::from_secs(240 * 1000));
        assert!(far.is_finite() && far > 0.0, "{far}");
        assert!((erfc(0.5) - 0.479_500_12).abs() < 1e-7);
        assert!((erfc(-1.0) - 1.842_700_79).abs() < 1e-7);
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

    #[tokio::test]
    async fn request_budget_paces_after_the_burst() {
        let budget = RequestBudget::new(5.0, 2);
        let start = std::time::Instant::now();
        for _ in 0..7 {
            budget.acquire().await;
        }
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(950) && took < Duration::from_millis(1400),
            "{took:?}"
        );
    }

    #[tokio::test]
    async fn request_budget_refunds_a_dropped_wait() {
        let budget = RequestBudget::new(5.0, 1);
        budget.acquire().await;
        // Gives up long before its turn (200 ms): the token comes back.
        let gave_up = tokio::time::timeout(Duration::from_millis(20), budget.acquire()).await;
        assert!(gave_up.is_err());
        let start = std::time::Instant::now();
        budget.acquire().await;
        let took = start.elapsed();
        assert!(took < Duration::from_millis(250), "{took:?}");
    }

    #[tokio::test]
    async fn unlimited_budget_never_waits() {
        let budget = RequestBudget::unlimited();
        assert!(budget.is_unlimited());
        assert!(RequestBudget::new(f64::NAN, 3).is_unlimited());
        let start = std::time::Instant::now();
        for _ in 0..10_000 {
            budget.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(200));
        assert!(!RequestBudget::global().is_unlimited());
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
