//! HTTP failures, each said in one sentence that names the URL: an error
//! status, a refused connection, a server that never answers, a body that
//! is not an image. Servers on 127.0.0.1 only.

use std::time::{Duration, Instant};

use crate::loopback::{http_source, local_probe};
use crate::needs::{BOTH, SIZE};
use runcomfy_testkit::http_server::ScriptedServer;
use runcomfy_validate::media::{MediaError, MediaSource, Needs};

/// How a default local probe fails on `source`.
async fn probe_error(source: &MediaSource, needs: Needs, size_limit: Option<u64>) -> MediaError {
    local_probe()
        .probe(source, needs, size_limit)
        .await
        .expect_err("the probe fails")
}

#[tokio::test]
async fn http_404_names_status_and_url() {
    let server =
        ScriptedServer::start(|_, connection| connection.send_status("404 Not Found")).await;
    let addr = server.address();
    let source = http_source(addr, "/missing.png");
    let err = probe_error(&source, BOTH, None).await;
    assert!(
        matches!(err, MediaError::HttpStatus { status: 404, .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("404"), "{msg}");
    assert!(msg.contains(&format!("http://{addr}/missing.png")), "{msg}");

    // Size-only: HEAD gets 404 too, the GET fallback reports it.
    let err = probe_error(&source, SIZE, Some(10)).await;
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
    let err = probe_error(&http_source(dead, "/a.png"), BOTH, None).await;
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
    let server = ScriptedServer::start(|_, connection| connection.hold()).await;
    let addr = server.address();
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
    let server = ScriptedServer::start(|_, connection| async move {
        connection
            .send_whole(b"hello, this is plain text and not an image at all")
            .await;
    })
    .await;
    let addr = server.address();
    let err = probe_error(&http_source(addr, "/a.txt"), BOTH, None).await;
    assert!(matches!(err, MediaError::NotAnImage { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("http://{addr}/a.txt is not an image")),
        "{msg}"
    );
}
