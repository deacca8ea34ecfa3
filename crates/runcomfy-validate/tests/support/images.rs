//! Images whose header says a size, at the length a test needs.

use runcomfy_validate::fixtures::png_header;

/// [`png_header`] padded with zeros to `total_len` bytes: the size rules
/// need files of a given length, which the fixture alone does not make.
pub(crate) fn png(width: u32, height: u32, total_len: usize) -> Vec<u8> {
    let mut bytes = png_header(width, height);
    if bytes.len() < total_len {
        bytes.resize(total_len, 0);
    }
    bytes
}

/// A JPEG: SOI, `app_segments` APP1 segments of ~16 KiB filler each (so the
/// dimensions are far from the start), SOF0 with the dimensions, EOI.
pub(crate) fn jpeg(width: u16, height: u16, app_segments: usize) -> Vec<u8> {
    const SEGMENT_PAYLOAD: usize = 16 * 1024;
    let mut v = vec![0xFF, 0xD8];
    for _ in 0..app_segments {
        v.extend_from_slice(&[0xFF, 0xE1]);
        v.extend_from_slice(&((SEGMENT_PAYLOAD + 2) as u16).to_be_bytes());
        v.extend(std::iter::repeat_n(0x5A, SEGMENT_PAYLOAD));
    }
    // SOF0: length 17, precision 8, height, width, 3 components.
    v.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&width.to_be_bytes());
    v.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    v.extend_from_slice(&[0xFF, 0xD9]);
    v
}
