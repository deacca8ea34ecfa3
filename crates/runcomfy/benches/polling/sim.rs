//! The service and the waits, in virtual time: a discrete-event replay with
//! no sleeping and no network.
//!
//! The service runs each job for its drawn run time, first come, first
//! served on its workers (unlimited unless the workload says). A wait is the
//! client's (`Wait`, `runcomfy batch`): the first poll after the policy's
//! first delay, then the endpoint [`PollTracker::next_ask`] picks, the
//! delays its policy gives, a result request after a status that says done.
//! The provider CLI's loop is the baseline: a status request every
//! interval from the submit, then the result.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use runcomfy::poll::{Ask, ModelStats, PollPolicy, PollTracker};
use runcomfy_types::QueueStatus;

/// The model every simulated job runs on.
pub(crate) const MODEL: &str = "sim/model";

/// The service: when each job was submitted, started and ended.
pub(crate) struct Service {
    /// Worker free times, in nanoseconds (`None`: unlimited workers).
    free: Option<BinaryHeap<Reverse<u64>>>,
    starts: Vec<f64>,
    ends: Vec<f64>,
}

impl Service {
    pub(crate) fn new(workers: Option<usize>) -> Self {
        Self {
            free: workers.map(|n| (0..n).map(|_| Reverse(0)).collect()),
            starts: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// Takes a job at `at` that runs `run` seconds once started; its index.
    /// Submits must come in time order (first come, first served).
    pub(crate) fn submit(&mut self, at: f64, run: f64) -> usize {
        let start = match &mut self.free {
            None => at,
            Some(free) => {
                let Reverse(earliest) = free.pop().unwrap_or(Reverse(0));
                let start = at.max(secs(earliest));
                free.push(Reverse(nanos(start + run)));
                start
            }
        };
        self.starts.push(start);
        self.ends.push(start + run);
        self.starts.len() - 1
    }

    /// What the service answers about `job` at `t`.
    pub(crate) fn answer(&self, job: usize, t: f64) -> (QueueStatus, Option<u64>) {
        if t >= self.ends[job] {
            (QueueStatus::Completed, None)
        } else if t >= self.starts[job] {
            (QueueStatus::InProgress, None)
        } else {
            // Starts rise with the job's index: the position counts this job
            // and the earlier ones not started yet.
            let started = self.starts[..=job].partition_point(|start| *start <= t);
            (QueueStatus::InQueue, Some((job + 1 - started) as u64))
        }
    }

    pub(crate) fn end(&self, job: usize) -> f64 {
        self.ends[job]
    }

    pub(crate) fn run(&self, job: usize) -> f64 {
        self.ends[job] - self.starts[job]
    }
}

/// How a client polls.
#[derive(Clone, Copy)]
pub(crate) enum Poller<'a> {
    /// The provider CLI's loop: a status request every this many seconds
    /// from the submit, then the result.
    Provider(f64),
    /// This client's wait with `policy`, learning into `stats` under
    /// `model` (`""`: it learns nothing).
    Ours {
        policy: &'a dyn PollPolicy,
        stats: &'a ModelStats,
        model: &'a str,
    },
}

/// One job's wait, as it went.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outcome {
    /// Its run time (start to end), in seconds.
    pub(crate) run: f64,
    /// Status and result requests.
    pub(crate) requests: u32,
    /// From its end to the answer that said so, in seconds.
    pub(crate) lag: f64,
}

/// One wait under way.
struct Waiting {
    job: usize,
    submitted: f64,
    tracker: Option<PollTracker>,
    requests: u32,
}

impl Waiting {
    fn new(poller: Poller<'_>, job: usize, submitted: f64) -> Self {
        let tracker = match poller {
            Poller::Provider(_) => None,
            Poller::Ours { stats, model, .. } => Some(PollTracker::new(model, stats)),
        };
        Self {
            job,
            submitted,
            tracker,
            requests: 0,
        }
    }

