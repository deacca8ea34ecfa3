//! Inputs generated from a model's input schema, for the property tests
//! (`tests/properties.rs`) and the differential against Python's
//! `jsonschema` (`examples/differential.rs`).
//!
//! Read from the schema: the top-level `properties` with their `type`,
//! `enum`, `minimum`/`maximum`, `maxLength` and `format`, `required`, and
//! `additionalProperties: false`. A case is a valid input (values in range,
//! boundaries included, optional fields left out at random) to which zero to
//! three mutations are applied, each on its own field: a wrong type, a
//! number out of range or out of the enum, an overlong string, a malformed
//! URL, an extra key, a missing required field; or a value that is not an
//! object at all; or a media reference from a list of tricky ones, whose
//! verdict is not known in advance.

use proptest::prelude::*;
use serde_json::{Map, Number, Value, json};

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

/// What the generator reads of one property.
#[derive(Debug, Clone)]
struct Property {
    name: String,
    kind: Kind,
    required: bool,
}

#[derive(Debug, Clone)]
enum Kind {
    Uri,
    Text {
        max_chars: Option<usize>,
    },
    Integer {
        allowed: Vec<i64>,
    },
    Number {
        min: f64,
        max: f64,
    },
    Boolean,
    /// A keyword combination the generator does not model: left out of
    /// valid inputs, still mutated.
    Other,
}

/// The properties of a schema, in schema order.
fn properties(schema: &Value) -> (Vec<Property>, bool) {
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

fn kind_of(property: &Value) -> Kind {
    match property["type"].as_str() {
        Some("string") if property["format"] == "uri" => Kind::Uri,
        Some("string") => Kind::Text {
            max_chars: property["maxLength"]
                .as_u64()
                .and_then(|n| usize::try_from(n).ok()),
        },
        Some("integer") => match property["enum"].as_array() {
            Some(values) => Kind::Integer {
                allowed: values.iter().filter_map(Value::as_i64).collect(),
            },
            None => Kind::Other,
        },
        Some("number") => Kind::Number {
            min: property["minimum"].as_f64().unwrap_or(-1e9),
            max: property["maximum"].as_f64().unwrap_or(1e9),
        },
        Some("boolean") => Kind::Boolean,
        _ => Kind::Other,
    }
}

/// Characters for text: ASCII, multi-byte, astral and control characters
/// (lengths count characters, not bytes or UTF-16 units).
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => Just(' '),
        1 => proptest::sample::select(vec!['é', 'ß', '中', '😀', '\u{0}', '\n', '"', '\\', '\u{200b}']),
        1 => any::<char>(),
    ]
}

fn text(min: usize, max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(text_char(), min..=max).prop_map(|chars| chars.into_iter().collect())
}

/// URLs the service can fetch (valid under `format: uri` and the
/// provider's `validations` keyword without I/O).
fn valid_uri() -> impl Strategy<Value = String> {
    let host = proptest::sample::select(vec![
        "example.com",
        "cdn.example.com:8443",
        "127.0.0.1:8080",
        "[::1]",
        "xn--bcher-kva.example",
    ]);
    let path = proptest::collection::vec(
        proptest::sample::select(vec!["a", "b.png", "%20x", "~u", "c-d_e", "f.jpeg"]),
        0..4,
    );
    let query = proptest::option::of(proptest::sample::select(vec![
        "w=1",
        "X-Amz-Signature=abc&x=1",
        "a=%2F",
    ]));
    prop_oneof![
        4 => (
            proptest::sample::select(vec!["https", "http", "HTTPS"]),
            host,
            path,
            query
        )
            .prop_map(|(scheme, host, path, query)| {
                let mut url = format!("{scheme}://{host}/{}", path.join("/"));
                if let Some(query) = query {
                    url.push('?');
                    url.push_str(query);
                }
                url
            }),
        // An image over the Kling rules' 300 px minimum.
        1 => Just(runcomfy_validate::fixtures::png_data_uri(320, 320)),
        1 => Just("data:,hello".to_owned()),
    ]
}

/// Not URIs at all: every validator rejects these under `format: uri`.
fn bad_uri() -> impl Strategy<Value = String> {
    proptest::sample::select(vec![
        "",
        "not a url",
        "./start.png",
        "start.png",
        "/abs/start.png",
        "https://exa mple.com/a.png",
        "://no-scheme",
        "1http://x",
    ])
    .prop_map(str::to_owned)
}

