//! Downloads of a finished job's outputs (an MP4, an image…) into a directory.
//!
//! What this module guarantees:
//!
//! * Only `https` URLs, or plain `http` to a loopback host (127.0.0.0/8, `::1`,
//!   `localhost`), are fetched; anything else is an [`Error::Configuration`]
//!   before any request (and before any DNS lookup). User-info in the URL is
//!   removed before the request, so it never turns into an `Authorization`
//!   header, and no header is ever added. The [`reqwest::Client`] given to
//!   [`Downloader::new`] must not carry credentials either (output URLs are
//!   signed or public; the API token must never reach a file host).
//! * The body is streamed chunk by chunk into a hidden temporary file in the
//!   target directory (`.{name}.{random}.part`); memory stays flat whatever
//!   the size.
//! * The size is capped ([`DownloadOptions::max_bytes`]): an announced size
//!   over the cap fails before the body is read, a body that grows past it
//!   fails as soon as it does.
//! * A connection that drops mid-body (an error, or no byte for
//!   [`DownloadOptions::idle_timeout`]) is resumed with `Range: bytes=N-`
//!   (and `If-Range` when the first answer gave a validator), at most
//!   [`DownloadOptions::resume_attempts`] times per file. A `206` that starts
//!   where the file ends is appended; a `200` starts the file over.
//! * The file is moved into place only when complete (and of the announced
//!   size when one was announced). An existing file is never overwritten:
//!   the name gets ` (1)`, ` (2)`, … before its extension.
//! * On any error, and when the download future is dropped, the temporary
//!   file is removed.
//!
//! Errors name the URL without its query string, fragment or user-info
//! (a signed URL's query is a credential); the same goes for `tracing`
//! events. Which error means what:
//!
//! * [`Error::Configuration`]: the URL is not acceptable (nothing was sent).
//! * [`Error::Transport`]: the very first request failed before any answer
//!   (connection refused, DNS, TLS); the source error has its URL removed.
//!   A failure while resuming is counted as a failed resume instead.
//! * [`Error::Download`]: an HTTP error status, a size over the cap, a body
//!   that stayed short after every resume, an unusable `206`, no answer
//!   within the idle timeout, or a redirect to a URL that is not allowed.
//! * [`Error::Io`]: the directory or a file could not be created or written.

