//! [`ModelStats`]: the run times and queue waits this process has seen,
//! per model, that the adaptive policy learns from.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use crate::poll::estimate::RunEstimate;

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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

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
}
