//! The output files of succeeded jobs (an MP4, images or a WAV, as the
//! job's [`Render`] says), rendered on demand from its start image, or
//! from a seed derived from the request id when there is none or it
//! cannot be read (either way every download of a file is byte-identical
//! and a resumed download fits), with HEAD and `Range`.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use std::io;

use bytes::Bytes;
use futures::Stream;
use hyper::StatusCode;
use hyper::header::HeaderValue;

use crate::outputs::{Render, StillError, WavError, render_still, render_wav};
use crate::video::{Frame, VideoError, VideoSpec, render_mp4};

/// Rendered files, a few kept in memory.
#[derive(Debug, Default)]
pub(crate) struct Files {
    cache: Mutex<HashMap<String, OutputFile>>,
    padding: u64,
}

/// How many rendered files are kept; the rest are rendered again on demand.
const CACHED_FILES: usize = 32;

/// Zeros for the padding, shared by every stream.
static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];

impl Files {
    /// Files padded to `padding` more bytes (a trailing MP4 `free` box,
    /// streamed, never held in memory), for large-download tests.
    pub(crate) fn new(padding: u64) -> Self {
        Self {
            cache: Mutex::default(),
            padding: if padding >= 8 {
                padding.min(u64::from(u32::MAX))
            } else {
                0
            },
        }
    }

    /// The `index`-th file of a job's output (0-based): its start image
    /// when there is one, else a pattern seeded by the id (and, for an
    /// image, the index: a video's or audio's files are all one file).
    pub(crate) fn get(
        &self,
        id: &str,
        index: u32,
        render: &Render,
    ) -> Result<OutputFile, OutputError> {
        let index = if matches!(render, Render::Image { .. }) {
            index
        } else {
            0
        };
        let key = format!("{id}/{index}");
        let cached = self
            .cache
            .lock()
            .ok()
            .and_then(|cache| cache.get(&key).cloned());
        if let Some(file) = cached {
            return Ok(file);
        }
        let mut hasher = DefaultHasher::new();
        id.hash(&mut hasher);
        let file = self.render(render, hasher.finish().wrapping_add(u64::from(index)))?;
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHED_FILES {
                cache.clear();
            }
            cache.insert(key, file.clone());
        }
        Ok(file)
    }

    /// A file of `render`, its pattern (when it has no picture) from `seed`.
    fn render(&self, render: &Render, seed: u64) -> Result<OutputFile, OutputError> {
        Ok(match render {
            Render::Video {
                secs,
                width,
                height,
                start,
            } => {
                let spec = VideoSpec {
                    width: *width,
                    height: *height,
                    ..VideoSpec::new(*secs)
                };
                let mut bytes = match start {
                    Some(frame) => render_mp4(&spec, frame)?,
                    None => render_mp4(&spec, &Frame::pattern(spec.width, spec.height, seed))?,
                };
                if self.padding > 0 {
                    // A top-level `free` box: size (u32, header included), type.
                    bytes.extend((self.padding as u32).to_be_bytes());
                    bytes.extend(b"free");
                }
                OutputFile {
                    head: Bytes::from(bytes),
                    zeros: self.padding.saturating_sub(8),
                }
            }
            Render::Image {
                width,
                height,
                format,
                source,
                ..
            } => OutputFile {
                head: Bytes::from(render_still(
                    *width,
                    *height,
                    *format,
                    source.as_deref(),
                    seed,
                )?),
                zeros: 0,
            },
            Render::Audio { secs, sample_rate } => {
                let wav = render_wav(*secs, *sample_rate, seed)?;
                OutputFile {
                    head: Bytes::from(wav.head),
                    zeros: wav.silence,
                }
            }
        })
    }
}

