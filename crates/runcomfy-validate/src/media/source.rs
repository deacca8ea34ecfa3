//! [`MediaSource`]: where a media file is, parsed from the reference a user
//! gave, and how it is shown in messages (never a secret, never a payload).

use std::fmt;
use std::path::PathBuf;

use url::Url;

use super::data_uri::DataUri;
use super::error::MediaError;
use crate::redact::{reference_with_query_elided, url_with_secrets_masked};
use crate::scheme::{MAX_QUOTED_SCHEME, starts_with_ignore_case, url_like_scheme};
use crate::text::ellipsize;

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
            return parse_http(reference).map(MediaSource::Http);
        }
        if starts_with_ignore_case(reference, "data:") {
            return DataUri::parse(reference).map(MediaSource::Data);
        }
        if starts_with_ignore_case(reference, "file:") {
            return parse_file_url(reference).map(MediaSource::File);
        }
        if let Some(scheme) = url_like_scheme(reference) {
            // A long "scheme" is pasted text, not a name: quote its start only.
            let scheme = ellipsize(&scheme.to_ascii_lowercase(), MAX_QUOTED_SCHEME);
            return Err(MediaError::UnsupportedScheme { scheme });
        }
        Ok(MediaSource::File(PathBuf::from(reference)))
    }
}

/// An `http:`/`https:` reference that must be a URL with a host.
fn parse_http(reference: &str) -> Result<Url, MediaError> {
    let invalid = |reason: String| invalid_reference(reference, reason);
    // `http:foo` is a URI (and passes the synchronous checks), but
    // no URL the service fetches: never read it as a local path.
    if !(starts_with_ignore_case(reference, "http://")
        || starts_with_ignore_case(reference, "https://"))
    {
        return Err(invalid(
            "it is not a valid URL (`//` and a host must follow the scheme)".to_owned(),
        ));
    }
    let url = Url::parse(reference).map_err(|e| invalid(format!("it is not a valid URL ({e})")))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the URL has no host".to_owned()));
    }
    Ok(url)
}

/// A `file:` URL for this machine, as a path.
fn parse_file_url(reference: &str) -> Result<PathBuf, MediaError> {
    let invalid = |reason: String| invalid_reference(reference, reason);
    let url =
        Url::parse(reference).map_err(|e| invalid(format!("it is not a valid file URL ({e})")))?;
    url.to_file_path()
        .map_err(|()| invalid("only file URLs for the local machine are supported".to_owned()))
}

/// A reference that cannot be used, shown without its query or user
/// information.
fn invalid_reference(reference: &str, reason: String) -> MediaError {
    MediaError::InvalidReference {
        reference: reference_with_query_elided(reference),
        reason,
    }
}

impl fmt::Display for MediaSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaSource::Http(url) => f.write_str(&url_with_secrets_masked(url)),
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
