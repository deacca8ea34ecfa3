//! A video's width and height, read from its MP4 header through a few
//! ranged reads that never exceed a bound: the first bytes (is it an MP4?
//! where do its top-level boxes lead?), a jump over the media data when
//! `moov` comes last, then `moov` itself as far as the bound allows. The
//! reads are a [`RangeRead`]'s: an HTTP server's ranges, a file's, a
//! `data:` URI's.

use std::future::Future;
use std::path::Path;

use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};

use super::data_uri::DataUri;
use super::error::MediaError;
use super::kind::{MediaKind, sniff_kind};
use super::mp4::{TopLevel, dimensions_in_moov, walk};
use super::sniff::not_a_video;

/// How much is read to look at a file's first boxes, or at the boxes after
/// a jump: enough for `ftyp`, `free` and the header of `mdat`.
const BOX_WINDOW: u64 = 4096;
/// The most reads one video costs (the first, the jumps, and `moov`).
const MAX_READS: u32 = 8;

/// Reads a file by ranges.
pub(super) trait RangeRead {
    /// Up to `len` bytes from `offset` (fewer where the file ends, none past
    /// its end).
    fn read_at(
        &mut self,
        offset: u64,
        len: u64,
    ) -> impl Future<Output = Result<Vec<u8>, MediaError>> + Send;

    /// The length of the whole file, once known.
    fn file_len(&self) -> Option<u64>;
}

/// What the reads have cost so far, against the bound.
struct Budget {
    bound: u64,
    read: u64,
    reads: u32,
}

impl Budget {
    /// The most the next read may ask for (0: the bound is reached).
    fn allows(&self, wanted: u64) -> u64 {
        if self.reads >= MAX_READS {
            return 0;
        }
        wanted.min(self.bound.saturating_sub(self.read))
    }

    async fn read<R: RangeRead>(
        &mut self,
        reader: &mut R,
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>, MediaError> {
        let bytes = reader.read_at(offset, len).await?;
        self.read = self.read.saturating_add(bytes.len() as u64);
        self.reads += 1;
        Ok(bytes)
    }
}

/// The width and height of the video `reader` reads, reading at most
/// `bound` bytes in all; `target` names it in errors.
pub(super) async fn video_dimensions<R: RangeRead>(
    reader: &mut R,
    target: &str,
    bound: u64,
) -> Result<(u32, u32), MediaError> {
    let mut budget = Budget {
        bound: bound.max(BOX_WINDOW),
        read: 0,
        reads: 0,
    };
    let not_found = |budget: &Budget| MediaError::VideoHeaderNotFound {
        target: target.to_owned(),
        read: budget.read,
    };
    let broken = |reason| MediaError::VideoDimensionsNotFound {
        target: target.to_owned(),
        reason,
    };
    let (mut offset, mut asked) = (0, BOX_WINDOW);
    let mut bytes = budget.read(reader, 0, asked).await?;
    if !sniff_kind(&bytes).is_some_and(|found| {
        found.kind == MediaKind::Video && matches!(found.format.as_str(), "MP4" | "QuickTime")
    }) {
        return Err(not_a_video(target.to_owned(), &bytes));
    }
    let (start, len) = loop {
        let at_end = (bytes.len() as u64) < asked;
        match walk(offset, &bytes, reader.file_len(), at_end) {
            TopLevel::Moov { start, len } => break (start, len),
            TopLevel::ReadAt(next) => {
                asked = budget.allows(BOX_WINDOW);
                if asked == 0 {
                    return Err(not_found(&budget));
                }
                bytes = budget.read(reader, next, asked).await?;
                offset = next;
            }
            TopLevel::NoMoov => return Err(broken("it has no `moov` box")),
            TopLevel::Malformed => return Err(broken("a box is smaller than its own header")),
        }
    };
    // `moov` starts within `bytes`: keep its start, read the rest.
    let skip = usize::try_from(start - offset).unwrap_or(usize::MAX);
    let mut moov: Vec<u8> = bytes.get(skip..).unwrap_or_default().to_vec();
    let whole = len.unwrap_or(u64::MAX);
    loop {
        if let Some(dimensions) = dimensions_in_moov(&moov) {
            return Ok(dimensions);
        }
        let have = moov.len() as u64;
        if have >= whole {
            return Err(broken("it has no video track"));
        }
        let asked = budget.allows(whole - have);
        if asked == 0 {
            return Err(not_found(&budget));
        }
        let more = budget.read(reader, start + have, asked).await?;
        if more.is_empty() {
            return Err(broken("it ends inside its `moov` box"));
        }
        moov.extend_from_slice(&more);
    }
}

/// A `data:` URI read by ranges: only the base64 groups asked for are decoded.
pub(super) struct DataRanges<'a>(pub(super) &'a DataUri);

impl RangeRead for DataRanges<'_> {
    async fn read_at(&mut self, offset: u64, len: u64) -> Result<Vec<u8>, MediaError> {
        self.0
            .decode_range(offset, usize::try_from(len).unwrap_or(usize::MAX))
    }

    fn file_len(&self) -> Option<u64> {
        Some(self.0.decoded_len())
    }
}

/// A local file read by ranges.
pub(super) struct FileRanges<'a> {
    pub(super) path: &'a Path,
    pub(super) file: tokio::fs::File,
    pub(super) len: u64,
}

impl RangeRead for FileRanges<'_> {
    async fn read_at(&mut self, offset: u64, len: u64) -> Result<Vec<u8>, MediaError> {
        let io_err = |source| MediaError::Io {
            path: self.path.to_owned(),
            source,
        };
        let mut bytes = Vec::new();
        if offset >= self.len {
            return Ok(bytes);
        }
        self.file
            .seek(std::io::SeekFrom::Start(offset))
            .await
            .map_err(io_err)?;
        (&mut self.file)
            .take(len)
            .read_to_end(&mut bytes)
            .await
            .map_err(io_err)?;
        Ok(bytes)
    }

    fn file_len(&self) -> Option<u64> {
        Some(self.len)
    }
}
