//! An output of each kind, as ffprobe reads it: a video of the requested
//! length with and without a start image, PNG and JPEG images at the size
//! their aspect ratio and resolution imply, and WAV audio whose length is
//! asked in seconds or in `music_length_ms`; each under the provider's key.

use base64::Engine as _;
use reqwest::StatusCode;
use runcomfy_emulator::{Emulator, EmulatorConfig};
use runcomfy_testkit::images::halves_png;
use serde_json::{Value, json};

use crate::common::{KLING, TOKEN, call, get_bytes, result_of, start, wait_for};
use crate::ffmpeg::ffprobe;

/// The `output` of a succeeded job of `model` for `body`.
async fn output_of(emulator: &Emulator, model: &str, body: Value) -> Value {
    let url = format!("{}/models/{model}", emulator.base_url());
    let (status, _, submitted) = call("POST", &url, Some(TOKEN), Some(&body)).await;
    assert_eq!(status, StatusCode::OK, "{model}: {submitted}");
    let id = submitted["request_id"].as_str().expect("id");
    wait_for(emulator, id, "completed").await;
    result_of(emulator, id).await["output"].clone()
}

/// What ffprobe says of the file at `url`: its first stream and format.
async fn probe(url: &Value) -> (Value, Value) {
    let bytes = get_bytes(url.as_str().expect("a URL")).await;
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("output");
    std::fs::write(&path, bytes).expect("write");
    let entries = "stream=codec_name,width,height,sample_rate,channels:format=duration";
    let answer: Value = serde_json::from_slice(&ffprobe(&path, entries).stdout).expect("json");
    (answer["streams"][0].clone(), answer["format"].clone())
}

/// A format's duration in seconds.
fn seconds(format: &Value) -> f64 {
    format["duration"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .expect("a duration")
}

#[tokio::test]
async fn videos_have_the_requested_length_with_or_without_a_start_image() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let png = halves_png(480, 640, [255, 0, 0], [0, 0, 255]);
    let image_url = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    );
    let started = json!({"image_url": image_url, "duration": 10});
    let text = json!({"prompt": "a lighthouse", "duration": 3, "aspect_ratio": "9:16"});
    for (model, body, size, secs) in [
        (KLING, started, (240, 320), 10.0),
        ("kling/kling-3.0/pro/text-to-video", text, (180, 320), 3.0),
    ] {
        let output = output_of(&emulator, model, body).await;
        let (stream, format) = probe(&output["video"]).await;
        let shape = [&stream["codec_name"], &stream["width"], &stream["height"]];
        assert_eq!(
            shape,
            [&json!("h264"), &json!(size.0), &json!(size.1)],
            "{model}"
        );
        assert!((seconds(&format) - secs).abs() < 0.1, "{model}: {format}");
    }
}

#[tokio::test]
async fn images_are_png_or_jpeg_at_the_size_of_their_aspect_ratio() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let model = "qwen/qwen-image-2.1/text-to-image";
    for (format, aspect_ratio, codec, size) in [
        ("png", "16:9", "png", (1360, 768)),
        ("jpeg", "1:1", "mjpeg", (1024, 1024)),
        ("jpeg", "9:16", "mjpeg", (768, 1360)),
    ] {
        let body = json!({"prompt": "a fox", "output_format": format, "aspect_ratio": aspect_ratio, "resolution": "1K"});
        let output = output_of(&emulator, model, body).await;
        let (stream, _) = probe(&output["image"]).await;
        assert_eq!(
            (
                stream["codec_name"].clone(),
                stream["width"].clone(),
                stream["height"].clone()
            ),
            (json!(codec), json!(size.0), json!(size.1)),
            "{format} {aspect_ratio}"
        );
    }
}

#[tokio::test]
async fn audio_has_the_length_asked_in_seconds_or_milliseconds() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    for (model, body, secs, rate) in [
        (
            "acestep-ai/ace-step/text-to-audio",
            json!({"tags": "lofi", "duration": 7}),
            7.0,
            "44100",
        ),
        (
            "elevenlabs/elevenlabs/music-generation",
            json!({"prompt": "a waltz", "music_length_ms": 12500, "output_format": "wav_16khz"}),
            12.5,
            "16000",
        ),
    ] {
        let output = output_of(&emulator, model, body).await;
        let (stream, format) = probe(&output["audio"]).await;
        assert_eq!(
            (stream["codec_name"].clone(), stream["sample_rate"].clone()),
            (json!("pcm_s16le"), json!(rate)),
            "{model}"
        );
        assert!((seconds(&format) - secs).abs() < 0.01, "{model}: {format}");
    }
}
