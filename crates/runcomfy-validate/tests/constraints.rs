//! Every model's schema under `schemas/models/`, constraint by constraint:
//! it lints and compiles, an input of boundary values passes, and one
//! mutation for each constraint of each property fails with an error of
//! that keyword at that pointer (an array's item named as `/images/1`).

// Shared with the property tests and the differential: each uses a part.
#[path = "support/inputs/mod.rs"]
#[allow(dead_code, unused_imports)]
mod inputs;
#[path = "support/models.rs"]
mod models;

use inputs::{Items, Kind, Property};
use runcomfy_validate::{MediaKind, Validator};
use serde_json::{Map, Value, json};

/// The keywords a model schema may use (`xtask`'s lint allows the same),
/// separated by spaces.
const KEYWORDS: &str = "$schema title description type properties required \
    additionalProperties items enum default examples minimum maximum \
    exclusiveMinimum exclusiveMaximum minLength maxLength pattern format \
    minItems maxItems validations anyOf x-runcomfy-unvalidated";

/// The keywords used anywhere in a schema object (not inside `properties`
/// names or values of data keywords).
fn keywords_of(schema: &Value, found: &mut Vec<String>) {
    let Some(object) = schema.as_object() else {
        return;
    };
    for (key, value) in object {
        found.push(key.clone());
        match key.as_str() {
            "properties" => value
                .as_object()
                .into_iter()
                .flat_map(Map::values)
                .for_each(|property| keywords_of(property, found)),
            "items" => keywords_of(value, found),
            "anyOf" => value
                .as_array()
                .into_iter()
                .flatten()
                .for_each(|branch| keywords_of(branch, found)),
            _ => {}
        }
    }
}

#[test]
fn every_models_schema_lints_and_compiles() {
    let models = models::all();
    assert_eq!(models.len(), 121, "120 imported and the curated Kling 1.6");
    let meta = jsonschema::draft7::meta::validator();
    for model in &models {
        let id = &model.id;
        assert_eq!(
            model.schema["$schema"], "http://json-schema.org/draft-07/schema#",
            "{id}"
        );
        if let Some(error) = meta.iter_errors(&model.schema).next() {
            panic!("{id}: not a draft-07 schema: {error}");
        }
        let mut used = Vec::new();
        keywords_of(&model.schema, &mut used);
        for keyword in used {
            assert!(
                KEYWORDS.split_whitespace().any(|known| known == keyword),
                "{id}: `{keyword}`"
            );
        }
        let validator = Validator::new(&model.schema).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(validator.schema_warnings(), [], "{id}: every rule is known");
        for (name, property) in model.schema["properties"].as_object().into_iter().flatten() {
            if property["x-runcomfy-unvalidated"] == true {
                let keys: Vec<&String> = property
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k)
                    .collect();
                assert_eq!(
                    keys,
                    ["description", "x-runcomfy-unvalidated"],
                    "{id}: {name}"
                );
            }
        }
    }
}

/// `count` references to files of `kind`.
fn references(kind: MediaKind, count: usize) -> Value {
    Value::Array(vec![Value::String(inputs::data_of(kind)); count])
}

/// A valid value at the boundary of a property's constraints, when the
/// generator models it.
fn boundary_value(kind: &Kind) -> Option<Value> {
    Some(match kind {
        Kind::Uri => json!("https://example.com/a.png"),
        Kind::Media { kind, many: None } => Value::String(inputs::data_of(*kind)),
        Kind::Media {
            kind,
            many: Some(Items { min, max }),
        } => references(*kind, max.unwrap_or((*min).max(1))),
        // Astral characters: a length in UTF-16 units would be twice this.
        Kind::Text { max_chars } => Value::String("😀".repeat(max_chars.unwrap_or(3))),
        Kind::Choice { allowed, .. } => allowed.last()?.clone(),
        Kind::Integer { min, max } => json!(max.or(*min).unwrap_or(4_294_967_295)),
        Kind::Number { max, .. } => json!(max),
        Kind::Boolean => json!(true),
        Kind::Unvalidated => json!([{"any": ["shape"]}]),
        Kind::Other => return None,
    })
}

