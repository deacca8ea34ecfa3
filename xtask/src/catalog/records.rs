//! A saved catalog answer read into records, in either shape: the live
//! API's (`{"models": [...], "total": N}`, records with `input_schema`,
//! `categories`, `kind` and prices) or the snapshot's (an array of records
//! with `schema` and `output_type`). Every error names the file, and the
//! record by its JSON pointer and model id.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::facts::Shape;
use crate::error::CodegenError;
use crate::files::read_json;

/// One model of the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Where the record is in the file (`/17`, `/models/3`).
    pub pointer: String,
    /// Which shape the record has.
    pub shape: Shape,
    /// The model id.
    pub model_id: String,
    /// The catalog's display name.
    pub display_name: String,
    /// The snapshot's `VIDEO`, `IMAGE` or `AUDIO`.
    pub output_type: Option<String>,
    /// The live record's categories.
    pub categories: Option<Vec<String>>,
    /// The live record's `kind`.
    pub kind: Option<String>,
    /// The live record's base price in US dollars.
    pub base_price_usd: Option<f64>,
    /// `output` or `second`.
    pub price_unit: Option<String>,
    /// The live record's words on the price.
    pub pricing_note: Option<String>,
    /// The snapshot's pricing mode.
    pub pricing_mode: Option<String>,
    /// The input schema, as the catalog gives it.
    pub schema: Map<String, Value>,
    /// Inputs the snapshot dropped because their shape is not public.
    pub omitted_inputs: Vec<String>,
    /// The snapshot's notes on what the model does not do.
    pub limitations: Vec<String>,
}

/// The answer: its file name and its records, in the file's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    /// The file's name, as the facts record it.
    pub file_name: String,
    /// Every record.
    pub records: Vec<Record>,
}

/// A record as either shape writes it; unknown fields are ignored.
#[derive(Deserialize)]
struct Raw {
    model_id: String,
    display_name: String,
    #[serde(default)]
    output_type: Option<String>,
    #[serde(default)]
    categories: Option<Vec<String>>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    base_price_usd: Option<f64>,
    #[serde(default)]
    price_unit: Option<String>,
    #[serde(default)]
    pricing_note: Option<String>,
    #[serde(default)]
    pricing_mode: Option<String>,
    #[serde(default)]
    schema: Option<Map<String, Value>>,
    #[serde(default)]
    input_schema: Option<Map<String, Value>>,
    #[serde(default)]
    omitted_inputs: Vec<String>,
    #[serde(default)]
    limitations: Vec<String>,
}

const SHAPES: &str = "expected the live catalog's answer `{\"models\": [...], \"total\": N}` \
                      or the snapshot's array of records";

/// Reads the answer saved in `path`.
pub fn read(path: &Path) -> Result<Catalog, CodegenError> {
    let value = read_json(Path::new(""), path)?;
    let (prefix, entries) = entries(path, &value)?;
    let mut records = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (index, entry) in entries.iter().enumerate() {
        let record = record(path, format!("{prefix}/{index}"), entry)?;
        if let Some(first) = seen.insert(record.model_id.clone(), record.pointer.clone()) {
            return Err(CodegenError::at(
                path,
                &record.pointer,
                format!(
                    "model `{}` is listed twice (also at {first})",
                    record.model_id
                ),
            ));
        }
        records.push(record);
    }
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(Catalog { file_name, records })
}

/// The records' array and the pointer prefix of its entries.
fn entries<'v>(path: &Path, value: &'v Value) -> Result<(&'static str, &'v [Value]), CodegenError> {
    if let Some(records) = value.as_array() {
        return Ok(("", records));
    }
    let Some(records) = value.get("models").and_then(Value::as_array) else {
        return Err(CodegenError::file(path, SHAPES));
    };
    match value.get("total") {
        None => {}
        Some(total) if total.as_u64() == Some(records.len() as u64) => {}
        Some(total) if total.as_u64().is_some() => {
            // The import removes the folders the answer lacks: a page would
            // remove every model on the other pages.
            return Err(CodegenError::at(
                path,
                "/total",
                format!(
                    "the answer holds {} of {total} models (one page of the list); \
                     save every page's models into one answer",
                    records.len()
                ),
            ));
        }
        Some(_) => {
            return Err(CodegenError::at(
                path,
                "/total",
                "`total` must be a whole number",
            ));
        }
    }
    Ok(("/models", records))
}

