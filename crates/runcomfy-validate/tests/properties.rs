//! Properties of the validator on inputs generated from the Kling schema
//! (`support/inputs.rs`): it never panics, its verdict is consistent, each
//! error points into the input, each mutation is reported where it was
//! made, and what passes the checks without I/O is never read as a local
//! file by the media step.

#[path = "support/field_errors.rs"]
mod field_errors;
#[path = "support/inputs.rs"]
mod inputs;

use std::sync::LazyLock;

use inputs::{Case, Intent};
use proptest::prelude::*;
use runcomfy_types::models::kling::kling_1_6::pro::image_to_video::INPUT_SCHEMA;
use runcomfy_validate::{FieldError, MediaSource, Validator};
use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(INPUT_SCHEMA).expect("the schema is JSON")
}

static VALIDATOR: LazyLock<Validator> =
    LazyLock::new(|| Validator::new(&schema()).expect("the schema compiles"));

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

/// A media reference the media step would probe (fetchable scheme: no
/// `validations` error) is a URL or a data: URI, never a local path.
fn check_never_a_local_file(validator: &Validator, input: &Value, errors: &[FieldError]) {
    for (pointer, _) in validator.media_rules() {
        let Some(reference) = input.pointer(pointer).and_then(Value::as_str) else {
            continue;
        };
        if errors
            .iter()
            .any(|e| e.pointer == pointer && e.keyword == "validations")
        {
            continue;
        }
        let source = MediaSource::parse(reference);
        assert!(
            !matches!(source, Ok(MediaSource::File(_))),
            "{reference:?} would be read as a local file"
        );
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_inputs_get_the_verdict_they_were_made_for(case in inputs::cases(&schema())) {
        let validator = &*VALIDATOR;
        let Case { input, intent } = case;
        let errors = check_consistent(validator, &input);
        check_never_a_local_file(validator, &input, &errors);
        match intent {
            Intent::Valid => prop_assert!(errors.is_empty(), "{input}: {errors:?}"),
            Intent::Invalid(pointers) => {
                for pointer in pointers {
                    prop_assert!(
                        errors.iter().any(|e| e.pointer == pointer),
                        "{input}: no error at {pointer:?}: {errors:?}"
                    );
                }
            }
            Intent::Unknown => {}
        }
    }

    #[test]
    fn any_json_gets_a_consistent_verdict(input in inputs::any_json(&schema())) {
        let validator = &*VALIDATOR;
        let errors = check_consistent(validator, &input);
        check_never_a_local_file(validator, &input, &errors);
        if !input.is_object() {
            prop_assert!(!errors.is_empty(), "{input} is not an object");
        }
    }
}

#[test]
fn the_generator_makes_every_kind_of_case() {
    use proptest::strategy::ValueTree as _;
    use proptest::test_runner::TestRunner;

    let strategy = inputs::cases(&schema());
    let mut runner = TestRunner::deterministic();
    let (mut valid, mut invalid, mut unknown, mut not_object) = (0, 0, 0, 0);
    for _ in 0..200 {
        let case = strategy.new_tree(&mut runner).expect("a case").current();
        match case.intent {
            Intent::Valid => valid += 1,
            Intent::Invalid(_) if !case.input.is_object() => not_object += 1,
            Intent::Invalid(_) => invalid += 1,
            Intent::Unknown => unknown += 1,
        }
    }
    assert!(
        valid > 20 && invalid > 50 && unknown > 5 && not_object > 2,
        "valid {valid}, invalid {invalid}, unknown {unknown}, not an object {not_object}"
    );
}

#[test]
fn the_standard_schema_has_no_provider_keyword() {
    let stripped = inputs::standard_keywords_only(&schema());
    assert!(!stripped.to_string().contains("\"validations\""));
    assert_eq!(stripped["properties"]["image_url"]["format"], "uri");
    assert_eq!(stripped["required"], schema()["required"]);
}
