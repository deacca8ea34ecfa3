//! The smallest valid input of a model, built from its input schema: the
//! required fields, plus the fields that decide what a probe measures
//! (`duration`, `music_length_ms`, `aspect_ratio`, `resolution`, `width`,
//! `height`), each given a sensible value: an enum's first value (the
//! smallest resolution in today's schemas), an integer's minimum (the
//! shortest output: the run stays fast), another number's default or the
//! middle of its bounds, a short prompt within its length,
//! a small `data:` URI of the media kind its format names, as big as the
//! provider's media rules ask (1280×720 images clear every minimum and
//! aspect-ratio rule of today's schemas).

use runcomfy_validate::MediaKind;
use runcomfy_validate::fixtures::{data_uri, mp4_header, png_data_uri, wav};
use serde_json::{Map, Value, json};

/// The optional fields that decide an output's length or size.
pub const MEASURED_FIELDS: [&str; 6] = [
    "duration",
    "music_length_ms",
    "aspect_ratio",
    "resolution",
    "width",
    "height",
];

/// The text of every free-text field.
const PROMPT: &str = "a lighthouse at dusk, waves below";

/// The input built from `schema` (an object schema with `properties`).
pub fn minimal_input(schema: &Value) -> Value {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut input = Map::new();
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let wanted = required.contains(&name.as_str()) || MEASURED_FIELDS.contains(&name.as_str());
        if wanted && let Some(value) = value_for(property) {
            input.insert(name.clone(), value);
        }
    }
    Value::Object(input)
}

/// A `data:` URI of a small file of `kind`, its media type saying so.
pub fn media_reference(kind: MediaKind) -> String {
    match kind {
        MediaKind::Image => png_data_uri(1280, 720),
        MediaKind::Video => data_uri("video/mp4", &mp4_header(640, 360)),
        MediaKind::Audio => data_uri("audio/wav", &wav(1600)),
    }
}

/// A valid value of one property (`None`: one whose shape is not public,
/// or a type this builder does not know, is left out).
fn value_for(property: &Value) -> Option<Value> {
    if property[crate::lint::UNVALIDATED] == Value::Bool(true) {
        return None;
    }
    if let Some(first) = property["enum"]
        .as_array()
        .and_then(|values| values.first())
    {
        return Some(first.clone());
    }
    let media = property["format"].as_str().and_then(MediaKind::of_format);
    match (property["type"].as_str()?, media) {
        ("string", Some((kind, false))) => Some(json!(media_reference(kind))),
        ("array", Some((kind, true))) => Some(json!(vec![media_reference(kind); items(property)])),
        ("string", None) if property["format"] == "uri" => {
            Some(json!(media_reference(MediaKind::Image)))
        }
        ("string", None) => Some(json!(text(property))),
        ("integer", _) => Some(json!(integer(property))),
        ("number", _) => Some(number(property)),
        ("boolean", _) => Some(property.get("default").cloned().unwrap_or(json!(false))),
        ("array", None) => {
            let item = value_for(&property["items"])?;
            Some(Value::Array(vec![item; items(property)]))
        }
        ("object", _) => Some(minimal_input(property)),
        _ => None,
    }
}

/// How many items an array is given: its minimum, at least one.
fn items(property: &Value) -> usize {
    property["minItems"]
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(1)
        .max(1)
}

/// The prompt, cut to `maxLength` and padded to `minLength` (characters).
fn text(property: &Value) -> String {
    let bound = |key: &str| property[key].as_u64().and_then(|n| usize::try_from(n).ok());
    let max = bound("maxLength").unwrap_or(usize::MAX);
    let min = bound("minLength").unwrap_or(0);
    PROMPT
        .chars()
        .cycle()
        .take(PROMPT.len().clamp(min, max))
        .collect()
}

/// The minimum, else the default when it is an integer within the
/// maximum, else one (kept within the maximum).
fn integer(property: &Value) -> i64 {
    let max = property["maximum"].as_i64().unwrap_or(i64::MAX);
    let default = property["default"].as_i64().filter(|n| *n <= max);
    property["minimum"]
        .as_i64()
        .or(default)
        .unwrap_or_else(|| max.min(1))
}

/// The default when it is a number within bounds, else the middle of the
/// bounds (or a step inside the one given, or one half).
fn number(property: &Value) -> Value {
    let (min, max) = (property["minimum"].as_f64(), property["maximum"].as_f64());
    let within = |x: f64| min.is_none_or(|min| x >= min) && max.is_none_or(|max| x <= max);
    let x = match (property["default"].as_f64(), min, max) {
        (Some(default), ..) if within(default) => default,
        (_, Some(min), Some(max)) => (min + max) / 2.0,
        (_, Some(min), None) => min + 0.5,
        (_, None, Some(max)) => max - 0.5,
        (_, None, None) => 0.5,
    };
    json!(x)
}
