//! The queue of one emulator ([`Queue`]): a job waits for a free worker,
//! runs for the duration drawn for it at submit, then ends.
//!
//! The schedule is exact whenever anyone looks: every call first brings
//! the queue up to the moment it is called, finishing jobs at the instant
//! they end and starting the next queued job on the freed worker at that
//! same instant. So `queue_position`, states and times depend only on when
//! jobs were submitted and how long they run, not on when the queue's task
//! happened to wake.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::Notify;

use crate::account::Account;
use crate::config::EmulatorConfig;
use crate::durations::RunTimes;
use crate::jobs::job::{Job, JobState, Submission};

/// The longest a job runs, whatever the distribution and scale say: ten
/// years, far beyond any test, and within what the clock can add.
const LONGEST_RUN: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// Why a job cannot be admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full {
    /// The cap.
    pub(crate) max_jobs: usize,
}

/// What a cancel did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cancelled {
    /// It was queued and will never run.
    Cancelled,
    /// It is running or finished.
    NotCancellable,
}

#[derive(Debug)]
struct Inner {
    jobs: HashMap<String, Job>,
    queue: VecDeque<String>,
    /// The jobs on a worker, with their ends.
    running: Vec<(Instant, String)>,
    free_workers: Vec<usize>,
    run_times: RunTimes,
}

/// The queue of one emulator.
#[derive(Debug)]
pub(crate) struct Queue {
    inner: Mutex<Inner>,
    wake: Notify,
    time_scale: f64,
    ttl: Duration,
    max_jobs: usize,
    account: Arc<Account>,
    /// One moment on both clocks: the wall-clock times answers write are
    /// this plus the monotonic time since.
    epoch: (Instant, SystemTime),
}

impl Queue {
    /// The queue `config` describes (workers, durations, seed, time scale,
    /// expiry, cap); what failed and cancelled jobs cost goes back to
    /// `account`.
    pub(crate) fn new(config: &EmulatorConfig, account: Arc<Account>) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(Inner {
                jobs: HashMap::new(),
                queue: VecDeque::new(),
                running: Vec::new(),
                free_workers: (1..=config.workers.max(1)).rev().collect(),
                run_times: RunTimes::new(config.durations.clone(), config.seed),
            }),
            wake: Notify::new(),
            time_scale: config.time_scale.max(0.0),
            ttl: config.job_ttl,
            max_jobs: config.max_jobs,
            account,
            epoch: (Instant::now(), SystemTime::now()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a job half-updated in a
        // way that matters more than stopping the emulator would.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The wall-clock time of a moment.
    fn wall(&self, at: Instant) -> SystemTime {
        self.epoch.1 + at.saturating_duration_since(self.epoch.0)
    }

    /// Admits a job and queues it.
    pub(crate) fn submit(&self, id: String, submission: Submission) -> Result<(), Full> {
        self.submit_at(id, submission, Instant::now())
    }

    /// Admits a job at `now` and queues it.
    pub(crate) fn submit_at(
        &self,
        id: String,
        submission: Submission,
        now: Instant,
    ) -> Result<(), Full> {
        let mut inner = self.lock();
        self.advance(&mut inner, now);
        if inner.jobs.len() >= self.max_jobs {
            expire(&mut inner, self.ttl, now);
            if inner.jobs.len() >= self.max_jobs {
                return Err(Full {
                    max_jobs: self.max_jobs,
                });
            }
        }
        let drawn = inner.run_times.next_for(submission.workload);
        let run_for = Duration::try_from_secs_f64(drawn.as_secs_f64() * self.time_scale)
            .map_or(LONGEST_RUN, |run| run.min(LONGEST_RUN));
        let created_at = self.wall(now);
        let mut job = Job {
            submission,
            created_at,
            run_for,
            state: JobState::Queued,
            finalized: None,
        };
        if self.time_scale == 0.0 {
            // Zero job time: done at once, so a client's first status sees it
            // (deterministic call counts for overhead benchmarks).
            job.finish(created_at, now, &self.account);
            inner.jobs.insert(id, job);
            return Ok(());
        }
        inner.jobs.insert(id.clone(), job);
        inner.queue.push_back(id);
        self.start_queued(&mut inner, now);
        drop(inner);
        self.wake.notify_one();
        Ok(())
    }

    /// A job and, while it is queued, its position (1 = next).
    pub(crate) fn get(&self, id: &str) -> Option<(Job, Option<usize>)> {
        self.get_at(id, Instant::now())
    }

    /// A job and its position as they are at `now`.
    pub(crate) fn get_at(&self, id: &str, now: Instant) -> Option<(Job, Option<usize>)> {
        let mut inner = self.lock();
        self.advance(&mut inner, now);
        let job = inner.jobs.get(id)?.clone();
        let position = match job.state {
            JobState::Queued => inner
                .queue
                .iter()
                .position(|queued| queued == id)
                .map(|p| p + 1),
            _ => None,
        };
        Some((job, position))
    }

    /// Every job held (any state, any owner), oldest first, each queued
    /// one with its position: one moment's picture of the whole queue.
    pub(crate) fn list(&self) -> Vec<(String, Job, Option<usize>)> {
        let mut inner = self.lock();
        self.advance(&mut inner, Instant::now());
        let positions: HashMap<&str, usize> = inner
            .queue
            .iter()
            .enumerate()
            .map(|(index, id)| (id.as_str(), index + 1))
            .collect();
        let mut jobs: Vec<(String, Job, Option<usize>)> = inner
            .jobs
            .iter()
            .map(|(id, job)| {
                let position = positions.get(id.as_str()).copied();
                (id.clone(), job.clone(), position)
            })
            .collect();
        drop(inner);
        jobs.sort_by(|(a_id, a, _), (b_id, b, _)| (a.created_at, a_id).cmp(&(b.created_at, b_id)));
        jobs
    }

    /// Cancels a queued job; anything else is not cancellable.
    pub(crate) fn cancel(&self, id: &str) -> Option<(Cancelled, JobState)> {
        let now = Instant::now();
        let mut inner = self.lock();
        self.advance(&mut inner, now);
        let job = inner.jobs.get_mut(id)?;
        if job.state != JobState::Queued {
            return Some((Cancelled::NotCancellable, job.state.clone()));
        }
        job.state = JobState::Cancelled { at: self.wall(now) };
        job.finalized = Some(now);
        self.account.refund(job.submission.cost.unwrap_or_default());
        let state = job.state.clone();
        inner.queue.retain(|queued| queued != id);
        Some((Cancelled::Cancelled, state))
    }

    /// How many jobs are held (any state).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().jobs.len()
    }

