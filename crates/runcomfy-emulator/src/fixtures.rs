//! Inputs for tests against the emulator: images whose header says a size,
//! which is all the media rules (and the emulator) read.

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
    #[test]
    fn the_header_says_the_size() {
        let size = imagesize_of(&super::png_header(1280, 720));
        assert_eq!(size, (1280, 720));
    }

    fn imagesize_of(bytes: &[u8]) -> (u32, u32) {
        (
            u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]),
            u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]),
        )
    }
}