/// References whose verdict depends on the validator's reading of URIs and
/// media references: schemes the service cannot fetch, `data:` URIs with bad
/// payloads, odd but legal URIs.
fn tricky_uri() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "ftp://host/a.png",
            "file:///etc/passwd",
            "s3://bucket/key.png",
            "http:foo",
            "HTTPS:example.com/a.png",
            "https://",
            "https:///a.png",
            "https://user:pw@example.com/a.png",
            "https://example.com/a b.png",
            "https://example.com/%zz",
            "https://[::1/a.png",
            "https://example.com/\u{e9}.png",
            "data:image/png;base64,@@@",
            "data:image/png;base64,",
            "data:image/png;base64,Q",
            "data:;base64,QUJD",
            "data:",
            "DATA:image/png,abc",
            "C:\\images\\a.png",
            "mailto:someone@example.com",
            "urn:isbn:0451450523",
            "https://example.com/a.png#frag",
            "https://example.com:99999/a.png",
        ])
        .prop_map(str::to_owned),
        text(0, 24).prop_map(|tail| format!("https://{tail}")),
        text(0, 24).prop_map(|tail| format!("data:{tail}")),
        text(0, 24),
    ]
}

/// A valid value of a property, boundaries included.
fn valid_value(kind: &Kind) -> BoxedStrategy<Value> {
    match kind.clone() {
        Kind::Uri => valid_uri().prop_map(Value::String).boxed(),
        Kind::Text { max_chars } => {
            let max = max_chars.unwrap_or(200);
            prop_oneof![
                3 => text(0, max.min(80)),
                1 => text(max, max),
                1 => Just(String::new()),
            ]
            .prop_map(Value::String)
            .boxed()
        }
        Kind::Integer { allowed } => proptest::sample::select(allowed)
            .prop_map(|n| json!(n))
            .boxed(),
        Kind::Number { min, max } => prop_oneof![
            3 => (0.0..=1.0f64).prop_map(move |t| min + (max - min) * t),
            1 => Just(min),
            1 => Just(max),
        ]
        .prop_map(|x| Number::from_f64(x).map_or(Value::Null, Value::Number))
        .boxed(),
        Kind::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        Kind::Other => Just(Value::Null).boxed(),
    }
}

/// A value of the wrong JSON type for a property.
fn wrong_type(kind: &Kind) -> BoxedStrategy<Value> {
    let mut choices = vec![
        Value::Null,
        json!([]),
        json!(["https://example.com/a.png"]),
        json!({}),
    ];
    match kind {
        Kind::Uri | Kind::Text { .. } => choices.extend([json!(5), json!(0.5), json!(true)]),
        Kind::Integer { .. } => choices.extend([json!("5"), json!(true), json!(5.5)]),
        Kind::Number { .. } => choices.extend([json!("0.5"), json!(false)]),
        Kind::Boolean => choices.extend([json!("true"), json!(1)]),
        Kind::Other => choices.push(json!(true)),
    }
    proptest::sample::select(choices).boxed()
}

/// A value of the right type that breaks the property's constraint, if it
/// has one.
fn out_of_range(kind: &Kind) -> Option<BoxedStrategy<Value>> {
    match kind.clone() {
        Kind::Uri => Some(bad_uri().prop_map(Value::String).boxed()),
        Kind::Text {
            max_chars: Some(max),
        } => Some(text(max + 1, max + 40).prop_map(Value::String).boxed()),
        Kind::Integer { allowed } => Some(
            prop_oneof![
                any::<i64>(),
                proptest::sample::select(vec![-1i64, 0, 1, 4, 6, 9, 11, i64::MAX, i64::MIN]),
            ]
            .prop_filter("not allowed", move |n| !allowed.contains(n))
            .prop_map(|n| json!(n))
            .boxed(),
        ),
        Kind::Number { min, max } => Some(
            prop_oneof![
                (1e-9..1e6f64).prop_map(move |d| max + d.max(max.abs() * 1e-12)),
                (1e-9..1e6f64).prop_map(move |d| min - d.max(min.abs() * 1e-12)),
            ]
            .prop_filter_map("finite", |x| Number::from_f64(x).map(Value::Number))
            .boxed(),
        ),
        Kind::Text { max_chars: None } | Kind::Boolean | Kind::Other => None,
    }
}

