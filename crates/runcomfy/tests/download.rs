//! Downloads against the emulator and against tiny raw-TCP servers on
//! 127.0.0.1 that misbehave on purpose: drops, stalls, ignored ranges,
//! oversized or endless bodies, hostile names.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use runcomfy::Error;
use runcomfy::download::{DownloadOptions, Downloader, file_name_for};
use runcomfy_emulator::{Emulator, EmulatorConfig, Fault, Target};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const KLING: &str = "kling/kling-1-6/pro/image-to-video";
const TOKEN: &str = "test-token-download";

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

fn downloader(options: DownloadOptions) -> Downloader {
    Downloader::new(http(), options)
}

/// Fast options for tests: short idle timeout, default cap and attempts.
fn quick() -> DownloadOptions {
    DownloadOptions {
        idle_timeout: Duration::from_secs(2),
        ..DownloadOptions::default()
    }
}

/// Deterministic, non-repeating-looking bytes.
fn body(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(31) ^ (i >> 7)) as u8)
        .collect()
}

/// Every entry of a directory (hidden ones included), sorted.
fn listing(dir: &Path) -> Vec<String> {
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

// ---------------------------------------------------------------- servers

type Handler = dyn Fn(usize, String, TcpStream) -> BoxFuture<'static, ()> + Send + Sync;

/// A raw HTTP/1.1 server: each connection's request head is recorded and
/// handed, with its index, to the handler.
struct Server {
    address: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl Server {
    async fn start(
        handler: impl Fn(usize, String, TcpStream) -> BoxFuture<'static, ()> + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    continue;
                };
                let handler = handler.clone();
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let Some(head) = read_head(&mut stream).await else {
                        return;
                    };
                    let index = {
                        let mut requests = recorded.lock().expect("lock");
                        requests.push(head.clone());
                        requests.len() - 1
                    };
                    handler(index, head, stream).await;
                });
            }
        });
        Self {
            address,
            requests,
            task,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("lock").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        head.extend_from_slice(&buffer[..n]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// The value of a request header (names compared case-insensitively).
fn header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

/// N of `Range: bytes=N-`.
fn range_start(head: &str) -> Option<usize> {
    header(head, "range")?
        .strip_prefix("bytes=")?
        .strip_suffix('-')?
        .parse()
        .ok()
}

async fn write_head(stream: &mut TcpStream, status: &str, headers: &[String]) {
    let mut text = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    let _ = stream.write_all(text.as_bytes()).await;
}

/// The whole file, `200`.
async fn send_whole(mut stream: TcpStream, file: &[u8]) {
    write_head(
        &mut stream,
        "200 OK",
        &[format!("Content-Length: {}", file.len())],
    )
    .await;
    let _ = stream.write_all(file).await;
    let _ = stream.shutdown().await;
}

/// `200` announcing the whole file, then half of it and a closed connection.
async fn send_half_and_drop(mut stream: TcpStream, file: &[u8]) {
    write_head(
        &mut stream,
        "200 OK",
        &[format!("Content-Length: {}", file.len())],
    )
    .await;
    let _ = stream.write_all(&file[..file.len() / 2]).await;
    let _ = stream.flush().await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    drop(stream);
}

/// `206` from `start`, or `200` without a range.
async fn send_range(mut stream: TcpStream, file: &[u8], head: &str) {
    match range_start(head) {
        Some(start) if start < file.len() => {
            write_head(
                &mut stream,
                "206 Partial Content",
                &[
                    format!("Content-Length: {}", file.len() - start),
                    format!(
                        "Content-Range: bytes {start}-{}/{}",
                        file.len() - 1,
                        file.len()
                    ),
                ],
            )
            .await;
            let _ = stream.write_all(&file[start..]).await;
            let _ = stream.shutdown().await;
        }
        _ => send_whole(stream, file).await,
    }
}

/// A TCP proxy in front of `upstream` that records what clients send.
async fn recording_proxy(upstream: SocketAddr) -> (SocketAddr, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let sent = Arc::new(Mutex::new(Vec::new()));
    let record = sent.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                let up = tokio::spawn(async move {
                    let mut buffer = [0u8; 8192];
                    loop {
                        let n = match client_read.read(&mut buffer).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        record.lock().expect("lock").extend_from_slice(&buffer[..n]);
                        if server_write.write_all(&buffer[..n]).await.is_err() {
                            break;
                        }
                    }
                });
                let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
                let _ = client_write.shutdown().await;
                up.abort();
            });
        }
    });
    (address, sent)
}

