//! What the generator reads of a model's input schema: the top-level
//! `properties` with their `type`, `enum`, `minimum`/`maximum`, `maxLength`,
//! `format` (`uri` and the media formats), `minItems`/`maxItems` and
//! `x-runcomfy-unvalidated`; `required`; `additionalProperties: false`.

use runcomfy_validate::MediaKind;
use serde_json::Value;

/// One property of a schema.
#[derive(Debug, Clone)]
pub(crate) struct Property {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
}

/// How many items an array of media references may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Items {
    pub(crate) min: usize,
    pub(crate) max: Option<usize>,
}

/// What a property holds, as far as the generator models it.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// A string of `format: uri` (a URL the service can fetch, or a `data:`
    /// URI, when it has `validations`).
    Uri,
    /// One media reference of a kind, or (`many`) an array of them.
    Media {
        kind: MediaKind,
        many: Option<Items>,
    },
    Text {
        max_chars: Option<usize>,
    },
    /// An `enum` (of integers, or of strings, numbers written as strings
    /// among them), of the JSON type `type` names.
    Choice {
        allowed: Vec<Value>,
        integer: bool,
    },
    /// An integer, with the bounds the schema sets, if any.
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Number {
        min: f64,
        max: f64,
    },
    Boolean,
    /// `x-runcomfy-unvalidated`: any value passes.
    Unvalidated,
    /// A keyword combination the generator does not model: left out of
    /// valid inputs, still mutated.
    Other,
}

/// The bounds valid integers keep to when a schema sets none: far past any
/// seed, still exact in an `f64` (so Python and we read the same number).
pub(crate) const INTEGER_BOUND: i64 = 1 << 52;

/// The properties of a schema, in schema order, and whether it is closed.
pub(crate) fn properties(schema: &Value) -> (Vec<Property>, bool) {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let closed = schema["additionalProperties"] == Value::Bool(false);
    let properties = schema["properties"]
        .as_object()
        .map(|properties| {
            properties
                .iter()
                .map(|(name, property)| Property {
                    name: name.clone(),
                    kind: kind_of(property),
                    required: required.contains(&name.as_str()),
                })
                .collect()
        })
        .unwrap_or_default();
    (properties, closed)
}

fn media_kind(property: &Value) -> Option<(MediaKind, bool)> {
    property["format"].as_str().and_then(MediaKind::of_format)
}

pub(crate) fn kind_of(property: &Value) -> Kind {
    if property["x-runcomfy-unvalidated"] == Value::Bool(true) {
        return Kind::Unvalidated;
    }
    let bound = |key: &str| property[key].as_u64().and_then(|n| usize::try_from(n).ok());
    match (property["type"].as_str(), media_kind(property)) {
        (Some("array"), Some((kind, true))) => Kind::Media {
            kind,
            many: Some(Items {
                min: bound("minItems").unwrap_or(0),
                max: bound("maxItems"),
            }),
        },
        (Some("string"), Some((kind, false))) => Kind::Media { kind, many: None },
        (Some("string"), _) if property["format"] == "uri" => Kind::Uri,
        (Some(kind @ ("string" | "integer")), _) if property["enum"].is_array() => Kind::Choice {
            allowed: property["enum"].as_array().cloned().unwrap_or_default(),
            integer: kind == "integer",
        },
        (Some("string"), _) => Kind::Text {
            max_chars: bound("maxLength"),
        },
        (Some("integer"), _) => Kind::Integer {
            min: property["minimum"].as_i64(),
            max: property["maximum"].as_i64(),
        },
        (Some("number"), _) => Kind::Number {
            min: property["minimum"].as_f64().unwrap_or(-1e9),
            max: property["maximum"].as_f64().unwrap_or(1e9),
        },
        (Some("boolean"), _) => Kind::Boolean,
        _ => Kind::Other,
    }
}

/// The JSON pointer of a top-level property.
pub(crate) fn pointer(name: &str) -> String {
    format!("/{}", name.replace('~', "~0").replace('/', "~1"))
}
