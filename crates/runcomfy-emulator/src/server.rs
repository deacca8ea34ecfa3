//! The server: its own hyper accept loop around the router (an injected
//! reset must drop a connection without an answer, which `axum::serve`
//! cannot do), the faults injected around the handlers, and the contract
//! check of every `/v1` answer.

use std::sync::Arc;

use axum::body::Body;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

use crate::api;
use crate::contract::Contract;
use crate::faults::{Fault, FaultInjector, Target};
use crate::injected::{
    Reset, answer_instead, error_in_200, injected_status, malformed_json, truncated,
};
use crate::stats::Stats;

/// What every connection shares.
pub(crate) struct Shared {
    /// The routes of the Model API.
    pub(crate) router: axum::Router,
    /// Decides the faults of each request.
    pub(crate) faults: Arc<FaultInjector>,
    /// Checks answers, when contract checking is on.
    pub(crate) contract: Option<Arc<Contract>>,
    /// Counts requests.
    pub(crate) stats: Stats,
}

/// Serves every connection of `listener` until the task is dropped.
pub(crate) async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let shared = shared.clone();
                async move { answer(&shared, request).await }
            });
            // A connection error (including a reset we inject) ends only this connection.
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// One request: its fault decided before routing, the routed answer (or
/// the fault's in its place), the contract check, then a media cut.
async fn answer(shared: &Shared, request: Request<Incoming>) -> Result<Response<Body>, Reset> {
    shared.stats.received();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let target = api::fault_target(&method, &path);
    let fault = match target {
        Some(Target::Media) | None => None,
        Some(target) => shared.faults.for_api(target),
    };
    let response = match fault {
        Some(Fault::ResetBeforeAnswer) => return Err(Reset),
        Some(Fault::StatusAfterProcessing(code)) => {
            let _ = route(shared, request).await;
            injected_status(code)
        }
        Some(Fault::MalformedJson) => return Ok(malformed_json()),
        Some(Fault::ErrorIn200) => return Ok(error_in_200()),
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            route(shared, request).await
        }
        Some(Fault::ResetAfterProcessing) => {
            let _ = route(shared, request).await;
            return Err(Reset);
        }
        Some(fault) => match answer_instead(fault) {
            Some(answer) => answer,
            None => route(shared, request).await,
        },
        None => route(shared, request).await,
    };
    let response = match (&shared.contract, path.strip_prefix("/v1")) {
        (Some(contract), Some(api_path)) => {
            checked(contract, method.as_str(), api_path, response).await
        }
        _ => response,
    };
    if target == Some(Target::Media)
        && response.status().is_success()
        && shared.faults.truncates_media()
    {
        return Ok(truncated(response).await);
    }
    Ok(response)
}

async fn route(shared: &Shared, request: Request<Incoming>) -> Response<Body> {
    match shared.router.clone().oneshot(request.map(Body::new)).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Checks a JSON answer against the contract, and passes it on unchanged.
async fn checked(
    contract: &Contract,
    method: &str,
    path: &str,
    response: Response<Body>,
) -> Response<Body> {
    let (parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    let value: Value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    contract.check(method, path, parts.status.as_u16(), &value);
    Response::from_parts(parts, Body::from(bytes))
}
