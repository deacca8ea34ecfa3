//! A model folder's facts file, `model.json`: what the CLI and the emulator
//! need from the catalog besides the schemas (display name, output kind,
//! categories, price when known, inputs passed through unchecked), where it
//! came from, whether the folder is curated (an import never overwrites it)
//! and whether code generation takes it. Every facts file matches
//! `schemas/catalog/facts.json`.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::kind::{KindSource, OutputKind};
use crate::error::CodegenError;
use crate::files::read_json;

/// The facts file's name inside a model folder.
pub const FILE: &str = "model.json";

/// The JSON Schema every facts file matches, relative to the repository root.
pub const SCHEMA: &str = "schemas/catalog/facts.json";

/// Whether `cargo xtask codegen` takes a folder the import writes: every
/// imported model has its typed module (the curated seed folder says `true`
/// by itself). A folder can still be left out by setting its facts to `false`.
pub const GENERATE_IMPORTED: bool = true;

/// The contents of `model.json`, in the order it is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// The model id, the folder's path under `schemas/models/`.
    pub model_id: String,
    /// The catalog's display name.
    pub display_name: String,
    /// What the result's `output` carries.
    pub output_kind: OutputKind,
    /// The live catalog's categories (`text-to-video`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// The live catalog's `kind` (`model` for a hosted model), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The live catalog's base price in US dollars, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_price_usd: Option<f64>,
    /// What the base price is for: `output` or `second`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_unit: Option<String>,
    /// The live catalog's words on the price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing_note: Option<String>,
    /// The snapshot's `pricing_mode` (`base` or `fixed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing_mode: Option<String>,
    /// Inputs whose shape is not public, in the schema as properties that
    /// accept anything (marked `x-runcomfy-unvalidated`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub omitted_inputs: Vec<String>,
    /// The snapshot's notes on what the model does not do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limitations: Vec<String>,
    /// Written by hand: an import never overwrites the folder.
    pub curated: bool,
    /// Whether `cargo xtask codegen` generates code for the folder.
    pub codegen: bool,
    /// Where these facts came from.
    pub source: Source,
}

/// Which file and record a folder came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The catalog file's name (or the seed page a curated folder follows).
    pub file: String,
    /// The shape of that file.
    pub shape: Shape,
    /// The JSON pointer of the record in the file (`/17`, `/models/3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// How the output kind was told.
    pub output_kind_from: KindSource,
}

/// The shape of the file a folder came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// The provider's snapshot: records with `schema` and `output_type`.
    Snapshot,
    /// A saved live answer: records with `input_schema`, categories, prices.
    Live,
    /// A seed page, read by hand.
    Seed,
}

impl Facts {
    /// The facts as `model.json` holds them.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// The facts of the folder `dir` (relative to `root`), or `None` when it
/// has no facts file (a folder made by hand with its schemas only).
pub fn read(root: &Path, dir: &Path) -> Result<Option<Facts>, CodegenError> {
    let rel = dir.join(FILE);
    if !root.join(&rel).exists() {
        return Ok(None);
    }
    let value = read_json(root, &rel)?;
    serde_json::from_value(value)
        .map(Some)
        .map_err(|e| CodegenError::file(&rel, format!("not a facts file ({SCHEMA}): {e}")))
}

/// The compiled schema of facts files.
pub struct FactsSchema {
    validator: jsonschema::Validator,
}

impl FactsSchema {
    /// Reads and compiles `schemas/catalog/facts.json` under `root`.
    pub fn load(root: &Path) -> Result<Self, CodegenError> {
        let schema = read_json(root, Path::new(SCHEMA))?;
        let validator = jsonschema::draft7::new(&schema)
            .map_err(|e| CodegenError::file(SCHEMA, format!("not a valid draft-07 schema: {e}")))?;
        Ok(Self { validator })
    }

    /// Checks one facts file's contents; the error names `file` and the
    /// first place that does not match.
    pub fn check(&self, file: &Path, facts: &Value) -> Result<(), CodegenError> {
        match self.validator.iter_errors(facts).next() {
            None => Ok(()),
            Some(error) => Err(CodegenError::at(
                file,
                error.instance_path().as_str(),
                format!("does not match {SCHEMA}: {error}"),
            )),
        }
    }
}
