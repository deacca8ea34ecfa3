//! What is accepted unchecked is said, never silent: a `validations` rule
//! this build does not know (at import and when an input reaches it, while
//! the known rules still run) and an input whose shape is not public
//! (`x-runcomfy-unvalidated`, passed through as given).

use runcomfy_validate::Validator;
use runcomfy_validate::fixtures::png_data_uri;
use serde_json::json;

use crate::models;
use crate::schema::{broke, rule, validator, verdict};

#[tokio::test]
async fn an_unknown_rule_is_a_warning_and_the_known_ones_still_run() {
    let field = validator(
        "image_uri",
        vec![
            rule("duration_seconds<", json!(30)),
            rule("width_pixels>", json!(300)),
        ],
    );
    let at_import: Vec<String> = field
        .schema_warnings()
        .into_iter()
        .map(|w| w.pointer)
        .collect();
    assert_eq!(at_import, ["/properties/media/validations/0"]);
    assert_eq!(field.warnings(&json!({})), []);
    let input = json!({"media": png_data_uri(200, 200)});
    let warnings = field.warnings(&input);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].pointer, "/media");
    assert_eq!(
        warnings[0].message,
        "validations rule `duration_seconds<` was not checked: this build does not know it"
    );
    assert_eq!(
        verdict(&field, &png_data_uri(200, 200)).await,
        broke("broke width_pixels>")
    );
    assert_eq!(verdict(&field, &png_data_uri(400, 200)).await, []);
}

#[test]
fn an_unvalidated_input_passes_through_with_a_warning_that_names_it() {
    let model = models::named("runwayml/runway-aleph-2/video-to-video");
    let validator = Validator::new(&model.schema).expect("the schema compiles");
    let mut input = serde_json::Map::new();
    for name in model.schema["required"].as_array().into_iter().flatten() {
        let name = name.as_str().expect("a field name");
        input.insert(
            name.to_owned(),
            model.schema["properties"][name]["examples"][0].clone(),
        );
    }
    let without = serde_json::Value::Object(input.clone());
    input.insert(
        "keyframes".into(),
        json!([{"image": 7, "at": {"nested": [null, true]}}]),
    );
    let with = serde_json::Value::Object(input);
    assert_eq!(validator.errors(&with), validator.errors(&without));
    let warnings = validator.warnings(&with);
    let named: Vec<(&str, &str)> = warnings
        .iter()
        .map(|w| (w.pointer.as_str(), w.keyword.as_str()))
        .collect();
    assert_eq!(named, [("/keyframes", "x-runcomfy-unvalidated")]);
    assert!(
        warnings[0].to_string().contains("keyframes"),
        "{}",
        warnings[0]
    );
    assert_eq!(validator.warnings(&without), []);
}
