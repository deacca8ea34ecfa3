//! Facts about one media reference: pixel dimensions and size in bytes.
//!
//! The provider's input schema puts media rules on image URL fields (minimum
//! width and height, maximum file size, aspect ratio). Evaluating those rules
//! is done elsewhere; this module only finds the *facts* they need about one
//! reference, which may be an `http(s)://` URL, a `data:` URI, a `file://` URL
//! or a local path.
//!
//! What this module must never do:
//!
//! - **Never download more than it needs.** Dimensions come from the first
//!   bytes of the file (at most the header cap, 256 KiB by default, read
//!   incrementally and abandoned as soon as the dimensions are known). Sizes
//!   come from `Content-Length`, `Content-Range` or file metadata; only when
//!   none of those is available is the body counted, and then never past the
//!   caller's size limit plus one byte. `data:` URIs are measured from their
//!   base64 length and only a prefix is decoded.
//! - **Never send credentials.** No `Authorization` header is set, user
//!   information embedded in a URL (`https://user:pass@host/…`) is stripped
//!   before the request is made, and the default client sends no `Referer`.
//! - **Never print or log.** Errors are returned, never written anywhere, and
//!   their messages never contain a `data:` payload, URL user information or
//!   the values of signature-like query parameters.
//! - **Never hang.** Every probe is bounded by a timeout (30 s by default).

use std::error::Error as _;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, HeaderMap, RANGE};
use tokio::io::AsyncReadExt as _;
use url::Url;

/// Default number of leading bytes read to find an image's dimensions.
const DEFAULT_HEADER_CAP: usize = 256 * 1024;
/// Default bound on one whole probe.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default bound on establishing a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Read size used for local files.
const FILE_READ_CHUNK: usize = 16 * 1024;

/// Base64 engines that accept missing padding and non-zero trailing bits.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// What is known about one media file. `None` = not determined (not needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MediaFacts {
    /// Width in pixels.
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
    /// Size of the file in bytes. When it had to be counted against a size
    /// limit, a value greater than the limit means "larger than the limit"
    /// (the count stops at limit + 1).
    pub size_bytes: Option<u64>,
}

/// What the caller needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    /// Width and height are needed.
    pub dimensions: bool,
    /// The size in bytes is needed.
    pub size: bool,
}

/// Where a media file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaSource {
    /// An `http` or `https` URL.
    Http(Url),
    /// An inline `data:` URI.
    Data(DataUri),
    /// A local file (from a `file://` URL or a plain path).
    File(PathBuf),
}

impl MediaSource {
    /// Classifies a media reference.
    ///
    /// `"https://…"`/`"http://…"` become [`MediaSource::Http`], `"data:…"`
    /// becomes [`MediaSource::Data`], `"file:///…"` becomes
    /// [`MediaSource::File`]. A reference that looks like a URL with another
    /// scheme (`ftp://…`, `s3://…`) is rejected; anything else is treated as a
    /// local path. Prefixes are matched case-insensitively.
    pub fn parse(reference: &str) -> Result<MediaSource, MediaError> {
        if reference.is_empty() {
            return Err(MediaError::InvalidReference {
                reference: String::new(),
                reason: "it is empty".to_owned(),
            });
        }
        if starts_with_ignore_case(reference, "http:")
            || starts_with_ignore_case(reference, "https:")
        {
            // `http:foo` is a URI (and passes the synchronous checks), but
            // no URL the service fetches: never read it as a local path.
            if !(starts_with_ignore_case(reference, "http://")
                || starts_with_ignore_case(reference, "https://"))
            {
                return Err(MediaError::InvalidReference {
                    reference: redact_raw(reference),
                    reason: "it is not a valid URL (`//` and a host must follow the scheme)"
                        .to_owned(),
                });
            }
            let url = Url::parse(reference).map_err(|e| MediaError::InvalidReference {
                reference: redact_raw(reference),
                reason: format!("it is not a valid URL ({e})"),
            })?;
            if url.host_str().is_none_or(str::is_empty) {
                return Err(MediaError::InvalidReference {
                    reference: redact_raw(reference),
                    reason: "the URL has no host".to_owned(),
                });
            }
            return Ok(MediaSource::Http(url));
        }
        if starts_with_ignore_case(reference, "data:") {
            return DataUri::parse(reference).map(MediaSource::Data);
        }
        if starts_with_ignore_case(reference, "file:") {
            let url = Url::parse(reference).map_err(|e| MediaError::InvalidReference {
                reference: redact_raw(reference),
                reason: format!("it is not a valid file URL ({e})"),
            })?;
            let path = url
                .to_file_path()
                .map_err(|()| MediaError::InvalidReference {
                    reference: redact_raw(reference),
                    reason: "only file URLs for the local machine are supported".to_owned(),
                })?;
            return Ok(MediaSource::File(path));
        }
        if let Some(scheme) = url_like_scheme(reference) {
            // A long "scheme" is pasted text, not a name: quote its start only.
            let mut scheme = scheme.to_ascii_lowercase();
            if scheme.len() > crate::rules::MAX_QUOTED_SCHEME {
                scheme.truncate(crate::rules::MAX_QUOTED_SCHEME);
                scheme.push('…');
            }
            return Err(MediaError::UnsupportedScheme { scheme });
        }
        Ok(MediaSource::File(PathBuf::from(reference)))
    }
}

