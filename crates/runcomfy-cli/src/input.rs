//! The input of a job, from `--input`, `--input-file` and `--set`.
//!
//! Values are coerced by the model's schema; `KEY=@PATH` reads a local file
//! (a URI field gets it as a `data:` URI after the media rules are checked
//! on the file).

use std::path::{Path, PathBuf};

use base64::Engine as _;
use runcomfy::FieldError;
use runcomfy_validate::{MediaKind, MediaProbe, MediaSource, Validator};
use serde_json::{Map, Value};

use crate::exit::CliError;

/// Input options shared by `run`, `validate` and `batch`.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct InputArgs {
    /// The input as a JSON object.
    #[arg(long, value_name = "JSON")]
    pub(crate) input: Option<String>,
    /// A file holding the input JSON object (`-` for stdin).
    #[arg(long, value_name = "PATH")]
    pub(crate) input_file: Option<PathBuf>,
    /// Set one field (repeatable); the value is coerced by the schema's type.
    /// `KEY=@PATH` reads a local file (an image for a URL field).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub(crate) set: Vec<String>,
}

/// Builds the input object; local checks are the caller's.
pub(crate) async fn assemble(model_id: &str, args: &InputArgs) -> Result<Value, CliError> {
    let schema: Option<Value> = runcomfy_types::model(model_id)
        .and_then(|spec| serde_json::from_str(spec.input_schema).ok());
    let mut input = Map::new();
    if let Some(path) = &args.input_file {
        let text = if path == Path::new("-") {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| {
                CliError::InputFile {
                    path: path.clone(),
                    reason: e.to_string(),
                }
            })?;
            text
        } else {
            std::fs::read_to_string(path).map_err(|e| CliError::InputFile {
                path: path.clone(),
                reason: e.to_string(),
            })?
        };
        merge(
            &mut input,
            parse_object(&text, &format!("--input-file {}", path.display()))?,
        );
    }
    if let Some(json) = &args.input {
        merge(&mut input, parse_object(json, "--input")?);
    }
    let mut file_errors = Vec::new();
    for assignment in &args.set {
        let Some((key, raw)) = assignment.split_once('=') else {
            return Err(CliError::Usage(format!(
                "--set {assignment}: expected KEY=VALUE"
            )));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(CliError::Usage(format!(
                "--set {assignment}: the key is empty"
            )));
        }
        let property = schema
            .as_ref()
            .and_then(|s| s.pointer(&format!("/properties/{key}")));
        let value = match raw.strip_prefix('@') {
            Some(path) => match read_file_value(key, Path::new(path), property).await? {
                Ok(value) => value,
                Err(errors) => {
                    file_errors.extend(errors);
                    continue;
                }
            },
            None => coerce(raw, property),
        };
        input.insert(key.to_owned(), value);
    }
    if !file_errors.is_empty() {
        return Err(CliError::Invalid {
            model_id: model_id.to_owned(),
            errors: file_errors,
        });
    }
    Ok(Value::Object(input))
}

fn parse_object(text: &str, origin: &str) -> Result<Map<String, Value>, CliError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => Err(CliError::Usage(format!(
            "{origin}: the input must be a JSON object, not {}",
            kind(&other)
        ))),
        Err(e) => Err(CliError::Usage(format!("{origin}: not valid JSON: {e}"))),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    into.extend(from);
}

/// A `--set` value as the schema's type wants it; left a string when it
/// does not parse (validation then says what is allowed).
fn coerce(raw: &str, property: Option<&Value>) -> Value {
    let wanted = property.and_then(|p| p.get("type")).and_then(Value::as_str);
    match wanted {
        Some("integer") => raw
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(raw.to_owned())),
        Some("number") => raw
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(raw.to_owned())),
        Some("boolean") => match raw.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(raw.to_owned()),
        },
        Some("string") => Value::String(raw.to_owned()),
        // Arrays, objects, or a model this build does not know: JSON if it parses.
        _ => serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned())),
    }
}

fn is_uri_field(property: Option<&Value>) -> bool {
    property.is_some_and(|p| {
        let format = p.get("format").and_then(Value::as_str);
        // A single media reference (`image_uri`) takes a file as a URI too.
        let media = format
            .and_then(MediaKind::of_format)
            .is_some_and(|(_, many)| !many);
        format == Some("uri") || media || p.get("validations").is_some()
    })
}

