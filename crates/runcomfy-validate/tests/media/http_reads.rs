//! What an HTTP probe asks for and reads: a ranged GET of the header bytes,
//! a HEAD when only the size is needed, the size from the headers, and a
//! body counted only up to the size limit plus one byte. Servers on
//! 127.0.0.1 only.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::images::{jpeg, png};
use crate::loopback::{http_source, local_probe};
use crate::needs::{BOTH, DIMS, SIZE, all_known};
use crate::servers::{ranged_server, requests};
use runcomfy_testkit::http_server::{RequestedRange, ScriptedServer};
use runcomfy_validate::media::{MediaFacts, Needs};

/// What a default local probe learns about the server's `/img`.
async fn probe_img(server: &ScriptedServer, needs: Needs, size_limit: Option<u64>) -> MediaFacts {
    local_probe()
        .probe(&http_source(server.address(), "/img"), needs, size_limit)
        .await
        .expect("probe")
}

fn get(range: &str) -> (String, Option<String>) {
    ("GET".to_owned(), Some(range.to_owned()))
}

#[tokio::test]
async fn http_range_request_reads_only_the_header() {
    const TOTAL: usize = 5_000_000;
    let server = ranged_server(png(2048, 1536, TOTAL), true).await;

    let facts = probe_img(&server, BOTH, Some(10 * 1024 * 1024)).await;
    assert_eq!(facts, all_known(2048, 1536, TOTAL));
    // One ranged GET for the header cap, and no more than that was served.
    assert_eq!(requests(&server), vec![get("bytes=0-262143")]);
    let sent = server.body_bytes_sent();
    assert!(sent <= 256 * 1024, "server sent {sent} bytes");
    assert!(sent < TOTAL as u64 / 10);
}

#[tokio::test]
async fn http_header_cap_is_used_for_the_range() {
    let server = ranged_server(png(400, 400, 100_000), true).await;
    let facts = local_probe()
        .with_header_cap(1000)
        .probe(&http_source(server.address(), "/img"), DIMS, None)
        .await
        .expect("probe");
    assert_eq!((facts.width, facts.height), (Some(400), Some(400)));
    assert_eq!(requests(&server), vec![get("bytes=0-999")]);
}

#[tokio::test]
async fn http_size_only_uses_head() {
    let server = ranged_server(png(400, 400, 123_456), true).await;
    let facts = probe_img(&server, SIZE, Some(10)).await;
    assert_eq!(
        facts,
        MediaFacts {
            size_bytes: Some(123_456),
            ..MediaFacts::default()
        }
    );
    assert_eq!(requests(&server), vec![("HEAD".to_owned(), None)]);
    assert_eq!(server.body_bytes_sent(), 0);
}

#[tokio::test]
async fn http_size_only_falls_back_to_a_one_byte_get_after_405() {
    let server = ranged_server(png(400, 400, 123_456), false).await;
    let facts = probe_img(&server, SIZE, None).await;
    assert_eq!(facts.size_bytes, Some(123_456));
    assert_eq!(
        requests(&server),
        vec![("HEAD".to_owned(), None), get("bytes=0-0")]
    );
    assert_eq!(server.body_bytes_sent(), 1);
}

#[tokio::test]
async fn http_server_ignoring_range_still_gives_facts() {
    const TOTAL: usize = 2_000_000;
    let file = Arc::new(png(800, 600, TOTAL));
    // 200 with Content-Length, Range ignored.
    let server = ScriptedServer::start(move |_, connection| {
        let file = file.clone();
        async move { connection.send_whole(&file).await }
    })
    .await;
    let facts = probe_img(&server, BOTH, Some(10 * 1024 * 1024)).await;
    assert_eq!(facts, all_known(800, 600, TOTAL));
}

#[tokio::test]
async fn http_jpeg_dimensions_are_found_incrementally_without_waiting_for_the_end() {
    let bytes = Arc::new(jpeg(1920, 1080, 2));
    // 1 KiB chunks, and then the body never ends.
    let server = ScriptedServer::start(move |_, mut connection| {
        let bytes = bytes.clone();
        async move {
            connection.write_chunked_head("200 OK").await;
            for chunk in bytes.chunks(1024) {
                connection.write_chunk(chunk).await;
            }
            connection.hold().await;
        }
    })
    .await;
    // The body never ends: only reading incrementally and stopping as soon as
    // the dimensions are known can answer before the timeout.
    let started = Instant::now();
    let facts = local_probe()
        .with_timeout(Duration::from_secs(5))
        .probe(&http_source(server.address(), "/img"), DIMS, None)
        .await
        .expect("probe");
    assert_eq!((facts.width, facts.height), (Some(1920), Some(1080)));
    assert_eq!(facts.size_bytes, None);
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn http_size_without_length_counts_up_to_the_limit_plus_one() {
    // Chunked, no Content-Length: `/endless` never ends, `/short` is 50,000
    // bytes; a HEAD learns no length from either.
    let server = ScriptedServer::start(|request, mut connection| async move {
        connection.write_chunked_head("200 OK").await;
        if request.method() == "HEAD" {
            return connection.finish().await;
        }
        if request.target() == "/endless" {
            while connection.write_chunk(&[0_u8; 8192]).await {}
            return;
        }
        for _ in 0..10 {
            connection.write_chunk(&[1_u8; 5000]).await;
        }
        connection.end_chunks().await;
    })
    .await;
    let addr = server.address();
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
    let server = ScriptedServer::start(move |request, mut connection| {
        let file = file.clone();
        async move {
            let Some(RequestedRange {
                first: 0,
                last: Some(last),
            }) = request.range()
            else {
                // The full body, chunked (no Content-Length).
                connection.write_chunked_head("200 OK").await;
                for chunk in file.chunks(10_000) {
                    connection.write_chunk(chunk).await;
                }
                return connection.end_chunks().await;
            };
            let part = &file[..=last.min(TOTAL - 1)];
            let headers = [
                format!("Content-Range: bytes 0-{}/*", part.len() - 1),
                format!("Content-Length: {}", part.len()),
            ];
            connection.write_head("206 Partial Content", &headers).await;
            connection.write_body(part).await;
            connection.finish().await;
        }
    })
    .await;
    let facts = probe_img(&server, BOTH, Some(1_000_000)).await;
    assert_eq!(facts, all_known(500, 700, TOTAL));
    assert_eq!(
        requests(&server),
        vec![get("bytes=0-262143"), ("GET".to_owned(), None)]
    );
}
