//! Real, playable MP4 outputs without linking any codec library.
//!
//! Each finished emulator job serves a genuine H.264-in-MP4 file that
//! `ffprobe`/`ffmpeg` and ordinary players accept. Everything is written by
//! hand here:
//!
//! * an H.264 Constrained Baseline bitstream (4:2:0, 8-bit, CAVLC) in which
//!   the first picture is an IDR slice made only of `I_PCM` macroblocks (raw
//!   samples, so no transform or entropy coding of pixels is needed) and every
//!   later picture is a P slice that skips all macroblocks (a few bytes each);
//!   sizes that are not multiples of 16 are coded macroblock-aligned and
//!   cropped back with the SPS `frame_cropping` fields;
//! * an ISO BMFF (MP4) container with `moov` placed *before* `mdat`
//!   ("faststart"), so a partially downloaded file is already identifiable.
//!
//! The still picture comes from [`Frame::pattern`] (a colour gradient with a
//! few seed-coloured bands) or from [`Frame::from_rgb`] (e.g. a decoded start
//! image).
//!
//! Guarantees this module must keep:
//!
//! * it never panics: invalid input is reported through [`VideoError`];
//! * it is deterministic: the same spec and frame (hence the same seed) always
//!   give byte-identical output, because downloads are resumed with HTTP
//!   `Range` requests; no clocks, randomness or hash-map ordering are used;
//! * it performs no I/O: callers decide where the bytes go.

mod bits;
mod frame;
mod h264;
mod mp4;
mod spec;

pub use frame::Frame;
pub(crate) use frame::pattern_rgb;
pub use spec::{
    DEFAULT_FPS, DEFAULT_HEIGHT, DEFAULT_WIDTH, MAX_DIMENSION, MAX_DURATION_SECS, MAX_FPS,
    MIN_DIMENSION, VideoError, VideoSpec,
};

/// A complete MP4 file: `ftyp`, `moov`, then `mdat`, holding one H.264 video
/// stream of exactly `spec.duration_secs` seconds showing `frame`.
///
/// Never panics; returns [`VideoError::BadSpec`] for specs outside the limits
/// documented on [`VideoSpec`] and [`VideoError::FrameSizeMismatch`] if the
/// frame is not `spec.width × spec.height`.
pub fn render_mp4(spec: &VideoSpec, frame: &Frame) -> Result<Vec<u8>, VideoError> {
    spec.validate()?;
    if frame.width() != spec.width || frame.height() != spec.height {
        return Err(VideoError::FrameSizeMismatch {
            spec_width: spec.width,
            spec_height: spec.height,
            frame_width: frame.width(),
            frame_height: frame.height(),
        });
    }
    mp4::write(spec, &h264::Stream::encode(spec, frame))
}
