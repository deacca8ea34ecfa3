//! The journal file: read back, then locked and appended to, fsync'd each time.
//!
//! It is read back whole (a torn last record dropped), then held open for
//! appending under an advisory lock, each record fsync'd before the step it
//! guards goes on. A run holds the lock from before its first submit to its
//! end; a second run on the same journal, or one that finds the journal
//! grown since it read it, stops with exit code 75 before sending anything.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::batch::record::Record;
use crate::exit::CliError;

/// The journal as found on disk.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    pub(crate) records: Vec<Record>,
    /// Its length as read.
    pub(crate) length: u64,
    /// The length to keep (a torn last record cut off).
    keep: u64,
    /// Whether a torn last record was found.
    pub(crate) torn: bool,
    /// Whether the last kept record lacks its newline.
    unterminated: bool,
}

/// Reads the journal at `path` (none yet is an empty one).
pub(crate) fn read_journal(path: &Path) -> Result<Loaded, CliError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Loaded::default()),
        Err(e) => {
            return Err(CliError::InputFile {
                path: path.to_owned(),
                reason: format!("cannot read the journal: {e}"),
            });
        }
    };
    let mut loaded = Loaded {
        length: bytes.len() as u64,
        ..Loaded::default()
    };
    // An unparsable record is fatal unless nothing but blank lines follows it.
    let mut bad: Option<(usize, String)> = None;
    let (mut start, mut number) = (0usize, 0usize);
    while start < bytes.len() {
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |at| start + at);
        let text = &bytes[start..end];
        number += 1;
        if !text.trim_ascii().is_empty() {
            if let Some((at, reason)) = bad.take() {
                return Err(CliError::InputFile {
                    path: path.to_owned(),
                    reason: format!(
                        "the journal is damaged: record {at} is not a journal record ({reason}); it was not written by an interrupted run, so it is not ignored"
                    ),
                });
            }
            match serde_json::from_slice::<Record>(text) {
                Ok(record) => {
                    loaded.records.push(record);
                    // Keep it with its newline; one cut off by a kill gets one on open.
                    loaded.unterminated = end == bytes.len();
                    loaded.keep = (if loaded.unterminated { end } else { end + 1 }) as u64;
                }
                Err(e) => bad = Some((number, e.to_string())),
            }
        }
        start = end + 1;
    }
    loaded.torn = bad.is_some();
    Ok(loaded)
}

/// The journal, open for appending.
pub(crate) struct Journal {
    path: PathBuf,
    file: Arc<Mutex<File>>,
}

impl Journal {
    /// Locks the journal read as `loaded`, drops its torn tail and ends its
    /// last record with a newline.
    pub(crate) fn open(path: &Path, loaded: &Loaded) -> Result<Self, CliError> {
        let fail = |e: std::io::Error| {
            CliError::Output(format!("cannot write the journal {}: {e}", path.display()))
        };
        let existed = path.exists();
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(fail)?;
        // Two runs on one journal would submit the same inputs twice: the
        // lock (advisory, held until this run ends) keeps a second one out
        // before it sends anything.
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(CliError::JournalBusy(format!(
                    "another `runcomfy batch` is using the journal {}: nothing was sent; run again once it has finished",
                    path.display()
                )));
            }
            Err(TryLockError::Error(e)) => return Err(fail(e)),
        }
        // Journals only grow (or lose a torn tail, under this lock): a
        // different length means another run wrote after this one read it.
        let length = file.metadata().map_err(fail)?.len();
        if length != loaded.length {
            return Err(CliError::JournalBusy(format!(
                "the journal {} changed while this run started (another run wrote to it): nothing was sent; run again",
                path.display()
            )));
        }
        if loaded.keep < loaded.length {
            file.set_len(loaded.keep).map_err(fail)?;
        }
        if loaded.unterminated {
            file.write_all(b"\n").map_err(fail)?;
        }
        file.sync_all().map_err(fail)?;
        if !existed {
            sync_dir(
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new(".")),
            );
        }
        Ok(Self {
            path: path.to_owned(),
            file: Arc::new(Mutex::new(file)),
        })
    }

    /// Appends one record and fsyncs it before returning.
    pub(crate) async fn append(&self, record: &Record) -> Result<(), CliError> {
        let fail = |e: std::io::Error| {
            CliError::Output(format!(
                "cannot write the journal {}: {e}",
                self.path.display()
            ))
        };
        let mut bytes = serde_json::to_vec(record).map_err(|e| fail(e.into()))?;
        bytes.push(b'\n');
        let file = self.file.clone();
        tokio::task::spawn_blocking(move || {
            let mut file = file
                .lock()
                .map_err(|_| std::io::Error::other("the journal lock is poisoned"))?;
            file.write_all(&bytes)?;
            file.flush()?;
            file.sync_all()
        })
        .await
        .map_err(std::io::Error::other)
        .and_then(|written| written)
        .map_err(fail)
    }
}

/// Makes a new entry of `dir` durable (best effort: not every platform can).
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_that_grew_after_it_was_read_is_not_taken_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inputs.jsonl.journal");
        let record = "{\"line\":1,\"event\":\"intent\",\"hash\":\"h\",\"model_id\":\"m\"}\n";
        std::fs::write(&path, record).expect("write");
        let loaded = read_journal(&path).expect("reads");
        assert_eq!(loaded.length, record.len() as u64);
        // Another run appends between this run's read and its lock.
        std::fs::write(&path, format!("{record}{record}")).expect("append");
        match Journal::open(&path, &loaded) {
            Err(CliError::JournalBusy(message)) => {
                assert!(
                    message.contains("changed while this run started"),
                    "{message}"
                );
            }
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("a grown journal was taken over"),
        }
        // Read again, it is taken, and held: a second open is refused.
        let loaded = read_journal(&path).expect("reads");
        let held = Journal::open(&path, &loaded).expect("opens");
        match Journal::open(&path, &loaded) {
            Err(CliError::JournalBusy(message)) => {
                assert!(message.contains("another `runcomfy batch`"), "{message}");
            }
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("one journal opened twice"),
        }
        drop(held);
        assert!(Journal::open(&path, &loaded).is_ok(), "free again");
    }
}