use std::fmt::Write as _;
use std::io::{ErrorKind, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

use percent_encoding::percent_decode_str;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::fs::{File, OpenOptions};
use url::Url;

use crate::{Error, Result};

/// Longest file name given to an output, in bytes (the extension is kept).
const MAX_NAME_BYTES: usize = 120;

/// Longest extension (with its dot) kept when a name is shortened.
const MAX_EXTENSION_BYTES: usize = 17;

/// The name of an output whose URL gives none.
const FALLBACK_NAME: &str = "output";

/// How many numbered names (`name (n).ext`) are tried before giving up.
const MAX_NUMBERED_NAMES: u32 = 10_000;

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

/// Downloads outputs. Holds a [`reqwest::Client`] that must NOT carry
/// credentials (no default `Authorization` header): output URLs are fetched
/// as they are.
#[derive(Debug, Clone)]
pub struct Downloader {
    http: reqwest::Client,
    options: DownloadOptions,
}

impl Downloader {
    /// A downloader using this client (without credentials) and these limits.
    pub fn new(http: reqwest::Client, options: DownloadOptions) -> Self {
        Self { http, options }
    }

    /// Streams one URL into `dir` (created if missing) and returns where it
    /// landed. The name comes from [`file_name_for`]; an existing file is
    /// never overwritten. `request_id` is the job the output belongs to, and
    /// is carried by the errors.
    pub async fn download(
        &self,
        url: &str,
        dir: &Path,
        request_id: Option<&str>,
    ) -> Result<DownloadedFile> {
        let target = Target::new(url, request_id)?;
        self.fetch(&target, dir).await
    }

    /// Several URLs into `dir`, one after the other; names are made unique
    /// among them and against files already there. Every URL is checked
    /// before the first request. The first failure ends the call; the files
    /// downloaded before it stay in `dir`.
    pub async fn download_all(
        &self,
        urls: &[String],
        dir: &Path,
        request_id: Option<&str>,
    ) -> Result<Vec<DownloadedFile>> {
        let targets = urls
            .iter()
            .map(|url| Target::new(url, request_id))
            .collect::<Result<Vec<_>>>()?;
        let mut files = Vec::with_capacity(targets.len());
        for target in &targets {
            files.push(self.fetch(target, dir).await?);
        }
        Ok(files)
    }

    async fn fetch(&self, target: &Target<'_>, dir: &Path) -> Result<DownloadedFile> {
        let name = file_name_for(&target.url);
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|source| Error::Io {
                path: dir.to_owned(),
                source,
            })?;
        let (file, temp) = create_temp(dir, &name).await?;
        // Declared before the writer, so the file is closed before it is removed.
        let mut litter = Litter(Some(temp.clone()));
        let mut writer = DiskWriter::new(file.into_std().await);
        let bytes = self.stream(target, &mut writer, &temp).await?;
        writer.finish().await.map_err(io_error(&temp))?;
        let path = place(&temp, dir, &name).await?;
        litter.0 = None;
        Ok(DownloadedFile {
            url: target.given.to_owned(),
            path,
            bytes,
        })
    }

    /// Fetches the whole body into `file`, resuming after drops; returns its size.
    async fn stream(&self, target: &Target<'_>, file: &mut DiskWriter, temp: &Path) -> Result<u64> {
        let mut progress = Progress::default();
        let mut resumes = 0;
        loop {
            let reason = match self
                .attempt(target, file, temp, &mut progress, resumes == 0)
                .await?
            {
                Step::Complete => break,
                Step::Dropped(reason) => reason,
            };
            if resumes >= self.options.resume_attempts {
                let of = progress
                    .expected
                    .map_or_else(|| "an unknown number of".to_owned(), |n| n.to_string());
                return Err(target.fail(format!(
                    "the connection dropped ({reason}); {} of {of} bytes arrived, \
                     giving up after {resumes} resume attempt(s)",
                    progress.written
                )));
            }
            resumes += 1;
            tracing::debug!(
                url = %target.shown,
                written = progress.written,
                expected = ?progress.expected,
                attempt = resumes,
                %reason,
                "download interrupted; resuming"
            );
            tokio::time::sleep(backoff(resumes)).await;
        }
        if let Some(expected) = progress.expected
            && progress.written != expected
        {
            return Err(target.fail(format!(
                "{} bytes arrived but {expected} were announced",
                progress.written
            )));
        }
        Ok(progress.written)
    }

    /// One request: its answer is appended (or starts the file over), up to
    /// the end of the body or a drop.
    async fn attempt(
        &self,
        target: &Target<'_>,
        file: &mut DiskWriter,
        temp: &Path,
        progress: &mut Progress,
        first: bool,
    ) -> Result<Step> {
        let idle = self.options.idle_timeout;
        let max = self.options.max_bytes;
        let ranged = progress.written > 0;
        let mut request = self.http.get(target.url.clone());
        if ranged {
            request = request.header(header::RANGE, format!("bytes={}-", progress.written));
            if let Some(validator) = &progress.validator {
                request = request.header(header::IF_RANGE, validator.clone());
            }
        }
        let mut response = match tokio::time::timeout(idle, request.send()).await {
            Ok(Ok(response)) => response,
            Ok(Err(error)) if first => {
                return Err(Error::Transport {
                    request_id: target.request_id.map(str::to_owned),
                    source: error.without_url(),
                });
            }
            Ok(Err(error)) => return Ok(Step::Dropped(describe(&error.without_url()))),
            Err(_) if first => {
                return Err(target.fail(format!("no answer within {idle:?}")));
            }
            Err(_) => return Ok(Step::Dropped(format!("no answer within {idle:?}"))),
        };
        if !allowed(response.url()) {
            return Err(target.fail(format!(
                "redirected to {}, which is neither https nor loopback http",
                shown(response.url())
            )));
        }

        let status = response.status();
        let headers = response.headers();
        if status == StatusCode::RANGE_NOT_SATISFIABLE && ranged {
            // The file may have ended exactly where the connection dropped.
            let total = content_range(headers).and_then(|range| range.total);
            if total == Some(progress.written)
                && progress.expected.is_none_or(|e| e == progress.written)
            {
                progress.expected = total;
                return Ok(Step::Complete);
            }
        }
        if !status.is_success() {
            let transient = status.is_server_error()
                || status == StatusCode::REQUEST_TIMEOUT
                || status == StatusCode::TOO_MANY_REQUESTS;
            if !first && transient {
                return Ok(Step::Dropped(format!("the server answered HTTP {status}")));
            }
            return Err(target.fail(format!("the server answered HTTP {status}")));
        }

        let length = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let (start, total) = if status == StatusCode::PARTIAL_CONTENT {
            let Some(ContentRange {
                range: Some((start, _)),
                total,
            }) = content_range(headers)
            else {
                return Err(target
                    .fail("the server answered 206 without a usable Content-Range".to_owned()));
            };
            (start, total)
        } else {
            (0, length)
        };

        if start == 0 {
            if progress.written > 0 {
                tracing::debug!(
                    url = %target.shown,
                    discarded = progress.written,
                    "the server sent the whole file again; starting over"
                );
                truncate(file, temp).await?;
                progress.written = 0;
            }
            progress.expected = total;
            progress.validator = validator(headers);
        } else if start != progress.written
            || total.zip(progress.expected).is_some_and(|(t, e)| t != e)
        {
            // Not the bytes that were asked for, or the file changed: start over.
            let reason = format!(
                "asked for bytes from {}, the server sent them from {start} (of {total:?}); starting over",
                progress.written
            );
            truncate(file, temp).await?;
            *progress = Progress::default();
            return Ok(Step::Dropped(reason));
        } else if total.is_some() {
            progress.expected = total;
        }
        if let Some(total) = progress.expected
            && total > max
        {
            return Err(target.fail(format!(
                "the file is {total} bytes, over the cap of {max} bytes (DownloadOptions::max_bytes)"
            )));
        }

        loop {
            let chunk = match tokio::time::timeout(idle, response.chunk()).await {
                Ok(Ok(Some(chunk))) => chunk,
                Ok(Ok(None)) => break,
                Ok(Err(error)) => return Ok(Step::Dropped(describe(&error.without_url()))),
                Err(_) => return Ok(Step::Dropped(format!("no data for {idle:?}"))),
            };
            let written = progress.written.saturating_add(chunk.len() as u64);
            if written > max {
                return Err(target.fail(format!(
                    "the body grew past the cap of {max} bytes (DownloadOptions::max_bytes)"
                )));
            }
            if let Some(expected) = progress.expected
                && written > expected
            {
                return Err(target.fail(format!(
                    "the server sent more than the {expected} bytes it announced"
                )));
            }
            file.write(chunk).await.map_err(io_error(temp))?;
            progress.written = written;
        }
        Ok(match progress.expected {
            Some(expected) if progress.written < expected => Step::Dropped(format!(
                "the body ended after {} of {expected} bytes",
                progress.written
            )),
            _ => Step::Complete,
        })
    }
}