    /// The delay before the next poll.
    fn delay(&self, poller: Poller<'_>) -> f64 {
        match (poller, &self.tracker) {
            (Poller::Ours { policy, .. }, Some(tracker)) => {
                policy.next_delay(tracker.observation()).as_secs_f64()
            }
            (Poller::Provider(interval), _) => interval,
            (Poller::Ours { .. }, None) => unreachable!("our waits have a tracker"),
        }
    }

    /// Polls at `t`; `true` once the job is seen done (its result fetched).
    fn poll(&mut self, poller: Poller<'_>, service: &Service, t: f64) -> bool {
        let (status, position) = service.answer(self.job, t);
        self.requests += 1;
        let elapsed = std::time::Duration::from_secs_f64((t - self.submitted).max(0.0));
        let (Poller::Ours { stats, .. }, Some(tracker)) = (poller, &mut self.tracker) else {
            if status.is_terminal() {
                self.requests += 1;
            }
            return status.is_terminal();
        };
        let ask = tracker.next_ask();
        let done = status.is_terminal();
        // The result endpoint says `succeeded`, and no position.
        let (status, position) = match ask {
            Ask::Result if done => (QueueStatus::Succeeded, None),
            Ask::Result => (status, None),
            _ => (status, position),
        };
        tracker.observe_answer(ask, &status, position, elapsed, stats);
        if done {
            if ask == Ask::Status {
                self.requests += 1;
            }
            tracker.finished(stats);
        }
        done
    }
}

/// Nanoseconds of `secs`, for the event queue's order.
fn nanos(secs: f64) -> u64 {
    (secs * 1e9).round() as u64
}

fn secs(nanos: u64) -> f64 {
    nanos as f64 / 1e9
}

/// `runcomfy batch`: `runs` submitted in order, at most `concurrency` waits
/// at a time (the next submitted when a wait ends), on `service`.
pub(crate) fn batch(
    poller: Poller<'_>,
    runs: &[f64],
    concurrency: usize,
    service: &mut Service,
) -> Vec<Outcome> {
    let mut events: BinaryHeap<Reverse<(u64, usize)>> = BinaryHeap::new();
    let mut waits: Vec<Waiting> = Vec::new();
    let mut out: Vec<Option<Outcome>> = vec![None; runs.len()];
    let start =
        |t: f64, service: &mut Service, waits: &mut Vec<Waiting>, events: &mut BinaryHeap<_>| {
            let index = waits.len();
            let wait = Waiting::new(poller, service.submit(t, runs[index]), t);
            events.push(Reverse((nanos(t + wait.delay(poller)), index)));
            waits.push(wait);
        };
    for _ in 0..concurrency.min(runs.len()) {
        start(0.0, service, &mut waits, &mut events);
    }
    while let Some(Reverse((at, index))) = events.pop() {
        let t = secs(at);
        let wait = &mut waits[index];
        if wait.poll(poller, service, t) {
            out[index] = Some(Outcome {
                run: service.run(wait.job),
                requests: wait.requests,
                lag: t - service.end(wait.job),
            });
            if waits.len() < runs.len() {
                start(t, service, &mut waits, &mut events);
            }
        } else {
            let next = t + wait.delay(poller);
            events.push(Reverse((nanos(next), index)));
        }
    }
    out.into_iter()
        .map(|o| o.expect("every job ends"))
        .collect()
}

/// One `runcomfy run` of a job of `run` seconds, alone, on `service`
/// (submitted at 0, after whatever the service already holds).
pub(crate) fn single(poller: Poller<'_>, run: f64, service: &mut Service) -> Outcome {
    let job = service.submit(0.0, run);
    let mut wait = Waiting::new(poller, job, 0.0);
    let mut t = wait.delay(poller);
    while !wait.poll(poller, service, t) {
        t += wait.delay(poller);
    }
    Outcome {
        run: service.run(job),
        requests: wait.requests,
        lag: t - service.end(job),
    }
}