/// One change to a valid input.
#[derive(Debug, Clone)]
enum Mutation {
    /// Set a field to a value that breaks it.
    Set(String, Value),
    /// Set a field to a value whose verdict is not known in advance.
    Tricky(String, Value),
    /// Set a value that is valid but unusual (`5.0` for an integer).
    Odd(String, Value),
    /// Remove a required field.
    Remove(String),
    /// Add a key the schema does not list.
    Extra(String, Value),
}

fn mutation(properties: &[Property], closed: bool) -> BoxedStrategy<Mutation> {
    let mut options: Vec<BoxedStrategy<Mutation>> = Vec::new();
    for property in properties {
        let name = property.name.clone();
        let n = name.clone();
        options.push(
            wrong_type(&property.kind)
                .prop_map(move |v| Mutation::Set(n.clone(), v))
                .boxed(),
        );
        if let Some(strategy) = out_of_range(&property.kind) {
            let n = name.clone();
            options.push(
                strategy
                    .prop_map(move |v| Mutation::Set(n.clone(), v))
                    .boxed(),
            );
        }
        if matches!(property.kind, Kind::Uri) {
            let n = name.clone();
            options.push(
                tricky_uri()
                    .prop_map(move |v| Mutation::Tricky(n.clone(), Value::String(v)))
                    .boxed(),
            );
        }
        if let Kind::Integer { allowed } = &property.kind {
            let n = name.clone();
            let floats: Vec<Value> = allowed
                .iter()
                .filter_map(|&i| Number::from_f64(i as f64).map(Value::Number))
                .collect();
            if !floats.is_empty() {
                options.push(
                    proptest::sample::select(floats)
                        .prop_map(move |v| Mutation::Odd(n.clone(), v))
                        .boxed(),
                );
            }
        }
        if property.required {
            options.push(Just(Mutation::Remove(name)).boxed());
        }
    }
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

fn pointer(name: &str) -> String {
    format!("/{}", name.replace('~', "~0").replace('/', "~1"))
}

/// Cases generated from an input schema (an object schema with
/// `properties`).
pub(crate) fn cases(schema: &Value) -> BoxedStrategy<Case> {
    let (properties, closed) = properties(schema);
    let modelled: Vec<Property> = properties
        .iter()
        .filter(|p| !matches!(p.kind, Kind::Other))
        .cloned()
        .collect();
    let values: Vec<BoxedStrategy<Option<(String, Value)>>> = modelled
        .iter()
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

/// A valid object with the mutations applied, each to a field not touched
/// before, and what the result is meant to be.
fn apply(mut object: Map<String, Value>, mutations: Vec<Mutation>) -> Case {
    let mut touched: Vec<String> = Vec::new();
    let mut invalid: Vec<String> = Vec::new();
    let mut unknown = false;
    for mutation in mutations {
        let key = match &mutation {
            Mutation::Set(k, _)
            | Mutation::Tricky(k, _)
            | Mutation::Odd(k, _)
            | Mutation::Remove(k)
            | Mutation::Extra(k, _) => k.clone(),
        };
        // One change per field, so each expected error stays expected.
        if touched.contains(&key) {
            continue;
        }
        touched.push(key.clone());
        match mutation {
            Mutation::Set(k, v) => {
                object.insert(k, v);
                invalid.push(pointer(&key));
            }
            Mutation::Remove(k) => {
                object.remove(&k);
                invalid.push(pointer(&key));
            }
            Mutation::Extra(k, v) => {
                object.insert(k, v);
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

/// The schema without the provider's `validations` keyword, anywhere: the
/// standard keywords only. (A property that happens to be named
/// `validations` is kept.)
pub(crate) fn standard_keywords_only(schema: &Value) -> Value {
    strip(schema, false)
}

fn strip(value: &Value, in_properties: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| in_properties || key.as_str() != "validations")
                .map(|(key, value)| {
                    let properties = !in_properties
                        && matches!(
                            key.as_str(),
                            "properties" | "patternProperties" | "definitions"
                        );
                    (key.clone(), strip(value, properties))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| strip(v, false)).collect()),
        other => other.clone(),
    }
}
