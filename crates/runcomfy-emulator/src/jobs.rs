//! The queue: jobs wait `in_queue` for one of the workers, run for a seeded,
//! realistic duration (scaled), then succeed or fail. Finished jobs expire.
//! What a job was charged is given back to the account when it fails or is
//! cancelled while queued.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::Notify;

use crate::account::Account;
use crate::pricing::Cost;

/// Where a job is in its life.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JobState {
    /// Waiting for a worker.
    Queued,
    /// Running on a worker since `started`, until `ends`.
    Running {
        /// The worker it runs on (1-based).
        worker: usize,
        /// When it ends.
        ends: Instant,
    },
    /// Finished with a video.
    Succeeded {
        /// When it finished.
        finished_at: SystemTime,
    },
    /// Finished without a video.
    Failed {
        /// When it finished.
        finished_at: SystemTime,
    },
    /// Cancelled while queued.
    Cancelled {
        /// When it was cancelled.
        at: SystemTime,
    },
}

impl JobState {
    /// Whether the job will not change any more.
    #[cfg(test)]
    pub(crate) fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Succeeded { .. } | Self::Failed { .. } | Self::Cancelled { .. }
        )
    }
}

/// One submitted job.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    /// What was submitted.
    pub(crate) submission: Submission,
    /// When it was submitted.
    pub(crate) created_at: SystemTime,
    /// How long it runs once a worker takes it.
    pub(crate) run_for: Duration,
    /// Where it is.
    pub(crate) state: JobState,
    /// When it became final (for expiry).
    finalized: Option<Instant>,
}

impl Job {
    /// Ends the job as it was decided at submit: failed (its cost given
    /// back) or succeeded.
    fn finish(&mut self, finished_at: SystemTime, now: Instant, account: &Account) {
        self.state = if self.submission.fails {
            account.refund(self.submission.cost.unwrap_or_default());
            JobState::Failed { finished_at }
        } else {
            JobState::Succeeded { finished_at }
        };
        self.finalized = Some(now);
    }
}

/// A job as submitted: whose, what for, and what was decided of it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Submission {
    /// A fingerprint of the token that submitted it (never the token).
    pub(crate) owner: u64,
    /// The model it was submitted to.
    pub(crate) model_id: String,
    /// The video length asked for, in seconds.
    pub(crate) video_secs: u32,
    /// Whether it fails instead of succeeding.
    pub(crate) fails: bool,
    /// What it was asked to do, for the admin listing.
    pub(crate) input: InputTag,
    /// What it was charged at submit (`None`: its model has no price).
    pub(crate) cost: Option<Cost>,
}

/// What the admin listing (`GET /_emulator/jobs`) shows of a job's input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct InputTag {
    /// SHA-256 (hex) of the input JSON, compact, keys in the order received.
    pub(crate) sha256: String,
    /// The prompt, when there is one.
    pub(crate) prompt: Option<String>,
    /// The decoded start image, the output's picture (`None`: the pattern).
    pub(crate) start: Option<std::sync::Arc<crate::video::Frame>>,
}

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
    free_workers: Vec<usize>,
    rng: StdRng,
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
}