/// A wrong value of the right JSON type for each constraint of `kind`,
/// with the keyword and the pointer (below the property's) it must fail at.
fn breaking_values(kind: &Kind) -> Vec<(Value, &'static str, String)> {
    let at = |value: Value, keyword| (value, keyword, String::new());
    match kind {
        Kind::Uri => vec![at(json!("not a url"), "format")],
        Kind::Media { kind, many: None } => {
            let other = inputs::others(*kind)[0];
            vec![
                at(Value::String(inputs::data_of(other)), "format"),
                at(json!("ftp://example.com/a"), "format"),
            ]
        }
        Kind::Media {
            kind,
            many: Some(Items { min, max }),
        } => {
            let mut wrong = vec![];
            let other = Value::String(inputs::data_of(inputs::others(*kind)[0]));
            let mut items = vec![Value::String(inputs::data_of(*kind)), other];
            if max.is_some_and(|max| max < 2) {
                items.remove(0);
            }
            let index = items.len() - 1;
            wrong.push((Value::Array(items), "format", format!("/{index}")));
            wrong.extend(max.map(|max| at(references(*kind, max + 1), "maxItems")));
            if *min > 0 {
                wrong.push(at(references(*kind, min - 1), "minItems"));
            }
            wrong
        }
        Kind::Text {
            max_chars: Some(max),
        } => vec![at(Value::String("😀".repeat(max + 1)), "maxLength")],
        Kind::Choice {
            allowed,
            integer: true,
        } => {
            let above = allowed.iter().filter_map(Value::as_i64).max().unwrap_or(0) + 1;
            vec![at(json!(above), "enum")]
        }
        Kind::Choice { .. } => vec![at(json!("not one of them"), "enum")],
        Kind::Integer { min, max } => {
            let below = min.map(|min| at(json!(min - 1), "minimum"));
            let above = max.map(|max| at(json!(max + 1), "maximum"));
            below.into_iter().chain(above).collect()
        }
        Kind::Number { min, max } => vec![
            at(json!(min - 1.0), "minimum"),
            at(json!(max + 1.0), "maximum"),
        ],
        _ => vec![],
    }
}

/// A value of another JSON type than the property's.
fn wrong_type(kind: &Kind) -> Option<Value> {
    Some(match kind {
        Kind::Media { many: Some(_), .. } => json!("https://example.com/a.png"),
        Kind::Uri | Kind::Media { .. } | Kind::Text { .. } => json!(5),
        Kind::Choice { integer: false, .. } => json!(6),
        Kind::Choice { .. } | Kind::Integer { .. } | Kind::Number { .. } => json!("5"),
        Kind::Boolean => json!("true"),
        Kind::Unvalidated | Kind::Other => return None,
    })
}

fn boundary_input(properties: &[Property]) -> Map<String, Value> {
    properties
        .iter()
        .filter_map(|p| Some((p.name.clone(), boundary_value(&p.kind)?)))
        .collect()
}

fn assert_fails(
    validator: &Validator,
    input: &Map<String, Value>,
    pointer: &str,
    keyword: &str,
    id: &str,
) {
    let input = Value::Object(input.clone());
    let errors = validator.errors(&input);
    assert!(
        errors
            .iter()
            .any(|e| e.pointer == pointer && e.keyword == keyword),
        "{id}: no `{keyword}` error at {pointer}: {errors:?}"
    );
}

