//! Downloads of the emulator's outputs: byte-identical, and resumed with a `Range` when cut.

use runcomfy_emulator::{Fault, Target};
use runcomfy_testkit::recording_proxy::RecordingProxy;

use crate::common::emulator;
use crate::download_support::{downloader, emulator_video, listing, plain_get, quick, range_start};

#[tokio::test]
async fn an_emulator_output_downloads_byte_identical_to_a_plain_get() {
    let emulator = emulator().await;
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
    let emulator = emulator().await;
    let video = emulator_video(&emulator).await;
    let expected = plain_get(&video).await;
    let downloads_before = emulator.stats().downloads();
    let proxy = RecordingProxy::start(emulator.address()).await;
    let via_proxy = video.replace(
        &emulator.address().to_string(),
        &proxy.address().to_string(),
    );
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
    let sent = String::from_utf8_lossy(&proxy.sent()).to_lowercase();
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
