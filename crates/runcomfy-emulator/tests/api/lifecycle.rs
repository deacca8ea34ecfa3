//! A job from submit to its video: the URLs of the accepted answer, the
//! result once completed, the video served whole, by HEAD and by range, of
//! the requested duration; and a job asked to fail.

use reqwest::StatusCode;
use runcomfy_emulator::EmulatorConfig;
use serde_json::{Value, json};

use crate::common::{
    TOKEN, call, http, input, result_of, start, submit, submitted_id, video_of, wait_for,
};
use crate::ffmpeg::ffprobe;

#[tokio::test]
async fn a_job_goes_through_the_whole_lifecycle_and_its_video_is_served() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let (status, submitted) = submit(&emulator, &input()).await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    let id = submitted["request_id"].as_str().expect("id").to_owned();
    assert_eq!(id.len(), 32, "128 random bits");
    for (key, action) in [
        ("status_url", "status"),
        ("result_url", "result"),
        ("cancel_url", "cancel"),
    ] {
        assert_eq!(
            submitted[key],
            format!("{}/requests/{id}/{action}", emulator.base_url())
        );
    }
    let done = wait_for(&emulator, &id, "completed").await;
    assert_eq!(done["status"], "completed", "{done}");
    let (status, _, result) = call(
        "GET",
        submitted["result_url"].as_str().expect("url"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(result["status"], "succeeded");
    assert!(
        result["created_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{result}"
    );
    assert!(result["finished_at"].is_string());
    let video = result["output"]["video"]
        .as_str()
        .expect("video url")
        .to_owned();
    assert!(video.starts_with(&format!("http://{}/files/", emulator.address())));

    let file = http().get(&video).send().await.expect("download");
    assert_eq!(file.headers()["content-type"], "video/mp4");
    let bytes = file.bytes().await.expect("bytes");
    assert_eq!(&bytes[4..8], b"ftyp");
    let head = http().head(&video).send().await.expect("head");
    assert_eq!(
        head.headers()["content-length"],
        bytes.len().to_string().as_str()
    );
    let part = http()
        .get(&video)
        .header("Range", "bytes=100-199")
        .send()
        .await
        .expect("range");
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 100-199/{}", bytes.len()).as_str()
    );
    assert_eq!(
        part.bytes().await.expect("bytes"),
        bytes.slice(100..200),
        "same bytes on every download"
    );
    assert_eq!(emulator.stats().submits(), 1);
}

#[tokio::test]
async fn the_served_video_is_an_mp4_of_the_requested_duration_even_padded() {
    let padding = 1024 * 1024;
    let emulator = start(EmulatorConfig {
        output_padding: padding,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let mut body = input();
    body["duration"] = json!(10);
    let bytes = video_of(&emulator, &body).await;
    let free = bytes.len() - padding as usize;
    assert_eq!(
        &bytes[free..free + 8],
        &[0, 0x10, 0, 0, b'f', b'r', b'e', b'e'],
        "a trailing 1 MiB `free` box"
    );
    assert!(bytes[free + 8..].iter().all(|&b| b == 0));
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("output.mp4");
    std::fs::write(&path, &bytes).expect("write");
    let probe = ffprobe(&path, "stream=codec_type,duration");
    assert!(
        probe.status.success(),
        "{}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let streams: Value = serde_json::from_slice(&probe.stdout).expect("json");
    assert_eq!(streams["streams"][0]["codec_type"], "video");
    let duration: f64 = streams["streams"][0]["duration"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .expect("duration");
    assert!((duration - 10.0).abs() < 0.05, "{duration}");
}

#[tokio::test]
async fn a_job_marked_to_fail_fails_with_an_error_object() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let mut body = input();
    body["prompt"] = json!("please emulator:fail this one");
    let id = submitted_id(&emulator, &body).await;
    assert_eq!(
        wait_for(&emulator, &id, "completed").await["status"],
        "completed"
    );
    let result = result_of(&emulator, &id).await;
    assert_eq!(result["status"], "failed");
    assert!(result.get("output").is_none());
    assert_eq!(result["error"]["error_code"], 500001);
}
