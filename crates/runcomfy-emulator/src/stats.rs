//! Counts of what an emulator did ([`Stats`]), kept by the server and the
//! handlers and read by tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts of what the emulator did, for tests that must know (such as
/// "each input was submitted exactly once").
#[derive(Debug, Clone, Default)]
pub struct Stats {
    submits: Arc<AtomicU64>,
    downloads: Arc<AtomicU64>,
    requests: Arc<AtomicU64>,
}

impl Stats {
    pub(crate) fn submitted(&self) {
        self.submits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn downloaded(&self) {
        self.downloads.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn received(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Jobs accepted.
    pub fn submits(&self) -> u64 {
        self.submits.load(Ordering::Relaxed)
    }

    /// Output file answers (GET or HEAD).
    pub fn downloads(&self) -> u64 {
        self.downloads.load(Ordering::Relaxed)
    }

    /// Requests received.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}
