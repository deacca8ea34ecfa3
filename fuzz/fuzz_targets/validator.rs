//! The input validator of the Kling schema on arbitrary JSON, and its media
//! step on `data:` URIs (never on URLs or files: this target does no I/O).
//!
//! Input: a JSON document, used as the input as it is; or, when the bytes
//! are not JSON, one mode byte and then either a string for one field of an
//! otherwise valid input (`image_url`, `tail_image_url`, `prompt`) or the
//! seed of an arbitrary JSON value built with `arbitrary`.

#![no_main]

#[path = "../../crates/runcomfy-validate/tests/support/field_errors.rs"]
mod field_errors;

use std::sync::LazyLock;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use runcomfy_types::models::kling::kling_1_6::pro::image_to_video::INPUT_SCHEMA;
use runcomfy_validate::{FieldError, MediaProbe, MediaSource, Validator};
use serde_json::{Map, Value, json};

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
});
static VALIDATOR: LazyLock<Validator> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(INPUT_SCHEMA).expect("the schema is JSON");
    Validator::new(&schema).expect("the schema compiles")
});
static PROBE: LazyLock<MediaProbe> = LazyLock::new(MediaProbe::new);

const KEYS: [&str; 7] = [
    "image_url",
    "tail_image_url",
    "prompt",
    "negative_prompt",
    "duration",
    "cfg_scale",
    "seed",
];
const START: &str = "https://example.com/start.png";

fn arbitrary_value(u: &mut Unstructured<'_>, depth: u32) -> arbitrary::Result<Value> {
    let kind = if depth == 0 {
        0
    } else {
        u.int_in_range(0..=7u8)?
    };
    Ok(match kind {
        0 => match u.int_in_range(0..=6u8)? {
            0 => Value::Null,
            1 => Value::Bool(bool::arbitrary(u)?),
            2 => json!(i64::arbitrary(u)?),
            3 => json!(u64::arbitrary(u)?),
            4 => {
                serde_json::Number::from_f64(f64::arbitrary(u)?).map_or(Value::Null, Value::Number)
            }
            5 => json!(*u.choose(&[0, 1, 5, 10, -1, 300])?),
            _ => json!(*u.choose(&[0.0, 0.5, 1.0, 1.0000001, -0.0, 5.0, 10.5])?),
        },
        1..=3 => Value::String(String::arbitrary(u)?),
        4 => {
            let len = u.int_in_range(0..=4usize)?;
            Value::Array(
                (0..len)
                    .map(|_| arbitrary_value(u, depth - 1))
                    .collect::<Result<_, _>>()?,
            )
        }
        _ => {
            let len = u.int_in_range(0..=7usize)?;
            let mut object = Map::new();
            for _ in 0..len {
                let key = if u.ratio(3, 4)? {
                    (*u.choose(&KEYS)?).to_owned()
                } else {
                    String::arbitrary(u)?
                };
                object.insert(key, arbitrary_value(u, depth - 1)?);
            }
            Value::Object(object)
        }
    })
}

fn input_of(data: &[u8]) -> Option<Value> {
    if let Ok(value) = serde_json::from_slice(data) {
        return Some(value);
    }
    let (&mode, rest) = data.split_first()?;
    let text = || String::from_utf8_lossy(rest).into_owned();
    Some(match mode % 4 {
        0 => json!({"image_url": text()}),
        1 => json!({"image_url": START, "tail_image_url": text()}),
        2 => json!({"image_url": START, "prompt": text(), "duration": 10}),
        _ => {
            let mut u = Unstructured::new(rest);
            let mut value = arbitrary_value(&mut u, 3).ok()?;
            // Mostly objects, as inputs are.
            if mode & 4 == 0 && !value.is_object() {
                value = json!({"image_url": value});
            }
            value
        }
    })
}

/// Every string in a value.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            out.push(k.clone());
            strings(v, out);
        }),
        _ => {}
    }
}

fn check_errors(input: &Value, errors: &[FieldError]) {
    let mut long = Vec::new();
    strings(input, &mut long);
    long.retain(|s| s.chars().count() > 64);
    for error in errors {
        field_errors::check_points_into(input, error);
        let _ = (error.field(), error.to_string());
        // Schema errors never echo a value of more than 64 characters; the
        // media step shows a malformed reference cut at 200 characters
        // (never a data: payload, user information or a query).
        let limit = if error.keyword == "validations" {
            200
        } else {
            64
        };
        for s in long.iter().filter(|s| s.chars().count() > limit) {
            assert!(
                !error.message.contains(s.as_str()),
                "a long value is echoed: {error:?}"
            );
        }
        assert!(
            error.message.chars().count() < 600,
            "a long message: {error:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = input_of(data) else {
        return;
    };
    let validator = &*VALIDATOR;
    let errors = validator.errors(&input);
    let valid = validator.is_valid(&input);
    assert_eq!(
        valid,
        errors.is_empty(),
        "is_valid disagrees with errors: {errors:?}"
    );
    assert_eq!(validator.validate(&input).is_ok(), valid);
    check_errors(&input, &errors);

    // The media step, on a copy without the references it would fetch or
    // read (URLs, files): only `data:` URIs and malformed references remain.
    let mut offline = input.clone();
    for (pointer, _) in validator.media_rules() {
        let Some(reference) = input.pointer(pointer).and_then(Value::as_str) else {
            continue;
        };
        let source = MediaSource::parse(reference);
        // A reference the media step probes (its scheme is fetchable, so
        // there is no `validations` error on it) is fetched over HTTP or read
        // from a data: URI, never read as a local file.
        if !errors
            .iter()
            .any(|e| e.pointer == pointer && e.keyword == "validations")
        {
            assert!(
                !matches!(source, Ok(MediaSource::File(_))),
                "{pointer} is probed as {source:?}"
            );
        }
        if let Ok(source) = &source {
            let _ = source.to_string();
        }
        if matches!(source, Ok(MediaSource::Http(_) | MediaSource::File(_)))
            && let (Some(object), Some(name)) = (offline.as_object_mut(), pointer.strip_prefix('/'))
        {
            object.remove(name);
        }
    }
    let all = RUNTIME.block_on(validator.validate_all(&offline, &PROBE));
    let offline_errors = validator.errors(&offline);
    match all {
        Ok(()) => assert!(offline_errors.is_empty()),
        Err(invalid) => {
            assert!(invalid.errors.len() >= offline_errors.len());
            check_errors(&offline, &invalid.errors);
            let _ = invalid.to_string();
        }
    }
});
