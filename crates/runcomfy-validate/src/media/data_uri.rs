//! [`DataUri`]: an inline `data:` payload (RFC 2397), measured from its
//! base64 length and decoded only as far as asked, and the normalisation of
//! base64 payloads.

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::error::MediaError;
use crate::scheme::starts_with_ignore_case;

/// Base64 engines that accept missing padding and non-zero trailing bits.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// A parsed `data:` URI. The payload text is kept and decoded lazily.
///
/// For base64 payloads the stored text is normalised at parse time
/// (percent-escapes decoded, whitespace removed) and checked to be base64, so
/// [`DataUri::decoded_len`] is exact and cheap.
#[derive(Clone, PartialEq, Eq)]
pub struct DataUri {
    mime_type: String,
    base64: bool,
    payload: String,
}

impl DataUri {
    /// Parses `data:[<mediatype>][;base64],<data>` (RFC 2397).
    ///
    /// A missing media type means `text/plain`. A base64 payload may use the
    /// standard or the URL-safe alphabet, with or without padding.
    pub fn parse(s: &str) -> Result<DataUri, MediaError> {
        if !starts_with_ignore_case(s, "data:") {
            return Err(MediaError::MalformedDataUri {
                reason: "it does not start with \"data:\"",
            });
        }
        let rest = &s["data:".len()..];
        let Some((header, payload)) = rest.split_once(',') else {
            return Err(MediaError::MalformedDataUri {
                reason: "there is no ',' before the payload",
            });
        };
        let mut params = header.split(';');
        let mime = params.next().unwrap_or_default().trim();
        let mime_type = if mime.is_empty() {
            "text/plain".to_owned()
        } else {
            mime.to_owned()
        };
        // `;base64` is the last parameter, never the media type itself.
        let base64 = params
            .next_back()
            .is_some_and(|last| last.trim().eq_ignore_ascii_case("base64"));
        let payload = if base64 {
            normalise_base64(payload)?
        } else {
            payload.to_owned()
        };
        Ok(DataUri {
            mime_type,
            base64,
            payload,
        })
    }

    /// The media type, e.g. `image/png` (without parameters).
    pub fn mime_type(&self) -> &str {
        &self.mime_type
    }

    /// Number of bytes the payload decodes to, computed from the base64 length
    /// and padding (or by counting percent-decoded bytes for a non-base64
    /// payload) without decoding it.
    pub fn decoded_len(&self) -> u64 {
        if self.base64 {
            let chars = self.payload.trim_end_matches('=').len() as u64;
            chars / 4 * 3 + (chars % 4) * 3 / 4
        } else {
            percent_encoding::percent_decode_str(&self.payload).count() as u64
        }
    }

    /// The payload's bytes, when it decodes to at most `max_bytes` (`None`
    /// beyond that, or when it is not valid base64).
    pub fn decode(&self, max_bytes: u64) -> Option<Vec<u8>> {
        if self.decoded_len() > max_bytes {
            return None;
        }
        let len = usize::try_from(self.decoded_len()).ok()?;
        self.decode_prefix(len).ok()
    }

    /// Decodes at most `max_bytes` bytes from the start of the payload.
    pub(super) fn decode_prefix(&self, max_bytes: usize) -> Result<Vec<u8>, MediaError> {
        self.decode_range(0, max_bytes)
    }

    /// Decodes at most `len` bytes from byte `offset` of the payload (fewer
    /// at its end), decoding only the base64 groups that hold them.
    pub(super) fn decode_range(&self, offset: u64, len: usize) -> Result<Vec<u8>, MediaError> {
        let Ok(offset) = usize::try_from(offset) else {
            return Ok(Vec::new());
        };
        if !self.base64 {
            return Ok(percent_encoding::percent_decode_str(&self.payload)
                .skip(offset)
                .take(len)
                .collect());
        }
        let body = self.payload.trim_end_matches('=');
        // Every 4 characters are 3 bytes: start at the group holding
        // `offset`, end at the group holding the last byte wanted.
        let first_char = (offset / 3).saturating_mul(4);
        let end_char = offset.saturating_add(len).div_ceil(3).saturating_mul(4);
        // The payload is ASCII (checked at parse time), so any byte index is a
        // char boundary; a cut before the end has a length that is a multiple of 4.
        let Some(slice) = body.get(first_char.min(body.len())..end_char.min(body.len())) else {
            return Ok(Vec::new());
        };
        let engine = if self.payload.contains(['-', '_']) {
            &URL_SAFE_LENIENT
        } else {
            &STANDARD_LENIENT
        };
        let bytes = engine
            .decode(slice)
            .map_err(|_| MediaError::InvalidBase64)?;
        Ok(bytes.into_iter().skip(offset % 3).take(len).collect())
    }
}

impl fmt::Debug for DataUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataUri")
            .field("mime_type", &self.mime_type)
            .field("base64", &self.base64)
            .field("payload_chars", &self.payload.len())
            .field("decoded_len", &self.decoded_len())
            .finish()
    }
}
/// Normalises a base64 payload (percent-escapes decoded, whitespace removed)
/// and checks that it is base64 in one alphabet with valid padding.
fn normalise_base64(payload: &str) -> Result<String, MediaError> {
    let decoded = if payload.contains('%') {
        percent_encoding::percent_decode_str(payload)
            .decode_utf8()
            .map_err(|_| MediaError::InvalidBase64)?
    } else {
        payload.into()
    };
    let text: String = decoded
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    let standard = body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    let url_safe = body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let valid = (standard || url_safe)
        && body.len() % 4 != 1
        && padding <= 2
        && (padding == 0 || text.len().is_multiple_of(4));
    if valid {
        Ok(text)
    } else {
        Err(MediaError::InvalidBase64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_uri_decodes_whole_within_its_cap() {
        let uri = DataUri::parse("data:text/plain;base64,aGVsbG8=").expect("parses");
        assert_eq!(uri.decode(5).as_deref(), Some(&b"hello"[..]));
        assert_eq!(uri.decode(4), None, "longer than the cap");
        let percent = DataUri::parse("data:,a%20b").expect("parses");
        assert_eq!(percent.decode(10).as_deref(), Some(&b"a b"[..]));
    }

    #[test]
    fn a_range_decodes_only_its_groups() {
        let bytes: Vec<u8> = (0..=255).collect();
        let uri = DataUri::parse(&format!(
            "data:video/mp4;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&bytes)
        ))
        .expect("parses");
        for (offset, len) in [
            (0, 10),
            (1, 5),
            (2, 7),
            (100, 200),
            (250, 10),
            (256, 4),
            (999, 1),
        ] {
            let want: Vec<u8> = bytes.iter().copied().skip(offset).take(len).collect();
            let got = uri.decode_range(offset as u64, len).expect("decodes");
            assert_eq!(got, want, "{offset}+{len}");
        }
        let percent = DataUri::parse("data:,a%20bc").expect("parses");
        assert_eq!(percent.decode_range(1, 2).expect("decodes"), b" b".to_vec());
    }

    #[test]
    fn base64_validation() {
        assert!(normalise_base64("QUJD").is_ok());
        assert!(normalise_base64("QUI=").is_ok());
        assert!(normalise_base64("QUI").is_ok());
        assert!(normalise_base64("Q U\nI=").is_ok());
        assert!(normalise_base64("QUI%3D").is_ok());
        assert!(normalise_base64("Q").is_err());
        assert!(normalise_base64("QU!=").is_err());
        assert!(normalise_base64("QUI===").is_err());
        assert!(normalise_base64("a+b_").is_err());
    }
}
