//! What a model's result carries: a video, an image or audio.

/// What a model's result carries in its `output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputKind {
    /// `video` (one URL) or `videos`.
    Video,
    /// `image` (one URL) or `images`.
    Image,
    /// `audio` (one URL or a list).
    Audio,
}

impl OutputKind {
    /// The kind as the catalog writes it: `video`, `image` or `audio`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Image => "image",
            Self::Audio => "audio",
        }
    }
}
