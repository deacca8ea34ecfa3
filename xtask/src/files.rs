//! Files as the tasks use them: read, created, written and walked, each
//! error naming the path.

use std::path::Path;

use serde_json::Value;

use crate::error::CodegenError;

/// Every file under `dir`, recursively.
pub fn walk(dir: &Path, found: &mut dyn FnMut(&Path)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, found);
        } else {
            found(&path);
        }
    }
}

/// The file's text; empty when it cannot be read (a log its process never wrote).
pub fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Creates (or truncates) the file.
pub fn create(path: &Path) -> Result<std::fs::File, String> {
    std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes the whole file.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads the file at `rel` under `root`; an error names `rel`.
pub fn read_under(root: &Path, rel: &Path) -> Result<String, CodegenError> {
    std::fs::read_to_string(root.join(rel))
        .map_err(|e| CodegenError::file(rel, format!("cannot read: {e}")))
}

/// Reads a JSON file at `rel` under `root`; a syntax error names the line
/// and column.
pub fn read_json(root: &Path, rel: &Path) -> Result<Value, CodegenError> {
    let text = read_under(root, rel)?;
    serde_json::from_str(&text).map_err(|e| {
        CodegenError::at(
            rel,
            format!("line {} column {}", e.line(), e.column()),
            format!("not valid JSON: {e}"),
        )
    })
}
