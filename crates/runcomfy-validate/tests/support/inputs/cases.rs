//! Cases generated from a model's input schema: a valid input (values in
//! range, boundaries included, optional fields left out at random) to which
//! zero to three mutations are applied, each on its own field: a wrong type,
//! a value out of range, out of the enum or of another media kind, an
//! overlong string, a malformed URL, an array item that breaks its field,
//! an array too long or too short, an extra key, a missing required field;
//! or a value that is not an object at all; or a media reference from a
//! list of tricky ones, whose verdict is not known in advance.

use proptest::prelude::*;
use serde_json::{Map, Number, Value, json};

use super::references::{data_of, media, tricky_uri, wrong_kind};
use super::schema::{Items, Kind, Property, pointer, properties};
use super::text::text;
use super::values::{out_of_range, valid_value, wrong_type};

/// What the generator meant the input to be.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Intent {
    /// Valid under every keyword the validator checks without I/O.
    Valid,
    /// Invalid, with an error at each of these JSON pointers.
    Invalid(Vec<String>),
    /// Not known in advance (tricky media references, `5.0` for an integer).
    Unknown,
}

/// One generated input and what it was meant to be.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) input: Value,
    pub(crate) intent: Intent,
}

/// One change to a valid input.
#[derive(Debug, Clone)]
enum Mutation {
    /// Set a field to a value that breaks it.
    Set(String, Value),
    /// Set one item of an array field (an index, taken modulo its length) to
    /// a value that breaks it.
    SetItem(String, usize, Value),
    /// Set a field to a value whose verdict is not known in advance.
    Tricky(String, Value),
    /// Set a value that is valid but unusual (`5.0` for an integer).
    Odd(String, Value),
    /// Remove a required field.
    Remove(String),
    /// Add a key the schema does not list.
    Extra(String, Value),
}

impl Mutation {
    fn key(&self) -> &str {
        match self {
            Mutation::Set(k, _)
            | Mutation::SetItem(k, _, _)
            | Mutation::Tricky(k, _)
            | Mutation::Odd(k, _)
            | Mutation::Remove(k)
            | Mutation::Extra(k, _) => k,
        }
    }
}

/// Arrays of a media field's references that break its `minItems` or
/// `maxItems`.
fn wrong_lengths(kind: runcomfy_validate::MediaKind, items: Items) -> Vec<Value> {
    let array = |n: usize| Value::Array(vec![Value::String(data_of(kind)); n]);
    let mut lengths = Vec::new();
    if let Some(max) = items.max {
        lengths.push(array(max + 1));
    }
    if items.min > 0 {
        lengths.push(array(items.min - 1));
    }
    lengths
}

/// The mutations of one property.
fn property_mutations(property: &Property) -> Vec<BoxedStrategy<Mutation>> {
    let name = property.name.clone();
    let set = |strategy: BoxedStrategy<Value>| {
        let n = name.clone();
        strategy
            .prop_map(move |v| Mutation::Set(n.clone(), v))
            .boxed()
    };
    let mut options: Vec<BoxedStrategy<Mutation>> = Vec::new();
    options.extend(wrong_type(&property.kind).map(set));
    options.extend(out_of_range(&property.kind).map(set));
    match &property.kind {
        Kind::Uri | Kind::Media { many: None, .. } => {
            let n = name.clone();
            let tricky =
                tricky_uri().prop_map(move |v| Mutation::Tricky(n.clone(), Value::String(v)));
            options.push(tricky.boxed());
        }
        Kind::Media {
            kind,
            many: Some(items),
        } => {
            let n = name.clone();
            let item = prop_oneof![
                wrong_kind(*kind).prop_map(Value::String),
                Just(json!(5)),
                Just(json!("./local.png")),
            ];
            let set_item =
                (0..4usize, item).prop_map(move |(i, v)| Mutation::SetItem(n.clone(), i, v));
            options.push(set_item.boxed());
            let lengths = wrong_lengths(*kind, *items);
            if !lengths.is_empty() {
                options.push(set(proptest::sample::select(lengths).boxed()));
            }
        }
        Kind::Choice {
            allowed,
            integer: true,
        } => {
            let n = name.clone();
            let floats: Vec<Value> = allowed
                .iter()
                .filter_map(|i| {
                    i.as_i64()
                        .and_then(|i| Number::from_f64(i as f64))
                        .map(Value::Number)
                })
                .collect();
            if !floats.is_empty() {
                let odd =
                    proptest::sample::select(floats).prop_map(move |v| Mutation::Odd(n.clone(), v));
                options.push(odd.boxed());
            }
        }
        _ => {}
    }
    if property.required {
        options.push(Just(Mutation::Remove(name)).boxed());
    }
    options
}

