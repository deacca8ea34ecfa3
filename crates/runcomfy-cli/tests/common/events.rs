//! Waiting on a running batch's journal until its events say a moment has come.
//!
//! Then perhaps killing it there.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::common::batch::{Batch, TOKEN};

/// Each line's events, in order.
pub(crate) type Events = BTreeMap<u64, Vec<String>>;

/// Whether every line that has an intent also has its answer: killing now
/// cannot land between a submit and its record.
pub(crate) fn settled(events: &Events) -> bool {
    events
        .values()
        .all(|e| e.last().is_some_and(|last| last != "intent"))
}

pub(crate) fn count(events: &Events, event: &str) -> usize {
    events
        .values()
        .filter(|e| e.iter().any(|x| x == event))
        .count()
}

/// Waits (up to 20 s, else fails with `what`) until the journal's events
/// satisfy `ready`.
pub(crate) async fn wait_for_events(batch: &Batch, what: &str, ready: impl Fn(&Events) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready(&batch.events()) {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Line 1 has its intent journaled and nothing after it: its submit is under way.
pub(crate) fn only_intent_of_1(events: &Events) -> bool {
    events.get(&1).is_some_and(|e| e == &["intent"])
}

/// Starts the batch and kills it (SIGKILL) once `ready` holds at a settled
/// moment; returns whether it was killed (false: it finished first).
pub(crate) async fn kill_when(
    batch: &Batch,
    extra: &[&str],
    ready: impl Fn(&Events) -> bool,
) -> bool {
    let out = std::fs::File::create(batch.path("killed.out")).expect("out");
    let err = std::fs::File::create(batch.path("killed.err")).expect("err");
    let mut child = batch
        .command(extra)
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("spawns");
    let deadline = Instant::now() + Duration::from_secs(20);
    let killed = loop {
        if child.try_wait().expect("try_wait").is_some() {
            break false;
        }
        let events = batch.events();
        if ready(&events) && settled(&events) {
            child.kill().await.expect("kill -9");
            break true;
        }
        assert!(
            Instant::now() < deadline,
            "the batch neither finished nor got ready"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let _ = child.wait().await;
    for name in ["killed.out", "killed.err"] {
        assert!(
            !std::fs::read_to_string(batch.path(name))
                .unwrap_or_default()
                .contains(TOKEN),
            "the token leaked"
        );
    }
    killed
}