impl fmt::Display for MediaSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaSource::Http(url) => f.write_str(&display_url(url)),
            MediaSource::Data(data) => write!(
                f,
                "data: URI ({}, {} bytes)",
                data.mime_type(),
                data.decoded_len()
            ),
            MediaSource::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A parsed `data:` URI. The payload text is kept and decoded lazily.
///
/// For base64 payloads the stored text is normalised at parse time
/// (percent-escapes decoded, whitespace removed) and checked to be base64, so
/// [`DataUri::decoded_len`] is exact and cheap.
#[derive(Clone, PartialEq, Eq)]
pub struct DataUri {
    mime_type: String,
    base64: bool,
    payload: String,
}

impl DataUri {
    /// Parses `data:[<mediatype>][;base64],<data>` (RFC 2397).
    ///
    /// A missing media type means `text/plain`. A base64 payload may use the
    /// standard or the URL-safe alphabet, with or without padding.
    pub fn parse(s: &str) -> Result<DataUri, MediaError> {
        if !starts_with_ignore_case(s, "data:") {
            return Err(MediaError::MalformedDataUri {
                reason: "it does not start with \"data:\"",
            });
        }
        let rest = &s["data:".len()..];
        let Some((header, payload)) = rest.split_once(',') else {
            return Err(MediaError::MalformedDataUri {
                reason: "there is no ',' before the payload",
            });
        };
        let mut params = header.split(';');
        let mime = params.next().unwrap_or_default().trim();
        let mime_type = if mime.is_empty() {
            "text/plain".to_owned()
        } else {
            mime.to_owned()
        };
        // `;base64` is the last parameter, never the media type itself.
        let base64 = params
            .next_back()
            .is_some_and(|last| last.trim().eq_ignore_ascii_case("base64"));
        let payload = if base64 {
            normalise_base64(payload)?
        } else {
            payload.to_owned()
        };
        Ok(DataUri {
            mime_type,
            base64,
            payload,
        })
    }

    /// The media type, e.g. `image/png` (without parameters).
    pub fn mime_type(&self) -> &str {
        &self.mime_type
    }

    /// Number of bytes the payload decodes to, computed from the base64 length
    /// and padding (or by counting percent-decoded bytes for a non-base64
    /// payload) without decoding it.
    pub fn decoded_len(&self) -> u64 {
        if self.base64 {
            let chars = self.payload.trim_end_matches('=').len() as u64;
            chars / 4 * 3 + (chars % 4) * 3 / 4
        } else {
            percent_encoding::percent_decode_str(&self.payload).count() as u64
        }
    }

