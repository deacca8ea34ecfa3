//! What a model's result carries: a video, an image or audio.

/// What a model's result carries in its `output`: the kinds this emulator
/// makes, each one of the catalog's [`runcomfy_types::OutputKind`]s (which
/// may grow).
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
        runcomfy_types::OutputKind::from(self).as_str()
    }

    /// The emulator's kind of the catalog's `kind`; `None` for one it does
    /// not make.
    pub fn of(kind: runcomfy_types::OutputKind) -> Option<Self> {
        match kind {
            runcomfy_types::OutputKind::Video => Some(Self::Video),
            runcomfy_types::OutputKind::Image => Some(Self::Image),
            runcomfy_types::OutputKind::Audio => Some(Self::Audio),
            _ => None,
        }
    }
}

impl From<OutputKind> for runcomfy_types::OutputKind {
    fn from(kind: OutputKind) -> Self {
        match kind {
            OutputKind::Video => Self::Video,
            OutputKind::Image => Self::Image,
            OutputKind::Audio => Self::Audio,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_the_catalogs_of_the_same_name() {
        for kind in [OutputKind::Video, OutputKind::Image, OutputKind::Audio] {
            let theirs = runcomfy_types::OutputKind::from(kind);
            assert_eq!(OutputKind::of(theirs), Some(kind));
            assert_eq!(kind.as_str(), theirs.as_str());
        }
        assert_eq!(OutputKind::Audio.as_str(), "audio");
    }
}
