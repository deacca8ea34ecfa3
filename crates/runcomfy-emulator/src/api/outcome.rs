//! What a finished job's result carries, in the emulator's dialect: the
//! `output` of a success (the URLs of its files, under the configured keys,
//! and the names of the files a job serves), and the `error` of a failure
//! (a string, an object or a list).
//!
//! Every file of a job is its one video: the names differ so that a client
//! that keeps each URL's file name keeps them apart.

use serde_json::{Value, json};

use crate::api::state::Api;
use crate::dialect::{FailureError, OutputShape};

/// The words of an emulated failure.
const FAILURE: &str = "video generation failed (emulated failure)";

/// The names of the files a succeeded job serves, the video first.
pub(crate) fn file_names(shape: OutputShape) -> &'static [&'static str] {
    match shape {
        OutputShape::Video => &["output.mp4"],
        OutputShape::Videos => &["output-1.mp4", "output-2.mp4"],
        OutputShape::VideoAndPreview => &["output.mp4", "preview.mp4"],
    }
}

/// How many outputs a success has: what a per-output price is charged for
/// (a preview is not one).
pub(crate) fn output_count(shape: OutputShape) -> u32 {
    match shape {
        OutputShape::Videos => 2,
        OutputShape::Video | OutputShape::VideoAndPreview => 1,
    }
}

/// The `output` of a succeeded job.
pub(crate) fn output(api: &Api, id: &str) -> Value {
    let shape = api.dialect.output_shape;
    let urls: Vec<String> = file_names(shape)
        .iter()
        .map(|name| api.file_url(id, name))
        .collect();
    match shape {
        OutputShape::Video => json!({"video": urls[0]}),
        OutputShape::Videos => json!({"videos": urls}),
        OutputShape::VideoAndPreview => json!({"video": urls[0], "preview": urls[1]}),
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

    #[test]
    fn every_output_shape_names_files_and_counts_outputs() {
        for (shape, files, outputs) in [
            (OutputShape::Video, 1, 1),
            (OutputShape::Videos, 2, 2),
            (OutputShape::VideoAndPreview, 2, 1),
        ] {
            assert_eq!(file_names(shape).len(), files, "{shape:?}");
            assert_eq!(output_count(shape), outputs, "{shape:?}");
            assert_eq!(file_names(shape)[0].rsplit('.').next(), Some("mp4"));
        }
    }
}