/// Why an output file could not be rendered: its writer's words.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OutputError {
    /// The video writer refused.
    #[error(transparent)]
    Video(#[from] VideoError),
    /// The image writer refused.
    #[error(transparent)]
    Image(#[from] StillError),
    /// The WAV writer refused.
    #[error(transparent)]
    Audio(#[from] WavError),
}

/// An output file: rendered bytes, then (when padded) zeros.
#[derive(Debug, Clone)]
pub(crate) struct OutputFile {
    head: Bytes,
    zeros: u64,
}

impl OutputFile {
    fn len(&self) -> u64 {
        self.head.len() as u64 + self.zeros
    }

    /// The file's size and SHA-256 (hex), as a download would see it.
    pub(crate) fn digest(&self) -> (u64, String) {
        let mut context = ring::digest::Context::new(&ring::digest::SHA256);
        context.update(&self.head);
        let mut zeros = self.zeros;
        while zeros > 0 {
            let n = zeros.min(ZEROS.len() as u64);
            context.update(&ZEROS[..n as usize]);
            zeros -= n;
        }
        (self.len(), hex::encode(context.finish()))
    }

    /// Bytes `start..=end`, in chunks, without holding the file.
    pub(crate) fn stream(
        &self,
        start: u64,
        end: u64,
    ) -> impl Stream<Item = Result<Bytes, io::Error>> + Send + 'static {
        let head = self.head.clone();
        futures::stream::unfold(start, move |position| {
            let head = head.clone();
            async move {
                if position > end {
                    return None;
                }
                let head_len = head.len() as u64;
                if position < head_len {
                    let stop = (end + 1).min(head_len);
                    return Some((Ok(head.slice(position as usize..stop as usize)), stop));
                }
                let n = (end + 1 - position).min(ZEROS.len() as u64);
                Some((Ok(Bytes::from_static(&ZEROS[..n as usize])), position + n))
            }
        })
    }
}

/// A file answer: the whole file, a range of it, or just its headers.
#[derive(Debug)]
pub(crate) struct FileReply {
    /// 200, 206 or 416.
    pub(crate) status: StatusCode,
    /// The file and the inclusive range to send (none for HEAD and 416).
    pub(crate) body: Option<(OutputFile, u64, u64)>,
    /// `Content-Range`, for 206 and 416.
    pub(crate) content_range: Option<String>,
    /// The `Content-Length` to announce.
    pub(crate) length: u64,
}

impl FileReply {
    /// Answers a GET or HEAD with an optional `Range: bytes=…` header (one range).
    pub(crate) fn new(file: OutputFile, range: Option<&HeaderValue>, head_only: bool) -> Self {
        let total = file.len();
        let range = range
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_range(v, total));
        let (status, span, content_range) = match range {
            None => (
                StatusCode::OK,
                total.checked_sub(1).map(|end| (0, end)),
                None,
            ),
            Some(Err(())) => (
                StatusCode::RANGE_NOT_SATISFIABLE,
                None,
                Some(format!("bytes */{total}")),
            ),
            Some(Ok((start, end))) => (
                StatusCode::PARTIAL_CONTENT,
                Some((start, end)),
                Some(format!("bytes {start}-{end}/{total}")),
            ),
        };
        let length = span.map_or(0, |(start, end)| end - start + 1);
        let body = if head_only {
            None
        } else {
            span.map(|(start, end)| (file, start, end))
        };
        Self {
            status,
            body,
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
        let padded = OutputFile {
            head: Bytes::from_static(b"0123456789"),
            zeros: 5,
        };
        let reply = FileReply::new(
            padded.clone(),
            Some(&HeaderValue::from_static("bytes=8-11")),
            false,
        );
        assert_eq!(
            (reply.status, reply.length, reply.content_range.as_deref()),
            (StatusCode::PARTIAL_CONTENT, 4, Some("bytes 8-11/15"))
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let streamed: Vec<u8> = runtime.block_on(async {
            use futures::StreamExt as _;
            let chunks: Vec<Bytes> = padded
                .stream(8, 11)
                .map(|chunk| chunk.expect("chunk"))
                .collect()
                .await;
            chunks.concat()
        });
        assert_eq!(streamed, b"89\0\0", "the head, then zeros");
        let (size, sha256) = padded.digest();
        assert_eq!(size, 15);
        assert_eq!(
            sha256,
            hex::encode(ring::digest::digest(
                &ring::digest::SHA256,
                b"0123456789\0\0\0\0\0"
            )),
            "the digest covers the padding"
        );
        let head = FileReply::new(padded, None, true);
        assert_eq!(
            (head.status, head.body.is_none(), head.length),
            (StatusCode::OK, true, 15)
        );
    }
}
