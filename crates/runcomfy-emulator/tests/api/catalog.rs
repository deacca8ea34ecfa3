//! The catalog: the models listed with their schemas, searched, and one
//! model looked up by id; a token required, as on every call.

use reqwest::StatusCode;
use runcomfy_emulator::EmulatorConfig;
use serde_json::json;

use crate::common::{
    KLING, MODELS, TOKEN, assert_needs_a_token, call, get, start,
    start_accepting_only_the_test_token,
};

#[tokio::test]
async fn the_catalog_lists_the_models_with_their_schemas() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let (status, _, all) = get(&emulator, "/models").await;
    assert_eq!(
        (status, all["total"].clone()),
        (StatusCode::OK, json!(MODELS))
    );
    let (status, _, list) = get(
        &emulator,
        "/models?include_schema=true&search=kling-1-6/pro",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 1);
    assert_eq!(list["models"][0]["model_id"], KLING);
    assert_eq!(
        list["models"][0]["input_schema"]["properties"]["prompt"]["maxLength"],
        1391
    );
    let (_, _, none) = get(&emulator, "/models?search=no-such-model").await;
    assert_eq!(none["models"], json!([]));
    let (status, _, one) = get(&emulator, &format!("/models/{KLING}")).await;
    assert_eq!(
        (status, one["model_id"].clone()),
        (StatusCode::OK, json!(KLING))
    );
    assert!(one["output_schema"]["properties"]["video"].is_object());
}

#[tokio::test]
async fn the_catalog_needs_a_token_like_every_call() {
    let emulator = start_accepting_only_the_test_token().await;
    for path in ["/models".to_owned(), format!("/models/{KLING}")] {
        let url = format!("{}{path}", emulator.base_url());
        assert_needs_a_token(&url).await;
        assert_eq!(call("GET", &url, Some(TOKEN), None).await.0, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_page_outside_the_documented_numbers_is_refused() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    for query in [
        "limit=0",
        "offset=-1",
        "offset=9223372036854775808",
        "limit=x",
    ] {
        let answer = get(&emulator, &format!("/models?{query}")).await;
        assert_eq!(
            (answer.0, answer.2["error_code"].is_u64()),
            (StatusCode::BAD_REQUEST, true),
            "{query}: {}",
            answer.2
        );
    }
    let (status, _, page) = get(&emulator, &format!("/models?limit=1&offset={MODELS}")).await;
    assert_eq!(
        (status, page["models"].clone(), page["total"].clone()),
        (StatusCode::OK, json!([]), json!(MODELS))
    );
}