impl Queue {
    /// A queue with `workers` workers; durations from `seed`, times
    /// `time_scale`; what failed and cancelled jobs cost goes back to `account`.
    pub(crate) fn new(
        workers: usize,
        time_scale: f64,
        seed: u64,
        ttl: Duration,
        max_jobs: usize,
        account: Arc<Account>,
    ) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(Inner {
                jobs: HashMap::new(),
                queue: VecDeque::new(),
                free_workers: (1..=workers.max(1)).rev().collect(),
                rng: StdRng::seed_from_u64(seed),
            }),
            wake: Notify::new(),
            time_scale: time_scale.max(0.0),
            ttl,
            max_jobs,
            account,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a job half-updated in a
        // way that matters more than stopping the emulator would.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Admits a job and queues it.
    pub(crate) fn submit(&self, id: String, submission: Submission) -> Result<(), Full> {
        let mut inner = self.lock();
        if inner.jobs.len() >= self.max_jobs {
            expire(&mut inner, self.ttl);
            if inner.jobs.len() >= self.max_jobs {
                return Err(Full {
                    max_jobs: self.max_jobs,
                });
            }
        }
        let run_for =
            realistic_run_time(&mut inner.rng, submission.video_secs).mul_f64(self.time_scale);
        let created_at = SystemTime::now();
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
            job.finish(created_at, Instant::now(), &self.account);
            inner.jobs.insert(id, job);
            return Ok(());
        }
        inner.jobs.insert(id.clone(), job);
        inner.queue.push_back(id);
        drop(inner);
        self.wake.notify_one();
        Ok(())
    }

    /// A job and, while it is queued, its position (1 = next).
    pub(crate) fn get(&self, id: &str) -> Option<(Job, Option<usize>)> {
        let inner = self.lock();
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

    /// Every job held (any state, any owner), oldest first.
    pub(crate) fn list(&self) -> Vec<(String, Job)> {
        let inner = self.lock();
        let mut jobs: Vec<(String, Job)> = inner
            .jobs
            .iter()
            .map(|(id, job)| (id.clone(), job.clone()))
            .collect();
        drop(inner);
        jobs.sort_by(|(a_id, a), (b_id, b)| (a.created_at, a_id).cmp(&(b.created_at, b_id)));
        jobs
    }

    /// Cancels a queued job; anything else is not cancellable.
    pub(crate) fn cancel(&self, id: &str) -> Option<(Cancelled, JobState)> {
        let mut inner = self.lock();
        let job = inner.jobs.get_mut(id)?;
        if job.state != JobState::Queued {
            return Some((Cancelled::NotCancellable, job.state.clone()));
        }
        job.state = JobState::Cancelled {
            at: SystemTime::now(),
        };
        job.finalized = Some(Instant::now());
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

    /// Runs the queue until the task is dropped: moves jobs onto free
    /// workers, finishes them when their time is up, expires old ones.
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

    /// One pass: finish what is due, start what can start, expire what is old.
    /// Returns the earliest end of a running job.
    fn step(&self) -> Option<Instant> {
        let now = Instant::now();
        let mut inner = self.lock();
        let Inner {
            jobs,
            queue,
            free_workers,
            ..
        } = &mut *inner;
        for job in jobs.values_mut() {
            if let JobState::Running { worker, ends } = job.state
                && ends <= now
            {
                job.finish(SystemTime::now(), now, &self.account);
                free_workers.push(worker);
            }
        }
        while let Some(worker) = free_workers.pop() {
            let Some(id) = queue.pop_front() else {
                free_workers.push(worker);
                break;
            };
            if let Some(job) = jobs.get_mut(&id) {
                job.state = JobState::Running {
                    worker,
                    ends: now + job.run_for,
                };
            } else {
                free_workers.push(worker);
            }
        }
        expire(&mut inner, self.ttl);
        inner
            .jobs
            .values()
            .filter_map(|job| match job.state {
                JobState::Running { ends, .. } => Some(ends),
                _ => None,
            })
            .min()
    }
}

fn expire(inner: &mut Inner, ttl: Duration) {
    let now = Instant::now();
    inner
        .jobs
        .retain(|_, job| job.finalized.is_none_or(|at| now.duration_since(at) < ttl));
}

/// `count` run times from the same seeded distribution the queue uses, for
/// benchmarks that must match the emulator's spread.
pub fn sample_run_times(seed: u64, count: usize, video_secs: u32) -> Vec<Duration> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count)
        .map(|_| realistic_run_time(&mut rng, video_secs))
        .collect()
}

