//! Synthetic workspace trees for the rules' tests, written to a temporary
//! folder and read back like the real one.

use std::path::Path;

use super::tree::Workspace;
use super::violation::{Rule, Violation};

/// A tree of `files` (path, text) under a fresh temporary folder, read.
pub(super) fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    let workspace = Workspace::load(dir.path()).expect("the tree reads");
    (dir, workspace)
}

/// Writes one file of a tree, making its folders.
pub(super) fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("folders");
    }
    std::fs::write(path, text).expect("a file");
}

/// `lines` lines of `text`, each ending with a newline.
pub(super) fn lines(count: usize, text: &str) -> String {
    format!("{text}\n").repeat(count)
}

/// Each violation's rule, file and line.
pub(super) fn places(found: &[Violation]) -> Vec<(Rule, &str, usize)> {
    found
        .iter()
        .map(|v| (v.rule, v.file.as_str(), v.line))
        .collect()
}
