//! A stand-in for a service whose catalog has a model this build does not
//! know (the emulator serves exactly the models built in): it answers
//! `GET /v1/models/{ACME}` with a record and its schema, a submit of that
//! model with a request id, the catalog list with the pages a test gives,
//! and anything else with 404.

use runcomfy_testkit::http_server::{Connection, Request, ScriptedServer};
use serde_json::{Value, json};

/// The model only the stand-in's catalog has.
pub(crate) const ACME: &str = "acme/acme-1/text-to-video";
/// The request id of every submit it takes.
pub(crate) const REQUEST_ID: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

/// The input schema of [`ACME`]: a prompt, a duration of `"5"` or `"10"`
/// (numeric-looking strings), a number of steps, a boolean.
pub(crate) fn acme_schema() -> Value {
    json!({
        "type": "object",
        "required": ["prompt"],
        "additionalProperties": false,
        "properties": {
            "prompt": {"type": "string", "maxLength": 50},
            "duration": {"type": "string", "enum": ["5", "10"]},
            "steps": {"type": "integer", "minimum": 1, "maximum": 50},
            "loop": {"type": "boolean"}
        }
    })
}

/// A stand-in whose catalog list answers `pages[i]` to the page at offset
/// `100 * i` (the last one past them).
pub(crate) async fn start(pages: Vec<Value>) -> ScriptedServer {
    ScriptedServer::start(move |request, connection| {
        let answer = answer(&request, &pages);
        async move { send_json(connection, answer).await }
    })
    .await
}

fn answer(request: &Request, pages: &[Value]) -> (&'static str, Value) {
    let target = request.target();
    let model = format!("/v1/models/{ACME}");
    match request.method() {
        "GET" if target.starts_with(&format!("{model}?")) || target == model => (
            "200 OK",
            json!({"model_id": ACME, "display_name": "Acme 1", "categories": ["text-to-video"],
                   "kind": "model", "input_schema": acme_schema()}),
        ),
        "GET" if target.starts_with("/v1/models?") => {
            let page = page_index(target);
            ("200 OK", pages[page.min(pages.len() - 1)].clone())
        }
        "POST" if target == model => (
            "200 OK",
            json!({"request_id": REQUEST_ID, "status_url": "http://127.0.0.1/s",
                   "result_url": "http://127.0.0.1/r", "cancel_url": "http://127.0.0.1/c"}),
        ),
        _ => (
            "404 Not Found",
            json!({"error_code": 404001, "error_message": "no such model"}),
        ),
    }
}

/// Which page a list request asks for: its offset over 100.
fn page_index(target: &str) -> usize {
    target
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("offset="))
        .and_then(|offset| offset.parse::<usize>().ok())
        .map_or(0, |offset| offset / 100)
}

/// Writes `answer` and reads the request's body to its end, so that the
/// connection closes cleanly.
async fn send_json(mut connection: Connection, (status, body): (&str, Value)) {
    let body = body.to_string();
    let headers = [
        "Content-Type: application/json".to_owned(),
        format!("Content-Length: {}", body.len()),
    ];
    connection.write_head(status, &headers).await;
    connection.write_body(body.as_bytes()).await;
    connection.hold().await;
}

/// `count` list records `prefix-0`, `prefix-1`, …
pub(crate) fn records(prefix: &str, count: usize) -> Vec<Value> {
    (0..count)
        .map(|i| json!({"model_id": format!("{prefix}-{i}"), "display_name": "M", "kind": "model"}))
        .collect()
}
