//! The model folders already under `schemas/models/`, as an import compares
//! and replaces them: each folder's facts (when it has a facts file) and
//! the text of the files an import writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::facts::{self, Facts};
use crate::error::CodegenError;
use crate::models::{MODELS_DIR, folder_ids};

/// The input schema's file name in a model folder.
pub const INPUT: &str = "input.json";

/// The output schema's file name in a model folder.
pub const OUTPUT: &str = "output.json";

/// The files an import writes into a model folder, in the order it writes them.
pub const FILES: [&str; 3] = [INPUT, OUTPUT, facts::FILE];

/// One model folder as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Folder {
    /// Its facts, when it has a facts file.
    pub facts: Option<Facts>,
    /// The text of each of [`FILES`] that it has.
    pub files: BTreeMap<&'static str, String>,
}

/// A model folder's path relative to the repository root.
pub fn dir_of(model_id: &str) -> PathBuf {
    Path::new(MODELS_DIR).join(model_id)
}

/// Every model folder under `<root>/schemas/models`, by model id (none when
/// the folder does not exist yet).
pub fn existing(root: &Path) -> Result<BTreeMap<String, Folder>, CodegenError> {
    if !root.join(MODELS_DIR).is_dir() {
        return Ok(BTreeMap::new());
    }
    let mut folders = BTreeMap::new();
    for id in folder_ids(root)? {
        let dir = dir_of(&id);
        let facts = facts::read(root, &dir)?;
        let files = FILES
            .iter()
            .filter_map(|name| {
                let text = std::fs::read_to_string(root.join(&dir).join(name)).ok()?;
                Some((*name, text))
            })
            .collect();
        folders.insert(id, Folder { facts, files });
    }
    Ok(folders)
}
