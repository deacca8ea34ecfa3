//! Audio outputs as files: a WAV (RIFF, 16-bit PCM, mono) of an exact
//! length: one second of a seeded tone, then silence. The silence is not
//! held: a file is its header and tone ([`WavFile::head`]) and a count of
//! zero bytes streamed after it, so a five-minute file costs what a
//! second does.

use std::f64::consts::TAU;

/// The sample rate when the input names none: CD quality.
pub(crate) const DEFAULT_SAMPLE_RATE: u32 = 44_100;
/// The longest audio output, in seconds (the catalog asks for at most 300).
pub(crate) const MAX_AUDIO_SECS: f64 = 600.0;
/// The bytes of the RIFF header before the samples.
const HEADER_LEN: usize = 44;
/// How long the tone lasts before the silence.
const TONE_SECS: f64 = 1.0;

/// A WAV file: its header and tone, then `silence` zero bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WavFile {
    /// The RIFF header and the tone's samples.
    pub(crate) head: Vec<u8>,
    /// Zero bytes (silent samples) after the head.
    pub(crate) silence: u64,
}

/// Why no WAV could be written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum WavError {
    /// The length is not a number of seconds within bounds.
    #[error("an audio output of {0} s is outside 0 to {MAX_AUDIO_SECS} s")]
    Length(f64),
    /// The sample rate is not one a WAV reader takes.
    #[error("a sample rate of {0} Hz is outside 8000 to 192000 Hz")]
    Rate(u32),
}

/// A WAV of `secs` seconds (rounded to a whole sample) at `sample_rate`,
/// whose tone's pitch comes from `seed`.
pub(crate) fn render_wav(secs: f64, sample_rate: u32, seed: u64) -> Result<WavFile, WavError> {
    if !(secs > 0.0 && secs <= MAX_AUDIO_SECS) {
        return Err(WavError::Length(secs));
    }
    if !(8_000..=192_000).contains(&sample_rate) {
        return Err(WavError::Rate(sample_rate));
    }
    let samples = (secs * f64::from(sample_rate)).round().max(1.0) as u64;
    let tone = samples.min((TONE_SECS * f64::from(sample_rate)) as u64);
    let data_len = samples * 2;
    let mut head = Vec::with_capacity(HEADER_LEN + tone as usize * 2);
    head.extend(b"RIFF");
    // Within u32: at most 600 s × 192 kHz × 2 bytes.
    head.extend((36 + data_len as u32).to_le_bytes());
    head.extend(b"WAVEfmt ");
    head.extend(16u32.to_le_bytes());
    head.extend(1u16.to_le_bytes()); // PCM
    head.extend(1u16.to_le_bytes()); // mono
    head.extend(sample_rate.to_le_bytes());
    head.extend((sample_rate * 2).to_le_bytes()); // bytes a second
    head.extend(2u16.to_le_bytes()); // bytes a frame
    head.extend(16u16.to_le_bytes()); // bits a sample
    head.extend(b"data");
    head.extend((data_len as u32).to_le_bytes());
    // 220 to 880 Hz, faded in and out over the tone so that it never clicks.
    let pitch = 220.0 + (seed % 661) as f64;
    for n in 0..tone {
        let t = n as f64 / f64::from(sample_rate);
        let fade = (std::f64::consts::PI * n as f64 / tone as f64).sin();
        let sample = 0.5 * fade * (TAU * pitch * t).sin() * f64::from(i16::MAX);
        head.extend((sample as i16).to_le_bytes());
    }
    Ok(WavFile {
        head,
        silence: (samples - tone) * 2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The little-endian u32 at `at`.
    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes"))
    }

    #[test]
    fn the_header_says_the_length_and_the_samples_follow() {
        let wav = render_wav(2.5, 16_000, 3).expect("renders");
        let total = wav.head.len() as u64 + wav.silence;
        assert_eq!(&wav.head[..4], b"RIFF");
        assert_eq!(u64::from(u32_at(&wav.head, 4)), total - 8);
        assert_eq!(&wav.head[8..16], b"WAVEfmt ");
        assert_eq!(u32_at(&wav.head, 24), 16_000);
        assert_eq!(&wav.head[36..40], b"data");
        assert_eq!(u32_at(&wav.head, 40), 2 * 40_000, "2.5 s of 16-bit samples");
        assert_eq!(
            wav.head.len(),
            HEADER_LEN + 2 * 16_000,
            "one second of tone"
        );
        assert!(wav.head[HEADER_LEN..].iter().any(|b| *b != 0), "a tone");
        assert_eq!(render_wav(2.5, 16_000, 3), Ok(wav), "deterministic");
    }

    #[test]
    fn a_short_file_is_all_tone_and_bounds_hold() {
        let wav = render_wav(0.25, 8_000, 0).expect("renders");
        assert_eq!((wav.head.len(), wav.silence), (HEADER_LEN + 4_000, 0));
        assert_eq!(render_wav(0.0, 8_000, 0), Err(WavError::Length(0.0)));
        assert_eq!(render_wav(601.0, 8_000, 0), Err(WavError::Length(601.0)));
        assert!(matches!(
            render_wav(f64::NAN, 8_000, 0),
            Err(WavError::Length(_))
        ));
        assert_eq!(render_wav(1.0, 100, 0), Err(WavError::Rate(100)));
        let longest = render_wav(MAX_AUDIO_SECS, 192_000, 0).expect("renders");
        assert_eq!(
            longest.head.len() as u64 + longest.silence,
            HEADER_LEN as u64 + 600 * 192_000 * 2
        );
    }
}
