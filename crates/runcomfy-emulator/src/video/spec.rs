//! What a video is asked to be ([`VideoSpec`]), the limits it must keep, and
//! why a render can fail ([`VideoError`]).

/// Default frame width in pixels used by [`VideoSpec::new`].
pub const DEFAULT_WIDTH: u32 = 320;
/// Default frame height in pixels used by [`VideoSpec::new`].
pub const DEFAULT_HEIGHT: u32 = 180;
/// Default frame rate used by [`VideoSpec::new`].
pub const DEFAULT_FPS: u32 = 24;
/// Smallest accepted frame width or height, in pixels.
pub const MIN_DIMENSION: u32 = 16;
/// Largest accepted frame width or height, in pixels.
pub const MAX_DIMENSION: u32 = 4096;
/// Largest accepted frame rate.
pub const MAX_FPS: u32 = 60;
/// Largest accepted duration, in seconds.
pub const MAX_DURATION_SECS: u32 = 600;

/// What to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoSpec {
    /// Displayed width in pixels: even, 16..=4096.
    pub width: u32,
    /// Displayed height in pixels: even, 16..=4096.
    pub height: u32,
    /// Exact duration in whole seconds: 1..=600.
    pub duration_secs: u32,
    /// Frames per second: 1..=60.
    pub fps: u32,
}

impl VideoSpec {
    /// A 320×180, 24 fps spec of the given duration.
    pub fn new(duration_secs: u32) -> Self {
        Self {
            width: DEFAULT_WIDTH,
            height: DEFAULT_HEIGHT,
            duration_secs,
            fps: DEFAULT_FPS,
        }
    }

    /// Checks the limits documented on each field.
    pub fn validate(&self) -> Result<(), VideoError> {
        for (name, value) in [("width", self.width), ("height", self.height)] {
            if !(MIN_DIMENSION..=MAX_DIMENSION).contains(&value) || value % 2 != 0 {
                return Err(VideoError::BadSpec(format!(
                    "{name} must be even and within {MIN_DIMENSION}..={MAX_DIMENSION}, got {value}"
                )));
            }
        }
        if !(1..=MAX_FPS).contains(&self.fps) {
            return Err(VideoError::BadSpec(format!(
                "fps must be within 1..={MAX_FPS}, got {}",
                self.fps
            )));
        }
        if !(1..=MAX_DURATION_SECS).contains(&self.duration_secs) {
            return Err(VideoError::BadSpec(format!(
                "duration_secs must be within 1..={MAX_DURATION_SECS}, got {}",
                self.duration_secs
            )));
        }
        Ok(())
    }

    /// Number of frames in the video (`duration_secs × fps`, saturating).
    pub fn frame_count(&self) -> u32 {
        self.duration_secs.saturating_mul(self.fps)
    }
}

/// Why a video could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VideoError {
    /// The [`VideoSpec`] is outside the supported limits.
    #[error("unsupported video spec: {0}")]
    BadSpec(String),
    /// The frame does not have the spec's width and height.
    #[error(
        "frame is {frame_width}x{frame_height} but the spec asks for {spec_width}x{spec_height}"
    )]
    FrameSizeMismatch {
        /// Width requested by the spec.
        spec_width: u32,
        /// Height requested by the spec.
        spec_height: u32,
        /// Width of the frame given.
        frame_width: u32,
        /// Height of the frame given.
        frame_height: u32,
    },
    /// The file would exceed the 4 GiB limit of 32-bit MP4 offsets.
    #[error("the video would be too large for a 32-bit MP4")]
    TooLarge,
}
