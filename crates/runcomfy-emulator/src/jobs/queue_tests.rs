//! The queue's behaviour: workers take jobs in order, positions are exact
//! while a queue builds up and drains, run times are the seeded draws,
//! only queued jobs cancel, the cap holds and finished jobs expire.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::EmulatorConfig;
use crate::durations::{Durations, Workload, run_times};
use crate::jobs::job::{JobState, Submission};
use crate::jobs::queue::{Cancelled, Full, Queue};
use crate::kind::OutputKind;
use crate::outputs::Render;

/// A queue of `workers` workers, `time_scale`, `job_ttl` and `max_jobs`,
/// seed 1, durations `durations`.
fn queue_of(
    workers: usize,
    time_scale: f64,
    durations: &str,
    job_ttl: Duration,
    max_jobs: usize,
) -> Arc<Queue> {
    let config = EmulatorConfig {
        workers,
        time_scale,
        seed: 1,
        durations: durations.parse().expect("durations"),
        job_ttl,
        max_jobs,
        ..EmulatorConfig::default()
    };
    Queue::new(&config, Arc::default())
}

/// A job of owner 1 for model `m` asking for `workload`, failing or not.
fn job_for(workload: Workload, fails: bool) -> Submission {
    Submission {
        owner: 1,
        model_id: "m".into(),
        render: Render::Video {
            secs: 5,
            width: 320,
            height: 180,
            start: None,
        },
        workload,
        fails,
        input: Default::default(),
        cost: None,
    }
}

/// A 5 s job of owner 1 for model `m`, failing or not.
fn job_of_owner_1(fails: bool) -> Submission {
    job_for(Workload::video(5), fails)
}

/// Submits a 5 s job of owner 1 that succeeds.
fn submit_plain(queue: &Queue, id: &str) -> Result<(), Full> {
    queue.submit(id.into(), job_of_owner_1(false))
}

#[tokio::test]
async fn jobs_queue_run_and_finish_in_order_with_positions() {
    let queue = queue_of(1, 0.0001, "by-kind", Duration::from_secs(60), 100);
    for n in 0..3 {
        queue
            .submit(format!("job{n}"), job_of_owner_1(n == 2))
            .expect("room");
    }
    // An idle worker takes the first job at its submit: two wait before
    // the third.
    assert_eq!(queue.get("job2").map(|(_, p)| p), Some(Some(2)));
    let runner = tokio::spawn(queue.clone().run());
    tokio::time::sleep(Duration::from_millis(5)).await;
    // One worker: job0 runs, the others wait in order.
    assert!(matches!(
        queue.get("job0").map(|(j, _)| j.state),
        Some(JobState::Running { .. } | JobState::Succeeded { .. })
    ));
    let deadline = Instant::now() + Duration::from_secs(5);
    while !queue.get("job2").is_some_and(|(j, _)| j.state.is_final()) && Instant::now() < deadline {
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

/// Where a job is at one moment, as a model of the queue computes it.
#[derive(Debug, PartialEq)]
enum Seen {
    Queued(usize),
    Running,
    Done,
}

#[test]
fn positions_are_exact_while_a_queue_builds_up_and_drains() {
    // Two workers, 3 s a job, one job a second: the queue grows by a job
    // every three seconds while jobs arrive, then drains.
    let queue = queue_of(2, 1.0, "uniform:3s..3s", Duration::from_secs(3600), 100);
    let epoch = Instant::now();
    let at = |secs: f64| epoch + Duration::from_secs_f64(secs);
    let arrivals: Vec<f64> = (0..12).map(f64::from).collect();
    // The model: first come, first served on the earliest free worker.
    let mut free = [0.0f64, 0.0];
    let starts: Vec<f64> = arrivals
        .iter()
        .map(|arrival| {
            let worker = usize::from(free[1] < free[0]);
            let start = arrival.max(free[worker]);
            free[worker] = start + 3.0;
            start
        })
        .collect();
    let expected = |job: usize, now: f64| {
        if now < starts[job] {
            Seen::Queued(1 + (0..job).filter(|j| starts[*j] > now).count())
        } else if now < starts[job] + 3.0 {
            Seen::Running
        } else {
            Seen::Done
        }
    };
    let mut longest = 0;
    for tick in 0..=90 {
        let now = f64::from(tick) * 0.5;
        if let Some(job) = arrivals.iter().position(|arrival| *arrival == now) {
            queue
                .submit_at(format!("job{job}"), job_of_owner_1(false), at(now))
                .expect("room");
        }
        for (job, _) in arrivals.iter().enumerate().filter(|(_, a)| **a <= now) {
            let (held, position) = queue.get_at(&format!("job{job}"), at(now)).expect("held");
            let seen = match (held.state, position) {
                (JobState::Queued, Some(position)) => Seen::Queued(position),
                (JobState::Running { .. }, None) => Seen::Running,
                (JobState::Succeeded { .. }, None) => Seen::Done,
                other => panic!("job{job} at {now} s: {other:?}"),
            };
            if let Seen::Queued(position) = seen {
                longest = longest.max(position);
            }
            assert_eq!(seen, expected(job, now), "job{job} at {now} s");
        }
    }
    assert!(longest >= 4, "the queue built up: {longest} deep at most");
    assert!(
        (0..12).all(|job| expected(job, 45.0) == Seen::Done),
        "and drained"
    );
}

#[test]
fn the_queue_runs_each_job_for_the_seeded_draw_times_the_scale() {
    let durations = "drift:from=10s,to=40s,over=10";
    let queue = queue_of(3, 0.5, durations, Duration::from_secs(3600), 100);
    let workloads: Vec<Workload> = (0..20)
        .map(|n| Workload {
            kind: [OutputKind::Video, OutputKind::Image, OutputKind::Audio][n % 3],
            requested_secs: Some(n as f64),
        })
        .collect();
    for (n, workload) in workloads.iter().enumerate() {
        queue
            .submit(format!("job{n}"), job_for(*workload, false))
            .expect("room");
    }
    let drawn = run_times(
        &durations.parse::<Durations>().expect("durations"),
        1,
        workloads,
    );
    for (n, draw) in drawn.iter().enumerate() {
        let (job, _) = queue.get(&format!("job{n}")).expect("held");
        assert_eq!(
            job.run_for,
            Duration::from_secs_f64(draw.as_secs_f64() * 0.5),
            "job{n}"
        );
    }
}

#[test]
fn only_queued_jobs_cancel_and_the_cap_holds() {
    let queue = queue_of(1, 1.0, "by-kind", Duration::from_secs(60), 2);
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
    let queue = queue_of(1, 1.0, "uniform:10ms..10ms", Duration::from_millis(20), 10);
    // The one worker runs another job for 10 ms, so that `a` waits and can
    // be cancelled; both have expired 50 ms later.
    submit_plain(&queue, "busy").expect("room");
    submit_plain(&queue, "a").expect("room");
    queue.cancel("a");
    assert!(queue.get("a").is_some());
    std::thread::sleep(Duration::from_millis(50));
    queue.step();
    assert!(queue.get("a").is_none());
    assert!(queue.is_empty());
}
