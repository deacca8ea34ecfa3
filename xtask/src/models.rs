//! Finds the model folders under `schemas/models/` and reads their schemas.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::catalog::facts;
use crate::error::CodegenError;
pub use crate::files::read_json;
use crate::lint::{self, Profile};

/// One model: `schemas/models/<model id>/{input,output}.json`.
#[derive(Debug, Clone)]
pub struct Model {
    /// The model id, which is the folder path: `kling/kling-1-6/pro/image-to-video`.
    pub id: String,
    /// The input schema, as written.
    pub input: Value,
    /// The output schema (of the result's `output` object), as written.
    pub output: Value,
}

impl Model {
    /// The folder, relative to the repository root.
    pub fn dir(&self) -> PathBuf {
        Path::new(MODELS_DIR).join(&self.id)
    }

    /// The id's words in order, with a word repeated right after itself
    /// dropped (`kling/kling-1-6` is `kling 1 6`, not `kling kling 1 6`).
    fn words(&self) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        for word in self
            .id
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let word = word.to_ascii_lowercase();
            if words.last() != Some(&word) {
                words.push(word);
            }
        }
        words
    }

    /// The Rust module name: `kling_1_6_pro_image_to_video`.
    pub fn module(&self) -> String {
        let module = self.words().join("_");
        if module.starts_with(|c: char| c.is_ascii_digit()) {
            format!("m_{module}")
        } else {
            module
        }
    }

    /// The prefix of this model's OpenAPI component names: `Kling16ProImageToVideo`.
    pub fn type_prefix(&self) -> String {
        let prefix: String = self
            .words()
            .iter()
            .map(|w| {
                let mut chars = w.chars();
                chars
                    .next()
                    .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            })
            .collect();
        if prefix.starts_with(|c: char| c.is_ascii_digit()) {
            format!("M{prefix}")
        } else {
            prefix
        }
    }
}

/// The folder of every model, relative to the repository root.
pub const MODELS_DIR: &str = "schemas/models";

/// Reads and lints every model under `<root>/schemas/models` that code
/// generation takes, sorted by id: a folder without a facts file, or whose
/// facts say `"codegen": true`.
pub fn discover(root: &Path) -> Result<Vec<Model>, CodegenError> {
    let mut models = Vec::new();
    for id in folder_ids(root)? {
        let rel = Path::new(MODELS_DIR).join(&id);
        let facts = facts::read(root, &rel)?;
        if facts.as_ref().is_some_and(|facts| !facts.codegen) {
            continue;
        }
        let profile = match &facts {
            Some(facts) if !facts.curated => Profile::Imported,
            _ => Profile::Curated,
        };
        let input = read_json(root, &rel.join("input.json"))?;
        let output = read_json(root, &rel.join("output.json"))?;
        lint::model_schema_as(&rel.join("input.json"), &input, profile)?;
        lint::model_schema_as(&rel.join("output.json"), &output, profile)?;
        models.push(Model { id, input, output });
    }
    for pair in models.windows(2) {
        if pair[0].module() == pair[1].module() {
            return Err(CodegenError::file(
                pair[1].dir(),
                format!(
                    "models `{}` and `{}` map to the same Rust module `{}`",
                    pair[0].id,
                    pair[1].id,
                    pair[1].module()
                ),
            ));
        }
    }
    if models.is_empty() {
        return Err(CodegenError::file(
            MODELS_DIR,
            "no model folders (a folder with input.json and output.json)",
        ));
    }
    Ok(models)
}

/// The id of every model folder under `<root>/schemas/models` (a folder
/// holding `input.json` or `output.json`), sorted; an id that cannot be one
/// is an error naming its folder.
pub fn folder_ids(root: &Path) -> Result<Vec<String>, CodegenError> {
    let base = root.join(MODELS_DIR);
    let mut dirs = Vec::new();
    find_model_dirs(&base, &mut dirs).map_err(|e| CodegenError::file(MODELS_DIR, e.to_string()))?;
    let mut ids = Vec::new();
    for dir in dirs {
        let id = dir
            .strip_prefix(&base)
            .map_err(|e| CodegenError::file(&dir, e.to_string()))?
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if let Some(bad) = id
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')))
        {
            return Err(CodegenError::file(
                Path::new(MODELS_DIR).join(&id),
                format!(
                    "model id `{id}` contains `{bad}`; ids are made of ASCII letters, digits, `-`, `_`, `.` and `/`"
                ),
            ));
        }
        ids.push(id);
    }
    ids.sort();
    Ok(ids)
}

fn find_model_dirs(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    if entries
        .iter()
        .any(|e| e.file_name() == "input.json" || e.file_name() == "output.json")
    {
        out.push(dir.to_path_buf());
    }
    for entry in entries {
        if entry.file_type()?.is_dir() {
            find_model_dirs(&entry.path(), out)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(id: &str) -> Model {
        Model {
            id: id.into(),
            input: Value::Null,
            output: Value::Null,
        }
    }

    #[test]
    fn names_come_from_the_id_without_stutter() {
        let kling = model("kling/kling-1-6/pro/image-to-video");
        assert_eq!(kling.module(), "kling_1_6_pro_image_to_video");
        assert_eq!(kling.type_prefix(), "Kling16ProImageToVideo");
        assert_eq!(model("3d/mesh").module(), "m_3d_mesh");
        assert_eq!(model("Flux/dev").type_prefix(), "FluxDev");
    }
}
