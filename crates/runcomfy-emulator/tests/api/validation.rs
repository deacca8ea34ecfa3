//! Inputs checked as the client checks them: a 422 with one `detail` entry
//! per failing field, media rules read from `data:` URIs and loopback URLs,
//! and any other URL refused because the emulator cannot fetch it, unless
//! told to fetch remote media; the OpenAPI document's own examples pass.

use reqwest::StatusCode;
use runcomfy_emulator::EmulatorConfig;
use runcomfy_emulator::fixtures::{png_data_uri as data_uri, png_header as png};
use runcomfy_testkit::loopback;
use serde_json::{Value, json};

use crate::common::{KLING, start, submit};

#[tokio::test]
async fn invalid_input_gets_one_detail_entry_per_failing_field() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let (status, body) = submit(
        &emulator,
        &json!({"image_url": data_uri(1280, 720), "duration": 7, "cfg_scale": 2}),
    )
    .await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!(422001))
    );
    let fields: Vec<&str> = body["detail"]
        .as_array()
        .expect("detail")
        .iter()
        .filter_map(|d| d["field"].as_str())
        .collect();
    assert_eq!(fields, ["duration", "cfg_scale"]);

    let (status, body) = submit(&emulator, &json!({"image_url": data_uri(250, 250)})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["detail"][0]["message"],
        "The uploaded image width and height must both exceed 300 pixels."
    );

    let (status, body) = submit(
        &emulator,
        &json!({"image_url": "https://example.com/start.png"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["detail"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("could not fetch https://example.com/start.png")),
        "{body}"
    );
    assert_eq!(emulator.stats().submits(), 0, "nothing invalid was queued");
}

#[tokio::test]
async fn images_on_loopback_are_fetched_like_the_service_fetches_urls() {
    let address = loopback::serve("image/png", |request| {
        if request.contains("/wide.png") {
            png(2000, 400)
        } else {
            png(800, 600)
        }
    })
    .await;
    let emulator = start(EmulatorConfig::for_tests()).await;
    let (status, body) = submit(
        &emulator,
        &json!({"image_url": format!("http://{address}/start.png")}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = submit(
        &emulator,
        &json!({"image_url": format!("http://{address}/wide.png")}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["detail"][0]["message"],
        "The uploaded image must have an aspect ratio between 2:5 and 5:2."
    );
}

#[tokio::test]
async fn other_hosts_are_fetched_only_when_told_to_fetch_remote_media() {
    let address = loopback::serve("image/png", |_| png(800, 600)).await;
    // 0.0.0.0 is not a loopback host by the emulator's rule, but Linux
    // connects it to this machine: a stand-in for a remote host that keeps
    // the test on loopback.
    let remote = json!({"image_url": format!("http://0.0.0.0:{}/start.png", address.port())});
    let refusing = start(EmulatorConfig::for_tests()).await;
    let (status, body) = submit(&refusing, &remote).await;
    let message = body["detail"][0]["message"].as_str().unwrap_or_default();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message.ends_with("unless started with --fetch-remote"),
        "the refusal names the opt-in: {body}"
    );
    let fetching = start(EmulatorConfig {
        fetch_remote: true,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let (status, body) = submit(&fetching, &remote).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn the_documents_own_examples_are_accepted() {
    let document: Value = serde_json::from_str(runcomfy_emulator::OPENAPI).expect("JSON");
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    let (_, kling) = schemas
        .iter()
        .find(|(_, schema)| schema["x-model-id"] == KLING)
        .expect("Kling's input in the document");
    let example: serde_json::Map<String, Value> = kling["properties"]
        .as_object()
        .expect("properties")
        .iter()
        .filter_map(|(name, property)| Some((name.clone(), property.get("example")?.clone())))
        .collect();
    assert!(example.contains_key("image_url"), "{example:?}");
    let emulator = start(EmulatorConfig::for_tests()).await;
    let (status, body) = submit(&emulator, &Value::Object(example)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
