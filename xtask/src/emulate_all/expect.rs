//! What a model's output must be, as ffprobe reads it, given the input it
//! was built from: a codec of the model's kind, the length the input asks
//! (`duration` in seconds, or `music_length_ms`), and the size it asks
//! (`width` × `height`, or the `aspect_ratio` where it decides the
//! picture: an image's, or a video's made without a start image).
//!
//! Tolerances: a length within 0.05 s (whole frames, whole samples); an
//! aspect ratio within 2% (sides are rounded to whole pixels, an image's to
//! multiples of 16).

use runcomfy_testkit::ffprobe::Probed;
use runcomfy_types::OutputKind;
use serde_json::Value;

/// How far a length may be from the one asked, in seconds.
const LENGTH_TOLERANCE: f64 = 0.05;
/// How far an aspect ratio may be from the one asked, relatively.
const RATIO_TOLERANCE: f64 = 0.02;

/// The size an input asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Size {
    /// `width` × `height`, exactly.
    Exact(u64, u64),
    /// Width over height.
    Ratio(f64),
}

/// What the output of one job must be.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    /// The codecs ffprobe may name for the model's kind.
    pub codecs: &'static [&'static str],
    /// The length asked, in seconds.
    pub seconds: Option<f64>,
    /// The size asked.
    pub size: Option<Size>,
}

impl Expected {
    /// What an output of `kind` made from `input` must be.
    pub fn of(kind: OutputKind, input: &Value) -> Self {
        let (codecs, timed): (&'static [&'static str], bool) = match kind {
            OutputKind::Video => (&["h264"], true),
            OutputKind::Image => (&["png", "mjpeg", "webp"], false),
            OutputKind::Audio => (&["pcm_s16le"], true),
            _ => (&[], false),
        };
        let seconds = timed.then(|| asked_seconds(input)).flatten();
        let pictured = match kind {
            OutputKind::Image => true,
            OutputKind::Video => !has_image(input),
            _ => false,
        };
        let size = pictured.then(|| asked_size(input)).flatten();
        Self {
            codecs,
            seconds,
            size,
        }
    }

    /// `Ok` with what was found in a few words, or what differs.
    pub fn judge(&self, probed: &Probed) -> Result<String, String> {
        let found = describe(probed);
        if !self.codecs.contains(&probed.codec.as_str()) {
            return Err(format!("{found}: not one of {:?}", self.codecs));
        }
        if let Some(asked) = self.seconds {
            let off = |got: f64| (asked - got).abs() > LENGTH_TOLERANCE;
            if probed.duration.is_none_or(off) {
                return Err(format!("{found}: {asked} s asked"));
            }
        }
        let (width, height) = (probed.width.unwrap_or(0), probed.height.unwrap_or(0));
        match self.size {
            Some(Size::Exact(w, h)) if (w, h) != (width, height) => {
                Err(format!("{found}: {w}x{h} asked"))
            }
            Some(Size::Ratio(ratio)) if !ratio_matches(ratio, width, height) => {
                Err(format!("{found}: an aspect ratio of {ratio:.3} asked"))
            }
            _ => Ok(found),
        }
    }
}

/// `h264 320x180 5.00 s`, what is known of it.
fn describe(probed: &Probed) -> String {
    let mut words = probed.codec.clone();
    if let (Some(width), Some(height)) = (probed.width, probed.height) {
        words.push_str(&format!(" {width}x{height}"));
    }
    if let Some(seconds) = probed.duration {
        words.push_str(&format!(" {seconds:.2} s"));
    }
    words
}

fn ratio_matches(ratio: f64, width: u64, height: u64) -> bool {
    height > 0 && ((width as f64 / height as f64) / ratio - 1.0).abs() <= RATIO_TOLERANCE
}

/// `duration` (a number or a numeric string), else `music_length_ms` in
/// seconds; `auto` and the like ask nothing this check can know.
fn asked_seconds(input: &Value) -> Option<f64> {
    let number = |value: &Value| {
        value
            .as_f64()
            .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
    };
    number(&input["duration"]).or_else(|| number(&input["music_length_ms"]).map(|ms| ms / 1000.0))
}

/// `width` × `height` when both are given, else an `aspect_ratio` `W:H`.
fn asked_size(input: &Value) -> Option<Size> {
    if let (Some(width), Some(height)) = (input["width"].as_u64(), input["height"].as_u64()) {
        return Some(Size::Exact(width, height));
    }
    let (w, h) = input["aspect_ratio"].as_str()?.split_once(':')?;
    let (w, h): (f64, f64) = (w.parse().ok()?, h.parse().ok()?);
    (w > 0.0 && h > 0.0).then_some(Size::Ratio(w / h))
}

/// Whether any field (or item of one) is an image `data:` URI: then a
/// video's picture may be the image's, whatever ratio was asked.
fn has_image(input: &Value) -> bool {
    match input {
        Value::String(text) => text.starts_with("data:image/"),
        Value::Array(items) => items.iter().any(has_image),
        Value::Object(fields) => fields.values().any(has_image),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn probed(codec: &str, size: Option<(u64, u64)>, duration: Option<f64>) -> Probed {
        let (width, height) = size.unzip();
        Probed {
            codec: codec.into(),
            width,
            height,
            duration,
        }
    }

    #[test]
    fn a_video_made_without_an_image_has_the_length_and_ratio_asked() {
        let input = json!({"prompt": "a", "duration": "5", "aspect_ratio": "9:16"});
        let expected = Expected::of(OutputKind::Video, &input);
        assert_eq!(expected.seconds, Some(5.0));
        assert!(
            expected
                .judge(&probed("h264", Some((180, 320)), Some(5.0)))
                .is_ok()
        );
        assert!(
            expected
                .judge(&probed("h264", Some((320, 180)), Some(5.0)))
                .is_err()
        );
        assert!(
            expected
                .judge(&probed("h264", Some((180, 320)), Some(4.0)))
                .is_err()
        );
        assert!(
            expected
                .judge(&probed("png", Some((180, 320)), Some(5.0)))
                .is_err()
        );
    }

    #[test]
    fn a_start_image_leaves_a_videos_size_unasked_and_an_image_has_no_length() {
        let started = json!({"image": "data:image/png;base64,AA", "aspect_ratio": "1:1"});
        assert_eq!(Expected::of(OutputKind::Video, &started).size, None);
        let image = Expected::of(OutputKind::Image, &json!({"width": 64, "height": 512}));
        assert_eq!(image.size, Some(Size::Exact(64, 512)));
        assert_eq!(image.seconds, None);
        let audio = Expected::of(OutputKind::Audio, &json!({"music_length_ms": 5000}));
        assert!(audio.judge(&probed("pcm_s16le", None, Some(5.02))).is_ok());
    }
}