    /// The payload's bytes, when it decodes to at most `max_bytes` (`None`
    /// beyond that, or when it is not valid base64).
    pub fn decode(&self, max_bytes: u64) -> Option<Vec<u8>> {
        if self.decoded_len() > max_bytes {
            return None;
        }
        let len = usize::try_from(self.decoded_len()).ok()?;
        self.decode_prefix(len).ok()
    }

    /// Decodes at most `max_bytes` bytes from the start of the payload.
    fn decode_prefix(&self, max_bytes: usize) -> Result<Vec<u8>, MediaError> {
        if !self.base64 {
            return Ok(percent_encoding::percent_decode_str(&self.payload)
                .take(max_bytes)
                .collect());
        }
        let body = self.payload.trim_end_matches('=');
        let want_chars = max_bytes.div_ceil(3).saturating_mul(4);
        // The payload is ASCII (checked at parse time), so any byte index is a
        // char boundary; a shorter prefix has a length that is a multiple of 4.
        let prefix = body.get(..want_chars).unwrap_or(body);
        let engine = if self.payload.contains(['-', '_']) {
            &URL_SAFE_LENIENT
        } else {
            &STANDARD_LENIENT
        };
        let mut bytes = engine
            .decode(prefix)
            .map_err(|_| MediaError::InvalidBase64)?;
        bytes.truncate(max_bytes);
        Ok(bytes)
    }
}

impl fmt::Debug for DataUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataUri")
            .field("mime_type", &self.mime_type)
            .field("base64", &self.base64)
            .field("payload_chars", &self.payload.len())
            .field("decoded_len", &self.decoded_len())
            .finish()
    }
}

/// Why the facts about a media reference could not be found.
///
/// Every message is one sentence naming the URL, path or `data:` URI (never
/// its payload) and what went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// The reference is neither a usable URL nor a usable path.
    #[error("\"{reference}\" is not a usable media reference: {reason}")]
    InvalidReference {
        /// The reference, with URL user information and query values removed.
        reference: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The reference is a URL whose scheme is not supported.
    #[error("unsupported URL scheme \"{scheme}\" (expected http, https, data or file)")]
    UnsupportedScheme {
        /// The scheme, lowercased (its first 32 characters and `…` when
        /// longer).
        scheme: String,
    },
    /// A `data:` URI does not have the `data:[<mediatype>][;base64],<data>` shape.
    #[error("data: URI is malformed: {reason}")]
    MalformedDataUri {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A `data:` URI says `;base64` but its payload is not base64.
    #[error("data: URI is not valid base64")]
    InvalidBase64,
    /// The HTTP client could not be built (e.g. TLS set-up failed).
    #[error("could not set up the HTTP client: {reason}")]
    Client {
        /// Why.
        reason: String,
    },
    /// The request could not be sent or the body could not be read.
    #[error("could not fetch {url}: {reason}")]
    Fetch {
        /// The URL (credentials removed).
        url: String,
        /// The underlying reason, e.g. `Connection refused`.
        reason: String,
    },
    /// The server answered with a status other than 2xx.
    #[error("{url} answered HTTP {}", status_text(*status))]
    HttpStatus {
        /// The URL (credentials removed).
        url: String,
        /// The HTTP status code.
        status: u16,
    },
    /// The probe did not finish in time.
    #[error("timed out after {after:?} fetching {target}")]
    Timeout {
        /// The URL, path or `data:` URI description.
        target: String,
        /// The configured timeout.
        after: Duration,
    },
    /// A local file could not be read.
    #[error("{}: {}", path.display(), io_reason(source))]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// No known image header was found.
    #[error("{target} is not an image (no known image header in the first {examined} bytes)")]
    NotAnImage {
        /// The URL, path or `data:` URI description.
        target: String,
        /// How many leading bytes were examined.
        examined: u64,
    },
    /// The file looks like an image but its dimensions were not within the
    /// bytes examined (e.g. a truncated file or huge metadata before the
    /// frame header).
    #[error(
        "{target} looks like a {format} image but its dimensions were not found in the first {examined} bytes"
    )]
    DimensionsNotFound {
        /// The URL, path or `data:` URI description.
        target: String,
        /// The detected format, e.g. `JPEG`.
        format: String,
        /// How many leading bytes were examined.
        examined: u64,
    },
}

