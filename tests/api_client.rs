//! The generated queue client against a loopback server: the model id is a
//! fixed path (never percent-encoded), the body is the typed input, unknown
//! status values and fields are tolerated, and the error body is parsed.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Json, Path};
use axum::http::{StatusCode, Uri};
use axum::routing::{get, post};
use runcomfy_api::{Client, Error};
use runcomfy_types::QueueStatus;
use runcomfy_types::models::kling::kling_1_6::pro::image_to_video::{Input, MODEL_ID};
use serde_json::{Value, json};

type Seen = Arc<Mutex<Vec<(String, Value)>>>;

async fn serve(seen: Seen) -> String {
    let submit_seen = seen.clone();
    let app = Router::new()
        .route(
            "/v1/models/{*model}",
            post(move |uri: Uri, headers: axum::http::HeaderMap, Json(body): Json<Value>| async move {
                assert_eq!(headers["authorization"], "Bearer sekret-token", "the credentials go with every request");
                submit_seen.lock().expect("lock").push((uri.path().to_owned(), body));
                Json(json!({
                    "request_id": "req-1",
                    "status_url": "http://127.0.0.1/v1/requests/req-1/status",
                    "result_url": "http://127.0.0.1/v1/requests/req-1/result",
                    "cancel_url": "http://127.0.0.1/v1/requests/req-1/cancel",
                    "a_field_added_later": {"nested": true}
                }))
            }),
        )
        .route(
            "/v1/requests/{id}/status",
            get(|Path(id): Path<String>| async move {
                if id == "req-1" {
                    (StatusCode::OK, Json(json!({"request_id": id, "status": "paused_for_maintenance", "eta": 3})))
                } else {
                    (
                        StatusCode::NOT_FOUND,
                        Json(json!({"error_code": 404001, "error_message": "request not found", "detail": null})),
                    )
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/v1")
}

fn client(base: &str) -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    Client::new_with_client(
        base,
        http,
        runcomfy_api::Credentials::bearer("sekret-token").expect("token"),
    )
}

#[tokio::test]
async fn submit_posts_the_typed_input_to_the_models_fixed_path() {
    let seen = Seen::default();
    let base = serve(seen.clone()).await;
    let input: Input = Input::builder()
        .image_url("https://example.com/start.png")
        .duration(10)
        .try_into()
        .expect("builds");
    let answer = client(&base)
        .submit(MODEL_ID, &input)
        .await
        .expect("submitted");
    assert_eq!(answer.request_id, "req-1");
    let seen = seen.lock().expect("lock");
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].0, "/v1/models/kling/kling-1-6/pro/image-to-video",
        "slashes are path, not %2F"
    );
    assert_eq!(seen[0].1["image_url"], "https://example.com/start.png");
    assert_eq!(seen[0].1["duration"], 10);
}

#[tokio::test]
async fn a_model_id_that_cannot_be_a_path_is_refused_before_any_request() {
    let seen = Seen::default();
    let base = serve(seen.clone()).await;
    for id in [
        "",
        "kling//pro",
        "kling/../admin",
        "kling/pro?x=1",
        "kling/pro#top",
    ] {
        match client(&base).submit(id, &json!({})).await {
            Err(Error::InvalidRequest(reason)) => {
                assert!(reason.contains("not a model id"), "{reason}")
            }
            other => panic!("{id:?}: expected a refusal, got {other:?}"),
        }
    }
    assert!(seen.lock().expect("lock").is_empty(), "nothing was sent");
}

#[test]
fn credentials_never_show_in_debug() {
    let credentials = runcomfy_api::Credentials::bearer("sekret-token").expect("token");
    assert_eq!(format!("{credentials:?}"), "Credentials(Bearer [redacted])");
    let client = client("http://127.0.0.1:9/v1");
    assert!(!format!("{client:?}").contains("sekret"), "{client:?}");
}

#[tokio::test]
async fn unknown_status_values_and_fields_do_not_break_the_client() {
    let base = serve(Seen::default()).await;
    let status = client(&base).get_status("req-1").await.expect("parsed");
    assert_eq!(
        status.status,
        QueueStatus::Other("paused_for_maintenance".into())
    );
    assert_eq!(status.queue_position, None);
}

#[tokio::test]
async fn an_error_answer_comes_back_whole_for_the_runtime_to_classify() {
    let base = serve(Seen::default()).await;
    match client(&base).get_status("nope").await {
        Err(Error::UnexpectedResponse(response)) => {
            assert_eq!(response.status(), 404);
            let body: runcomfy_api::types::ErrorBody =
                response.json().await.expect("the error body");
            assert_eq!(body.error_code, 404001);
            assert_eq!(body.error_message.as_deref(), Some("request not found"));
        }
        other => panic!("expected the raw answer, got {other:?}"),
    }
}