/// One record, checked.
fn record(path: &Path, pointer: String, entry: &Value) -> Result<Record, CodegenError> {
    let named = entry
        .get("model_id")
        .and_then(Value::as_str)
        .map_or_else(String::new, |id| format!("model `{id}`: "));
    let fail = |reason: String| CodegenError::at(path, &pointer, format!("{named}{reason}"));
    let raw = Raw::deserialize(entry).map_err(|e| fail(format!("not a catalog record: {e}")))?;
    check_model_id(&raw.model_id).map_err(&fail)?;
    let (shape, schema) = match (raw.schema, raw.input_schema) {
        (Some(schema), None) => (Shape::Snapshot, schema),
        (None, Some(schema)) => (Shape::Live, schema),
        (Some(_), Some(_)) => return Err(fail("has both `schema` and `input_schema`".into())),
        (None, None) => {
            return Err(fail(
                "has no input schema (`schema`, or `input_schema`: save the answer of \
                 GET /v1/models?include_schema=true)"
                    .into(),
            ));
        }
    };
    Ok(Record {
        pointer,
        shape,
        model_id: raw.model_id,
        display_name: raw.display_name,
        output_type: raw.output_type,
        categories: raw.categories,
        kind: raw.kind,
        base_price_usd: raw.base_price_usd,
        price_unit: raw.price_unit,
        pricing_note: raw.pricing_note,
        pricing_mode: raw.pricing_mode,
        schema,
        omitted_inputs: raw.omitted_inputs,
        limitations: raw.limitations,
    })
}

/// A model id is a folder path: segments of ASCII letters, digits, `-`,
/// `_` and `.`, none of them empty, `.` or `..`.
fn check_model_id(id: &str) -> Result<(), String> {
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')))
    {
        return Err(format!(
            "the model id contains `{bad}`; ids are made of ASCII letters, digits, `-`, `_`, `.` and `/`"
        ));
    }
    if id
        .split('/')
        .any(|segment| matches!(segment, "" | "." | ".."))
    {
        return Err("the model id has an empty, `.` or `..` segment".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<Catalog, CodegenError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("answer.json");
        std::fs::write(&path, text).expect("write");
        read(&path).map_err(|mut e| {
            e.file = e.file.file_name().map(Into::into).unwrap_or_default();
            e
        })
    }

    #[test]
    fn both_shapes_read_with_their_pointers() {
        let live = read_text(
            r#"{"models": [{"model_id": "a/b", "display_name": "A", "categories": ["text-to-video"],
                "kind": "model", "base_price_usd": 0.5, "price_unit": "second",
                "input_schema": {"type": "object", "properties": {}}}], "total": 1}"#,
        )
        .expect("live");
        assert_eq!(live.file_name, "answer.json");
        let record = &live.records[0];
        assert_eq!(
            (record.pointer.as_str(), record.shape),
            ("/models/0", Shape::Live)
        );
        assert_eq!(record.base_price_usd, Some(0.5));
        let snapshot = read_text(
            r#"[{"model_id": "a/b", "display_name": "A", "output_type": "VIDEO",
                "schema": {"type": "object", "properties": {}}, "omitted_inputs": ["x"]}]"#,
        )
        .expect("snapshot");
        let record = &snapshot.records[0];
        assert_eq!(
            (record.pointer.as_str(), record.shape),
            ("/0", Shape::Snapshot)
        );
        assert_eq!(record.omitted_inputs, ["x"]);
    }

    #[test]
    fn malformed_answers_name_the_file_and_the_record() {
        let cases = [
            ("{\"models\": [", "line 1 column 12", "not valid JSON"),
            ("{\"data\": []}", "", "expected the live catalog's answer"),
            (
                r#"{"models": [], "total": 130}"#,
                "/total",
                "holds 0 of 130 models",
            ),
            (
                r#"[{"model_id": "a/b", "display_name": "A"}]"#,
                "/0",
                "model `a/b`: has no input schema",
            ),
            (r#"[{"display_name": "A"}]"#, "/0", "not a catalog record"),
            (
                r#"[{"model_id": "a/../b", "display_name": "A", "schema": {}}]"#,
                "/0",
                "`..` segment",
            ),
            (
                r#"[{"model_id": "a b", "display_name": "A", "schema": {}}]"#,
                "/0",
                "contains ` `",
            ),
            (
                r#"[{"model_id": "a", "display_name": "A", "schema": {}},
                    {"model_id": "a", "display_name": "A", "schema": {}}]"#,
                "/1",
                "listed twice (also at /0)",
            ),
        ];
        for (text, pointer, reason) in cases {
            let error = read_text(text).expect_err(text);
            assert_eq!(error.file, Path::new("answer.json"), "{error}");
            assert_eq!(error.pointer.as_deref().unwrap_or(""), pointer, "{error}");
            assert!(error.reason.contains(reason), "{error}");
        }
    }
}
