//! Snapshots of everything generated from `schemas/`, so a schema change
//! shows up as a reviewed diff: one summary of the catalog (every model's
//! id, kind, fields and constraints), and in detail for the Kling model its
//! normalized schemas, the public API of its typed module, the queue part
//! of the assembled OpenAPI document with Kling's paths, and the queue
//! client. With `CI` set, insta fails on any difference instead of writing
//! a new snapshot.

use std::fs;

use runcomfy_tests::{catalog_summary, public_api, root};
use serde_json::Value;

/// The model whose generated code is snapshotted in detail.
const KLING: &str = "kling/kling-1-6/pro/image-to-video";

#[test]
fn normalized_model_schemas() {
    let spec = runcomfy_types::model(KLING).expect("the Kling model");
    let name = spec.id.replace('/', "__");
    insta::assert_snapshot!(format!("{name}__input_schema"), spec.input_schema);
    insta::assert_snapshot!(format!("{name}__output_schema"), spec.output_schema);
}

#[test]
fn catalog_summary_of_every_model() {
    insta::assert_snapshot!("catalog_summary", catalog_summary(runcomfy_types::models()));
}

#[test]
fn assembled_openapi_document() {
    let document =
        fs::read_to_string(root().join("schemas/openapi.json")).expect("schemas/openapi.json");
    let mut parsed: Value = serde_json::from_str(&document).expect("JSON");
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
    // The other models' parts are made from the same template and from
    // the schemas the catalog summary shows.
    let kling_path = format!("/models/{KLING}");
    let paths = parsed["paths"].as_object_mut().expect("paths");
    paths.retain(|path, _| !path.starts_with("/models/") || *path == kling_path);
    let schemas = parsed["components"]["schemas"]
        .as_object_mut()
        .expect("schemas");
    schemas.retain(|_, schema| schema.get("x-model-id").is_none_or(|id| id == KLING));
    let pretty = serde_json::to_string_pretty(&parsed).expect("JSON") + "\n";
    insta::assert_snapshot!("openapi", pretty);
}

#[test]
fn public_api_of_generated_model_types() {
    let file =
        root().join("crates/runcomfy-types/src/models/kling/kling_1_6/pro/image_to_video.rs");
    let source = fs::read_to_string(&file).expect("generated file");
    insta::assert_snapshot!(
        "kling_1_6_pro_image_to_video__public_api",
        public_api(&source)
    );
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
    assert_eq!(ids, runcomfy_tests::model_folders());
    assert_eq!(
        ids.len(),
        121,
        "120 imported models and the curated Kling 1.6"
    );
    assert!(runcomfy_types::model("kling/kling-1-6/pro/image-to-video").is_some());
    assert!(runcomfy_types::model("kling/unknown").is_none());
}
