//! The Model API routes: submit, status, result, cancel, the catalog, and the
//! output files. Handlers return a [`Reply`]; the server turns it into HTTP,
//! checks it against the contract, and injects faults around it.

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::BodyExt;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, StatusCode};
use runcomfy_validate::{FieldError, MediaProbe, Validator};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::faults::Target;
use crate::jobs::{Cancelled, InputTag, JobState, Queue};
use crate::media;

/// An answer, before it becomes HTTP.
#[derive(Debug)]
pub(crate) enum Reply {
    /// A JSON body.
    Json {
        /// The status.
        status: StatusCode,
        /// Extra headers (`Retry-After`, `Allow`).
        headers: Vec<(header::HeaderName, HeaderValue)>,
        /// The body.
        body: Value,
    },
    /// An output file (or part of it).
    File(media::FileReply),
}

impl Reply {
    fn json(status: StatusCode, body: Value) -> Self {
        Self::Json {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// The documented error body: `error_code` when there is one, a message
    /// and an optional `detail`.
    pub(crate) fn error(
        status: StatusCode,
        code: Option<u64>,
        message: impl Into<String>,
        detail: Option<Value>,
    ) -> Self {
        let mut body = serde_json::Map::new();
        if let Some(code) = code {
            body.insert("error_code".into(), json!(code));
        }
        body.insert("error_message".into(), json!(message.into()));
        if let Some(detail) = detail {
            body.insert("detail".into(), detail);
        }
        Self::json(status, Value::Object(body))
    }

    fn with_header(mut self, name: header::HeaderName, value: &str) -> Self {
        if let (Self::Json { headers, .. }, Ok(value)) = (&mut self, HeaderValue::from_str(value)) {
            headers.push((name, value));
        }
        self
    }
}

/// The routes of the Model API and the output files.
pub(crate) fn router(api: Arc<Api>) -> Router {
    Router::new()
        .route("/v1/models", get(list_models))
        .route("/v1/models/{*model}", get(get_model).post(submit))
        .route("/v1/requests/{id}/status", get(status))
        .route("/v1/requests/{id}/result", get(result))
        .route("/v1/requests/{id}/cancel", post(cancel))
        .route("/files/{id}/output.mp4", get(file))
        .route(ADMIN_JOBS, get(admin_jobs))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .with_state(api)
}

/// The emulator's own read-only listing of every job it holds, for chaos
/// tests that count on the service's side. Not part of the Model API: it is
/// outside `/v1` (so the contract check and the faults leave it alone) and
/// needs no token.
pub(crate) const ADMIN_JOBS: &str = "/_emulator/jobs";

/// Which faults a request is exposed to, decided before routing (a reset
/// must happen before any handler runs).
pub(crate) fn fault_target(method: &Method, path: &str) -> Option<Target> {
    if path.starts_with("/files/") {
        return Some(Target::Media);
    }
    if path == "/v1/models" || (path.starts_with("/v1/models/") && method == Method::GET) {
        return Some(Target::Any);
    }
    if path.starts_with("/v1/models/") && method == Method::POST {
        return Some(Target::Submit);
    }
    match path.strip_prefix("/v1/requests/")?.rsplit('/').next()? {
        "status" => Some(Target::Status),
        "result" => Some(Target::Result),
        "cancel" => Some(Target::Cancel),
        _ => None,
    }
}

/// The caller, identified by a fingerprint of its bearer token.
pub(crate) struct Owner(u64);

impl FromRequestParts<Arc<Api>> for Owner {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, api: &Arc<Api>) -> Result<Self, Reply> {
        api.authenticate(&parts.headers).map(Owner)
    }
}

/// Query of `GET /v1/models`.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    search: Option<String>,
    #[allow(dead_code)]
    category: Option<String>,
    include_schema: Option<bool>,
    limit: Option<usize>,
    offset: Option<usize>,
}

