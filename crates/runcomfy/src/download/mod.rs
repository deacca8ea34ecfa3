//! Downloads of a finished job's outputs (an MP4, an image…) into a directory.
//!
//! What this module guarantees:
//!
//! * Only `https` URLs, or plain `http` to a loopback host (127.0.0.0/8, `::1`,
//!   `localhost`), are fetched; anything else is an [`Error::Configuration`](crate::Error::Configuration)
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
//! * [`Error::Configuration`](crate::Error::Configuration): the URL is not acceptable (nothing was sent).
//! * [`Error::Transport`](crate::Error::Transport): the very first request failed before any answer
//!   (connection refused, DNS, TLS); the source error has its URL removed.
//!   A failure while resuming is counted as a failed resume instead.
//! * [`Error::Download`](crate::Error::Download): an HTTP error status, a size over the cap, a body
//!   that stayed short after every resume, an unusable `206`, no answer
//!   within the idle timeout, or a redirect to a URL that is not allowed.
//! * [`Error::Io`](crate::Error::Io): the directory or a file could not be created or written.

mod attempt;
mod disk;
mod downloader;
mod names;
mod options;
mod target;

pub use downloader::Downloader;
pub use names::file_name_for;
pub use options::{DownloadOptions, DownloadedFile};