/// The file name a URL gets: the last path segment, percent-decoded, cleaned
/// so that it cannot escape the directory or be special: no `/`, `\`, NUL,
/// control or bidirectional-override characters (nor `: * ? " < > |`, which
/// Windows refuses; each becomes `_`), not `.` or `..`, no leading dots
/// (hidden files) and no leading or trailing spaces or trailing dots, at most
/// 120 bytes (the extension is kept). A URL without a usable name gets
/// `output` (no extension is guessed).
///
/// ```
/// use runcomfy::download::file_name_for;
/// use url::Url;
///
/// let name = |u: &str| file_name_for(&Url::parse(u).expect("url"));
/// assert_eq!(name("https://cdn.example/files/abc/output.mp4?sig=x"), "output.mp4");
/// assert_eq!(name("https://cdn.example/a/..%2F..%2Fetc%2Fpasswd"), "_.._etc_passwd");
/// assert_eq!(name("https://cdn.example/a/.hidden"), "hidden");
/// assert_eq!(name("https://cdn.example/"), "output");
/// ```
pub fn file_name_for(url: &Url) -> String {
    let segment = url
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .unwrap_or("");
    clean_name(&percent_decode_str(segment).decode_utf8_lossy())
}

fn clean_name(raw: &str) -> String {
    let replaced: String = raw
        .chars()
        .map(|c| if forbidden(c) { '_' } else { c })
        .collect();
    let trimmed = trim_name(&replaced);
    let name = if trimmed.len() > MAX_NAME_BYTES {
        shorten(trimmed)
    } else {
        trimmed.to_owned()
    };
    if name.is_empty() {
        FALLBACK_NAME.to_owned()
    } else {
        name
    }
}

