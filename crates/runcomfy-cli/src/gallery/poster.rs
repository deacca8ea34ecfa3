//! A video's poster without ffmpeg: the job's start picture, when its input
//! carries one inline.
//!
//! No frame can be taken from an MP4 without a decoder, but an
//! image-to-video job starts from its input picture: a `data:image/` URI
//! of the input, small enough to inline and complete (a header alone, as
//! the tests' fixtures send, would be a broken picture), is the poster.

use base64::Engine as _;
use serde_json::Value;

/// The largest start picture inlined as a poster, in characters of its URI.
pub(crate) const MAX_POSTER_CHARS: usize = 128 * 1024;

/// The input's first inline picture fit to be a poster.
pub(crate) fn start_picture(input: &Value) -> Option<String> {
    let Value::Object(fields) = input else {
        return None;
    };
    fields
        .values()
        .filter_map(Value::as_str)
        .find(|text| text.len() <= MAX_POSTER_CHARS && is_complete_picture(text))
        .map(str::to_owned)
}

/// Whether `uri` is a base64 `data:` PNG, JPEG or WebP with all its parts.
fn is_complete_picture(uri: &str) -> bool {
    let Some((media_type, payload)) = uri
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(";base64,"))
    else {
        return false;
    };
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(payload) else {
        return false;
    };
    match media_type {
        "image/png" => bytes.starts_with(b"\x89PNG") && bytes.windows(4).any(|w| w == b"IDAT"),
        "image/jpeg" => bytes.starts_with(&[0xFF, 0xD8]) && bytes.ends_with(&[0xFF, 0xD9]),
        "image/webp" => bytes.len() > 16 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_a_complete_inline_picture_is_a_poster() {
        let png = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/start.png"
        ))
        .expect("examples/start.png");
        let uri = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        );
        let input = json!({"prompt": "p", "image_url": uri, "duration": 5});
        assert_eq!(start_picture(&input), Some(uri));
        let header_only = runcomfy_validate::fixtures::png_data_uri(1280, 720);
        assert_eq!(start_picture(&json!({"image_url": header_only})), None);
        let remote = json!({"image_url": "https://example.com/a.png"});
        assert_eq!(start_picture(&remote), None, "nothing from the network");
        let huge = format!("data:image/png;base64,{}", "A".repeat(MAX_POSTER_CHARS));
        assert_eq!(start_picture(&json!({"image_url": huge})), None);
    }
}
