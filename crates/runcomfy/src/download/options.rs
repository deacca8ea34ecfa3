//! What a download may do ([`DownloadOptions`]) and what it made
//! ([`DownloadedFile`]).

use std::path::PathBuf;
use std::time::Duration;

/// Limits and behaviour of downloads.
#[derive(Debug, Clone)]
pub struct DownloadOptions {
    /// Largest file accepted, in bytes; default 2 GiB, as the provider's CLI.
    pub max_bytes: u64,
    /// How many times a dropped connection is resumed (per file); default 5.
    pub resume_attempts: u32,
    /// How long without a byte (or without an answer) counts as a dropped
    /// connection; default 60 s.
    pub idle_timeout: Duration,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        Self {
            max_bytes: 2 * 1024 * 1024 * 1024,
            resume_attempts: 5,
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// A file on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadedFile {
    /// The URL as it was given.
    pub url: String,
    /// Where the file is: the directory given, joined with the file's name.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
}