fn forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'
                // Bidirectional controls (they can disguise an extension) and zero-width ones.
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// No leading dots or spaces (hidden files, `.`, `..`), no trailing ones
/// (Windows drops them).
fn trim_name(name: &str) -> &str {
    name.trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace())
}

/// Cuts a (trimmed) name to [`MAX_NAME_BYTES`], keeping a short extension.
fn shorten(name: &str) -> String {
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 && name.len() - dot <= MAX_EXTENSION_BYTES => name.split_at(dot),
        _ => (name, ""),
    };
    let mut end = (MAX_NAME_BYTES - extension.len()).min(stem.len());
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    let stem = trim_name(&stem[..end]);
    format!("{stem}{extension}")
}

/// `name`, or `name (n).ext` for n > 0.
fn numbered(name: &str, n: u32) -> String {
    if n == 0 {
        return name.to_owned();
    }
    match name.rfind('.') {
        Some(dot) if dot > 0 => format!("{} ({n}){}", &name[..dot], &name[dot..]),
        _ => format!("{name} ({n})"),
    }
}

/// A URL that was checked, and how it is shown.
#[derive(Debug)]
struct Target<'a> {
    /// As given (for [`DownloadedFile::url`]).
    given: &'a str,
    /// What is requested: user-info and fragment removed.
    url: Url,
    /// What errors and logs show: no user-info, query or fragment.
    shown: String,
    request_id: Option<&'a str>,
}

impl<'a> Target<'a> {
    fn new(given: &'a str, request_id: Option<&'a str>) -> Result<Self> {
        let mut url = Url::parse(given).map_err(|error| {
            Error::Configuration(format!(
                "output URL {} is not a valid URL: {error}",
                shown_raw(given)
            ))
        })?;
        if !allowed(&url) {
            let why = match url.scheme() {
                "http" => "plain http is only allowed to a loopback host (127.0.0.0/8, ::1, localhost); use https".to_owned(),
                scheme => format!("the scheme {scheme:?} is not allowed; only https (or http to a loopback host)"),
            };
            return Err(Error::Configuration(format!(
                "output URL {} refused: {why}",
                shown(&url)
            )));
        }
        // Never sent: user-info would become an Authorization header.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.set_fragment(None);
        Ok(Self {
            given,
            shown: shown(&url),
            url,
            request_id,
        })
    }

    fn fail(&self, reason: String) -> Error {
        Error::Download {
            request_id: self.request_id.map(str::to_owned),
            url: self.shown.clone(),
            reason,
        }
    }
}

/// `https` anywhere, `http` only to loopback.
fn allowed(url: &Url) -> bool {
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => runcomfy_validate::media::is_loopback_host(url),
        _ => false,
    }
}

