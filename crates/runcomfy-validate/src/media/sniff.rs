//! What the first bytes of a file say: an image's dimensions, or the error
//! that says why there are none (another kind of file, an image format
//! without them, or bytes of no known kind).

use super::error::MediaError;
use super::kind::{MediaKind, image_format_name, sniff_kind};

/// Width and height, if `head` holds enough of a known image format.
pub(super) fn sniff(head: &[u8]) -> Option<(u32, u32)> {
    let size = imagesize::blob_size(head).ok()?;
    let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    Some((clamp(size.width), clamp(size.height)))
}

/// The error for bytes in which no dimensions were found.
pub(super) fn not_an_image(target: String, head: &[u8]) -> MediaError {
    let examined = head.len() as u64;
    if let Some(found) = sniff_kind(head).filter(|found| found.kind != MediaKind::Image) {
        return MediaError::WrongKind {
            target,
            expected: MediaKind::Image,
            found: found.to_string(),
        };
    }
    match imagesize::image_type(head) {
        Ok(kind) => MediaError::DimensionsNotFound {
            target,
            format: image_format_name(&kind),
            examined,
        },
        Err(_) => MediaError::NotAnImage { target, examined },
    }
}

/// The error for a video's first bytes that hold no MP4 or QuickTime
/// header: another kind of file, a container this build does not read, or
/// bytes of no known kind.
pub(super) fn not_a_video(target: String, head: &[u8]) -> MediaError {
    match sniff_kind(head) {
        Some(found) if found.kind != MediaKind::Video => MediaError::WrongKind {
            target,
            expected: MediaKind::Video,
            found: found.to_string(),
        },
        Some(found) => MediaError::UnsupportedVideo {
            target,
            format: found.format,
        },
        None => MediaError::NotAVideo {
            target,
            examined: head.len() as u64,
        },
    }
}
