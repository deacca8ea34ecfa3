//! The inputs file: one JSON object a line, numbered and fingerprinted.
//!
//! A line's number is its identity; the fingerprint of its JSON lets a
//! re-run notice an edited line.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::exit::CliError;

/// One non-empty line of the inputs file.
pub(crate) struct Input {
    pub(crate) number: usize,
    /// The JSON object, or why the line is not one.
    pub(crate) value: Result<Value, String>,
    /// A fingerprint of the line's JSON (compact, key order as written).
    pub(crate) hash: String,
}

/// Reads every non-empty line; a line that is not a JSON object is kept
/// with the reason, for the checks to report.
pub(crate) async fn read_inputs(path: &Path) -> Result<BTreeMap<usize, Input>, CliError> {
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|e| CliError::InputFile {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
    let text = String::from_utf8(bytes).map_err(|e| CliError::InputFile {
        path: path.to_owned(),
        reason: format!("not UTF-8 text: {e}"),
    })?;
    let mut inputs = BTreeMap::new();
    for (index, raw) in text.split('\n').enumerate() {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let number = index + 1;
        inputs.insert(number, Input::of_line(number, raw));
    }
    if inputs.is_empty() {
        return Err(CliError::InputFile {
            path: path.to_owned(),
            reason: "holds no inputs (one JSON object per line)".into(),
        });
    }
    Ok(inputs)
}

impl Input {
    /// Line `number`, trimmed and not empty.
    pub(crate) fn of_line(number: usize, raw: &str) -> Self {
        let (value, hash) = match serde_json::from_str::<Value>(raw) {
            Ok(value @ Value::Object(_)) => {
                let hash = fingerprint(&value.to_string());
                (Ok(value), hash)
            }
            Ok(other) => (
                Err(format!(
                    "line {number} is JSON but not an object (one JSON object per line), it starts with {}",
                    excerpt(&other.to_string())
                )),
                fingerprint(raw),
            ),
            Err(e) => (
                Err(format!("line {number} is not JSON: {e}")),
                fingerprint(raw),
            ),
        };
        Self {
            number,
            value,
            hash,
        }
    }
}

fn excerpt(text: &str) -> String {
    let mut cut: String = text.chars().take(40).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

/// 128-bit FNV-1a: stable across builds and platforms, enough to notice an
/// edited line (not a defence against someone forging one).
fn fingerprint(text: &str) -> String {
    let mut hash: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for byte in text.bytes() {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    format!("fnv1a128:{hash:032x}")
}
