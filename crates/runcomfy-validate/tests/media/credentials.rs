//! Credentials: never shown in messages, never sent with a request.

use crate::loopback::local_probe;
use crate::needs::BOTH;
use runcomfy_testkit::http_server::ScriptedServer;
use runcomfy_validate::fixtures::png_header;
use runcomfy_validate::media::MediaSource;

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
    let server = ScriptedServer::start(|_, connection| async move {
        connection.send_whole(&png_header(400, 400)).await;
    })
    .await;
    let addr = server.address();
    let source = MediaSource::parse(&format!("http://user:pass@{addr}/img")).expect("parse");
    let facts = local_probe()
        .probe(&source, BOTH, None)
        .await
        .expect("probe");
    assert_eq!((facts.width, facts.height), (Some(400), Some(400)));
    let requests = server.requests();
    let seen: Vec<Option<&str>> = requests
        .iter()
        .map(|request| request.header("authorization"))
        .collect();
    assert_eq!(seen, vec![None]);
}
