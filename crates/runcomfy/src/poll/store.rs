//! [`RunTimeStore`]: a model's learned run times kept across processes, one
//! small file a model in a directory (the CLI uses the user's cache
//! directory), so that the second `run` of a model polls as well as the
//! tenth job of a batch.
//!
//! Each file holds at most [`RunTimeStore::KEEP`] run times. Writers merge
//! under an advisory lock and replace the file by a rename, so concurrent
//! processes never leave a torn file; a file that does not read (torn by a
//! crash of another program, edited by hand, of another version) counts as
//! empty and is replaced at the next write. Nothing here ever fails a wait:
//! a store that cannot be read or written is only not learned from.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What one model's file holds.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    model_id: String,
    /// Run times in seconds, oldest first.
    runs: Vec<f64>,
}

/// A directory of learned run times, a file a model.
#[derive(Debug, Clone)]
pub struct RunTimeStore {
    dir: PathBuf,
}

impl RunTimeStore {
    /// The most run times a model's file keeps.
    pub const KEEP: usize = 64;

    /// A store in `dir` (created when first written).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The run times stored for `model_id`, oldest first (none when the file
    /// is missing or does not read).
    pub fn load(&self, model_id: &str) -> Vec<f64> {
        read(&self.file(model_id), model_id)
    }

    /// Adds `secs` to the model's file, keeping the last [`Self::KEEP`];
    /// gives up silently when the directory cannot be written.
    pub fn append(&self, model_id: &str, secs: f64) {
        if !(secs.is_finite() && secs > 0.0) || std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let path = self.file(model_id);
        // Another process may be merging too: one at a time, each on what
        // the last one wrote.
        let Ok(lock) = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(false)
            .open(path.with_extension("lock"))
        else {
            return;
        };
        if lock.lock().is_err() {
            return;
        }
        let mut runs = read(&path, model_id);
        runs.push(secs);
        let excess = runs.len().saturating_sub(Self::KEEP);
        runs.drain(..excess);
        let stored = Stored {
            model_id: model_id.to_owned(),
            runs,
        };
        let _ = replace(&path, &stored);
        let _ = lock.unlock();
    }

    /// The model's file: its id with `/` as `__` and anything unusual as
    /// `_`, so one directory holds every model.
    fn file(&self, model_id: &str) -> PathBuf {
        let name: String = model_id
            .replace('/', "__")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .take(200)
            .collect();
        self.dir.join(format!("{name}.json"))
    }
}

/// The runs of a model's file, or none when it is missing, torn or another
/// model's.
fn read(path: &Path, model_id: &str) -> Vec<f64> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    match serde_json::from_str::<Stored>(&text) {
        Ok(stored) if stored.model_id == model_id => {
            let mut runs: Vec<f64> = stored
                .runs
                .into_iter()
                .filter(|s| s.is_finite() && *s > 0.0)
                .collect();
            let excess = runs.len().saturating_sub(RunTimeStore::KEEP);
            runs.drain(..excess);
            runs
        }
        _ => Vec::new(),
    }
}

/// Writes `stored` to a temporary file beside `path`, then renames it over.
fn replace(path: &Path, stored: &Stored) -> std::io::Result<()> {
    let temporary = path.with_extension(format!("{}.tmp", std::process::id()));
    let mut file = File::create(&temporary)?;
    file.write_all(&serde_json::to_vec(stored).map_err(std::io::Error::other)?)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_survive_the_process_bounded_and_per_model() {
        let dir = tempfile::tempdir().expect("dir");
        let store = RunTimeStore::new(dir.path().join("poll"));
        assert!(store.load("kling/kling-1-6/pro/image-to-video").is_empty());
        for i in 0..(RunTimeStore::KEEP + 10) {
            store.append("kling/kling-1-6/pro/image-to-video", 100.0 + i as f64);
        }
        store.append("other/model", 5.0);
        let again = RunTimeStore::new(dir.path().join("poll"));
        let runs = again.load("kling/kling-1-6/pro/image-to-video");
        assert_eq!(runs.len(), RunTimeStore::KEEP, "bounded");
        assert_eq!(
            runs.last(),
            Some(&(100.0 + (RunTimeStore::KEEP + 9) as f64))
        );
        assert_eq!(again.load("other/model"), [5.0]);
        assert!(again.load("m/x").is_empty());
    }

    #[test]
    fn a_corrupt_file_counts_as_empty_and_is_replaced() {
        let dir = tempfile::tempdir().expect("dir");
        let store = RunTimeStore::new(dir.path());
        std::fs::write(store.file("m"), b"{\"model_id\": \"m\", \"runs\": [1.0, ").expect("write");
        assert!(store.load("m").is_empty());
        store.append("m", 7.0);
        assert_eq!(store.load("m"), [7.0]);
        std::fs::write(store.file("m"), br#"{"model_id": "n", "runs": [1.0]}"#).expect("write");
        assert!(store.load("m").is_empty(), "another model's file");
    }

    #[test]
    fn concurrent_writers_never_tear_the_file() {
        let dir = tempfile::tempdir().expect("dir");
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let store = RunTimeStore::new(dir.path());
                std::thread::spawn(move || {
                    for i in 0..20 {
                        store.append("m", f64::from(t * 100 + i + 1));
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("joined");
        }
        let runs = RunTimeStore::new(dir.path()).load("m");
        assert_eq!(
            runs.len(),
            RunTimeStore::KEEP,
            "every merge saw the last write"
        );
    }

    #[test]
    fn an_unwritable_directory_is_not_learned_from_but_never_fails() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").expect("write");
        let store = RunTimeStore::new(file.join("poll"));
        store.append("m", 3.0);
        assert!(store.load("m").is_empty());
    }
}
