//! The dialects of the service the emulator speaks, as the tests run them:
//! each final word and output shape with the files a success has, each
//! shape of a failure's `error` with the words the CLI gives of it, and the
//! output a job has in a shape.

use runcomfy_emulator::{Dialect, FailureError, FinishedStatus, OutputShape, SuccessWord};
use serde_json::{Value, json};

/// The words of the emulator's failed jobs.
const FAILURE: &str = "video generation failed (emulated failure)";

/// A dialect for each other way a success is said or shaped, and how many
/// files its job has: `succeeded` on the status, `completed` on the
/// result, two videos under `videos`, a video beside a `preview`.
pub(crate) fn successes() -> [(Dialect, usize); 4] {
    let shaped = |output_shape| Dialect {
        output_shape,
        ..Dialect::default()
    };
    [
        (
            Dialect {
                finished_status: FinishedStatus::Outcome,
                ..Dialect::default()
            },
            1,
        ),
        (
            Dialect {
                success_word: SuccessWord::Completed,
                ..Dialect::default()
            },
            1,
        ),
        (shaped(OutputShape::Videos), 2),
        (shaped(OutputShape::VideoAndPreview), 2),
    ]
}

/// Each shape of a failed job's `error`, and the service's own words the
/// CLI gives of it.
pub(crate) fn failures() -> [(FailureError, String); 3] {
    [
        (FailureError::String, FAILURE.to_owned()),
        (
            FailureError::Object,
            format!("{FAILURE} (error_code 500001)"),
        ),
        (
            FailureError::List,
            format!("{FAILURE} (error_code \"500001\")"),
        ),
    ]
}

/// The output of job `id` as the emulator at `origin` (`host:port`) gives
/// it in `shape`: the URLs of the files it serves.
pub(crate) fn served(origin: &str, id: &str, shape: OutputShape) -> Value {
    let url = |name: &str| format!("http://{origin}/files/{id}/{name}");
    match shape {
        OutputShape::Video => json!({"video": url("output.mp4")}),
        OutputShape::Videos => json!({"videos": [url("output-1.mp4"), url("output-2.mp4")]}),
        OutputShape::VideoAndPreview => {
            json!({"video": url("output.mp4"), "preview": url("preview.mp4")})
        }
    }
}