fn mutation(properties: &[Property], closed: bool) -> BoxedStrategy<Mutation> {
    let mut options: Vec<BoxedStrategy<Mutation>> =
        properties.iter().flat_map(property_mutations).collect();
    if closed {
        let known: Vec<String> = properties.iter().map(|p| p.name.clone()).collect();
        options.push(
            (
                prop_oneof![
                    proptest::sample::select(vec!["seed", "Prompt", "image-url", "", "a/b", "~0"])
                        .prop_map(str::to_owned),
                    text(1, 12),
                ],
                prop_oneof![Just(json!(1)), Just(json!("x")), Just(Value::Null)],
            )
                .prop_filter("not a known field", move |(key, _)| !known.contains(key))
                .prop_map(|(key, value)| Mutation::Extra(key, value))
                .boxed(),
        );
    }
    proptest::strategy::Union::new(options).boxed()
}

/// Cases generated from an input schema (an object schema with
/// `properties`).
pub(crate) fn cases(schema: &Value) -> BoxedStrategy<Case> {
    let (properties, closed) = properties(schema);
    let values: Vec<BoxedStrategy<Option<(String, Value)>>> = properties
        .iter()
        .filter(|p| !matches!(p.kind, Kind::Other))
        .map(|property| {
            let name = property.name.clone();
            let value = valid_value(&property.kind).prop_map(move |v| (name.clone(), v));
            if property.required {
                value.prop_map(Some).boxed()
            } else {
                proptest::option::of(value).boxed()
            }
        })
        .collect();
    let valid = values.prop_map(|fields| fields.into_iter().flatten().collect::<Map<_, _>>());
    let mutations = proptest::collection::vec(mutation(&properties, closed), 0..=3);
    let object_case = (valid, mutations).prop_map(|(object, mutations)| apply(object, mutations));
    let not_an_object = prop_oneof![
        Just(Value::Null),
        Just(json!("https://example.com/a.png")),
        Just(json!([{"image_url": "https://example.com/a.png"}])),
        any::<i64>().prop_map(|n| json!(n)),
        any::<bool>().prop_map(Value::Bool),
    ]
    .prop_map(|input| Case {
        input,
        intent: Intent::Invalid(vec![String::new()]),
    });
    prop_oneof![20 => object_case, 1 => not_an_object].boxed()
}

/// Puts `value` in place of one item of the array at `key` (an array of
/// one when there is none), and says the item's pointer.
fn set_item(object: &mut Map<String, Value>, key: &str, index: usize, value: Value) -> String {
    match object.get_mut(key) {
        Some(Value::Array(items)) if !items.is_empty() => {
            let at = index % items.len();
            items[at] = value;
            format!("{}/{at}", pointer(key))
        }
        _ => {
            object.insert(key.to_owned(), Value::Array(vec![value]));
            format!("{}/0", pointer(key))
        }
    }
}

/// A valid object with the mutations applied, each to a field not touched
/// before, and what the result is meant to be.
fn apply(mut object: Map<String, Value>, mutations: Vec<Mutation>) -> Case {
    let mut touched: Vec<String> = Vec::new();
    let mut invalid: Vec<String> = Vec::new();
    let mut unknown = false;
    for mutation in mutations {
        let key = mutation.key().to_owned();
        // One change per field, so each expected error stays expected.
        if touched.contains(&key) {
            continue;
        }
        touched.push(key.clone());
        match mutation {
            Mutation::Set(k, v) | Mutation::Extra(k, v) => {
                object.insert(k, v);
                invalid.push(pointer(&key));
            }
            Mutation::SetItem(k, index, v) => invalid.push(set_item(&mut object, &k, index, v)),
            Mutation::Remove(k) => {
                object.remove(&k);
                invalid.push(pointer(&key));
            }
            Mutation::Tricky(k, v) | Mutation::Odd(k, v) => {
                object.insert(k, v);
                unknown = true;
            }
        }
    }
    let intent = match (invalid.is_empty(), unknown) {
        (false, _) => Intent::Invalid(invalid),
        (true, true) => Intent::Unknown,
        (true, false) => Intent::Valid,
    };
    Case {
        input: Value::Object(object),
        intent,
    }
}

/// Any JSON value, nested a few levels, with the schema's field names as
/// likely keys.
pub(crate) fn any_json(schema: &Value) -> BoxedStrategy<Value> {
    let mut keys: Vec<String> = properties(schema).0.into_iter().map(|p| p.name).collect();
    keys.push("seed".into());
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|x| Number::from_f64(x).map_or(Value::Null, Value::Number)),
        text(0, 16).prop_map(Value::String),
        tricky_uri().prop_map(Value::String),
        media(runcomfy_validate::MediaKind::Image).prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, move |inner| {
        let key = prop_oneof![
            3 => proptest::sample::select(keys.clone()),
            1 => text(0, 8),
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key, inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
    .boxed()
}