/// Probes media references. Cheap to clone (shares one [`reqwest::Client`]).
#[derive(Debug, Clone)]
pub struct MediaProbe {
    /// The HTTP client, or why it could not be built, made on the first HTTP
    /// probe (loading TLS roots costs milliseconds that files and `data:` URIs
    /// never need). A build failure is only reported when an HTTP reference is
    /// probed, so [`MediaProbe::new`] never fails or panics.
    client: std::sync::Arc<std::sync::OnceLock<Result<reqwest::Client, String>>>,
    timeout: Duration,
    header_cap: usize,
}

impl Default for MediaProbe {
    fn default() -> Self {
        Self::new()
    }
}

impl MediaProbe {
    /// A probe with its own HTTP client (connect timeout 10 s, no `Referer`,
    /// system proxy settings honoured), a whole-probe timeout of 30 s and a
    /// header cap of 256 KiB.
    ///
    /// Installs the `ring` rustls crypto provider as the process default if no
    /// provider is installed yet. This never panics: if the client cannot be
    /// built, the error is returned by [`MediaProbe::probe`] for HTTP
    /// references.
    pub fn new() -> Self {
        Self {
            client: std::sync::Arc::default(),
            timeout: DEFAULT_TIMEOUT,
            header_cap: DEFAULT_HEADER_CAP,
        }
    }

    /// A probe that uses the given client (with the default timeout and header
    /// cap). The client is used as is: do not configure credentials (default
    /// headers) on it.
    pub fn with_client(client: reqwest::Client) -> Self {
        Self {
            client: std::sync::Arc::new(std::sync::OnceLock::from(Ok(client))),
            timeout: DEFAULT_TIMEOUT,
            header_cap: DEFAULT_HEADER_CAP,
        }
    }

    /// Sets the bound on one whole probe (connecting, reading, counting).
    pub fn with_timeout(self, timeout: Duration) -> Self {
        Self { timeout, ..self }
    }

    /// Sets how many leading bytes may be read to find the dimensions
    /// (at least 1).
    pub fn with_header_cap(self, bytes: usize) -> Self {
        Self {
            header_cap: bytes.max(1),
            ..self
        }
    }

    /// Finds what `needs` asks for about `source`.
    ///
    /// Dimensions are read from at most the header cap's worth of leading
    /// bytes. The size comes from file metadata, the `data:` payload length,
    /// or `Content-Length`/`Content-Range`. When the size is needed and none
    /// of those gives it, the body is counted up to `size_limit + 1` bytes and
    /// `size_bytes = Some(n)` is reported, where `n > size_limit` means "larger
    /// than the limit"; nothing more is read. Without a `size_limit` such a
    /// size stays `None` rather than downloading the whole body.
    ///
    /// If nothing is needed, nothing is read and empty facts are returned.
    pub async fn probe(
        &self,
        source: &MediaSource,
        needs: Needs,
        size_limit: Option<u64>,
    ) -> Result<MediaFacts, MediaError> {
        if !needs.dimensions && !needs.size {
            return Ok(MediaFacts::default());
        }
        let work = async {
            match source {
                MediaSource::Http(url) => self.probe_http(url, needs, size_limit).await,
                MediaSource::Data(data) => self.probe_data(data, source, needs),
                MediaSource::File(path) => self.probe_file(path, needs).await,
            }
        };
        match tokio::time::timeout(self.timeout, work).await {
            Ok(result) => result,
            Err(_elapsed) => Err(MediaError::Timeout {
                target: source.to_string(),
                after: self.timeout,
            }),
        }
    }

