//! [`MediaProbe`]: finds the facts a caller needs about one [`MediaSource`]
//! within a timeout, from a `data:` payload, a local file's metadata and
//! first bytes, or an HTTP server (the steps are in `http_probe`); a
//! video's dimensions through the MP4 reads of `video`.

use std::io;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::io::AsyncReadExt as _;

use super::data_uri::DataUri;
use super::error::MediaError;
use super::facts::{MediaFacts, Needs};
use super::http_probe::{HttpProbe, default_client};
use super::kind::MediaKind;
use super::sniff::{not_an_image, sniff};
use super::source::MediaSource;
use super::video::{DataRanges, FileRanges, video_dimensions};

/// Default number of leading bytes read to find an image's dimensions.
const DEFAULT_HEADER_CAP: usize = 256 * 1024;
/// Default bound on one whole probe.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Read size used for local files.
const FILE_READ_CHUNK: usize = 16 * 1024;

/// Probes media references. Cheap to clone (shares one [`reqwest::Client`]).
#[derive(Debug, Clone)]
pub struct MediaProbe {
    /// The HTTP client, or why it could not be built, made on the first HTTP
    /// probe (loading TLS roots costs milliseconds that files and `data:` URIs
    /// never need). A build failure is only reported when an HTTP reference is
    /// probed, so [`MediaProbe::new`] never fails or panics.
    client: Arc<OnceLock<Result<reqwest::Client, String>>>,
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
            client: Arc::default(),
            timeout: DEFAULT_TIMEOUT,
            header_cap: DEFAULT_HEADER_CAP,
        }
    }

    /// A probe that uses the given client (with the default timeout and header
    /// cap). The client is used as is: do not configure credentials (default
    /// headers) on it.
    pub fn with_client(client: reqwest::Client) -> Self {
        Self {
            client: Arc::new(OnceLock::from(Ok(client))),
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
    ///
    /// This reads an image: [`probe_as`](Self::probe_as) with
    /// [`MediaKind::Image`].
    pub async fn probe(
        &self,
        source: &MediaSource,
        needs: Needs,
        size_limit: Option<u64>,
    ) -> Result<MediaFacts, MediaError> {
        self.probe_as(source, MediaKind::Image, needs, size_limit)
            .await
    }

    /// [`probe`](Self::probe) for a file of `kind`: an image's dimensions
    /// from its first bytes; a video's from its MP4 (or QuickTime) header,
    /// the `moov` box, found through a few ranged reads that never exceed
    /// the header cap in all (so a `moov` after the media data costs a jump
    /// to it, not a download; one beyond the cap is an error that says so);
    /// audio has no dimensions, so only its size is ever read. When
    /// dimensions are needed the bytes decide: a WAV read as an image is
    /// [`MediaError::WrongKind`].
    pub async fn probe_as(
        &self,
        source: &MediaSource,
        kind: MediaKind,
        needs: Needs,
        size_limit: Option<u64>,
    ) -> Result<MediaFacts, MediaError> {
        let needs = Needs {
            dimensions: needs.dimensions && kind != MediaKind::Audio,
            ..needs
        };
        if !needs.dimensions && !needs.size {
            return Ok(MediaFacts::default());
        }
        let work = async {
            match source {
                MediaSource::Http(url) => self.probe_http(url, kind, needs, size_limit).await,
                MediaSource::Data(data) => self.probe_data(data, source, kind, needs).await,
                MediaSource::File(path) => self.probe_file(path, kind, needs).await,
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

    async fn probe_data(
        &self,
        data: &DataUri,
        source: &MediaSource,
        kind: MediaKind,
        needs: Needs,
    ) -> Result<MediaFacts, MediaError> {
        let mut facts = MediaFacts::default();
        if needs.size {
            facts.size_bytes = Some(data.decoded_len());
        }
        if needs.dimensions && kind == MediaKind::Video {
            let target = source.to_string();
            let (width, height) =
                video_dimensions(&mut DataRanges(data), &target, self.header_cap as u64).await?;
            facts.width = Some(width);
            facts.height = Some(height);
        } else if needs.dimensions {
            let head = data.decode_prefix(self.header_cap)?;
            let (width, height) =
                sniff(&head).ok_or_else(|| not_an_image(source.to_string(), &head))?;
            facts.width = Some(width);
            facts.height = Some(height);
        }
        Ok(facts)
    }

    async fn probe_file(
        &self,
        path: &Path,
        kind: MediaKind,
        needs: Needs,
    ) -> Result<MediaFacts, MediaError> {
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
            if kind == MediaKind::Video {
                let mut ranges = FileRanges {
                    path,
                    file,
                    len: metadata.len(),
                };
                let target = path.display().to_string();
                let bound = self.header_cap as u64;
                let (width, height) = video_dimensions(&mut ranges, &target, bound).await?;
                facts.width = Some(width);
                facts.height = Some(height);
                return Ok(facts);
            }
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
        url: &url::Url,
        kind: MediaKind,
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
        HttpProbe::new(client, url, self.header_cap)
            .probe(kind, needs, size_limit)
            .await
    }
}
