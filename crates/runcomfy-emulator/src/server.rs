//! The running emulator: a hyper server on 127.0.0.1, the queue task, fault
//! injection around the handlers, and contract checks on every answer.

use std::convert::Infallible;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::api::{Api, Reply, Route};
use crate::config::EmulatorConfig;
use crate::contract::Contract;
use crate::faults::{Fault, FaultInjector, Target};
use crate::jobs::Queue;
use crate::media::{FileReply, Files};

type Body = BoxBody<Bytes, io::Error>;

/// Counts of what the emulator did, for tests that must know (such as
/// "each input was submitted exactly once").
#[derive(Debug, Clone, Default)]
pub struct Stats {
    submits: Arc<AtomicU64>,
    downloads: Arc<AtomicU64>,
    requests: Arc<AtomicU64>,
}

impl Stats {
    pub(crate) fn submitted(&self) {
        self.submits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn downloaded(&self) {
        self.downloads.fetch_add(1, Ordering::Relaxed);
    }

    /// Jobs accepted.
    pub fn submits(&self) -> u64 {
        self.submits.load(Ordering::Relaxed)
    }

    /// Output file answers (GET or HEAD).
    pub fn downloads(&self) -> u64 {
        self.downloads.load(Ordering::Relaxed)
    }

    /// Requests received.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

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
}

struct Shared {
    api: Api,
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
        let shared = Arc::new(Shared {
            api: Api {
                queue: queue.clone(),
                validators,
                probe: runcomfy_validate::MediaProbe::new().with_timeout(config.media_timeout),
                origin: format!("http://{address}"),
                tokens: config.tokens.clone(),
                body_limit: config.body_limit,
                fingerprint_key: std::collections::hash_map::RandomState::new(),
                faults: faults.clone(),
                files: Files::default(),
                stats: stats.clone(),
            },
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
    shared.stats.requests.fetch_add(1, Ordering::Relaxed);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let route = Route::of(&method, &path);
    let fault = match route.target() {
        Some(Target::Media) => None,
        Some(target) => shared.faults.for_api(target),
        None => None,
    };
    let injected = match fault {
        Some(Fault::ResetBeforeAnswer) => return Err(Reset),
        Some(Fault::RateLimited { retry_after_secs }) => Some(Reply::error(
            StatusCode::TOO_MANY_REQUESTS,
            None,
            "rate limited (injected fault)",
            None,
        ))
        .map(|reply| (reply, Some(retry_after_secs))),
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let code = (code == 500).then_some(500001);
            Some((
                Reply::error(status, code, format!("{status} (injected fault)"), None),
                None,
            ))
        }
        Some(Fault::MalformedJson) => {
            return Ok(raw(
                StatusCode::OK,
                "application/json",
                r#"{"request_id": "#,
            ));
        }
        Some(Fault::ErrorIn200) => {
            let body = json!({"error_code": 500001, "error_message": "internal error (injected fault, answered with HTTP 200)"});
            return Ok(raw(StatusCode::OK, "application/json", &body.to_string()));
        }
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            None
        }
        Some(Fault::ResetAfterProcessing | Fault::TruncatedMedia | Fault::JobFails) | None => None,
    };
    let reply = match injected {
        Some((reply, retry_after)) => match retry_after {
            Some(secs) => with_retry_after(reply, secs),
            None => reply,
        },
        None => shared.api.handle(route.clone(), request).await,
    };
    if fault == Some(Fault::ResetAfterProcessing) {
        return Err(Reset);
    }
    Ok(match reply {
        Reply::Json {
            status,
            headers,
            body,
        } => {
            if let (Some(contract), Some(api_path)) = (&shared.contract, path.strip_prefix("/v1"))
                && !matches!(route, Route::NotFound | Route::WrongMethod(_))
            {
                contract.check(method.as_str(), api_path, status.as_u16(), &body);
            }
            let mut response = raw(status, "application/json", &body.to_string());
            for (name, value) in headers {
                response.headers_mut().insert(name, value);
            }
            response
        }
        Reply::File(file) => file_response(file, shared.faults.truncates_media()),
    })
}

fn with_retry_after(reply: Reply, secs: u64) -> Reply {
    match reply {
        Reply::Json {
            status,
            mut headers,
            body,
        } => {
            headers.push((header::RETRY_AFTER, HeaderValue::from(secs)));
            Reply::Json {
                status,
                headers,
                body,
            }
        }
        other => other,
    }
}

fn raw(status: StatusCode, content_type: &'static str, body: &str) -> Response<Body> {
    let mut response = Response::new(full(Bytes::copy_from_slice(body.as_bytes())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn full(bytes: Bytes) -> Body {
    Full::new(bytes)
        .map_err(|never: Infallible| match never {})
        .boxed()
}

fn file_response(file: FileReply, truncate: bool) -> Response<Body> {
    let length = file.length;
    let body = if truncate && file.body.len() > 1 {
        // Half the bytes, then an error: hyper closes the connection short of
        // the announced Content-Length.
        use futures::StreamExt as _;
        let half = file.body.slice(..file.body.len() / 2);
        let first = futures::stream::iter([Ok::<_, io::Error>(Frame::data(half))]);
        // Let the headers and the first half go out before the connection drops.
        let then_fail = futures::stream::once(async {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "truncated (injected fault)",
            ))
        });
        BodyExt::boxed(StreamBody::new(first.chain(then_fail)))
    } else {
        full(file.body)
    };
    let mut response = Response::new(body);
    *response.status_mut() = file.status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("video/mp4"));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if let Some(range) = file
        .content_range
        .and_then(|r| HeaderValue::from_str(&r).ok())
    {
        headers.insert(header::CONTENT_RANGE, range);
    }
    let _ = file.total;
    response
}
