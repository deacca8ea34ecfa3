//! The running emulator: a hyper server on 127.0.0.1, the queue task, fault
//! injection around the handlers, and contract checks on every answer.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::response::IntoResponse as _;
use futures::StreamExt as _;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tower::ServiceExt as _;

use crate::api::{self, Api, Reply};
use crate::config::EmulatorConfig;
use crate::contract::Contract;
use crate::faults::{Fault, FaultInjector, Target};
use crate::jobs::Queue;
use crate::media::Files;
use crate::stats::Stats;

/// A running emulator. Dropping it stops it.
#[derive(Debug)]
pub struct Emulator {
    address: SocketAddr,
    faults: Arc<FaultInjector>,
    contract: Option<Arc<Contract>>,
    stats: Stats,
    tasks: Vec<JoinHandle<()>>,
}

/// Why the emulator did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// Why.
        source: io::Error,
    },
    /// A built-in schema did not compile (a bug of this build).
    #[error("built-in schema: {0}")]
    Schema(String),
    /// The background thread's runtime could not start.
    #[error("cannot start the emulator's runtime: {0}")]
    Runtime(String),
}

/// An emulator on a thread and runtime of its own, for synchronous programs
/// and benchmarks whose own runtime should not share its threads. Dropping
/// it stops it.
#[derive(Debug)]
pub struct BackgroundEmulator {
    base_url: String,
    stats: Stats,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundEmulator {
    /// The API base, including `/v1`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// What happened so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}

impl Drop for BackgroundEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Shared {
    router: axum::Router,
    faults: Arc<FaultInjector>,
    contract: Option<Arc<Contract>>,
    stats: Stats,
}

impl Emulator {
    /// Starts an emulator on 127.0.0.1 (port 0: an ephemeral one).
    pub async fn start(config: EmulatorConfig) -> Result<Self, StartError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(|source| StartError::Bind {
                port: config.port,
                source,
            })?;
        let address = listener.local_addr().map_err(|source| StartError::Bind {
            port: config.port,
            source,
        })?;
        let validators = runcomfy_types::models()
            .iter()
            .map(|spec| {
                let schema = serde_json::from_str(spec.input_schema)
                    .map_err(|e| StartError::Schema(format!("{}: {e}", spec.id)))?;
                runcomfy_validate::Validator::new(&schema)
                    .map(|validator| (*spec, validator))
                    .map_err(|e| StartError::Schema(format!("{}: {e}", spec.id)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let contract = if config.check_contract {
            Some(Arc::new(Contract::load().map_err(StartError::Schema)?))
        } else {
            None
        };
        let faults = Arc::new(FaultInjector::new(config.faults.clone(), config.seed));
        let queue = Queue::new(
            config.workers,
            config.time_scale,
            config.seed,
            config.job_ttl,
            config.max_jobs,
        );
        let stats = Stats::default();
        let api = Arc::new(Api {
            queue: queue.clone(),
            validators,
            probe: runcomfy_validate::MediaProbe::new().with_timeout(config.media_timeout),
            origin: format!("http://{address}"),
            tokens: config.tokens.clone(),
            body_limit: config.body_limit,
            fingerprint_key: std::collections::hash_map::RandomState::new(),
            faults: faults.clone(),
            files: Files::new(config.output_padding),
            start_images: crate::start::StartImages::default(),
            stats: stats.clone(),
        });
        let shared = Arc::new(Shared {
            router: api::router(api),
            faults: faults.clone(),
            contract: contract.clone(),
            stats: stats.clone(),
        });
        let tasks = vec![
            tokio::spawn(queue.run()),
            tokio::spawn(accept(listener, shared)),
        ];
        Ok(Self {
            address,
            faults,
            contract,
            stats,
            tasks,
        })
    }

    /// Starts an emulator on a new thread with a one-worker runtime of its own.
    pub fn start_in_background(config: EmulatorConfig) -> Result<BackgroundEmulator, StartError> {
        let (started, ready) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = started.send(Err(StartError::Runtime(e.to_string())));
                    return;
                }
            };
            runtime.block_on(async move {
                match Emulator::start(config).await {
                    Ok(emulator) => {
                        let _ = started.send(Ok((emulator.base_url(), emulator.stats().clone())));
                        let _ = stopped.await;
                    }
                    Err(e) => {
                        let _ = started.send(Err(e));
                    }
                }
            });
        });
        match ready.recv() {
            Ok(Ok((base_url, stats))) => Ok(BackgroundEmulator {
                base_url,
                stats,
                stop: Some(stop),
                thread: Some(thread),
            }),
            Ok(Err(error)) => Err(error),
            Err(_) => Err(StartError::Runtime(
                "the emulator's thread ended before it started".into(),
            )),
        }
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The API base, including `/v1`, as `RUNCOMFY_MODEL_API_BASE` takes it.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.address)
    }

