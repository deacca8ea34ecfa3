//! Writes an import's plan into `schemas/models/`: only the files whose
//! bytes change, each through a temporary file renamed into place, so a
//! re-import touches nothing; a removed model's files are deleted, and its
//! folders with them once empty (a folder may hold another model's).

use std::fs;
use std::path::{Path, PathBuf};

use super::folders::{FILES, dir_of};
use super::plan::Plan;
use crate::error::CodegenError;
use crate::models::MODELS_DIR;

/// Applies the plan under `root`; returns the files written or removed,
/// relative to `root`.
pub fn apply(root: &Path, plan: &Plan) -> Result<Vec<PathBuf>, CodegenError> {
    let mut touched = Vec::new();
    for model in &plan.models {
        let dir = dir_of(&model.id);
        fs::create_dir_all(root.join(&dir))
            .map_err(|e| CodegenError::file(&dir, format!("cannot create: {e}")))?;
        for (name, text) in &model.files {
            let rel = dir.join(name);
            let target = root.join(&rel);
            if fs::read_to_string(&target).ok().as_deref() == Some(text.as_str()) {
                continue;
            }
            let temporary = target.with_extension("import-tmp");
            fs::write(&temporary, text)
                .and_then(|()| fs::rename(&temporary, &target))
                .map_err(|e| CodegenError::file(&rel, format!("cannot write: {e}")))?;
            touched.push(rel);
        }
    }
    for id in &plan.removed {
        let dir = dir_of(id);
        for name in FILES {
            let rel = dir.join(name);
            if root.join(&rel).exists() {
                fs::remove_file(root.join(&rel))
                    .map_err(|e| CodegenError::file(&rel, format!("cannot remove: {e}")))?;
                touched.push(rel);
            }
        }
        prune(root, &dir);
    }
    Ok(touched)
}

/// Removes `dir` and its parents up to `schemas/models` while they are empty.
fn prune(root: &Path, dir: &Path) {
    let mut dir = Some(dir);
    while let Some(current) = dir.filter(|d| *d != Path::new(MODELS_DIR)) {
        // Fails, and stops, at the first folder that still holds something.
        if fs::remove_dir(root.join(current)).is_err() {
            return;
        }
        dir = current.parent();
    }
}
