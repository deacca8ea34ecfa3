//! [`MediaError`]: every way finding the facts about a media reference fails,
//! each said in one sentence.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;

use super::kind::MediaKind;
use crate::text::strip_os_error;

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
    /// The bytes are of another kind than the field asks for (a WAV given
    /// to an image field).
    #[error("{target} is not {} (its bytes are {found})", expected.noun())]
    WrongKind {
        /// The URL, path or `data:` URI description.
        target: String,
        /// The kind the field asks for.
        expected: MediaKind,
        /// What the bytes are, e.g. `WAV audio`.
        found: String,
    },
    /// No video header in the first bytes.
    #[error("{target} is not a video (no MP4 or QuickTime header in the first {examined} bytes)")]
    NotAVideo {
        /// The URL, path or `data:` URI description.
        target: String,
        /// How many leading bytes were examined.
        examined: u64,
    },
    /// A video in a container whose width and height this build does not read.
    #[error(
        "{target} is a {format} video; this build reads the width and height of MP4 and QuickTime videos only"
    )]
    UnsupportedVideo {
        /// The URL, path or `data:` URI description.
        target: String,
        /// The container, e.g. `WebM or Matroska`.
        format: String,
    },
    /// An MP4 file's header (`moov`) was not within the bytes a probe reads
    /// at most.
    #[error(
        "{target} looks like an MP4 video but its header (the `moov` box that gives its width and height) was not found within the {read} bytes read (the most a probe reads)"
    )]
    VideoHeaderNotFound {
        /// The URL, path or `data:` URI description.
        target: String,
        /// How many bytes were read, the bound included.
        read: u64,
    },
    /// An MP4 file whose width and height cannot be read.
    #[error("{target} is an MP4 file whose width and height cannot be read: {reason}")]
    VideoDimensionsNotFound {
        /// The URL, path or `data:` URI description.
        target: String,
        /// Why, e.g. `it has no video track`.
        reason: &'static str,
    },
}

/// `404 Not Found`, or the bare code when it has no canonical reason.
fn status_text(status: u16) -> String {
    match StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

fn io_reason(err: &io::Error) -> String {
    strip_os_error(&err.to_string()).to_owned()
}
