//! The other words and shapes the service is known to answer with, each
//! chosen by a field of `EmulatorConfig::dialect`: `succeeded` or `failed`
//! on the status endpoint, `canceled` with one l everywhere, `completed` on
//! the result, outputs under `videos` or beside an unknown key (every file
//! served like the video), and a failure's `error` in each shape.

use reqwest::StatusCode;
use runcomfy_emulator::{
    CancelSpelling, Dialect, Emulator, EmulatorConfig, FailureError, FinishedStatus, OutputShape,
    SuccessWord,
};
use serde_json::{Value, json};

use crate::common::{
    TOKEN, call, get_bytes, http, input, result_of, start, status_of, submitted_id, wait_for,
};

/// A test emulator whose dialect is the default one as `adjust` changes it.
async fn speaking(adjust: impl FnOnce(&mut Dialect)) -> Emulator {
    let mut dialect = Dialect::default();
    adjust(&mut dialect);
    start(EmulatorConfig {
        dialect,
        ..EmulatorConfig::for_tests()
    })
    .await
}

/// An input whose job fails.
fn failing_input() -> Value {
    let mut body = input();
    body["prompt"] = json!("emulator:fail on purpose");
    body
}

#[tokio::test]
async fn the_status_endpoint_can_say_succeeded_or_failed_for_a_finished_job() {
    let emulator = speaking(|d| d.finished_status = FinishedStatus::Outcome).await;
    let ok = submitted_id(&emulator, &input()).await;
    let failed = submitted_id(&emulator, &failing_input()).await;
    assert_eq!(
        wait_for(&emulator, &ok, "succeeded").await["status"],
        "succeeded"
    );
    assert_eq!(
        wait_for(&emulator, &failed, "failed").await["status"],
        "failed"
    );
    assert_eq!(result_of(&emulator, &failed).await["status"], "failed");
}

#[tokio::test]
async fn canceled_is_spelled_with_one_l_on_status_result_and_cancel() {
    let emulator = start(EmulatorConfig {
        workers: 1,
        time_scale: 1.0,
        dialect: Dialect {
            cancel_spelling: CancelSpelling::Canceled,
            ..Dialect::default()
        },
        ..EmulatorConfig::for_tests()
    })
    .await;
    let running = submitted_id(&emulator, &input()).await;
    let queued = submitted_id(&emulator, &input()).await;
    wait_for(&emulator, &running, "in_progress").await;
    let url = format!("{}/requests/{queued}/cancel", emulator.base_url());
    let (status, _, body) = call("POST", &url, Some(TOKEN), None).await;
    assert_eq!(
        (status, body["outcome"].clone(), body["status"].clone()),
        (StatusCode::ACCEPTED, json!("canceled"), json!("canceled"))
    );
    assert_eq!(status_of(&emulator, &queued).await["status"], "canceled");
    assert_eq!(result_of(&emulator, &queued).await["status"], "canceled");
}

#[tokio::test]
async fn the_result_can_say_completed_with_the_output_of_a_success() {
    let emulator = speaking(|d| d.success_word = SuccessWord::Completed).await;
    let id = submitted_id(&emulator, &input()).await;
    wait_for(&emulator, &id, "completed").await;
    let result = result_of(&emulator, &id).await;
    assert_eq!(result["status"], "completed", "{result}");
    let video = result["output"]["video"].as_str().expect("a video URL");
    assert_eq!(&get_bytes(video).await[4..8], b"ftyp");
}

/// The `output` of a succeeded job of an emulator with `shape`.
async fn output_in(shape: OutputShape) -> (Emulator, Value) {
    let emulator = speaking(|d| d.output_shape = shape).await;
    let id = submitted_id(&emulator, &input()).await;
    wait_for(&emulator, &id, "completed").await;
    let output = result_of(&emulator, &id).await["output"].clone();
    (emulator, output)
}

/// The file at `url`, checked to be served as the video is: `video/mp4`,
/// its length by HEAD, a byte range on request.
async fn served_like_the_video(url: &str) -> Vec<u8> {
    let whole = http().get(url).send().await.expect("download");
    assert_eq!(whole.status(), StatusCode::OK, "{url}");
    assert_eq!(whole.headers()["content-type"], "video/mp4");
    let bytes = whole.bytes().await.expect("bytes").to_vec();
    assert_eq!(&bytes[4..8], b"ftyp", "{url}");
    let head = http().head(url).send().await.expect("head");
    assert_eq!(
        head.headers()["content-length"],
        bytes.len().to_string().as_str()
    );
    let part = http()
        .get(url)
        .header("Range", "bytes=0-99")
        .send()
        .await
        .expect("range");
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes().await.expect("bytes"), &bytes[..100]);
    bytes
}

#[tokio::test]
async fn videos_in_an_array_are_each_served_like_the_video() {
    let (_emulator, output) = output_in(OutputShape::Videos).await;
    assert!(output.get("video").is_none(), "{output}");
    let urls: Vec<&str> = output["videos"]
        .as_array()
        .expect("videos")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(urls.len(), 2, "{output}");
    assert_ne!(urls[0], urls[1], "each file has its own name");
    let first = served_like_the_video(urls[0]).await;
    assert_eq!(served_like_the_video(urls[1]).await, first);
    let unnamed = urls[0].replace("output-1.mp4", "output.mp4");
    assert_eq!(
        http().get(&unnamed).send().await.expect("answer").status(),
        StatusCode::NOT_FOUND,
        "only the names the output gives are served"
    );
}

#[tokio::test]
async fn a_key_the_clients_do_not_know_holds_another_served_url() {
    let (_emulator, output) = output_in(OutputShape::VideoAndPreview).await;
    let video = output["video"].as_str().expect("video");
    let preview = output["preview"].as_str().expect("preview");
    assert!(preview.ends_with("/preview.mp4"), "{output}");
    served_like_the_video(video).await;
    served_like_the_video(preview).await;
}

#[tokio::test]
async fn a_failed_jobs_error_is_a_string_an_object_or_a_list() {
    let words = "video generation failed (emulated failure)";
    for (shape, wanted) in [
        (FailureError::String, json!(words)),
        (
            FailureError::Object,
            json!({"error_code": 500001, "error_message": words}),
        ),
        (
            FailureError::List,
            json!([{
                "errorCode": "500001",
                "error": words,
                "debugInfo": "the emulator was asked to fail this job",
            }]),
        ),
    ] {
        let emulator = speaking(|d| d.failure_error = shape).await;
        let id = submitted_id(&emulator, &failing_input()).await;
        wait_for(&emulator, &id, "completed").await;
        let result = result_of(&emulator, &id).await;
        assert_eq!(result["status"], "failed");
        assert_eq!(result["error"], wanted, "{shape:?}");
    }
}
