//! What a finished job's result carries, in the emulator's dialect: the
//! `output` of a success (the URLs of its files, under the configured keys,
//! and the names of the files a job serves), and the `error` of a failure
//! (a string, an object or a list).
//!
//! Every file of a video job is its one video: the names differ so that a
//! client that keeps each URL's file name keeps them apart. An image job
//! serves one file an image, an audio job one WAV.

use serde_json::{Value, json};

use crate::api::state::Api;
use crate::dialect::{FailureError, OutputShape};
use crate::outputs::Render;

/// The words of an emulated failure.
const FAILURE: &str = "video generation failed (emulated failure)";

/// The names of the files a succeeded job serves, the main one first: a
/// video's as the dialect's output shape says, `output.png` (or
/// `output-1.png`, `output-2.png`… when several) for images, `output.wav`.
pub(crate) fn file_names(shape: OutputShape, render: &Render) -> Vec<String> {
    let video: &[&str] = match shape {
        OutputShape::Video => &["output.mp4"],
        OutputShape::Videos => &["output-1.mp4", "output-2.mp4"],
        OutputShape::VideoAndPreview => &["output.mp4", "preview.mp4"],
    };
    match render {
        Render::Video { .. } => video.iter().map(|name| (*name).to_owned()).collect(),
        Render::Image { count: 1, .. } | Render::Audio { .. } => {
            vec![format!("output.{}", render.extension())]
        }
        Render::Image { count, .. } => (1..=*count)
            .map(|n| format!("output-{n}.{}", render.extension()))
            .collect(),
    }
}

/// How many outputs a success has: what a per-output price is charged for
/// (a preview is not one).
pub(crate) fn output_count(shape: OutputShape, render: &Render) -> u32 {
    match (render, shape) {
        (Render::Video { .. }, OutputShape::Videos) => 2,
        (Render::Video { .. }, OutputShape::Video | OutputShape::VideoAndPreview) => 1,
        _ => render.count(),
    }
}

/// The `output` of a succeeded job, under the keys the provider uses:
/// `video` (or as the dialect's shape says), `image` for one image and
/// `images` for several, `audio`.
pub(crate) fn output(api: &Api, id: &str, render: &Render) -> Value {
    let shape = api.dialect.output_shape;
    let urls: Vec<String> = file_names(shape, render)
        .iter()
        .map(|name| api.file_url(id, name))
        .collect();
    match (render, shape) {
        (Render::Image { count: 1, .. }, _) => json!({"image": urls[0]}),
        (Render::Image { .. }, _) => json!({"images": urls}),
        (Render::Audio { .. }, _) => json!({"audio": urls[0]}),
        (Render::Video { .. }, OutputShape::Video) => json!({"video": urls[0]}),
        (Render::Video { .. }, OutputShape::Videos) => json!({"videos": urls}),
        (Render::Video { .. }, OutputShape::VideoAndPreview) => {
            json!({"video": urls[0], "preview": urls[1]})
        }
    }
}

/// The `error` of a failed job.
pub(crate) fn failure(shape: FailureError) -> Value {
    match shape {
        FailureError::String => json!(FAILURE),
        FailureError::Object => json!({"error_code": 500001, "error_message": FAILURE}),
        FailureError::List => json!([{
            "errorCode": "500001",
            "error": FAILURE,
            "debugInfo": "the emulator was asked to fail this job",
        }]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::StillFormat;

    #[test]
    fn every_output_shape_names_files_and_counts_outputs() {
        for (shape, files, outputs) in [
            (OutputShape::Video, 1, 1),
            (OutputShape::Videos, 2, 2),
            (OutputShape::VideoAndPreview, 2, 1),
        ] {
            let video = Render::Video {
                secs: 5,
                width: 320,
                height: 180,
                start: None,
            };
            assert_eq!(file_names(shape, &video).len(), files, "{shape:?}");
            assert_eq!(output_count(shape, &video), outputs, "{shape:?}");
            assert_eq!(file_names(shape, &video)[0].rsplit('.').next(), Some("mp4"));
        }
    }

    #[test]
    fn images_and_audio_name_their_files_by_format_and_count() {
        let image = |count| Render::Image {
            width: 64,
            height: 64,
            format: StillFormat::Jpeg,
            count,
            source: None,
        };
        let audio = Render::Audio {
            secs: 1.0,
            sample_rate: 8_000,
        };
        let shape = OutputShape::Videos;
        assert_eq!(file_names(shape, &image(1)), ["output.jpg"]);
        assert_eq!(
            file_names(shape, &image(2)),
            ["output-1.jpg", "output-2.jpg"]
        );
        assert_eq!(file_names(shape, &audio), ["output.wav"]);
        assert_eq!(
            (output_count(shape, &image(3)), output_count(shape, &audio)),
            (3, 1)
        );
    }
}
