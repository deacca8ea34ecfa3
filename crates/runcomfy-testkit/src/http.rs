//! A plain HTTP client for tests, and the two calls tests make with it (a
//! JSON call, a download): rustls (ring), no proxy (a loopback server is
//! reached directly whatever the environment's proxy settings say).

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// A reqwest client that bypasses proxies. Installs ring as the process's
/// rustls provider if none is installed yet.
pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

/// Sends `method url`, with a bearer token and a JSON body when given, and
/// returns the answer's status, headers and body (JSON, or the text as a
/// JSON string when it is not JSON). Panics when no answer comes.
pub async fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, HeaderMap, Value) {
    let mut request = client().request(method.parse().expect("method"), url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("answer");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The whole body of a `GET` of `url`, whatever its status. Panics when no
/// answer or no whole body comes.
pub async fn get_bytes(url: &str) -> Vec<u8> {
    client()
        .get(url)
        .send()
        .await
        .expect("get")
        .bytes()
        .await
        .expect("bytes")
        .to_vec()
}
