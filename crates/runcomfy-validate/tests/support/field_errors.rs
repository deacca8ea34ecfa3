//! What every validation error looks like, whatever the input: for the
//! property tests (`tests/properties.rs`) and the fuzz target
//! (`fuzz/fuzz_targets/validator.rs`).

use runcomfy_validate::FieldError;
use serde_json::Value;

/// The error names a keyword, says something, and points into `input` (a
/// missing required field: its parent exists).
pub(crate) fn check_points_into(input: &Value, error: &FieldError) {
    assert!(
        !error.keyword.is_empty() && !error.message.is_empty(),
        "{error:?}"
    );
    assert!(
        error.pointer.is_empty() || error.pointer.starts_with('/'),
        "not a JSON pointer: {error:?}"
    );
    let target = if error.keyword == "required" {
        error
            .pointer
            .rsplit_once('/')
            .map_or("", |(parent, _)| parent)
    } else {
        error.pointer.as_str()
    };
    assert!(
        input.pointer(target).is_some(),
        "{input}: points at nothing: {error:?}"
    );
}