/// Kling 1.6 Pro takes minutes: a log-normal around 4 minutes for a 5 s
/// video and 7 for a 10 s one, with a spread of about ±35%.
fn realistic_run_time(rng: &mut StdRng, video_secs: u32) -> Duration {
    let median_secs = if video_secs >= 10 { 420.0 } else { 240.0 };
    // Box-Muller: a standard normal from two uniforms.
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random_range(0.0..1.0);
    let normal = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
    Duration::from_secs_f64(median_secs * (0.3 * normal).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_seeded_and_minutes_long() {
        let draw = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..500)
                .map(|_| realistic_run_time(&mut rng, 5))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(3), draw(3));
        let mut times = draw(3);
        times.sort();
        let median = times[250].as_secs_f64();
        assert!((200.0..290.0).contains(&median), "median {median}");
        assert!(times[0].as_secs_f64() > 60.0 && times[499].as_secs_f64() < 900.0);
        let mut rng = StdRng::seed_from_u64(3);
        let ten: f64 = (0..200)
            .map(|_| realistic_run_time(&mut rng, 10).as_secs_f64())
            .sum::<f64>()
            / 200.0;
        assert!(ten > 350.0, "10 s videos take longer: {ten}");
    }

    #[tokio::test]
    async fn jobs_queue_run_and_finish_in_order_with_positions() {
        let queue = Queue::new(1, 0.0001, 1, Duration::from_secs(60), 100, Arc::default());
        for n in 0..3 {
            queue
                .submit(format!("job{n}"), job_of_owner_1(n == 2))
                .expect("room");
        }
        assert_eq!(queue.get("job2").map(|(_, p)| p), Some(Some(3)));
        let runner = tokio::spawn(queue.clone().run());
        tokio::time::sleep(Duration::from_millis(5)).await;
        // One worker: job0 runs, the others wait in order.
        assert!(matches!(
            queue.get("job0").map(|(j, _)| j.state),
            Some(JobState::Running { .. } | JobState::Succeeded { .. })
        ));
        let deadline = Instant::now() + Duration::from_secs(5);
        while !queue.get("job2").is_some_and(|(j, _)| j.state.is_final())
            && Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(matches!(
            queue.get("job1").map(|(j, _)| j.state),
            Some(JobState::Succeeded { .. })
        ));
        assert!(matches!(
            queue.get("job2").map(|(j, _)| j.state),
            Some(JobState::Failed { .. })
        ));
        runner.abort();
    }

    /// A 5 s job of owner 1 for model `m`, failing or not.
    fn job_of_owner_1(fails: bool) -> Submission {
        Submission {
            owner: 1,
            model_id: "m".into(),
            video_secs: 5,
            fails,
            ..Submission::default()
        }
    }

    /// Submits a 5 s job of owner 1 that succeeds.
    fn submit_plain(queue: &Queue, id: &str) -> Result<(), Full> {
        queue.submit(id.into(), job_of_owner_1(false))
    }

    #[test]
    fn only_queued_jobs_cancel_and_the_cap_holds() {
        let queue = Queue::new(1, 1.0, 1, Duration::from_secs(60), 2, Arc::default());
        submit_plain(&queue, "a").expect("room");
        submit_plain(&queue, "b").expect("room");
        assert_eq!(submit_plain(&queue, "c"), Err(Full { max_jobs: 2 }));
        queue.step();
        assert_eq!(
            queue.cancel("a").map(|(c, _)| c),
            Some(Cancelled::NotCancellable),
            "a is running"
        );
        assert_eq!(
            queue.cancel("b").map(|(c, _)| c),
            Some(Cancelled::Cancelled)
        );
        assert_eq!(
            queue.cancel("b").map(|(c, _)| c),
            Some(Cancelled::NotCancellable),
            "already cancelled"
        );
        assert_eq!(queue.cancel("zzz"), None);
    }

    #[test]
    fn finished_jobs_expire_after_the_ttl() {
        let queue = Queue::new(1, 1.0, 1, Duration::from_millis(20), 10, Arc::default());
        submit_plain(&queue, "a").expect("room");
        queue.cancel("a");
        assert!(queue.get("a").is_some());
        std::thread::sleep(Duration::from_millis(30));
        queue.step();
        assert!(queue.get("a").is_none());
        assert!(queue.is_empty());
    }
}
