//! The MP4 boxes (ISO base media and QuickTime files) a video's width and
//! height are read from, parsed from bytes the caller has read: the
//! top-level boxes, walked by their sizes to `moov` (wherever it is, so a
//! `moov` after the media data costs one jump, not a download), and in
//! `moov` the first track with a size in its `tkhd`, or else the visual
//! sample entry (`avc1`, `hvc1`, …) in the `stsd` of a `vide` track.
//!
//! Pure: it never reads, so every bound on reading is the caller's. A
//! `moov` cut short is parsed as far as it goes.

/// Where the walk over a file's top-level boxes stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TopLevel {
    /// The `moov` box starts at this offset of the file and is this long
    /// (`None`: it runs to the end of the file).
    Moov { start: u64, len: Option<u64> },
    /// The next box starts at this offset, past the bytes given: read there.
    ReadAt(u64),
    /// The file ends without a `moov` box.
    NoMoov,
    /// A box whose size cannot be (smaller than its own header).
    Malformed,
}

/// One box header: its type, the length of the header, and the size of
/// the whole box (`None`: to the end of its parent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BoxHeader {
    kind: [u8; 4],
    header_len: u64,
    size: Option<u64>,
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let word: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_be_bytes(word))
}

fn be_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let word: [u8; 2] = bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(u16::from_be_bytes(word))
}

/// The header at the start of `bytes`: `None` when `bytes` is too short to
/// hold it, `Some(Err(()))` when its size is smaller than itself.
fn box_header(bytes: &[u8]) -> Option<Result<BoxHeader, ()>> {
    let size32 = be_u32(bytes, 0)?;
    let kind: [u8; 4] = bytes.get(4..8)?.try_into().ok()?;
    let (header_len, size) = match size32 {
        0 => (8, None),
        1 => {
            let high = u64::from(be_u32(bytes, 8)?);
            let low = u64::from(be_u32(bytes, 12)?);
            (16, Some(high << 32 | low))
        }
        n => (8, Some(u64::from(n))),
    };
    if size.is_some_and(|size| size < header_len) {
        return Some(Err(()));
    }
    Some(Ok(BoxHeader {
        kind,
        header_len,
        size,
    }))
}

/// Walks the top-level boxes in `bytes`, which were read at `offset` of the
/// file; `at_end` says the file ends where `bytes` end.
pub(super) fn walk(offset: u64, bytes: &[u8], file_len: Option<u64>, at_end: bool) -> TopLevel {
    let mut pos: u64 = 0;
    loop {
        let next = offset.saturating_add(pos);
        if file_len.is_some_and(|len| next >= len) {
            return TopLevel::NoMoov;
        }
        let header = usize::try_from(pos)
            .ok()
            .and_then(|at| bytes.get(at..))
            .and_then(box_header);
        let header = match header {
            None if at_end => return TopLevel::NoMoov,
            None => return TopLevel::ReadAt(next),
            Some(Err(())) => return TopLevel::Malformed,
            Some(Ok(header)) => header,
        };
        if &header.kind == b"moov" {
            return TopLevel::Moov {
                start: next,
                len: header.size,
            };
        }
        match header.size {
            None => return TopLevel::NoMoov,
            Some(size) => pos = pos.saturating_add(size),
        }
    }
}

/// The children of a box's payload, each cut to what `payload` holds.
fn children(payload: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut rest = payload;
    std::iter::from_fn(move || {
        let header = box_header(rest)?.ok()?;
        let len = usize::try_from(header.header_len).ok()?;
        let end = header
            .size
            .and_then(|size| usize::try_from(size).ok())
            .map_or(rest.len(), |size| size.min(rest.len()));
        let body = rest.get(len..end)?;
        rest = rest.get(end..).unwrap_or_default();
        Some((header.kind, body))
    })
}

fn child<'a>(payload: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    children(payload)
        .find(|(found, _)| found == kind)
        .map(|(_, body)| body)
}