    /// Whether no job is held.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs the queue until the task is dropped: finishes jobs when their
    /// time is up (so that what they cost is given back on time) and
    /// expires old ones.
    pub(crate) async fn run(self: Arc<Self>) {
        loop {
            let next_end = self.step();
            let sweep = self
                .ttl
                .min(Duration::from_secs(60))
                .max(Duration::from_millis(10));
            let wait = next_end.map_or(sweep, |end| {
                end.saturating_duration_since(Instant::now()).min(sweep)
            });
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// One pass: the queue brought up to now, what is old expired.
    /// Returns the earliest end of a running job.
    pub(crate) fn step(&self) -> Option<Instant> {
        let now = Instant::now();
        let mut inner = self.lock();
        self.advance(&mut inner, now);
        expire(&mut inner, self.ttl, now);
        inner.running.iter().map(|(ends, _)| *ends).min()
    }

    /// Finishes, earliest first, every job that ended by `now`; each freed
    /// worker takes the next queued job at the instant it was freed.
    fn advance(&self, inner: &mut Inner, now: Instant) {
        while let Some(index) = earliest_end(&inner.running, now) {
            let (ends, id) = inner.running.swap_remove(index);
            if let Some(job) = inner.jobs.get_mut(&id)
                && let JobState::Running { worker, .. } = job.state
            {
                job.finish(self.wall(ends), ends, &self.account);
                inner.free_workers.push(worker);
            }
            self.start_queued(inner, ends);
        }
        self.start_queued(inner, now);
    }

    /// Puts queued jobs on the free workers, starting at `at`.
    fn start_queued(&self, inner: &mut Inner, at: Instant) {
        while !inner.queue.is_empty() && !inner.free_workers.is_empty() {
            let (Some(worker), Some(id)) = (inner.free_workers.pop(), inner.queue.pop_front())
            else {
                break;
            };
            match inner.jobs.get_mut(&id) {
                Some(job) => {
                    let ends = at + job.run_for;
                    job.state = JobState::Running { worker, ends };
                    inner.running.push((ends, id));
                }
                None => inner.free_workers.push(worker),
            }
        }
    }
}

/// The index of the running job that ends first, if it ended by `now`.
fn earliest_end(running: &[(Instant, String)], now: Instant) -> Option<usize> {
    running
        .iter()
        .enumerate()
        .filter(|(_, (ends, _))| *ends <= now)
        .min_by_key(|(_, (ends, _))| *ends)
        .map(|(index, _)| index)
}

fn expire(inner: &mut Inner, ttl: Duration, now: Instant) {
    inner.jobs.retain(|_, job| {
        job.finalized
            .is_none_or(|at| now.saturating_duration_since(at) < ttl)
    });
}
