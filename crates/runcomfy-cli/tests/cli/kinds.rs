//! One imported model of each output kind through `runcomfy run`, the
//! downloaded file read by ffprobe: a video whose picture is a start image
//! given in a field not named `image_url`, a JPEG image at the size its
//! aspect ratio and resolution imply, and WAV audio whose length is asked
//! in seconds or in `music_length_ms`.
//!
//! Tolerance: a length is the one asked within 0.05 s (the emulator's
//! videos are whole frames at 24 fps, its WAVs whole samples); a size is
//! exact.

use std::path::Path;

use runcomfy_testkit::ffprobe::{Probed, ffprobe};
use runcomfy_testkit::images::halves_png;

use crate::common::command::{emulator_with, output_dir, runcomfy};

/// How far a file's length may be from the one asked, in seconds.
const LENGTH_TOLERANCE: f64 = 0.05;

/// `runcomfy --json run MODEL --set ASSIGNMENT...` into a fresh directory;
/// what ffprobe says of the one file downloaded.
async fn run_and_probe(model: &str, assignments: &[&str]) -> Probed {
    let emulator = emulator_with(|_| {}).await;
    let base = emulator.base_url();
    let (_dir, dir) = output_dir();
    let mut args = vec!["--json", "run", model, "--output-dir", &dir];
    for assignment in assignments {
        args.extend(["--set", assignment]);
    }
    let outcome = runcomfy(Some(&base), &args).await;
    assert_eq!(outcome.code, 0, "{model}: {}", outcome.explain());
    let files = outcome.json()["files"].clone();
    let [file] = files.as_array().map(Vec::as_slice).unwrap_or_default() else {
        panic!("{model}: one file expected, got {files}");
    };
    let path = file.as_str().expect("a path");
    ffprobe(Path::new(path)).unwrap_or_else(|e| panic!("{model}: {e}"))
}

/// Fails unless `probed` is `codec` of `size` (width, height) and lasts
/// `seconds` when a length is asked (within the tolerance).
#[track_caller]
fn assert_probed(probed: &Probed, codec: &str, size: Option<(u64, u64)>, seconds: Option<f64>) {
    assert_eq!(probed.codec, codec, "{probed:?}");
    let (width, height) = size.unzip();
    assert_eq!((probed.width, probed.height), (width, height), "{probed:?}");
    // A still image has no length to ask (ffprobe gives a JPEG one frame's).
    if let Some(asked) = seconds {
        let got = probed.duration.unwrap_or(f64::NAN);
        assert!(
            (asked - got).abs() <= LENGTH_TOLERANCE,
            "{asked} s asked: {probed:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_is_the_length_asked_its_picture_the_start_image() {
    let dir = tempfile::tempdir().expect("dir");
    let image = dir.path().join("portrait.png");
    std::fs::write(&image, halves_png(480, 640, [255, 0, 0], [0, 0, 255])).expect("write");
    let start = format!("start_image_url=@{}", image.display());
    let assignments = [start.as_str(), "prompt=a slow pan", "duration=4"];
    let probed = run_and_probe("kling/kling-3.0/pro/image-to-video", &assignments).await;
    // The start image's 3:4 at the emulator's long side of 320 px.
    assert_probed(&probed, "h264", Some((240, 320)), Some(4.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_is_a_jpeg_at_the_size_its_aspect_ratio_and_resolution_imply() {
    let assignments = [
        "prompt=a lighthouse",
        "output_format=jpeg",
        "aspect_ratio=16:9",
        "resolution=1K",
    ];
    let probed = run_and_probe("bytedance/seedream-5.0-pro/text-to-image", &assignments).await;
    // 16:9 at about 1024² pixels, sides multiples of 16.
    assert_probed(&probed, "mjpeg", Some((1360, 768)), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audio_is_the_length_asked_in_seconds_or_in_milliseconds() {
    let seconds = ["tags=lo-fi, piano", "duration=7"];
    let probed = run_and_probe("acestep-ai/ace-step-1.5/text-to-audio", &seconds).await;
    assert_probed(&probed, "pcm_s16le", None, Some(7.0));
    let millis = ["prompt=a calm waltz", "music_length_ms=6500"];
    let probed = run_and_probe("elevenlabs/elevenlabs/music-generation", &millis).await;
    assert_probed(&probed, "pcm_s16le", None, Some(6.5));
}