    fn probe_data(
        &self,
        data: &DataUri,
        source: &MediaSource,
        needs: Needs,
    ) -> Result<MediaFacts, MediaError> {
        let mut facts = MediaFacts::default();
        if needs.size {
            facts.size_bytes = Some(data.decoded_len());
        }
        if needs.dimensions {
            let head = data.decode_prefix(self.header_cap)?;
            let (width, height) =
                sniff(&head).ok_or_else(|| not_an_image(source.to_string(), &head))?;
            facts.width = Some(width);
            facts.height = Some(height);
        }
        Ok(facts)
    }

    async fn probe_file(&self, path: &Path, needs: Needs) -> Result<MediaFacts, MediaError> {
        let io_err = |source: io::Error| MediaError::Io {
            path: path.to_owned(),
            source,
        };
        let mut facts = MediaFacts::default();
        let metadata = tokio::fs::metadata(path).await.map_err(io_err)?;
        if metadata.is_dir() {
            return Err(io_err(io::Error::from(io::ErrorKind::IsADirectory)));
        }
        if needs.size {
            facts.size_bytes = Some(metadata.len());
        }
        if needs.dimensions {
            let mut file = tokio::fs::File::open(path).await.map_err(io_err)?;
            let mut head = Vec::new();
            let mut chunk = vec![0_u8; FILE_READ_CHUNK.min(self.header_cap)];
            let mut dimensions = None;
            while head.len() < self.header_cap {
                let want = chunk.len().min(self.header_cap - head.len());
                let Some(buf) = chunk.get_mut(..want) else {
                    break;
                };
                let n = file.read(buf).await.map_err(io_err)?;
                let Some(read) = chunk.get(..n).filter(|r| !r.is_empty()) else {
                    break;
                };
                head.extend_from_slice(read);
                dimensions = sniff(&head);
                if dimensions.is_some() {
                    break;
                }
            }
            let (width, height) =
                dimensions.ok_or_else(|| not_an_image(path.display().to_string(), &head))?;
            facts.width = Some(width);
            facts.height = Some(height);
        }
        Ok(facts)
    }

