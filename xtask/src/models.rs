//! Finds the model folders under `schemas/models/` and reads their schemas
//! and facts, each linted and named (see [`naming`]).

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::catalog::facts::{self, Facts};
use crate::error::CodegenError;
pub use crate::files::read_json;
use crate::lint::{self, Profile};
use crate::naming;

/// One model: `schemas/models/<model id>/{input,output,model}.json`.
#[derive(Debug, Clone)]
pub struct Model {
    /// The model id, which is the folder path: `kling/kling-1-6/pro/image-to-video`.
    pub id: String,
    /// Its Rust module path, a module a segment (see [`naming`]):
    /// `["kling", "kling_1_6", "pro", "image_to_video"]`.
    pub path: Vec<String>,
    /// The catalog facts (`model.json`).
    pub facts: Facts,
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

    /// The provider: the id's first segment, which names the cargo feature
    /// of its typed modules (`kling`, `wan-ai`).
    pub fn provider(&self) -> &str {
        self.id.split('/').next().unwrap_or(&self.id)
    }

    /// The flat name of its OpenAPI operations: `kling_1_6_pro_image_to_video`.
    pub fn flat_name(&self) -> String {
        naming::flat_name(&self.id)
    }

    /// The prefix of this model's OpenAPI component names: `Kling16ProImageToVideo`.
    pub fn type_prefix(&self) -> String {
        naming::type_prefix(&self.id)
    }

    /// The names of the inputs marked `x-runcomfy-unvalidated`, in the
    /// schema's order.
    pub fn unvalidated_inputs(&self) -> Vec<&str> {
        self.input
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(_, schema)| schema.get(lint::UNVALIDATED) == Some(&Value::Bool(true)))
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

/// The folder of every model, relative to the repository root.
pub const MODELS_DIR: &str = "schemas/models";

/// Reads and lints every model under `<root>/schemas/models` that code
/// generation takes, sorted by id: a folder whose facts say
/// `"codegen": true`. Every folder has its facts: the data module is made
/// of them. Two ids with the same module path or flat name are an error
/// naming both.
pub fn discover(root: &Path) -> Result<Vec<Model>, CodegenError> {
    let mut models = Vec::new();
    for id in folder_ids(root)? {
        let rel = Path::new(MODELS_DIR).join(&id);
        let facts = facts::read(root, &rel)?.ok_or_else(|| {
            CodegenError::file(
                rel.join(facts::FILE),
                format!(
                    "missing: every model folder has its facts ({})",
                    facts::SCHEMA
                ),
            )
        })?;
        if !facts.codegen {
            continue;
        }
        if facts.model_id != id {
            return Err(CodegenError::at(
                rel.join(facts::FILE),
                "/model_id",
                format!("says `{}` but the folder is `{id}`", facts.model_id),
            ));
        }
        let profile = if facts.curated {
            Profile::Curated
        } else {
            Profile::Imported
        };
        let input = read_json(root, &rel.join("input.json"))?;
        let output = read_json(root, &rel.join("output.json"))?;
        lint::model_schema_as(&rel.join("input.json"), &input, profile)?;
        lint::model_schema_as(&rel.join("output.json"), &output, profile)?;
        let path = naming::module_path(&id).map_err(|reason| CodegenError::file(&rel, reason))?;
        models.push(Model {
            id,
            path,
            facts,
            input,
            output,
        });
    }
    if models.is_empty() {
        return Err(CodegenError::file(
            MODELS_DIR,
            "no model folders (a folder with input.json and output.json)",
        ));
    }
    no_clashes(&models)?;
    Ok(models)
}

/// Two models whose module paths or flat names are the same are an error
/// naming both.
fn no_clashes(models: &[Model]) -> Result<(), CodegenError> {
    /// What an id maps to, by which rule.
    type Rule = (&'static str, fn(&str) -> String);
    let ids = || models.iter().map(|model| model.id.as_str());
    let rules: [Rule; 2] = [
        ("Rust module", |id| {
            naming::module_path(id).unwrap_or_default().join("::")
        }),
        ("OpenAPI name", naming::flat_name),
    ];
    for (what, rule) in rules {
        if let Some((first, second, name)) = naming::first_clash(ids(), rule) {
            return Err(CodegenError::file(
                Path::new(MODELS_DIR).join(second),
                format!("models `{first}` and `{second}` map to the same {what} `{name}`"),
            ));
        }
    }
    Ok(())
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