fn bad_path(rejection: axum::extract::rejection::PathRejection) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        None,
        format!("bad path: {rejection}"),
        None,
    )
}

async fn list_models(
    State(api): State<Arc<Api>>,
    _: Owner,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Reply {
    match query {
        Ok(Query(query)) => api.list_models(&query),
        Err(rejection) => Reply::error(
            StatusCode::BAD_REQUEST,
            None,
            format!("bad query: {rejection}"),
            None,
        ),
    }
}

async fn get_model(
    State(api): State<Arc<Api>>,
    _: Owner,
    model: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Reply {
    match model {
        Ok(Path(model)) => api.get_model(&model),
        Err(rejection) => bad_path(rejection),
    }
}

async fn submit(
    State(api): State<Arc<Api>>,
    Owner(owner): Owner,
    model: Result<Path<String>, axum::extract::rejection::PathRejection>,
    request: Request,
) -> Reply {
    match model {
        Ok(Path(model)) => api.submit(&model, owner, request).await,
        Err(rejection) => bad_path(rejection),
    }
}

async fn status(
    State(api): State<Arc<Api>>,
    Owner(owner): Owner,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Reply {
    match id {
        Ok(Path(id)) => api.status(&id, owner),
        Err(rejection) => bad_path(rejection),
    }
}

async fn result(
    State(api): State<Arc<Api>>,
    Owner(owner): Owner,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Reply {
    match id {
        Ok(Path(id)) => api.result(&id, owner),
        Err(rejection) => bad_path(rejection),
    }
}

async fn cancel(
    State(api): State<Arc<Api>>,
    Owner(owner): Owner,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Reply {
    match id {
        Ok(Path(id)) => api.cancel(&id, owner),
        Err(rejection) => bad_path(rejection),
    }
}

async fn file(
    State(api): State<Arc<Api>>,
    method: Method,
    headers: HeaderMap,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Reply {
    match id {
        Ok(Path(id)) => api.file(&id, method == Method::HEAD, &headers),
        Err(rejection) => bad_path(rejection),
    }
}

async fn admin_jobs(State(api): State<Arc<Api>>) -> Reply {
    // Digests render every succeeded job's video: off the async workers.
    match tokio::task::spawn_blocking(move || api.jobs_report()).await {
        Ok(reply) => reply,
        Err(error) => Reply::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            format!("the job listing failed: {error}"),
            None,
        ),
    }
}

async fn not_found() -> Reply {
    Reply::error(StatusCode::NOT_FOUND, None, "no such endpoint", None)
}

async fn wrong_method(method: Method) -> Reply {
    Reply::error(
        StatusCode::METHOD_NOT_ALLOWED,
        None,
        format!("method {method} is not allowed here (see the Allow header)"),
        None,
    )
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Self::Json {
                status,
                headers,
                body,
            } => {
                let mut response = (
                    status,
                    [(header::CONTENT_TYPE, "application/json")],
                    body.to_string(),
                )
                    .into_response();
                response.headers_mut().extend(headers);
                response
            }
            Self::File(file) => {
                let body = match file.body {
                    Some((output, start, end)) => {
                        axum::body::Body::from_stream(output.stream(start, end))
                    }
                    None => axum::body::Body::empty(),
                };
                let mut response = (file.status, body).into_response();
                let headers = response.headers_mut();
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("video/mp4"));
                headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from(file.length));
                if let Some(range) = file
                    .content_range
                    .and_then(|r| HeaderValue::from_str(&r).ok())
                {
                    headers.insert(header::CONTENT_RANGE, range);
                }
                response
            }
        }
    }
}

/// What the handlers share.
#[derive(Debug)]
pub(crate) struct Api {
    /// The queue.
    pub(crate) queue: Arc<Queue>,
    /// One validator per known model.
    pub(crate) validators: Vec<(&'static runcomfy_types::ModelSpec, Validator)>,
    /// Probes media the emulator is allowed to fetch.
    pub(crate) probe: MediaProbe,
    /// `http://127.0.0.1:PORT`.
    pub(crate) origin: String,
    /// Accepted tokens (`None`: any non-empty one).
    pub(crate) tokens: Option<Vec<String>>,
    /// Largest accepted body.
    pub(crate) body_limit: usize,
    /// Keys the token fingerprints.
    pub(crate) fingerprint_key: std::collections::hash_map::RandomState,
    /// Decides job failures.
    pub(crate) faults: Arc<crate::faults::FaultInjector>,
    /// Output files.
    pub(crate) files: media::Files,
    /// Decoded start images, the still pictures of the output videos.
    pub(crate) start_images: crate::start::StartImages,
    /// Counts of what happened.
    pub(crate) stats: crate::stats::Stats,
}

impl Api {
    fn authenticate(&self, headers: &HeaderMap) -> Result<u64, Reply> {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let Some(token) = token else {
            return Err(Reply::error(
                StatusCode::UNAUTHORIZED,
                Some(400004),
                "missing bearer token: send `Authorization: Bearer <token>`",
                None,
            ));
        };
        if self
            .tokens
            .as_ref()
            .is_some_and(|tokens| !tokens.iter().any(|t| t == token))
        {
            return Err(Reply::error(
                StatusCode::UNAUTHORIZED,
                Some(400004),
                "invalid, expired or revoked token",
                None,
            ));
        }
        let mut hasher = self.fingerprint_key.build_hasher();
        hasher.write(token.as_bytes());
        Ok(hasher.finish())
    }

    fn spec(&self, model: &str) -> Option<&(&'static runcomfy_types::ModelSpec, Validator)> {
        self.validators.iter().find(|(spec, _)| spec.id == model)
    }

    fn model_info(spec: &runcomfy_types::ModelSpec, schemas: bool) -> Value {
        let mut info = json!({"model_id": spec.id});
        if schemas {
            info["input_schema"] = serde_json::from_str(spec.input_schema).unwrap_or(Value::Null);
            info["output_schema"] = serde_json::from_str(spec.output_schema).unwrap_or(Value::Null);
        }
        info
    }

    fn list_models(&self, query: &ListQuery) -> Reply {
        let search = query.search.as_deref().unwrap_or("").to_ascii_lowercase();
        let matching: Vec<_> = self
            .validators
            .iter()
            .filter(|(spec, _)| spec.id.contains(&search))
            .collect();
        let models: Vec<Value> = matching
            .iter()
            .skip(query.offset.unwrap_or(0))
            .take(query.limit.unwrap_or(100))
            .map(|(spec, _)| Self::model_info(spec, query.include_schema.unwrap_or(false)))
            .collect();
        Reply::json(
            StatusCode::OK,
            json!({"models": models, "total": matching.len()}),
        )
    }

    fn get_model(&self, model: &str) -> Reply {
        match self.spec(model) {
            Some((spec, _)) => Reply::json(StatusCode::OK, Self::model_info(spec, true)),
            None => unknown_model(model),
        }
    }

    async fn submit(&self, model: &str, owner: u64, request: Request) -> Reply {
        let Some((spec, validator)) = self.spec(model) else {
            return unknown_model(model);
        };
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !content_type
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("application/json")
        {
            return Reply::error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                None,
                "the body must be JSON: send `Content-Type: application/json`",
                None,
            );
        }
        let limited = http_body_util::Limited::new(request.into_body(), self.body_limit);
        let body = match limited.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) if error.is::<http_body_util::LengthLimitError>() => {
                return Reply::error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    None,
                    format!("the body is larger than {} bytes", self.body_limit),
                    None,
                );
            }
            Err(_) => {
                return Reply::error(
                    StatusCode::BAD_REQUEST,
                    None,
                    "the body could not be read",
                    None,
                );
            }
        };
        let input: Value = match serde_json::from_slice(&body) {
            Ok(input) => input,
            Err(error) => {
                return Reply::error(
                    StatusCode::BAD_REQUEST,
                    None,
                    format!("the body is not valid JSON: {error}"),
                    None,
                );
            }
        };
        let errors = self.input_errors(validator, &input).await;
        if !errors.is_empty() {
            let detail: Vec<Value> = errors
                .iter()
                .map(|e| json!({"field": e.field(), "pointer": e.pointer, "keyword": e.keyword, "message": e.message}))
                .collect();
            let count = errors.len();
            return Reply::error(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(422001),
                format!(
                    "input failed validation ({count} error{})",
                    if count == 1 { "" } else { "s" }
                ),
                Some(Value::Array(detail)),
            );
        }
        let video_secs = input.get("duration").and_then(Value::as_u64).unwrap_or(5) as u32;
        // A prompt that asks for it fails deterministically, for end-to-end tests.
        let marked = input
            .get("prompt")
            .and_then(Value::as_str)
            .is_some_and(|p| p.contains("emulator:fail"));
        let fails = marked || self.faults.job_fails();
        // The output shows the start image when the emulator can read it.
        let start = match input.get("image_url").and_then(Value::as_str) {
            Some(reference) if validator.media_rules_of("/image_url").is_some() => {
                self.start_images.frame(reference).await
            }
            _ => None,
        };
        let id = uuid::Uuid::new_v4().simple().to_string();
        let tag = InputTag {
            sha256: hex::encode(ring::digest::digest(
                &ring::digest::SHA256,
                input.to_string().as_bytes(),
            )),
            prompt: input
                .get("prompt")
                .and_then(Value::as_str)
                .map(str::to_owned),
            start,
        };
        if let Err(full) = self
            .queue
            .submit(id.clone(), owner, spec.id, video_secs, fails, tag)
        {
            return Reply::error(
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                format!("the emulator holds its maximum of {} jobs; finished jobs expire, try again later", full.max_jobs),
                None,
            )
            .with_header(header::RETRY_AFTER, "5");
        }
        self.stats.submitted();
        let base = format!("{}/v1/requests/{id}", self.origin);
        Reply::json(
            StatusCode::OK,
            json!({
                "request_id": id,
                "status_url": format!("{base}/status"),
                "result_url": format!("{base}/result"),
                "cancel_url": format!("{base}/cancel"),
            }),
        )
    }

    /// Every schema error, then the media rules for the references the
    /// emulator may fetch: `data:` URIs and loopback URLs, like the real
    /// service fetches public ones; anything else cannot be fetched from here.
    async fn input_errors(&self, validator: &Validator, input: &Value) -> Vec<FieldError> {
        let mut errors = validator.errors(input);
        if !errors.is_empty() {
            return errors;
        }
        let mut fetchable = input.clone();
        for (pointer, _) in validator.media_rules() {
            let Some(reference) = input.pointer(pointer).and_then(Value::as_str) else {
                continue;
            };
            if reference.starts_with("data:") || is_loopback_url(reference) {
                continue;
            }
            errors.push(FieldError {
                pointer: pointer.to_owned(),
                keyword: "validations".into(),
                message: format!(
                    "could not fetch {}: the emulator fetches only loopback URLs and data: URIs",
                    short(reference)
                ),
            });
            if let Some(object) = fetchable.as_object_mut() {
                object.remove(pointer.trim_start_matches('/'));
            }
        }
        if let Err(invalid) = validator.validate_media(&fetchable, &self.probe).await {
            errors.extend(invalid.errors);
        }
        errors
    }

    fn owned(&self, id: &str, owner: u64) -> Result<(crate::jobs::Job, Option<usize>), Reply> {
        match self.queue.get(id) {
            None => Err(Reply::error(
                StatusCode::NOT_FOUND,
                Some(404001),
                format!("request {id} does not exist, was deleted or expired"),
                None,
            )),
            Some((job, _)) if job.owner != owner => Err(Reply::error(
                StatusCode::FORBIDDEN,
                Some(403001),
                format!("request {id} belongs to another user"),
                None,
            )),
            Some(found) => Ok(found),
        }
    }

    fn status(&self, id: &str, owner: u64) -> Reply {
        let (job, position) = match self.owned(id, owner) {
            Ok(found) => found,
            Err(reply) => return reply,
        };
        let base = format!("{}/v1/requests/{id}", self.origin);
        let mut body = json!({
            "request_id": id,
            "status": queue_status(&job.state),
            "status_url": format!("{base}/status"),
            "result_url": format!("{base}/result"),
        });
        if let Some(position) = position {
            body["queue_position"] = json!(position);
        }
        if let JobState::Running { worker, .. } = job.state {
            body["instance_id"] = json!(format!("emulator-worker-{worker}"));
        }
        Reply::json(StatusCode::OK, body)
    }

    fn result(&self, id: &str, owner: u64) -> Reply {
        let (job, _) = match self.owned(id, owner) {
            Ok(found) => found,
            Err(reply) => return reply,
        };
        let mut body = json!({
            "request_id": id,
            "status": result_status(&job.state),
            "model_id": job.model_id,
            "created_at": timestamp(job.created_at),
        });
        match job.state {
            JobState::Succeeded { finished_at } => {
                body["output"] = json!({"video": format!("{}/files/{id}/output.mp4", self.origin)});
                body["finished_at"] = json!(timestamp(finished_at));
            }
            JobState::Failed { finished_at } => {
                body["error"] = json!({"error_code": 500001, "error_message": "video generation failed (emulated failure)"});
                body["finished_at"] = json!(timestamp(finished_at));
            }
            JobState::Cancelled { at } => body["finished_at"] = json!(timestamp(at)),
            JobState::Queued | JobState::Running { .. } => {}
        }
        Reply::json(StatusCode::OK, body)
    }

    fn cancel(&self, id: &str, owner: u64) -> Reply {
        if let Err(reply) = self.owned(id, owner) {
            return reply;
        }
        match self.queue.cancel(id) {
            Some((outcome, state)) => Reply::json(
                StatusCode::ACCEPTED,
                json!({
                    "request_id": id,
                    "status": queue_status(&state),
                    "outcome": match outcome { Cancelled::Cancelled => "cancelled", Cancelled::NotCancellable => "not_cancellable" },
                }),
            ),
            None => Reply::error(
                StatusCode::NOT_FOUND,
                Some(404001),
                format!("request {id} does not exist, was deleted or expired"),
                None,
            ),
        }
    }

    /// `GET /_emulator/jobs`: every job held, oldest first, with its input's
    /// fingerprint, its state and, once succeeded, the size and SHA-256 of
    /// the video it serves; and the count of accepted submits.
    fn jobs_report(&self) -> Reply {
        let jobs: Vec<Value> = self
            .queue
            .list()
            .into_iter()
            .map(|(id, job)| {
                let mut entry = json!({
                    "request_id": id,
                    "model_id": job.model_id,
                    "state": result_status(&job.state),
                    "prompt": job.input.prompt,
                    "input_sha256": job.input.sha256,
                    "created_at": timestamp(job.created_at),
                });
                if matches!(job.state, JobState::Succeeded { .. }) {
                    let url = format!("{}/files/{id}/output.mp4", self.origin);
                    entry["output"] =
                        match self
                            .files
                            .get(&id, job.video_secs, job.input.start.as_deref())
                        {
                            Ok(file) => {
                                let (size, sha256) = file.digest();
                                json!({"url": url, "size": size, "sha256": sha256})
                            }
                            Err(error) => json!({"url": url, "error": error.to_string()}),
                        };
                }
                entry
            })
            .collect();
        Reply::json(
            StatusCode::OK,
            json!({"submits": self.stats.submits(), "jobs": jobs}),
        )
    }

    fn file(&self, id: &str, head_only: bool, headers: &HeaderMap) -> Reply {
        let job = match self.queue.get(id) {
            Some((job, _)) if matches!(job.state, JobState::Succeeded { .. }) => job,
            _ => return Reply::error(StatusCode::NOT_FOUND, None, "no such file", None),
        };
        match self
            .files
            .get(id, job.video_secs, job.input.start.as_deref())
        {
            Ok(bytes) => {
                self.stats.downloaded();
                Reply::File(media::FileReply::new(
                    bytes,
                    headers.get(header::RANGE),
                    head_only,
                ))
            }
            Err(error) => Reply::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                Some(500001),
                format!("could not render the video: {error}"),
                None,
            ),
        }
    }
}

