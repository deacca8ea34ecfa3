//! The JSON Schemas of the CLI's `--json` output, checked against.

use std::path::Path;

use serde_json::Value;

/// Checks `document` against `schemas/cli/<schema_file>`.
pub(crate) fn check_schema(schema_file: &str, document: &Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas/cli")
        .join(schema_file);
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("json");
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{document} breaks {schema_file}: {errors:?}"
    );
}
