//! The default median run time of a job, by its model's output kind and
//! the length it asks for: what the service's models take, roughly.

use crate::kind::OutputKind;

/// The video length assumed when a job asks for none.
pub(crate) const DEFAULT_VIDEO_SECS: f64 = 5.0;
/// The audio length assumed when a job asks for none.
pub(crate) const DEFAULT_AUDIO_SECS: f64 = 10.0;

/// The median run time in seconds of a job of `kind` asking for
/// `requested_secs` of output: a video takes 60 s plus 36 s per second
/// (Kling 1.6 Pro: 4 minutes for 5 s, 7 for 10 s), an image 30 s, audio
/// 30 s plus half its length.
pub(crate) fn median_secs(kind: OutputKind, requested_secs: Option<f64>) -> f64 {
    match kind {
        OutputKind::Video => 60.0 + 36.0 * requested_secs.unwrap_or(DEFAULT_VIDEO_SECS),
        OutputKind::Image => 30.0,
        OutputKind::Audio => 30.0 + 0.5 * requested_secs.unwrap_or(DEFAULT_AUDIO_SECS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_follow_the_kind_and_the_requested_length() {
        for (kind, secs, median) in [
            (OutputKind::Video, Some(5.0), 240.0),
            (OutputKind::Video, Some(10.0), 420.0),
            (OutputKind::Video, None, 240.0),
            (OutputKind::Image, None, 30.0),
            (OutputKind::Image, Some(99.0), 30.0),
            (OutputKind::Audio, Some(60.0), 60.0),
            (OutputKind::Audio, None, 35.0),
        ] {
            assert_eq!(median_secs(kind, secs), median, "{kind:?} {secs:?}");
        }
    }
}