fn unknown_model(model: &str) -> Reply {
    let known: Vec<&str> = runcomfy_types::models()
        .iter()
        .map(|spec| spec.id)
        .collect();
    Reply::error(
        StatusCode::BAD_REQUEST,
        Some(400001),
        format!(
            "unknown model `{model}`; this emulator knows: {}",
            known.join(", ")
        ),
        None,
    )
}

fn queue_status(state: &JobState) -> &'static str {
    match state {
        JobState::Queued => "in_queue",
        JobState::Running { .. } => "in_progress",
        JobState::Succeeded { .. } | JobState::Failed { .. } => "completed",
        JobState::Cancelled { .. } => "cancelled",
    }
}

fn result_status(state: &JobState) -> &'static str {
    match state {
        JobState::Queued => "in_queue",
        JobState::Running { .. } => "in_progress",
        JobState::Succeeded { .. } => "succeeded",
        JobState::Failed { .. } => "failed",
        JobState::Cancelled { .. } => "cancelled",
    }
}

fn timestamp(at: SystemTime) -> String {
    humantime::format_rfc3339_millis(at).to_string()
}

fn is_loopback_url(reference: &str) -> bool {
    url::Url::parse(reference).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && runcomfy_validate::media::is_loopback_host(&url)
    })
}

