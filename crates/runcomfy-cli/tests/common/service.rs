//! A scripted stand-in for the provider's service on loopback, for what the
//! emulator does not answer: the documented shapes of a result's `cost`, a
//! catalog record's price, the serverless API's balance, and the refusal of
//! a submit for an insufficient balance (402, `error_code` 400002).
//!
//! Every job it accepts is `completed` at once, its result `succeeded` with
//! one output file on this same server. It records each request as
//! `METHOD /path?query`, and the bearer token each one carried.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

/// What the service says.
#[derive(Debug, Clone)]
pub(crate) struct Script {
    /// Each job's charge in its result, unless its prompt says `no-cost`.
    pub(crate) cost: Option<f64>,
    /// The catalog's `base_price_usd` and `price_unit` of every model.
    pub(crate) price: Option<(f64, &'static str)>,
    /// The balance of `GET /prod/v2/balance` (none: 404).
    pub(crate) balance: Option<f64>,
    /// How many submits it accepts before it refuses the rest for an
    /// insufficient balance (none: no limit).
    pub(crate) accepted_submits: Option<usize>,
}

impl Default for Script {
    fn default() -> Self {
        Self {
            cost: Some(0.49),
            price: None,
            balance: None,
            accepted_submits: None,
        }
    }
}

#[derive(Debug, Default)]
struct Seen {
    requests: Vec<String>,
    tokens: Vec<String>,
    /// The request ids issued, and whether each job has a cost.
    jobs: Vec<(String, bool)>,
}

struct Shared {
    script: Script,
    origin: String,
    seen: Mutex<Seen>,
}

/// The scripted service; it serves until the test's runtime ends.
pub(crate) struct Service {
    address: SocketAddr,
    shared: Arc<Shared>,
}

impl Service {
    /// The service of the default script, `adjust`ed.
    pub(crate) async fn scripted(adjust: impl FnOnce(&mut Script)) -> Self {
        let mut script = Script::default();
        adjust(&mut script);
        Self::start(script).await
    }

    pub(crate) async fn start(script: Script) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let shared = Arc::new(Shared {
            script,
            origin: format!("http://{address}"),
            seen: Mutex::default(),
        });
        let app = axum::Router::new()
            .route("/v1/models/{*model}", get(record).post(submit))
            .route("/v1/requests/{id}/status", get(status))
            .route("/v1/requests/{id}/result", get(result))
            .route("/files/{name}", get(file))
            .route("/prod/v2/balance", get(balance))
            .fallback(|| async { error(StatusCode::NOT_FOUND, 404_001, "no such path") })
            .layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                record_request,
            ))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { address, shared }
    }

    /// The Model API base, with `/v1`.
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}/v1", self.address)
    }

    /// The serverless API base.
    pub(crate) fn serverless_base_url(&self) -> String {
        format!("http://{}/prod/v2", self.address)
    }

    /// Every request so far, as `METHOD /path?query`.
    pub(crate) fn requests(&self) -> Vec<String> {
        self.shared.seen.lock().expect("lock").requests.clone()
    }

    /// The submits so far.
    pub(crate) fn submits(&self) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.starts_with("POST /v1/models/"))
            .count()
    }

    /// The bearer tokens requests carried, each once, in order.
    pub(crate) fn tokens(&self) -> Vec<String> {
        self.shared.seen.lock().expect("lock").tokens.clone()
    }
}

async fn record_request(
    State(shared): State<Arc<Shared>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (method, uri): (&Method, &Uri) = (request.method(), request.uri());
    let line = format!("{method} {uri}");
    let token = bearer(request.headers());
    {
        let mut seen = shared.seen.lock().expect("lock");
        seen.requests.push(line);
        if let Some(token) = token
            && !seen.tokens.contains(&token)
        {
            seen.tokens.push(token);
        }
    }
    next.run(request).await
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::to_owned)
}

/// The documented error body.
fn error(status: StatusCode, code: u32, message: &str) -> Response {
    let body = json!({"error_code": code, "error_message": message});
    (status, Json(body)).into_response()
}

async fn record(State(shared): State<Arc<Shared>>, Path(model): Path<String>) -> Response {
    let mut record = json!({"model_id": model, "display_name": "Scripted", "categories": ["video"], "kind": "model", "pricing_note": "as scripted"});
    if let Some((usd, unit)) = shared.script.price {
        record["base_price_usd"] = json!(usd);
        record["price_unit"] = json!(unit);
    }
    Json(record).into_response()
}

async fn submit(
    State(shared): State<Arc<Shared>>,
    Path(_model): Path<String>,
    Json(input): Json<Value>,
) -> Response {
    let mut seen = shared.seen.lock().expect("lock");
    if shared
        .script
        .accepted_submits
        .is_some_and(|accepted| seen.jobs.len() >= accepted)
    {
        return error(
            StatusCode::PAYMENT_REQUIRED,
            400_002,
            "insufficient balance",
        );
    }
    let id = format!("job-{}", seen.jobs.len() + 1);
    let costed = !input["prompt"]
        .as_str()
        .is_some_and(|p| p.contains("no-cost"));
    seen.jobs.push((id.clone(), costed));
    let links = |what: &str| format!("{}/v1/requests/{id}/{what}", shared.origin);
    Json(json!({"request_id": id, "status_url": links("status"), "result_url": links("result"), "cancel_url": links("cancel")})).into_response()
}

/// Whether `id` was issued, and whether its job has a cost.
fn job(shared: &Shared, id: &str) -> Option<bool> {
    let seen = shared.seen.lock().expect("lock");
    seen.jobs
        .iter()
        .find(|(issued, _)| issued == id)
        .map(|(_, costed)| *costed)
}

async fn status(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    if job(&shared, &id).is_none() {
        return error(StatusCode::NOT_FOUND, 404_001, "request not found");
    }
    Json(json!({"request_id": id, "status": "completed"})).into_response()
}

async fn result(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let Some(costed) = job(&shared, &id) else {
        return error(StatusCode::NOT_FOUND, 404_001, "request not found");
    };
    let video = format!("{}/files/{id}.mp4", shared.origin);
    let mut body = json!({"request_id": id, "status": "succeeded", "output": {"video": video}});
    if let (true, Some(cost)) = (costed, shared.script.cost) {
        body["cost"] = json!(cost);
    }
    Json(body).into_response()
}

async fn file() -> Response {
    (StatusCode::OK, b"\0\0\0\x18ftypmp42scripted".to_vec()).into_response()
}

async fn balance(State(shared): State<Arc<Shared>>) -> Response {
    match shared.script.balance {
        Some(balance) => Json(json!({"balance_usd": balance, "currency": "USD"})).into_response(),
        None => error(StatusCode::NOT_FOUND, 404_001, "no balance here"),
    }
}