/// A URL without user-info, query or fragment: safe for errors and logs.
fn shown(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

/// The same for text that is not a URL: cut at `?` or `#`, user-info dropped.
fn shown_raw(raw: &str) -> String {
    let end = raw.find(['?', '#']).unwrap_or(raw.len());
    let raw = &raw[..end];
    let (scheme, rest) = raw.split_once("://").unwrap_or(("", raw));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let rest = match rest[..authority_end].rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    if scheme.is_empty() {
        rest.to_owned()
    } else {
        format!("{scheme}://{rest}")
    }
}

/// Where a download stands.
#[derive(Debug, Default)]
struct Progress {
    /// Bytes in the temporary file (handed to the writer).
    written: u64,
    /// The file's size, when the server said it.
    expected: Option<u64>,
    /// A strong `ETag` or the `Last-Modified` of the answer the file started
    /// with, for `If-Range`.
    validator: Option<HeaderValue>,
}

/// How one request ended.
#[derive(Debug)]
enum Step {
    /// The whole body is in the file.
    Complete,
    /// The connection dropped (or the answer was unusable) and may be resumed.
    Dropped(String),
}

/// `bytes first-last/total`, `bytes first-last/*` or `bytes */total`.
#[derive(Debug, PartialEq, Eq)]
struct ContentRange {
    range: Option<(u64, u64)>,
    total: Option<u64>,
}

fn content_range(headers: &HeaderMap) -> Option<ContentRange> {
    parse_content_range(headers.get(header::CONTENT_RANGE)?.to_str().ok()?)
}

fn parse_content_range(value: &str) -> Option<ContentRange> {
    let spec = value.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = spec.split_once('/')?;
    let total = match total.trim() {
        "*" => None,
        total => Some(total.parse().ok()?),
    };
    let range = match range.trim() {
        "*" => None,
        range => {
            let (first, last) = range.split_once('-')?;
            let (first, last): (u64, u64) = (first.trim().parse().ok()?, last.trim().parse().ok()?);
            if first > last || total.is_some_and(|t| last >= t) {
                return None;
            }
            Some((first, last))
        }
    };
    if range.is_none() && total.is_none() {
        return None;
    }
    Some(ContentRange { range, total })
}

/// A strong `ETag`, else `Last-Modified`.
fn validator(headers: &HeaderMap) -> Option<HeaderValue> {
    headers
        .get(header::ETAG)
        .filter(|etag| !etag.as_bytes().starts_with(b"W/"))
        .or_else(|| headers.get(header::LAST_MODIFIED))
        .cloned()
}

/// 100 ms, 200 ms, 400 ms … up to 1.6 s between resumes.
fn backoff(resume: u32) -> Duration {
    Duration::from_millis(100 << resume.saturating_sub(1).min(4))
}

/// An error and its sources, on one line.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(text, ": {cause}");
        source = cause.source();
    }
    text
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// Empties the temporary file, to start over.
async fn truncate(file: &mut DiskWriter, temp: &Path) -> Result<()> {
    file.truncate().await.map_err(io_error(temp))
}

/// What the disk thread is asked to do.
enum DiskOp {
    Write(bytes::Bytes),
    Truncate(tokio::sync::oneshot::Sender<std::io::Result<()>>),
    Finish(tokio::sync::oneshot::Sender<std::io::Result<()>>),
}

/// Writes the temporary file on a blocking thread, fed chunks through a
/// bounded channel: receiving and writing overlap, the bytes are not copied
/// again, and memory stays at most [`DISK_QUEUE`] chunks. A write error
/// surfaces on the next call.
struct DiskWriter {
    ops: tokio::sync::mpsc::Sender<DiskOp>,
    failed: std::sync::Arc<std::sync::Mutex<Option<std::io::Error>>>,
}

/// Chunks in flight to the disk thread.
const DISK_QUEUE: usize = 8;

