//! Properties of the validator on inputs generated from every model's
//! schema under `schemas/models/` (`support/inputs/`): each schema lints
//! and compiles; the validator never panics, its verdict is consistent,
//! each error points into the input, each mutation is reported where it was
//! made, and what passes the checks without I/O is never read as a local
//! file by the media step.

#[path = "support/field_errors.rs"]
mod field_errors;
// Shared with the constraint tests and the differential: each uses a part.
#[path = "support/inputs/mod.rs"]
#[allow(dead_code, unused_imports)]
mod inputs;
#[path = "support/models.rs"]
#[allow(dead_code)]
mod models;

use std::sync::LazyLock;

use inputs::{Case, Intent};
use proptest::prelude::*;
use proptest::strategy::{Union, ValueTree as _};
use proptest::test_runner::TestRunner;
use runcomfy_validate::{FieldError, MediaSource, Validator};
use serde_json::Value;

const KLING: &str = "kling/kling-1-6/pro/image-to-video";

/// A model's schema and its validator.
struct Compiled {
    id: String,
    schema: Value,
    validator: Validator,
}

static MODELS: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    models::all()
        .into_iter()
        .map(|model| Compiled {
            validator: Validator::new(&model.schema)
                .unwrap_or_else(|e| panic!("{}: the schema does not compile: {e}", model.id)),
            id: model.id,
            schema: model.schema,
        })
        .collect()
});

fn kling() -> &'static Compiled {
    MODELS
        .iter()
        .find(|model| model.id == KLING)
        .expect("the Kling 1.6 schema")
}

/// The verdict agrees across `is_valid`, `validate` and `errors`; every
/// error names a keyword, says something, and points into the input (a
/// missing required field: its parent exists).
fn check_consistent(validator: &Validator, input: &Value) -> Vec<FieldError> {
    let errors = validator.errors(input);
    let valid = validator.is_valid(input);
    assert_eq!(valid, errors.is_empty(), "{input}: {errors:?}");
    assert_eq!(validator.validate(input).is_ok(), valid);
    for error in &errors {
        field_errors::check_points_into(input, error);
    }
    errors
}

/// A media reference the media step would probe (one that passes its
/// field's checks without I/O) is a URL or a data: URI, never a local path.
fn check_never_a_local_file(validator: &Validator, input: &Value) {
    for (_, reference, _) in validator.media_references(input) {
        let source = MediaSource::parse(reference);
        assert!(
            !matches!(source, Ok(MediaSource::File(_))),
            "{reference:?} would be read as a local file"
        );
    }
}

/// Cases of every model, each with the index of its model.
fn every_models_cases() -> impl Strategy<Value = (usize, Case)> {
    Union::new(MODELS.iter().enumerate().map(|(index, model)| {
        inputs::cases(&model.schema)
            .prop_map(move |case| (index, case))
            .boxed()
    }))
}

/// Arbitrary JSON with every model's field names, and the model's index.
fn every_models_json() -> impl Strategy<Value = (usize, Value)> {
    Union::new(MODELS.iter().enumerate().map(|(index, model)| {
        inputs::any_json(&model.schema)
            .prop_map(move |input| (index, input))
            .boxed()
    }))
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 1024,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_inputs_get_the_verdict_they_were_made_for((index, case) in every_models_cases()) {
        let model = &MODELS[index];
        let validator = &model.validator;
        let Case { input, intent } = case;
        let errors = check_consistent(validator, &input);
        check_never_a_local_file(validator, &input);
        match intent {
            Intent::Valid => prop_assert!(errors.is_empty(), "{}: {input}: {errors:?}", model.id),
            Intent::Invalid(pointers) => {
                for pointer in pointers {
                    prop_assert!(
                        errors.iter().any(|e| e.pointer == pointer),
                        "{}: {input}: no error at {pointer:?}: {errors:?}", model.id
                    );
                }
            }
            Intent::Unknown => {}
        }
    }

    #[test]
    fn any_json_gets_a_consistent_verdict((index, input) in every_models_json()) {
        let validator = &MODELS[index].validator;
        let errors = check_consistent(validator, &input);
        check_never_a_local_file(validator, &input);
        if !input.is_object() {
            prop_assert!(!errors.is_empty(), "{input} is not an object");
        }
    }
}

/// How many cases of each intent the generator makes from one schema.
fn count_intents(schema: &Value, cases: usize) -> [usize; 4] {
    let strategy = inputs::cases(schema);
    let mut runner = TestRunner::deterministic();
    let mut counts = [0; 4];
    for _ in 0..cases {
        let case = strategy.new_tree(&mut runner).expect("a case").current();
        let slot = match case.intent {
            Intent::Valid => 0,
            Intent::Invalid(_) if !case.input.is_object() => 3,
            Intent::Invalid(_) => 1,
            Intent::Unknown => 2,
        };
        counts[slot] += 1;
    }
    counts
}

#[test]
fn the_generator_makes_every_kind_of_case() {
    let [valid, invalid, unknown, not_object] = count_intents(&kling().schema, 200);
    assert!(
        valid > 20 && invalid > 50 && unknown > 5 && not_object > 2,
        "valid {valid}, invalid {invalid}, unknown {unknown}, not an object {not_object}"
    );
}

#[test]
fn the_generator_makes_valid_and_invalid_inputs_of_every_model() {
    for model in MODELS.iter() {
        let counts = count_intents(&model.schema, 60);
        let [valid, invalid, ..] = counts;
        assert!(
            valid >= 3 && invalid >= 15,
            "{}: valid {valid}, invalid {invalid}: {counts:?}",
            model.id
        );
    }
}

#[test]
fn the_standard_schema_has_no_provider_keyword() {
    let schema = &kling().schema;
    let stripped = inputs::standard_keywords_only(schema);
    assert!(!stripped.to_string().contains("\"validations\""));
    assert_eq!(stripped["properties"]["image_url"]["format"], "uri");
    assert_eq!(stripped["required"], schema["required"]);
    for model in MODELS.iter() {
        let stripped = inputs::standard_keywords_only(&model.schema).to_string();
        assert!(
            !stripped.contains("\"x-runcomfy-unvalidated\""),
            "{}",
            model.id
        );
    }
}
