//! `cargo xtask catalog import FILE [--check]`: reads a saved catalog
//! answer, plans every model folder in memory (any error stops it before
//! anything is written), compares the plan with `schemas/models/`, then
//! writes it, or with `--check` only says what would change.

use std::path::{Path, PathBuf};

use super::apply::apply;
use super::changes::{ModelChange, compare};
use super::folders::existing;
use super::plan::plan;
use super::records::read;
use super::warning::Warning;
use crate::error::CodegenError;

/// What an import did, or with `--check` would do.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Each model added, removed or changed, by id.
    pub changes: Vec<ModelChange>,
    /// The models whose folders stay byte for byte the same.
    pub unchanged: usize,
    /// The curated folders the answer lists, left as they are.
    pub curated: usize,
    /// What the import warns about.
    pub warnings: Vec<Warning>,
    /// The files written or removed, relative to the root (none with `--check`).
    pub written: Vec<PathBuf>,
}

/// Imports the answer saved in `file` into `<root>/schemas/models`; with
/// `check`, writes nothing.
pub fn import(root: &Path, file: &Path, check: bool) -> Result<Outcome, CodegenError> {
    let catalog = read(file)?;
    let folders = existing(root)?;
    let plan = plan(root, &catalog, file, &folders)?;
    let (changes, unchanged) = compare(&plan, &folders);
    let written = if check {
        Vec::new()
    } else {
        apply(root, &plan)?
    };
    Ok(Outcome {
        changes,
        unchanged,
        curated: plan.curated.len(),
        warnings: plan.warnings,
        written,
    })
}