    async fn probe_http(
        &self,
        url: &Url,
        needs: Needs,
        size_limit: Option<u64>,
    ) -> Result<MediaFacts, MediaError> {
        let client = self
            .client
            .get_or_init(default_client)
            .as_ref()
            .map_err(|reason| MediaError::Client {
                reason: reason.clone(),
            })?;
        let shown = display_url(url);
        let target = request_url(url);
        let fetch_err = |e: reqwest::Error| MediaError::Fetch {
            url: shown.clone(),
            reason: reqwest_reason(&e),
        };
        let mut facts = MediaFacts::default();

        // Size only: a HEAD is the cheapest way to learn it.
        if !needs.dimensions {
            let head = client
                .head(target.clone())
                .send()
                .await
                .map_err(fetch_err)?;
            if head.status().is_success()
                && let Some(len) = content_length(head.headers()).filter(|&n| n > 0)
            {
                facts.size_bytes = Some(len);
                return Ok(facts);
            }
            // No usable length, or HEAD refused (405, 403 on GET-only signed
            // URLs, …): fall back to a ranged GET, whose status decides.
        }

        let range_end = if needs.dimensions {
            self.header_cap.saturating_sub(1) as u64
        } else {
            0
        };
        let mut response = client
            .get(target.clone())
            .header(RANGE, format!("bytes=0-{range_end}"))
            .send()
            .await
            .map_err(fetch_err)?;
        let status = response.status();
        let (partial, served_range, mut total) = if status == StatusCode::PARTIAL_CONTENT {
            let range = content_range(response.headers());
            (true, range.range, range.total)
        } else if status.is_success() {
            (false, None, content_length(response.headers()))
        } else if status == StatusCode::RANGE_NOT_SATISFIABLE
            && content_range(response.headers()).total == Some(0)
        {
            // An empty file: no byte range can be satisfied.
            if needs.dimensions {
                return Err(not_an_image(shown, &[]));
            }
            facts.size_bytes = Some(0);
            return Ok(facts);
        } else {
            return Err(MediaError::HttpStatus {
                url: shown,
                status: status.as_u16(),
            });
        };

        let mut head = Vec::new();
        let mut ended = false;
        if needs.dimensions {
            let mut dimensions = None;
            while head.len() < self.header_cap {
                match response.chunk().await.map_err(fetch_err)? {
                    Some(bytes) => {
                        head.extend_from_slice(&bytes);
                        dimensions = sniff(&head);
                        if dimensions.is_some() {
                            break;
                        }
                    }
                    None => {
                        ended = true;
                        break;
                    }
                }
            }
            let (width, height) = dimensions.ok_or_else(|| not_an_image(shown.clone(), &head))?;
            facts.width = Some(width);
            facts.height = Some(height);
        }

        if needs.size {
            if total.is_none() && partial {
                // `Content-Range: bytes 0-N/*` with fewer bytes than asked for:
                // the file ended at N.
                if let Some((0, end)) = served_range
                    && end < range_end
                {
                    total = Some(end + 1);
                }
            }
            if total.is_none() && !partial && ended {
                total = Some(head.len() as u64);
            }
            if total.is_none()
                && let Some(limit) = size_limit
            {
                total = Some(if partial {
                    // The ranged answer did not give the total: count a plain GET.
                    drop(response);
                    let mut full = client.get(target).send().await.map_err(fetch_err)?;
                    let status = full.status();
                    if !status.is_success() {
                        return Err(MediaError::HttpStatus {
                            url: shown,
                            status: status.as_u16(),
                        });
                    }
                    match content_length(full.headers()) {
                        Some(len) if status != StatusCode::PARTIAL_CONTENT => len,
                        _ => count_body(&mut full, 0, limit).await.map_err(fetch_err)?,
                    }
                } else {
                    count_body(&mut response, head.len() as u64, limit)
                        .await
                        .map_err(fetch_err)?
                });
            }
            facts.size_bytes = total;
        }
        Ok(facts)
    }
}

/// Whether a URL's host is this machine: `localhost`, 127.0.0.0/8, `::1`,
/// or an IPv4-mapped loopback address. The one definition of "loopback" for
/// the client's base URL, its downloads and the emulator's media fetches.
pub fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => std::net::IpAddr::V6(ip).to_canonical().is_loopback(),
        None => false,
    }
}