impl DiskWriter {
    fn new(file: std::fs::File) -> Self {
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

    async fn write(&mut self, chunk: bytes::Bytes) -> std::io::Result<()> {
        if let Some(error) = self.failed.lock().ok().and_then(|mut slot| slot.take()) {
            return Err(error);
        }
        self.ops
            .send(DiskOp::Write(chunk))
            .await
            .map_err(|_| Self::stopped())
    }

    async fn truncate(&mut self) -> std::io::Result<()> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.ops
            .send(DiskOp::Truncate(reply))
            .await
            .map_err(|_| Self::stopped())?;
        answer.await.map_err(|_| Self::stopped())?
    }

    /// Writes what is queued, then flushes and syncs the file to disk, so a
    /// file renamed into place is complete even after a crash.
    async fn finish(self) -> std::io::Result<()> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.ops
            .send(DiskOp::Finish(reply))
            .await
            .map_err(|_| Self::stopped())?;
        answer.await.map_err(|_| Self::stopped())?
    }
}

/// A new hidden `.{name}.{random}.part` next to where the file will land.
async fn create_temp(dir: &Path, name: &str) -> Result<(File, PathBuf)> {
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
async fn place(temp: &Path, dir: &Path, name: &str) -> Result<PathBuf> {
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
struct Litter(Option<PathBuf>);

impl Drop for Litter {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges_parse() {
        let range = |first, last, total| ContentRange {
            range: Some((first, last)),
            total,
        };
        assert_eq!(
            parse_content_range("bytes 100-199/1000"),
            Some(range(100, 199, Some(1000)))
        );
        assert_eq!(
            parse_content_range("bytes 100-199/*"),
            Some(range(100, 199, None))
        );
        assert_eq!(
            parse_content_range("bytes */1000"),
            Some(ContentRange {
                range: None,
                total: Some(1000)
            })
        );
        assert_eq!(parse_content_range("bytes */*"), None);
        assert_eq!(parse_content_range("bytes 200-100/1000"), None);
        assert_eq!(parse_content_range("bytes 0-1000/1000"), None);
        assert_eq!(parse_content_range("items 0-1/2"), None);
    }

    #[test]
    fn only_https_or_loopback_http_is_allowed() {
        let ok = |u: &str| allowed(&Url::parse(u).expect("url"));
        assert!(ok("https://cdn.example/a.mp4"));
        assert!(ok("http://127.0.0.1:8080/a.mp4"));
        assert!(ok("http://127.9.9.9/a.mp4"));
        assert!(ok("http://[::1]/a.mp4"));
        assert!(ok("http://[::ffff:127.0.0.1]/a.mp4"));
        assert!(ok("http://LOCALHOST/a.mp4"));
        assert!(!ok("http://example.invalid/a.mp4"));
        assert!(!ok("http://10.0.0.1/a.mp4"));
        assert!(!ok("http://localhost.example/a.mp4"));
        assert!(!ok("ftp://127.0.0.1/a.mp4"));
        assert!(!ok("file:///etc/passwd"));
        assert!(!ok("data:video/mp4;base64,AAAA"));
    }

    #[test]
    fn urls_are_shown_without_secrets() {
        let url = Url::parse("https://u:p@cdn.example/a/b.mp4?X-Sig=secret#frag").expect("url");
        assert_eq!(shown(&url), "https://cdn.example/a/b.mp4");
        assert_eq!(
            shown_raw("https://u:p@cdn example/a?sig=secret"),
            "https://cdn example/a"
        );
        assert_eq!(shown_raw("not a url?sig=secret"), "not a url");
    }

    #[test]
    fn numbered_names_keep_the_extension() {
        assert_eq!(numbered("output.mp4", 0), "output.mp4");
        assert_eq!(numbered("output.mp4", 1), "output (1).mp4");
        assert_eq!(numbered("archive.tar.gz", 2), "archive.tar (2).gz");
        assert_eq!(numbered("output", 3), "output (3)");
    }

    #[test]
    fn backoff_grows_and_is_bounded() {
        assert_eq!(backoff(1), Duration::from_millis(100));
        assert_eq!(backoff(2), Duration::from_millis(200));
        assert_eq!(backoff(50), Duration::from_millis(1600));
    }
}
