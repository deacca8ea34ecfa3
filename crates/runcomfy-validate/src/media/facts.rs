//! What is asked about a media file ([`Needs`]) and what is learned
//! ([`MediaFacts`]): the vocabulary the probe and the media rules share.

/// What is known about one media file. `None` = not determined (not needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MediaFacts {
    /// Width in pixels.
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
    /// Size of the file in bytes. When it had to be counted against a size
    /// limit, a value greater than the limit means "larger than the limit"
    /// (the count stops at limit + 1).
    pub size_bytes: Option<u64>,
}

/// What the caller needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    /// Width and height are needed.
    pub dimensions: bool,
    /// The size in bytes is needed.
    pub size: bool,
}
