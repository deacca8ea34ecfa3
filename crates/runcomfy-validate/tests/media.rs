//! Integration tests for `runcomfy_validate::media`: local files, `data:` URIs
//! and HTTP servers on 127.0.0.1 only (no internet).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use futures::StreamExt as _;
use runcomfy_types::models::kling_1_6_pro_image_to_video;
use runcomfy_validate::media::{DataUri, MediaError, MediaFacts, MediaProbe, MediaSource, Needs};

const BOTH: Needs = Needs {
    dimensions: true,
    size: true,
};
const DIMS: Needs = Needs {
    dimensions: true,
    size: false,
};
const SIZE: Needs = Needs {
    dimensions: false,
    size: true,
};

// ---------------------------------------------------------------------------
// Test images
// ---------------------------------------------------------------------------

/// A PNG signature + IHDR chunk, padded with zeros to `total_len` bytes.
fn png(width: u32, height: u32, total_len: usize) -> Vec<u8> {
    let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    v.extend_from_slice(&13_u32.to_be_bytes());
    v.extend_from_slice(b"IHDR");
    v.extend_from_slice(&width.to_be_bytes());
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&[8, 6, 0, 0, 0]);
    v.extend_from_slice(&[0; 4]); // CRC, not checked by imagesize
    if v.len() < total_len {
        v.resize(total_len, 0);
    }
    v
}

/// A JPEG: SOI, `app_segments` APP1 segments of ~16 KiB filler each (so the
/// dimensions are far from the start), SOF0 with the dimensions, EOI.
fn jpeg(width: u16, height: u16, app_segments: usize) -> Vec<u8> {
    const SEGMENT_PAYLOAD: usize = 16 * 1024;
    let mut v = vec![0xFF, 0xD8];
    for _ in 0..app_segments {
        v.extend_from_slice(&[0xFF, 0xE1]);
        v.extend_from_slice(&((SEGMENT_PAYLOAD + 2) as u16).to_be_bytes());
        v.extend(std::iter::repeat_n(0x5A, SEGMENT_PAYLOAD));
    }
    // SOF0: length 17, precision 8, height, width, 3 components.
    v.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&width.to_be_bytes());
    v.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    v.extend_from_slice(&[0xFF, 0xD9]);
    v
}

fn data_uri(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", STANDARD.encode(bytes))
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A probe whose client ignores any proxy settings of the environment, so
/// that requests to 127.0.0.1 really go to the local test server.
fn local_probe() -> MediaProbe {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("test client builds");
    MediaProbe::with_client(client).with_timeout(Duration::from_secs(10))
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

fn http_source(addr: SocketAddr, path: &str) -> MediaSource {
    MediaSource::parse(&format!("http://{addr}{path}")).expect("valid http reference")
}

/// A unique path in the system temp dir, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "runcomfy-media-test-{}-{unique}-{name}",
            std::process::id()
        ));
        std::fs::write(&path, contents).expect("write temp file");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// What a test server saw and sent.
#[derive(Default)]
struct Log {
    /// (method, Range header) per request.
    requests: Mutex<Vec<(Method, Option<String>)>>,
    /// Body bytes handed to the server for sending.
    body_bytes: AtomicU64,
}

