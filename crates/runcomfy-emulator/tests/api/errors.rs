//! The documented error answers: tokens missing, unknown or another
//! caller's, unknown ids and models, and requests the API cannot take
//! (wrong type, not JSON, too large, wrong method, no such path), each with
//! a numeric `error_code`.

use reqwest::StatusCode;
use runcomfy_emulator::EmulatorConfig;
use serde_json::{Value, json};

use crate::common::{KLING, TOKEN, call, error_code, http, input, start, submitted_id};

#[tokio::test]
async fn authentication_ownership_and_unknown_ids_use_the_documented_codes() {
    let emulator = start(EmulatorConfig {
        tokens: Some(vec![TOKEN.into(), "other".into()]),
        ..EmulatorConfig::for_tests()
    })
    .await;
    let base = emulator.base_url();
    let id = submitted_id(&emulator, &input()).await;
    let url = format!("{base}/requests/{id}/status");
    let cancel_url = format!("{base}/requests/{id}/cancel");
    let unauthorized = (StatusCode::UNAUTHORIZED, json!(400004));
    let forbidden = (StatusCode::FORBIDDEN, json!(403001));
    assert_eq!(
        error_code(&call("GET", &url, None, None).await),
        unauthorized
    );
    let unknown_token = call("GET", &url, Some("not-a-known-token-q8"), None).await;
    assert_eq!(error_code(&unknown_token), unauthorized);
    assert!(
        !unknown_token.2.to_string().contains("q8"),
        "a token is never echoed"
    );
    let others = call("GET", &url, Some("other"), None).await;
    assert_eq!(error_code(&others), forbidden);
    let others = call("POST", &cancel_url, Some("other"), None).await;
    assert_eq!(error_code(&others), forbidden);
    let unknown_id = format!("{base}/requests/0000/result");
    assert_eq!(
        error_code(&call("GET", &unknown_id, Some(TOKEN), None).await),
        (StatusCode::NOT_FOUND, json!(404001))
    );
    let unknown_model = format!("{base}/models/kling/unknown");
    let answer = call("POST", &unknown_model, Some(TOKEN), Some(&input())).await;
    assert_eq!(
        error_code(&answer),
        (StatusCode::BAD_REQUEST, json!(400001))
    );
    assert!(
        answer.2["error_message"]
            .as_str()
            .is_some_and(|m| m.contains(KLING)),
        "names the known models"
    );
}

/// A test emulator that takes bodies of at most 4 KiB.
fn taking_bodies_of_4_kib() -> EmulatorConfig {
    EmulatorConfig {
        body_limit: 4096,
        ..EmulatorConfig::for_tests()
    }
}

#[tokio::test]
async fn bad_requests_get_the_documented_error_body() {
    let emulator = start(taking_bodies_of_4_kib()).await;
    let url = format!("{}/models/{KLING}", emulator.base_url());
    let client = http();
    let send = |request: reqwest::RequestBuilder| async move {
        let response = request.bearer_auth(TOKEN).send().await.expect("answer");
        let status = response.status();
        let allow = response
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap_or("").to_owned());
        let body: Value = response.json().await.expect("a JSON error body");
        assert!(body["error_message"].is_string(), "{body}");
        (status, allow)
    };
    let post = |content_type: &str, body: &'static str| {
        client
            .post(&url)
            .header("content-type", content_type)
            .body(body)
    };
    assert_eq!(
        send(post("text/plain", "{}")).await.0,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        send(post("application/json", "{not json")).await.0,
        StatusCode::BAD_REQUEST
    );
    let huge = json!({"image_url": "x".repeat(10_000)});
    assert_eq!(
        send(client.post(&url).json(&huge)).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let status_url = format!("{}/requests/abc/status", emulator.base_url());
    assert_eq!(
        send(client.delete(&status_url)).await,
        (StatusCode::METHOD_NOT_ALLOWED, Some("GET,HEAD".into()))
    );
    assert_eq!(
        send(client.get(format!("{}/nothing", emulator.base_url())))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn every_error_answer_carries_a_numeric_error_code() {
    let emulator = start(taking_bodies_of_4_kib()).await;
    let base = emulator.base_url();
    let submit_url = format!("{base}/models/{KLING}");
    let client = http();
    let json_post = |body: Vec<u8>| {
        client
            .post(&submit_url)
            .header("content-type", "application/json")
            .body(body)
    };
    for (what, request) in [
        ("invalid JSON", json_post(b"{\"image_url\": ".to_vec())),
        ("JSON that is not an object", json_post(b"[1, 2]".to_vec())),
        ("not UTF-8", json_post(vec![0xff, 0xfe, 0x00])),
        ("no content type", client.post(&submit_url).body("{}")),
        ("too large", json_post(vec![b' '; 5000])),
        (
            "a path that is not UTF-8",
            client.get(format!("{base}/requests/%FF/status")),
        ),
        (
            "a bad query",
            client.get(format!("{base}/models?include_schema=maybe")),
        ),
        ("no such endpoint", client.get(format!("{base}/nothing"))),
        ("a wrong method", client.put(format!("{base}/models"))),
        (
            "no such file",
            client.get(format!("http://{}/files/x/output.mp4", emulator.address())),
        ),
    ] {
        let response = request.bearer_auth(TOKEN).send().await.expect("answer");
        let status = response.status();
        let body: Value = response.json().await.expect("a JSON error body");
        assert!(status.is_client_error(), "{what}: {status}");
        assert!(body["error_code"].is_u64(), "{what}: {body}");
        assert!(body["error_message"].is_string(), "{what}: {body}");
    }
}
