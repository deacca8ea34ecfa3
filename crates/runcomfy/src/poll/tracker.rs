//! [`PollTracker`]: status answers turned into what a poll policy sees.

use std::time::Duration;

use runcomfy_types::QueueStatus;

use crate::poll::policy::Observation;
use crate::poll::stats::ModelStats;

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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

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
}