/// Builds the default client; never panics.
fn default_client() -> Result<reqwest::Client, String> {
    // reqwest is built with `rustls-no-provider`: a process-wide provider must
    // exist before a client is built. An error only means one is installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .referer(false)
        .user_agent(concat!("runcomfy-validate/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| reqwest_reason(&e))
}

/// Reads the body on, counting, until it ends or more than `limit` bytes have
/// been seen. Returns at most `limit + 1`.
async fn count_body(
    response: &mut reqwest::Response,
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

/// Width and height, if `head` holds enough of a known image format.
fn sniff(head: &[u8]) -> Option<(u32, u32)> {
    let size = imagesize::blob_size(head).ok()?;
    let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    Some((clamp(size.width), clamp(size.height)))
}

/// The error for bytes in which no dimensions were found.
fn not_an_image(target: String, head: &[u8]) -> MediaError {
    let examined = head.len() as u64;
    match imagesize::image_type(head) {
        Ok(kind) => MediaError::DimensionsNotFound {
            target,
            format: format!("{kind:?}").to_uppercase(),
            examined,
        },
        Err(_) => MediaError::NotAnImage { target, examined },
    }
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

/// A parsed `Content-Range: bytes FIRST-LAST/TOTAL` (either part may be `*`).
#[derive(Debug, Default)]
struct ContentRange {
    range: Option<(u64, u64)>,
    total: Option<u64>,
}

fn content_range(headers: &HeaderMap) -> ContentRange {
    headers
        .get(CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .map(parse_content_range)
        .unwrap_or_default()
}

fn parse_content_range(value: &str) -> ContentRange {
    let value = value.trim();
    let Some(spec) = value
        .get(..5)
        .filter(|unit| unit.eq_ignore_ascii_case("bytes"))
        .and_then(|_| value.get(5..))
    else {
        return ContentRange::default();
    };
    let Some((range, total)) = spec.trim().split_once('/') else {
        return ContentRange::default();
    };
    let range = range
        .trim()
        .split_once('-')
        .and_then(|(first, last)| Some((first.trim().parse().ok()?, last.trim().parse().ok()?)));
    ContentRange {
        range,
        total: total.trim().parse().ok(),
    }
}

/// The URL actually requested: user information removed so that reqwest does
/// not turn it into an `Authorization` header; the fragment is never sent.
fn request_url(url: &Url) -> Url {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);
    url
}

/// Query parameter names whose values are treated as secrets in messages.
const SECRET_PARAM_HINTS: [&str; 9] = [
    "sig", "token", "key", "auth", "cred", "secret", "pass", "session", "policy",
];

/// The URL as shown in messages: no user information, no fragment, and the
/// values of signature-like query parameters replaced by `***`.
fn display_url(url: &Url) -> String {
    let mut shown = request_url(url);
    let Some(query) = shown.query().map(redact_query) else {
        return shown.to_string();
    };
    shown.set_query(Some(&query));
    shown.to_string()
}

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_secret_param(name) => format!("{name}=***"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn is_secret_param(name: &str) -> bool {
    let name = percent_encoding::percent_decode_str(name)
        .decode_utf8_lossy()
        .to_ascii_lowercase();
    SECRET_PARAM_HINTS.iter().any(|hint| name.contains(hint))
}

/// A reference that did not parse as a URL, made safe to show: truncated,
/// user information and query removed.
fn redact_raw(reference: &str) -> String {
    const MAX_CHARS: usize = 200;
    let mut shown = reference.to_owned();
    if let Some(scheme_end) = shown.find("://") {
        let authority_start = scheme_end + 3;
        let authority_end = shown
            .get(authority_start..)
            .and_then(|rest| rest.find(['/', '?', '#']))
            .map_or(shown.len(), |i| authority_start + i);
        if let Some(at) = shown
            .get(authority_start..authority_end)
            .and_then(|authority| authority.rfind('@'))
        {
            shown.replace_range(authority_start..=authority_start + at, "");
        }
    }
    if let Some(q) = shown.find(['?', '#']) {
        shown.truncate(q);
        shown.push_str("?…");
    }
    if shown.chars().count() > MAX_CHARS {
        shown = shown.chars().take(MAX_CHARS).collect::<String>() + "…";
    }
    shown
}

/// The scheme of something that looks like `scheme://…`.
fn url_like_scheme(reference: &str) -> Option<&str> {
    let (scheme, _) = reference.split_once("://")?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        // `C://x` is more likely a Windows path than a URL.
        && scheme.len() > 1;
    valid.then_some(scheme)
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Normalises a base64 payload (percent-escapes decoded, whitespace removed)
/// and checks that it is base64 in one alphabet with valid padding.
fn normalise_base64(payload: &str) -> Result<String, MediaError> {
    let decoded = if payload.contains('%') {
        percent_encoding::percent_decode_str(payload)
            .decode_utf8()
            .map_err(|_| MediaError::InvalidBase64)?
    } else {
        payload.into()
    };
    let text: String = decoded
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    let standard = body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    let url_safe = body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let valid = (standard || url_safe)
        && body.len() % 4 != 1
        && padding <= 2
        && (padding == 0 || text.len().is_multiple_of(4));
    if valid {
        Ok(text)
    } else {
        Err(MediaError::InvalidBase64)
    }
}

/// A concise reason for a reqwest error: the innermost cause's message.
fn reqwest_reason(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return "the request timed out".to_owned();
    }
    let mut message = None;
    let mut cause = err.source();
    while let Some(inner) = cause {
        message = Some(inner.to_string());
        cause = inner.source();
    }
    strip_os_error(message.unwrap_or_else(|| err.to_string()))
}

fn io_reason(err: &io::Error) -> String {
    strip_os_error(err.to_string())
}

/// `"Connection refused (os error 111)"` -> `"Connection refused"`.
fn strip_os_error(mut message: String) -> String {
    if let Some(at) = message.find(" (os error ") {
        message.truncate(at);
    }
    message
}

fn status_text(status: u16) -> String {
    match StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_data_uri_decodes_whole_within_its_cap() {
        let uri = super::DataUri::parse("data:text/plain;base64,aGVsbG8=").expect("parses");
        assert_eq!(uri.decode(5).as_deref(), Some(&b"hello"[..]));
        assert_eq!(uri.decode(4), None, "longer than the cap");
        let percent = super::DataUri::parse("data:,a%20b").expect("parses");
        assert_eq!(percent.decode(10).as_deref(), Some(&b"a b"[..]));
    }

    #[test]
    fn loopback_hosts_are_this_machine_only() {
        for url in [
            "http://localhost/a",
            "http://LOCALHOST:9/a",
            "http://127.0.0.1/a",
            "http://127.8.9.10/a",
            "http://[::1]/a",
            "http://[::ffff:127.0.0.1]/a",
        ] {
            assert!(
                super::is_loopback_host(&Url::parse(url).expect("url")),
                "{url}"
            );
        }
        for url in [
            "http://10.0.0.1/a",
            "http://example.com/a",
            "http://[::2]/a",
            "http://localhost.example.com/a",
            "data:,x",
        ] {
            assert!(
                !super::is_loopback_host(&Url::parse(url).expect("url")),
                "{url}"
            );
        }
    }

    use super::*;

    #[test]
    fn content_range_parsing() {
        let r = parse_content_range("bytes 0-1023/5000000");
        assert_eq!(r.range, Some((0, 1023)));
        assert_eq!(r.total, Some(5_000_000));
        let r = parse_content_range("bytes 0-9/*");
        assert_eq!(r.range, Some((0, 9)));
        assert_eq!(r.total, None);
        let r = parse_content_range("bytes */0");
        assert_eq!(r.range, None);
        assert_eq!(r.total, Some(0));
        let r = parse_content_range("items 0-1/2");
        assert_eq!((r.range, r.total), (None, None));
    }

    #[test]
    fn urls_are_redacted_for_display() {
        let url = Url::parse(
            "https://user:pw@host.example/a.png?X-Amz-Signature=abc&X-Amz-Credential=k&name=x#frag",
        )
        .expect("valid URL");
        let shown = display_url(&url);
        assert_eq!(
            shown,
            "https://host.example/a.png?X-Amz-Signature=***&X-Amz-Credential=***&name=x"
        );
        assert_eq!(
            redact_raw("https://user:pw@bad host/x?token=1"),
            "https://bad host/x?…"
        );
    }

    #[test]
    fn request_url_has_no_credentials() {
        let url = Url::parse("https://user:pw@host.example/a.png").expect("valid URL");
        assert_eq!(request_url(&url).as_str(), "https://host.example/a.png");
    }

    #[test]
    fn base64_validation() {
        assert!(normalise_base64("QUJD").is_ok());
        assert!(normalise_base64("QUI=").is_ok());
        assert!(normalise_base64("QUI").is_ok());
        assert!(normalise_base64("Q U\nI=").is_ok());
        assert!(normalise_base64("QUI%3D").is_ok());
        assert!(normalise_base64("Q").is_err());
        assert!(normalise_base64("QU!=").is_err());
        assert!(normalise_base64("QUI===").is_err());
        assert!(normalise_base64("a+b_").is_err());
    }

    #[test]
    fn os_error_suffix_is_removed() {
        assert_eq!(
            strip_os_error("Connection refused (os error 111)".to_owned()),
            "Connection refused"
        );
    }
}
