//! What every handler shares ([`Api`]): the queue, the validators, the
//! accepted tokens, the output files, the prices and the balance, the words
//! answers use, and the addresses answers point to.

use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::sync::Arc;

use runcomfy_validate::{MediaProbe, Validators};

use crate::account::Account;
use crate::dialect::Dialect;
use crate::faults::FaultInjector;
use crate::jobs::Queue;
use crate::media::Files;
use crate::pricing::Price;
use crate::start::StartImages;
use crate::stats::Stats;

/// What the handlers share.
#[derive(Debug)]
pub(crate) struct Api {
    /// The queue.
    pub(crate) queue: Arc<Queue>,
    /// The validator of each known model, compiled once.
    pub(crate) validators: Validators,
    /// Probes media the emulator is allowed to fetch.
    pub(crate) probe: MediaProbe,
    /// `http://127.0.0.1:PORT`.
    pub(crate) origin: String,
    /// Accepted tokens (`None`: any non-empty one).
    pub(crate) tokens: Option<Vec<String>>,
    /// Largest accepted body.
    pub(crate) body_limit: usize,
    /// Keys the token fingerprints.
    pub(crate) fingerprint_key: RandomState,
    /// Decides job failures.
    pub(crate) faults: Arc<FaultInjector>,
    /// Output files.
    pub(crate) files: Files,
    /// Decoded start images, the still pictures of the output videos.
    pub(crate) start_images: StartImages,
    /// Counts of what happened.
    pub(crate) stats: Stats,
    /// The words and shapes answers use.
    pub(crate) dialect: Dialect,
    /// Each priced model's price, by model id.
    pub(crate) prices: BTreeMap<String, Price>,
    /// The balance jobs are charged to (shared with the queue, which gives
    /// back what failed jobs cost).
    pub(crate) account: Arc<Account>,
    /// Whether media is fetched from any http(s) URL, not only loopback ones.
    pub(crate) fetch_remote: bool,
}

impl Api {
    /// The URL of a request, which its status, result and cancel URLs extend.
    pub(crate) fn request_url(&self, id: &str) -> String {
        format!("{}/v1/requests/{id}", self.origin)
    }

    /// The URL of one of a succeeded request's files (`output.mp4`).
    pub(crate) fn file_url(&self, id: &str, name: &str) -> String {
        format!("{}/files/{id}/{name}", self.origin)
    }
}
