//! One generated file as the generators make it in memory: its path and
//! its contents.

use std::path::PathBuf;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the repository root.
    pub path: PathBuf,
    /// Full contents.
    pub contents: String,
}

impl GeneratedFile {
    /// A file at `path` (relative to the repository root).
    pub fn new(path: impl Into<PathBuf>, contents: String) -> Self {
        Self {
            path: path.into(),
            contents,
        }
    }
}
