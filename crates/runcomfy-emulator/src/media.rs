//! The output files: one MP4 per succeeded job, rendered on demand from a
//! seed derived from the request id (so every download of a job is
//! byte-identical and a resumed download fits), with HEAD and `Range`.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use bytes::Bytes;
use hyper::StatusCode;
use hyper::header::HeaderValue;

use crate::video::{Frame, VideoError, VideoSpec, render_mp4};

/// Rendered files, a few kept in memory.
#[derive(Debug, Default)]
pub(crate) struct Files {
    cache: Mutex<HashMap<String, Bytes>>,
}

/// How many rendered files are kept; the rest are rendered again on demand.
const CACHED_FILES: usize = 32;

impl Files {
    /// The MP4 of a job.
    pub(crate) fn get(&self, id: &str, video_secs: u32) -> Result<Bytes, VideoError> {
        if let Some(bytes) = self
            .cache
            .lock()
            .ok()
            .and_then(|cache| cache.get(id).cloned())
        {
            return Ok(bytes);
        }
        let mut hasher = DefaultHasher::new();
        id.hash(&mut hasher);
        let spec = VideoSpec::new(video_secs);
        let bytes = Bytes::from(render_mp4(
            &spec,
            &Frame::pattern(spec.width, spec.height, hasher.finish()),
        )?);
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHED_FILES {
                cache.clear();
            }
            cache.insert(id.to_owned(), bytes.clone());
        }
        Ok(bytes)
    }
}

/// A file answer: the whole file, a range of it, or just its headers.
#[derive(Debug)]
pub(crate) struct FileReply {
    /// 200, 206 or 416.
    pub(crate) status: StatusCode,
    /// The bytes to send (empty for HEAD and 416).
    pub(crate) body: Bytes,
    /// `Content-Range`, for 206 and 416.
    pub(crate) content_range: Option<String>,
    /// The `Content-Length` to announce.
    pub(crate) length: u64,
}

impl FileReply {
    /// Answers a GET or HEAD with an optional `Range: bytes=…` header (one range).
    pub(crate) fn new(file: Bytes, range: Option<&HeaderValue>, head_only: bool) -> Self {
        let total = file.len() as u64;
        let range = range
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_range(v, total));
        let (status, slice, content_range) = match range {
            None => (StatusCode::OK, file, None),
            Some(Err(())) => (
                StatusCode::RANGE_NOT_SATISFIABLE,
                Bytes::new(),
                Some(format!("bytes */{total}")),
            ),
            Some(Ok((start, end))) => (
                StatusCode::PARTIAL_CONTENT,
                file.slice(start as usize..=end as usize),
                Some(format!("bytes {start}-{end}/{total}")),
            ),
        };
        let length = slice.len() as u64;
        Self {
            status,
            body: if head_only { Bytes::new() } else { slice },
            content_range,
            length,
        }
    }
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n`: `None` when not a single byte range
/// (the whole file is sent), `Err` when it cannot be satisfied.
fn parse_range(value: &str, total: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().ok()?;
            if n == 0 {
                return Some(Err(()));
            }
            (total.saturating_sub(n), total.checked_sub(1)?)
        }
        (start, "") => (start.parse().ok()?, total.checked_sub(1)?),
        (start, end) => (
            start.parse().ok()?,
            end.parse::<u64>().ok()?.min(total.saturating_sub(1)),
        ),
    };
    Some(if start >= total || start > end {
        Err(())
    } else {
        Ok((start, end))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rfc_9110() {
        assert_eq!(parse_range("bytes=0-9", 100), Some(Ok((0, 9))));
        assert_eq!(parse_range("bytes=90-", 100), Some(Ok((90, 99))));
        assert_eq!(parse_range("bytes=-10", 100), Some(Ok((90, 99))));
        assert_eq!(parse_range("bytes=50-500", 100), Some(Ok((50, 99))));
        assert_eq!(parse_range("bytes=100-", 100), Some(Err(())));
        assert_eq!(parse_range("bytes=0-1,5-6", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
        let reply = FileReply::new(
            Bytes::from_static(b"0123456789"),
            Some(&HeaderValue::from_static("bytes=2-4")),
            false,
        );
        assert_eq!(
            (
                reply.status,
                &reply.body[..],
                reply.content_range.as_deref()
            ),
            (
                StatusCode::PARTIAL_CONTENT,
                &b"234"[..],
                Some("bytes 2-4/10")
            )
        );
        let head = FileReply::new(Bytes::from_static(b"0123456789"), None, true);
        assert_eq!(
            (head.status, head.body.len(), head.length),
            (StatusCode::OK, 0, 10)
        );
    }
}
