//! Download limits: the size cap, no litter when it stops a body or the caller cancels, defaults.

use std::time::{Duration, Instant};

use runcomfy::download::DownloadOptions;
use runcomfy_testkit::http_server::ScriptedServer;

use crate::download_support::{
    DownloadFailure, download_failure, downloader, listing, quick, stalling_server,
};

#[tokio::test]
async fn a_length_over_the_cap_fails_before_the_body_is_read() {
    let server = stalling_server(10_000_000_000, &[0u8; 1000]).await;
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
    let DownloadFailure {
        request_id, reason, ..
    } = download_failure(&error);
    assert_eq!(request_id.as_deref(), Some("req-4"));
    assert!(reason.contains("10000000000"), "{reason}");
    assert!(reason.contains("cap of 1000000 bytes"), "{reason}");
    assert!(listing(dir.path()).is_empty(), "no file, no temporary file");
    assert_eq!(server.requests().len(), 1, "not resumed");
}

#[tokio::test]
async fn a_body_growing_past_the_cap_is_stopped_without_litter() {
    let server = ScriptedServer::start(|_, mut connection| async move {
        // No Content-Length: the body ends when the connection does, which is never.
        connection.write_head("200 OK", &[]).await;
        let chunk = [7u8; 16 * 1024];
        while connection.write_body(&chunk).await {}
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

    let DownloadFailure { reason, .. } = download_failure(&error);
    assert!(reason.contains("cap of 100000 bytes"), "{reason}");
    assert!(listing(dir.path()).is_empty(), "temporary file removed");
}

#[tokio::test]
async fn a_cancelled_download_leaves_no_temporary_file() {
    let server = stalling_server(100_000, &[1u8; 1000]).await;
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
