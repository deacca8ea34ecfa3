//! The HTTP steps of a probe: a `HEAD` when only the size is needed, a
//! ranged `GET` of an image's header bytes or the few ranged `GET`s that
//! find a video's MP4 header, and the size from `Content-Length` or
//! `Content-Range`, or at worst counted, never past the limit plus one byte.

use std::time::Duration;

use reqwest::header::{CONTENT_LENGTH, HeaderMap, RANGE};
use reqwest::{Client, Response, StatusCode};
use url::Url;

use super::error::MediaError;
use super::facts::{MediaFacts, Needs};
use super::kind::MediaKind;
use super::sniff::{not_an_image, sniff};
use super::video::{RangeRead, video_dimensions};
use crate::http::{ContentRange, request_url};
use crate::redact::url_with_secrets_masked;
use crate::text::innermost_reason;

/// Default bound on establishing a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Builds the default client; never panics.
pub(super) fn default_client() -> Result<Client, String> {
    // reqwest is built with `rustls-no-provider`: a process-wide provider must
    // exist before a client is built. An error only means one is installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .referer(false)
        .user_agent(concat!("runcomfy-validate/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| reqwest_reason(&e))
}

/// The probe of one URL.
pub(super) struct HttpProbe<'a> {
    client: &'a Client,
    /// What is requested: no user information, no fragment.
    target: Url,
    /// How messages name the URL.
    shown: String,
    /// How many leading bytes may be read for the dimensions.
    header_cap: usize,
}

/// The answer to the ranged `GET`, as far as its headers tell.
struct RangedAnswer {
    response: Response,
    /// `206`: the server honoured the range.
    partial: bool,
    /// The bytes served, when `Content-Range` said.
    served: Option<(u64, u64)>,
    /// The size of the whole file, when a header said.
    total: Option<u64>,
}

impl<'a> HttpProbe<'a> {
    pub(super) fn new(client: &'a Client, url: &Url, header_cap: usize) -> Self {
        Self {
            client,
            target: request_url(url),
            shown: url_with_secrets_masked(url),
            header_cap,
        }
    }

    /// Finds what `needs` asks for (at least one of the two is asked) about
    /// a file of `kind` (audio has no dimensions to ask for).
    pub(super) async fn probe(
        &self,
        kind: MediaKind,
        needs: Needs,
        size_limit: Option<u64>,
    ) -> Result<MediaFacts, MediaError> {
        if needs.dimensions && kind == MediaKind::Video {
            self.probe_video(needs, size_limit).await
        } else {
            self.probe_image(needs, size_limit).await
        }
    }

    /// A video's dimensions from its MP4 header, and its size from the
    /// ranged answers when they told it.
    async fn probe_video(
        &self,
        needs: Needs,
        size_limit: Option<u64>,
    ) -> Result<MediaFacts, MediaError> {
        let mut ranges = HttpRanges {
            probe: self,
            total: None,
        };
        let bound = self.header_cap as u64;
        let (width, height) = video_dimensions(&mut ranges, &self.shown, bound).await?;
        let size_bytes = match (needs.size, ranges.total) {
            (false, _) => None,
            (true, Some(total)) => Some(total),
            (true, None) => {
                let size = Needs {
                    dimensions: false,
                    size: true,
                };
                self.probe_image(size, size_limit).await?.size_bytes
            }
        };
        Ok(MediaFacts {
            width: Some(width),
            height: Some(height),
            size_bytes,
        })
    }

    /// An image's dimensions from its first bytes, and its size.
    async fn probe_image(
        &self,
        needs: Needs,
        size_limit: Option<u64>,
    ) -> Result<MediaFacts, MediaError> {
        // Size only: a HEAD is the cheapest way to learn it.
        if !needs.dimensions
            && let Some(size) = self.size_from_head().await?
        {
            return Ok(MediaFacts {
                size_bytes: Some(size),
                ..MediaFacts::default()
            });
        }
        let range_end = if needs.dimensions {
            self.header_cap.saturating_sub(1) as u64
        } else {
            0
        };
        let Some(mut answer) = self.ranged_get(range_end, needs).await? else {
            return Ok(MediaFacts {
                size_bytes: Some(0),
                ..MediaFacts::default()
            });
        };
        let mut facts = MediaFacts::default();
        let mut examined = 0;
        if needs.dimensions {
            let ((width, height), read) = self.read_dimensions(&mut answer.response).await?;
            facts.width = Some(width);
            facts.height = Some(height);
            examined = read;
        }
        if needs.size {
            facts.size_bytes = self.size(answer, examined, range_end, size_limit).await?;
        }
        Ok(facts)
    }

    /// The size from a `HEAD`'s `Content-Length`, when it gives a usable one.
    async fn size_from_head(&self) -> Result<Option<u64>, MediaError> {
        let head = self
            .client
            .head(self.target.clone())
            .send()
            .await
            .map_err(|e| self.fetch_error(&e))?;
        // No usable length, or HEAD refused (405, 403 on GET-only signed
        // URLs, …): the caller falls back to a ranged GET, whose status decides.
        if !head.status().is_success() {
            return Ok(None);
        }
        Ok(content_length(head.headers()).filter(|&n| n > 0))
    }

    /// `GET` with `Range: bytes={first}-{last}`: the answer and what its
    /// `Content-Range` says.
    async fn get_range(
        &self,
        first: u64,
        last: u64,
    ) -> Result<(Response, Option<ContentRange>), MediaError> {
        let response = self
            .client
            .get(self.target.clone())
            .header(RANGE, format!("bytes={first}-{last}"))
            .send()
            .await
            .map_err(|e| self.fetch_error(&e))?;
        let content_range = ContentRange::from_headers(response.headers());
        Ok((response, content_range))
    }

    /// `GET` with `Range: bytes=0-{range_end}`; `None` for an empty file.
    async fn ranged_get(
        &self,
        range_end: u64,
        needs: Needs,
    ) -> Result<Option<RangedAnswer>, MediaError> {
        let (response, content_range) = self.get_range(0, range_end).await?;
        let status = response.status();
        let (partial, served, total) = if status == StatusCode::PARTIAL_CONTENT {
            (
                true,
                content_range.and_then(|r| r.range),
                content_range.and_then(|r| r.total),
            )
        } else if status.is_success() {
            (false, None, content_length(response.headers()))
        } else if status == StatusCode::RANGE_NOT_SATISFIABLE
            && content_range.and_then(|r| r.total) == Some(0)
        {
            // An empty file: no byte range can be satisfied.
            if needs.dimensions {
                return Err(not_an_image(self.shown.clone(), &[]));
            }
            return Ok(None);
        } else {
            return Err(self.status_error(status));
        };
        Ok(Some(RangedAnswer {
            response,
            partial,
            served,
            total,
        }))
    }

    /// Reads the body until the dimensions are known; returns them and how
    /// many bytes were read. Fails when the header cap is reached or the body
    /// ends first.
    async fn read_dimensions(
        &self,
        response: &mut Response,
    ) -> Result<((u32, u32), u64), MediaError> {
        let mut head = Vec::new();
        while head.len() < self.header_cap {
            let Some(bytes) = response.chunk().await.map_err(|e| self.fetch_error(&e))? else {
                break;
            };
            head.extend_from_slice(&bytes);
            if let Some(dimensions) = sniff(&head) {
                return Ok((dimensions, head.len() as u64));
            }
        }
        Err(not_an_image(self.shown.clone(), &head))
    }

    /// The file's size: from the headers, from a short `206`, or counted up to
    /// `limit + 1` (`None` without a limit: never a whole download).
    async fn size(
        &self,
        answer: RangedAnswer,
        already_read: u64,
        range_end: u64,
        limit: Option<u64>,
    ) -> Result<Option<u64>, MediaError> {
        if answer.total.is_some() {
            return Ok(answer.total);
        }
        // `Content-Range: bytes 0-N/*` with fewer bytes than asked for:
        // the file ended at N.
        if answer.partial
            && let Some((0, end)) = answer.served
            && end < range_end
        {
            return Ok(Some(end + 1));
        }
        let Some(limit) = limit else {
            return Ok(None);
        };
        if answer.partial {
            // The ranged answer did not give the total: count a plain GET.
            drop(answer);
            return self.count_plain_get(limit).await.map(Some);
        }
        let mut response = answer.response;
        count_body(&mut response, already_read, limit)
            .await
            .map(Some)
            .map_err(|e| self.fetch_error(&e))
    }

    /// A plain `GET`'s `Content-Length`, or its body counted up to `limit + 1`.
    async fn count_plain_get(&self, limit: u64) -> Result<u64, MediaError> {
        let mut full = self
            .client
            .get(self.target.clone())
            .send()
            .await
            .map_err(|e| self.fetch_error(&e))?;
        let status = full.status();
        if !status.is_success() {
            return Err(self.status_error(status));
        }
        match content_length(full.headers()) {
            Some(len) if status != StatusCode::PARTIAL_CONTENT => Ok(len),
            _ => count_body(&mut full, 0, limit)
                .await
                .map_err(|e| self.fetch_error(&e)),
        }
    }

    fn fetch_error(&self, error: &reqwest::Error) -> MediaError {
        MediaError::Fetch {
            url: self.shown.clone(),
            reason: reqwest_reason(error),
        }
    }

    fn status_error(&self, status: StatusCode) -> MediaError {
        MediaError::HttpStatus {
            url: self.shown.clone(),
            status: status.as_u16(),
        }
    }
}

/// One URL read by ranges for a video's header: each read a `Range`
/// request; a server that ignores ranges is read through from the start,
/// but never further than the header cap.
struct HttpRanges<'p, 'c> {
    probe: &'p HttpProbe<'c>,
    /// The file's size, from the first answer that gave it.
    total: Option<u64>,
}

impl RangeRead for HttpRanges<'_, '_> {
    async fn read_at(&mut self, offset: u64, len: u64) -> Result<Vec<u8>, MediaError> {
        let probe = self.probe;
        let last = offset.saturating_add(len.saturating_sub(1));
        let (mut response, content_range) = probe.get_range(offset, last).await?;
        let status = response.status();
        let skip = if status == StatusCode::PARTIAL_CONTENT {
            self.total = self.total.or(content_range.and_then(|r| r.total));
            if content_range.and_then(|r| r.range).map(|(first, _)| first) != Some(offset) {
                return Err(MediaError::Fetch {
                    url: probe.shown.clone(),
                    reason: format!("the server did not answer the range from byte {offset}"),
                });
            }
            0
        } else if status.is_success() {
            self.total = self.total.or(content_length(response.headers()));
            offset
        } else if status == StatusCode::RANGE_NOT_SATISFIABLE {
            self.total = self.total.or(content_range.and_then(|r| r.total));
            return Ok(Vec::new());
        } else {
            return Err(probe.status_error(status));
        };
        if skip > probe.header_cap as u64 {
            return Err(MediaError::VideoHeaderNotFound {
                target: probe.shown.clone(),
                read: probe.header_cap as u64,
            });
        }
        read_span(&mut response, skip, len)
            .await
            .map_err(|e| probe.fetch_error(&e))
    }

    fn file_len(&self) -> Option<u64> {
        self.total
    }
}

/// The `len` bytes of a body that follow its first `skip` bytes (fewer if
/// it ends first); nothing after them is read.
async fn read_span(
    response: &mut Response,
    skip: u64,
    len: u64,
) -> Result<Vec<u8>, reqwest::Error> {
    let mut span = Vec::new();
    let mut seen: u64 = 0;
    while (span.len() as u64) < len {
        let Some(bytes) = response.chunk().await? else {
            break;
        };
        let start = usize::try_from(skip.saturating_sub(seen)).unwrap_or(usize::MAX);
        seen = seen.saturating_add(bytes.len() as u64);
        let wanted = usize::try_from(len).unwrap_or(usize::MAX) - span.len();
        if let Some(part) = bytes.get(start.min(bytes.len())..) {
            span.extend_from_slice(part.get(..wanted.min(part.len())).unwrap_or_default());
        }
    }
    Ok(span)
}

/// Reads the body on, counting, until it ends or more than `limit` bytes have
/// been seen. Returns at most `limit + 1`.
async fn count_body(
    response: &mut Response,
    already: u64,
    limit: u64,
) -> Result<u64, reqwest::Error> {
    let stop = limit.saturating_add(1);
    let mut seen = already;
    while seen < stop {
        match response.chunk().await? {
            Some(bytes) => seen = seen.saturating_add(bytes.len() as u64),
            None => break,
        }
    }
    Ok(seen.min(stop))
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// A concise reason for a reqwest error: the innermost cause's message.
fn reqwest_reason(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return "the request timed out".to_owned();
    }
    innermost_reason(err)
}
