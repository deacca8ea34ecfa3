//! Values of one property: valid ones (boundaries included), ones of the
//! wrong JSON type, and ones of the right type that break the property's
//! constraint.

use proptest::prelude::*;
use serde_json::{Number, Value, json};

use super::references::{bad_uri, media, valid_uri, wrong_kind};
use super::schema::{INTEGER_BOUND, Items, Kind};
use super::text::{text, text_of_length};

/// How many items a generated array holds at most when its schema sets no
/// maximum.
const ITEMS_WITHOUT_MAX: usize = 3;

fn float(x: f64) -> Value {
    Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// A valid value of a property, boundaries included.
pub(crate) fn valid_value(kind: &Kind) -> BoxedStrategy<Value> {
    match kind.clone() {
        Kind::Uri => valid_uri().prop_map(Value::String).boxed(),
        Kind::Media { kind, many: None } => media(kind).prop_map(Value::String).boxed(),
        Kind::Media {
            kind,
            many: Some(Items { min, max }),
        } => {
            let max = max
                .unwrap_or(min + ITEMS_WITHOUT_MAX)
                .min(min + ITEMS_WITHOUT_MAX);
            proptest::collection::vec(media(kind).prop_map(Value::String), min..=max)
                .prop_map(Value::Array)
                .boxed()
        }
        Kind::Text { max_chars } => {
            let max = max_chars.unwrap_or(200);
            prop_oneof![
                3 => text(0, max.min(80)),
                1 => text_of_length(Just(max)),
                1 => Just(String::new()),
            ]
            .prop_map(Value::String)
            .boxed()
        }
        Kind::Choice { allowed, .. } => proptest::sample::select(allowed).boxed(),
        Kind::Integer { min, max } => {
            let (min, max) = (min.unwrap_or(-INTEGER_BOUND), max.unwrap_or(INTEGER_BOUND));
            prop_oneof![
                3 => min..=max,
                1 => Just(min),
                1 => Just(max),
            ]
            .prop_map(|n| json!(n))
            .boxed()
        }
        Kind::Number { min, max } => prop_oneof![
            3 => (0.0..=1.0f64).prop_map(move |t| min + (max - min) * t),
            1 => Just(min),
            1 => Just(max),
        ]
        .prop_map(float)
        .boxed(),
        Kind::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        Kind::Unvalidated => prop_oneof![
            Just(json!([{"prompt": "a cat", "duration": 5}])),
            Just(json!({"any": ["shape", 1, null]})),
            Just(json!("text")),
            Just(Value::Null),
        ]
        .boxed(),
        Kind::Other => Just(Value::Null).boxed(),
    }
}

/// A value of the wrong JSON type for a property (`None`: every type is
/// right).
pub(crate) fn wrong_type(kind: &Kind) -> Option<BoxedStrategy<Value>> {
    let mut choices = vec![Value::Null, json!({})];
    match kind {
        Kind::Uri | Kind::Text { .. } | Kind::Media { many: None, .. } => {
            choices.extend([json!(5), json!(0.5), json!(true), json!([])]);
            choices.push(json!(["https://example.com/a.png"]));
        }
        Kind::Media { many: Some(_), .. } => {
            choices.extend([json!("https://example.com/a.png"), json!(5), json!(true)]);
        }
        Kind::Choice { integer: true, .. } | Kind::Integer { .. } => {
            choices.extend([json!("5"), json!(true), json!(5.5), json!([])]);
        }
        Kind::Choice { integer: false, .. } => {
            choices.extend([json!(5), json!(6), json!(true), json!([])]);
        }
        Kind::Number { .. } => choices.extend([json!("0.5"), json!(false), json!([])]),
        Kind::Boolean => choices.extend([json!("true"), json!(1), json!([])]),
        Kind::Other => choices.push(json!(true)),
        Kind::Unvalidated => return None,
    }
    Some(proptest::sample::select(choices).boxed())
}

/// Strings near the allowed ones that are not allowed: other case, padded,
/// a neighbouring number, arbitrary text.
fn not_allowed_text(allowed: Vec<Value>) -> BoxedStrategy<Value> {
    let near: Vec<String> = allowed
        .iter()
        .filter_map(Value::as_str)
        .flat_map(|s| {
            let number = s.parse::<i64>().ok().map(|n| (n + 1).to_string());
            [
                Some(s.to_uppercase()),
                Some(format!(" {s}")),
                Some(format!("{s}.0")),
                number,
            ]
        })
        .flatten()
        .collect();
    let strings = prop_oneof![proptest::sample::select(near), text(0, 12)];
    strings
        .prop_map(Value::String)
        .prop_filter("not allowed", move |v| !allowed.contains(v))
        .boxed()
}

/// A value of the right type that breaks the property's constraint, if it
/// has one.
pub(crate) fn out_of_range(kind: &Kind) -> Option<BoxedStrategy<Value>> {
    match kind.clone() {
        Kind::Uri => Some(bad_uri().prop_map(Value::String).boxed()),
        Kind::Media { kind, many: None } => Some(
            prop_oneof![bad_uri(), wrong_kind(kind)]
                .prop_map(Value::String)
                .boxed(),
        ),
        Kind::Text {
            max_chars: Some(max),
        } => Some(
            text_of_length(max + 1..=max + 40)
                .prop_map(Value::String)
                .boxed(),
        ),
        Kind::Choice {
            allowed,
            integer: true,
        } => Some(
            prop_oneof![
                any::<i64>(),
                proptest::sample::select(vec![-1i64, 0, 1, 4, 6, 9, 11, i64::MAX, i64::MIN]),
            ]
            .prop_map(|n| json!(n))
            .prop_filter("not allowed", move |n| !allowed.contains(n))
            .boxed(),
        ),
        Kind::Choice {
            allowed,
            integer: false,
        } => Some(not_allowed_text(allowed)),
        Kind::Integer { min, max } if min.is_some() || max.is_some() => {
            let offsets = || 1..1_000_000i64;
            let above = max.map(|max| offsets().prop_map(move |d| max.saturating_add(d)).boxed());
            let below = min.map(|min| offsets().prop_map(move |d| min.saturating_sub(d)).boxed());
            let sides: Vec<_> = above.into_iter().chain(below).collect();
            Some(
                proptest::strategy::Union::new(sides)
                    .prop_map(|n| json!(n))
                    .boxed(),
            )
        }
        Kind::Number { min, max } => Some(
            prop_oneof![
                (1e-9..1e6f64).prop_map(move |d| max + d.max(max.abs() * 1e-12)),
                (1e-9..1e6f64).prop_map(move |d| min - d.max(min.abs() * 1e-12)),
            ]
            .prop_filter_map("finite", |x| Number::from_f64(x).map(Value::Number))
            .boxed(),
        ),
        Kind::Text { max_chars: None }
        | Kind::Integer { .. }
        | Kind::Media { many: Some(_), .. }
        | Kind::Boolean
        | Kind::Unvalidated
        | Kind::Other => None,
    }
}
