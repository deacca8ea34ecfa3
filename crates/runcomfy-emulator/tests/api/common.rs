//! What the emulator's HTTP tests share: the model and token they use, an
//! input that passes, an emulator that checks its answers against the
//! contract, and the calls of its API that several tests make.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use runcomfy_emulator::fixtures::png_data_uri;
use runcomfy_emulator::{Emulator, EmulatorConfig};
pub(crate) use runcomfy_testkit::http::{call, client as http, get_bytes};
use serde_json::{Value, json};

pub(crate) const KLING: &str = "kling/kling-1-6/pro/image-to-video";
pub(crate) const TOKEN: &str = "test-token-7f3a";
/// How many models the emulator serves: every folder of `schemas/models/`.
pub(crate) const MODELS: u64 = 121;

/// An input that passes validation (its image is a PNG header of 1280×720).
pub(crate) fn input() -> Value {
    json!({"image_url": png_data_uri(1280, 720), "prompt": "a slow dolly shot"})
}

pub(crate) async fn start(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("starts")
}

/// A submit of `body` to Kling with the test token.
pub(crate) async fn submit(emulator: &Emulator, body: &Value) -> (StatusCode, Value) {
    let (status, _, body) = call(
        "POST",
        &format!("{}/models/{KLING}", emulator.base_url()),
        Some(TOKEN),
        Some(body),
    )
    .await;
    (status, body)
}

/// The request id of a submit of `body`.
pub(crate) async fn submitted_id(emulator: &Emulator, body: &Value) -> String {
    submit(emulator, body).await.1["request_id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// A `GET` of `path` (below `/v1`) with the test token.
pub(crate) async fn get(emulator: &Emulator, path: &str) -> (StatusCode, HeaderMap, Value) {
    call(
        "GET",
        &format!("{}{path}", emulator.base_url()),
        Some(TOKEN),
        None,
    )
    .await
}

pub(crate) async fn status_of(emulator: &Emulator, id: &str) -> Value {
    get(emulator, &format!("/requests/{id}/status")).await.2
}

pub(crate) async fn result_of(emulator: &Emulator, id: &str) -> Value {
    get(emulator, &format!("/requests/{id}/result")).await.2
}

/// The status once it is `wanted`, or the last one after 10 s.
pub(crate) async fn wait_for(emulator: &Emulator, id: &str, wanted: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = status_of(emulator, id).await;
        if status["status"] == wanted || Instant::now() > deadline {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The video of a job of `body`, once it completed.
pub(crate) async fn video_of(emulator: &Emulator, body: &Value) -> Vec<u8> {
    let (status, submitted) = submit(emulator, body).await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    let id = submitted["request_id"].as_str().expect("id");
    wait_for(emulator, id, "completed").await;
    let result = result_of(emulator, id).await;
    get_bytes(result["output"]["video"].as_str().expect("url")).await
}

/// An answer's status and `error_code`, which tests of errors compare.
pub(crate) fn error_code(answer: &(StatusCode, HeaderMap, Value)) -> (StatusCode, Value) {
    (answer.0, answer.2["error_code"].clone())
}

/// A test emulator that accepts the test token only.
pub(crate) async fn start_accepting_only_the_test_token() -> Emulator {
    start(EmulatorConfig {
        tokens: Some(vec![TOKEN.into()]),
        ..EmulatorConfig::for_tests()
    })
    .await
}

/// Checks that `GET url` is refused with the documented 401 (400004)
/// without a token and with one the emulator does not accept.
pub(crate) async fn assert_needs_a_token(url: &str) {
    for token in [None, Some("not-a-known-token")] {
        assert_eq!(
            error_code(&call("GET", url, token, None).await),
            (StatusCode::UNAUTHORIZED, json!(400004)),
            "{url} with {token:?}"
        );
    }
}
