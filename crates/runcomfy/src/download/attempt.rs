//! One request of a download: asked with `Range` when part of the file is
//! there, its answer checked (status, where its bytes start, the size), its
//! body appended to the temporary file until it ends or drops.

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use runcomfy_validate::http::ContentRange;
use runcomfy_validate::text::error_chain;

use crate::download::disk::{DiskWriter, io_error, truncate};
use crate::download::options::DownloadOptions;
use crate::download::target::{Target, allowed, shown};
use crate::error::{Error, Result};

/// Where a download stands.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    /// Bytes in the temporary file (handed to the writer).
    pub(crate) written: u64,
    /// The file's size, when the server said it.
    pub(crate) expected: Option<u64>,
    /// A strong `ETag` or the `Last-Modified` of the answer the file started
    /// with, for `If-Range`.
    validator: Option<HeaderValue>,
}

/// How one request ended.
#[derive(Debug)]
pub(crate) enum Step {
    /// The whole body is in the file.
    Complete,
    /// The connection dropped (or the answer was unusable) and may be resumed.
    Dropped(String),
}

/// One request: its answer is appended (or starts the file over), up to the
/// end of the body or a drop. `first` is the download's first request, whose
/// failures are errors rather than drops to resume.
pub(crate) async fn attempt(
    http: &reqwest::Client,
    options: &DownloadOptions,
    target: &Target<'_>,
    file: &mut DiskWriter,
    temp: &Path,
    progress: &mut Progress,
    first: bool,
) -> Result<Step> {
    let response = match send(http, options.idle_timeout, target, progress, first).await? {
        Ok(response) => response,
        Err(dropped) => return Ok(dropped),
    };
    if !allowed(response.url()) {
        return Err(target.fail(format!(
            "redirected to {}, which is neither https nor loopback http",
            shown(response.url())
        )));
    }
    if let Some(step) = answer_without_body(&response, target, progress, first)? {
        return Ok(step);
    }
    if let Some(step) = position(&response, target, file, temp, progress).await? {
        return Ok(step);
    }
    if let Some(total) = progress.expected
        && total > options.max_bytes
    {
        return Err(target.fail(format!(
            "the file is {total} bytes, over the cap of {} bytes (DownloadOptions::max_bytes)",
            options.max_bytes
        )));
    }
    receive(response, options, target, file, temp, progress).await
}

/// Sends the request (ranged from what is written); `Err(step)` when it
/// dropped before an answer and may be resumed.
async fn send(
    http: &reqwest::Client,
    idle: Duration,
    target: &Target<'_>,
    progress: &Progress,
    first: bool,
) -> Result<std::result::Result<reqwest::Response, Step>> {
    let mut request = http.get(target.url.clone());
    if progress.written > 0 {
        request = request.header(header::RANGE, format!("bytes={}-", progress.written));
        if let Some(validator) = &progress.validator {
            request = request.header(header::IF_RANGE, validator.clone());
        }
    }
    match tokio::time::timeout(idle, request.send()).await {
        Ok(Ok(response)) => Ok(Ok(response)),
        Ok(Err(error)) if first => Err(Error::Transport {
            request_id: target.request_id.map(str::to_owned),
            source: error.without_url(),
        }),
        Ok(Err(error)) => Ok(Err(Step::Dropped(error_chain(&error.without_url())))),
        Err(_) if first => Err(target.fail(format!("no answer within {idle:?}"))),
        Err(_) => Ok(Err(Step::Dropped(format!("no answer within {idle:?}")))),
    }
}

/// An answer that carries no bytes to write: a 416 that says the file was
/// complete, or an error status (a drop to resume, after the first request,
/// when it is transient).
fn answer_without_body(
    response: &reqwest::Response,
    target: &Target<'_>,
    progress: &mut Progress,
    first: bool,
) -> Result<Option<Step>> {
    let status = response.status();
    if status == StatusCode::RANGE_NOT_SATISFIABLE && progress.written > 0 {
        // The file may have ended exactly where the connection dropped.
        let total = ContentRange::from_headers(response.headers()).and_then(|range| range.total);
        if total == Some(progress.written)
            && progress.expected.is_none_or(|e| e == progress.written)
        {
            progress.expected = total;
            return Ok(Some(Step::Complete));
        }
    }
    if status.is_success() {
        return Ok(None);
    }
    let transient = status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS;
    if !first && transient {
        return Ok(Some(Step::Dropped(format!(
            "the server answered HTTP {status}"
        ))));
    }
    Err(target.fail(format!("the server answered HTTP {status}")))
}

/// Where the answer's bytes start: from 0 (the file starts over), or where
/// the file ends (appended); anything else starts over after a drop.
async fn position(
    response: &reqwest::Response,
    target: &Target<'_>,
    file: &mut DiskWriter,
    temp: &Path,
    progress: &mut Progress,
) -> Result<Option<Step>> {
    let headers = response.headers();
    let (start, total) = if response.status() == StatusCode::PARTIAL_CONTENT {
        let Some(ContentRange {
            range: Some((start, _)),
            total,
        }) = ContentRange::from_headers(headers)
        else {
            return Err(
                target.fail("the server answered 206 without a usable Content-Range".to_owned())
            );
        };
        (start, total)
    } else {
        let length = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
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
    } else if start != progress.written || total.zip(progress.expected).is_some_and(|(t, e)| t != e)
    {
        // Not the bytes that were asked for, or the file changed: start over.
        let reason = format!(
            "asked for bytes from {}, the server sent them from {start} (of {total:?}); starting over",
            progress.written
        );
        truncate(file, temp).await?;
        *progress = Progress::default();
        return Ok(Some(Step::Dropped(reason)));
    } else if total.is_some() {
        progress.expected = total;
    }
    Ok(None)
}

/// Appends the body to the file until it ends, drops or goes past a limit.
async fn receive(
    mut response: reqwest::Response,
    options: &DownloadOptions,
    target: &Target<'_>,
    file: &mut DiskWriter,
    temp: &Path,
    progress: &mut Progress,
) -> Result<Step> {
    let (idle, max) = (options.idle_timeout, options.max_bytes);
    loop {
        let chunk = match tokio::time::timeout(idle, response.chunk()).await {
            Ok(Ok(Some(chunk))) => chunk,
            Ok(Ok(None)) => break,
            Ok(Err(error)) => return Ok(Step::Dropped(error_chain(&error.without_url()))),
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

/// A strong `ETag`, else `Last-Modified`.
fn validator(headers: &HeaderMap) -> Option<HeaderValue> {
    headers
        .get(header::ETAG)
        .filter(|etag| !etag.as_bytes().starts_with(b"W/"))
        .or_else(|| headers.get(header::LAST_MODIFIED))
        .cloned()
}

/// 100 ms, 200 ms, 400 ms … up to 1.6 s between resumes.
pub(crate) fn backoff(resume: u32) -> Duration {
    Duration::from_millis(100 << resume.saturating_sub(1).min(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_bounded() {
        assert_eq!(backoff(1), Duration::from_millis(100));
        assert_eq!(backoff(2), Duration::from_millis(200));
        assert_eq!(backoff(50), Duration::from_millis(1600));
    }
}
