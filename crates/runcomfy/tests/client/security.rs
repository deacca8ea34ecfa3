//! Credentials: typed auth errors, a missing token caught before sending,
//! plain http refused but for loopback, no token on a redirect elsewhere.

use std::sync::Arc;

use runcomfy::{Client, Error};
use serde_json::json;

use crate::common::{TOKEN, client, emulator, emulator_with, fast_retries, input};

#[tokio::test]
async fn auth_errors_are_typed_and_a_missing_token_is_caught_before_sending() {
    let emulator = emulator_with(|config| config.tokens = Some(vec![TOKEN.into()])).await;
    let anonymous = Client::builder()
        .base_url(emulator.base_url())
        .build()
        .expect("client");
    assert!(matches!(
        anonymous.submit(&input()).await,
        Err(Error::MissingToken)
    ));
    assert_eq!(emulator.stats().requests(), 0);
    let wrong = Client::builder()
        .base_url(emulator.base_url())
        .token("not-the-token")
        .retry_policy(fast_retries())
        .build()
        .expect("client");
    assert!(matches!(
        wrong.submit(&input()).await,
        Err(Error::Authentication { .. })
    ));
    let job = client(&emulator).submit(&input()).await.expect("submitted");
    let other = Client::builder()
        .base_url(emulator.base_url())
        .token("not-the-token")
        .build()
        .expect("client");
    let error = other
        .resume(job.request_id())
        .expect("a valid id")
        .status()
        .await
        .expect_err("401");
    assert_eq!(error.request_id(), Some(job.request_id()));
    let error = client(&emulator)
        .resume("0123456789abcdef")
        .expect("a valid id")
        .status()
        .await
        .expect_err("unknown");
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
}

#[test]
fn plain_http_is_refused_except_for_loopback() {
    let error = Client::builder()
        .base_url("http://model-api.example.com/v1")
        .build()
        .expect_err("refused");
    assert!(
        error.to_string().contains("plain http is refused"),
        "{error}"
    );
    let builds = |base: &str| Client::builder().base_url(base).build().is_ok();
    assert!(builds("http://127.0.0.1:8080/v1"));
    assert!(builds("http://localhost:8080/v1"));
    assert!(builds("https://model-api.runcomfy.net/v1"));
    assert!(!builds("https://user:pw@model-api.runcomfy.net/v1"));
}

/// Serves `app` on an ephemeral loopback port.
async fn serve(app: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

#[tokio::test]
async fn a_redirect_to_another_host_does_not_carry_the_token() {
    use axum::routing::get;
    use std::sync::Mutex;
    let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let target = {
        let seen = seen.clone();
        let app = axum::Router::new().route(
            "/v1/requests/{id}/status",
            get(move |headers: axum::http::HeaderMap| async move {
                seen.lock().expect("lock").push(
                    headers
                        .get("authorization")
                        .map(|v| v.to_str().unwrap_or("").to_owned()),
                );
                axum::Json(json!({"request_id": "r1", "status": "in_queue", "queue_position": 3}))
            }),
        );
        serve(app).await
    };
    let redirector = {
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri| async move {
            axum::response::Redirect::temporary(&format!("http://{target}{uri}"))
        });
        serve(app).await
    };
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://{redirector}/v1"))
        .build()
        .expect("client");
    let status = client
        .resume("r1")
        .expect("a valid id")
        .status()
        .await
        .expect("followed the redirect");
    assert_eq!(status.queue_position, Some(3));
    assert_eq!(
        *seen.lock().expect("lock"),
        vec![None],
        "the other host got no Authorization header"
    );
}

#[tokio::test]
async fn a_request_id_that_cannot_be_one_never_reaches_a_url() {
    let emulator = emulator().await;
    let client = client(&emulator);
    for id in ["../x", "a/b", "a?b=c", "", "é"] {
        match client.resume(id) {
            Err(Error::InvalidRequestId { reason, .. }) => assert!(!reason.is_empty()),
            other => panic!("{id:?}: {other:?}"),
        }
    }
    assert!(client.resume("x".repeat(129)).is_err());
    assert!(client.resume("x".repeat(128)).is_ok());
    assert_eq!(emulator.stats().requests(), 0, "nothing was sent");
}
