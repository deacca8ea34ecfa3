//! What the download tests share: fast downloaders, file servers that misbehave, an emulator video.
//!
//! The servers are the testkit's scripted loopback servers; each answer is
//! one of a few ways a file server drops, stalls or ignores a `Range`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use runcomfy::Error;
use runcomfy::download::{DownloadOptions, DownloadedFile, Downloader};
use runcomfy_emulator::Emulator;
use runcomfy_testkit::http_server::{Connection, Request, RequestedRange, ScriptedServer, header};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::common::{TOKEN, png};

/// A plain HTTP client that never goes through a proxy.
pub(crate) fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

pub(crate) fn downloader(options: DownloadOptions) -> Downloader {
    Downloader::new(http(), options)
}

/// Fast options for tests: short idle timeout, default cap and attempts.
pub(crate) fn quick() -> DownloadOptions {
    DownloadOptions {
        idle_timeout: Duration::from_secs(2),
        ..DownloadOptions::default()
    }
}

/// Deterministic, non-repeating-looking bytes.
pub(crate) fn body(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(31) ^ (i >> 7)) as u8)
        .collect()
}

/// Every entry of a directory (hidden ones included), sorted.
pub(crate) fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Downloads the server's `path` with [`quick`] options into a new
/// temporary directory.
pub(crate) async fn quick_download(
    server: &ScriptedServer,
    path: &str,
) -> (TempDir, DownloadedFile) {
    let dir = tempfile::tempdir().expect("tmp");
    let file = downloader(quick())
        .download(&server.url(path), dir.path(), None)
        .await
        .expect("download");
    (dir, file)
}

/// N of `Range: bytes=N-` in a request head.
pub(crate) fn range_start(head: &str) -> Option<usize> {
    match header(head, "range").and_then(RequestedRange::parse)? {
        RequestedRange { first, last: None } => Some(first),
        RequestedRange { last: Some(_), .. } => None,
    }
}

/// The parts of an [`Error::Download`].
pub(crate) struct DownloadFailure<'e> {
    pub(crate) request_id: &'e Option<String>,
    pub(crate) url: &'e str,
    pub(crate) reason: &'e str,
}

/// The parts of `error`, which must be a download error.
pub(crate) fn download_failure(error: &Error) -> DownloadFailure<'_> {
    let Error::Download {
        request_id,
        url,
        reason,
    } = error
    else {
        panic!("expected a download error, got {error:?}");
    };
    DownloadFailure {
        request_id,
        url,
        reason,
    }
}

/// A server that announces `length` body bytes to every request, sends
/// `prefix` and then nothing more.
pub(crate) async fn stalling_server(length: u64, prefix: &'static [u8]) -> ScriptedServer {
    ScriptedServer::start(move |_, connection| connection.send_stalled(length, prefix)).await
}

/// How a file server answers one request.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Answer {
    /// `200` and the whole file, whatever the `Range`.
    Whole,
    /// `206` from the byte the `Range` asks for; `200` and all without one.
    Ranged,
    /// `200` announcing the whole file, then half of it and a dropped
    /// connection.
    HalfThenDrop,
    /// `200` announcing the whole file, then its first N bytes and nothing
    /// more.
    StallAfter(usize),
}

impl Answer {
    async fn send(self, connection: Connection, file: &[u8], request: &Request) {
        match self {
            Self::Whole => connection.send_whole(file).await,
            Self::Ranged => connection.send_range(file, request).await,
            Self::HalfThenDrop => connection.send_half_and_drop(file).await,
            Self::StallAfter(n) => {
                let prefix = file.get(..n).unwrap_or_default();
                connection.send_stalled(file.len() as u64, prefix).await;
            }
        }
    }
}

/// Serves `file`: the first request gets `first`, every later one `then`.
pub(crate) async fn file_server(
    file: &Arc<Vec<u8>>,
    first: Answer,
    then: Answer,
) -> ScriptedServer {
    let file = file.clone();
    ScriptedServer::start(move |request, connection| {
        let file = file.clone();
        let answer = if request.index() == 0 { first } else { then };
        async move { answer.send(connection, &file, &request).await }
    })
    .await
}

/// A GET of `url`, with the emulator's token when one is given.
async fn get(url: &str, token: Option<&str>, what: &str) -> reqwest::Response {
    let request = http().get(url);
    let request = match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    request.send().await.expect(what)
}

/// A GET of `url` with the emulator's token, its body as JSON.
async fn get_json(url: String, what: &str) -> Value {
    get(&url, Some(TOKEN), what)
        .await
        .json()
        .await
        .expect("json")
}

/// Submits a job, waits for it and returns its `output.video` URL.
pub(crate) async fn emulator_video(emulator: &Emulator) -> String {
    let input = json!({
        "image_url": png(1280, 720),
        "prompt": "a slow dolly shot",
    });
    let base = emulator.base_url();
    let submitted: Value = http()
        .post(format!("{base}/models/kling/kling-1-6/pro/image-to-video"))
        .bearer_auth(TOKEN)
        .json(&input)
        .send()
        .await
        .expect("submit")
        .json()
        .await
        .expect("json");
    let id = submitted["request_id"].as_str().expect("request id");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = get_json(format!("{base}/requests/{id}/status"), "status").await;
        if status["status"] == "completed" {
            break;
        }
        assert!(Instant::now() < deadline, "job never completed: {status}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let result = get_json(format!("{base}/requests/{id}/result"), "result").await;
    result["output"]["video"]
        .as_str()
        .expect("video url")
        .to_owned()
}

/// The body of a GET of `url`, as any client sees it.
pub(crate) async fn plain_get(url: &str) -> Vec<u8> {
    let response = get(url, None, "get").await;
    response.bytes().await.expect("bytes").to_vec()
}
