//! Facts about one media reference: pixel dimensions and size in bytes.
//!
//! The provider's input schemas put media rules on image, video and audio
//! fields (minimum width and height, maximum file size, aspect ratio).
//! Evaluating those rules is done elsewhere; this module only finds the
//! *facts* they need about one reference, which may be an `http(s)://` URL,
//! a `data:` URI, a `file://` URL or a local path, and says what kind of
//! file it is ([`MediaKind`]).
//!
//! What this module must never do:
//!
//! - **Never download more than it needs.** An image's dimensions come from
//!   the first bytes of the file (at most the header cap, 256 KiB by
//!   default, read incrementally and abandoned as soon as the dimensions are
//!   known). A video's come from its MP4 header (`moov`), found by a few
//!   ranged reads that jump over the media data and never read more than the
//!   header cap in all. Audio needs only its size. Sizes come from
//!   `Content-Length`, `Content-Range` or file metadata; only when none of
//!   those is available is the body counted, and then never past the
//!   caller's size limit plus one byte. `data:` URIs are measured from their
//!   base64 length and only the parts read are decoded.
//! - **Never send credentials.** No `Authorization` header is set, user
//!   information embedded in a URL (`https://user:pass@host/…`) is stripped
//!   before the request is made, and the default client sends no `Referer`.
//! - **Never print or log.** Errors are returned, never written anywhere, and
//!   their messages never contain a `data:` payload, URL user information or
//!   the values of signature-like query parameters.
//! - **Never hang.** Every probe is bounded by a timeout (30 s by default).
//!
//! Its rooms: [`MediaSource`] (`source`) says where a file is, [`DataUri`]
//! (`data_uri`) reads inline payloads, [`MediaProbe`] (`probe`, with the HTTP
//! steps in `http_probe`) finds the facts, `sniff` reads image headers,
//! `video` drives the ranged reads of a video's header and `mp4` parses its
//! boxes, [`MediaKind`] (`kind`) names kinds and tells them from first
//! bytes, [`MediaFacts`] and [`Needs`] (`facts`) are what is asked and
//! learned, and [`MediaError`] (`error`) is every way it fails.

mod data_uri;
mod error;
mod facts;
mod http_probe;
mod kind;
mod mp4;
mod probe;
mod sniff;
mod source;
mod video;

pub use crate::http::is_loopback_host;
pub use data_uri::DataUri;
pub use error::MediaError;
pub use facts::{MediaFacts, Needs};
pub use kind::MediaKind;
pub use probe::MediaProbe;
pub use source::MediaSource;
