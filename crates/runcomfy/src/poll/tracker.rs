//! [`PollTracker`]: status answers turned into what a poll policy sees, and
//! which endpoint a wait asks next ([`Ask`]).

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
    /// When it was first seen in progress.
    first_in_progress: Option<Duration>,
    /// When it was last seen in progress.
    last_in_progress: Option<Duration>,
    /// The endpoint of the last answer taken in.
    last_ask: Option<Ask>,
}

/// Which endpoint a wait asks next: the one whose answer says most for one
/// request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ask {
    /// `GET …/status`: while the job is queued, for its queue position, and
    /// after an answer of the result endpoint this build does not know.
    Status,
    /// `GET …/result`: before the first answer and while the job runs. The
    /// service answers it before the end with the job's state, and at the
    /// end with the outputs, so no request is spent after the job is seen
    /// done.
    Result,
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
                running_at_least: None,
                learned: stats.run_times(model_id),
                queue_step: stats.queue_step(model_id),
            },
            first_queued: None,
            last_queued: None,
            in_progress_since: None,
            first_in_progress: None,
            last_in_progress: None,
            last_ask: None,
        }
    }

    /// The endpoint to ask next (see [`Ask`]).
    pub fn next_ask(&self) -> Ask {
        let status = &self.observation.status;
        match self.last_ask {
            None => Ask::Result,
            Some(_) if *status == QueueStatus::InQueue => Ask::Status,
            Some(Ask::Result) if matches!(status, QueueStatus::Other(_)) => Ask::Status,
            Some(_) => Ask::Result,
        }
    }

    /// Takes in an answer of endpoint `ask`: [`PollTracker::observe`], and
    /// the endpoint remembered for [`PollTracker::next_ask`].
    pub fn observe_answer(
        &mut self,
        ask: Ask,
        status: &QueueStatus,
        queue_position: Option<u64>,
        elapsed: Duration,
        stats: &ModelStats,
    ) {
        self.last_ask = Some(ask);
        self.observe(status, queue_position, elapsed, stats);
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
            QueueStatus::InProgress if self.in_progress_since.is_some() => {
                self.last_in_progress = Some(elapsed);
            }
            QueueStatus::InProgress => {
                // It started after the last poll that saw it queued.
                let since = match self.last_queued {
                    Some(queued) => queued + elapsed.saturating_sub(queued) / 2,
                    None => elapsed,
                };
                self.in_progress_since = Some(since);
                self.first_in_progress = Some(elapsed);
                self.last_in_progress = Some(elapsed);
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
        observation.running_at_least = self
            .first_in_progress
            .map(|first| elapsed.saturating_sub(first));
        observation.learned = stats.run_times(&observation.model_id);
        observation.queue_step = stats.queue_step(&observation.model_id);
    }

    /// The job was seen done: records its run time into `stats` (when it
    /// was seen in progress), from its estimated start to halfway between
    /// the last poll that saw it running and the one that saw it done.
    pub fn finished(&self, stats: &ModelStats) {
        if let (Some(since), Some(running)) = (self.in_progress_since, self.last_in_progress)
            && !self.observation.model_id.is_empty()
        {
            let done = self.observation.waited;
            let end = running + done.saturating_sub(running) / 2;
            stats.record(&self.observation.model_id, end.saturating_sub(since));
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
        assert_eq!(
            tracker.observation().running_at_least,
            Some(secs(60)),
            "certainly running since the poll at 40 s"
        );
        assert_eq!(tracker.observation().polls, 4);
        tracker.observe(&QueueStatus::Completed, None, secs(135), &stats);
        assert!(stats.run_times("m").is_none());
        tracker.finished(&stats);
        let learned = stats.run_times("m").unwrap();
        assert_eq!(learned.len(), 1);
        // From 35 s to halfway between 100 s (running) and 135 s (done):
        // 82.5 s, its mean widened by the kernel of a single run.
        assert!(
            (80.0..90.0).contains(&learned.mean_secs()),
            "{}",
            learned.mean_secs()
        );

        // A job seen running at its first poll: its run counts from that poll
        // and it teaches nothing about the queue.
        let mut running = PollTracker::new("m", &stats);
        assert_eq!(running.observation().learned.as_deref(), Some(&*learned));
        running.observe(&QueueStatus::InProgress, None, secs(3), &stats);
        running.observe(&QueueStatus::InProgress, None, secs(10), &stats);
        assert_eq!(running.observation().in_progress_for, Some(secs(7)));
        assert_eq!(stats.queue_step("m"), Some(Duration::from_secs_f64(8.75)));
    }

    #[test]
    fn it_asks_the_result_while_the_job_may_run_and_the_status_while_queued() {
        let stats = ModelStats::default();
        let secs = Duration::from_secs;
        let mut tracker = PollTracker::new("m", &stats);
        assert_eq!(
            tracker.next_ask(),
            Ask::Result,
            "a short job's first answer is its output"
        );
        tracker.observe_answer(Ask::Result, &QueueStatus::InQueue, None, secs(2), &stats);
        assert_eq!(
            tracker.next_ask(),
            Ask::Status,
            "queued: the status says where"
        );
        tracker.observe_answer(Ask::Status, &QueueStatus::InQueue, Some(3), secs(4), &stats);
        assert_eq!(tracker.next_ask(), Ask::Status);
        tracker.observe_answer(Ask::Status, &QueueStatus::InProgress, None, secs(6), &stats);
        assert_eq!(
            tracker.next_ask(),
            Ask::Result,
            "running: the answer at the end carries the outputs"
        );
        let odd = QueueStatus::Other("warming_up".into());
        tracker.observe_answer(Ask::Result, &odd, None, secs(8), &stats);
        assert_eq!(
            tracker.next_ask(),
            Ask::Status,
            "a state the result endpoint says and this build does not know"
        );
        tracker.observe_answer(Ask::Status, &odd, None, secs(10), &stats);
        assert_eq!(
            tracker.next_ask(),
            Ask::Result,
            "the two endpoints take turns"
        );
    }
}