/// `KEY=@PATH`: for a URI field, the media rules on the local file, then a
/// `data:` URI; for any other field, the file's text.
async fn read_file_value(
    key: &str,
    path: &Path,
    property: Option<&Value>,
) -> Result<Result<Value, Vec<FieldError>>, CliError> {
    let unreadable = |e: std::io::Error| CliError::InputFile {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    if !is_uri_field(property) {
        let text = tokio::fs::read_to_string(path).await.map_err(unreadable)?;
        return Ok(Ok(coerce(text.trim_end_matches('\n'), property)));
    }
    let metadata = tokio::fs::metadata(path).await.map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(CliError::InputFile {
            path: path.to_owned(),
            reason: "not a file".into(),
        });
    }
    // The rules of this field, checked on the file before it is read whole.
    if let Some(property) = property {
        let schema = serde_json::json!({"type": "object", "properties": {key: property}});
        if let Ok(validator) = Validator::new(&schema)
            && let Some(rules) = validator.media_rules_of(&format!("/{key}"))
        {
            let source = MediaSource::File(path.to_owned());
            let field_error = |message: String| FieldError {
                pointer: format!("/{key}"),
                keyword: "validations".into(),
                message,
            };
            match MediaProbe::new()
                .probe(&source, rules.needs(), rules.size_limit())
                .await
            {
                Ok(facts) => {
                    let broken = rules.violations(&facts);
                    if !broken.is_empty() {
                        return Ok(Err(vec![field_error(format!(
                            "{}: {}",
                            path.display(),
                            broken.join(" ")
                        ))]));
                    }
                }
                Err(error) => return Ok(Err(vec![field_error(error.to_string())])),
            }
        }
    }
    let bytes = tokio::fs::read(path).await.map_err(unreadable)?;
    let mime = mime_of(path, &bytes);
    Ok(Ok(Value::String(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    ))))
}

fn mime_of(path: &Path, bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG") {
        return "image/png";
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return "image/jpeg";
    }
    if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return "image/webp";
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("mp4") => "video/mp4",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_values_follow_the_schema_types() {
        let integer = json!({"type": "integer"});
        let number = json!({"type": "number"});
        let string = json!({"type": "string"});
        assert_eq!(coerce("10", Some(&integer)), json!(10));
        assert_eq!(
            coerce("ten", Some(&integer)),
            json!("ten"),
            "left for validation to report"
        );
        assert_eq!(coerce("0.7", Some(&number)), json!(0.7));
        assert_eq!(
            coerce("5", Some(&string)),
            json!("5"),
            "a string field keeps digits as text"
        );
        assert_eq!(coerce("[1,2]", None), json!([1, 2]));
        assert_eq!(coerce("hello", None), json!("hello"));
    }

    #[tokio::test]
    async fn a_local_image_becomes_a_data_uri_after_the_media_rules() {
        let dir = std::env::temp_dir().join(format!("runcomfy-cli-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let big = dir.join("big.png");
        std::fs::write(&big, runcomfy_emulator::fixtures::png_header(1280, 720)).expect("write");
        let small = dir.join("small.png");
        std::fs::write(&small, runcomfy_emulator::fixtures::png_header(200, 200)).expect("write");
        let model = "kling/kling-1-6/pro/image-to-video";
        let args = InputArgs {
            set: vec![
                format!("image_url=@{}", big.display()),
                "duration=10".into(),
            ],
            ..InputArgs::default()
        };
        let input = assemble(model, &args).await.expect("input");
        assert!(
            input["image_url"]
                .as_str()
                .is_some_and(|u| u.starts_with("data:image/png;base64,"))
        );
        assert_eq!(input["duration"], 10);
        let args = InputArgs {
            set: vec![format!("image_url=@{}", small.display())],
            ..InputArgs::default()
        };
        match assemble(model, &args).await {
            Err(CliError::Invalid { errors, .. }) => assert!(
                errors[0].message.contains("exceed 300 pixels"),
                "{errors:?}"
            ),
            other => panic!("{other:?}"),
        }
        let args = InputArgs {
            set: vec!["image_url=@/no/such/start.png".into()],
            ..InputArgs::default()
        };
        assert!(matches!(
            assemble(model, &args).await,
            Err(CliError::InputFile { .. })
        ));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
