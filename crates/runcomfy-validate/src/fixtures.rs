//! Test inputs whose header says a size, which is all the media rules (and
//! the emulator) read: for this workspace's tests and for users' own offline
//! tests against the emulator.

use base64::Engine as _;

/// The header of a PNG of `width` × `height` (signature and `IHDR`, then
/// padding): enough for any header-reading check, far smaller than an image.
pub fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend(width.to_be_bytes());
    bytes.extend(height.to_be_bytes());
    bytes.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    bytes.extend([0u8; 64]);
    bytes
}

/// [`png_header`] as a `data:image/png;base64,…` URI, for `image_url`.
pub fn png_data_uri(width: u32, height: u32) -> String {
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png_header(width, height))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::DataUri;

    #[test]
    fn the_header_says_the_size() {
        let size = imagesize::blob_size(&png_header(1280, 720)).expect("a PNG header");
        assert_eq!((size.width, size.height), (1280, 720));
    }

    #[test]
    fn the_data_uri_carries_the_header() {
        let uri = DataUri::parse(&png_data_uri(300, 400)).expect("a data: URI");
        assert_eq!(uri.mime_type(), "image/png");
        assert_eq!(uri.decode(1024), Some(png_header(300, 400)));
    }
}
