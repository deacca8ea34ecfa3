//! Test inputs whose header says a size, which is all the media rules (and
//! the emulator) read: a PNG's, an MP4's, a WAV's. For this workspace's
//! tests and for users' own offline tests against the emulator.

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
    data_uri("image/png", &png_header(width, height))
}

/// A box of an MP4 file: its size, its type, its payload.
fn mp4_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let size = u32::try_from(payload.len() + 8).unwrap_or(u32::MAX);
    let mut bytes = size.to_be_bytes().to_vec();
    bytes.extend_from_slice(kind);
    bytes.extend_from_slice(payload);
    bytes
}

/// The header of an MP4 video of `width` × `height`: `ftyp`, then a `moov`
/// whose one track's `tkhd` says the size. No media: enough for a check that
/// reads the header, and no player.
pub fn mp4_header(width: u16, height: u16) -> Vec<u8> {
    let mut tkhd = vec![0_u8; 84];
    // Version 0, flags "enabled, in movie"; the matrix is left zero.
    tkhd[3] = 3;
    tkhd[76..80].copy_from_slice(&(u32::from(width) << 16).to_be_bytes());
    tkhd[80..84].copy_from_slice(&(u32::from(height) << 16).to_be_bytes());
    let mut bytes = mp4_box(b"ftyp", b"isom\0\0\x02\0isommp41");
    bytes.extend(mp4_box(
        b"moov",
        &mp4_box(b"trak", &mp4_box(b"tkhd", &tkhd)),
    ));
    bytes
}

/// The header of a WAV file (PCM, mono, 8 kHz, 16 bits) followed by
/// `samples` bytes of silence.
pub fn wav(samples: u32) -> Vec<u8> {
    let mut bytes = b"RIFF".to_vec();
    bytes.extend((36 + samples).to_le_bytes());
    bytes.extend(b"WAVEfmt ");
    bytes.extend(16_u32.to_le_bytes());
    bytes.extend([1, 0, 1, 0]);
    bytes.extend(8000_u32.to_le_bytes());
    bytes.extend(16_000_u32.to_le_bytes());
    bytes.extend([2, 0, 16, 0]);
    bytes.extend(b"data");
    bytes.extend(samples.to_le_bytes());
    bytes.resize(bytes.len() + samples as usize, 0);
    bytes
}

/// `bytes` as a `data:{media_type};base64,…` URI.
pub fn data_uri(media_type: &str, bytes: &[u8]) -> String {
    format!(
        "data:{media_type};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
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

    #[tokio::test]
    async fn the_mp4_and_wav_headers_say_what_they_are() {
        use crate::media::{MediaKind, MediaProbe, MediaSource, Needs};
        let needs = Needs {
            dimensions: true,
            size: true,
        };
        let probe = MediaProbe::new();
        let mp4 =
            MediaSource::parse(&data_uri("video/mp4", &mp4_header(640, 360))).expect("parses");
        let facts = probe
            .probe_as(&mp4, MediaKind::Video, needs, None)
            .await
            .expect("an MP4");
        assert_eq!((facts.width, facts.height), (Some(640), Some(360)));
        let wav = MediaSource::parse(&data_uri("audio/wav", &wav(100))).expect("parses");
        let facts = probe
            .probe_as(&wav, MediaKind::Audio, needs, None)
            .await
            .expect("a WAV");
        assert_eq!((facts.width, facts.size_bytes), (None, Some(144)));
        let error = probe
            .probe_as(&wav, MediaKind::Image, needs, None)
            .await
            .expect_err("not an image");
        assert!(
            error
                .to_string()
                .ends_with("is not an image (its bytes are WAV audio)"),
            "{error}"
        );
    }
}
