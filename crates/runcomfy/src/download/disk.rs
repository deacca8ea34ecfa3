//! The disk side of a download: a temporary file written on a blocking
//! thread, moved into place under a free name when complete, removed on
//! any error.

use std::io::{ErrorKind, SeekFrom};
use std::path::{Path, PathBuf};

use tokio::fs::{File, OpenOptions};

use crate::download::names::{MAX_NUMBERED_NAMES, numbered};
use crate::error::{Error, Result};

pub(crate) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// Empties the temporary file, to start over.
pub(crate) async fn truncate(file: &mut DiskWriter, temp: &Path) -> Result<()> {
    file.truncate().await.map_err(io_error(temp))
}

/// Where the disk thread replies to an operation the caller waits for.
type Reply = tokio::sync::oneshot::Sender<std::io::Result<()>>;

/// What the disk thread is asked to do.
enum DiskOp {
    Write(bytes::Bytes),
    Truncate(Reply),
    Finish(Reply),
}

/// Writes the temporary file on a blocking thread, fed chunks through a
/// bounded channel: receiving and writing overlap, the bytes are not copied
/// again, and memory stays at most [`DISK_QUEUE`] chunks. A write error
/// surfaces on the next call.
pub(crate) struct DiskWriter {
    ops: tokio::sync::mpsc::Sender<DiskOp>,
    failed: std::sync::Arc<std::sync::Mutex<Option<std::io::Error>>>,
}

/// Chunks in flight to the disk thread.
const DISK_QUEUE: usize = 8;

impl DiskWriter {
    pub(crate) fn new(file: std::fs::File) -> Self {
        let (ops, mut queue) = tokio::sync::mpsc::channel::<DiskOp>(DISK_QUEUE);
        let failed = std::sync::Arc::new(std::sync::Mutex::new(None));
        let report = failed.clone();
        tokio::task::spawn_blocking(move || {
            use std::io::{Seek as _, Write as _};
            let mut file = file;
            let mut error: Option<std::io::Error> = None;
            while let Some(op) = queue.blocking_recv() {
                match op {
                    DiskOp::Write(chunk) => {
                        if error.is_none()
                            && let Err(e) = file.write_all(&chunk)
                        {
                            if let Ok(mut slot) = report.lock() {
                                *slot = Some(std::io::Error::new(e.kind(), e.to_string()));
                            }
                            error = Some(e);
                        }
                    }
                    DiskOp::Truncate(reply) => {
                        let result = match error.take() {
                            Some(e) => Err(e),
                            None => file
                                .set_len(0)
                                .and_then(|()| file.seek(SeekFrom::Start(0)).map(|_| ())),
                        };
                        let _ = reply.send(result);
                    }
                    DiskOp::Finish(reply) => {
                        let result = match error.take() {
                            Some(e) => Err(e),
                            None => file.flush().and_then(|()| file.sync_all()),
                        };
                        let _ = reply.send(result);
                        return;
                    }
                }
            }
        });
        Self { ops, failed }
    }

    fn stopped() -> std::io::Error {
        std::io::Error::other("the disk writer stopped")
    }

    pub(crate) async fn write(&mut self, chunk: bytes::Bytes) -> std::io::Result<()> {
        if let Some(error) = self.failed.lock().ok().and_then(|mut slot| slot.take()) {
            return Err(error);
        }
        self.ops
            .send(DiskOp::Write(chunk))
            .await
            .map_err(|_| Self::stopped())
    }

    pub(crate) async fn truncate(&mut self) -> std::io::Result<()> {
        self.ask(DiskOp::Truncate).await
    }

    /// Writes what is queued, then flushes and syncs the file to disk, so a
    /// file renamed into place is complete even after a crash.
    pub(crate) async fn finish(self) -> std::io::Result<()> {
        self.ask(DiskOp::Finish).await
    }

    /// Queues the operation `op` makes of a reply channel, and waits for the
    /// disk thread's reply.
    async fn ask(&self, op: impl FnOnce(Reply) -> DiskOp) -> std::io::Result<()> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.ops
            .send(op(reply))
            .await
            .map_err(|_| Self::stopped())?;
        answer.await.map_err(|_| Self::stopped())?
    }
}

/// A new hidden `.{name}.{random}.part` next to where the file will land.
pub(crate) async fn create_temp(dir: &Path, name: &str) -> Result<(File, PathBuf)> {
    let mut tries = 0;
    loop {
        let path = dir.join(format!(".{name}.{:016x}.part", rand::random::<u64>()));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
        {
            Ok(file) => return Ok((file, path)),
            Err(error) if error.kind() == ErrorKind::AlreadyExists && tries < 8 => tries += 1,
            Err(source) => return Err(Error::Io { path, source }),
        }
    }
}

/// Moves the complete temporary file to the first free name among `name`,
/// `name (1).ext`, `name (2).ext`, …
///
/// The name is claimed with `create_new` (an atomic "create if absent"), so
/// an existing file is never replaced and two downloads running at once (in
/// this process or another) never pick the same name; the rename then
/// replaces the empty file this call just created. The remaining window:
/// between the two steps the name exists as an empty file, and if the
/// process dies there, that empty file stays. (A plain "exists? then rename"
/// could overwrite a file created in between; `rename` itself never refuses
/// to replace.)
pub(crate) async fn place(temp: &Path, dir: &Path, name: &str) -> Result<PathBuf> {
    for n in 0..MAX_NUMBERED_NAMES {
        let candidate = dir.join(numbered(name, n));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
            .await
        {
            Ok(claim) => {
                drop(claim);
                return match tokio::fs::rename(temp, &candidate).await {
                    Ok(()) => Ok(candidate),
                    Err(source) => {
                        let _ = tokio::fs::remove_file(&candidate).await;
                        Err(Error::Io {
                            path: candidate,
                            source,
                        })
                    }
                };
            }
            Err(error) if error.kind() == ErrorKind::AlreadyExists => {}
            Err(source) => {
                return Err(Error::Io {
                    path: candidate,
                    source,
                });
            }
        }
    }
    Err(Error::Io {
        path: dir.join(name),
        source: std::io::Error::new(
            ErrorKind::AlreadyExists,
            format!("{MAX_NUMBERED_NAMES} files with this name already exist"),
        ),
    })
}

/// Removes the temporary file when dropped, unless disarmed: on errors and
/// when the download future is dropped (a single blocking `unlink`).
pub(crate) struct Litter(pub(crate) Option<PathBuf>);

impl Drop for Litter {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}
