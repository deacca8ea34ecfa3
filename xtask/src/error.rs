//! The one error type of the code generator: where, and why.

use std::fmt;
use std::path::PathBuf;

/// A schema or generator failure, naming the file, the JSON pointer (when
/// there is one) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodegenError {
    /// The file at fault, relative to the repository root.
    pub file: PathBuf,
    /// JSON pointer into the file, or a `line L column C` position.
    pub pointer: Option<String>,
    /// What is wrong and, where it helps, what is allowed.
    pub reason: String,
}

impl CodegenError {
    /// An error at a pointer of a file.
    pub fn at(
        file: impl Into<PathBuf>,
        pointer: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            pointer: Some(pointer.into()),
            reason: reason.into(),
        }
    }

    /// An error about a whole file.
    pub fn file(file: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            pointer: None,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pointer {
            Some(pointer) if pointer.starts_with("line ") => {
                write!(f, "{} ({pointer}): {}", self.file.display(), self.reason)
            }
            Some(pointer) => write!(f, "{}#{}: {}", self.file.display(), pointer, self.reason),
            None => write!(f, "{}: {}", self.file.display(), self.reason),
        }
    }
}

impl std::error::Error for CodegenError {}
