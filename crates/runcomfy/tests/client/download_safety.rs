//! Downloads refused or failed safely: bad URLs, 404, refused connections, no credentials.

use std::sync::Arc;
use std::time::{Duration, Instant};

use runcomfy::Error;
use runcomfy_testkit::http_server::header;
use tokio::net::TcpListener;

use crate::common::emulator;
use crate::download_support::{
    Answer, DownloadFailure, download_failure, downloader, file_server, listing, quick,
};

#[tokio::test]
async fn urls_that_are_not_https_or_loopback_are_refused_before_any_request() {
    let file = Arc::new(b"x".to_vec());
    let server = file_server(&file, Answer::Whole, Answer::Whole).await;
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
    let emulator = emulator().await;
    let url = format!(
        "http://{}/files/nope/output.mp4?sig=secret",
        emulator.address()
    );
    let dir = tempfile::tempdir().expect("tmp");

    let error = downloader(quick())
        .download(&url, dir.path(), Some("req-9"))
        .await
        .expect_err("404");

    let DownloadFailure {
        request_id,
        url: shown,
        reason,
    } = download_failure(&error);
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
    let file = Arc::new(b"data".to_vec());
    let server = file_server(&file, Answer::Whole, Answer::Whole).await;
    let dir = tempfile::tempdir().expect("tmp");
    let url = server
        .url("/f.bin")
        .replace("http://", "http://user:hunter2@");

    let got = downloader(quick())
        .download(&url, dir.path(), None)
        .await
        .expect("download");

    assert_eq!(std::fs::read(&got.path).expect("read"), b"data");
    let requests = server.requests();
    let head = requests[0].head();
    assert!(header(head, "authorization").is_none(), "{head}");
    assert!(!head.contains("hunter2"), "{head}");
}