/// A reference short enough for a message (URLs may carry long queries).
fn short(reference: &str) -> String {
    let cut: String = reference.chars().take(120).collect();
    if cut.len() < reference.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_targets_follow_the_routes() {
        assert_eq!(
            fault_target(
                &Method::POST,
                "/v1/models/kling/kling-1-6/pro/image-to-video"
            ),
            Some(Target::Submit)
        );
        assert_eq!(
            fault_target(
                &Method::GET,
                "/v1/models/kling/kling-1-6/pro/image-to-video"
            ),
            Some(Target::Any)
        );
        assert_eq!(
            fault_target(&Method::GET, "/v1/requests/abc/status"),
            Some(Target::Status)
        );
        assert_eq!(
            fault_target(&Method::GET, "/v1/requests/abc/result"),
            Some(Target::Result)
        );
        assert_eq!(
            fault_target(&Method::POST, "/v1/requests/abc/cancel"),
            Some(Target::Cancel)
        );
        assert_eq!(
            fault_target(&Method::GET, "/files/abc/output.mp4"),
            Some(Target::Media)
        );
        assert_eq!(fault_target(&Method::GET, "/elsewhere"), None);
        assert_eq!(
            fault_target(&Method::GET, ADMIN_JOBS),
            None,
            "the admin listing gets no faults"
        );
    }

    #[test]
    fn only_loopback_urls_are_fetched() {
        assert!(is_loopback_url("http://127.0.0.1:8080/a.png"));
        assert!(is_loopback_url("http://localhost/a.png"));
        assert!(is_loopback_url("http://[::1]:9/a.png"));
        assert!(!is_loopback_url("https://example.com/a.png"));
        assert!(!is_loopback_url("http://10.0.0.1/a.png"));
        assert!(!is_loopback_url("ftp://127.0.0.1/a.png"));
    }
}
