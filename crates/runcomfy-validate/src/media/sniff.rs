//! Image sniffing: the dimensions in the first bytes of a file, or the error
//! that says why there are none.

use super::error::MediaError;

/// Width and height, if `head` holds enough of a known image format.
pub(super) fn sniff(head: &[u8]) -> Option<(u32, u32)> {
    let size = imagesize::blob_size(head).ok()?;
    let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    Some((clamp(size.width), clamp(size.height)))
}

/// The error for bytes in which no dimensions were found.
pub(super) fn not_an_image(target: String, head: &[u8]) -> MediaError {
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
