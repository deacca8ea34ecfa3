//! Every model's input schema, read as a file from `schemas/models/<model
//! id>/input.json` (found by walking the folder), so that the tests need
//! nothing from the generated types.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// One model's input schema.
pub(crate) struct Model {
    /// The model id (`kling/kling-1-6/pro/image-to-video`).
    pub(crate) id: String,
    pub(crate) schema: Value,
}

fn models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/models")
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            walk(&path, found);
        } else if path.file_name().is_some_and(|name| name == "input.json") {
            found.push(path);
        }
    }
}

/// Every model under `schemas/models/`, sorted by id.
pub(crate) fn all() -> Vec<Model> {
    let root = models_dir();
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let id = file
                .parent()
                .and_then(|dir| dir.strip_prefix(&root).ok())
                .map(|dir| dir.to_string_lossy().replace('\\', "/"))
                .expect("a folder under schemas/models");
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let schema = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not JSON: {e}", file.display()));
            Model { id, schema }
        })
        .collect()
}

/// The model with this id.
pub(crate) fn named(id: &str) -> Model {
    all()
        .into_iter()
        .find(|model| model.id == id)
        .unwrap_or_else(|| panic!("no model {id} under schemas/models"))
}