    /// Plans faults for the next matching requests.
    pub fn faults(&self) -> &FaultInjector {
        &self.faults
    }

    /// What happened so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Answers that did not match the contract (only recorded with
    /// `check_contract`).
    pub fn contract_violations(&self) -> Vec<String> {
        self.contract
            .as_ref()
            .map(|c| c.violations())
            .unwrap_or_default()
    }

    /// Stops serving.
    pub fn stop(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
        // A test that let the emulator answer off-contract fails here.
        let violations = self.contract_violations();
        if !violations.is_empty() && !std::thread::panicking() {
            panic!(
                "the emulator answered off-contract:\n{}",
                violations.join("\n")
            );
        }
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
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

/// The error that makes hyper drop a connection without answering.
#[derive(Debug)]
struct Reset;

impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset (injected fault)")
    }
}

impl std::error::Error for Reset {}

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
        Some(Fault::RateLimited { retry_after_secs }) => retry_later(
            StatusCode::TOO_MANY_REQUESTS,
            "rate limited (injected fault)",
            retry_after_secs,
        ),
        Some(Fault::Unavailable { retry_after_secs }) => retry_later(
            StatusCode::SERVICE_UNAVAILABLE,
            "service unavailable (injected fault)",
            retry_after_secs,
        ),
        Some(Fault::Status(code)) => injected_status(code),
        Some(Fault::StatusAfterProcessing(code)) => {
            let _ = route(shared, request).await;
            injected_status(code)
        }
        Some(Fault::MalformedJson) => return Ok(json_text(r#"{"request_id": "#)),
        Some(Fault::ErrorIn200) => {
            let body = json!({"error_code": 500001, "error_message": "internal error (injected fault, answered with HTTP 200)"});
            return Ok(json_text(&body.to_string()));
        }
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            route(shared, request).await
        }
        Some(Fault::ResetAfterProcessing) => {
            let _ = route(shared, request).await;
            return Err(Reset);
        }
        Some(Fault::TruncatedMedia | Fault::JobFails) | None => route(shared, request).await,
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

/// The error answer of an injected status fault.
fn injected_status(code: u16) -> Response<Body> {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let code = (code == 500).then_some(500001);
    Reply::error(status, code, format!("{status} (injected fault)"), None).into_response()
}

/// An error answer that asks the client to come back after `retry_after_secs`.
fn retry_later(status: StatusCode, message: &str, retry_after_secs: u64) -> Response<Body> {
    let mut response = Reply::error(status, None, message, None).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
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

/// Half the announced body, then an error: the connection closes short of
/// the `Content-Length`. Streams; never holds the body.
async fn truncated(response: Response<Body>) -> Response<Body> {
    let (parts, body) = response.into_parts();
    let announced: u64 = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let half = announced / 2;
    let chunks = body.into_data_stream();
    let cut = futures::stream::unfold(
        (chunks, 0u64, false),
        move |(mut chunks, sent, done)| async move {
            if done {
                return None;
            }
            if sent >= half {
                // Let what was sent go out before the connection drops.
                tokio::time::sleep(Duration::from_millis(50)).await;
                let error = io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "truncated (injected fault)",
                );
                return Some((Err(error), (chunks, sent, true)));
            }
            match chunks.next().await {
                Some(Ok(chunk)) => {
                    let keep = chunk.slice(..(chunk.len() as u64).min(half - sent) as usize);
                    let sent = sent + keep.len() as u64;
                    Some((Ok(keep), (chunks, sent, false)))
                }
                Some(Err(e)) => Some((Err(io::Error::other(e)), (chunks, sent, true))),
                None => None,
            }
        },
    );
    Response::from_parts(parts, Body::from_stream(cut))
}

fn json_text(body: &str) -> Response<Body> {
    let mut response = Response::new(Body::from(body.to_owned()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