#[test]
fn boundary_values_pass_and_one_mutation_for_each_constraint_fails() {
    let mut mutations = 0;
    for model in models::all() {
        let id = &model.id;
        let validator = Validator::new(&model.schema).expect("compiles");
        let (properties, closed) = inputs::properties(&model.schema);
        let valid = boundary_input(&properties);
        let errors = validator.errors(&Value::Object(valid.clone()));
        assert_eq!(errors, [], "{id}: {valid:?}");
        for property in &properties {
            let pointer = format!("/{}", property.name);
            let mut mutate = |value: Value, keyword: &str, below: &str| {
                let mut input = valid.clone();
                input.insert(property.name.clone(), value);
                assert_fails(
                    &validator,
                    &input,
                    &format!("{pointer}{below}"),
                    keyword,
                    id,
                );
                mutations += 1;
            };
            if let Some(value) = wrong_type(&property.kind) {
                mutate(value, "type", "");
            }
            // A `uri` field with `validations` says so for an unusable value.
            let has_rules = model.schema["properties"][&property.name]["validations"].is_array();
            for (value, keyword, below) in breaking_values(&property.kind) {
                let uri_rules = matches!(property.kind, Kind::Uri) && has_rules;
                mutate(
                    value,
                    if uri_rules { "validations" } else { keyword },
                    &below,
                );
            }
            if property.required {
                let mut input = valid.clone();
                input.remove(&property.name);
                assert_fails(&validator, &input, &pointer, "required", id);
            }
        }
        if closed {
            let mut input = valid.clone();
            input.insert("promt".into(), json!("a typo"));
            assert_fails(&validator, &input, "/promt", "additionalProperties", id);
        }
    }
    assert!(mutations > 1000, "{mutations} mutations");
}

/// The keywords of the errors at `pointer` when `field` is `value`.
fn keywords_at(id: &str, field: &str, value: Value) -> Vec<String> {
    let validator = Validator::new(&models::named(id).schema).expect("compiles");
    let errors = validator.errors(&json!({ field: value }));
    let pointer = format!("/{field}");
    errors
        .into_iter()
        .filter(|e| e.pointer == pointer)
        .map(|e| e.keyword)
        .collect()
}

#[test]
fn an_integer_enum_takes_its_integers_and_nothing_else() {
    let fps = |value| keywords_at("lightricks/ltx-2.5/image-to-video/pro", "fps", value);
    assert_eq!(fps(json!(25)), Vec::<String>::new());
    // Draft-07 (and Python's jsonschema): 25.0 is the integer 25.
    assert_eq!(fps(json!(25.0)), Vec::<String>::new());
    assert_eq!(fps(json!(26)), ["enum"]);
    assert_eq!(fps(json!("25")), ["type", "enum"]);
    assert_eq!(fps(json!(25.5)), ["type", "enum"]);
}

#[test]
fn an_enum_of_numbers_written_as_strings_takes_the_strings() {
    let duration = |value| keywords_at("lightricks/ltx-2.5/image-to-video/pro", "duration", value);
    assert_eq!(duration(json!("6")), Vec::<String>::new());
    assert_eq!(duration(json!("auto")), Vec::<String>::new());
    assert_eq!(duration(json!(6)), ["type", "enum"]);
    assert_eq!(duration(json!("7")), ["enum"]);
    assert_eq!(duration(json!("6.0")), ["enum"]);
}

#[test]
fn max_length_counts_code_points() {
    let prompt = |value| keywords_at("alibaba/happyhorse-1.1/image-to-video", "prompt", value);
    assert_eq!(prompt(json!("😀".repeat(5000))), Vec::<String>::new());
    assert_eq!(prompt(json!("😀".repeat(5001))), ["maxLength"]);
    assert_eq!(prompt(json!("é".repeat(5000))), Vec::<String>::new());
}

#[test]
fn a_required_field_with_a_default_is_still_required() {
    let model = models::named("minimax/minimax-h3/image-to-video");
    assert_eq!(model.schema["properties"]["duration"]["default"], 5);
    let validator = Validator::new(&model.schema).expect("compiles");
    let errors = validator.errors(&json!({}));
    assert!(
        errors
            .iter()
            .any(|e| e.pointer == "/duration" && e.keyword == "required"),
        "{errors:?}"
    );
}

#[test]
fn a_seed_goes_up_to_4294967295() {
    let seed = |value| keywords_at("runwayml/runway-aleph-2/video-to-video", "seed", value);
    assert_eq!(seed(json!(4_294_967_295_u64)), Vec::<String>::new());
    assert_eq!(seed(json!(0)), Vec::<String>::new());
    assert_eq!(seed(json!(4_294_967_296_u64)), ["maximum"]);
    assert_eq!(seed(json!(-1)), ["minimum"]);
}
