//! Interrupted downloads: drops resumed with a `Range`, servers that ignore it, stalls, giving up.

use std::sync::Arc;
use std::time::{Duration, Instant};

use runcomfy::download::DownloadOptions;

use crate::download_support::{
    Answer, DownloadFailure, body, download_failure, downloader, file_server, listing, quick,
    quick_download, range_start,
};

#[tokio::test]
async fn a_drop_is_resumed_from_the_byte_it_stopped_at_and_appended() {
    let file = Arc::new(body(300_000));
    let server = file_server(&file, Answer::HalfThenDrop, Answer::Ranged).await;

    let (dir, got) = quick_download(&server, "/out/video.mp4").await;

    assert_eq!(std::fs::read(&got.path).expect("read"), *file);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(range_start(requests[0].head()), None);
    assert_eq!(
        range_start(requests[1].head()),
        Some(file.len() / 2),
        "resumed exactly where the first answer stopped"
    );
    assert_eq!(listing(dir.path()), ["video.mp4"]);
}

#[tokio::test]
async fn a_server_ignoring_range_makes_the_download_start_over() {
    let file = Arc::new(body(200_000));
    // 200 and the whole file, whatever the Range.
    let server = file_server(&file, Answer::HalfThenDrop, Answer::Whole).await;

    let (dir, got) = quick_download(&server, "/clip.mp4").await;

    assert_eq!(got.bytes, file.len() as u64, "not half + whole");
    assert_eq!(std::fs::read(&got.path).expect("read"), *file);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(range_start(requests[1].head()), Some(file.len() / 2));
    assert_eq!(listing(dir.path()), ["clip.mp4"]);
}

#[tokio::test]
async fn a_stalled_body_counts_as_a_drop_after_the_idle_timeout() {
    let file = Arc::new(body(100_000));
    let server = file_server(&file, Answer::StallAfter(1000), Answer::Ranged).await;
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
    assert_eq!(range_start(server.requests()[1].head()), Some(1000));
}

#[tokio::test]
async fn giving_up_after_the_resume_attempts_says_how_much_arrived() {
    let file = Arc::new(body(50_000));
    let server = file_server(&file, Answer::HalfThenDrop, Answer::HalfThenDrop).await;
    let dir = tempfile::tempdir().expect("tmp");
    let options = DownloadOptions {
        resume_attempts: 2,
        ..quick()
    };

    let error = downloader(options)
        .download(&server.url("/flaky.mp4"), dir.path(), Some("req-6"))
        .await
        .expect_err("never completes");

    let DownloadFailure {
        request_id, reason, ..
    } = download_failure(&error);
    assert_eq!(request_id.as_deref(), Some("req-6"));
    assert!(
        reason.contains(&format!("{} of {} bytes", file.len() / 2, file.len())),
        "{reason}"
    );
    assert!(reason.contains("2 resume attempt"), "{reason}");
    assert_eq!(server.requests().len(), 3, "the first try and two resumes");
    assert!(listing(dir.path()).is_empty(), "no litter");
}