// --------------------------------------------------------------- emulator

/// Submits a job, waits for it and returns its `output.video` URL.
async fn emulator_video(emulator: &Emulator) -> String {
    let input = json!({
        "image_url": runcomfy_emulator::fixtures::png_data_uri(1280, 720),
        "prompt": "a slow dolly shot",
    });
    let base = emulator.base_url();
    let submitted: Value = http()
        .post(format!("{base}/models/{KLING}"))
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
        let status: Value = http()
            .get(format!("{base}/requests/{id}/status"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("status")
            .json()
            .await
            .expect("json");
        if status["status"] == "completed" {
            break;
        }
        assert!(Instant::now() < deadline, "job never completed: {status}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let result: Value = http()
        .get(format!("{base}/requests/{id}/result"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("result")
        .json()
        .await
        .expect("json");
    result["output"]["video"]
        .as_str()
        .expect("video url")
        .to_owned()
}

async fn plain_get(url: &str) -> Vec<u8> {
    http()
        .get(url)
        .send()
        .await
        .expect("get")
        .bytes()
        .await
        .expect("bytes")
        .to_vec()
}

// ------------------------------------------------------------------ tests

#[tokio::test]
async fn an_emulator_output_downloads_byte_identical_to_a_plain_get() {
    let emulator = Emulator::start(EmulatorConfig::for_tests())
        .await
        .expect("emulator");
    let video = emulator_video(&emulator).await;
    let expected = plain_get(&video).await;
    let dir = tempfile::tempdir().expect("tmp");

    let file = downloader(quick())
        .download(&video, dir.path(), Some("req-1"))
        .await
        .expect("download");

    assert_eq!(file.url, video);
    assert_eq!(file.path, dir.path().join("output.mp4"));
    assert_eq!(file.bytes, expected.len() as u64);
    assert_eq!(std::fs::read(&file.path).expect("read"), expected);
    assert_eq!(&expected[4..8], b"ftyp", "an MP4");
    assert_eq!(
        listing(dir.path()),
        ["output.mp4"],
        "no temporary file left"
    );
}

#[tokio::test]
async fn a_truncated_emulator_download_is_resumed_with_a_range_request() {
    let emulator = Emulator::start(EmulatorConfig::for_tests())
        .await
        .expect("emulator");
    let video = emulator_video(&emulator).await;
    let expected = plain_get(&video).await;
    let downloads_before = emulator.stats().downloads();
    let (proxy, sent) = recording_proxy(emulator.address()).await;
    let via_proxy = video.replace(&emulator.address().to_string(), &proxy.to_string());
    let dir = tempfile::tempdir().expect("tmp");

    emulator.faults().push(Target::Media, Fault::TruncatedMedia);
    let file = downloader(quick())
        .download(&via_proxy, dir.path(), Some("req-2"))
        .await
        .expect("resumed download");

    assert_eq!(emulator.faults().pending(), 0, "the fault was used");
    assert_eq!(std::fs::read(&file.path).expect("read"), expected);
    assert_eq!(file.bytes, expected.len() as u64);
    assert_eq!(
        emulator.stats().downloads() - downloads_before,
        2,
        "one cut answer, one resumed answer"
    );
    let sent = String::from_utf8_lossy(&sent.lock().expect("lock")).to_lowercase();
    let requests: Vec<&str> = sent.split("get /").skip(1).collect();
    assert_eq!(requests.len(), 2, "{sent}");
    assert!(!requests[0].contains("range:"), "the first GET is plain");
    let start = range_start(requests[1]).expect("the second GET asks for a range");
    assert!(
        start > 0 && start < expected.len(),
        "resumed at {start} of {}",
        expected.len()
    );
    assert!(!sent.contains("authorization"), "no credentials sent");
    assert_eq!(listing(dir.path()), ["output.mp4"]);
}

#[tokio::test]
async fn a_drop_is_resumed_from_the_byte_it_stopped_at_and_appended() {
    let file = Arc::new(body(300_000));
    let served = file.clone();
    let server = Server::start(move |index, head, stream| {
        let file = served.clone();
        Box::pin(async move {
            if index == 0 {
                send_half_and_drop(stream, &file).await;
            } else {
                send_range(stream, &file, &head).await;
            }
        })
    })
    .await;
    let dir = tempfile::tempdir().expect("tmp");

    let got = downloader(quick())
        .download(&server.url("/out/video.mp4"), dir.path(), None)
        .await
        .expect("download");

    assert_eq!(std::fs::read(&got.path).expect("read"), *file);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(range_start(&requests[0]), None);
    assert_eq!(
        range_start(&requests[1]),
        Some(file.len() / 2),
        "resumed exactly where the first answer stopped"
    );
    assert_eq!(listing(dir.path()), ["video.mp4"]);
}

#[tokio::test]
async fn a_server_ignoring_range_makes_the_download_start_over() {
    let file = Arc::new(body(200_000));
    let served = file.clone();
    let server = Server::start(move |index, _head, stream| {
        let file = served.clone();
        Box::pin(async move {
            if index == 0 {
                send_half_and_drop(stream, &file).await;
            } else {
                send_whole(stream, &file).await; // 200, whatever the Range
            }
        })
    })
    .await;
    let dir = tempfile::tempdir().expect("tmp");

    let got = downloader(quick())
        .download(&server.url("/clip.mp4"), dir.path(), None)
        .await
        .expect("download");

    assert_eq!(got.bytes, file.len() as u64, "not half + whole");
    assert_eq!(std::fs::read(&got.path).expect("read"), *file);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(range_start(&requests[1]), Some(file.len() / 2));
    assert_eq!(listing(dir.path()), ["clip.mp4"]);
}

#[tokio::test]
async fn a_stalled_body_counts_as_a_drop_after_the_idle_timeout() {
    let file = Arc::new(body(100_000));
    let served = file.clone();
    let server = Server::start(move |index, head, mut stream| {
        let file = served.clone();
        Box::pin(async move {
            if index == 0 {
                write_head(
                    &mut stream,
                    "200 OK",
                    &[format!("Content-Length: {}", file.len())],
                )
                .await;
                let _ = stream.write_all(&file[..1000]).await;
                tokio::time::sleep(Duration::from_secs(10)).await; // and nothing more
            } else {
                send_range(stream, &file, &head).await;
            }
        })
    })
    .await;
    let dir = tempfile::tempdir().expect("tmp");
    let options = DownloadOptions {
        idle_timeout: Duration::from_millis(200),
        ..DownloadOptions::default()
    };

    let started = Instant::now();
    let got = downloader(options)
        .download(&server.url("/slow.bin"), dir.path(), None)
        .await
        .expect("download");

    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(std::fs::read(&got.path).expect("read"), *file);
    assert_eq!(range_start(&server.requests()[1]), Some(1000));
}

#[tokio::test]
async fn giving_up_after_the_resume_attempts_says_how_much_arrived() {
    let file = Arc::new(body(50_000));
    let served = file.clone();
    let server = Server::start(move |_, _, stream| {
        let file = served.clone();
        Box::pin(async move { send_half_and_drop(stream, &file).await })
    })
    .await;
    let dir = tempfile::tempdir().expect("tmp");
    let options = DownloadOptions {
        resume_attempts: 2,
        ..quick()
    };

    let error = downloader(options)
        .download(&server.url("/flaky.mp4"), dir.path(), Some("req-6"))
        .await
        .expect_err("never completes");

    let Error::Download {
        request_id, reason, ..
    } = &error
    else {
        panic!("expected a download error, got {error:?}");
    };
    assert_eq!(request_id.as_deref(), Some("req-6"));
    assert!(
        reason.contains(&format!("{} of {} bytes", file.len() / 2, file.len())),
        "{reason}"
    );
    assert!(reason.contains("2 resume attempt"), "{reason}");
    assert_eq!(server.requests().len(), 3, "the first try and two resumes");
    assert!(listing(dir.path()).is_empty(), "no litter");
}

#[tokio::test]
async fn a_length_over_the_cap_fails_before_the_body_is_read() {
    let server = Server::start(|_, _, mut stream| {
        Box::pin(async move {
            write_head(
                &mut stream,
                "200 OK",
                &["Content-Length: 10000000000".into()],
            )
            .await;
            let _ = stream.write_all(&[0u8; 1000]).await;
            tokio::time::sleep(Duration::from_secs(10)).await;
        })
    })
    .await;
    let dir = tempfile::tempdir().expect("tmp");
    let options = DownloadOptions {
        max_bytes: 1_000_000,
        idle_timeout: Duration::from_secs(30),
        ..DownloadOptions::default()
    };

    let started = Instant::now();
    let error = downloader(options)
        .download(&server.url("/big.mp4"), dir.path(), Some("req-4"))
        .await
        .expect_err("over the cap");

    assert!(
        started.elapsed() < Duration::from_secs(2),
        "did not wait for the body"
    );
    let Error::Download {
        request_id, reason, ..
    } = &error
    else {
        panic!("expected a download error, got {error:?}");
    };
    assert_eq!(request_id.as_deref(), Some("req-4"));
    assert!(reason.contains("10000000000"), "{reason}");
    assert!(reason.contains("cap of 1000000 bytes"), "{reason}");
    assert!(listing(dir.path()).is_empty(), "no file, no temporary file");
    assert_eq!(server.requests().len(), 1, "not resumed");
}

#[tokio::test]
async fn a_body_growing_past_the_cap_is_stopped_without_litter() {
    let server = Server::start(|_, _, mut stream| {
        Box::pin(async move {
            // No Content-Length: the body ends when the connection does, which is never.
            write_head(&mut stream, "200 OK", &[]).await;
            let chunk = [7u8; 16 * 1024];
            while stream.write_all(&chunk).await.is_ok() {}
        })
    })
    .await;
    let dir = tempfile::tempdir().expect("tmp");
    let options = DownloadOptions {
        max_bytes: 100_000,
        ..quick()
    };

    let error = downloader(options)
        .download(&server.url("/endless"), dir.path(), None)
        .await
        .expect_err("over the cap");

    let Error::Download { reason, .. } = &error else {
        panic!("expected a download error, got {error:?}");
    };
    assert!(reason.contains("cap of 100000 bytes"), "{reason}");
    assert!(listing(dir.path()).is_empty(), "temporary file removed");
}

#[test]
fn file_name_for_cleans_hostile_names() {
    let name = |url: &str| file_name_for(&url::Url::parse(url).expect("url"));
    let long = "x".repeat(500);
    let cases = [
        (
            "https://h/files/1/output.mp4?sig=abc#t=1",
            "output.mp4".to_owned(),
        ),
        (
            "https://h/a/..%2F..%2Fetc%2Fpasswd",
            "_.._etc_passwd".into(),
        ),
        ("https://h/a/%2e%2e", "output".into()),
        ("https://h/a/%2E%2E%2F", "_".into()),
        ("https://h/a/..", "output".into()),
        ("https://h/a/.", "output".into()),
        ("https://h/a/.hidden", "hidden".into()),
        ("https://h/a/...mp4", "mp4".into()),
        ("https://h/a/a%00b.mp4", "a_b.mp4".into()),
        ("https://h/a/a%0Ab%7F.mp4", "a_b_.mp4".into()),
        ("https://h/a/dir%5Cfile.mp4", "dir_file.mp4".into()),
        ("https://h/a/evil%E2%80%AE4pm.exe", "evil_4pm.exe".into()),
        ("https://h/a/%20%20trailing.mp4.%20", "trailing.mp4".into()),
        ("https://h/a/con", "con".into()),
        ("https://h/a/caf%C3%A9.mp4", "café.mp4".into()),
        ("https://h/a/", "output".into()),
        ("https://h", "output".into()),
        (
            &format!("https://h/a/{long}.mp4"),
            format!("{}.mp4", &long[..116]),
        ),
        (&format!("https://h/a/{long}"), long[..120].to_owned()),
    ];
    for (url, expected) in cases {
        assert_eq!(name(url), expected, "{url}");
    }
    // Multi-byte characters are never cut in half.
    let wide = name(&format!("https://h/a/{}.mp4", "é".repeat(100)));
    assert!(wide.len() <= 120, "{}", wide.len());
    assert!(wide.ends_with(".mp4") && wide.starts_with('é'), "{wide}");
    // A long "extension" is not one.
    assert_eq!(name(&format!("https://h/a/a.{long}")).len(), 120);
}

#[tokio::test]
async fn hostile_names_land_directly_inside_the_directory() {
    let file = Arc::new(body(1000));
    let served = file.clone();
    let server = Server::start(move |_, _, stream| {
        let file = served.clone();
        Box::pin(async move { send_whole(stream, &file).await })
    })
    .await;
    let dir = tempfile::tempdir().expect("tmp");
    let inside = dir.path().join("outputs");
    let canonical = {
        std::fs::create_dir_all(&inside).expect("mkdir");
        inside.canonicalize().expect("canonical")
    };
    let long = "y".repeat(500);
    let paths = [
        "/a/..%2F..%2Fetc%2Fpasswd".to_owned(),
        "/a/..%2F..%2F..%2F..%2Ftmp%2Fescaped".into(),
        "/a/%2e%2e".into(),
        "/a/%2e%2e%2f".into(),
        "/a/..".into(),
        "/a/.hidden".into(),
        "/a/.bashrc".into(),
        "/a/a%00b.mp4".into(),
        "/a/%5C..%5C..%5Cwin.ini".into(),
        format!("/a/{long}.mp4"),
        "/a/con".into(),
    ];
    let downloader = downloader(quick());
    let mut landed = Vec::new();
    for path in &paths {
        let got = downloader
            .download(&server.url(path), &inside, None)
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let real = got.path.canonicalize().expect("exists");
        assert_eq!(real.parent(), Some(canonical.as_path()), "{path}");
        let name = real
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(!name.starts_with('.'), "{path} gave hidden {name}");
        assert!(name.len() <= 130, "{path} gave {} bytes", name.len());
        assert_eq!(std::fs::read(&real).expect("read"), *file);
        landed.push(name);
    }
    assert!(landed.contains(&"con".to_owned()));
    assert!(landed.contains(&format!("{}.mp4", &long[..116])));
    assert_eq!(
        listing(&inside).len(),
        paths.len(),
        "every file inside, nothing hidden left"
    );
    assert_eq!(listing(dir.path()), ["outputs"], "nothing escaped");
}

#[tokio::test]
async fn same_names_are_numbered_and_existing_files_are_never_overwritten() {
    let file = Arc::new(body(5000));
    let served = file.clone();
    let server = Server::start(move |_, _, stream| {
        let file = served.clone();
        Box::pin(async move { send_whole(stream, &file).await })
    })
    .await;
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("new").join("dir"); // created on demand
    let url = server.url("/files/abc/output.mp4");
    let downloader = downloader(quick());

    let first = downloader.download(&url, &out, None).await.expect("first");
    let second = downloader.download(&url, &out, None).await.expect("second");
    assert_eq!(first.path, out.join("output.mp4"));
    assert_eq!(second.path, out.join("output (1).mp4"));

    // An existing file with the name, and names repeated within one call.
    std::fs::write(out.join("keep.bin"), b"precious").expect("write");
    let all = downloader
        .download_all(
            &[server.url("/keep.bin"), server.url("/x/keep.bin"), url],
            &out,
            Some("req-7"),
        )
        .await
        .expect("all");
    let names: Vec<_> = all
        .iter()
        .map(|f| {
            f.path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["keep (1).bin", "keep (2).bin", "output (2).mp4"]);
    assert_eq!(
        std::fs::read(out.join("keep.bin")).expect("read"),
        b"precious"
    );
    for f in all.iter().chain([&first, &second]) {
        assert_eq!(std::fs::read(&f.path).expect("read"), *file);
    }
    assert_eq!(
        listing(&out),
        [
            "keep (1).bin",
            "keep (2).bin",
            "keep.bin",
            "output (1).mp4",
            "output (2).mp4",
            "output.mp4"
        ]
    );
}

#[tokio::test]
async fn urls_that_are_not_https_or_loopback_are_refused_before_any_request() {
    let server = Server::start(|_, _, stream| Box::pin(send_whole(stream, b"x"))).await;
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("never-created");
    let downloader = downloader(quick());

    for url in [
        "http://example.invalid/a.mp4",
        "http://10.1.2.3/a.mp4",
        "ftp://127.0.0.1/a.mp4",
        "file:///etc/passwd",
        "not a url",
    ] {
        let started = Instant::now();
        let error = downloader
            .download(url, &out, Some("req-8"))
            .await
            .expect_err(url);
        assert!(matches!(error, Error::Configuration(_)), "{url}: {error:?}");
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{url}: no DNS, no connect"
        );
        assert!(!out.exists(), "{url}: nothing created");
    }
    let error = downloader
        .download("http://example.invalid/a.mp4?sig=secret", &out, None)
        .await
        .expect_err("refused");
    let message = error.to_string();
    assert!(
        message.contains("http://example.invalid/a.mp4"),
        "{message}"
    );
    assert!(message.contains("loopback"), "says why: {message}");
    assert!(!message.contains("secret"), "no query string: {message}");

    // One bad URL in a batch: nothing is downloaded at all.
    let error = downloader
        .download_all(
            &[server.url("/a.mp4"), "http://example.invalid/b.mp4".into()],
            &out,
            None,
        )
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::Configuration(_)), "{error:?}");
    assert!(server.requests().is_empty());
    assert!(!out.exists());
}

#[tokio::test]
async fn http_404_is_a_download_error_with_the_status_and_request_id() {
    let emulator = Emulator::start(EmulatorConfig::for_tests())
        .await
        .expect("emulator");
    let url = format!(
        "http://{}/files/nope/output.mp4?sig=secret",
        emulator.address()
    );
    let dir = tempfile::tempdir().expect("tmp");

    let error = downloader(quick())
        .download(&url, dir.path(), Some("req-9"))
        .await
        .expect_err("404");

    let Error::Download {
        request_id,
        url: shown,
        reason,
    } = &error
    else {
        panic!("expected a download error, got {error:?}");
    };
    assert_eq!(request_id.as_deref(), Some("req-9"));
    assert_eq!(error.request_id(), Some("req-9"));
    assert!(reason.contains("404"), "{reason}");
    assert!(!shown.contains("secret"), "{shown}");
    assert!(error.to_string().contains("req-9"));
    assert!(listing(dir.path()).is_empty(), "no litter");
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_with_the_request_id() {
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        listener.local_addr().expect("address").port()
    };
    let dir = tempfile::tempdir().expect("tmp");
    let downloader = downloader(quick());
    for url in [
        format!("http://127.0.0.1:{closed}/a.mp4"),
        format!("http://localhost:{closed}/a.mp4"),
    ] {
        let error = downloader
            .download(&url, dir.path(), Some("req-10"))
            .await
            .expect_err("refused");
        assert!(
            matches!(&error, Error::Transport { request_id: Some(id), .. } if id == "req-10"),
            "{url}: {error:?}"
        );
    }
    assert!(listing(dir.path()).is_empty(), "no litter");
}

#[tokio::test]
async fn user_info_is_stripped_and_no_credentials_are_sent() {
    let server = Server::start(|_, _, stream| Box::pin(send_whole(stream, b"data"))).await;
    let dir = tempfile::tempdir().expect("tmp");
    let url = server
        .url("/f.bin")
        .replace("http://", "http://user:hunter2@");

    let got = downloader(quick())
        .download(&url, dir.path(), None)
        .await
        .expect("download");

    assert_eq!(std::fs::read(&got.path).expect("read"), b"data");
    let head = &server.requests()[0];
    assert!(header(head, "authorization").is_none(), "{head}");
    assert!(!head.contains("hunter2"), "{head}");
}

#[tokio::test]
async fn a_cancelled_download_leaves_no_temporary_file() {
    let server = Server::start(|_, _, mut stream| {
        Box::pin(async move {
            write_head(&mut stream, "200 OK", &["Content-Length: 100000".into()]).await;
            let _ = stream.write_all(&[1u8; 1000]).await;
            tokio::time::sleep(Duration::from_secs(10)).await;
        })
    })
    .await;
    let dir = tempfile::tempdir().expect("tmp");
    let downloader = downloader(quick());
    let url = server.url("/slow.mp4");
    let download = downloader.download(&url, dir.path(), None);

    let outcome = tokio::time::timeout(Duration::from_millis(300), download).await;

    assert!(outcome.is_err(), "still running when dropped");
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
}

#[test]
fn options_default_to_the_provider_cli_limits() {
    let options = DownloadOptions::default();
    assert_eq!(options.max_bytes, 2 * 1024 * 1024 * 1024);
    assert_eq!(options.resume_attempts, 5);
    assert_eq!(options.idle_timeout, Duration::from_secs(60));
}