/// The width and height a `tkhd` payload gives (16.16 fixed point), when
/// both are set (an audio track's are 0).
fn track_header_size(tkhd: &[u8]) -> Option<(u32, u32)> {
    // After version and flags: times, id and duration (20 bytes, or 32 in
    // version 1), then reserved, layer, group, volume, reserved, matrix.
    let at = match tkhd.first()? {
        0 => 4 + 20 + 52,
        1 => 4 + 32 + 52,
        _ => return None,
    };
    let width = be_u32(tkhd, at)? >> 16;
    let height = be_u32(tkhd, at + 4)? >> 16;
    (width > 0 && height > 0).then_some((width, height))
}

/// The width and height of the first sample entry of a video track's
/// `mdia` payload.
fn sample_entry_size(mdia: &[u8]) -> Option<(u32, u32)> {
    let hdlr = child(mdia, b"hdlr")?;
    if hdlr.get(8..12)? != b"vide" {
        return None;
    }
    let stbl = child(child(mdia, b"minf")?, b"stbl")?;
    // After version, flags and the entry count: the first entry, whose
    // visual fields put the width 24 bytes past its header.
    let stsd = child(stbl, b"stsd")?;
    let entry = stsd.get(8..)?;
    let width = be_u16(entry, 32)?;
    let height = be_u16(entry, 34)?;
    (width > 0 && height > 0).then_some((u32::from(width), u32::from(height)))
}

/// The video's width and height in a `moov` box (header included), as far
/// as `moov` holds them.
pub(super) fn dimensions_in_moov(moov: &[u8]) -> Option<(u32, u32)> {
    let header = box_header(moov)?.ok()?;
    let payload = moov.get(usize::try_from(header.header_len).ok()?..)?;
    children(payload)
        .filter(|(kind, _)| kind == b"trak")
        .find_map(|(_, trak)| {
            child(trak, b"tkhd")
                .and_then(track_header_size)
                .or_else(|| child(trak, b"mdia").and_then(sample_entry_size))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(payload.len() + 8)
            .expect("small")
            .to_be_bytes()
            .to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn the_walk_jumps_over_media_data_to_moov() {
        let mut file = boxed(b"ftyp", b"isom\0\0\0\0");
        file.extend(boxed(b"mdat", &[0; 100]));
        file.extend(boxed(b"moov", &[]));
        // The first 24 bytes see ftyp and mdat's header: read past mdat.
        assert_eq!(
            walk(0, &file[..24], None, false),
            TopLevel::ReadAt(16 + 108)
        );
        assert_eq!(
            walk(124, &file[124..], None, false),
            TopLevel::Moov {
                start: 124,
                len: Some(8)
            }
        );
        assert_eq!(walk(0, &file[..124], Some(124), false), TopLevel::NoMoov);
        assert_eq!(walk(0, &file[..30], None, true), TopLevel::NoMoov);
        assert_eq!(walk(0, b"\0\0\0\x04ftyp", None, false), TopLevel::Malformed);
    }

    #[test]
    fn a_large_size_and_a_box_to_the_end_are_read() {
        let mut file = b"\0\0\0\x01mdat\0\0\0\0\0\0\0\x20".to_vec();
        file.extend([0; 16]);
        file.extend(b"\0\0\0\0moov");
        assert_eq!(
            walk(0, &file, None, true),
            TopLevel::Moov {
                start: 32,
                len: None
            }
        );
    }

    #[test]
    fn a_cut_moov_gives_what_it_holds() {
        let mut tkhd = vec![0; 84];
        tkhd[76..80].copy_from_slice(&(640_u32 << 16).to_be_bytes());
        tkhd[80..84].copy_from_slice(&(360_u32 << 16).to_be_bytes());
        let moov = boxed(b"moov", &boxed(b"trak", &boxed(b"tkhd", &tkhd)));
        assert_eq!(dimensions_in_moov(&moov), Some((640, 360)));
        assert_eq!(dimensions_in_moov(&moov[..60]), None, "tkhd cut short");
        assert_eq!(dimensions_in_moov(b"moov"), None);
    }
}
