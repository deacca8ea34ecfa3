//! The catalog of every model: searched by id, name and description,
//! filtered by category and kind, paged with the count of all matches,
//! its categories listed at `/models/categories` (which is no model id),
//! and each model still found by its id.

use reqwest::StatusCode;
use runcomfy_emulator::EmulatorConfig;
use serde_json::{Value, json};

use crate::common::{
    KLING, MODELS, assert_needs_a_token, get, start, start_accepting_only_the_test_token,
};

/// The ids of a list answer's models.
fn ids(list: &Value) -> Vec<String> {
    list["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|model| model["model_id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn pages_hold_at_most_the_limit_and_count_every_match() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let (_, _, all) = get(&emulator, "/models").await;
    assert_eq!(all["total"], MODELS);
    assert_eq!(ids(&all).len(), 100, "a page holds at most 100");
    let (_, _, capped) = get(&emulator, "/models?limit=1000").await;
    assert_eq!(ids(&capped).len(), 100, "a larger limit is 100");
    let (_, _, first) = get(&emulator, "/models?limit=10").await;
    let (_, _, second) = get(&emulator, "/models?limit=10&offset=10").await;
    assert_eq!(ids(&all)[..10], ids(&first)[..]);
    assert_eq!(ids(&all)[10..20], ids(&second)[..]);
    assert_eq!(second["total"], MODELS);
    let (_, _, last) = get(&emulator, "/models?offset=120").await;
    assert_eq!(
        (ids(&last).len(), last["total"].clone()),
        (1, json!(MODELS))
    );
}

#[tokio::test]
async fn search_category_and_kind_narrow_the_catalog() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let (_, _, by_id) = get(&emulator, "/models?search=kling-1-6").await;
    assert_eq!(ids(&by_id), [KLING]);
    let (_, _, by_name) = get(&emulator, "/models?search=ElevenLabs%20Music").await;
    assert_eq!(ids(&by_name), ["elevenlabs/elevenlabs/music-generation"]);
    let (_, _, audio) = get(&emulator, "/models?kind=audio").await;
    assert_eq!(audio["total"], 6);
    assert!(
        audio["models"]
            .as_array()
            .expect("models")
            .iter()
            .all(|m| m["output_kind"] == "audio")
    );
    let (_, _, hosted) = get(&emulator, "/models?kind=model&limit=1").await;
    assert_eq!(hosted["total"], MODELS);
    let (_, _, videos) = get(&emulator, "/models?category=text-to-video&kind=video").await;
    let total = videos["total"].as_u64().expect("total");
    assert!(total > 10 && total < MODELS, "{total}");
    for model in videos["models"].as_array().expect("models") {
        assert!(
            model["categories"]
                .as_array()
                .expect("categories")
                .contains(&json!("text-to-video"))
        );
        assert!(
            model["display_name"]
                .as_str()
                .is_some_and(|name| !name.is_empty())
        );
    }
    let (_, _, none) = get(&emulator, "/models?category=text-to-video&kind=audio").await;
    assert_eq!(
        (none["total"].clone(), none["models"].clone()),
        (json!(0), json!([]))
    );
}

#[tokio::test]
async fn categories_are_listed_and_a_model_id_is_still_found() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let (status, _, answer) = get(&emulator, "/models/categories").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let categories = answer["categories"].as_array().expect("categories").clone();
    for wanted in [
        "image-to-video",
        "text-to-video",
        "text-to-image",
        "text-to-audio",
    ] {
        assert!(categories.contains(&json!(wanted)), "{wanted}: {answer}");
    }
    let mut sorted = categories.clone();
    sorted.sort_by_key(|c| c.as_str().map(str::to_owned));
    sorted.dedup();
    assert_eq!(sorted, categories, "sorted, each once");
    let (status, _, kling) = get(&emulator, &format!("/models/{KLING}")).await;
    assert_eq!(
        (status, kling["model_id"].clone()),
        (StatusCode::OK, json!(KLING))
    );
    let guarded = start_accepting_only_the_test_token().await;
    assert_needs_a_token(&format!("{}/models/categories", guarded.base_url())).await;
}