impl Log {
    fn requests(&self) -> Vec<(Method, Option<String>)> {
        self.requests.lock().expect("log lock").clone()
    }
    fn record(&self, method: &Method, headers: &HeaderMap) -> Option<String> {
        let range = headers
            .get(header::RANGE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        self.requests
            .lock()
            .expect("log lock")
            .push((method.clone(), range.clone()));
        range
    }
}

struct Served {
    file: Vec<u8>,
    log: Log,
    head_allowed: bool,
}

fn parse_range(range: &str) -> Option<(usize, usize)> {
    let (first, last) = range.strip_prefix("bytes=")?.split_once('-')?;
    Some((first.parse().ok()?, last.parse().ok()?))
}

/// Serves `file`, honouring a single `Range: bytes=A-B` with a 206 and a
/// `Content-Range` that carries the total. HEAD gets only `Content-Length`
/// (or 405 when not allowed).
async fn ranged(State(s): State<Arc<Served>>, method: Method, headers: HeaderMap) -> Response {
    let range = s.log.record(&method, &headers);
    let total = s.file.len();
    if method == Method::HEAD {
        if !s.head_allowed {
            return StatusCode::METHOD_NOT_ALLOWED.into_response();
        }
        return (
            StatusCode::OK,
            [(header::CONTENT_LENGTH, total.to_string())],
        )
            .into_response();
    }
    match range.as_deref().and_then(parse_range) {
        Some((first, last)) if first < total => {
            let last = last.min(total - 1);
            let slice = s.file[first..=last].to_vec();
            s.log
                .body_bytes
                .fetch_add(slice.len() as u64, Ordering::Relaxed);
            (
                StatusCode::PARTIAL_CONTENT,
                [(
                    header::CONTENT_RANGE,
                    format!("bytes {first}-{last}/{total}"),
                )],
                slice,
            )
                .into_response()
        }
        _ => {
            s.log.body_bytes.fetch_add(total as u64, Ordering::Relaxed);
            s.file.clone().into_response()
        }
    }
}

fn ranged_server(file: Vec<u8>, head_allowed: bool) -> (Router, Arc<Served>) {
    let served = Arc::new(Served {
        file,
        log: Log::default(),
        head_allowed,
    });
    let router = Router::new()
        .route("/img", get(ranged))
        .with_state(served.clone());
    (router, served)
}

// ---------------------------------------------------------------------------
// 1, 2: files
// ---------------------------------------------------------------------------

#[tokio::test]
async fn file_png_dimensions_and_size() {
    let bytes = png(1024, 768, 50_000);
    let file = TempFile::new("a.png", &bytes);
    let source = MediaSource::parse(file.0.to_str().expect("utf-8 temp path")).expect("parse");
    assert_eq!(source, MediaSource::File(file.0.clone()));

    let facts = MediaProbe::new()
        .probe(&source, BOTH, Some(10 * 1024 * 1024))
        .await
        .expect("probe file");
    assert_eq!(
        facts,
        MediaFacts {
            width: Some(1024),
            height: Some(768),
            size_bytes: Some(50_000),
        }
    );

    // Only what is needed is reported.
    let probe = MediaProbe::default();
    let only_size = probe.probe(&source, SIZE, None).await.expect("size only");
    assert_eq!(only_size.size_bytes, Some(50_000));
    assert_eq!((only_size.width, only_size.height), (None, None));
    let only_dims = probe.probe(&source, DIMS, None).await.expect("dims only");
    assert_eq!(only_dims.size_bytes, None);
    assert_eq!((only_dims.width, only_dims.height), (Some(1024), Some(768)));
    let nothing = probe
        .probe(&source, Needs::default(), None)
        .await
        .expect("nothing");
    assert_eq!(nothing, MediaFacts::default());
}

#[tokio::test]
async fn file_jpeg_is_read_incrementally_and_respects_the_cap() {
    // The SOF0 marker is ~48 KiB in: beyond the first read of 16 KiB.
    let bytes = jpeg(640, 480, 3);
    assert!(bytes.len() > 48 * 1024);
    let file = TempFile::new("b.jpg", &bytes);
    let source = MediaSource::File(file.0.clone());

    let facts = MediaProbe::new()
        .probe(&source, BOTH, None)
        .await
        .expect("probe jpeg file");
    assert_eq!(facts.width, Some(640));
    assert_eq!(facts.height, Some(480));
    assert_eq!(facts.size_bytes, Some(bytes.len() as u64));

    // With a cap before the SOF0 marker, the dimensions are not found and the
    // error says it is a JPEG whose dimensions were not in the first bytes.
    let err = MediaProbe::new()
        .with_header_cap(20_000)
        .probe(&source, DIMS, None)
        .await
        .expect_err("cap too small");
    assert!(
        matches!(err, MediaError::DimensionsNotFound { examined, .. } if examined == 20_000),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("JPEG"), "{msg}");
    assert!(msg.contains(&file.0.display().to_string()), "{msg}");
}

#[tokio::test]
async fn missing_file_error_names_the_path() {
    let path = std::env::temp_dir().join(format!(
        "runcomfy-media-test-{}-does-not-exist.png",
        std::process::id()
    ));
    let source = MediaSource::File(path.clone());
    let err = MediaProbe::new()
        .probe(&source, BOTH, None)
        .await
        .expect_err("missing file");
    assert!(matches!(err, MediaError::Io { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("No such file or directory"), "{msg}");
    assert!(!msg.contains("os error"), "{msg}");
}

#[tokio::test]
async fn text_file_is_not_an_image() {
    let file = TempFile::new("notes.txt", b"just some notes, not an image at all\n");
    let err = MediaProbe::new()
        .probe(&MediaSource::File(file.0.clone()), DIMS, None)
        .await
        .expect_err("text file");
    assert!(matches!(err, MediaError::NotAnImage { .. }), "{err:?}");
    assert!(err.to_string().contains("is not an image"), "{err}");
}

// ---------------------------------------------------------------------------
// 3: data URIs
// ---------------------------------------------------------------------------

#[tokio::test]
async fn data_uri_png_dimensions_and_exact_size() {
    // 1 MiB + 1 byte, so the base64 text has padding and is much longer than
    // the header cap.
    let bytes = png(512, 1280, 1024 * 1024 + 1);
    let uri = data_uri("image/png", &bytes);
    let source = MediaSource::parse(&uri).expect("parse data uri");
    let MediaSource::Data(data) = &source else {
        panic!("expected a data source, got {source}");
    };
    assert_eq!(data.mime_type(), "image/png");
    assert_eq!(data.decoded_len(), bytes.len() as u64);

    let facts = MediaProbe::new()
        .probe(&source, BOTH, Some(10 * 1024 * 1024))
        .await
        .expect("probe data uri");
    assert_eq!(
        facts,
        MediaFacts {
            width: Some(512),
            height: Some(1280),
            size_bytes: Some(bytes.len() as u64),
        }
    );

    // Display and Debug never contain the payload.
    let payload_sample = &uri[uri.len() - 40..];
    let shown = source.to_string();
    assert_eq!(
        shown,
        format!("data: URI (image/png, {} bytes)", bytes.len())
    );
    let debug = format!("{data:?} {source:?}");
    assert!(!debug.contains(payload_sample), "{debug}");
    assert!(debug.len() < 300, "{debug}");
    assert!(debug.contains("image/png"), "{debug}");
}

#[tokio::test]
async fn data_uri_jpeg_dimensions() {
    let bytes = jpeg(301, 302, 2);
    let source = MediaSource::parse(&data_uri("image/jpeg", &bytes)).expect("parse");
    let facts = MediaProbe::new()
        .probe(&source, BOTH, None)
        .await
        .expect("probe");
    assert_eq!(facts.width, Some(301));
    assert_eq!(facts.height, Some(302));
    assert_eq!(facts.size_bytes, Some(bytes.len() as u64));
}

#[test]
fn data_uri_decoded_len_handles_padding() {
    let len = |s: &str| DataUri::parse(s).expect("valid data uri").decoded_len();
    assert_eq!(len("data:text/plain;base64,QUJD"), 3); // no padding
    assert_eq!(len("data:text/plain;base64,QUI="), 2); // one '='
    assert_eq!(len("data:text/plain;base64,QQ=="), 1); // two '='
    assert_eq!(len("data:text/plain;base64,QUJDRA=="), 4);
    assert_eq!(len("data:text/plain;base64,QUI"), 2); // padding omitted
    assert_eq!(len("data:;base64,"), 0);
    assert_eq!(len("data:text/plain;base64,QU%3D%3D"), 1); // percent-encoded padding
    assert_eq!(len("data:,hello%20world"), 11); // not base64: percent-decoded
    // For every length, the computed size matches a real encoding.
    for n in 0..64 {
        let bytes = vec![7_u8; n];
        assert_eq!(len(&data_uri("application/octet-stream", &bytes)), n as u64);
    }
}

#[test]
fn data_uri_parse_details_and_errors() {
    let plain = DataUri::parse("data:,abc").expect("no media type");
    assert_eq!(plain.mime_type(), "text/plain");
    let with_params = DataUri::parse("DATA:image/png;name=x.png;base64,iVBORw==").expect("params");
    assert_eq!(with_params.mime_type(), "image/png");
    assert_eq!(with_params.decoded_len(), 4);

    let err = DataUri::parse("data:image/png;base64,not*base64!").expect_err("bad base64");
    assert!(matches!(err, MediaError::InvalidBase64));
    assert_eq!(err.to_string(), "data: URI is not valid base64");

    let err = DataUri::parse("data:image/png;base64").expect_err("no comma");
    assert!(
        matches!(err, MediaError::MalformedDataUri { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("data: URI is malformed"),
        "{err}"
    );
}

#[tokio::test]
async fn data_uri_that_is_not_an_image() {
    let source = MediaSource::parse(&data_uri(
        "text/plain",
        b"this is a plain text file, definitely not an image",
    ))
    .expect("parse");
    let err = MediaProbe::new()
        .probe(&source, DIMS, None)
        .await
        .expect_err("not an image");
    assert!(matches!(err, MediaError::NotAnImage { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with("data: URI (text/plain, "), "{msg}");
    assert!(msg.contains("is not an image"), "{msg}");
}

// ---------------------------------------------------------------------------
// 4, 5: HTTP happy paths
// ---------------------------------------------------------------------------

#[tokio::test]
async fn http_range_request_reads_only_the_header() {
    const TOTAL: usize = 5_000_000;
    let (router, served) = ranged_server(png(2048, 1536, TOTAL), true);
    let addr = serve(router).await;

    let facts = local_probe()
        .probe(&http_source(addr, "/img"), BOTH, Some(10 * 1024 * 1024))
        .await
        .expect("probe");
    assert_eq!(
        facts,
        MediaFacts {
            width: Some(2048),
            height: Some(1536),
            size_bytes: Some(TOTAL as u64),
        }
    );
    // One ranged GET for the header cap, and no more than that was served.
    assert_eq!(
        served.log.requests(),
        vec![(Method::GET, Some("bytes=0-262143".to_owned()))]
    );
    let sent = served.log.body_bytes.load(Ordering::Relaxed);
    assert!(sent <= 256 * 1024, "server sent {sent} bytes");
    assert!(sent < TOTAL as u64 / 10);
}

#[tokio::test]
async fn http_header_cap_is_used_for_the_range() {
    let (router, served) = ranged_server(png(400, 400, 100_000), true);
    let addr = serve(router).await;
    let facts = local_probe()
        .with_header_cap(1000)
        .probe(&http_source(addr, "/img"), DIMS, None)
        .await
        .expect("probe");
    assert_eq!((facts.width, facts.height), (Some(400), Some(400)));
    assert_eq!(
        served.log.requests(),
        vec![(Method::GET, Some("bytes=0-999".to_owned()))]
    );
}

#[tokio::test]
async fn http_size_only_uses_head() {
    let (router, served) = ranged_server(png(400, 400, 123_456), true);
    let addr = serve(router).await;
    let facts = local_probe()
        .probe(&http_source(addr, "/img"), SIZE, Some(10))
        .await
        .expect("probe");
    assert_eq!(
        facts,
        MediaFacts {
            size_bytes: Some(123_456),
            ..MediaFacts::default()
        }
    );
    assert_eq!(served.log.requests(), vec![(Method::HEAD, None)]);
    assert_eq!(served.log.body_bytes.load(Ordering::Relaxed), 0);
}

#[tokio::test]
async fn http_size_only_falls_back_to_a_one_byte_get_after_405() {
    let (router, served) = ranged_server(png(400, 400, 123_456), false);
    let addr = serve(router).await;
    let facts = local_probe()
        .probe(&http_source(addr, "/img"), SIZE, None)
        .await
        .expect("probe");
    assert_eq!(facts.size_bytes, Some(123_456));
    assert_eq!(
        served.log.requests(),
        vec![
            (Method::HEAD, None),
            (Method::GET, Some("bytes=0-0".to_owned()))
        ]
    );
    assert_eq!(served.log.body_bytes.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn http_server_ignoring_range_still_gives_facts() {
    const TOTAL: usize = 2_000_000;
    let file = Arc::new(png(800, 600, TOTAL));
    let router = Router::new().route(
        "/img",
        get(move || {
            let file = file.clone();
            // 200 with Content-Length (from the Vec body), Range ignored.
            async move { (*file).clone() }
        }),
    );
    let addr = serve(router).await;
    let facts = local_probe()
        .probe(&http_source(addr, "/img"), BOTH, Some(10 * 1024 * 1024))
        .await
        .expect("probe");
    assert_eq!(
        facts,
        MediaFacts {
            width: Some(800),
            height: Some(600),
            size_bytes: Some(TOTAL as u64),
        }
    );
}

/// A body that sends `bytes` in 1 KiB chunks and then never ends.
fn then_hang(bytes: Vec<u8>, sent: Arc<AtomicU64>) -> Body {
    let chunks: Vec<Bytes> = bytes.chunks(1024).map(Bytes::copy_from_slice).collect();
    let stream = futures::stream::iter(chunks)
        .map(move |chunk| {
            sent.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            Ok::<_, std::io::Error>(chunk)
        })
        .chain(futures::stream::pending());
    Body::from_stream(stream)
}

#[tokio::test]
async fn http_jpeg_dimensions_are_found_incrementally_without_waiting_for_the_end() {
    let bytes = jpeg(1920, 1080, 2);
    let sent = Arc::new(AtomicU64::new(0));
    let router = Router::new().route(
        "/img",
        get({
            let sent = sent.clone();
            move || {
                let body = then_hang(bytes.clone(), sent.clone());
                async move { body }
            }
        }),
    );
    let addr = serve(router).await;
    // The body never ends: only reading incrementally and stopping as soon as
    // the dimensions are known can answer before the timeout.
    let started = Instant::now();
    let facts = local_probe()
        .with_timeout(Duration::from_secs(5))
        .probe(&http_source(addr, "/img"), DIMS, None)
        .await
        .expect("probe");
    assert_eq!((facts.width, facts.height), (Some(1920), Some(1080)));
    assert_eq!(facts.size_bytes, None);
    assert!(started.elapsed() < Duration::from_secs(4));
}

// ---------------------------------------------------------------------------
// 6, 7: HTTP errors
// ---------------------------------------------------------------------------

#[tokio::test]
async fn http_404_names_status_and_url() {
    let addr = serve(Router::new()).await;
    let source = http_source(addr, "/missing.png");
    let err = local_probe()
        .probe(&source, BOTH, None)
        .await
        .expect_err("404");
    assert!(
        matches!(err, MediaError::HttpStatus { status: 404, .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("404"), "{msg}");
    assert!(msg.contains(&format!("http://{addr}/missing.png")), "{msg}");

    // Size-only: HEAD gets 404 too, the GET fallback reports it.
    let err = local_probe()
        .probe(&source, SIZE, Some(10))
        .await
        .expect_err("404");
    assert!(
        matches!(err, MediaError::HttpStatus { status: 404, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn http_connection_refused_is_a_fetch_error() {
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr")
    }; // listener dropped: nothing listens on this port any more
    let err = local_probe()
        .probe(&http_source(dead, "/a.png"), BOTH, None)
        .await
        .expect_err("refused");
    assert!(matches!(err, MediaError::Fetch { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("could not fetch http://{dead}/a.png: ")),
        "{msg}"
    );
    assert!(msg.to_lowercase().contains("refused"), "{msg}");
}

#[tokio::test]
async fn http_server_that_never_answers_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket); // accept, never answer
        }
    });
    let started = Instant::now();
    let err = local_probe()
        .with_timeout(Duration::from_millis(300))
        .probe(&http_source(addr, "/slow.png"), BOTH, None)
        .await
        .expect_err("timeout");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert!(matches!(err, MediaError::Timeout { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("timed out after 300ms fetching http://{addr}/slow.png")
    );
}

#[tokio::test]
async fn http_text_body_is_not_an_image() {
    let router = Router::new().route(
        "/a.txt",
        get(|| async { "hello, this is plain text and not an image at all" }),
    );
    let addr = serve(router).await;
    let err = local_probe()
        .probe(&http_source(addr, "/a.txt"), BOTH, None)
        .await
        .expect_err("text");
    assert!(matches!(err, MediaError::NotAnImage { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("http://{addr}/a.txt is not an image")),
        "{msg}"
    );
}

// ---------------------------------------------------------------------------
// 8: size counting without Content-Length
// ---------------------------------------------------------------------------

#[tokio::test]
async fn http_size_without_length_counts_up_to_the_limit_plus_one() {
    let pulled = Arc::new(AtomicU64::new(0));
    let router = Router::new()
        .route(
            "/endless",
            get({
                let pulled = pulled.clone();
                move || {
                    let pulled = pulled.clone();
                    // Chunked, no Content-Length, never ends.
                    let stream = futures::stream::repeat_with(move || {
                        pulled.fetch_add(8192, Ordering::Relaxed);
                        Ok::<_, std::io::Error>(Bytes::from_static(&[0_u8; 8192]))
                    });
                    async move { Body::from_stream(stream) }
                }
            }),
        )
        .route(
            "/short",
            get(|| async {
                let chunks =
                    (0..10).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![1_u8; 5000])));
                Body::from_stream(futures::stream::iter(chunks))
            }),
        );
    let addr = serve(router).await;
    let probe = local_probe().with_timeout(Duration::from_secs(5));

    // An endless body: counting must stop just past the limit.
    let facts = probe
        .probe(&http_source(addr, "/endless"), SIZE, Some(100_000))
        .await
        .expect("probe endless");
    assert_eq!(facts.size_bytes, Some(100_001));
    assert_eq!((facts.width, facts.height), (None, None));

    // A short chunked body is measured exactly.
    let facts = probe
        .probe(&http_source(addr, "/short"), SIZE, Some(100_000))
        .await
        .expect("probe short");
    assert_eq!(facts.size_bytes, Some(50_000));

    // Without a limit an unknown length is left undetermined, not downloaded.
    let facts = probe
        .probe(&http_source(addr, "/endless"), SIZE, None)
        .await
        .expect("probe endless without limit");
    assert_eq!(facts.size_bytes, None);
}

#[tokio::test]
async fn http_partial_with_unknown_total_counts_with_a_second_get() {
    const TOTAL: usize = 300_000;
    let file = Arc::new(png(500, 700, TOTAL));
    let log = Arc::new(Log::default());
    let router = Router::new().route(
        "/img",
        get({
            let log = log.clone();
            move |method: Method, headers: HeaderMap| {
                let file = file.clone();
                let log = log.clone();
                async move {
                    match log
                        .record(&method, &headers)
                        .as_deref()
                        .and_then(parse_range)
                    {
                        Some((0, last)) => {
                            let last = last.min(TOTAL - 1);
                            (
                                StatusCode::PARTIAL_CONTENT,
                                [(header::CONTENT_RANGE, format!("bytes 0-{last}/*"))],
                                file[..=last].to_vec(),
                            )
                                .into_response()
                        }
                        // The full body, chunked (no Content-Length).
                        _ => {
                            let chunks: Vec<_> = file
                                .chunks(10_000)
                                .map(|c| Ok::<_, std::io::Error>(Bytes::copy_from_slice(c)))
                                .collect();
                            Body::from_stream(futures::stream::iter(chunks)).into_response()
                        }
                    }
                }
            }
        }),
    );
    let addr = serve(router).await;
    let facts = local_probe()
        .probe(&http_source(addr, "/img"), BOTH, Some(1_000_000))
        .await
        .expect("probe");
    assert_eq!(
        facts,
        MediaFacts {
            width: Some(500),
            height: Some(700),
            size_bytes: Some(TOTAL as u64),
        }
    );
    assert_eq!(
        log.requests(),
        vec![
            (Method::GET, Some("bytes=0-262143".to_owned())),
            (Method::GET, None)
        ]
    );
}

// ---------------------------------------------------------------------------
// 9: parsing references
// ---------------------------------------------------------------------------

#[test]
fn parse_each_kind_of_reference() {
    let https = MediaSource::parse("https://cdn.example.com/a.png?w=1").expect("https");
    assert!(
        matches!(&https, MediaSource::Http(u) if u.scheme() == "https" && u.path() == "/a.png")
    );
    assert_eq!(https.to_string(), "https://cdn.example.com/a.png?w=1");
    let http = MediaSource::parse("HTTP://cdn.example.com/b.jpg").expect("http");
    assert!(matches!(&http, MediaSource::Http(u) if u.scheme() == "http"));

    let data = MediaSource::parse("data:image/png;base64,iVBORw0KGgo=").expect("data");
    assert!(matches!(&data, MediaSource::Data(d) if d.mime_type() == "image/png"));
    assert_eq!(data.to_string(), "data: URI (image/png, 8 bytes)");

    let file_url = MediaSource::parse("file:///tmp/some%20dir/x.png").expect("file url");
    assert_eq!(
        file_url,
        MediaSource::File(PathBuf::from("/tmp/some dir/x.png"))
    );
    assert_eq!(file_url.to_string(), "/tmp/some dir/x.png");

    assert_eq!(
        MediaSource::parse("/var/images/c.webp").expect("abs path"),
        MediaSource::File(PathBuf::from("/var/images/c.webp"))
    );
    assert_eq!(
        MediaSource::parse("images/d.png").expect("relative path"),
        MediaSource::File(PathBuf::from("images/d.png"))
    );

    let err = MediaSource::parse("ftp://host/e.png").expect_err("ftp");
    assert!(matches!(err, MediaError::UnsupportedScheme { ref scheme } if scheme == "ftp"));
    let err = MediaSource::parse("").expect_err("empty");
    assert!(
        matches!(err, MediaError::InvalidReference { .. }),
        "{err:?}"
    );
    let err = MediaSource::parse("https://").expect_err("no host");
    assert!(
        matches!(err, MediaError::InvalidReference { .. }),
        "{err:?}"
    );
    let err = MediaSource::parse("data:image/png;base64,@@@").expect_err("bad data");
    assert!(matches!(err, MediaError::InvalidBase64), "{err:?}");
}

/// Fuzz finding (`fuzz/`, target `validator`): `http:foo` is a valid URI
/// with a fetchable scheme, so it passed the checks without I/O, and the
/// media step then read it as a local file path.
#[tokio::test]
async fn an_http_scheme_without_slashes_is_never_a_local_path() {
    for reference in [
        "http:foo",
        "HTTPS:example.com/a.png",
        "https:/a.png",
        "http:\\\\host/a",
    ] {
        let err = MediaSource::parse(reference).expect_err(reference);
        assert!(
            matches!(&err, MediaError::InvalidReference { reason, .. } if reason.contains("//")),
            "{reference}: {err:?}"
        );
    }
    let schema: serde_json::Value =
        serde_json::from_str(kling_1_6_pro_image_to_video::INPUT_SCHEMA).expect("schema");
    let validator = runcomfy_validate::Validator::new(&schema).expect("compiles");
    let input = serde_json::json!({"image_url": "http:start.png"});
    assert!(
        validator.validate(&input).is_ok(),
        "a URI with a fetchable scheme"
    );
    let errors = validator
        .validate_all(&input, &MediaProbe::new())
        .await
        .expect_err("not a fetchable URL")
        .errors;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].pointer, "/image_url");
    assert!(errors[0].message.contains("not a valid URL"), "{errors:?}");
}

#[test]
fn credentials_never_appear_in_display() {
    let source = MediaSource::parse(
        "https://alice:s3cret@bucket.example.com/a.png?X-Amz-Signature=deadbeef&size=large",
    )
    .expect("parse");
    let shown = source.to_string();
    assert!(!shown.contains("alice"), "{shown}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(!shown.contains("deadbeef"), "{shown}");
    assert!(shown.contains("bucket.example.com/a.png"), "{shown}");
    assert!(shown.contains("size=large"), "{shown}");
}

#[tokio::test]
async fn credentials_in_the_url_are_not_sent() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let router = Router::new().route(
        "/img",
        get({
            let seen = seen.clone();
            move |headers: HeaderMap| {
                seen.lock()
                    .expect("lock")
                    .push(headers.get(header::AUTHORIZATION).cloned());
                async { png(400, 400, 100) }
            }
        }),
    );
    let addr = serve(router).await;
    let source = MediaSource::parse(&format!("http://user:pass@{addr}/img")).expect("parse");
    let facts = local_probe()
        .probe(&source, BOTH, None)
        .await
        .expect("probe");
    assert_eq!((facts.width, facts.height), (Some(400), Some(400)));
    assert_eq!(*seen.lock().expect("lock"), vec![None]);
}

#[test]
fn probe_future_is_send_and_probe_is_cheap_to_clone() {
    fn assert_send<T: Send>(_: &T) {}
    let probe = MediaProbe::new().with_timeout(Duration::from_secs(1));
    let copy = probe.clone();
    let source = MediaSource::File(PathBuf::from("x.png"));
    let future = copy.probe(&source, BOTH, None);
    assert_send(&future);
}

#[test]
fn an_unsupported_scheme_is_quoted_only_by_its_start() {
    // The fuzzers' echo finding, on the path the validator never takes.
    let long = "a".repeat(5000);
    let err = MediaSource::parse(&format!("{long}://x")).expect_err("unsupported");
    let message = err.to_string();
    assert!(message.len() < 120, "{message}");
    assert!(
        matches!(&err, MediaError::UnsupportedScheme { scheme } if scheme == &format!("{}…", "a".repeat(32))),
        "{err:?}"
    );
    let err = MediaSource::parse("gopher://x").expect_err("unsupported");
    assert!(
        matches!(&err, MediaError::UnsupportedScheme { scheme } if scheme == "gopher"),
        "{err:?}"
    );
}
