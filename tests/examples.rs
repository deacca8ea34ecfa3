//! The schema examples pin the validator down: every valid example passes,
//! every invalid one fails with a reviewed list of errors, and the generated
//! types agree with the validator except for gaps listed here by name.

use runcomfy_tests::{Example, examples, media_is_inline};
use runcomfy_types::models::kling::kling_1_6::pro::image_to_video as kling;
use runcomfy_validate::{MediaProbe, Validator};
use serde_json::Value;

fn kling_validator() -> Validator {
    let schema: Value = serde_json::from_str(kling::INPUT_SCHEMA).expect("schema is JSON");
    Validator::new(&schema).expect("schema compiles")
}

/// Sync checks always; media checks too when they need no network.
async fn all_errors(
    validator: &Validator,
    example: &Example,
) -> Vec<runcomfy_validate::FieldError> {
    if media_is_inline(&example.input) {
        match validator
            .validate_all(&example.input, &MediaProbe::new())
            .await
        {
            Ok(()) => Vec::new(),
            Err(invalid) => invalid.errors,
        }
    } else {
        validator.errors(&example.input)
    }
}

#[tokio::test]
async fn every_valid_example_passes_every_check() {
    let validator = kling_validator();
    let valid = examples(kling::MODEL_ID, "valid");
    assert!(valid.len() >= 5, "valid examples are missing");
    for example in &valid {
        let errors = all_errors(&validator, example).await;
        assert!(errors.is_empty(), "{}: {errors:?}", example.name);
    }
}

#[tokio::test]
async fn every_invalid_example_fails_with_the_reviewed_errors() {
    let validator = kling_validator();
    let invalid = examples(kling::MODEL_ID, "invalid");
    assert!(
        invalid.len() >= 25,
        "every kind of invalid input needs an example (at least 25), found {}",
        invalid.len()
    );
    let mut report = String::new();
    for example in &invalid {
        let errors = all_errors(&validator, example).await;
        assert!(!errors.is_empty(), "{} passed validation", example.name);
        for error in &errors {
            assert!(!error.message.is_empty(), "{}: empty message", example.name);
            assert!(
                error.message.len() < 300,
                "{}: message too long to read: {}",
                example.name,
                error.message
            );
        }
        report.push_str(&format!("{}:\n", example.name));
        for error in errors {
            report.push_str(&format!(
                "  {} [{}] {}\n",
                if error.pointer.is_empty() {
                    "(root)"
                } else {
                    &error.pointer
                },
                error.keyword,
                error.message
            ));
        }
    }
    insta::assert_snapshot!("kling_invalid_example_errors", report);
}

#[tokio::test]
async fn a_typed_value_from_the_builder_goes_through_the_same_validator() {
    let validator = kling_validator();
    // The builder accepts what the types can hold; the validator catches the rest.
    let typed: kling::Input = kling::Input::builder()
        .image_url("https://example.com/start.png")
        .cfg_scale(1.5)
        .try_into()
        .expect("the types cannot express cfg_scale's maximum");
    let invalid = validator
        .validate_typed(&typed)
        .expect_err("cfg_scale 1.5 is over the maximum");
    assert_eq!(invalid.errors.len(), 1);
    assert_eq!(invalid.errors[0].pointer, "/cfg_scale");
    assert_eq!(invalid.errors[0].keyword, "maximum");

    let typed: kling::Input = kling::Input::builder()
        .image_url("https://example.com/start.png")
        .try_into()
        .expect("builds");
    let sent = validator.validate_typed(&typed).expect("valid");
    assert_eq!(sent["duration"], 5, "schema default filled in");
    assert_eq!(sent["cfg_scale"], 0.5, "schema default filled in");
}

/// Examples where the validator rejects what deserialization into the
/// generated types accepts, because typify cannot express the constraint.
const KNOWN_GAPS: &[(&str, &str)] = &[
    ("cfg_scale_above_one", "typify drops `maximum` on numbers"),
    ("cfg_scale_negative", "typify drops `minimum` on numbers"),
    (
        "image_url_empty",
        "typify drops `format: uri` and `validations`",
    ),
    (
        "image_url_ftp",
        "typify drops `validations` (fetchable schemes)",
    ),
    (
        "image_url_local_path",
        "typify drops `format: uri` and `validations`",
    ),
    (
        "prompt_null",
        "an optional field is an `Option`, which accepts null",
    ),
    (
        "start_image_250px",
        "media rules need the image, not just the JSON",
    ),
    (
        "start_image_300px_wide",
        "media rules need the image, not just the JSON",
    ),
    (
        "start_image_not_an_image",
        "media rules need the image, not just the JSON",
    ),
    (
        "start_image_too_tall",
        "media rules need the image, not just the JSON",
    ),
    (
        "start_image_too_wide",
        "media rules need the image, not just the JSON",
    ),
    (
        "tail_image_300px_tall",
        "media rules need the image, not just the JSON",
    ),
    (
        "tail_image_url_local_path",
        "typify drops `format: uri` and `validations`",
    ),
];

#[tokio::test]
async fn validator_and_generated_types_agree_except_for_the_known_gaps() {
    let validator = kling_validator();
    let mut disagreements = Vec::new();
    for kind in ["valid", "invalid"] {
        for example in examples(kling::MODEL_ID, kind) {
            let validator_accepts = all_errors(&validator, &example).await.is_empty();
            let types_accept =
                serde_json::from_value::<kling::Input>(example.input.clone()).is_ok();
            if validator_accepts != types_accept {
                assert!(
                    types_accept,
                    "{}: the types reject what the validator accepts: the types are stricter than the schema",
                    example.name
                );
                disagreements.push(example.name);
            }
        }
    }
    let known: Vec<&str> = KNOWN_GAPS.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        disagreements, known,
        "a gap appeared or closed: update KNOWN_GAPS with the reason"
    );
}

#[test]
fn valid_examples_round_trip_through_the_generated_types() {
    let validator = kling_validator();
    for example in examples(kling::MODEL_ID, "valid") {
        let typed: kling::Input = serde_json::from_value(example.input.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", example.name));
        let again = validator
            .validate_typed(&typed)
            .unwrap_or_else(|e| panic!("{}: {e}", example.name));
        for (key, value) in example.input.as_object().expect("object") {
            let same = match (again[key].as_f64(), value.as_f64()) {
                (Some(a), Some(b)) => a == b,
                _ => &again[key] == value,
            };
            assert!(
                same,
                "{}: `{key}` changed in the round trip: {} became {}",
                example.name, value, again[key]
            );
        }
    }
}
