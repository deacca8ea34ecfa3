//! Snapshots of everything generated from `schemas/`, so a schema change
//! shows up as a reviewed diff: the normalized schemas, the assembled OpenAPI
//! document and the public API of the generated types. With `CI` set, insta
//! fails on any difference instead of writing a new snapshot.

use std::fs;

use runcomfy_tests::{public_api, root};

#[test]
fn normalized_model_schemas() {
    for spec in runcomfy_types::models() {
        let name = spec.id.replace('/', "__");
        insta::assert_snapshot!(format!("{name}__input_schema"), spec.input_schema);
        insta::assert_snapshot!(format!("{name}__output_schema"), spec.output_schema);
    }
}

#[test]
fn assembled_openapi_document() {
    let document =
        fs::read_to_string(root().join("schemas/openapi.json")).expect("schemas/openapi.json");
    let parsed: serde_json::Value = serde_json::from_str(&document).expect("JSON");
    assert_eq!(
        parsed["openapi"], "3.0.3",
        "progenitor accepts OpenAPI 3.0 only"
    );
    for spec in runcomfy_types::models() {
        let path = format!("/models/{}", spec.id);
        assert!(
            parsed["paths"][&path]["post"].is_object(),
            "no submit operation at {path}"
        );
    }
    insta::assert_snapshot!("openapi", document);
}

#[test]
fn public_api_of_generated_model_types() {
    let dir = root().join("crates/runcomfy-types/src/models");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("models dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for file in files
        .iter()
        .filter(|f| f.file_name().is_some_and(|n| n != "mod.rs"))
    {
        let source = fs::read_to_string(file).expect("generated file");
        let name = file
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        insta::assert_snapshot!(format!("{name}__public_api"), public_api(&source));
    }
}

#[test]
fn public_api_of_generated_queue_client() {
    let source = fs::read_to_string(root().join("crates/runcomfy-api/src/generated.rs"))
        .expect("generated client");
    insta::assert_snapshot!("queue_client__public_api", public_api(&source));
}

#[test]
fn every_model_folder_is_in_the_catalog() {
    let ids: Vec<&str> = runcomfy_types::models()
        .iter()
        .map(|spec| spec.id)
        .collect();
    assert_eq!(ids, ["kling/kling-1-6/pro/image-to-video"]);
    assert!(runcomfy_types::model("kling/kling-1-6/pro/image-to-video").is_some());
    assert!(runcomfy_types::model("kling/unknown").is_none());
}
