//! [`ModelStats`]: the run times and queue waits this process has seen,
//! per model, that the adaptive policy learns from; with a
//! [`RunTimeStore`], also those of earlier processes.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use crate::poll::learned::RunTimes;
use crate::poll::store::RunTimeStore;

/// One model's recent run times and what they say.
#[derive(Debug, Default)]
struct Runs {
    /// Seconds, oldest first.
    secs: VecDeque<f64>,
    /// The distribution of `secs`, made when first asked for after a change.
    learned: Option<Arc<RunTimes>>,
    /// Whether the store's runs were read in.
    loaded: bool,
}

/// Run times of finished jobs and queue waits per model, shared by every
/// handle in the process. Thread-safe; keeps the last [`ModelStats::KEEP`]
/// of each per model.
#[derive(Debug, Default)]
pub struct ModelStats {
    runs: Mutex<HashMap<String, Runs>>,
    /// Recent queue waits: `(seconds, positions cleared)`, oldest first.
    queue_waits: Mutex<HashMap<String, VecDeque<(f64, u64)>>>,
    /// Where run times are kept across processes, once set.
    store: OnceLock<RunTimeStore>,
}

impl ModelStats {
    /// How many run times are kept per model.
    pub const KEEP: usize = RunTimeStore::KEEP;

    /// The statistics of this process.
    pub fn global() -> &'static ModelStats {
        static GLOBAL: OnceLock<ModelStats> = OnceLock::new();
        GLOBAL.get_or_init(ModelStats::default)
    }

    /// Keeps run times in `store` too, across processes: a model's stored
    /// runs are read when it is first asked about, each new run is added.
    /// Only the first store set is used (the statistics are shared).
    pub fn keep_in(&self, store: RunTimeStore) {
        let _ = self.store.set(store);
    }

    /// Records the run time (in progress to done) of a finished job.
    pub fn record(&self, model_id: &str, run_time: Duration) {
        let secs = run_time.as_secs_f64().max(1e-3);
        {
            let mut runs = self.runs.lock().unwrap_or_else(PoisonError::into_inner);
            let model = self.model(&mut runs, model_id);
            if model.secs.len() >= Self::KEEP {
                model.secs.pop_front();
            }
            model.secs.push_back(secs);
            model.learned = None;
        }
        if let Some(store) = self.store.get() {
            store.append(model_id, secs);
        }
    }

    /// What the model's recent run times say of its next job; `None` until
    /// a run is recorded (here, or in the store).
    pub fn run_times(&self, model_id: &str) -> Option<Arc<RunTimes>> {
        if model_id.is_empty() {
            return None;
        }
        let mut runs = self.runs.lock().unwrap_or_else(PoisonError::into_inner);
        let model = self.model(&mut runs, model_id);
        if model.learned.is_none() {
            model.learned = RunTimes::new(model.secs.iter().copied()).map(Arc::new);
        }
        model.learned.clone()
    }

    /// The model's entry, its stored runs read in on first use.
    fn model<'a>(&self, runs: &'a mut HashMap<String, Runs>, model_id: &str) -> &'a mut Runs {
        let model = runs.entry(model_id.to_owned()).or_default();
        if !model.loaded {
            model.loaded = true;
            if let Some(store) = self.store.get() {
                let mut stored: VecDeque<f64> = store.load(model_id).into();
                stored.extend(model.secs.drain(..));
                let excess = stored.len().saturating_sub(Self::KEEP);
                stored.drain(..excess);
                model.secs = stored;
                model.learned = None;
            }
        }
        model
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
    fn run_times_are_learned_bounded_and_kept_across_processes() {
        let stats = ModelStats::default();
        assert!(stats.run_times("m").is_none());
        stats.record("m", Duration::from_secs(100));
        let one = stats.run_times("m").unwrap();
        assert_eq!(one.len(), 1);
        assert!(
            Arc::ptr_eq(&one, &stats.run_times("m").unwrap()),
            "made once"
        );
        for _ in 0..(ModelStats::KEEP + 5) {
            stats.record("m", Duration::from_secs(50));
        }
        assert_eq!(stats.run_times("m").unwrap().len(), ModelStats::KEEP);
        assert!(stats.run_times("").is_none(), "a job of no known model");

        let dir = tempfile::tempdir().unwrap();
        let first = ModelStats::default();
        first.keep_in(RunTimeStore::new(dir.path()));
        first.record("k", Duration::from_secs(30));
        first.record("k", Duration::from_secs(32));
        let second = ModelStats::default();
        second.keep_in(RunTimeStore::new(dir.path()));
        let learned = second.run_times("k").expect("the first process's runs");
        assert_eq!(learned.len(), 2);
        assert!(
            (learned.mean_secs() - 31.0).abs() < 3.0,
            "{}",
            learned.mean_secs()
        );
        assert!(std::ptr::eq(ModelStats::global(), ModelStats::global()));
    }
}
