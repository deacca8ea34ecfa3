//! What the repository's test modules share: copies of the tree's parts in
//! a temporary folder, the provider's snapshot, and saved catalog answers.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use xtask::repository_root;

/// The snapshot's place relative to the repository root: a copy of the
/// provider's file kept in the repository (`schemas/README.md` says whence).
const SNAPSHOT: &str = "schemas/catalog/partner-nodes-models.json";

/// Names another place for the snapshot, for a checkout that is not beside
/// `shared/` (a git worktree elsewhere).
const SNAPSHOT_VARIABLE: &str = "RUNCOMFY_CATALOG_SNAPSHOT";

/// Copies the folder `from` into `to`, recursively.
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

/// A temporary root holding a copy of the repository's `schemas/`.
pub(crate) fn schemas_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    copy_tree(&repository_root().join("schemas"), &root.join("schemas"));
    (dir, root)
}

/// A copy of `schemas/` without the imported model folders' files (the
/// curated folders and every other file stay), as before a first import.
pub(crate) fn schemas_before_import() -> (tempfile::TempDir, PathBuf) {
    let (dir, root) = schemas_copy();
    let folders = xtask::catalog::folders::existing(&root).expect("folders");
    for (id, folder) in folders {
        if folder.facts.is_some_and(|facts| !facts.curated) {
            for name in xtask::catalog::folders::FILES {
                fs::remove_file(root.join(xtask::catalog::folders::dir_of(&id)).join(name))
                    .expect("remove");
            }
        }
    }
    (dir, root)
}

/// The provider's snapshot; a missing one fails the test, saying where it
/// was looked for.
pub(crate) fn snapshot() -> PathBuf {
    let path = std::env::var_os(SNAPSHOT_VARIABLE)
        .map_or_else(|| repository_root().join(SNAPSHOT), PathBuf::from);
    assert!(
        path.is_file(),
        "the provider's catalog snapshot is missing: no file {} (it belongs at {SNAPSHOT} \
         relative to the repository root; {SNAPSHOT_VARIABLE} names another place)",
        path.display()
    );
    path
}

/// Every file under `dir`, by its path relative to `dir`, with its bytes.
pub(crate) fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    xtask::files::walk(dir, &mut |path| {
        let rel = path.strip_prefix(dir).expect("under dir").to_path_buf();
        files.insert(rel, fs::read(path).expect("read"));
    });
    files
}

/// Saves a catalog answer as `name` in `dir`.
pub(crate) fn answer(dir: &Path, name: &str, answer: &Value) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, serde_json::to_string_pretty(answer).expect("json")).expect("write");
    path
}

/// A snapshot-shaped record of a model with these properties.
pub(crate) fn snapshot_record(model_id: &str, output_type: &str, properties: Value) -> Value {
    serde_json::json!({
        "model_id": model_id,
        "display_name": format!("RunComfy {model_id}"),
        "output_type": output_type,
        "pricing_mode": "base",
        "schema": {"type": "object", "properties": properties, "required": []}
    })
}
