//! `cargo xtask emulate-all`'s input builder over every model of the
//! catalog: each built input passes the validator (schema and media
//! rules), and asks for a measurable output wherever its schema lets it.

use xtask::emulate_all::{MEASURED_FIELDS, check_input, minimal_input};

#[tokio::test]
async fn every_models_built_input_is_valid() {
    let models = runcomfy_types::models();
    assert!(!models.is_empty(), "the catalog lists models");
    let mut failures = Vec::new();
    for spec in models {
        let schema: serde_json::Value = serde_json::from_str(spec.input_schema).expect("JSON");
        let input = minimal_input(&schema);
        if let Err(errors) = check_input(spec.input_schema, &input).await {
            failures.push(format!("{}: {errors}", spec.id));
        }
        for field in MEASURED_FIELDS {
            let offered = schema["properties"][field]["x-runcomfy-unvalidated"] != true
                && schema["properties"].get(field).is_some();
            assert_eq!(input.get(field).is_some(), offered, "{}: {field}", spec.id);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
