//! The three questions a media test asks a probe, and a complete answer.

use runcomfy_validate::media::{MediaFacts, Needs};

pub(crate) const BOTH: Needs = Needs {
    dimensions: true,
    size: true,
};
pub(crate) const DIMS: Needs = Needs {
    dimensions: true,
    size: false,
};
pub(crate) const SIZE: Needs = Needs {
    dimensions: false,
    size: true,
};

/// The answer to [`BOTH`] when everything was found.
pub(crate) fn all_known(width: u32, height: u32, size_bytes: usize) -> MediaFacts {
    MediaFacts {
        width: Some(width),
        height: Some(height),
        size_bytes: Some(size_bytes as u64),
    }
}
